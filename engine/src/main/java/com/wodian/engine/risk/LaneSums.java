package com.wodian.engine.risk;

/**
 * Sums of a narrow model's selected leaves ({@code RiskModel}'s lanes after the select). int addition wraps, so the
 * order of the adds cannot change a sum (and a narrow model's sums do not overflow anyway): every form here gives the
 * sum of the leaves in order exactly.
 */
final class LaneSums
{
    private LaneSums()
    {
    }

    /**
     * {@code leaf[fromLane] + ... + leaf[toLane - 1]} in four running sums: one running sum is a chain of dependent
     * adds, a cycle each, and JDK 17's C2 does not vectorize a loop that only sums (measured: ~70 of ~390 ns per score
     * of a 255-lane model with one sum, ~27 with four).
     */
    static int range(final int[] leaf, final int fromLane, final int toLane)
    {
        int sum0 = 0;
        int sum1 = 0;
        int sum2 = 0;
        int sum3 = 0;
        int lane = fromLane;
        for (; lane + 3 < toLane; lane += 4)
        {
            sum0 += leaf[lane];
            sum1 += leaf[lane + 1];
            sum2 += leaf[lane + 2];
            sum3 += leaf[lane + 3];
        }
        for (; lane < toLane; lane++)
        {
            sum0 += leaf[lane];
        }
        return (sum0 + sum1) + (sum2 + sum3);
    }

    /**
     * The sum of all {@link RiskModel#TREES_MAX} lanes, folded in halves: each half is added onto the one below it
     * (loops of 128, 64, 32 and 16 independent adds, which the JIT compiles to vector adds, where a running sum is a
     * chain of scalar adds), then the last 16 are summed. Overwrites {@code leaf}. For a model whose lanes beyond its
     * last select to 0 (leaves 0) and whose score is the sum of all of them (no exit marker, one stage).
     */
    static int all(final int[] leaf)
    {
        for (int lane = 0; lane < 128; lane++)
        {
            leaf[lane] += leaf[lane + 128];
        }
        for (int lane = 0; lane < 64; lane++)
        {
            leaf[lane] += leaf[lane + 64];
        }
        for (int lane = 0; lane < 32; lane++)
        {
            leaf[lane] += leaf[lane + 32];
        }
        for (int lane = 0; lane < 16; lane++)
        {
            leaf[lane] += leaf[lane + 16];
        }
        return range(leaf, 0, 16);
    }
}
