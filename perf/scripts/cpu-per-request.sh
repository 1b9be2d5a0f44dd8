#!/usr/bin/env bash
# Server CPU time and wake-ups per request of two builds or two settings, alternating (before/after a change): CPU
# time is far less sensitive to a shared machine's load than latency. Each run: a fresh server (-Xmx2g, --keys-max
# 1000000, page-cache unless DURABILITY=sync), a short `wodian loadgen` that sets up the population (20,000
# consumers), then the measured `wodian loadgen --no-setup` at RATE (default 20000/s) for DURATION s (default 10,
# 2 s warm-up), 4 connections. Per run it prints the server's utime+stime over the measured run divided by the
# replies, split by thread (user/sys), and the voluntary context switches per request (each one a thread that went
# to sleep and had to be woken: the hand-offs), then the median ratio new/base.
#
#   perf/scripts/cpu-per-request.sh BASE_REPO NEW_REPO [extra server options of the second build...]
#   BASE_ARGS="--mode compact" perf/scripts/cpu-per-request.sh "$PWD" "$PWD" --mode shared    # two settings
#   git worktree add /tmp/before <commit> && (cd /tmp/before && mvn -q -B -DskipTests package)  # two builds
#   NEW_JAVA_OPTS=-Dwodian.stage.latency=false perf/scripts/cpu-per-request.sh "$PWD" "$PWD"      # JVM options
#   BASE_KIND=admin perf/scripts/cpu-per-request.sh "$PWD" "$PWD"    # audited admin payments vs a loadtest admin
set -uo pipefail
base_repo="$1"; new_repo="$2"; shift 2
new_extra=("$@")
read -r -a base_extra <<<"${BASE_ARGS:-}"
rate="${RATE:-20000}"
duration="${DURATION:-10}"
hz=$(getconf CLK_TCK)
results="$(mktemp /tmp/cpu-per-request.XXXXXX)"

# "tid name total_ticks user_ticks voluntary_switches" per thread of PID (names may hold spaces: '_').
threads() {
    local t
    for t in /proc/"$1"/task/*; do
        echo "$(basename "$t") $(tr ' ' '_' <"$t/comm") $(sed 's/^.*) //' "$t/stat" | awk '{print $12+$13, $12}') \
$(awk '/^voluntary_ctxt_switches/{print $2}' "$t/status")"
    done 2>/dev/null
}

for run in $(seq 1 "${RUNS:-3}"); do
  for v in base new; do
    if [[ $v == base ]]; then repo="$base_repo"; extra=("${base_extra[@]}"); jvm_opts="${BASE_JAVA_OPTS:-}"
    else repo="$new_repo"; extra=("${new_extra[@]}"); jvm_opts="${NEW_JAVA_OPTS:-}"; fi
    d=$(mktemp -d /tmp/cpu-per-request.XXXXXX)
    # A load-test admin where the build has the kind (its payments stay out of the admin audit trail, docs/security.md
    # "Admin kinds"); an older build does not know the word and audits no admin's payment anyway: an admin there.
    kind=admin; [[ -f "$repo/net/src/main/java/com/wodian/net/auth/AdminKind.java" ]] && kind=loadtest
    # BASE_KIND / NEW_KIND=admin: an ordinary admin, every payment in the audit trail (what the trail costs).
    if [[ $v == base ]]; then kind="${BASE_KIND:-$kind}"; else kind="${NEW_KIND:-$kind}"; fi
    "$repo/bin/wodian" credentials --file "$d/credentials" --add "$kind:1" --secrets-out "$d/client-secrets" >/dev/null
    # The build's class-data archive now, not inside the run (bin/wodian; a launcher without --if-stale: as it was).
    if grep -q -- '--if-stale' "$repo/bin/wodian"; then "$repo/bin/wodian" cds --if-stale >&2; fi
    # A load of few consumers at thousands of Pays a second: no risk baseline (a tree from before it has no option).
    baseline=(); grep -q risk-baseline "$repo/tools/src/main/java/com/wodian/tools/ServerCommand.java" && baseline=(--risk-baseline none)
    WODIAN_JAVA_OPTS="-Xmx2g $jvm_opts" "$repo/bin/wodian" server "${baseline[@]}" --data "$d" --port 0 --ignore-stdin \
        --durability "${DURABILITY:-page-cache}" --keys-max 1000000 "${extra[@]}" > "$d.log" 2>&1 &
    pid=$!
    port=""
    for _ in $(seq 1 240); do port=$(sed -n 's/^WODIAN LISTENING port=\([0-9]*\).*/\1/p' "$d.log"); [[ -n "$port" ]] && break; sleep 0.5; done
    if [[ -z "$port" ]]; then echo "$v run $run: server did not start"; kill $pid; wait $pid; rm -rf "$d" "$d.log"; continue; fi
    jvm=$(pgrep -P $pid java || echo $pid)
    lg=("$repo/bin/wodian" loadgen --target "127.0.0.1:$port" --credentials "$d/client-secrets" --connections 4
        --consumers 20000)
    "${lg[@]}" --rate 1000 --duration 1 --warmup 0 >/dev/null 2>&1   # the population, outside the measured run
    load=$(cut -d' ' -f1-3 /proc/loadavg)
    threads "$jvm" > "$d.t0"
    out=$("${lg[@]}" --no-setup --rate "$rate" --duration "$duration" --warmup 2 2>&1)
    threads "$jvm" > "$d.t1"
    answered=$(echo "$out" | sed -n 's/.*answered \([0-9]*\).*/\1/p' | head -1)
    p99=$(echo "$out" | sed -n 's/^response time.* p99=\([^ ]*\).*/\1/p' | head -1)
    python3 - "$d.t0" "$d.t1" "${answered:-0}" "$hz" "$v" "$run" "$load" "$p99" <<'PY' | tee -a "$results"
import sys
t0 = {l.split()[0]: l.split() for l in open(sys.argv[1])}
t1 = {l.split()[0]: l.split() for l in open(sys.argv[2])}
n, hz, v, run, load, p99 = max(int(sys.argv[3]), 1), int(sys.argv[4]), sys.argv[5], sys.argv[6], sys.argv[7], sys.argv[8]
total = user = switches = 0.0
per_thread = []
for tid, r in t1.items():
    a = t0.get(tid, [tid, r[1], "0", "0", "0"])
    cpu, usr, vol = int(r[2]) - int(a[2]), int(r[3]) - int(a[3]), int(r[4]) - int(a[4])
    total += cpu; user += usr; switches += vol
    if r[1].startswith("wodian-"):
        per_thread.append("%s %.1f (user %.1f)" % (r[1], 1e6 * cpu / hz / n, 1e6 * usr / hz / n))
print("%s run %s load %s: %.1f us/request (user %.1f, sys %.1f), %.2f wake-ups/request, %d replies, p99 %s; %s" %
      (v, run, load, 1e6 * total / hz / n, 1e6 * user / hz / n, 1e6 * (total - user) / hz / n, switches / n, n, p99,
       "; ".join(sorted(per_thread))))
PY
    kill $pid; wait $pid 2>/dev/null; rm -rf "$d" "$d.log" "$d.t0" "$d.t1"
  done
done
python3 - "$results" <<'PY'
import re, statistics, sys
rows = [l for l in open(sys.argv[1]) if " us/request" in l]
def values(v, pattern):
    return [float(re.search(pattern, l).group(1)) for l in rows if l.startswith(v + " ")]
for label, pattern in (("cpu", r": ([0-9.]+) us/request"), ("wake-ups", r"([0-9.]+) wake-ups/request")):
    b, n = values("base", pattern), values("new", pattern)
    if b and n:
        print("%s per request: base median %.2f (%.2f-%.2f), new median %.2f (%.2f-%.2f), new/base %.2f" %
              (label, statistics.median(b), min(b), max(b), statistics.median(n), min(n), max(n),
               statistics.median(n) / statistics.median(b)))
PY
rm -f "$results"
