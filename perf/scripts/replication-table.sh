#!/usr/bin/env bash
# Measures the replication rows of docs/replication.md: a fresh three-node group on loopback per row
# (perf/scripts/with-group.sh), the loadgen against its primary, one row per acknowledgement policy, at a fixed
# offered rate (latency, CO-corrected) and as a throughput search. Output: one .txt per row under OUT.
#
#   perf/scripts/replication-table.sh [OUT]          # about 15 minutes
#   ROWS="quorum-pc-50k-1 local-pc-50k-1" perf/scripts/replication-table.sh
#
# Run it on a quiet machine: every number depends on the load average, printed before each row. All three nodes
# share the machine's two cores with the load generator.
set -uo pipefail
repo_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${1:-$repo_dir/perf-results/replication-$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$out"
with_group="$repo_dir/perf/scripts/with-group.sh"
latency=(--duration 12 --warmup 4 --connections 4)
# Steps of 6 s (2 s warm-up): shorter first steps ran before the three JVMs were warm.
search=(--rate max --duration 6 --warmup 2 --connections 4 --start-rate 20000 --p99-bound 100ms --steps-max 7)

# Latency rows run without the once-a-second status sampler, the lag row with it. (While status queries still asked
# every node for its state hash, a pass over all engine state, the sampler alone made 50k/s p99 0.4-0.6 s instead of
# ~0.1 s; it now passes --no-hash, and the lag row measures it at p99 63 ms.)
export WODIAN_GROUP_SAMPLE=0

row() {
    local name="$1"; shift
    if [[ -n "${ROWS:-}" && " $ROWS " != *" $name "* ]]; then return; fi
    echo "=== $name: $* ($(uptime))" | tee "$out/$name.txt"
    "$@" 2>&1 | tee -a "$out/$name.txt"
}

# The issue's comparison point (50,000/s, page cache), twice for the run-to-run spread; then a rate the group
# sustains on two cores, the journal's SYNC policy, and the throughput search.
for pass in 1 2; do
    for policy in local quorum all; do
        row "$policy-pc-50k-$pass" "$with_group" --ack-policy "$policy" --durability page-cache -- --rate 50000 \
            "${latency[@]}" --out "$out/$policy-pc-50k-$pass.hgrm"
    done
done
for policy in local quorum all; do
    row "$policy-pc-10k" "$with_group" --ack-policy "$policy" --durability page-cache -- --rate 10000 \
        "${latency[@]}" --out "$out/$policy-pc-10k.hgrm"
done
for policy in local quorum all; do
    row "$policy-pc-max" "$with_group" --ack-policy "$policy" --durability page-cache -- "${search[@]}"
done
row quorum-pc-50k-lag env WODIAN_GROUP_SAMPLE=1 "$with_group" --ack-policy quorum --durability page-cache -- \
    --rate 50000 "${latency[@]}"
echo "results in $out"
