#!/usr/bin/env bash
# Where a slow reply's time goes, with evidence that a loaded machine does not distort much: one load generator run
# (echo ceiling or a fresh server) with, inside its measured window, the server JVM's JIT compilations, GC pauses and
# safepoints (unified logging), and the scheduler's view of every thread of the server and the load generator
# (`perf sched record`: switches and CPU per request, how long each thread ran per wake-up, how long it waited for a
# CPU after being woken, and for each wait of 0.5 ms or more which tasks ran on the CPUs meanwhile). The server's
# stage table over the same window is printed too (with-server.sh STAGE_WINDOW); the load generator's JVM events as
# well. The echo row runs as latency-table.sh runs it: an echo server in its own JVM (with-echo.sh).
#
#   perf/scripts/tail-probe.sh OUT_DIR NAME echo|compact|shared|dedicated [server options...]
#   RATE=5000 perf/scripts/tail-probe.sh /tmp/probe shared-5k shared
#   RATE=1000 DURABILITY=sync perf/scripts/tail-probe.sh /tmp/probe sync-shared shared
#   perf/scripts/tail-probe.sh /tmp/probe shared-spin shared --network-idle spin-select
#
# RATE (default 5000), DURATION (22) and WARMUP (10) as in latency-table.sh; the scheduler is recorded from 1 s after
# the warm-up for DURATION - WARMUP - 2 s. Without `perf` (or the right to trace the scheduler) that part is skipped.
# Pinning: WODIAN_SERVER_CPUS / WODIAN_LOADGEN_CPUS as in with-server.sh.
set -uo pipefail
repo_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="$1"; name="$2"; mode="$3"; shift 3
mkdir -p "$out"
rate="${RATE:-5000}"; duration="${DURATION:-22}"; warmup="${WARMUP:-10}"
rec_s=$((duration - warmup - 2))
jvm_log="$out/$name.jvm.log"
loadgen_jvm_log="$out/$name.loadgen.jvm.log"
log_opts="-Xlog:gc*,safepoint,jit+compilation=debug:file=$jvm_log:time,uptime"
text="$out/$name.txt"
: >"$text"

# Starts the scheduler recording once the set-up is done and the warm-up has passed; writes the window's bounds.
record() {
    # The server run's clock starts after its set-up line; the echo run (no set-up) once its clients are connected.
    local port pattern
    for _ in $(seq 1 600); do
        if [[ "$mode" == echo ]]; then
            port="$(sed -n 's/.*(pid [0-9]*, port \([0-9]*\)).*/\1/p' "$text" | head -1)"
            [[ -n "$port" ]] && grep -qs '^wodian-client-1$' \
                /proc/$(pgrep -f "perf tcp-echo --target 127.0.0.1:$port " | head -1)/task/*/comm && break
        else
            grep -q '^setup:' "$text" 2>/dev/null && break
        fi
        sleep 0.2
    done
    sleep "$((warmup + 1))"
    date +%s.%N >"$out/$name.window"
    # The JVMs to look at: the server (pid in with-server.sh's line) and the load generator talking to it.
    port="$(sed -n 's/.*(pid [0-9]*, port \([0-9]*\)).*/\1/p' "$text" | head -1)"
    pattern="loadgen --target 127.0.0.1:$port "; [[ "$mode" == echo ]] && pattern="perf tcp-echo --target 127.0.0.1:$port "
    echo "$(sed -n 's/.*(pid \([0-9]*\), port.*/\1/p' "$text" | head -1) $(pgrep -f "$pattern" | tr '\n' ' ')" \
        >"$out/$name.pids"
    if command -v perf >/dev/null; then
        perf sched record -a -o "$out/$name.sched" sleep "$rec_s" >/dev/null 2>&1 || rm -f "$out/$name.sched"
    else
        sleep "$rec_s"
    fi
    date +%s.%N >>"$out/$name.window"
}
record &
recorder=$!
common=(--rate "$rate" --duration "$duration" --warmup "$warmup" --connections 4)
# The load generator's JVM logs its GC pauses, safepoints and compilations too: a pause there delays replies as much
# as one in the server.
export WODIAN_JAVA_OPTS="${WODIAN_JAVA_OPTS:-} ${log_opts/$jvm_log/$loadgen_jvm_log}"
if [[ "$mode" == echo ]]; then
    WODIAN_SERVER_JAVA_OPTS="${WODIAN_SERVER_JAVA_OPTS:--Xmx3g} $log_opts" \
        "$repo_dir/perf/scripts/with-echo.sh" "${common[@]}" >>"$text" 2>&1
else
    STAGE_WINDOW=1 WODIAN_SERVER_JAVA_OPTS="${WODIAN_SERVER_JAVA_OPTS:--Xmx3g} $log_opts" \
        "$repo_dir/perf/scripts/with-server.sh" --durability "${DURABILITY:-page-cache}" --mode "$mode" \
        --keys-max 2000000 --engine-tables reserve "$@" -- "${common[@]}" >>"$text" 2>&1
fi
# A run that failed before its window (no set-up line) leaves the recorder waiting: stop it.
[[ -s "$out/$name.window" ]] || kill "$recorder" 2>/dev/null
wait "$recorder"
[[ -s "$out/$name.window" ]] || { echo "tail-probe: the run ended before its measured window" >&2; exit 1; }
grep -h '^response time\|^service time\|^server window' "$text"
python3 "$repo_dir/perf/scripts/tail-probe.py" "$text" "$jvm_log" "$out/$name.window" "$out/$name.sched" "$mode" \
    "$out/$name.pids" "$loadgen_jvm_log" \
    | tee "$out/$name.probe.txt"
