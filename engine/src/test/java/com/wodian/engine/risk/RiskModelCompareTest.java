package com.wodian.engine.risk;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The model's branch-free node test agrees with {@code x < threshold} everywhere, overflow included. */
class RiskModelCompareTest
{
    @Test
    void atOrAboveIsTheNegationOfLessThan()
    {
        final long[] edges = {Long.MIN_VALUE, Long.MIN_VALUE + 1, -1_000, -1, 0, 1, 1_000, Long.MAX_VALUE - 1,
            Long.MAX_VALUE};
        for (final long x : edges)
        {
            for (final long t : edges)
            {
                assertEquals(x < t ? 0 : 1, RiskModel.atOrAbove(x, t), x + " vs " + t);
            }
        }
        final SplittableRandom random = new SplittableRandom(13);
        for (int i = 0; i < 100_000; i++)
        {
            final long x = random.nextLong();
            final long t = i % 2 == 0 ? random.nextLong() : x + random.nextInt(-3, 4);
            assertEquals(x < t ? 0 : 1, RiskModel.atOrAbove(x, t), x + " vs " + t);
        }
    }
}
