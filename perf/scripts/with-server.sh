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
# default; the server's JVM flags (GC and safepoint logs, JFR) go in WODIAN_SERVER_JAVA_OPTS.
set -euo pipefail
repo_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
server_args=()
while [[ $# -gt 0 && "$1" != "--" ]]; do server_args+=("$1"); shift; done
[[ "${1:-}" == "--" ]] && shift
if [[ " ${server_args[*]:-} " != *" --keys-max "* ]]; then server_args+=(--keys-max 8000000); fi

data_dir="$(mktemp -d "${WODIAN_PERF_DIR:-/tmp}/wodian-perf.XXXXXX")"
log="$data_dir.server.log"
# Authentication stays on: one admin credential for the loadgen (it sets up parties and pays for many terminals).
"$repo_dir/bin/wodian" credentials --file "$data_dir/credentials" --add admin:1 \
    --secrets-out "$data_dir/client-secrets" >/dev/null
# A command prefix, not a shell function: a backgrounded function would make $! a subshell, and the kill below
# would orphan the server.
server_pin=(); [[ -n "${WODIAN_SERVER_CPUS:-}" ]] && server_pin=(taskset -c "$WODIAN_SERVER_CPUS")
loadgen_pin=(); [[ -n "${WODIAN_LOADGEN_CPUS:-}" ]] && loadgen_pin=(taskset -c "$WODIAN_LOADGEN_CPUS")
WODIAN_JAVA_OPTS="${WODIAN_SERVER_JAVA_OPTS:--Xmx6g}" "${server_pin[@]}" "$repo_dir/bin/wodian" server --data "$data_dir" --port 0 \
    --ignore-stdin "${server_args[@]}" >"$log" 2>&1 &
server_pid=$!
loadgen_pid=""
cleanup() {
    # A timeout around this script (latency-table.sh) stops the load generator too, not only the server.
    [[ -n "$loadgen_pid" ]] && kill "$loadgen_pid" 2>/dev/null || true
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    # The server logs its stage latency table when it stops (docs/observability.md).
    sed -n '/stage latency since start/,/received_to_written/p' "$log" | sed 's/^/server /'
    rm -rf "$data_dir" "$log"
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
loadgen_pid=""
echo "after: $(uptime)"
