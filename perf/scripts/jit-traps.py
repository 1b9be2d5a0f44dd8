#!/usr/bin/env python3
"""One real server start under -XX:+LogCompilation: the uncommon traps of com.wodian code and C2's time, by phase.

    perf/scripts/jit-traps.py TREE DATA_DIR OUT_PREFIX [MORE_JAVA_OPTS...]

Starts `TREE/bin/wodian server` (WODIAN_NO_BUILD=1, the launcher's flags and archive) on DATA_DIR (a snapshot, a
journal tail and a `credentials` file: the data perf/scripts/cold-restart-probe.sh builds with KEEP_DATA=DIR) with
--durability page-cache --snapshots off, waits 4 s after WODIAN LISTENING (the server's own Ticks are its first live
inputs; each start appends a few to the journal), stops it, and keeps OUT_PREFIX.lc.log (the compile log) and
OUT_PREFIX.server.log (the server's lines, each with its arrival in ms since the exec). Then prints:
  - the phases' ends (s since the exec): starting, warmup (the engine's JIT warm-up awaited), snapshot (its load),
    tail (recovery's replay), listening;
  - every uncommon trap of a com.wodian method (reason, action, the inlining chain from the trapping method out), with
    the phase it fell in: a trap in the tail or after it throws compiled code away where it costs (the tail's replay,
    live traffic), and the method runs in the interpreter until C2 has compiled it again;
  - C2's compile time per phase (each compile's wall time from its task's start to its end, put in the phase it
    started in): ms and compiles by package group, and the longest compiles.
Compile-log stamps count from the JVM's start, the phases from the exec: the launcher's few tens of ms between them
are not corrected, so a trap within that of a phase's end may belong to the next. Structure, not timings: the log
costs the compiler threads time, and the figures move with the machine's load (docs/history/engine-sessions.md,
"Session 51, restart").
"""
import collections
import os
import re
import signal
import subprocess
import sys
import threading
import time

LISTEN_AFTER_S = 4
START_LIMIT_S = 120
RECOVERED = re.compile(r"recovered: snapshot at sequence \d+ \((\d+) ms\), replayed \d+ inputs, \d+ KiB \((\d+) ms")
TASK = re.compile(r"<task (compile_id='\d+'[^>]*?) stamp='([\d.]+)'>(.*?)<task_done[^>]*stamp='([\d.]+)'", re.S)
TRAP = re.compile(r"<uncommon_trap thread='\d+' ([^>]*?)stamp='([\d.]+)'>(.*?)</uncommon_trap>", re.S)


def start(tree, data_dir, out, extra_opts):
    environment = dict(os.environ, WODIAN_NO_BUILD="1", WODIAN_JAVA_OPTS=" ".join(
        ["-XX:+UnlockDiagnosticVMOptions", "-XX:+LogCompilation", "-XX:LogFile=%s.lc.log" % out] + extra_opts))
    command = [os.path.join(tree, "bin", "wodian"), "server", "--data", data_dir, "--port", "0", "--credentials",
               os.path.join(data_dir, "credentials"), "--durability", "page-cache", "--snapshots", "off",
               "--ignore-stdin"]
    start_s = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=environment,
                               start_new_session=True)
    listening = threading.Event()
    with open(out + ".server.log", "w") as lines:
        def read():
            for line in process.stdout:
                lines.write("%6d %s" % ((time.monotonic() - start_s) * 1000, line))
                lines.flush()
                if line.startswith("WODIAN LISTENING"):
                    listening.set()
        reader = threading.Thread(target=read, daemon=True)
        reader.start()
        listening.wait(START_LIMIT_S)
        if listening.is_set():
            time.sleep(LISTEN_AFTER_S)
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(60)
        reader.join(5)
    if not listening.is_set():
        raise SystemExit("the server in %s did not start: %s.server.log" % (tree, out))


def phase_ends(server_log):
    ends = {}
    for line in open(server_log):
        at_s = int(line.split()[0]) / 1000
        if "server: starting " in line:
            ends["starting"] = at_s
        elif "inputs on a throwaway engine" in line:
            ends["warmup"] = at_s
        elif RECOVERED.search(line):
            snapshot_ms, tail_ms = map(int, RECOVERED.search(line).groups())
            ends["snapshot"] = at_s - tail_ms / 1000
            ends["tail"] = at_s
        elif "WODIAN LISTENING" in line:
            ends["listening"] = at_s
    ends["after"] = float("inf")
    return sorted(ends.items(), key=lambda item: item[1])


def phase_of(ends, at_s):
    return next(name for name, end in ends if at_s < end)


def group_of(method):
    owner = method.split(" ")[0]
    if owner.startswith("com.wodian."):
        parts = owner.split(".")
        return ".".join(parts[:4]) if len(parts) > 4 else "com.wodian." + parts[2]
    for prefix, name in (("net.openhft", "chronicle"), ("org.agrona", "agrona"), ("com.lmax", "disruptor")):
        if owner.startswith(prefix):
            return name
    return "jdk and other"


def report(out):
    ends = phase_ends(out + ".server.log")
    print("phase ends, s since the exec: " + ", ".join("%s %.3f" % item for item in ends[:-1]))
    text = open(out + ".lc.log", errors="replace").read()
    print("uncommon traps of com.wodian methods:")
    for match in TRAP.finditer(text):
        attributes, stamp_s, body = match.groups()
        chain = re.findall(r"<jvms bci='(\d+)' method='([^']+)'", body)
        if not any(method.startswith("com.wodian") for _, method in chain):
            continue
        reason = re.search(r"reason='([^']+)'", attributes)
        action = re.search(r"action='([^']+)'", attributes)
        print("  %-9s %7.3f %s %s: %s" % (phase_of(ends, float(stamp_s)), float(stamp_s),
                                        reason.group(1) if reason else "?", action.group(1) if action else "?",
                                        " <- ".join("%s@%s" % (".".join(method.split(" ")[:2]), bci)
                                                    for bci, method in chain)))
    times = collections.defaultdict(collections.Counter)
    counts = collections.defaultdict(collections.Counter)
    longest = []
    for match in TASK.finditer(text):
        attributes, start_s, _, end_s = match.groups()
        level = re.search(r"level='(\d)'", attributes)
        if level and level.group(1) != "4":
            continue   # C1's tiers carry a level; C2's tasks carry none
        method = re.search(r"method='([^']+)'", attributes).group(1)
        phase = phase_of(ends, float(start_s))
        took_ms = (float(end_s) - float(start_s)) * 1000
        times[phase][group_of(method)] += took_ms
        counts[phase][group_of(method)] += 1
        osr = " OSR" if "compile_kind='osr'" in attributes else ""
        longest.append((took_ms, phase, ".".join(method.split(" ")[:2]) + osr))
    print("C2 compile time by phase (ms, compiles):")
    for phase, _ in ends:
        if times[phase]:
            print("  %-9s %6.0f ms in %4d: %s" % (phase, sum(times[phase].values()), sum(counts[phase].values()),
                                                 ", ".join("%s %.0f (%d)" % (group, ms, counts[phase][group])
                                                           for group, ms in times[phase].most_common())))
    print("the longest C2 compiles: " + "; ".join("%s %s %.0f ms" % (phase, method, ms)
                                                   for ms, phase, method in sorted(longest, reverse=True)[:12]))


def main():
    if len(sys.argv) < 4:
        print(__doc__.strip().splitlines()[2].strip())
        sys.exit(2)
    tree, data_dir, out = sys.argv[1], sys.argv[2], sys.argv[3]
    start(tree, data_dir, out, sys.argv[4:])
    report(out)


if __name__ == "__main__":
    main()
