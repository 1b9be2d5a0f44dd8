#!/usr/bin/env bash
# Where the server's millisecond stalls at 50k/s come from (docs/history/latency-sessions.md, "Spare cores" and "The journal's chunk
# crossings"), on a machine with spare cores: the journal alone and the server.
#   1. `wodian perf journal-append --rate 50000 --stall-us 100`, pinned to two CPUs (the probe's JIT threads must not
#      preempt its appending thread): every batch slower than 100 us with the second it happened at and its entry's
#      place in the journal; with and without --map-ahead (each 64-MiB chunk of the file grown and mapped by a second
#      thread before the appends reach it), alternated, on /tmp; then on tmpfs (/dev/shm), to tell the file system
#      apart (the first run, 18:43 UTC 2026-12-04, found the same stalls at the same entries on ext4 and tmpfs).
#   2. One echo row, then SHARED server rows at 50k/s alternated, data directory on /tmp and on /dev/shm
#      (perf/scripts/tail-probe.sh rows: response time, the server's stage table, JVM events in the window).
# Optionally (LOOP_EXT4=1, needs root and a loop device): 1. on an ext4 image mounted with -o lazytime too.
# Optionally (WRITE_AHEAD_AB=1): 2. each ext4 server row is followed by one without the journal's write-ahead
# (-Dwodian.journal.writeahead.kib=0, docs/history/latency-sessions.md "Fresh-page write faults on ext4").
#
#   perf/scripts/device-stalls.sh OUT_DIR
#
# Needs what device-latency.sh needs (tools/target/wodian.jar, a JDK 17 or .devjre/devjre.tar.xz, python3, taskset).
set -uo pipefail
repo_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
out="${1:?usage: device-stalls.sh OUT_DIR}"
mkdir -p "$out"
cd "$repo_dir" || exit 1
source perf/scripts/device-java.sh
{
    echo "date: $(date -u)"; uname -r; echo "nproc: $(nproc)"; uptime
    df -T /tmp /dev/shm; grep -E ' (/|/tmp|/dev/shm) ' /proc/mounts
    for f in dirty_writeback_centisecs dirty_expire_centisecs dirty_background_ratio dirty_ratio; do
        echo "vm.$f $(cat /proc/sys/vm/$f)"
    done
    for b in /sys/block/*/queue/stable_writes; do echo "$b $(cat "$b")"; done
} >"$out/machine.txt" 2>&1
cat "$out/machine.txt"

journal_probe() { # journal_probe NAME DIR [journal-append options]: the journal alone at 50k/s, stalls listed
    local name="$1" dir="$2"; shift 2
    echo "=== journal $name ($(date -u +%T), load $(cut -d' ' -f1-3 /proc/loadavg))"
    timeout -k 5 70 taskset -c "${JOURNAL_CPUS:-3,4}" bin/wodian perf journal-append --rate "${JRATE:-50000}" \
        --duration "${JDURATION:-30}" --warmup 5 --stall-us 100 --dir "$dir" "$@" >"$out/journal-$name.txt" 2>&1
    head -5 "$out/journal-$name.txt"
    awk '/ at / { if ($2 + 0 > 5) n++ } END { printf "stalls over 100 us after the 5-s warm-up: %d\n", n }' "$out/journal-$name.txt"
}
# The journal's chunk crossings (64 MiB each, ~760k entries of a Pay) with and without the second thread that maps
# the next chunk ahead (the server's metrics thread does it), alternated; then tmpfs, to tell the file system apart.
for round in 1 2; do
    journal_probe "disk-map-ahead-$round" /tmp --map-ahead
    journal_probe "disk-no-map-ahead-$round" /tmp --no-map-ahead
done
journal_probe shm /dev/shm
if [[ "${LOOP_EXT4:-0}" == 1 ]]; then
    img=/tmp/wodian-ext4.img; mnt=/tmp/wodian-ext4
    if truncate -s 4G "$img" && mkfs.ext4 -q -F "$img" && mkdir -p "$mnt" && mount -o loop,lazytime "$img" "$mnt"; then
        journal_probe ext4-lazytime "$mnt"
        umount "$mnt"
    else
        echo "no loop ext4 (needs root, mkfs.ext4 and a loop device)"
    fi
    rm -f "$img"
fi

export WODIAN_SERVER_CPUS="${SERVER_CPUS:-2-5}" WODIAN_LOADGEN_CPUS="${LOADGEN_CPUS:-8-11}"
export DURATION="${DURATION:-16}" WARMUP="${WARMUP:-6}" RATE=50000
work="$(mktemp -d)"
probe() { # probe NAME MODE: one tail-probe row; its summary to stdout
    local name="$1"; shift
    echo "=== $name ($(date -u +%T), load $(cut -d' ' -f1-3 /proc/loadavg), data under ${WODIAN_PERF_DIR:-/tmp})"
    timeout -k 5 90 perf/scripts/tail-probe.sh "$work" "$name" "$@" 2>&1 | grep -E '^(response|service|server window|JVM)'
}
probe echo-50k echo
for round in $(seq 1 "${ROUNDS:-2}"); do
    WODIAN_PERF_DIR=/tmp probe "disk-50k-$round" shared
    if [[ "${WRITE_AHEAD_AB:-0}" == 1 ]]; then  # the same row without the metrics thread's write-ahead (before f5b8fe7)
        WODIAN_PERF_DIR=/tmp WODIAN_SERVER_JAVA_OPTS="-Xmx3g -Dwodian.journal.writeahead.kib=0" \
            probe "disk-50k-no-write-ahead-$round" shared
    fi
    WODIAN_PERF_DIR=/dev/shm probe "shm-50k-$round" shared
done
tar -C "$work" -czf "$out/stall-rows.tar.gz" . 2>/dev/null
echo "done $(date -u +%T)"
