#!/usr/bin/env bash
# The replica-group soak for manual runs (docs/replication.md, "Soak"): three server processes on loopback under a
# POS terminal's payments for N minutes, with random kill -9 + restart of any node, partitions (CUT or BLACKHOLE
# through fault proxies between the nodes) and membership changes (wodian group remove, wipe, --join, wodian group
# add); then: no acknowledged payment lost or applied twice, every node at one state hash, failover p50/p99/max.
#
#   perf/scripts/soak-group.sh                      30 minutes, 1,000 payments/s
#   perf/scripts/soak-group.sh --minutes 3 --seed 42
#   SOAK_RATE=500 perf/scripts/soak-group.sh --minutes 60 --pause-ms 10000-30000
#
# Options go to the driver (tools/src/test/.../GroupSoak.java): --minutes N, --seed N, --keys-max N,
# --pause-ms MIN-MAX (between faults). SOAK_RATE: payments per second (default 1000). Data and logs go under
# ${WODIAN_SOAK_DIR:-/tmp}/wodian-soak.XXXXXX, removed after a PASS unless SOAK_KEEP=1; a FAIL keeps them. The run is
# bounded (minutes + 15, by `timeout`); every process it started (driver, servers) is in one process group, killed
# at exit. Prints `uptime` before and after: the load average is part of every figure. Exit status: the driver's
# (0 PASS, 1 FAIL), 124 when the bound was hit.
set -euo pipefail
repo_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
minutes=30
args=("$@")
for ((i = 0; i < ${#args[@]}; i++)); do
    [[ "${args[$i]}" == "--minutes" ]] && minutes="${args[$((i + 1))]}"
done

work_dir="$(mktemp -d "${WODIAN_SOAK_DIR:-/tmp}/wodian-soak.XXXXXX")"
classpath_file="$work_dir/classpath"
echo "soak-group: building the test classes (mvn test-compile) ..." >&2
# The harness lives in test code (net's test-jar, com.wodian.net.testing.group); the reactor resolves it to
# net/target/test-classes, so nothing is installed.
(cd "$repo_dir" && mvn -B -q -Dstyle.color=never -pl tools -am test-compile dependency:build-classpath -Dmdep.includeScope=test \
    -Dmdep.outputFile="$classpath_file") >&2
classpath="$repo_dir/tools/target/test-classes:$repo_dir/tools/target/classes:$(cat "$classpath_file")"

# The JVM flags every launch needs, as bin/wodian takes them: <wodian.jvm.base> of the parent pom, plus what newer
# JDKs need. The server processes inherit them (ChildServerProcess copies this JVM's --add-* and -Dchronicle.*).
read -r -a flags <<< "$(sed -n 's:.*<wodian.jvm.base>\(.*\)</wodian.jvm.base>.*:\1:p' "$repo_dir/pom.xml")"
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
major="$("$java_bin" -XshowSettings:properties -version 2>&1 | sed -n 's/.*java.specification.version = //p')"
if (( major >= 22 )); then flags+=(--enable-native-access=ALL-UNNAMED); fi
if (( major >= 23 )); then flags+=(--sun-misc-unsafe-memory-access=allow); fi
flags+=(-Xmx1g "-Dwodian.replication.rate=${SOAK_RATE:-1000}" -Dwodian.replication.clientsMax=1000)

echo "soak-group: before: $(uptime)"
status=0
# setsid: the driver and the servers it starts share a new process group, so the trap can end all of them.
setsid timeout --signal=TERM --kill-after=60 "$(( (minutes + 15) * 60 ))" \
    "$java_bin" "${flags[@]}" -cp "$classpath" com.wodian.tools.GroupSoak --dir "$work_dir/group" "$@" \
    > >(tee "$work_dir/soak.log") 2>&1 &
soak_pid=$!
cleanup() {
    kill -TERM -- "-$soak_pid" 2>/dev/null || true
    sleep 2
    kill -KILL -- "-$soak_pid" 2>/dev/null || true
}
trap cleanup EXIT INT TERM
wait "$soak_pid" || status=$?
cleanup
trap - EXIT INT TERM
echo "soak-group: after: $(uptime)"
if [[ $status -eq 0 && "${SOAK_KEEP:-0}" != 1 ]]; then
    rm -rf "$work_dir"
else
    echo "soak-group: status $status; data and logs kept in $work_dir" >&2
fi
exit "$status"
