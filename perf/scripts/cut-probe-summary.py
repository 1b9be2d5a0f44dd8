#!/usr/bin/env python3
"""Summary of a cut-probe.sh run: B/A per JVM and over the JVMs (docs/engine.md "Judging a cut: the cut probe").

Reads DIR/jvm-N-AB.txt and DIR/jvm-N-BA.txt, each JarsProbe's output (its "old" is the jar set up first: A in an AB
file, B in a BA file). Per JVM: the median over its measured rounds of B/A (each round times both jars, alternating
which goes first), and the medians of each jar's rate. Over the JVMs: the geometric mean of the JVMs' medians with
a 95% Student-t interval (the JVMs are the independent samples; the rounds inside one JVM are not), the same for AB
and BA JVMs apart (their gap is the slot bias, which the swap cancels), and the pooled median of all rounds.

    python3 perf/scripts/cut-probe-summary.py DIR
"""
import math
import re
import statistics
import sys
from pathlib import Path

ROUND = re.compile(r"^round (-?\d+)\s+(old|new) ([\d,]+)\s+(old|new) ([\d,]+)")
# Two-sided 95% Student t quantiles by degrees of freedom (the JVM counts a probe runs with).
T95 = {1: 12.706, 2: 4.303, 3: 3.182, 4: 2.776, 5: 2.571, 6: 2.447, 7: 2.365, 8: 2.306, 9: 2.262, 10: 2.228,
       11: 2.201, 12: 2.179, 13: 2.160, 14: 2.145, 15: 2.131, 16: 2.120, 17: 2.110, 18: 2.101, 19: 2.093, 20: 2.086}


def read_jvm(path):
    """Per measured round (B rate, A rate) of one JVM's output."""
    b_first = path.stem.endswith("-BA")
    rounds = []
    for line in path.read_text().splitlines():
        match = ROUND.match(line)
        if not match or int(match.group(1)) < 0:
            continue
        rate = {match.group(2): float(match.group(3).replace(",", "")),
                match.group(4): float(match.group(5).replace(",", ""))}
        # "old" is the first jar of the command line: A in an AB JVM, B in a BA JVM.
        a, b = (rate["new"], rate["old"]) if b_first else (rate["old"], rate["new"])
        rounds.append((b, a))
    return rounds


def interval(logs):
    """Geometric mean of exp(logs) and its 95% t interval (None, None for fewer than two)."""
    mean = statistics.fmean(logs)
    if len(logs) < 2:
        return math.exp(mean), None, None
    half = T95.get(len(logs) - 1, 1.96) * statistics.stdev(logs) / math.sqrt(len(logs))
    return math.exp(mean), math.exp(mean - half), math.exp(mean + half)


def main(directory):
    files = sorted(Path(directory).glob("jvm-*-*.txt"), key=lambda p: int(p.stem.split("-")[1]))
    medians = {"AB": [], "BA": []}
    pooled = []
    for path in files:
        rounds = read_jvm(path)
        if not rounds:
            print(f"{path.name}: no measured rounds")
            continue
        ratios = sorted(b / a for b, a in rounds)
        pooled.extend(ratios)
        median = statistics.median(ratios)
        order = path.stem.split("-")[2]
        medians[order].append(median)
        print(f"{path.name}: B/A median {median:.3f} (rounds {ratios[0]:.3f}-{ratios[-1]:.3f}, {len(ratios)}); "
              f"A median {statistics.median(a for _, a in rounds):,.0f}/cpu-s, "
              f"B {statistics.median(b for b, _ in rounds):,.0f}/cpu-s")
    every = medians["AB"] + medians["BA"]
    if not every:
        sys.exit("no JVM had measured rounds")
    for name, values in (("AB JVMs", medians["AB"]), ("BA JVMs", medians["BA"])):
        if values:
            mean, low, high = interval([math.log(v) for v in values])
            print(f"{name}: {len(values)}, B/A {mean:.3f}" + (f" (95% {low:.3f}-{high:.3f})" if low else ""))
    mean, low, high = interval([math.log(v) for v in every])
    print(f"B/A over {len(every)} JVMs: {mean:.3f}" + (f", 95% interval {low:.3f}-{high:.3f}" if low else "") +
          f"; JVM medians {min(every):.3f}-{max(every):.3f}; pooled median of {len(pooled)} rounds "
          f"{statistics.median(pooled):.3f}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
