#!/usr/bin/env bash
# Server CPU time per request of two builds, alternating (e.g. before/after a change): CPU time is far less
# sensitive to a shared machine's load than latency. Each run: a fresh server (-Xmx2g, --keys-max 1000000,
# page-cache), `wodian loadgen` at RATE (default 20000/s) for 12 s (2 s warm-up), 4 connections; the server's
# utime+stime over the loadgen run (set-up included) divided by the requests answered.
#
#   git worktree add /tmp/before <commit> && (cd /tmp/before && mvn -q -B -DskipTests package)
#   perf/scripts/cpu-per-request.sh /tmp/before "$PWD" [extra server options of the second build...]
set -uo pipefail
base_repo="$1"; new_repo="$2"; shift 2
new_extra=("$@")
rate="${RATE:-20000}"
hz=$(getconf CLK_TCK)
for run in $(seq 1 "${RUNS:-3}"); do
  for v in base new; do
    if [[ $v == base ]]; then repo="$base_repo"; extra=(); else repo="$new_repo"; extra=("${new_extra[@]}"); fi
    d=$(mktemp -d /tmp/h15-cpu.XXXXXX)
    $repo/bin/wodian credentials --file $d/credentials --add admin:1 --secrets-out $d/client-secrets >/dev/null
    WODIAN_JAVA_OPTS=-Xmx2g $repo/bin/wodian server --data $d --port 0 --ignore-stdin --durability page-cache \
        --keys-max 1000000 "${extra[@]}" > $d.log 2>&1 &
    pid=$!
    port=""
    for _ in $(seq 1 240); do port=$(sed -n 's/^WODIAN LISTENING port=\([0-9]*\).*/\1/p' $d.log); [[ -n "$port" ]] && break; sleep 0.5; done
    if [[ -z "$port" ]]; then echo "$v run $run: server did not start"; kill $pid; wait $pid; rm -rf $d $d.log; continue; fi
    cpu0=$(awk '{print $14+$15}' /proc/$pid/stat)
    load=$(cut -d' ' -f1-3 /proc/loadavg)
    out=$($repo/bin/wodian loadgen --target 127.0.0.1:$port --credentials $d/client-secrets --rate $rate --duration 12 --warmup 2 --connections 4 2>&1)
    cpu1=$(awk '{print $14+$15}' /proc/$pid/stat)
    answered=$(echo "$out" | sed -n 's/.*answered \([0-9]*\).*/\1/p' | head -1)
    p99=$(echo "$out" | sed -n 's/^response time.* p99=\([^ ]*\).*/\1/p' | head -1)
    python3 -c "import sys; t=($cpu1-$cpu0)/$hz; n=int('${answered:-0}' or 0); print('%s run %s load %s: server cpu %.2f s for %d replies (incl. set-up) = %.1f us/request; p99 %s' % ('$v', $run, '$load', t, n, 1e6*t/max(n,1), '$p99'))"
    kill $pid; wait $pid 2>/dev/null; rm -rf $d $d.log
  done
done
