#!/usr/bin/env bash
# Measures every row of docs/performance.md, in order, on this machine: the raw ceilings (TCP echo, journal append)
# and the server end to end (TCP + journal + engine, pipelined), each with the exact command the doc shows.
# Output: one .txt (the tool's report), .hgrm and .html per row under OUT (default ./perf-results/<UTC time>).
#
#   perf/scripts/performance-table.sh [OUT]        # about 8 minutes; builds tools/target/wodian.jar if missing
#   ROWS="echo-max sync-50k" perf/scripts/performance-table.sh   # only some rows
#
# Run it on a quiet machine: every number depends on the load average, printed before each row.
set -uo pipefail
repo_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${1:-$repo_dir/perf-results/$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$out"
wodian="$repo_dir/bin/wodian"
with_server="$repo_dir/perf/scripts/with-server.sh"
latency=(--duration 12 --warmup 4 --connections 4)
search=(--rate max --duration 4 --warmup 1 --connections 4 --start-rate 50000 --p99-bound 1ms --steps-max 9)

row() {
    local name="$1"; shift
    if [[ -n "${ROWS:-}" && " $ROWS " != *" $name "* ]]; then return; fi
    echo "=== $name: $* ($(uptime))" | tee "$out/$name.txt"
    "$@" 2>&1 | tee -a "$out/$name.txt"
}

# Ceilings: the network alone (echo server in the loadgen's JVM, same framing and pacing), the journal alone.
row echo-max      "$wodian" perf tcp-echo "${search[@]}" --out "$out/echo-max.hgrm" --html "$out/echo-max.html"
row echo-50k      "$wodian" perf tcp-echo --rate 50000 "${latency[@]}" --out "$out/echo-50k.hgrm" \
                  --html "$out/echo-50k.html"
row journal-pc-max   "$wodian" perf journal-append --durability page-cache --rate max --duration 5 --batch 64
row journal-sync-max "$wodian" perf journal-append --durability sync --rate max --duration 5 --batch 64
row journal-sync-50k "$wodian" perf journal-append --durability sync --rate 50000 --duration 12 --warmup 4 \
                  --out "$out/journal-sync-50k.hgrm"

# The server end to end: fresh server per row (the default threads: SHARED since 2026-12-03 evening, COMPACT before;
# default wait strategies), 4 pipelined connections.
row pc-max        "$with_server" --durability page-cache -- "${search[@]}" --out "$out/pc-max.hgrm" \
                  --html "$out/pc-max.html"
row sync-max      "$with_server" --durability sync -- "${search[@]}" --out "$out/sync-max.hgrm" \
                  --html "$out/sync-max.html"
for rate in 10000 50000 100000; do
    k="$((rate / 1000))k"
    row "sync-$k" "$with_server" --durability sync -- --rate "$rate" "${latency[@]}" \
        --out "$out/sync-$k.hgrm" --html "$out/sync-$k.html"
    row "pc-$k"   "$with_server" --durability page-cache -- --rate "$rate" "${latency[@]}" \
        --out "$out/pc-$k.hgrm" --html "$out/pc-$k.html"
done
row pc-mix-20k "$with_server" --durability page-cache -- --rate 20000 "${latency[@]}" \
    --mix pay=85,try-confirm=8,try-cancel=2,refund=3,balance=1,payment-status=1

# Thread placement at 50k/s: DEDICATED (4 server threads) against COMPACT (2), and a spinning pipeline wait.
row dedicated-sync-50k "$with_server" --durability sync --mode dedicated -- --rate 50000 "${latency[@]}"
row busyspin-sync-50k  "$with_server" --durability sync --pipeline-wait busy-spin -- --rate 50000 "${latency[@]}"

# Sender threads of the load generator at 100k/s against the echo server: one loop for all connections, or one each.
row echo-100k-senders1 "$wodian" perf tcp-echo --rate 100000 "${latency[@]}" --senders 1
row echo-100k-senders4 "$wodian" perf tcp-echo --rate 100000 "${latency[@]}" --senders 4

# Throughput alone (p99 bound 100 ms: "keeps up"), echo and server page-cache.
row echo-max-throughput "$wodian" perf tcp-echo --rate max --duration 4 --warmup 1 --connections 4 \
                  --start-rate 100000 --p99-bound 100ms --steps-max 9
row pc-max-throughput "$with_server" --durability page-cache -- --rate max --duration 4 --warmup 1 --connections 4 \
                  --start-rate 100000 --p99-bound 100ms --steps-max 9

# Saturation: offer far more than either sustains; the achieved rate is the throughput ceiling (latency meaningless).
row echo-saturated "$wodian" perf tcp-echo --rate 1000000 --duration 6 --warmup 2 --connections 4
row pc-saturated   "$with_server" --durability page-cache -- --rate 500000 --duration 8 --warmup 2 --connections 4
row sync-saturated "$with_server" --durability sync -- --rate 500000 --duration 8 --warmup 2 --connections 4
echo "results in $out"
