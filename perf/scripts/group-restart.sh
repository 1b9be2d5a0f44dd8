#!/usr/bin/env bash
# Bounded restart of a replica group member after a long run (issue 16 item 4; docs/replication.md, "Bounded
# restart"). Builds a journal of INPUTS inputs (default 20,000,000; GroupRestartData's workload: registrations, top-ups,
# then a mixed payment tail) with a snapshot at INPUTS - TAIL (default tail 1,000,000), gives three nodes the same data
# and a commit mark at INPUTS, then times, from real `wodian server` processes:
#   1. the whole group started at once: each node's recovery (snapshot load + tail replay, from its log) and the time
#      until a primary answers;
#   2. kill -9 of a standby, restart: time until it listens (recovered), and until its applied index is the primary's;
#   3. kill -9 of the primary, restart: the same (a new primary serves meanwhile).
#
#   perf/scripts/group-restart.sh [INPUTS] [TAIL] [CONSUMERS]
#
# Server JVM options: WODIAN_SERVER_JAVA_OPTS (default -Xmx2g: two engines per node). Extra server arguments:
# GROUP_RESTART_SERVER_ARGS; with the defaults each node's snapshotter writes a snapshot at INPUTS soon after the group
# starts (the tail is one snapshot interval, 1,000,000 inputs), so steps 2 and 3 restart from it and replay only the
# inputs since; GROUP_RESTART_SERVER_ARGS="--snapshot-every-inputs 1000000000" keeps the one at INPUTS - TAIL, and
# they replay the whole tail as step 1 does. Data under
# ${WODIAN_PERF_DIR:-/tmp}, deleted at the end. Prints `uptime` before and after. Needs tools/target/wodian.jar.
set -euo pipefail
repo_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
inputs="${1:-20000000}"
tail_inputs="${2:-1000000}"
consumers="${3:-1000000}"
jar="$repo_dir/tools/target/wodian.jar"
# The JVM flags bin/wodian gives Chronicle Queue.
java_opts=(--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED --add-exports=java.base/jdk.internal.ref=ALL-UNNAMED
    --add-exports=java.base/jdk.internal.util=ALL-UNNAMED --add-exports=java.base/sun.nio.ch=ALL-UNNAMED
    --add-exports=jdk.unsupported/sun.misc=ALL-UNNAMED --add-opens=java.base/java.io=ALL-UNNAMED
    --add-opens=java.base/java.lang=ALL-UNNAMED --add-opens=java.base/java.lang.reflect=ALL-UNNAMED
    --add-opens=java.base/java.util=ALL-UNNAMED --add-opens=java.base/sun.nio.ch=ALL-UNNAMED
    -Dchronicle.analytics.disable=true -Dchronicle.announcer.disable=true -Xmx1g)
data() { java "${java_opts[@]}" -cp "$jar" com.wodian.perf.GroupRestartData "$@"; }
now_ms() { date +%s%3N; }

base_dir="$(mktemp -d "${WODIAN_PERF_DIR:-/tmp}/wodian-group-restart.XXXXXX")"
pids=(0 0 0)
cleanup() {
    for pid in "${pids[@]}"; do [[ "$pid" != 0 ]] && kill -9 "$pid" 2>/dev/null || true; done
    rm -rf "$base_dir"
}
trap cleanup EXIT
echo "group-restart: $inputs inputs, tail $tail_inputs, $consumers consumers; server arguments +[${GROUP_RESTART_SERVER_ARGS:-}];" \
    "$(nproc) cores; $(uptime)"

t0=$(now_ms)
data append "$base_dir/node0" $((inputs - tail_inputs)) "$consumers"
"$repo_dir/bin/wodian" snapshot take --data "$base_dir/node0" 2>&1 | tail -2
data append "$base_dir/node0" "$inputs" "$consumers"
echo "data built in $(( ($(now_ms) - t0) / 1000 )) s; journal $(du -sh "$base_dir/node0/journal" | cut -f1), snapshots $(du -sh "$base_dir/node0/snapshots" | cut -f1)"
for i in 1 2; do cp -r "$base_dir/node0" "$base_dir/node$i"; done
for i in 0 1 2; do data mark "$base_dir/node$i" "$inputs"; done

read -r -a ports <<<"$(python3 -c 'import socket
s=[socket.socket() for _ in range(6)]
[x.bind(("127.0.0.1",0)) for x in s]
print(" ".join(str(x.getsockname()[1]) for x in s))')"
peers="0=127.0.0.1:${ports[3]},1=127.0.0.1:${ports[4]},2=127.0.0.1:${ports[5]}"
clients="127.0.0.1:${ports[0]},127.0.0.1:${ports[1]},127.0.0.1:${ports[2]}"
"$repo_dir/bin/wodian" credentials --file "$base_dir/credentials" --add admin:1 \
    --secrets-out "$base_dir/client-secrets" >/dev/null
"$repo_dir/bin/wodian" cds --if-stale >&2 # the build's class-data archive now, not inside a timed start (bin/wodian)
runs=(0 0 0)
start_node() {
    local i="$1"
    runs[$i]=$(( runs[$i] + 1 ))
    WODIAN_JAVA_OPTS="${WODIAN_SERVER_JAVA_OPTS:--Xmx2g}" "$repo_dir/bin/wodian" server --data "$base_dir/node$i" \
        --port "${ports[$i]}" --credentials "$base_dir/credentials" --node-id "$i" --peers "$peers" \
        --insecure --snapshot-retain 2 --ignore-stdin --risk-baseline none ${GROUP_RESTART_SERVER_ARGS:-} >"$base_dir/node$i-${runs[$i]}.log" 2>&1 &
    pids[$i]=$!
}
listening() { grep -q 'WODIAN LISTENING port=' "$base_dir/node$1-${runs[$1]}.log" 2>/dev/null; }
recovered_line() { grep -o 'recovered: .*' "$base_dir/node$1-${runs[$1]}.log" | head -1; }
status() { "$repo_dir/bin/wodian" status --peers "$clients" --credentials "$base_dir/client-secrets" --no-hash 2>/dev/null || true; }
primary_id() { status | awk '$3 == "PRIMARY" {print $2}' | head -1; }
has_primary() { [[ -n "$(primary_id)" ]]; }
await() { # await DESCRIPTION SECONDS COMMAND...: polls every 0.2 s
    local what="$1" limit="$2"; shift 2
    for _ in $(seq 1 $(( limit * 5 ))); do "$@" && return 0; sleep 0.2; done
    echo "timed out: $what" >&2; tail -5 "$base_dir"/node*.log >&2; exit 3
}
caught_up() { # the node's lag (primary's last index - its applied index) is 0
    status | awk -v n="$1" '$2 == n && $9 == "0" {ok=1} END {exit !ok}'
}

echo "1. whole group started at once"
t0=$(now_ms)
for i in 0 1 2; do start_node "$i"; done
for i in 0 1 2; do await "node $i listening" 600 listening "$i"; echo "   node $i listening after $(( $(now_ms) - t0 )) ms: $(recovered_line "$i")"; done
await "a primary" 120 has_primary
echo "   primary $(primary_id) answering after $(( $(now_ms) - t0 )) ms"
status

for role in standby primary; do
    primary="$(primary_id)"
    if [[ "$role" == standby ]]; then node=$(( (primary + 1) % 3 )); else node="$primary"; fi
    echo "2/3. kill -9 of the $role (node $node), restart"
    kill -9 "${pids[$node]}"; wait "${pids[$node]}" 2>/dev/null || true
    t0=$(now_ms)
    start_node "$node"
    await "node $node listening" 600 listening "$node"
    echo "   listening after $(( $(now_ms) - t0 )) ms: $(recovered_line "$node")"
    await "node $node caught up" 600 caught_up "$node"
    echo "   caught up (applied index = primary's) after $(( $(now_ms) - t0 )) ms; primary now $(primary_id)"
done
status
echo "end: $(uptime)"
