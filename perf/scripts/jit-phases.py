#!/usr/bin/env python3
"""C2 compiles of a server start, before, during and after recovery's tail, from the start's -XX:+PrintCompilation.

Reads the per-start logs that perf/scripts/cold-restart-probe.sh keeps (KEEP_LOGS=DIR) when the starts ran with
OLD_JAVA_OPTS=-XX:+PrintCompilation NEW_JAVA_OPTS=-XX:+PrintCompilation: each line carries its arrival in ms since the
exec, and the server's "recovered: ... replayed N inputs, K KiB (T ms" line gives the tail's end (its arrival) and
length (T). For each log prints, per phase (before the tail, the tail, after it up to the port), the tier-4 (C2)
compiles of com.wodian methods, the C2 code of com.wodian methods made not entrant (a deoptimization: an uncommon
trap, or a recompile), and the other C2 compiles (JDK, Chronicle, Agrona); then the com.wodian C2 compiles and
deoptimizations during the tail, in order ("OSR" marks an on-stack replacement). Counts only: which methods, not how
long C2 took (for that, -XX:+UnlockDiagnosticVMOptions -XX:+LogCompilation). docs/history/engine-sessions.md, "One compiled entry point
for the command path".

  perf/scripts/jit-phases.py DIR/old-0.log DIR/new-0.log ...
"""
import re
import sys

RECOVERED = re.compile(r"\s*(\d+) .*recovered: .*replayed \d+ inputs, \d+ KiB \((\d+) ms")
# PrintCompilation: timestamp, compile id, attribute flags (% s ! b n), tier, method, size, and maybe
# "made not entrant"; the probe puts the arrival in ms first.
COMPILE = re.compile(r"\s*(\d+)\s+\d+\s+\d+\s+([%sbn! ]{5})\s*(\d)\s+(\S+)\s*(\(\d+ bytes\))?(.*)")
PHASES = ("before", "tail", "after")


def phases(path):
    lines = open(path, errors="replace").read().splitlines()
    recovered = next((m for m in map(RECOVERED.match, lines) if m), None)
    if recovered is None:
        print(f"{path}: no 'recovered:' line (not a server start's log?)")
        return
    tail_end = int(recovered.group(1))
    tail_start = tail_end - int(recovered.group(2))
    counts = {phase: [0, 0, 0] for phase in PHASES}
    in_tail = []
    for match in map(COMPILE.match, lines):
        if not match or match.group(3) != "4":
            continue
        arrival = int(match.group(1))
        method = match.group(4)
        deoptimized = "made not entrant" in match.group(6)
        phase = "before" if arrival < tail_start else "tail" if arrival <= tail_end else "after"
        if not method.startswith("com.wodian"):
            counts[phase][2] += 0 if deoptimized else 1
            continue
        counts[phase][1 if deoptimized else 0] += 1
        if phase == "tail":
            osr = "OSR " if "%" in match.group(2) else ""
            in_tail.append(("made not entrant " if deoptimized else osr) + method)
    print(f"{path}: the tail from {tail_start} to {tail_end} ms after the exec")
    for phase in PHASES:
        wodian, not_entrant, other = counts[phase]
        print(f"  {phase:<6} C2 compiles of com.wodian methods {wodian:3d}, com.wodian C2 code made not entrant "
              f"{not_entrant:2d}, other C2 compiles {other:3d}")
    print("  in the tail: " + ("; ".join(in_tail) or "none"))


if __name__ == "__main__":
    if len(sys.argv) < 2:
        print(__doc__.strip().splitlines()[-1].strip())
        sys.exit(2)
    for log in sys.argv[1:]:
        phases(log)
