#!/usr/bin/env bash
# Two engine jars in ONE JVM, each in its own class loader (own classes, own JIT code, own engine), rounds
# alternated and timed in the measuring thread's CPU time: load drift on a shared machine hits both alike, so the
# per-round ratio new/old survives a load average that makes absolute rates noise. the "one JVM" ratios in
# docs/history/engine-sessions.md (e.g. "Fewer instructions and lines in a staged Pay") came from this probe.
#
#   perf/scripts/jars-probe.sh OLD.jar NEW.jar [pay|mix|risk|rewards|warm] [rounds] [commands per round] [batch] [staged|off]
#   perf/scripts/jars-probe.sh /tmp/old/tools/target/wodian.jar tools/target/wodian.jar pay 16 262144 64 staged
#
# pay: EnginePayBenchmark's workload through PayBatches.payBatch; mix: EngineMixBenchmark (mixBatch / mix);
# risk: EngineRiskPayBenchmark with rules "on" (-Drules=... through PROBE_JAVA_OPTS), which needs payBatch (jars
# from 6658dd0 on); rewards: EngineRewardsBenchmark (rewardsBatch / payWithRewards: ~1.6 GB of heap per engine, so
# the default heap holds both). "off" runs the one-at-a-time path: the control row. The runners are compiled
# against each jar.
# phases: pay (staged only), each batch's prefetch phase (decode + passes) and apply timed apart by the thread's CPU
# clock; the per-round new/old of each phase is printed beside the whole's (h14, 2026-12-05).
# warm: EnginePayBenchmark's Pays on a population that stays in cache (JarWarmRunner; cut-probe.sh's default).
# PROBE_JAVA_OPTS="-Dprobe.slice=4096" makes the jars take turns every 4,096 commands inside a round, and
# "-Dprobe.warmups=N" sets the unreported rounds (2); to judge a cut of a few %, use perf/scripts/cut-probe.sh, which
# runs this in several fresh JVMs with the jars' slots swapped (docs/engine.md "Judging a cut: the cut probe").
# quota: pay with the engine settings (MERCHANT_KEYS_MAX, PAYMENT_TERMINAL_BINDING 2) on in the jar whose path contains
# "quota": give the same jar twice, the second copied into a directory named quota (jars from a9106ad on).
set -euo pipefail
repo_dir="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
old_jar="$(realpath "$1")"; new_jar="$(realpath "$2")"
kind="${3:-pay}"; rounds="${4:-16}"; commands="${5:-262144}"; batch="${6:-64}"; mode="${7:-staged}"
case "$kind" in
    pay) runner=JarRunner ;;
    mix) runner=JarMixRunner ;;
    risk) runner=JarRiskRunner ;;
    quota) runner=JarQuotaRunner ;;
    rewards) runner=JarRewardsRunner ;;
    warm) runner=JarWarmRunner ;;
    phases) runner=JarPhaseRunner ;;
    *) echo "kind must be pay, mix, risk, rewards, warm, quota or phases" >&2; exit 2 ;;
esac
work="$(mktemp -d "${TMPDIR:-/tmp}/jars-probe.XXXXXX")"
trap 'rm -rf "$work"' EXIT
src="$repo_dir/perf/scripts/jars-probe"
# Each runner is compiled against the new jar; its calls resolve again in each jar's own class loader.
shared=()
if [ "$kind" = warm ]; then shared=("$src/WarmPopulation.java"); fi
javac -nowarn -cp "$new_jar" -d "$work/runner" "$src/$runner.java" "${shared[@]}"
javac -nowarn -d "$work/cls" "$src/JarsProbe.java"
base="$(sed -n 's:.*<wodian.jvm.base>\(.*\)</wodian.jvm.base>.*:\1:p' "$repo_dir/pom.xml")"
uptime
# shellcheck disable=SC2086
java $base -Xms5g -Xmx5g -XX:+AlwaysPreTouch ${PROBE_JAVA_OPTS:-} -Drunner="com.wodian.perf.$runner" \
    -cp "$work/cls" JarsProbe "$work/runner" "$old_jar" "$new_jar" "$rounds" "$commands" "$batch" "$mode"
uptime
