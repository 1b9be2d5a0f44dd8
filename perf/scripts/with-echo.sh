#!/usr/bin/env bash
# The echo ceiling as the server rows run: a `wodian perf echo-server` in its own JVM (the server's JVM options and
# CPUs: WODIAN_SERVER_JAVA_OPTS, WODIAN_SERVER_CPUS) and `wodian perf tcp-echo --target` as the load generator (its
# CPUs: WODIAN_LOADGEN_CPUS), so that an echo row and a server row differ by the server's work only: two JVMs, the
# same load generator, the same pinning. (`wodian perf tcp-echo` alone runs the echo thread inside the load
# generator's JVM: pinned, it would share the load generator's CPU while a server gets its own.)
#
#   perf/scripts/with-echo.sh [loadgen options]
#   perf/scripts/with-echo.sh --rate 5000 --duration 12 --warmup 4 --connections 4
#
# Prints a line "server: echo (pid N, port P); uptime" like with-server.sh, then the load generator's report.
set -euo pipefail
repo_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="$(mktemp -d "${WODIAN_PERF_DIR:-/tmp}/wodian-echo.XXXXXX")"
log="$work/echo.log"
server_pin=(); [[ -n "${WODIAN_SERVER_CPUS:-}" ]] && server_pin=(taskset -c "$WODIAN_SERVER_CPUS")
loadgen_pin=(); [[ -n "${WODIAN_LOADGEN_CPUS:-}" ]] && loadgen_pin=(taskset -c "$WODIAN_LOADGEN_CPUS")
# WODIAN_LOADGEN_NICE (e.g. -10, as root): the load generator before the server for a CPU, as clients on machines of
# their own would be; unset by default (docs/history/latency-sessions.md, "The load generator at a higher priority").
[[ -n "${WODIAN_LOADGEN_NICE:-}" ]] && loadgen_pin=(nice -n "$WODIAN_LOADGEN_NICE" "${loadgen_pin[@]}")
# The echo server runs until its standard input ends: a FIFO whose writing end this script holds open (fd 3).
mkfifo "$work/stdin"
WODIAN_JAVA_OPTS="${WODIAN_SERVER_JAVA_OPTS:--Xmx3g}" "${server_pin[@]}" "$repo_dir/bin/wodian" perf echo-server \
    --port 0 <"$work/stdin" >"$log" 2>&1 &
server_pid=$!
exec 3>"$work/stdin"
loadgen_pid=""
cleanup() {
    [[ -n "$loadgen_pid" ]] && kill "$loadgen_pid" 2>/dev/null || true
    exec 3>&-
    # Standard input ended: the echo server stops by itself; a stuck one is stopped.
    for _ in $(seq 1 20); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.25; done
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
port=""
for _ in $(seq 1 120); do
    port="$(sed -n 's/^WODIAN ECHO LISTENING port=\([0-9]*\).*/\1/p' "$log")"
    [[ -n "$port" ]] && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$log" >&2; exit 3; }
    sleep 0.5
done
[[ -n "$port" ]] || { echo "echo server did not start" >&2; cat "$log" >&2; exit 3; }
echo "server: echo (pid $server_pid, port $port); $(uptime)"
"${loadgen_pin[@]}" "$repo_dir/bin/wodian" perf tcp-echo --target "127.0.0.1:$port" "$@" &
loadgen_pid=$!
wait "$loadgen_pid"
loadgen_pid=""
echo "after: $(uptime)"
