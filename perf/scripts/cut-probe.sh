#!/usr/bin/env bash
# Judges a small engine cut (docs/engine.md "Judging a cut: the cut probe"). Two jars in one JVM, each in its own
# class loader, timed by the measuring thread's CPU clock (jars-probe's JarsProbe); inside a round the jars take turns
# every PROBE_SLICE commands, so that a disturbance of the shared machine falls on both alike; and all that in several
# FRESH JVMs with the jars' slots swapped every other JVM (A set up first in JVMs 1, 3, ...; B in 2, 4, ...), since
# one JVM's ratio carries a bias of its own (which jar was set up first, what C2 made of each, where the heap landed)
# that more rounds in it do not remove. Prints each JVM's median B/A per round, then the geometric mean over the JVMs
# with its 95% interval (Student t over JVMs), the AB and BA JVMs apart, and the pooled median of all rounds. The
# same jar given twice (copy it) is the A/A run: its interval is what a cut must clear.
#
#   perf/scripts/cut-probe.sh A.jar B.jar [warm|warmmix|holds|pay|zipf|mix|risk|rewards] [jvms] [rounds] [commands]
#       [batch] [mode]
#   perf/scripts/cut-probe.sh /tmp/main.jar tools/target/wodian.jar warm 12 30 65536 64 staged
#
# warm (the default): EnginePayBenchmark's Pays on 4,096 consumers and 8 merchants (JarWarmRunner: a Pay's code on
# warm lines, apart from the misses of the 1 M-consumer tables); warmmix: EngineMixBenchmark's Pay/Try/Confirm/Refund
# mix on the same small population (JarWarmMixRunner: the code of the Try, Confirm and Refund paths on warm lines);
# holds: Tries and Confirms only on that population with ~100,000 holds live, each Confirm of a hold from anywhere in
# the expiry queue (JarHoldsRunner: the queue deep, its compares on record rows out of cache);
# pay, mix, risk, rewards: jars-probe's workloads;
# zipf: EnginePayZipfBenchmark's (JarZipfRunner: 1 M consumers drawn from a Zipf distribution, realistic locality).
# mode: staged (batch prefetch) or off (one at a time). Environment: PROBE_HEAP (default 1g for warm, warmmix and
# holds, 5g else; -Xms = -Xmx, pre-touched), PROBE_WARMUPS (unreported rounds per JVM, default 10), PROBE_SLICE
# (commands per turn, default 4096), PROBE_JAVA_OPTS (JVM options; default -Xbatch: each jar's code compiled at the
# same invocation counts in every JVM, the tightest A/A measured; PROBE_JAVA_OPTS= for none), PROBE_TASKSET (a CPU
# list for taskset -c), PROBE_LOG (a directory that keeps each JVM's output; a temporary one by default).
set -euo pipefail
repo_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
a_jar="$(realpath "$1")"; b_jar="$(realpath "$2")"
kind="${3:-warm}"; jvms="${4:-8}"; rounds="${5:-40}"; commands="${6:-65536}"; batch="${7:-64}"; mode="${8:-staged}"
case "$kind" in
    warm) runner=JarWarmRunner; heap="${PROBE_HEAP:-1g}" ;;
    warmmix) runner=JarWarmMixRunner; heap="${PROBE_HEAP:-1g}" ;;
    holds) runner=JarHoldsRunner; heap="${PROBE_HEAP:-1g}" ;;
    pay) runner=JarRunner; heap="${PROBE_HEAP:-5g}" ;;
    zipf) runner=JarZipfRunner; heap="${PROBE_HEAP:-5g}" ;;
    mix) runner=JarMixRunner; heap="${PROBE_HEAP:-5g}" ;;
    risk) runner=JarRiskRunner; heap="${PROBE_HEAP:-5g}" ;;
    rewards) runner=JarRewardsRunner; heap="${PROBE_HEAP:-5g}" ;;
    *) echo "kind must be warm, warmmix, holds, pay, zipf, mix, risk or rewards" >&2; exit 2 ;;
esac
work="$(mktemp -d "${TMPDIR:-/tmp}/cut-probe.XXXXXX")"
trap 'rm -rf "$work"' EXIT
log="${PROBE_LOG:-$work/log}"
mkdir -p "$log"
src="$repo_dir/perf/scripts/jars-probe"
shared=()
case "$kind" in warm|warmmix|holds) shared=("$src/WarmPopulation.java") ;; esac
javac -nowarn -cp "$b_jar" -d "$work/runner" "$src/$runner.java" "${shared[@]}"
javac -nowarn -d "$work/cls" "$src/JarsProbe.java"
base="$(sed -n 's:.*<wodian.jvm.base>\(.*\)</wodian.jvm.base>.*:\1:p' "$repo_dir/pom.xml")"
pin=()
opts="${PROBE_JAVA_OPTS--Xbatch}"
if [ -n "${PROBE_TASKSET:-}" ]; then pin=(taskset -c "$PROBE_TASKSET"); fi
echo "cut-probe $kind: A=$a_jar B=$b_jar, $jvms JVMs x $rounds rounds x $commands commands, batch $batch" \
    "$mode, slices of ${PROBE_SLICE:-4096}, heap $heap, options: ${opts:-none}" \
    "${PROBE_TASKSET:+taskset -c $PROBE_TASKSET}"
uptime
for ((i = 1; i <= jvms; i++)); do
    if ((i % 2 == 1)); then
        first="$a_jar"; second="$b_jar"; order=AB
    else
        first="$b_jar"; second="$a_jar"; order=BA
    fi
    # shellcheck disable=SC2086
    "${pin[@]}" java $base -Xms"$heap" -Xmx"$heap" -XX:+AlwaysPreTouch $opts \
        -Dprobe.warmups="${PROBE_WARMUPS:-10}" -Dprobe.slice="${PROBE_SLICE:-4096}" \
        -Drunner="com.wodian.perf.$runner" -cp "$work/cls" \
        JarsProbe "$work/runner" "$first" "$second" "$rounds" "$commands" "$batch" "$mode" > "$log/jvm-$i-$order.txt"
    echo "jvm $i ($order) done, load $(cut -d' ' -f1 /proc/loadavg)"
done
uptime
python3 "$repo_dir/perf/scripts/cut-probe-summary.py" "$log"
