#!/usr/bin/env bash
# What the stage stamps and histograms cost (issue 15: "with counters and stage stamps on, saturated throughput and
# 50k/s latency within noise of without"): the same build with stamps on (the default) and off
# (-Dwodian.stage.latency=false: no clock read per socket read, no histogram value per reply), alternating, ROUNDS
# times (default 2), each a fresh server on a page-cache journal: a saturated row (offered far above what the server
# can do: the achieved rate is the throughput) and a 50k/s row. Prints the off/on ratios per round. The counters
# cannot be switched off (a few release increments per request); they are in both.
#
#   perf/scripts/stage-latency-overhead.sh [OUT]     # about 3 minutes with ROUNDS=2; SERVER_ARGS replaces the server options (default: --engine-tables reserve)
set -uo pipefail
repo_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${1:-$repo_dir/perf-results/stage-overhead-$(date -u +%Y%m%dT%H%M%SZ)}"
mkdir -p "$out"
with_server="$repo_dir/perf/scripts/with-server.sh"
read -r -a server_args <<<"${SERVER_ARGS:---engine-tables reserve}"
row_timeout="${ROW_TIMEOUT:-120}"

# One row: "name load achieved p50 p99 p99.9 (us)".
row() {
    local name="$1" stamps="$2"; shift 2
    local opts="-Xmx4g"; [[ "$stamps" == off ]] && opts="$opts -Dwodian.stage.latency=false"
    local load; load="$(cut -d' ' -f1-3 /proc/loadavg)"
    WODIAN_SERVER_JAVA_OPTS="$opts" timeout -k 10 "$row_timeout" "$with_server" --durability page-cache \
        --keys-max 4000000 "${server_args[@]}" -- "$@" --connections 4 >"$out/$name.txt" 2>&1
    python3 - "$name" "$load" "$out/$name.txt" <<'PY' | tee -a "$out/table.txt"
import re, sys
name, load, text = sys.argv[1], sys.argv[2], open(sys.argv[3]).read()
line = next((l for l in text.splitlines() if l.startswith("response time")), "")
def us(key):
    m = re.search(r"\bp?%s=([0-9.]+)(us|ms)" % re.escape(key), line)
    return float(m.group(1)) * (1000.0 if m.group(2) == "ms" else 1.0) if m else float("nan")
a = re.search(r"achieved ([0-9]+)/s", text)
print("%-16s load %-14s achieved %8s p50 %9.1f p99 %9.1f p99.9 %9.1f (us)" %
      (name, load, a.group(1) if a else "nan", us("p50"), us("p99"), us("p99.9")))
PY
}

echo "stage latency overhead: $(uptime); nproc $(nproc); server ${SERVER_ARGS:-(defaults)}" | tee "$out/table.txt"
for round in $(seq 1 "${ROUNDS:-2}"); do
    order=(on off); (( round % 2 == 0 )) && order=(off on)
    for stamps in "${order[@]}"; do
        row "sat-$stamps-$round" "$stamps" --rate 600000 --duration 6 --warmup 2
        row "50k-$stamps-$round" "$stamps" --rate 50000 --duration 12 --warmup 4
    done
done
python3 - "$out/table.txt" <<'PY' | tee -a "$out/table.txt"
import math, sys
rows = {}
for l in open(sys.argv[1]):
    f = l.split()
    if len(f) > 6 and f[1] == "load":
        rows[f[0]] = {k: float(f[f.index(k) + 1]) for k in ("achieved", "p99", "p99.9")}
rounds = sorted({n.rsplit("-", 1)[1] for n in rows})
for r in rounds:
    def ratio(kind, key):
        on, off = rows.get("%s-on-%s" % (kind, r), {}), rows.get("%s-off-%s" % (kind, r), {})
        return off.get(key, math.nan) / on.get(key, math.nan) if on.get(key) else math.nan
    print("round %s: saturated achieved off/on %.3f; 50k/s p99 off/on %.2f, p99.9 off/on %.2f" %
          (r, ratio("sat", "achieved"), ratio("50k", "p99"), ratio("50k", "p99.9")))
PY
echo "after: $(uptime)" | tee -a "$out/table.txt"
echo "results in $out"
