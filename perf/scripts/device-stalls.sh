#!/usr/bin/env bash
# Where the server's millisecond stalls at 50k/s come from (docs/latency.md, "Spare cores"): the journal alone and
# the server, each with the journal on the machine's disk file system (/tmp) and on tmpfs (/dev/shm), on a machine
# with spare cores. If the stalls are the kernel's periodic writeback of the journal's memory-mapped file (a cleaned
# page is write-protected again; the next append to it faults, and the file system may make that fault wait for its
# own journal commit), they come every few seconds on disk and not at all on tmpfs.
#   1. `wodian perf journal-append --rate 50000 --stall-us 100` on /tmp and on /dev/shm, pinned to one CPU: every
#      batch slower than 100 us with the second it happened at and its entry's place in the journal.
#   2. One echo row, then SHARED server rows at 50k/s alternated, data directory on /tmp and on /dev/shm
#      (perf/scripts/tail-probe.sh rows: response time, the server's stage table, JVM events in the window).
# Optionally (LOOP_EXT4=1, needs root and a loop device): 1. on an ext4 image mounted with -o lazytime too.
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

journal_probe() { # journal_probe NAME DIR: the journal alone at 50k/s, stalls listed
    echo "=== journal $1 ($(date -u +%T), load $(cut -d' ' -f1-3 /proc/loadavg))"
    timeout -k 5 70 taskset -c "${JOURNAL_CPU:-3}" bin/wodian perf journal-append --rate 50000 --duration "${JDURATION:-30}" \
        --warmup 5 --stall-us 100 --dir "$2" >"$out/journal-$1.txt" 2>&1
    head -5 "$out/journal-$1.txt"
    awk '/ at / { if ($2 + 0 > 5) n++ } END { printf "stalls over 100 us after the 5-s warm-up: %d\n", n }' "$out/journal-$1.txt"
}
journal_probe disk /tmp
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
    WODIAN_PERF_DIR=/dev/shm probe "shm-50k-$round" shared
done
tar -C "$work" -czf "$out/stall-rows.tar.gz" . 2>/dev/null
echo "done $(date -u +%T)"
