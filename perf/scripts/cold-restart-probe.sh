#!/usr/bin/env bash
# A real server restart in a fresh JVM, old tree against new: each start is `TREE/bin/wodian server` (the tree's own
# launcher, JVM flags and jar) on one data directory holding a snapshot and a journal tail after it; the time is from
# exec to the server's "WODIAN LISTENING" line (port open), with the server's own log lines for the snapshot load, the
# tail's replay and the JIT warm-up. Rounds alternate the trees and swap the order every round. docs/durability.md,
# section 7 ("A restart in a fresh JVM").
#
#   perf/scripts/cold-restart-probe.sh OLD_TREE NEW_TREE [rounds] [inputs] [tail] [consumers]
#   OLD_ARGS=... NEW_ARGS=... OLD_JAVA_OPTS=... NEW_JAVA_OPTS=... OLD_ENV=... NEW_ENV=...: per-side server arguments,
#   JVM options and launcher environment (e.g. NEW_ENV="WODIAN_CDS=off")
#   C2 compiles per phase (before, during, after the tail): OLD_JAVA_OPTS=-XX:+PrintCompilation, the same for NEW,
#   KEEP_LOGS=DIR, then perf/scripts/jit-phases.py DIR/*.log
#   (defaults 5 rounds; 3,000,000 inputs of GroupRestartData's workload, a 1,000,000-input tail, 1,000,000 consumers;
#   since session 50 a mixed tail the server accepts, before it Pays refused for funds:
#   docs/history/engine-sessions.md, "Session 50, replay")
#
# Each tree needs tools/target/wodian.jar (mvn -B -q -DskipTests package). The data is written with NEW_TREE's jar
# (GroupRestartData, `wodian snapshot take`): both trees must read that snapshot format. Servers run with the
# launcher's defaults (-Xmx3g fixed and pre-touched), --durability page-cache, --snapshots off (so no restart writes a
# snapshot that the next would start from). Needs ~1.5 GB in ${WODIAN_PERF_DIR:-/tmp} (deleted at the end; set
# KEEP_DATA=DIR to build it once into DIR and keep it; KEEP_LOGS=DIR keeps each start's timed log there) and ~3.5 GB
# of RAM per server. Prints `uptime` before and after.
set -euo pipefail
repo_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
old_tree="$(realpath "$1")"; new_tree="$(realpath "$2")"
rounds="${3:-5}"; inputs="${4:-3000000}"; tail_inputs="${5:-1000000}"; consumers="${6:-1000000}"
work="$(mktemp -d "${WODIAN_PERF_DIR:-/tmp}/cold-restart-probe.XXXXXX")"
trap 'rm -rf "$work"' EXIT
data="${KEEP_DATA:-$work/data}"
new_jar="$new_tree/tools/target/wodian.jar"
base="$(sed -n 's:.*<wodian.jvm.base>\(.*\)</wodian.jvm.base>.*:\1:p' "$new_tree/pom.xml")"
mkdir -p "$work/logs"
if [[ ! -d "$data/snapshots" ]]; then
    # shellcheck disable=SC2086
    java $base -Xmx1g -cp "$new_jar" com.wodian.perf.GroupRestartData append "$data" $((inputs - tail_inputs)) \
        "$consumers"
    "$new_tree/bin/wodian" snapshot take --data "$data" 2>&1 | tail -1
    # shellcheck disable=SC2086
    java $base -Xmx1g -cp "$new_jar" com.wodian.perf.GroupRestartData append "$data" "$inputs" "$consumers"
fi
if [[ ! -f "$data/credentials" ]]; then
    "$new_tree/bin/wodian" credentials --file "$data/credentials" --add admin:1 --secrets-out "$work/secrets" >/dev/null
fi
revision() { git -C "$1" rev-parse --short HEAD 2>/dev/null || echo "not a git tree"; }
echo "cold-restart-probe: journal $(du -sh "$data/journal" | cut -f1), snapshots $(du -sh "$data/snapshots" |
    cut -f1); old $old_tree ($(revision "$old_tree")), new $new_tree ($(revision "$new_tree"))"
uptime
python3 "$repo_dir/perf/scripts/cold-restart-probe.py" "$old_tree" "$new_tree" "$data" "$data/credentials" \
    "$work/logs" "$rounds"
uptime
if [[ -n "${KEEP_LOGS:-}" ]]; then cp -r "$work/logs" "$KEEP_LOGS"; fi
