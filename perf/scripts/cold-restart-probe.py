#!/usr/bin/env python3
"""Times real server restarts in a fresh JVM each: exec of `TREE/bin/wodian server` to its "WODIAN LISTENING" line.

Driven by perf/scripts/cold-restart-probe.sh (which builds the data directory); see there for the usage. For each
round and each tree (the order swapped every round, so load drift hits both alike) it starts the server on the same
data directory, reads its output as it comes (a blocking read: the timer costs no CPU while the server starts),
stops it with SIGTERM once it listens, keeps its output in LOG_DIR with each line's arrival in ms since the exec
(lines after the stop untimed), and parses the server's own log lines:
  recovered: snapshot at sequence S (L ms), replayed N inputs, K KiB (T ms), ...   -> snapshot load L, tail T
  recovered: ... (T ms, apply thread's CPU A ms) ...                               -> the tail's apply CPU A
  replay warm-up: N inputs on a throwaway engine in R ms                           -> replay warm-up N, R
                                          (logged only by branch h14-warmup-experiment: -1 on main)
  JIT warm-up: ... in W ms (the engine's, the first such line)                         -> serving warm-up W
Each tree is started once untimed before the rounds (a launcher's once-per-build work: bin/wodian makes its class-data
archive at a build's first server start). Prints one line per start, then per tree the medians and ranges, and the
new/old ratio per round.
  "starting wodian ..." (its arrival)                                              -> JVM start + command line
  recovered line's arrival - snapshot load - tail -> recovery begins (journal open; since 64b3e53 also the wait for
                                                     the engine warm-up, which runs beside the journal open)
Environment: OLD_ARGS / NEW_ARGS (more server arguments for that side, e.g. NEW_ARGS="--warmup-inputs 0"),
OLD_JAVA_OPTS / NEW_JAVA_OPTS (that side's WODIAN_JAVA_OPTS) and OLD_ENV / NEW_ENV (more environment for that side's
launcher, e.g. NEW_ENV="WODIAN_CDS=off"), so that one tree can be compared with itself.
"""
import os
import re
import signal
import statistics
import subprocess
import sys
import time

RECOVERED = re.compile(r"recovered: .*?\((\d+) ms\), replayed (\d+) inputs, \d+ KiB "
                       r"\((\d+) ms(?:, apply thread's CPU (\d+) ms)?\)")
# java.util.logging formats the numbers with MessageFormat, which groups thousands ("in 1,234 ms").
SERVING_WARMUP = re.compile(r"JIT warm-up: [^\n]*? in ([\d,]+) ms")
REPLAY_WARMUP = re.compile(r"replay warm-up: ([\d,]+) inputs [^\n]*? in ([\d,]+) ms")
LISTENING = "WODIAN LISTENING port="
STARTING = "INFO com.wodian.net.server: starting "
START_LIMIT_S = 300


def start_once(tree, data_dir, credentials, log_path, extra_args, java_opts, extra_env):
    """One start: (ready ms, snapshot load ms, tail ms, tail inputs, serving warm-up ms, tail's apply CPU ms,
    replay warm-up inputs, replay warm-up ms, "starting" line's arrival ms, recovery's begin ms); -1 where the server
    does not log it."""
    command = [os.path.join(tree, "bin", "wodian"), "server", "--data", data_dir, "--port", "0",
               "--credentials", credentials, "--durability", "page-cache", "--snapshots", "off",
               "--ignore-stdin"] + extra_args.split()
    environment = dict(os.environ)
    if java_opts:
        environment["WODIAN_JAVA_OPTS"] = java_opts
    for assignment in extra_env.split():
        name, _, value = assignment.partition("=")
        environment[name] = value
    lines = []
    start_s = time.monotonic()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                               start_new_session=True, env=environment)
    ready_ms = -1
    starting_ms = -1
    recovered_ms = -1
    deadline_s = start_s + START_LIMIT_S
    for line in process.stdout:
        lines.append("%6d %s" % ((time.monotonic() - start_s) * 1000, line))
        if starting_ms < 0 and STARTING in line:
            starting_ms = (time.monotonic() - start_s) * 1000
        if recovered_ms < 0 and "recovered: " in line:
            recovered_ms = (time.monotonic() - start_s) * 1000
        if line.startswith(LISTENING):
            ready_ms = (time.monotonic() - start_s) * 1000
            break
        if time.monotonic() > deadline_s:
            break
    process.send_signal(signal.SIGTERM)
    try:
        rest, _ = process.communicate(timeout=60)
        lines.append(rest or "")  # after the stop: not timed
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
    text = "".join(lines)
    with open(log_path, "w") as log:
        log.write(text)
    if ready_ms < 0:
        raise SystemExit("server did not start, see " + log_path)
    recovered = RECOVERED.search(text)
    if not recovered:
        raise SystemExit("no 'recovered:' line in " + log_path)
    serving = SERVING_WARMUP.search(text)
    replay = REPLAY_WARMUP.search(text)
    return (ready_ms, int(recovered.group(1)), int(recovered.group(3)), int(recovered.group(2)),
            number(serving.group(1)) if serving else -1, int(recovered.group(4) or -1),
            number(replay.group(1)) if replay else -1, number(replay.group(2)) if replay else -1, starting_ms,
            recovered_ms - int(recovered.group(1)) - int(recovered.group(3)))


def number(text):
    """An integer as java.util.logging printed it, thousands grouped or not."""
    return int(text.replace(",", ""))


def describe(values):
    return "%d (%d-%d)" % (statistics.median(values), min(values), max(values))


def main():
    old_tree, new_tree, data_dir, credentials, log_dir, rounds = sys.argv[1:7]
    trees = {"old": old_tree, "new": new_tree}
    results = {"old": [], "new": []}
    for name in ("old", "new"):
        # Untimed: what a launcher does once per build (bin/wodian makes its class-data archive at a build's first
        # server start) is not part of a restart.
        side = name.upper()
        first = start_once(trees[name], data_dir, credentials, os.path.join(log_dir, "%s-first.log" % name),
                           os.environ.get(side + "_ARGS", ""), os.environ.get(side + "_JAVA_OPTS", ""),
                           os.environ.get(side + "_ENV", ""))
        print("%s: untimed first start, ready %d ms" % (name, first[0]), flush=True)
    for round_index in range(int(rounds)):
        order = ["old", "new"] if round_index % 2 == 0 else ["new", "old"]
        for name in order:
            log_path = os.path.join(log_dir, "%s-%d.log" % (name, round_index))
            side = name.upper()
            result = start_once(trees[name], data_dir, credentials, log_path, os.environ.get(side + "_ARGS", ""),
                                os.environ.get(side + "_JAVA_OPTS", ""), os.environ.get(side + "_ENV", ""))
            results[name].append(result)
            print("round %d %s: ready %5d ms  starting %4d ms  recovery from %4d ms  snapshot load %4d ms  tail %5d ms (%d inputs, apply CPU %d ms)  "
                  "replay warm-up %d inputs in %d ms  serving warm-up %d ms  load %.1f"
                  % (round_index, name, result[0], result[8], result[9], result[1], result[2], result[3], result[5], result[6], result[7],
                     result[4], os.getloadavg()[0]), flush=True)
    for name in ("old", "new"):
        rows = results[name]
        print("%s: ready %s ms, starting %s ms, recovery from %s ms, snapshot load %s ms, tail %s ms, tail's apply CPU %s ms, serving warm-up %s ms "
              "(median (min-max) of %d)" % (name, describe([r[0] for r in rows]), describe([r[8] for r in rows]),
                                            describe([r[9] for r in rows]), describe([r[1] for r in rows]),
                                            describe([r[2] for r in rows]), describe([r[5] for r in rows]),
                                            describe([r[4] for r in rows]), len(rows)))
    ratios = sorted(new[0] / old[0] for old, new in zip(results["old"], results["new"]))
    print("new/old ready per round: min %.2f / median %.2f / max %.2f; new under 1 s in %d of %d, old in %d of %d" % (
        ratios[0], statistics.median(ratios), ratios[-1], sum(1 for r in results["new"] if r[0] < 1000),
        len(ratios), sum(1 for r in results["old"] if r[0] < 1000), len(ratios)))


if __name__ == "__main__":
    main()
