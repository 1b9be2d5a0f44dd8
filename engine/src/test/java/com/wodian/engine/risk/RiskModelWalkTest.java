package com.wodian.engine.risk;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The model's evaluation (narrow lanes or the wide walk) scores exactly as the textbook walk over its arrays, and an
 * exit marker stops the walk where its threshold says (and only there).
 */
class RiskModelWalkTest
{
    private static final int FEATURES = RiskFeatures.COUNT;

    /** The textbook walk (with the exit marker's rule), written independently of RiskModel's. */
    private static long reference(final int[] f, final long[] t, final int[] l, final int trees, final long[] x)
    {
        long sum = 0;
        for (int tree = 0; tree < trees; tree++)
        {
            final int node = tree * 3;
            if (f[node] == RiskModel.EXIT_MARKER)
            {
                if (sum < t[node])
                {
                    return sum;
                }
                continue;
            }
            final boolean left = x[f[node]] < t[node];
            final int child = left ? node + 1 : node + 2;
            sum += l[tree * 4 + (left ? 0 : 2) + (x[f[child]] < t[child] ? 0 : 1)];
        }
        return sum;
    }

    private static RiskModel load(final int[] f, final long[] t, final int[] l, final int trees)
    {
        final RiskModel staging = new RiskModel();
        staging.begin(1, trees, Integer.MAX_VALUE, Integer.MAX_VALUE);
        for (int tree = 0; tree < trees; tree++)
        {
            staging.stageTree(f[tree * 3], t[tree * 3], f[tree * 3 + 1], t[tree * 3 + 1], f[tree * 3 + 2],
                t[tree * 3 + 2], l[tree * 4], l[tree * 4 + 1], l[tree * 4 + 2], l[tree * 4 + 3]);
        }
        assertTrue(staging.stagedExitValid());
        final RiskModel model = new RiskModel();
        model.copyFrom(staging);
        return model;
    }

    @Test
    void evaluationScoresAsTheTextbookWalk()
    {
        final SplittableRandom random = new SplittableRandom(42);
        for (int round = 0; round < 50; round++)
        {
            final int trees = 1 + random.nextInt(RiskModel.TREES_MAX);
            final int[] f = new int[trees * 3];
            final long[] t = new long[trees * 3];
            final int[] l = new int[trees * 4];
            for (int i = 0; i < f.length; i++)
            {
                // No group features: one stage, so the whole walk is the individual score too.
                do
                {
                    f[i] = random.nextInt(FEATURES);
                }
                while (RiskFeatures.isGroupFeature(f[i]));
                t[i] = random.nextInt(3) == 0 ? random.nextLong() : random.nextInt(-5, 6);
            }
            for (int i = 0; i < l.length; i++)
            {
                l[i] = random.nextInt(3) == 0 ? random.nextInt() : random.nextInt(-2_000, 2_001);
            }
            final RiskModel model = load(f, t, l, trees);
            final long[] x = new long[FEATURES];
            for (int sample = 0; sample < 200; sample++)
            {
                for (int i = 0; i < FEATURES; i++)
                {
                    x[i] = random.nextInt(4) == 0 ? random.nextLong() : random.nextInt(-6, 7);
                }
                final long expected = Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE,
                    reference(f, t, l, trees, x)));
                assertEquals(expected, model.score(x), "round " + round + " sample " + sample);
                assertEquals(expected, model.individualScore());
            }
        }
    }

    @Test
    void exitMarkerStopsBelowItsThresholdOnly()
    {
        // Tree 0: LOG_AMOUNT < 100 ? -50 : 50; exit at 0; tree 2: FIRST_TIME_PAIR < 1 ? 7 : 1000.
        final int exit = RiskModel.EXIT_MARKER;
        final int[] f = {RiskFeatures.LOG_AMOUNT, 0, 0, exit, 0, 0, RiskFeatures.FIRST_TIME_PAIR, 0, 0};
        final long[] t = {100, Long.MIN_VALUE, Long.MIN_VALUE, 0, 0, 0, 1, Long.MIN_VALUE, Long.MIN_VALUE};
        final int[] l = {0, -50, 0, 50, 0, 0, 0, 0, 0, 7, 0, 1_000};
        final RiskModel model = load(f, t, l, 3);
        final long[] x = new long[FEATURES];
        x[RiskFeatures.FIRST_TIME_PAIR] = 1;
        x[RiskFeatures.LOG_AMOUNT] = 99;
        assertEquals(-50, model.score(x), "below the exit threshold: tree 2 not walked");
        assertEquals(-50, model.individualScore());
        x[RiskFeatures.LOG_AMOUNT] = 100;
        assertEquals(1_050, model.score(x), "at the exit threshold: walked on");
        x[RiskFeatures.FIRST_TIME_PAIR] = 0;
        assertEquals(57, model.score(x));
        assertEquals(model.score(x), reference(f, t, l, 3, x));
    }

    @Test
    void exitMarkerMustBeAnEmptyTreeAmongTheIndividualTrees()
    {
        final int exit = RiskModel.EXIT_MARKER;
        assertTrue(RiskModel.validTree(exit, 0, 0, 0, 0, 0, 0));
        assertFalse(RiskModel.validTree(exit, 0, 0, 0, 1, 0, 0), "a marker adds nothing");
        assertFalse(RiskModel.validTree(exit, exit, 0, 0, 0, 0, 0), "children name features");
        assertFalse(RiskModel.validTree(RiskFeatures.COUNT, 0, 0, 0, 0, 0, 0));
        assertTrue(RiskModel.validTree(RiskFeatures.COUNT - 1, 0, 0, 5, 0, 0, 0));

        final RiskModel staging = new RiskModel();
        staging.begin(1, 3, 0, 0);
        staging.stageTree(RiskFeatures.MERCHANT_SUSPICIOUS_SHARE, 1, 0, 0, 0, 0, 1, 1, 1, 1);
        staging.stageTree(exit, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        assertFalse(staging.stagedExitValid(), "after the first group tree");
        staging.resetStaging();
        staging.begin(1, 3, 0, 0);
        staging.stageTree(exit, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        staging.stageTree(RiskFeatures.LOG_AMOUNT, 1, 0, 0, 0, 0, 1, 1, 1, 1);
        assertTrue(staging.stagedExitValid());
        staging.stageTree(exit, 0, 0, 0, 0, 0, 0, 0, 0, 0);
        assertFalse(staging.stagedExitValid(), "two markers");
    }
}
