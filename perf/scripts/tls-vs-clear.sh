#!/usr/bin/env bash
# TLS vs clear text on the POS port, one sitting (issue 19): two servers started side by side (one clear, one TLS
# with the certificates of `wodian certs`), the same loadgen against each in alternation: p99 at a fixed rate
# (default 5000/s) and the saturation rate under the same p99 bound, --rounds times (spread), purchases only.
#
#   perf/scripts/tls-vs-clear.sh [--rate-fixed 5000] [--p99-bound 50ms] [--duration 8] [--rounds 2] [loadgen options]
#
# Prints `uptime` before each pair: on a shared machine the load average decides the numbers. After each run it
# prints the garbage-collection pauses the server and the load generator had during it: the clear server allocates
# nothing per request and does not collect, while the JDK's TLS engine allocates about 1.4 KB per record (see
# docs/security.md), so GC pauses are the first thing to look at in a TLS row.
#
# JVM options: WODIAN_SERVER_JAVA_OPTS (both servers, default -Xmx4g -Xmn1g: the young generation docs/security.md
# recommends for a TLS server, one young collection a minute at 5,000/s; the same for the clear server),
# WODIAN_LOADGEN_JAVA_OPTS (default -Xmn1g: a young generation that a run at 5,000/s does not fill, so that the load
# generator's own TLS garbage does not pause the measurement; clear and TLS runs alike). WODIAN_BIN: another build's
# launcher (old vs new).
set -euo pipefail
repo_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
wodian="${WODIAN_BIN:-$repo_dir/bin/wodian}"
loadgen_opts="${WODIAN_LOADGEN_JAVA_OPTS:--Xmn1g}"
rate_fixed=5000
p99_bound=50ms
duration=8
rounds=2
extra=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --rate-fixed) rate_fixed="$2"; shift 2 ;;
        --p99-bound) p99_bound="$2"; shift 2 ;;
        --duration) duration="$2"; shift 2 ;;
        --rounds) rounds="$2"; shift 2 ;;
        *) extra+=("$1"); shift ;;
    esac
done

keys_max="${WODIAN_KEYS_MAX:-$((8000000 * rounds + 1000000))}"
work="$(mktemp -d "${WODIAN_PERF_DIR:-/tmp}/wodian-tls.XXXXXX")"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT
"$wodian" certs --dir "$work/pki" --server >/dev/null

start_server() { # name, extra server options...
    local name="$1"; shift
    mkdir -p "$work/$name"
    "$wodian" credentials --file "$work/$name/credentials" --add admin:1 --secrets-out "$work/$name/client-secrets" \
        >/dev/null
    # One saturation search sends ~6 M payments to each server and every key is remembered: a key table smaller
    # than all the rounds' payments answers LIMIT_KEYS, and the search then measures refusals, not payments.
    WODIAN_JAVA_OPTS="${WODIAN_SERVER_JAVA_OPTS:--Xmx4g -Xmn1g} -Xlog:gc:file=$work/$name-gc.log" "$wodian" server --data "$work/$name" --port 0 \
        --ignore-stdin --limits small --keys-max "$keys_max" "$@" >"$work/$name.log" 2>&1 &
    pids+=($!)
}
await_port() {
    local log="$1" port=""
    for _ in $(seq 1 600); do
        port="$(sed -n 's/^WODIAN LISTENING port=\([0-9]*\).*/\1/p' "$log")"
        [[ -n "$port" ]] && { echo "$port"; return; }
        sleep 0.5
    done
    echo "server did not start: $log" >&2; cat "$log" >&2; exit 3
}
start_server clear
start_server tls --tls-cert "$work/pki/server.pem" --tls-key "$work/pki/server.key"
clear_port="$(await_port "$work/clear.log")"
tls_port="$(await_port "$work/tls.log")"
pauses() { # gc log: "count total-ms" of the pauses logged so far
    awk '/Pause/ { n++; sub(/ms$/, "", $NF); ms += $NF } END { printf "%d %.1f", n, ms }' "$1" 2>/dev/null || echo "0 0"
}
run=0
loadgen() { # server name, loadgen options...: one run, then the GC pauses of the server and the loadgen during it
    local name="$1" before after lg
    shift
    run=$((run + 1))
    lg="$work/loadgen-$run-gc.log"
    before="$(pauses "$work/$name-gc.log")"
    WODIAN_JAVA_OPTS="$loadgen_opts -Xlog:gc:file=$lg" "$wodian" loadgen "$@"
    after="$(pauses "$work/$name-gc.log")"
    read -r b_n b_ms <<< "$before"
    read -r a_n a_ms <<< "$after"
    read -r l_n l_ms <<< "$(pauses "$lg")"
    echo "GC pauses during the run: server $((a_n - b_n)) ($(awk -v a="$a_ms" -v b="$b_ms" 'BEGIN { printf "%.1f", a - b }') ms)," \
        "loadgen $l_n ($l_ms ms, warm-up included)"
}
population=(--mix pay=100 --consumers 5000 --merchants 20 --connections 4 "${extra[@]}")
common=("${population[@]}" --duration "$duration" --warmup 2)
clear=(--target "127.0.0.1:$clear_port" --credentials "$work/clear/client-secrets")
tls=(--target "127.0.0.1:$tls_port" --credentials "$work/tls/client-secrets" --tls-trust "$work/pki/ca.pem")
echo "servers: clear on $clear_port, TLS on $tls_port; $(uptime)"
"$wodian" loadgen "${population[@]}" "${clear[@]}" --rate 100 --duration 2 --warmup 0 --label "clear set-up" >/dev/null
"$wodian" loadgen "${population[@]}" "${tls[@]}" --rate 100 --duration 2 --warmup 0 --label "tls set-up" >/dev/null
for round in $(seq 1 "$rounds"); do
    echo "== round $round: $(uptime)"
    loadgen clear "${common[@]}" "${clear[@]}" --no-setup --rate "$rate_fixed" --label "clear at $rate_fixed/s"
    loadgen tls "${common[@]}" "${tls[@]}" --no-setup --rate "$rate_fixed" --label "TLS at $rate_fixed/s"
    echo "-- saturation: $(uptime)"
    loadgen clear "${common[@]}" "${clear[@]}" --no-setup --rate max --p99-bound "$p99_bound" \
        --label "clear saturation"
    loadgen tls "${common[@]}" "${tls[@]}" --no-setup --rate max --p99-bound "$p99_bound" \
        --label "TLS saturation"
done
echo "after: $(uptime)"
