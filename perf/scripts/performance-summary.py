#!/usr/bin/env python3
"""Prints the Markdown rows of docs/performance.md from a performance-table.sh result directory.
Usage: perf/scripts/performance-summary.py DIR"""
import os, re, sys

d = sys.argv[1]

def read(name):
    path = os.path.join(d, name + ".txt")
    return open(path).read() if os.path.exists(path) else None

def load(text):
    m = re.search(r"load average: ([\d.]+), ([\d.]+), ([\d.]+)\)", text)
    return m.group(1) if m else "?"

def pcts(line):
    vals = dict(re.findall(r"(p50|p90|p99|p99\.9|p99\.99|max)=([\d.]+(?:us|ms))", line))
    return " / ".join(vals.get(k, "-") for k in ("p50", "p90", "p99", "p99.9", "p99.99", "max"))

def loadgen_row(name, label):
    t = read(name)
    if t is None:
        return
    ach = re.search(r"achieved (\d+)/s \(([\d.]+)% of offered\)", t)
    resp = re.search(r"response time \(from intended.*", t)
    serv = re.search(r"service time  \(from actual.*", t)
    print(f"| {label} | {ach.group(1) if ach else '-'} | {pcts(resp.group(0)) if resp else '-'} | "
          f"{pcts(serv.group(0)) if serv else '-'} | {load(t)} | `{name}` |")

def search_row(name, label):
    t = read(name)
    if t is None:
        return
    best = re.search(r"max sustainable rate: (\d+)/s", t)
    steps = len(re.findall(r"^step \d+:", t, re.M))
    resp = re.search(r"that step in full:.*?response time \(from intended.*?$", t, re.S | re.M)
    print(f"| {label} | {best.group(1) + '/s' if best else 'none passed'} ({steps} steps) | "
          f"{pcts(resp.group(0).splitlines()[-1]) if resp else '-'} | {load(t)} | `{name}` |")

def journal_row(name, label):
    t = read(name)
    if t is None:
        return
    rate = re.search(r"entries/s", t) and re.search(r": (\d+) entries/s \(([\d.]+) entries per batch\)", t)
    lat = re.search(r"(time per batch|response time).*", t)
    print(f"| {label} | {rate.group(1) if rate else '-'} ({rate.group(2) if rate else '-'} per batch) | "
          f"{pcts(lat.group(0)) if lat else '-'} | {load(t)} | `{name}` |")

print("| ceiling / search | max rate | p50 / p90 / p99 / p99.9 / p99.99 / max | load | row |")
print("|---|---|---|---|---|")
search_row("echo-max", "TCP echo, p99 < 1 ms")
search_row("echo-max-throughput", "TCP echo, p99 < 100 ms")
search_row("pc-max", "server page-cache, p99 < 1 ms")
search_row("pc-max-throughput", "server page-cache, p99 < 100 ms")
search_row("sync-max", "server sync, p99 < 1 ms")
print()
print("| journal | entries/s | latency p50 / p90 / p99 / p99.9 / p99.99 / max | load | row |")
print("|---|---|---|---|---|")
journal_row("journal-pc-max", "page-cache, back-to-back batches of 64 (time per batch)")
journal_row("journal-sync-max", "sync, back-to-back batches of 64 (time per batch)")
journal_row("journal-sync-50k", "sync, 50,000/s paced (response time from due time)")
print()
print("| fixed rate | achieved/s | response time p50 / p90 / p99 / p99.9 / p99.99 / max | service time (same) | load | row |")
print("|---|---|---|---|---|---|")
for name, label in [("echo-50k", "TCP echo 50k/s"), ("pc-10k", "server page-cache 10k/s"),
                    ("pc-50k", "server page-cache 50k/s"), ("pc-100k", "server page-cache 100k/s"),
                    ("pc-mix-20k", "server page-cache 20k/s, mix (pay 85, try-confirm 8, try-cancel 2, refund 3, "
                                   "2 queries)"),
                    ("sync-10k", "server sync 10k/s"), ("sync-50k", "server sync 50k/s"),
                    ("sync-100k", "server sync 100k/s"), ("dedicated-sync-50k", "server sync 50k/s DEDICATED"),
                    ("busyspin-sync-50k", "server sync 50k/s busy-spin pipeline wait"),
                    ("echo-saturated", "TCP echo saturated (1M/s offered)"),
                    ("pc-saturated", "server page-cache saturated (500k/s offered)"),
                    ("sync-saturated", "server sync saturated (500k/s offered)"),
                    ("echo-100k-senders1", "TCP echo 100k/s, 1 sender thread"),
                    ("echo-100k-senders4", "TCP echo 100k/s, 4 sender threads")]:
    loadgen_row(name, label)
