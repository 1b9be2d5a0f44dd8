package com.wodian.perf.riskmodel;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The kind balance of the trainer's weights: rare kinds weigh more, the total abusive weight is kept. */
class RiskTrainerTest
{
    private static final int BLATANT = 1;
    private static final int CAREFUL = 2;

    /** 90 blatant decisions of kind 1, 10 careful of kind 2, 100 legitimate. */
    private static RiskDataset data()
    {
        final RiskDataset data = new RiskDataset(1);
        final long[] x = new long[1];
        for (int i = 0; i < 200; i++)
        {
            final boolean abusive = i < 100;
            data.add(x, abusive, !abusive ? 0 : i < 90 ? 1 : 2, !abusive ? 0 : i < 90 ? BLATANT : CAREFUL, true, 1);
        }
        return data;
    }

    private static double[] weights(final double carefulWeight, final double power)
    {
        final RiskDataset data = data();
        final int[] rows = new int[data.size];
        for (int i = 0; i < rows.length; i++)
        {
            rows[i] = i;
        }
        return new RiskTrainer(1, 0.1, new boolean[1], carefulWeight).kindBalance(power).abusiveWeights(data, rows);
    }

    @Test
    void classWeightMultipliesOneKindAndVariantOnly()
    {
        final RiskDataset data = data();
        final int[] rows = new int[data.size];
        for (int i = 0; i < rows.length; i++)
        {
            rows[i] = i;
        }
        final double[] w = new RiskTrainer(1, 0.1, new boolean[1], 2.0).classWeight(2, CAREFUL, 3.0)
            .abusiveWeights(data, rows);
        assertEquals(1.0, w[0], 1e-9, "kind 1 blatant keeps its weight");
        assertEquals(6.0, w[95], 1e-9, "kind 2 careful: careful weight 2 times class weight 3");
        final double[] balanced = new RiskTrainer(1, 0.1, new boolean[1], 1.0).classWeight(2, CAREFUL, 3.0)
            .kindBalance(1.0).abusiveWeights(data, rows);
        assertEquals(3.0 * 90 * balanced[0], 10 * balanced[95], 1e-9, "the balance, then the class weight");
        assertEquals(90 + 10 * 3.0, 90 * balanced[0] + 10 * balanced[95], 1e-9, "the weighted total is kept");
        final double[] same = new RiskTrainer(1, 0.1, new boolean[1], 1.0).classWeight(1, CAREFUL, 5.0)
            .abusiveWeights(data, rows);
        assertEquals(1.0, same[0], 1e-9, "a class with no decisions changes nothing");
        assertEquals(1.0, same[95], 1e-9);
    }

    @Test
    void balanceOffKeepsTheCarefulWeight()
    {
        final double[] w = weights(2.0, 0);
        assertEquals(1.0, w[0], 1e-9);
        assertEquals(2.0, w[95], 1e-9);
        assertEquals(0.0, w[150], 1e-9, "legitimate rows are weighted elsewhere");
    }

    @Test
    void fullBalanceGivesEachKindAndVariantTheSameTotalWeight()
    {
        final double[] w = weights(1.0, 1.0);
        assertEquals(90 * w[0], 10 * w[95], 1e-9);
        assertEquals(100.0, 90 * w[0] + 10 * w[95], 1e-9, "total abusive weight kept");
    }

    @Test
    void squareRootBalanceIsBetween()
    {
        final double[] w = weights(1.0, 0.5);
        assertEquals(3.0, w[95] / w[0], 1e-9, "sqrt(90 / 10)");
        assertEquals(100.0, 90 * w[0] + 10 * w[95], 1e-9);
    }

    @Test
    void rareLookAlikesWeighMoreAndCommonOnesStayAtOne()
    {
        // 100 abusive, 1,000 ordinary legitimate, 300 of look-alike 5, 20 of look-alike 7.
        final RiskDataset data = new RiskDataset(1);
        final long[] x = new long[1];
        for (int i = 0; i < 1_420; i++)
        {
            final boolean abusive = i < 100;
            final int lookAlike = i >= 1_100 && i < 1_400 ? 5 : i >= 1_400 ? 7 : 0;
            data.add(x, abusive, abusive ? 1 : 0, abusive ? BLATANT : 0, true, 1, lookAlike);
        }
        final int[] rows = new int[]{0, 100, 101, 1_100, 1_400};
        final double[] w = new double[rows.length];
        new RiskTrainer(1, 0.1, new boolean[1], 1.0).lookAlikeBalance(1.0).legitWeights(data, rows, w);
        assertEquals(0.0, w[0], 1e-9, "abusive rows untouched");
        assertEquals(1_000 / 2.0, w[1], 1e-9, "two ordinary rows sampled stand for the 1,000");
        assertEquals(1.0, w[3], 1e-9, "the common look-alike: above the mean count (160)");
        assertEquals(160 / 20.0, w[4], 1e-9, "the rare one: mean count / its count");
    }

    /**
     * A few heavily weighted rows the model scores as certain, and wrongly, give a Newton step of about their weight
     * times the learning rate (h floored near 0): the bound keeps every leaf within +-maxLeafLogits; without it the
     * leaf is left as the step (thousands of logits), and a bound of 0 changes nothing.
     */
    @Test
    void maxLeafLogitsBoundsEveryLeafAndZeroChangesNothing()
    {
        final double[] leafG = {-5_000, 5_000, 0.5, -2};
        final double[] leafH = {0.005, 0.005, 10, 3};
        final int[] free = new int[4];
        final int[] zero = new int[4];
        final int[] bounded = new int[4];
        new RiskTrainer(1, 0.3, new boolean[1], 1.0).leafValues(leafG, leafH, 0, free, 0);
        new RiskTrainer(1, 0.3, new boolean[1], 1.0).maxLeafLogits(0).leafValues(leafG, leafH, 0, zero, 0);
        new RiskTrainer(1, 0.3, new boolean[1], 1.0).maxLeafLogits(12).leafValues(leafG, leafH, 0, bounded, 0);
        assertTrue(free[0] > 1_000_000 && free[1] < -1_000_000, "without a bound the step is left as it is: " +
            java.util.Arrays.toString(free));
        assertArrayEquals(free, zero, "a bound of 0 is no bound");
        assertArrayEquals(new int[]{12_000, -12_000, free[2], free[3]}, bounded, "only the giant leaves are cut");

        final RiskDataset data = data();
        final TreeModel plain = new RiskTrainer(8, 0.3, new boolean[1], 1.0).train(data, 1, 10, 1);
        final TreeModel unbounded = new RiskTrainer(8, 0.3, new boolean[1], 1.0).maxLeafLogits(0)
            .train(data, 1, 10, 1);
        assertArrayEquals(plain.leaves, unbounded.leaves, "a bound of 0 trains the same trees");
        assertArrayEquals(plain.thresholds, unbounded.thresholds);
    }
}
