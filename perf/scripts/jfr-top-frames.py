#!/usr/bin/env python3
"""Summarises the CPU samples of a JFR recording: samples per thread, then the top frames (leaf method) and the
top 'first frame in com.wodian' per thread group. Usage: perf/scripts/jfr-top-frames.py FILE.jfr [TOP]"""
import collections, re, subprocess, sys

path = sys.argv[1]
top = int(sys.argv[2]) if len(sys.argv) > 2 else 12
text = subprocess.run(["jfr", "print", "--events", "jdk.ExecutionSample", "--stack-depth", "64", path],
                      capture_output=True, text=True, check=True).stdout
threads = collections.Counter()
leaf = collections.Counter()
wodian = collections.Counter()
total = 0
for event in text.split("jdk.ExecutionSample")[1:]:
    m = re.search(r'sampledThread = "([^"]*)"', event)
    thread = re.sub(r"-\d+$", "-N", m.group(1)) if m else "?"
    frames = re.findall(r"^\s+([\w$.<>]+)\(.*?line:", event, re.M)
    if not frames:
        continue
    total += 1
    threads[thread] += 1
    leaf[(thread, frames[0])] += 1
    first_own = next((f for f in frames if f.startswith("com.wodian")), "-")
    wodian[(thread, first_own)] += 1
print(f"{total} CPU samples")
print("by thread:")
for thread, n in threads.most_common():
    print(f"  {100.0 * n / total:5.1f}%  {thread}")
print(f"top {top} leaf frames:")
for (thread, frame), n in leaf.most_common(top):
    print(f"  {100.0 * n / total:5.1f}%  {thread:28s} {frame}")
print(f"top {top} innermost com.wodian frames:")
for (thread, frame), n in wodian.most_common(top):
    print(f"  {100.0 * n / total:5.1f}%  {thread:28s} {frame}")
