#!/usr/bin/env bash
# The latency table (perf/scripts/latency-table.sh) on a machine with spare cores, where the load generator and the
# server each get their own CPUs and a spinning stage does not steal a core from anyone: issue 15's "busy-spin or
# hybrid mode that shows what the code does without wake-up costs". Runs three passes back to back and keeps each
# pass's table (A and B twice each, for the spread):
#   A. default threading (SHARED, no spinning), server and load generator pinned to disjoint CPUs;
#   B. the same with the network thread busy-spinning (--network-idle busy-spin) on its own core;
#   C. default threading, unpinned (what the scheduler does by itself with spare cores).
# Optionally D: JMH EngineRiskPayBenchmark (risk off / trained model), pinned to CPUs of its own (JMH=1).
#
#   perf/scripts/device-latency.sh OUT_DIR
#
# Needs tools/target/wodian.jar, a JDK 17 (JAVA_HOME, `java` on the PATH, or a jlink image packed as
# .devjre/devjre.tar.xz in the repository, unpacked to /tmp on the way), python3 and taskset. PASSES (default "A B C")
# picks passes, A_RUNS (default 2) repeats pass A to fit a short lease. CPU sets:
# SERVER_CPUS (default 2-5) and LOADGEN_CPUS (default 8-11); the echo server is pinned as the server is.
set -uo pipefail
repo_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${1:?usage: device-latency.sh OUT_DIR}"
mkdir -p "$out"
cd "$repo_dir" || exit 1

source perf/scripts/device-java.sh
java -version >"$out/machine.txt" 2>&1 || { echo "no java" >&2; exit 1; }
{
    echo "date: $(date -u)"; uname -a; echo "nproc: $(nproc)"; uptime
    lscpu 2>/dev/null | grep -E 'Model name|Socket|Core|Thread|NUMA|MHz|L3' || true
    echo "thp: $(cat /sys/kernel/mm/transparent_hugepage/enabled 2>/dev/null)"
    free -g 2>/dev/null | head -2
} >>"$out/machine.txt" 2>&1
cat "$out/machine.txt"

server_cpus="${SERVER_CPUS:-2-5}"
loadgen_cpus="${LOADGEN_CPUS:-8-11}"
command -v taskset >/dev/null || { echo "no taskset: pinned passes run unpinned"; server_cpus=""; loadgen_cpus=""; }
table() { # table NAME ENV... : one latency-table pass into $out/NAME, its table kept as $out/NAME.txt
    local name="$1"; shift
    echo "=== pass $name: $* ($(date -u +%T))"
    env "$@" perf/scripts/latency-table.sh "$out/$name" >/dev/null 2>&1
    cp "$out/$name/table.txt" "$out/$name.txt" 2>/dev/null
    cat "$out/$name.txt"
}
common=(DURATION="${DURATION:-14}" WARMUP="${WARMUP:-6}" ROW_TIMEOUT=60 SATURATED=0 MODES=shared)
passes="${PASSES:-A B C}"
[[ "$passes" == *A* ]] && table A-pinned "${common[@]}" RUNS="${A_RUNS:-2}" RATES="5000 50000" SYNC=1 \
    WODIAN_SERVER_CPUS="$server_cpus" WODIAN_LOADGEN_CPUS="$loadgen_cpus"
[[ "$passes" == *B* ]] && table B-spin "${common[@]}" RUNS=2 RATES="5000 50000" SYNC=0 \
    WODIAN_SERVER_CPUS="$server_cpus" WODIAN_LOADGEN_CPUS="$loadgen_cpus" \
    SERVER_ARGS="--keys-max 2000000 --engine-tables reserve --network-idle busy-spin"
[[ "$passes" == *C* ]] && table C-unpinned "${common[@]}" RATES="5000" SYNC=0
if [[ "${JMH:-0}" == 1 ]]; then
    echo "=== JMH ($(date -u +%T))"
    timeout -k 5 "${JMH_TIMEOUT:-150}" taskset -c "${JMH_CPUS:-12-13}" bin/wodian jmh \
        'EngineRiskPayBenchmark' -p rules=off,trained -f 1 -wi 2 -w 2 -i 3 -r 2 -prof gc \
        >"$out/jmh.txt" 2>&1
    grep -E '^Engine|gc.alloc.rate.norm' "$out/jmh.txt" | grep -v -E 'gc\.(count|time)' | tail -12
fi
# Everything else (each row's report and the server's stage tables) in one file.
# (Only a few files come back from a lent machine: the folders go into the archive and are removed.)
tar -C "$out" -czf "$out/rows.tar.gz" A-pinned B-spin C-unpinned 2>/dev/null && rm -rf "$out"/A-pinned "$out"/B-spin "$out"/C-unpinned
echo "done $(date -u +%T)"
