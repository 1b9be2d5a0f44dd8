#!/usr/bin/env bash
# The server's own 50k/s tail on a machine with spare cores, with the JVM's events in each row's measured window
# (perf/scripts/tail-probe.sh: compilations, GC pauses, safepoints): the default server against the same server
# without the JVM's periodic "Cleanup" safepoint (-XX:GuaranteedSafepointInterval=0), alternated, and an echo row per
# rate for the ratio. Server and load generator pinned apart as in device-latency.sh.
#
#   perf/scripts/device-tail.sh OUT_DIR
#
# Needs what device-latency.sh needs (a JDK 17, or .devjre/devjre.tar.xz; python3; taskset).
set -uo pipefail
repo_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${1:?usage: device-tail.sh OUT_DIR}"
mkdir -p "$out"
cd "$repo_dir" || exit 1
source perf/scripts/device-java.sh
export WODIAN_SERVER_CPUS="${SERVER_CPUS:-2-5}" WODIAN_LOADGEN_CPUS="${LOADGEN_CPUS:-8-11}"
export DURATION="${DURATION:-16}" WARMUP="${WARMUP:-6}"
no_cleanup="-Xmx3g -XX:+UnlockDiagnosticVMOptions -XX:GuaranteedSafepointInterval=0"
work="$(mktemp -d)"
probe() { # probe NAME MODE [server options]: one row; its summary (response, stages, JVM events) to stdout
    local name="$1"; shift
    echo "=== $name ($(date -u +%T), load $(cut -d' ' -f1-3 /proc/loadavg), server opts ${WODIAN_SERVER_JAVA_OPTS:--Xmx3g})"
    timeout -k 5 90 perf/scripts/tail-probe.sh "$work" "$name" "$@" 2>&1 | grep -E '^(response|service|server window|JVM)'
}
for round in 1 2; do
    for rate in 50000 5000; do
        k="$((rate / 1000))k"
        RATE=$rate probe "echo-$k-$round" echo
        RATE=$rate probe "shared-$k-$round" shared
        RATE=$rate WODIAN_SERVER_JAVA_OPTS="$no_cleanup" probe "shared-nocleanup-$k-$round" shared
    done
    [[ "${ROUNDS:-2}" == 1 ]] && break
done
# Safepoints in the servers' (and echo servers') logs, all rows (reason and total), for reading.
for log in "$work"/*.jvm.log; do [[ "$log" == *.loadgen.jvm.log ]] || cat "$log"; done | grep 'Safepoint "' | sed 's/.*Safepoint "\([^"]*\)".*Total: \([0-9]*\) ns/\1 \2/' \
    | awk '{n[$1]++; t[$1]+=$2; if ($2 > m[$1]) m[$1]=$2} END {for (k in n) printf "safepoints %-24s %6d  max %8.1f us  mean %8.1f us\n", k, n[k], m[k]/1000, t[k]/n[k]/1000}'
tar -C "$work" -czf "$out/tail-rows.tar.gz" . 2>/dev/null
echo "done $(date -u +%T)"
