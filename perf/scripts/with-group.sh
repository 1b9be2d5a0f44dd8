#!/usr/bin/env bash
# Runs one `wodian loadgen` against the primary of a fresh three-node replica group (three `wodian server` JVMs on
# loopback), samples the standbys' lag once a second while it runs, then stops the group and deletes its data.
#
#   perf/scripts/with-group.sh [server options] -- [loadgen options]
#   perf/scripts/with-group.sh --ack-policy quorum --durability page-cache -- --rate 50000 --duration 20
#
# Each node gets a fresh data directory under ${WODIAN_PERF_DIR:-/tmp}, free client and replication ports and the
# same credential file; the loadgen gets --target (the primary). `@NODE@` in a server option is replaced by the node's
# id (per-node files, e.g. --node-cert pki/node-@NODE@.pem). Server JVM options: WODIAN_SERVER_JAVA_OPTS
# (default -Xmx3g, room for --keys-max 4000000, passed unless the server options name --keys-max; --snapshots off
# unless they name --snapshots: a snapshotter doubles the engine's heap). Prints `uptime`
# before and after, and the lag summary: the largest number of entries a standby's engine was behind the primary's
# journal in any sample.
set -euo pipefail
repo_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
server_args=()
while [[ $# -gt 0 && "$1" != "--" ]]; do server_args+=("$1"); shift; done
[[ "${1:-}" == "--" ]] && shift
if [[ " ${server_args[*]:-} " != *" --keys-max "* ]]; then server_args+=(--keys-max 4000000); fi
# Snapshots are on by default in a group since issue 16 (a second engine per node): keep the runs comparable with
# the tables measured before, and within the default heap, unless the server options name --snapshots.
if [[ " ${server_args[*]:-} " != *" --snapshots "* ]]; then server_args+=(--snapshots off); fi

base_dir="$(mktemp -d "${WODIAN_PERF_DIR:-/tmp}/wodian-group.XXXXXX")"
read -r -a ports <<<"$(python3 -c 'import socket
s=[socket.socket() for _ in range(6)]
[x.bind(("127.0.0.1",0)) for x in s]
print(" ".join(str(x.getsockname()[1]) for x in s))')"
peers="0=127.0.0.1:${ports[3]},1=127.0.0.1:${ports[4]},2=127.0.0.1:${ports[5]}"
clients="127.0.0.1:${ports[0]},127.0.0.1:${ports[1]},127.0.0.1:${ports[2]}"
"$repo_dir/bin/wodian" credentials --file "$base_dir/credentials" --add loadtest:1 \
    --secrets-out "$base_dir/client-secrets" >/dev/null
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
    for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
    [[ -n "${sampler_pid:-}" ]] && kill "$sampler_pid" 2>/dev/null || true
    rm -rf "$base_dir"
}
trap cleanup EXIT
"$repo_dir/bin/wodian" cds --if-stale >&2 # the build's class-data archive now, not inside a timed start (bin/wodian)
for i in 0 1 2; do
    WODIAN_JAVA_OPTS="${WODIAN_SERVER_JAVA_OPTS:--Xmx3g}" "$repo_dir/bin/wodian" server --data "$base_dir/node$i" --init \
        --port "${ports[$i]}" --credentials "$base_dir/credentials" --node-id "$i" --peers "$peers" \
        --insecure --ignore-stdin --risk-baseline none "${server_args[@]//@NODE@/$i}" >"$base_dir/node$i.log" 2>&1 &
    pids+=($!)
done
status() { "$repo_dir/bin/wodian" status --peers "$clients" --credentials "$base_dir/client-secrets" --no-hash 2>/dev/null; }
primary=""
for _ in $(seq 1 240); do
    primary="$(status | awk '$3 == "PRIMARY" {print $1}' | head -1)" || true
    [[ -n "$primary" ]] && break
    sleep 0.5
done
[[ -n "$primary" ]] || { echo "no primary elected" >&2; tail -5 "$base_dir"/node*.log >&2; exit 3; }
sleep 2 # let the start-up elections settle: a primary must stay one before the load starts
primary="$(status | awk '$3 == "PRIMARY" {print $1}' | head -1)"
echo "group: ${server_args[*]:-(defaults)}; primary $primary; $(uptime)"
# One status JVM samples the group once a second for the whole run (a JVM started per sample would itself disturb
# the latency being measured); full samples go to $WODIAN_GROUP_STATUS_LOG when set, the standbys' lag to the summary.
if [[ "${WODIAN_GROUP_SAMPLE:-1}" == 1 ]]; then
    "$repo_dir/bin/wodian" status --peers "$clients" --credentials "$base_dir/client-secrets" --watch-ms 1000 \
        --no-hash --count 100000 >"$base_dir/status" 2>/dev/null &
else
    sleep 1000000 & # no sampling: WODIAN_GROUP_SAMPLE=0 (the lag summary is then empty)
fi
sampler_pid=$!
"$repo_dir/bin/wodian" loadgen --target "$primary" --credentials "$base_dir/client-secrets" "$@"
kill "$sampler_pid" 2>/dev/null || true
awk '$3 == "standby" {print $9}' "$base_dir/status" >"$base_dir/lag"
[[ -n "${WODIAN_GROUP_STATUS_LOG:-}" ]] && cp "$base_dir/status" "$WODIAN_GROUP_STATUS_LOG"
sort -n "$base_dir/lag" | awk '{v[NR]=($1<0?0:$1)} END {if (NR) printf "standby lag (entries the engine is behind the primary journal, %d samples): median %s, max %s\n", NR, v[int((NR+1)/2)], v[NR]}'
grep -h "primary of term\|no longer the primary\|dropped" "$base_dir"/node*.log | sed 's/^/  /' | tail -6 || true
echo "after: $(uptime)"
