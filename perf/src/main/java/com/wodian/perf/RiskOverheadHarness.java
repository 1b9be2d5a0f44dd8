package com.wodian.perf;

import org.openjdk.jmh.infra.Blackhole;

/**
 * The risk benchmark's two engines (rules off, rules on) in one JVM, measured in alternation: round after round,
 * each applies the same number of payments and the time is taken for each. On a shared machine the drift between
 * two JMH forks minutes apart can exceed the difference measured; alternating in one process shows the ratio
 * rules-on / rules-off with the drift mostly cancelled.
 *
 * <p>Run: {@code java -Xms8g -Xmx8g -cp tools/target/wodian.jar com.wodian.perf.RiskOverheadHarness [rounds]
 * [variant...]}: each variant ({@link EngineRiskPayBenchmark#rules}: on, worst, model, trained, trained:N for the
 * first N trees, trained=FILE for a model file, shipped, shipped:P for the challenger's shadow sample period P,
 * recommended for the recommended configuration (v68 ACTIVE, v80 SECOND), recommended=FILE for the same with
 * FILE as the ACTIVE model, recommended+second=FILE with FILE as the SECOND model instead, e.g. v55, step 5 until
 * the fifty-sixth session, recommended+source=FILE with FILE as the group source (CHALLENGER) instead of v24; the file
 * forms combine, e.g. recommended=A+source=S) is timed right after rules off in every round. To time a candidate
 * against what it would replace, name both and repeat them in the other order
 * ({@code recommended recommended=F recommended=F recommended}): a variant timed later in a round reads somewhat
 * cheaper (docs/history/risk-sessions.md, "Forty-seventh session"), and a same-variant pair in the same JVM gives the
 * spread to beat. Printed at the end:
 * per variant the ratio to rules off (wall clock and the engine thread's CPU time), and what each variant adds to
 * the one before it in units of a rules-off payment ({@code on trained:1 trained}: features and profiles, then the
 * trees). Ratios are printed to four decimals and the added payments to three, each round's CPU nanoseconds per
 * payment beside them: at a ratio near 0.26, two decimals were a step of ~0.15 rules-off payments, coarser than the
 * cuts being judged (docs/history/risk-sessions.md, "Fifty-fifth session").
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
        final int variants = Math.max(1, args.length - 1);
        final EngineRiskPayBenchmark[] on = new EngineRiskPayBenchmark[variants];
        for (int v = 0; v < variants; v++)
        {
            on[v] = new EngineRiskPayBenchmark();
            on[v].rules = args.length > 1 + v ? args[1 + v] : "on";
            on[v].setUp(blackhole);
        }
        final double[][] ratios = new double[variants][rounds];
        final double[][] cpuRatios = new double[variants][rounds];
        final long[] cpuNs = new long[1];
        for (int round = 0; round < rounds; round++)
        {
            final long offNs = time(off, paymentsPerRound, cpuNs);
            final long offCpuNs = cpuNs[0];
            off.checkIteration();
            final StringBuilder line = new StringBuilder(String.format(
                "round %2d: off %,.0f payments/s (CPU %,.0f, %.1f ns a payment)", round, paymentsPerRound * 1e9 / offNs,
                paymentsPerRound * 1e9 / offCpuNs, (double)offCpuNs / paymentsPerRound));
            for (int v = 0; v < variants; v++)
            {
                final long onNs = time(on[v], paymentsPerRound, cpuNs);
                on[v].checkIteration();
                ratios[v][round] = (double)offNs / onNs;
                cpuRatios[v][round] = (double)offCpuNs / cpuNs[0];
                line.append(String.format(", %s %,.0f payments/s, ratio %.4f (CPU time %.4f, %.1f ns a payment)",
                    on[v].rules, paymentsPerRound * 1e9 / onNs, ratios[v][round], cpuRatios[v][round],
                    (double)cpuNs[0] / paymentsPerRound));
            }
            System.out.println(line);
        }
        // Allocation on the engine thread (this thread) over one more round of each, after the warm rounds.
        System.out.printf("allocated on this thread: off %.4f B/payment%n",
            (double)allocatedBytes(off, paymentsPerRound) / paymentsPerRound);
        for (int v = 0; v < variants; v++)
        {
            System.out.printf("allocated on this thread: %s %.4f B/payment (%d payments)%n", on[v].rules,
                (double)allocatedBytes(on[v], paymentsPerRound) / paymentsPerRound, paymentsPerRound);
        }
        printSummary(on, ratios, cpuRatios);
    }

    /**
     * Per variant after the first, what it adds to the one before it; per variant, its ratio to rules off (wall clock
     * and the engine thread's CPU time): median, min and max over the rounds.
     */
    private static void printSummary(final EngineRiskPayBenchmark[] on, final double[][] ratios,
        final double[][] cpuRatios)
    {
        final int variants = on.length;
        final int rounds = ratios[0].length;
        // What each variant adds to the one before it (e.g. trained:1 then trained: the trees beyond the first), per
        // round in units of that round's rules-off payment by CPU time, so a round's speed cancels.
        for (int v = 1; v < variants; v++)
        {
            final double[] added = new double[rounds];
            for (int round = 0; round < rounds; round++)
            {
                added[round] = 1 / cpuRatios[v][round] - 1 / cpuRatios[v - 1][round];
            }
            java.util.Arrays.sort(added);
            System.out.printf("%s over %s, in rules-off payments (CPU time): median %.3f, min %.3f, max %.3f%n",
                on[v].rules, on[v - 1].rules, added[rounds / 2], added[0], added[rounds - 1]);
        }
        for (int v = 0; v < variants; v++)
        {
            java.util.Arrays.sort(ratios[v]);
            System.out.printf("ratio %s/off: median %.4f, min %.4f, max %.4f over %d rounds%n", on[v].rules,
                ratios[v][rounds / 2], ratios[v][0], ratios[v][rounds - 1], rounds);
            java.util.Arrays.sort(cpuRatios[v]);
            System.out.printf("  by the engine thread's CPU time (time off the CPU on a shared machine excluded): " +
                "median %.4f, min %.4f, max %.4f%n", cpuRatios[v][rounds / 2], cpuRatios[v][0],
                cpuRatios[v][rounds - 1]);
        }
    }

    private static long allocatedBytes(final EngineRiskPayBenchmark benchmark, final int payments)
    {
        final com.sun.management.ThreadMXBean threads =
            (com.sun.management.ThreadMXBean)java.lang.management.ManagementFactory.getThreadMXBean();
        final long before = threads.getCurrentThreadAllocatedBytes();
        for (int i = 0; i < payments; i++)
        {
            benchmark.pay();
        }
        return threads.getCurrentThreadAllocatedBytes() - before;
    }

    /** Wall-clock nanoseconds of {@code payments} payments; this thread's CPU nanoseconds in {@code cpuNs[0]}. */
    private static long time(final EngineRiskPayBenchmark benchmark, final int payments, final long[] cpuNs)
    {
        final java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        final long cpuStart = threads.getCurrentThreadCpuTime();
        final long start = System.nanoTime();
        for (int i = 0; i < payments; i++)
        {
            benchmark.pay();
        }
        final long wallNs = System.nanoTime() - start;
        cpuNs[0] = threads.getCurrentThreadCpuTime() - cpuStart;
        return wallNs;
    }
}
