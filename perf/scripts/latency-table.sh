#!/usr/bin/env bash
# The latency targets of docs/latency.md, measured back to back on this machine: the TCP echo ceiling (same load
# generator, same framing and pacing, no server) and the server at the same rates, then `sync` against the journal's
# own forced-write latency. Prints each row's response-time percentiles (coordinated-omission corrected) and the
# ratios the targets are stated in, with the load average before each row; for reading, also each row's service-time
# p99 (`service-p99`, from the actual send) and its server/echo ratio, and the load generator's send lateness p50 and
# p99 (`late-p50`, `late-p99`: intended to actual send, the client's own share of the response time). Every server row runs once per threading
# mode in MODES (default: compact, a network and a pipeline thread, and shared, the default mode, where the network
# thread also journals and applies).
#
#   perf/scripts/latency-table.sh [OUT]              # about 6 minutes a pass; needs tools/target/wodian.jar
#   RUNS=2 perf/scripts/latency-table.sh             # repeat the whole table: the spread is part of the result
#   MODES=shared perf/scripts/latency-table.sh       # one mode only (compact, shared, dedicated)
#   RATES=5000 SYNC=0 SATURATED=0 RUNS=5 perf/scripts/latency-table.sh   # only the 5k/s rows, five times: the spread
#   WARMUP=4 DURATION=12 perf/scripts/latency-table.sh    # the warm-up before e00d751 (2026-12-04) (8-s window)
#   WODIAN_SERVER_CPUS=1 WODIAN_LOADGEN_CPUS=0 perf/scripts/latency-table.sh   # pin server and load generator
#   ECHO_IN_PROCESS=1 perf/scripts/latency-table.sh  # the echo thread inside the load generator's JVM (before 20:30
#                                                    # UTC 2026-12-03); by default it is its own JVM, pinned as the server
#   SERVER_ARGS="--keys-max 2000000 --pipeline-wait sleeping" perf/scripts/latency-table.sh   # other server options
#   SERVER_ARGS="--keys-max 2000000 --engine-tables grow" perf/scripts/latency-table.sh   # tables growing live
#
# The servers reserve their engine tables at start by default (--engine-tables reserve): a table that doubles on the
# engine thread during the run stalls it for tens of ms (docs/history/latency-sessions.md, "Growth on the engine thread").
#
# A saturated row per mode (offered 600k/s; SATURATED=0 skips it) shows what a mode's tail costs in throughput.
# Each row is stopped after ROW_TIMEOUT seconds (default 150; a stopped row prints NaN and the table goes on).
# Targets (issue 15): page-cache at 5k/s and 50k/s, server p99 <= 2x echo p99 and p99.9 <= 3x echo p99.9;
# sync at 1k/s, server p99 <= journal-append (sync) p99 + 2 ms.
set -uo pipefail
repo_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${1:-$repo_dir/perf-results/latency-$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$out"
wodian="$repo_dir/bin/wodian"
with_server="$repo_dir/perf/scripts/with-server.sh"
with_echo="$repo_dir/perf/scripts/with-echo.sh"
# A 10-s warm-up (12-s window): with 4 s, both JVMs were still compiling inside the window (the load generator 64-69
# compilations, 12-14 at tier 4), which spread the echo ceiling's own 5k/s p99 over 0.35-1.8 ms between passes on a
# quiet machine; with 10 s it stayed at 0.17-0.19 ms (docs/history/latency-sessions.md, "Journal page faults and the warm-up").
duration="${DURATION:-22}"
warmup="${WARMUP:-10}"
common=(--duration "$duration" --warmup "$warmup" --connections 4)
# Keys for 50k/s x 22 s (1.1M payments + the set-up) fit in 2M; a smaller engine and heap start in seconds on a loaded machine.
read -r -a server_args <<<"${SERVER_ARGS:---keys-max 2000000 --engine-tables reserve}"
export WODIAN_SERVER_JAVA_OPTS="${WODIAN_SERVER_JAVA_OPTS:--Xmx3g}"
# After each server row: the server's stage table over the measured window only (with-server.sh STAGE_WINDOW).
export STAGE_WINDOW="${STAGE_WINDOW:-1}"

read -r -a modes <<<"${MODES:-compact shared}"
row_timeout="${ROW_TIMEOUT:-150}"
loadgen_pin=(); [[ -n "${WODIAN_LOADGEN_CPUS:-}" ]] && loadgen_pin=(taskset -c "$WODIAN_LOADGEN_CPUS")

# One row: runs the command, keeps its report, prints "name load p50 p99 p99.9 p99.99 max" (microseconds).
row() {
    local name="$1"; shift
    local load
    load="$(cut -d' ' -f1-3 /proc/loadavg)"
    timeout -k 10 "$row_timeout" "$@" >"$out/$name.txt" 2>&1
    python3 - "$name" "$load" "$out/$name.txt" <<'EOF'
import re, sys
name, load, path = sys.argv[1], sys.argv[2], sys.argv[3]
text = open(path).read()
line = next((l for l in text.splitlines() if l.startswith("response time")), "")
def us(key):
    m = re.search(r"\bp?%s=([0-9.]+)(us|ms)" % re.escape(key), line)
    if not m:
        return float("nan")
    return float(m.group(1)) * (1000.0 if m.group(2) == "ms" else 1.0)
values = [us("p50"), us("p99"), us("p99.9"), us("p99.99"), us("max")]
# Service time (from the actual send) beside it: the response time also holds the load generator's own lateness in
# sending, which coordinated-omission correction charges to every reply (docs/history/latency-sessions.md, "Response time and
# service time").
line = next((l for l in text.splitlines() if l.startswith("service time")), "")
values.append(us("p99"))
# And the load generator's own delay from intended to actual send (docs/history/latency-sessions.md, "What the load generator's
# sender costs"): the part of the response time that is the client's, in both the echo and the server rows.
line = next((l for l in text.splitlines() if l.startswith("send lateness")), "")
values += [us("p50"), us("p99")]
achieved = re.search(r"achieved ([0-9]+)/s", text)
print("%-18s load %-14s achieved %-7s p50 %9.1f p99 %9.1f p99.9 %9.1f p99.99 %9.1f max %9.1f service-p99 %9.1f "
      "late-p50 %7.1f late-p99 %9.1f (us)" % ((name, load, achieved.group(1) if achieved else "?") + tuple(values)))
EOF
}

ratio() {
    python3 - "$@" <<'EOF'
import sys
label, a, b, limit = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
r = a / b if b > 0 else float("inf")
print("  %-40s %6.2fx  (target <= %.0fx: %s)" % (label, r, limit, "met" if r <= limit else "NOT met"))
EOF
}

field() { # field NAME COLUMN from the table so far
    awk -v n="$1" -v c="$2" '$1 == n { for (i = 1; i <= NF; i++) if ($i == c) { print $(i + 1); exit } }' "$out/table.txt"
}

echo "latency table: $(uptime); nproc $(nproc); modes ${modes[*]}; server ${SERVER_ARGS:-(defaults)}; pinned server=${WODIAN_SERVER_CPUS:-no} loadgen=${WODIAN_LOADGEN_CPUS:-no}" | tee "$out/table.txt"
for run in $(seq 1 "${RUNS:-1}"); do
    for rate in ${RATES:-5000 50000}; do
        k="$((rate / 1000))k"
        if [[ "${ECHO_IN_PROCESS:-0}" == 1 ]]; then
            row "echo-$k-$run" "${loadgen_pin[@]}" "$wodian" perf tcp-echo --rate "$rate" "${common[@]}" \
                | tee -a "$out/table.txt"
        else
            row "echo-$k-$run" "$with_echo" --rate "$rate" "${common[@]}" | tee -a "$out/table.txt"
        fi
        for mode in "${modes[@]}"; do
            name="$mode-$k-$run"
            row "$name" "$with_server" --durability page-cache --mode "$mode" "${server_args[@]}" -- --rate "$rate" \
                "${common[@]}" | tee -a "$out/table.txt"
            grep -h '^server ' "$out/$name.txt" | tee -a "$out/table.txt"
            ratio "$mode $k p99 server/echo" "$(field "$name" p99)" "$(field "echo-$k-$run" p99)" 2 \
                | tee -a "$out/table.txt"
            ratio "$mode $k p99.9 server/echo" "$(field "$name" p99.9)" "$(field "echo-$k-$run" p99.9)" 3 \
                | tee -a "$out/table.txt"
            python3 - "$(field "$name" service-p99)" "$(field "echo-$k-$run" service-p99)" <<'EOF' | tee -a "$out/table.txt"
import sys
a, b = float(sys.argv[1]), float(sys.argv[2])
print("  %-40s %6.2fx  (for reading; the targets are on the response time)" % ("service time p99 server/echo",
      a / b if b > 0 else float("nan")))
EOF
        done
    done
    # Saturated throughput per mode (offered far above capacity: the achieved rate is what the server did), so that a
    # mode with a better tail is not bought with throughput. Its own keys and heap: 600k/s x 6 s needs 3.6M keys.
    if [[ "${SATURATED:-1}" == 1 ]]; then
        for mode in "${modes[@]}"; do
            WODIAN_SERVER_JAVA_OPTS=-Xmx4g row "sat-$mode-$run" "$with_server" --durability page-cache --mode "$mode" \
                --keys-max 4000000 --engine-tables reserve -- --rate 600000 --duration 6 --warmup 2 --connections 4 | tee -a "$out/table.txt"
        done
        for mode in "${modes[@]:1}"; do
            python3 - "saturated achieved $mode/${modes[0]}" "$(field "sat-$mode-$run" achieved)" \
                "$(field "sat-${modes[0]}-$run" achieved)" <<'EOF' | tee -a "$out/table.txt"
import sys
def number(text):
    try:
        return float(text)
    except ValueError:
        return float("nan")
a, b = number(sys.argv[2]), number(sys.argv[3])
print("  %-40s %6.3f" % (sys.argv[1], a / b if b > 0 else float("nan")))
EOF
        done
    fi
    [[ "${SYNC:-1}" == 1 ]] || continue
    row "journal-1k-$run" "$wodian" perf journal-append --durability sync --rate 1000 --duration "$duration" \
        --warmup "$warmup" | tee -a "$out/table.txt"
    for mode in "${modes[@]}"; do
        name="sync-$mode-1k-$run"
        row "$name" "$with_server" --durability sync --mode "$mode" "${server_args[@]}" -- --rate 1000 \
            "${common[@]}" | tee -a "$out/table.txt"
        grep -h '^server ' "$out/$name.txt" | tee -a "$out/table.txt"
        python3 - "$mode" "$(field "$name" p99)" "$(field "journal-1k-$run" p99)" <<'EOF' | tee -a "$out/table.txt"
import sys
mode, server, journal = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
print("  %-40s %6.0f us vs %6.0f us + 2000 us (%s)" % ("sync 1k p99 %s vs journal+2ms" % mode, server, journal,
      "met" if server <= journal + 2000 else "NOT met"))
EOF
    done
done
echo "after: $(uptime)" | tee -a "$out/table.txt"
echo "results in $out"
