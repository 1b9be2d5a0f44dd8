#!/usr/bin/env python3
"""A real server restart phase by phase, with the CPU each group of threads spent in each phase: old tree against new.

    perf/scripts/restart-cpu-timeline.py DATA_DIR ROUNDS OLD_TREE NEW_TREE
    OLD_JAVA_OPTS=... NEW_JAVA_OPTS=...   that side's WODIAN_JAVA_OPTS (one tree against itself with other JVM flags)
    OLD_ARGS=... NEW_ARGS=...             that side's extra server arguments (e.g. NEW_ARGS="--warmup-inputs 25000")
    COUNTERS=1                            also read the JVM's own counters once the server listens (jcmd PID
                                          PerfCounter.print): classes loaded (from the archive / not), the time spent
                                          loading, linking and initialising classes, compiles and their time, GCs
    NEW_DATA=DIR                          the new side starts on DIR instead of DATA_DIR (one tree against itself on
                                          two probe data sets, e.g. the tail's definition before and after session 50)
    SPLIT=1                               the recovered phase in two: "snapshot" (up to the tail's start: the snapshot's
                                          load, the engine built beside it, the tailer's seek) and "tail" (the tail's
                                          replay and its tables grown ahead), split at the recovered line's arrival less
                                          the tail's own time from that line

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
# The phases a start's rows are printed in: the log lines' phases, or with SPLIT=1 the recovered phase split in two.
ROW_PHASES = (("starting", "warmup", "snapshot", "tail", "listening") if os.environ.get("SPLIT") else
              tuple(phase for phase, _ in PHASES))
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


# The JVM's counters read at ready (COUNTERS=1), in the units printed: ms from the counters' ns ticks, or counts.
COUNTER_NAMES = (("classes", "java.cls.loadedClasses"), ("archived", "java.cls.sharedLoadedClasses"),
                 ("clsLoadMs", "sun.cls.time"), ("clsInitMs", "sun.cls.classInitTime.self"),
                 ("clsLinkMs", "sun.cls.classLinkedTime.self"), ("clsVerifyMs", "sun.cls.classVerifyTime.self"),
                 ("appLoadMs", "sun.cls.appClassLoadTime.self"), ("compiles", "sun.ci.totalCompiles"),
                 ("compileMs", "sun.ci.standardTime"), ("osrMs", "sun.ci.osrTime"),
                 ("gcs", "sun.gc.collector.0.invocations"), ("safepointMs", "sun.rt.safepointTime"))


def read_counters(pid):
    """The JVM's own counters (jcmd PID PerfCounter.print), ms for the *Ms names; {} when jcmd fails."""
    try:
        text = subprocess.run(["jcmd", str(pid), "PerfCounter.print"], capture_output=True, text=True,
                              timeout=30).stdout
    except (OSError, subprocess.TimeoutExpired):
        return {}
    raw = dict(line.split("=", 1) for line in text.splitlines() if "=" in line)
    ticks_per_ms = int(raw.get("sun.os.hrt.frequency", "1000000000")) / 1000
    values = {}
    for name, counter in COUNTER_NAMES:
        if counter in raw and raw[counter].strip().lstrip("-").isdigit():
            value = int(raw[counter])
            values[name] = round(value / ticks_per_ms) if name.endswith("Ms") else value
    return values


def start_once(tree, data_dir, java_opts, extra_args=""):
    environment = dict(os.environ, WODIAN_NO_BUILD="1")
    if java_opts:
        environment["WODIAN_JAVA_OPTS"] = java_opts
    command = [os.path.join(tree, "bin", "wodian"), "server", "--data", data_dir, "--port", "0", "--credentials",
               os.path.join(data_dir, "credentials"), "--durability", "page-cache", "--snapshots", "off",
               "--ignore-stdin"] + extra_args.split()
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
    counters = read_counters(process.pid) if os.environ.get("COUNTERS") and listening.is_set() else {}
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(60)
    except subprocess.TimeoutExpired:
        process.kill()
    if "listening" not in marks:
        raise SystemExit("the server in %s did not start" % tree)
    if "tail" in recovered and "recovered" in marks:
        # The tail's replay ended just before the recovered line was written: its start is that line less its time.
        marks["snapshot"] = max(marks.get("warmup", 0), marks["recovered"] - recovered["tail"])
        marks["tail"] = marks["recovered"]
    rows = []
    previous_ms, previous_total, previous_groups = 0, 0, collections.Counter()
    for phase in ROW_PHASES:
        at_ms = marks.get(phase, previous_ms)
        sample = [s for s in samples if s[0] <= at_ms + 20][-1]
        groups = collections.Counter()
        for name, cpu_ms in sample[2].values():
            groups[name] += cpu_ms
        rows.append((phase, at_ms - previous_ms, sample[1] - previous_total,
                     [groups[g] - previous_groups[g] for g in GROUPS]))
        previous_ms, previous_total, previous_groups = at_ms, sample[1], groups
    return {"ready": marks["listening"], "starting": marks.get("starting", -1), "rows": rows,
            "cpu": previous_total, "counters": counters, **recovered}


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
        first = start_once(trees[name], data[name], os.environ.get(name.upper() + "_JAVA_OPTS", ""),
                           os.environ.get(name.upper() + "_ARGS", ""))
        print("%s: untimed first start, ready %d ms" % (name, first["ready"]), flush=True)
    for round_index in range(rounds):
        for name in (("old", "new") if round_index % 2 == 0 else ("new", "old")):
            result = start_once(trees[name], data[name], os.environ.get(name.upper() + "_JAVA_OPTS", ""),
                                os.environ.get(name.upper() + "_ARGS", ""))
            results[name].append(result)
            print("round %d %s: ready %d ms, snapshot load %s ms, tail %s ms (apply CPU %s ms), process CPU %d ms, "
                  "load %.1f" % (round_index, name, result["ready"], result.get("snapshot"), result.get("tail"),
                                 result.get("apply"), result["cpu"], os.getloadavg()[0]), flush=True)
            print_rows(result["rows"])
            if result["counters"]:
                print("  counters: " + ", ".join("%s %d" % item for item in result["counters"].items()))
    clean = {name: [r for r in rows if 0 <= r["starting"] < SLOW_START_MS] for name, rows in results.items()}
    for name in ("old", "new"):
        rows = clean[name]
        print("%s: medians of %d starts (%d left out: their JVM reached 'starting' after %d ms)"
              % (name, len(rows), len(results[name]) - len(rows), SLOW_START_MS))
        if rows:
            print_rows([(phase, statistics.median(r["rows"][i][1] for r in rows),
                         statistics.median(r["rows"][i][2] for r in rows),
                         [statistics.median(r["rows"][i][3][g] for r in rows) for g in range(len(GROUPS))])
                        for i, phase in enumerate(ROW_PHASES)])
            for key in ("ready", "cpu", "snapshot", "tail", "apply"):
                values = [r[key] for r in rows if key in r]
                print("  %s %d (%d-%d)" % (key, statistics.median(values), min(values), max(values)))
            for key, _ in COUNTER_NAMES:
                values = [r["counters"][key] for r in rows if key in r["counters"]]
                if values:
                    print("  counter %s %d (%d-%d)" % (key, statistics.median(values), min(values), max(values)))
    for key in ("ready", "cpu", "apply"):
        ratios = sorted(new[key] / old[key] for old, new in zip(results["old"], results["new"])
                        if 0 <= old["starting"] < SLOW_START_MS and 0 <= new["starting"] < SLOW_START_MS)
        if ratios:
            print("new/old %s per round (%d rounds): min %.3f / median %.3f / max %.3f"
                  % (key, len(ratios), ratios[0], statistics.median(ratios), ratios[-1]))


if __name__ == "__main__":
    main()
