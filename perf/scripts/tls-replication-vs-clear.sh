#!/usr/bin/env bash
# Replication over TLS vs clear text (issue 19, item 7): a fresh three-node group (perf/scripts/with-group.sh) with
# clear links, then one with mutual TLS between the nodes (certificates of `wodian certs --nodes 0,1,2`), the same
# open-loop loadgen against the primary of each: p99 at a fixed rate (default 5000/s), then the saturation rate under
# the p99 bound, --rounds times in alternation (spread). The client port stays clear text on loopback in both, so
# the difference is the links'. No status sampler (it adds tails).
#
#   perf/scripts/tls-replication-vs-clear.sh [--rate-fixed 5000] [--p99-bound 50ms] [--duration 13] [--warmup 5]
#       [--rounds 1] [-- server options]
#
# Each group is started afresh for each loadgen run, so every JVM (three nodes and the load generator) is cold: 5 s
# of warm-up by default (--duration counts it: 8 s measured), as in tls-vs-clear.sh, where 2 s left the JIT
# compiling the JDK's TLS and AES-GCM code inside the measured window of the TLS runs. Prints `uptime` before each
# run.
set -euo pipefail
repo_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
rate_fixed=5000
p99_bound=50ms
duration=13
warmup=5
rounds=1
server_extra=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --rate-fixed) rate_fixed="$2"; shift 2 ;;
        --p99-bound) p99_bound="$2"; shift 2 ;;
        --duration) duration="$2"; shift 2 ;;
        --warmup) warmup="$2"; shift 2 ;;
        --rounds) rounds="$2"; shift 2 ;;
        --) shift; server_extra=("$@"); break ;;
        *) echo "unknown option $1" >&2; exit 2 ;;
    esac
done
pki="$(mktemp -d "${WODIAN_PERF_DIR:-/tmp}/wodian-tls-pki.XXXXXX")"
trap 'rm -rf "$pki"' EXIT
"$repo_dir/bin/wodian" certs --dir "$pki" --nodes 0,1,2 >/dev/null
tls=(--node-cert "$pki/node-@NODE@.pem" --node-key "$pki/node-@NODE@.key" --node-trust "$pki/node-ca.pem")
export WODIAN_GROUP_SAMPLE=0
export WODIAN_JAVA_OPTS="${WODIAN_LOADGEN_JAVA_OPTS:--Xmn1g}"
loadgen=(--mix pay=100 --consumers 5000 --merchants 20 --connections 4 --duration "$duration" --warmup "$warmup")
run() { # label, loadgen rate options...
    local label="$1"; shift
    local server=("${server_extra[@]}")
    [[ "$label" == TLS* ]] && server+=("${tls[@]}")
    echo "== $label: $(uptime)"
    "$repo_dir/perf/scripts/with-group.sh" "${server[@]}" -- "${loadgen[@]}" "$@" --label "$label" 2>&1 |
        grep -E "^(group|offered|achieved|response|service|step|loadgen|errors|replies|  )|highest|->" || true
}
for round in $(seq 1 "$rounds"); do
    run "clear links at $rate_fixed/s (round $round)" --rate "$rate_fixed"
    run "TLS links at $rate_fixed/s (round $round)" --rate "$rate_fixed"
    run "clear links saturation (round $round)" --rate max --p99-bound "$p99_bound"
    run "TLS links saturation (round $round)" --rate max --p99-bound "$p99_bound"
done
echo "after: $(uptime)"
