#!/usr/bin/env bash
# Runs one `wodian loadgen` against a fresh `wodian server` in its own JVM, then stops the server and deletes its
# data: each row of docs/performance.md is one call of this script.
#
#   perf/scripts/with-server.sh [server options] -- [loadgen options]
#   perf/scripts/with-server.sh --durability page-cache -- --rate 50000 --duration 20 --connections 4
#
# The server gets a fresh data directory under ${WODIAN_PERF_DIR:-/tmp} and a free port; the loadgen gets
# --target. Server JVM options: WODIAN_SERVER_JAVA_OPTS (default -Xmx6g, room for --keys-max 8000000, which this
# script passes unless the server options name --keys-max). Prints `uptime` before and after: the load average is
# part of every number. CPU pinning (taskset): WODIAN_SERVER_CPUS and WODIAN_LOADGEN_CPUS (e.g. 1 and 0), unset by
# default; the server's JVM flags (GC and safepoint logs, JFR) go in WODIAN_SERVER_JAVA_OPTS. `bin/wodian server`
# fixes the heap at that maximum and pre-touches it (-Xms = -Xmx, -XX:+AlwaysPreTouch): the whole heap is resident
# from the start and the pre-touch counts against the start wait; add `-Xms256m -XX:-AlwaysPreTouch` to
# WODIAN_SERVER_JAVA_OPTS to turn it off.
# STAGE_WINDOW=1: the server also logs its stage histograms' one-second intervals (-Dwodian.stage.latency.log) and,
# after the since-start table, the script prints the stage table over the load generator's measured window only
# (its last --duration minus --warmup seconds, so without the set-up burst and the warm-up).
set -euo pipefail
repo_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
server_args=()
while [[ $# -gt 0 && "$1" != "--" ]]; do server_args+=("$1"); shift; done
[[ "${1:-}" == "--" ]] && shift
if [[ " ${server_args[*]:-} " != *" --keys-max "* ]]; then server_args+=(--keys-max 8000000); fi

data_dir="$(mktemp -d "${WODIAN_PERF_DIR:-/tmp}/wodian-perf.XXXXXX")"
log="$data_dir.server.log"
stage_log="$data_dir.stages.hlog"
server_java_opts="${WODIAN_SERVER_JAVA_OPTS:--Xmx6g}"
[[ "${STAGE_WINDOW:-0}" == 1 ]] && server_java_opts="$server_java_opts -Dwodian.stage.latency.log=$stage_log"
# Authentication stays on: one admin credential for the loadgen (it sets up parties and pays for many terminals),
# of the kind `loadtest`: its set-up is in the admin audit trail, its payments are not (docs/security.md, "Admin
# kinds"), so the figures measure the payment path as a production server runs it for terminals.
"$repo_dir/bin/wodian" credentials --file "$data_dir/credentials" --add loadtest:1 \
    --secrets-out "$data_dir/client-secrets" >/dev/null
# A command prefix, not a shell function: a backgrounded function would make $! a subshell, and the kill below
# would orphan the server.
server_pin=(); [[ -n "${WODIAN_SERVER_CPUS:-}" ]] && server_pin=(taskset -c "$WODIAN_SERVER_CPUS")
loadgen_pin=(); [[ -n "${WODIAN_LOADGEN_CPUS:-}" ]] && loadgen_pin=(taskset -c "$WODIAN_LOADGEN_CPUS")
# WODIAN_LOADGEN_NICE (e.g. -10, as root): the load generator before the server for a CPU, as clients on machines of
# their own would be; unset by default (docs/history/latency-sessions.md, "The load generator at a higher priority").
[[ -n "${WODIAN_LOADGEN_NICE:-}" ]] && loadgen_pin=(nice -n "$WODIAN_LOADGEN_NICE" "${loadgen_pin[@]}")
"$repo_dir/bin/wodian" cds --if-stale >&2 # the build's class-data archive now, not inside a timed start (bin/wodian)
WODIAN_JAVA_OPTS="$server_java_opts" "${server_pin[@]}" "$repo_dir/bin/wodian" server --data "$data_dir" --port 0 \
    --ignore-stdin --risk-baseline none "${server_args[@]}" >"$log" 2>&1 &
server_pid=$!
loadgen_pid=""
# The measured window of the load generator: its last (--duration - --warmup) seconds before it exited.
loadgen_arg() {
    local name="$1" value="$2"; shift 2
    while [[ $# -gt 0 ]]; do [[ "$1" == "$name" && $# -gt 1 ]] && value="$2"; shift; done
    echo "$value"
}
measured_s="$(python3 -c 'import sys; print(float(sys.argv[1]) - float(sys.argv[2]))' \
    "$(loadgen_arg --duration 10 "$@")" "$(loadgen_arg --warmup 2 "$@")")"
loadgen_end_s=""
# Server stage percentiles over the measured window, from the interval log (HdrHistogram's log processor, whose CSV
# output ends with the range's percentile distribution: value, percentile, count).
stage_window_table() {
    local range stage
    range="$(python3 -c 'import re, sys
start = float(re.search(r"#\[StartTime: ([0-9.]+)", open(sys.argv[1]).read()).group(1))
end = float(sys.argv[2]) - start
print("%.3f %.3f" % (max(0.0, end - float(sys.argv[3])), end))' "$stage_log" "$loadgen_end_s" "$measured_s")"
    echo "server stage latency over the load generator's measured window (${range% *}-${range#* } s of the log):"
    printf 'server window %-20s %10s %9s %9s %9s %9s %9s %9s\n' "stage (us)" count p50 p90 p99 p99.9 p99.99 max
    for stage in received_to_durable durable_to_taken received_to_taken taken_to_written received_to_written; do
        java -cp "$repo_dir/tools/target/wodian.jar" org.HdrHistogram.HistogramLogProcessor -i "$stage_log" \
            -tag "$stage" -start "${range% *}" -end "${range#* }" -csv -outputValueUnitRatio 1000 2>/dev/null \
            | python3 -c 'import sys
rows = [l.strip().split(",") for l in sys.stdin if l[:1].isdigit()]
dist = [(float(r[0]), float(r[1]), int(float(r[2]))) for r in rows if len(r) >= 3]
if dist:
    at = lambda q: next((v for v, p, c in dist if p >= q), dist[-1][0])
    print("server window %-20s %10d %9.1f %9.1f %9.1f %9.1f %9.1f %9.1f" % (sys.argv[1], dist[-1][2], at(.5),
          at(.9), at(.99), at(.999), at(.9999), dist[-1][0]))' "$stage" || true
    done
}
cleanup() {
    # A timeout around this script (latency-table.sh) stops the load generator too, not only the server.
    [[ -n "$loadgen_pid" ]] && kill "$loadgen_pid" 2>/dev/null || true
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    # The server logs its stage latency table when it stops (docs/observability.md).
    sed -n '/stage latency since start/,/received_to_written/p' "$log" | sed 's/^/server /'
    if [[ -s "$stage_log" && -n "$loadgen_end_s" ]]; then stage_window_table; fi
    rm -rf "$data_dir" "$log" "$stage_log"
}
trap cleanup EXIT
port=""
for _ in $(seq 1 120); do
    port="$(sed -n 's/^WODIAN LISTENING port=\([0-9]*\).*/\1/p' "$log")"
    [[ -n "$port" ]] && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$log" >&2; exit 3; }
    sleep 0.5
done
[[ -n "$port" ]] || { echo "server did not start" >&2; cat "$log" >&2; exit 3; }
echo "server: ${server_args[*]:-(defaults)} (pid $server_pid, port $port); $(uptime)"
"${loadgen_pin[@]}" "$repo_dir/bin/wodian" loadgen --target "127.0.0.1:$port" --credentials "$data_dir/client-secrets" "$@" &
loadgen_pid=$!
wait "$loadgen_pid"
loadgen_end_s="$(date +%s.%N)"
loadgen_pid=""
echo "after: $(uptime)"
