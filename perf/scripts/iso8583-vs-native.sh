#!/usr/bin/env bash
# ISO 8583 gateway vs native protocol, one server, one sitting (issue 17): saturation throughput of each (loadgen
# --rate max, the same p99 bound) and p99 at a fixed rate (default 5000/s), purchases only, same population.
#
#   perf/scripts/iso8583-vs-native.sh [--rate-fixed 5000] [--p99-bound 50ms] [--duration 8] [other loadgen options]
#
# Prints `uptime` before and after each run: on a shared machine the load average decides the numbers.
set -euo pipefail
repo_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
wodian="$repo_dir/bin/wodian"
rate_fixed=5000
p99_bound=50ms
duration=8
extra=()
while [[ $# -gt 0 ]]; do
    case "$1" in
        --rate-fixed) rate_fixed="$2"; shift 2 ;;
        --p99-bound) p99_bound="$2"; shift 2 ;;
        --duration) duration="$2"; shift 2 ;;
        *) extra+=("$1"); shift ;;
    esac
done

data_dir="$(mktemp -d "${WODIAN_PERF_DIR:-/tmp}/wodian-iso.XXXXXX")"
log="$data_dir.server.log"
"$wodian" credentials --file "$data_dir/credentials" --add loadtest:1 --secrets-out "$data_dir/client-secrets" >/dev/null
echo "# ISO 8583 terminal keys: terminalId merchantId keyHex" > "$data_dir/iso-keys"
iso_port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')"
"$wodian" cds --if-stale >&2 # the build's class-data archive now, not inside a timed start (bin/wodian)
# The load client pays as 200 ISO terminals at up to 160,000/s: the command budget per terminal key (50/s) is off.
WODIAN_JAVA_OPTS="${WODIAN_SERVER_JAVA_OPTS:--Xmx4g} -Dwodian.net.commands.per.principal.per.second=0" "$wodian" server --data "$data_dir" --port 0 --ignore-stdin \
    --risk-baseline none --limits small --keys-max 4000000 --iso8583-port "$iso_port" --iso-keys "$data_dir/iso-keys" >"$log" 2>&1 &
server_pid=$!
cleanup() {
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
    rm -rf "$data_dir" "$log"
}
trap cleanup EXIT
port=""
for _ in $(seq 1 600); do
    port="$(sed -n 's/^WODIAN LISTENING port=\([0-9]*\).*/\1/p' "$log")"
    [[ -n "$port" ]] && break
    kill -0 "$server_pid" 2>/dev/null || { cat "$log" >&2; exit 3; }
    sleep 0.5
done
[[ -n "$port" ]] || { echo "server did not start" >&2; cat "$log" >&2; exit 3; }
common=(--target "127.0.0.1:$port" --credentials "$data_dir/client-secrets" --mix pay=100 --consumers 5000
    --merchants 20 --duration "$duration" --warmup 2 --connections 4 "${extra[@]}")
iso=(--protocol iso8583 --iso8583-port "$iso_port" --iso-keys "$data_dir/iso-keys" --no-setup)
echo "server: native port $port, ISO 8583 port $iso_port (pid $server_pid); $(uptime)"
"$wodian" loadgen "${common[@]}" --rate "$rate_fixed" --label "native at $rate_fixed/s"
"$wodian" loadgen "${common[@]}" "${iso[@]}" --rate "$rate_fixed" --label "iso8583 at $rate_fixed/s"
echo "now: $(uptime)"
"$wodian" loadgen "${common[@]}" --no-setup --rate max --p99-bound "$p99_bound" --label "native saturation"
"$wodian" loadgen "${common[@]}" "${iso[@]}" --rate max --p99-bound "$p99_bound" --label "iso8583 saturation"
echo "after: $(uptime)"
