#!/usr/bin/env python3
"""Summarises one tail-probe.sh run: what happened inside the measured window (see tail-probe.sh)."""
import collections
import datetime
import os
import re
import subprocess
import sys

text_path, jvm_log, window_path, sched_path, mode, pids_path = sys.argv[1:7]
loadgen_jvm_log = sys.argv[7] if len(sys.argv) > 7 else None
text = open(text_path).read()
start_s, end_s = [float(x) for x in open(window_path).read().split()[:2]]
span_s = end_s - start_s
achieved = re.search(r"achieved ([0-9]+)/s", text)
rate = float(achieved.group(1)) if achieved else 1.0
# Every process whose pid or whose parent's pid was written (bin/wodian may exec java or start it as a child).
named = set(open(pids_path).read().split()) if os.path.exists(pids_path) else set()
jvms = set(named)
for pid in named:
    try:
        jvms.update(open("/proc/%s/task/%s/children" % (pid, pid)).read().split())
    except OSError:
        pass
print("window %.2f s (wall clock, JVM events)" % span_s)


def jvm_events(jvm_log, label):
    """JIT compilations, GC pauses and safepoints of the JVM log inside the window."""
    tiers, deopts, pauses, safepoints = collections.Counter(), 0, [], []
    if not os.path.exists(jvm_log):
        return
    for line in open(jvm_log, errors="replace"):
        m = re.match(r"\[([0-9T:.\-]+)\+0000\]\[[0-9.]+s\](.*)", line)
        if not m:
            continue
        t = datetime.datetime.fromisoformat(m.group(1)).replace(tzinfo=datetime.timezone.utc).timestamp()
        if not start_s <= t <= end_s:
            continue
        rest = m.group(2)
        jit = re.match(r"\s+\d+\s+[%sbn! ]*\s(\d)\s+\S+", rest)
        if "Safepoint" in rest:
            total = re.search(r"Total: ([0-9]+) ns", rest)
            safepoints.append(int(total.group(1)) / 1e6 if total else 0)
        elif re.search(r"GC\(\d+\) Pause .* ([0-9.]+)ms", rest):
            pauses.append(float(re.search(r"([0-9.]+)ms", rest).group(1)))
        elif jit:
            if "made not entrant" in rest:
                deopts += 1
            else:
                tiers[jit.group(1)] += 1
    print("JVM (%s) in the window: %d compilations (by tier %s), %d made not entrant; %d GC pauses (max %.1f ms); "
          "%d safepoints (max %.2f ms, total %.1f ms)" % (
              label, sum(tiers.values()),
              dict(sorted(tiers.items())), deopts, len(pauses), max(pauses, default=0), len(safepoints),
              max(safepoints, default=0), sum(safepoints)))


def percentile(values, q):
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))] if values else 0.0


# A wait of one of our threads for a CPU this long or longer is attributed to what ran meanwhile (delayed_by).
WAIT_SHOWN_MS = 0.5


def delayed_by(runs, waits):
    """For the waits of at least WAIT_SHOWN_MS of the network thread, the load generator's sender and its client
    threads: which tasks ran on the CPUs meanwhile (ms of overlap, all CPUs), so that a tail caused by another
    thread taking the cores has a name."""
    runs.sort()
    starts = [r[0] for r in runs]
    import bisect
    for (comm, pid), intervals in sorted(waits.items(), key=lambda kv: -len(kv[1])):
        if not (comm.startswith("wodian") or comm == "java"):
            continue
        culprits = collections.Counter()
        waited = 0.0
        for w0, w1 in intervals:
            waited += (w1 - w0) * 1e3
            # Runs are at most a few ms long: look back 50 ms from the wait's end.
            for r0, r1, other, other_pid in runs[bisect.bisect_left(starts, w0 - 0.05):bisect.bisect_right(starts, w1)]:
                overlap = min(r1, w1) - max(r0, w0)
                if overlap > 0:
                    culprits["%s (%s)" % (other[:16], "this JVM" if other_pid == pid else
                                          "our JVMs" if other_pid in jvms else other_pid)] += overlap * 1e3
        print("  %s (%s) waited >= %.1f ms for a CPU %d times, %.1f ms in all; meanwhile the CPUs ran: %s" % (
            comm[:16], pid, WAIT_SHOWN_MS, len(intervals), waited,
            ", ".join("%s %.1f ms" % kv for kv in culprits.most_common(6)) or "nothing recorded"))


def sched_threads():
    """Per thread of the server and the load generator: wake-ups, CPU, run time and scheduling delay."""
    if not os.path.exists(sched_path):
        print("scheduler: not recorded (no perf, or no permission to trace)")
        return
    lines = subprocess.run(["perf", "sched", "timehist", "-i", sched_path], capture_output=True, text=True,
                           errors="replace").stdout.splitlines()
    threads = collections.defaultdict(lambda: {"run": [], "delay": []})
    times = []
    # Every run on every CPU (start s, end s, task, pid), and the waits of our threads for a CPU (start s, end s).
    runs = []
    waits = collections.defaultdict(list)
    for line in lines[3:]:
        p = line.split()
        m = re.match(r"\s*[0-9.]+\s+\[(\d+)\]\s+(.*?)\[(\d+)(?:/(\d+))?\]\s", line)
        if len(p) < 6 or not m:
            continue
        try:
            delay, run = float(p[-2]), float(p[-1])
        except ValueError:
            continue
        end = float(p[0])
        times.append(end)
        key = (m.group(2), m.group(4) or m.group(3))
        threads[key]["run"].append(run)
        threads[key]["delay"].append(delay)
        start = end - run / 1e3
        runs.append((start, end, m.group(2), key[1]))
        if key[1] in jvms and delay >= WAIT_SHOWN_MS:
            waits[key].append((start - delay / 1e3, start))
    ours = {k: v for k, v in threads.items() if k[1] in jvms}
    # perf takes a while to start and stop: per request over the span it actually recorded.
    sched_s = max(1e-3, max(times, default=1) - min(times, default=0))
    requests = max(1.0, sched_s * rate)
    print("scheduler recorded %.2f s (about %d requests)" % (sched_s, requests))
    print("%-24s %7s %9s %9s %9s %9s %9s %9s %9s" % ("thread (pid)", "switch/r", "cpu us/r", "run p99", "run max",
                                                    "delay p50", "delay p99", "p99.9", "max (ms)"))
    for (comm, pid), s in sorted(ours.items(), key=lambda kv: -sum(kv[1]["run"])):
        if sum(s["run"]) < 0.5 and not comm.startswith("wodian"):
            continue
        print("%-24s %7.2f %9.1f %9.3f %9.3f %9.3f %9.3f %9.3f %9.3f" % (
            "%s (%s)" % (comm[:16], pid), len(s["run"]) / requests, 1e3 * sum(s["run"]) / requests,
            percentile(s["run"], .99), max(s["run"]), percentile(s["delay"], .5), percentile(s["delay"], .99),
            percentile(s["delay"], .999), max(s["delay"])))
    delayed_by(runs, waits)
    busy = sum(sum(v["run"]) for v in threads.values())
    mine = sum(sum(v["run"]) for v in ours.values())
    print("CPU busy: these JVMs %.0f%%, everything on the machine %.0f%% of %d CPUs" % (
        100 * mine / 1e3 / sched_s / os.cpu_count(), 100 * busy / 1e3 / sched_s / os.cpu_count(), os.cpu_count()))


jvm_events(jvm_log, "echo server" if mode == "echo" else "server")
if loadgen_jvm_log:
    jvm_events(loadgen_jvm_log, "load generator")
sched_threads()
