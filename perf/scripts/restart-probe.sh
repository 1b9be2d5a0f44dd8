#!/usr/bin/env bash
# A restart with a snapshot and a 1 M-input tail (RecoveryHarness's workload), old and new engine in ONE JVM: each jar
# in its own class loader with its own snapshot, EngineRecovery.recover from it, rounds alternated and the order
# swapped every round, so load drift hits both alike. Prints each round's restart wall time, snapshot load, tail wall
# time and the tail's apply-thread CPU, then medians and per-round new/old ratios. docs/history/engine-sessions.md (the restart sections).
#
#   perf/scripts/restart-probe.sh OLD.jar NEW.jar [rounds]
#   PROBE_JAVA_OPTS=-DreserveB=true perf/scripts/restart-probe.sh J.jar J.jar 3   (control: new = tables reserved)
#   PROBE_JAVA_OPTS=-DreserveCost=true perf/scripts/restart-probe.sh OLD.jar NEW.jar 1   (also times reserveForInputs alone)
#   PROBE_JAVA_OPTS=-DloadOnly=true perf/scripts/restart-probe.sh OLD.jar NEW.jar 20   (the snapshot load alone, no tail)
#   PROBE_JAVA_OPTS="-DloadOnly=true -DsnapshotAt=3000000" ...   (the load of a snapshot holding the ~1 M spend pairs)
#   PROBE_JAVA_OPTS=-DfullReplay=true perf/scripts/restart-probe.sh OLD.jar NEW.jar 6   (a full replay of the 3 M inputs
#       into a fresh engine instead: no snapshot; the "tail" columns are the whole replay)
#
# Needs ~8 GB of heap and ~0.5 GB in the temporary directory (deleted at the end).
set -euo pipefail
repo_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
old_jar="$(realpath "$1")"; new_jar="$(realpath "$2")"; rounds="${3:-8}"
work="$(mktemp -d "${TMPDIR:-/tmp}/restart-probe.XXXXXX")"
trap 'rm -rf "$work"' EXIT
src="$repo_dir/perf/scripts/jars-probe"
javac -nowarn -cp "$new_jar" -d "$work/runner" "$src/JarRestartRunner.java"
javac -nowarn -d "$work/cls" "$src/RestartProbe.java"
base="$(sed -n 's:.*<wodian.jvm.base>\(.*\)</wodian.jvm.base>.*:\1:p' "$repo_dir/pom.xml")"
uptime
# shellcheck disable=SC2086
java $base -Xms8g -Xmx8g -XX:+AlwaysPreTouch -XX:+UseTransparentHugePages ${PROBE_JAVA_OPTS:-} \
    -Djava.io.tmpdir="$work" -cp "$work/cls" RestartProbe "$work/runner" "$old_jar" "$new_jar" "$rounds"
uptime
