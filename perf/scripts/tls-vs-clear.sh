#!/usr/bin/env bash
# TLS vs clear text on the POS port, one sitting (issue 19, item 7): two servers started side by side (one clear, one
# TLS with the certificates of `wodian certs`), the same open-loop loadgen against each in alternation, purchases
# only.
#
#   perf/scripts/tls-vs-clear.sh [--rate-fixed 5000] [--fixed-rounds 5] [--rounds 1] [--p99-bound 50ms]
#       [--duration 13] [--warmup 5] [loadgen options]
#
# Warm-up. Each server first gets one unmeasured pass at the fixed rate, so that its TLS path is compiled before the
# first measured pair. The load generator is a fresh JVM for every run: with a 2-second warm-up its JIT was still
# compiling the JDK's TLS and AES-GCM code (sun.security.ssl, com.sun.crypto: dozens of C2 compilations) well
# inside the measured window of the TLS runs, not of the clear ones, on compiler threads that share the two cores.
# Hence 5 seconds of warm-up by default (--duration counts it: 8 s measured); the line after each run says how many
# compilations still fell inside the window.
#
# First --fixed-rounds pairs at the fixed rate (default 5000/s), the order inside a pair alternating (clear first in
# odd rounds, TLS first in even ones) so that neither side always runs on the warmer machine; then --rounds
# saturation pairs (`loadgen --rate max` under the p99 bound). The fixed-rate pairs come before any saturation
# search, which leaves the servers with millions of keys and a heap full of old garbage. At the end a summary: p99 at
# the fixed rate of every pair, clear / TLS and the ratio, with the median and the spread (min to max) of the
# ratios, and the saturation ratios.
#
# After each run it prints what else happened during it: the garbage-collection pauses and all safepoint stops of
# the server and of the load generator, and how many methods the load generator's JIT compiled inside the measured
# window (after the warm-up; the load generator is a fresh JVM every run, and its compiler threads share the cores).
# Each of those stops every thread of its JVM, and the CO-corrected response times count them.
#
# JVM options: WODIAN_SERVER_JAVA_OPTS (both servers, default -Xmx4g -Xmn1g: the young generation docs/security.md
# recommends for a TLS server), WODIAN_LOADGEN_JAVA_OPTS (default -Xmn1g: a young generation that a run at 5,000/s does
# not fill, so that the load generator's own TLS garbage does not pause the measurement; clear and TLS runs alike).
# WODIAN_BIN: another build's launcher (old vs new). WODIAN_PERF_KEEP=1 keeps the servers' and every run's logs
# (GC, safepoints, JIT compilations) in the printed folder. Prints `uptime` before each pair: the load average
# decides the numbers on a shared machine.
set -euo pipefail
repo_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
wodian="${WODIAN_BIN:-$repo_dir/bin/wodian}"
loadgen_opts="${WODIAN_LOADGEN_JAVA_OPTS:--Xmn1g}"
rate_fixed=5000
p99_bound=50ms
duration=13
warmup=5
fixed_rounds=5
rounds=1
extra=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --rate-fixed) rate_fixed="$2"; shift 2 ;;
        --p99-bound) p99_bound="$2"; shift 2 ;;
        --duration) duration="$2"; shift 2 ;;
        --warmup) warmup="$2"; shift 2 ;;
        --fixed-rounds) fixed_rounds="$2"; shift 2 ;;
        --rounds) rounds="$2"; shift 2 ;;
        *) extra+=("$1"); shift ;;
    esac
done

keys_max="${WODIAN_KEYS_MAX:-$((8000000 * rounds + 100000 * fixed_rounds + 1000000))}"
work="$(mktemp -d "${WODIAN_PERF_DIR:-/tmp}/wodian-tls.XXXXXX")"
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
    if [[ -n "${WODIAN_PERF_KEEP:-}" ]]; then echo "logs kept in $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
"$wodian" certs --dir "$work/pki" --server >/dev/null
# The build's class-data archive now, not inside a timed start (bin/wodian; a launcher without --if-stale: as it was).
if grep -q -- '--if-stale' "$wodian" 2>/dev/null; then "$wodian" cds --if-stale >&2; fi

start_server() { # name, extra server options...
    local name="$1"; shift
    mkdir -p "$work/$name"
    "$wodian" credentials --file "$work/$name/credentials" --add loadtest:1 --secrets-out "$work/$name/client-secrets" \
        >/dev/null
    # One saturation search sends ~6 M payments to each server and every key is remembered: a key table smaller
    # than all the rounds' payments answers LIMIT_KEYS, and the search then measures refusals, not payments.
    WODIAN_JAVA_OPTS="${WODIAN_SERVER_JAVA_OPTS:--Xmx4g -Xmn1g} -Xlog:gc,safepoint:file=$work/$name-gc.log" \
        "$wodian" server --data "$work/$name" --port 0 --ignore-stdin --risk-baseline none --limits small --keys-max "$keys_max" --engine-tables reserve "$@" \
        >"$work/$name.log" 2>&1 &
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

stops() { # gc+safepoint log: "GC pauses, their ms, safepoints, their ms" so far
    awk '/\[gc *\].*Pause/ { n++; sub(/ms$/, "", $NF); ms += $NF }
         /Safepoint ".*Total: / { s++; t = $NF == "ns" ? $(NF - 1) : $NF; sms += t / 1e6 }
         END { printf "%d %.1f %d %.1f", n, ms, s, sms }' "$1" 2>/dev/null || echo "0 0 0 0"
}
difference() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a - b }'; }
ratio_of() { awk -v c="$1" -v t="$2" 'BEGIN { printf "%.2f", (c > 0 ? t / c : 0) }'; } # TLS over clear
run=0
loadgen() { # server name, loadgen options...: one run, its report, then what stopped or competed with it
    local name="$1" before after out lg exit_s
    shift
    run=$((run + 1))
    lg="$work/loadgen-$run"
    before="$(stops "$work/$name-gc.log")"
    WODIAN_JAVA_OPTS="$loadgen_opts -Xlog:gc,safepoint,gc+heap+exit:file=$lg-gc.log \
        -Xlog:jit+compilation=debug:file=$lg-jit.log" "$wodian" loadgen "$@" | tee "$lg.out"
    after="$(stops "$work/$name-gc.log")"
    read -r b_n b_ms b_s b_sms <<< "$before"
    read -r a_n a_ms a_s a_sms <<< "$after"
    read -r l_n l_ms l_s l_sms <<< "$(stops "$lg-gc.log")"
    # The measured window is the run's last (duration - warm-up) seconds; the JVM exits right after it.
    exit_s="$(sed -n 's/^\[\([0-9.]*\)s\].*gc,heap,exit.*/\1/p' "$lg-gc.log" | head -n 1)"
    compiles="?"
    [[ -n "$exit_s" ]] && compiles="$(awk -v end="$exit_s" -v window="$((duration - warmup))" \
        '!/made (not entrant|zombie)/ { at = substr($1, 2) + 0 } at > end - window && !/made/ {
             c++; if (/(sun[.]security[.]ssl|com[.]sun[.]crypto|javax[.]crypto)[.]/) t++ }
         END { printf "%d (%d of them TLS or crypto)", c, t }' "$lg-jit.log")"
    echo "during the run: server GC pauses $((a_n - b_n)) ($(difference "$a_ms" "$b_ms") ms)," \
        "safepoints $((a_s - b_s)) ($(difference "$a_sms" "$b_sms") ms);" \
        "loadgen GC pauses $l_n ($l_ms ms), safepoints $l_s ($l_sms ms), warm-up included;" \
        "loadgen JIT compilations in the measured window: $compiles"
}
p99_ms() { # the p99 of the last fixed-rate run's report in ms: response (CO-corrected, the default) or service time
    sed -n "s/^${1:-response} time.* p99=\\([0-9.]*\\)\\([mu]*s\\) .*/\\1 \\2/p" "$work/loadgen-$run.out" |
        awk '{ v = $1; if ($2 == "us") v /= 1000; if ($2 == "s") v *= 1000; printf "%.2f", v }'
}
saturation() { # the max sustainable rate of the last search
    sed -n 's/^max sustainable rate: \([0-9]*\)\/s.*/\1/p' "$work/loadgen-$run.out"
}

population=(--mix pay=100 --consumers 5000 --merchants 20 --connections 4 "${extra[@]}")
common=("${population[@]}" --duration "$duration" --warmup "$warmup" --no-setup)
clear=(--target "127.0.0.1:$clear_port" --credentials "$work/clear/client-secrets")
tls=(--target "127.0.0.1:$tls_port" --credentials "$work/tls/client-secrets" --tls-trust "$work/pki/ca.pem")
echo "servers: clear on $clear_port, TLS on $tls_port; $(uptime)"
set_up() { # loadgen options...: an unmeasured run, tried three times: a cold server's first TLS handshakes can
    # outlast the client's 2 s connect timeout on a busy machine ("TLS handshake did not finish within 2000 ms")
    local attempt
    for attempt in 1 2 3; do
        "$wodian" loadgen "$@" >/dev/null && return
        echo "set-up run failed (attempt $attempt of 3): $*" >&2
        sleep 2
    done
    exit 3
}
set_up "${population[@]}" "${clear[@]}" --rate 100 --duration 2 --warmup 0 --label "clear set-up"
set_up "${population[@]}" "${tls[@]}" --rate 100 --duration 2 --warmup 0 --label "tls set-up"
for side in clear tls; do # the servers' unmeasured warm-up pass
    if [[ "$side" == clear ]]; then target=("${clear[@]}"); else target=("${tls[@]}"); fi
    set_up "${population[@]}" "${target[@]}" --no-setup --rate "$rate_fixed" --duration 6 --warmup 0 \
        --label "$side warm-up"
done
summary=()
ratios=()
for round in $(seq 1 "$fixed_rounds"); do
    echo "== fixed rate, round $round: $(uptime)"
    for side in $( ((round % 2)) && echo "clear tls" || echo "tls clear"); do
        if [[ "$side" == clear ]]; then
            loadgen clear "${common[@]}" "${clear[@]}" --rate "$rate_fixed" --label "clear at $rate_fixed/s"
            clear_p99="$(p99_ms)"
            clear_service="$(p99_ms service)"
        else
            loadgen tls "${common[@]}" "${tls[@]}" --rate "$rate_fixed" --label "TLS at $rate_fixed/s"
            tls_p99="$(p99_ms)"
            tls_service="$(p99_ms service)"
        fi
    done
    ratio="$(ratio_of "$clear_p99" "$tls_p99")"
    ratios+=("$ratio")
    order="$( ((round % 2)) && echo "clear first" || echo "TLS first")"
    line="round $round ($order): p99 clear $clear_p99 ms, TLS $tls_p99 ms, ratio ${ratio}x"
    summary+=("$line (service-time p99, without the load generator's lag: clear $clear_service, TLS $tls_service)")
done
for round in $(seq 1 "$rounds"); do
    echo "== saturation, round $round: $(uptime)"
    loadgen clear "${common[@]}" "${clear[@]}" --rate max --p99-bound "$p99_bound" --label "clear saturation"
    clear_max="$(saturation)"
    loadgen tls "${common[@]}" "${tls[@]}" --rate max --p99-bound "$p99_bound" --label "TLS saturation"
    tls_max="$(saturation)"
    line="saturation $round (p99 under $p99_bound): clear ${clear_max:-none}/s, TLS ${tls_max:-none}/s"
    summary+=("$line, ratio $(ratio_of "${clear_max:-0}" "${tls_max:-0}")")
done
echo "== summary (target: p99 at $rate_fixed/s with TLS within 1.5x of clear, saturation at least 0.70); $(uptime)"
printf '%s\n' "${summary[@]}"
if ((${#ratios[@]} > 0)); then
    printf '%s\n' "${ratios[@]}" | sort -g | awk '{ r[NR] = $1 } END {
        m = NR % 2 ? r[(NR + 1) / 2] : (r[NR / 2] + r[NR / 2 + 1]) / 2
        within = 0; for (i = 1; i <= NR; i++) if (r[i] <= 1.5) within++
        printf "p99 ratio TLS/clear over %d rounds: median %.2fx, min %.2fx, max %.2fx; %d of %d rounds within 1.5x\n",
            NR, m, r[1], r[NR], within, NR }'
fi
