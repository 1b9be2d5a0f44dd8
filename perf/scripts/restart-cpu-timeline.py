#!/usr/bin/env python3
"""A real server restart phase by phase, with the CPU each group of threads spent in each phase: old tree against new.

    perf/scripts/restart-cpu-timeline.py DATA_DIR ROUNDS OLD_TREE NEW_TREE
    OLD_JAVA_OPTS=... NEW_JAVA_OPTS=...   that side's WODIAN_JAVA_OPTS (one tree against itself with other JVM flags)
    NEW_DATA=DIR                          the new side starts on DIR instead of DATA_DIR (one tree against itself on
                                          two probe data sets, e.g. the tail's definition before and after session 50)

DATA_DIR holds a snapshot, a journal tail after it and a `credentials` file: the one perf/scripts/cold-restart-probe.sh
builds (run it once with KEEP_DATA=DIR). Each start is `TREE/bin/wodian server` (the tree's launcher, its JVM flags and
jar; WODIAN_NO_BUILD=1) on DATA_DIR with --durability page-cache --snapshots off, stopped once it listens; each tree is
started once untimed first (a launcher's once-per-build work: bin/wodian makes its class-data archive then), then the
rounds alternate the trees and swap their order every round. While a server starts, its threads' CPU (/proc/PID/task/*/stat,
user + system) is read every 20 ms; the phases end at the server's own log lines (their arrival since the exec):
  starting   the JVM (its heap's pre-touch included), the command line, the configuration ("starting wodian ...")
  warmup     the journal's opening on the main thread beside the JIT warm-up's throwaway engine on its own thread,
             awaited ("JIT warm-up: N inputs ...")
  recovered  the snapshot's load and the journal tail's replay ("recovered: ...")
  listening  the journal's JIT warm-up, the counters, rings, sessions, pipeline threads, the port ("WODIAN LISTENING")
Per start: each phase's wall time, the process's CPU in it, and its split by thread group (main = the thread that runs
the server's start; warmup = wodian-engine-warmup; apply = the replay's apply thread; snapld = the snapshot load's
helper threads; GC includes the heap's pre-touch). A thread that ended keeps the CPU last read for it. At the end: per
tree the medians of the starts whose JVM reached "starting" within 1 s (a slow pre-touch, seconds on this VM after a
pause, is left out and counted), and new/old per round of the ready time, the process CPU and the tail's apply CPU.
"""
import collections
import os
import re
import signal
import statistics
import subprocess
import sys
import threading
import time

PHASES = (("starting", "server: starting "), ("warmup", "JIT warm-up: "), ("recovered", "recovered: "),
          ("listening", "WODIAN LISTENING"))
GROUPS = ("main", "C2", "C1", "warmup", "apply", "snapld", "GC", "other")
RECOVERED = re.compile(r"snapshot at sequence \d+ \((\d+) ms\), replayed \d+ inputs, \d+ KiB \((\d+) ms, "
                       r"apply thread's CPU (\d+) ms\)")
TICK = os.sysconf("SC_CLK_TCK")
SLOW_START_MS = 1000
START_LIMIT_S = 120


def group(name):
    prefixes = (("C2 Compiler", "C2"), ("C1 Compiler", "C1"), ("GC Thread", "GC"), ("G1", "GC"),
                ("wodian-engine-w", "warmup"), ("wodian-replay", "apply"), ("wodian-snapshot", "snapld"))
    if name == "java":
        return "main"
    return next((g for prefix, g in prefixes if name.startswith(prefix)), "other")


def thread_cpu(pid, seen):
    """Adds each live thread's CPU (ms) to seen, keyed by thread id; returns the process's CPU (ms)."""
    try:
        with open("/proc/%d/stat" % pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        total = (int(fields[11]) + int(fields[12])) * 1000 // TICK
        for tid in os.listdir("/proc/%d/task" % pid):
            try:
                with open("/proc/%d/task/%s/stat" % (pid, tid)) as f:
                    raw = f.read()
                name = raw[raw.index("(") + 1:raw.rindex(")")]
                fields = raw.rsplit(")", 1)[1].split()
                seen[tid] = (group(name), (int(fields[11]) + int(fields[12])) * 1000 // TICK)
            except (OSError, ValueError):
                pass
        return total
    except OSError:
        return None


def start_once(tree, data_dir, java_opts):
    environment = dict(os.environ, WODIAN_NO_BUILD="1")
    if java_opts:
        environment["WODIAN_JAVA_OPTS"] = java_opts
    command = [os.path.join(tree, "bin", "wodian"), "server", "--data", data_dir, "--port", "0", "--credentials",
               os.path.join(data_dir, "credentials"), "--durability", "page-cache", "--snapshots", "off",
               "--ignore-stdin"]
    start_s = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=environment,
                               start_new_session=True)
    marks = {}
    recovered = {}
    listening = threading.Event()

    def read():
        for line in process.stdout:
            now_ms = (time.monotonic() - start_s) * 1000
            for phase, text in PHASES:
                if text in line and phase not in marks:
                    marks[phase] = now_ms
                    match = RECOVERED.search(line)
                    if match:
                        recovered.update(snapshot=int(match.group(1)), tail=int(match.group(2)),
                                         apply=int(match.group(3)))
                    break
            if line.startswith("WODIAN LISTENING"):
                listening.set()
    threading.Thread(target=read, daemon=True).start()
    seen = {}
    samples = []
    while not listening.is_set() and time.monotonic() - start_s < START_LIMIT_S:
        total = thread_cpu(process.pid, seen)
        if total is not None:
            samples.append(((time.monotonic() - start_s) * 1000, total, dict(seen)))
        time.sleep(0.02)
    total = thread_cpu(process.pid, seen)
    samples.append(((time.monotonic() - start_s) * 1000, total, dict(seen)))
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(60)
    except subprocess.TimeoutExpired:
        process.kill()
    if "listening" not in marks:
        raise SystemExit("the server in %s did not start" % tree)
    rows = []
    previous_ms, previous_total, previous_groups = 0, 0, collections.Counter()
    for phase, _ in PHASES:
        at_ms = marks.get(phase, previous_ms)
        sample = [s for s in samples if s[0] <= at_ms + 20][-1]
        groups = collections.Counter()
        for name, cpu_ms in sample[2].values():
            groups[name] += cpu_ms
        rows.append((phase, at_ms - previous_ms, sample[1] - previous_total,
                     [groups[g] - previous_groups[g] for g in GROUPS]))
        previous_ms, previous_total, previous_groups = at_ms, sample[1], groups
    return {"ready": marks["listening"], "starting": marks.get("starting", -1), "rows": rows,
            "cpu": previous_total, **recovered}


def print_rows(rows):
    print("  %-10s %6s %7s | %s" % ("phase", "wall", "procCPU", " ".join("%6s" % g for g in GROUPS)))
    for phase, wall_ms, cpu_ms, groups in rows:
        print("  %-10s %6d %7d | %s" % (phase, wall_ms, cpu_ms, " ".join("%6d" % c for c in groups)))


def main():
    data_dir, rounds, old_tree, new_tree = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
    trees = {"old": old_tree, "new": new_tree}
    data = {"old": data_dir, "new": os.environ.get("NEW_DATA") or data_dir}
    results = {"old": [], "new": []}
    for name in ("old", "new"):
        # Untimed: what a launcher does once per build (bin/wodian makes its class-data archive at a build's first
        # server start) is not part of a restart.
        first = start_once(trees[name], data[name], os.environ.get(name.upper() + "_JAVA_OPTS", ""))
        print("%s: untimed first start, ready %d ms" % (name, first["ready"]), flush=True)
    for round_index in range(rounds):
        for name in (("old", "new") if round_index % 2 == 0 else ("new", "old")):
            result = start_once(trees[name], data[name], os.environ.get(name.upper() + "_JAVA_OPTS", ""))
            results[name].append(result)
            print("round %d %s: ready %d ms, snapshot load %s ms, tail %s ms (apply CPU %s ms), process CPU %d ms, "
                  "load %.1f" % (round_index, name, result["ready"], result.get("snapshot"), result.get("tail"),
                                 result.get("apply"), result["cpu"], os.getloadavg()[0]), flush=True)
            print_rows(result["rows"])
    clean = {name: [r for r in rows if 0 <= r["starting"] < SLOW_START_MS] for name, rows in results.items()}
    for name in ("old", "new"):
        rows = clean[name]
        print("%s: medians of %d starts (%d left out: their JVM reached 'starting' after %d ms)"
              % (name, len(rows), len(results[name]) - len(rows), SLOW_START_MS))
        if rows:
            print_rows([(phase, statistics.median(r["rows"][i][1] for r in rows),
                         statistics.median(r["rows"][i][2] for r in rows),
                         [statistics.median(r["rows"][i][3][g] for r in rows) for g in range(len(GROUPS))])
                        for i, (phase, _) in enumerate(PHASES)])
            for key in ("ready", "cpu", "snapshot", "tail", "apply"):
                values = [r[key] for r in rows if key in r]
                print("  %s %d (%d-%d)" % (key, statistics.median(values), min(values), max(values)))
    for key in ("ready", "cpu", "apply"):
        ratios = sorted(new[key] / old[key] for old, new in zip(results["old"], results["new"])
                        if 0 <= old["starting"] < SLOW_START_MS and 0 <= new["starting"] < SLOW_START_MS)
        if ratios:
            print("new/old %s per round (%d rounds): min %.3f / median %.3f / max %.3f"
                  % (key, len(ratios), ratios[0], statistics.median(ratios), ratios[-1]))


if __name__ == "__main__":
    main()
