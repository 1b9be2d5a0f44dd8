package com.wodian.perf;

import org.openjdk.jmh.infra.Blackhole;

/**
 * The risk benchmark's two engines (rules off, rules on) in one JVM, measured in alternation: round after round,
 * each applies the same number of payments and the time is taken for each. On a shared machine the drift between
 * two JMH forks minutes apart can exceed the difference measured; alternating in one process shows the ratio
 * rules-on / rules-off with the drift mostly cancelled.
 *
 * <p>Run: {@code java -Xms8g -Xmx8g -cp tools/target/wodian.jar com.wodian.perf.RiskOverheadHarness [rounds]}.
 */
public final class RiskOverheadHarness
{
    private RiskOverheadHarness()
    {
    }

    public static void main(final String[] args)
    {
        final int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 10;
        final int paymentsPerRound = 1 << 20;
        final Blackhole blackhole = new Blackhole(
            "Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");
        final EngineRiskPayBenchmark off = new EngineRiskPayBenchmark();
        off.rules = "off";
        off.setUp(blackhole);
        final EngineRiskPayBenchmark on = new EngineRiskPayBenchmark();
        on.rules = args.length > 1 ? args[1] : "on";
        on.setUp(blackhole);
        final double[] ratios = new double[rounds];
        for (int round = 0; round < rounds; round++)
        {
            final long offNs = time(off, paymentsPerRound);
            final long onNs = time(on, paymentsPerRound);
            off.checkIteration();
            on.checkIteration();
            ratios[round] = (double)offNs / onNs;
            System.out.printf("round %2d: off %,.0f payments/s, %s %,.0f payments/s, ratio %.2f%n", round,
                paymentsPerRound * 1e9 / offNs, on.rules, paymentsPerRound * 1e9 / onNs, ratios[round]);
        }
        // Allocation on the engine thread (this thread) over one more round of each, after the warm rounds.
        final long offBytes = allocatedBytes(off, paymentsPerRound);
        final long onBytes = allocatedBytes(on, paymentsPerRound);
        System.out.printf("allocated on this thread: off %.4f B/payment, %s %.4f B/payment (%d payments each)%n",
            (double)offBytes / paymentsPerRound, on.rules, (double)onBytes / paymentsPerRound, paymentsPerRound);
        java.util.Arrays.sort(ratios);
        System.out.printf("ratio %s/off: median %.2f, min %.2f, max %.2f over %d rounds%n", on.rules,
            ratios[rounds / 2], ratios[0], ratios[rounds - 1], rounds);
    }

    private static long allocatedBytes(final EngineRiskPayBenchmark benchmark, final int payments)
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)java.lang.management.ManagementFactory.getThreadMXBean();
        final long before = threads.getCurrentThreadAllocatedBytes();
        time(benchmark, payments);
        return threads.getCurrentThreadAllocatedBytes() - before;
    }

    private static long time(final EngineRiskPayBenchmark benchmark, final int payments)
    {
        final long start = System.nanoTime();
        for (int i = 0; i < payments; i++)
        {
            benchmark.pay();
        }
        return System.nanoTime() - start;
    }
}
