package com.wodian.perf.riskmodel;

import com.wodian.perf.riskworld.LabelledCommands;
import com.wodian.perf.riskworld.ParameterRange;
import com.wodian.perf.riskworld.RiskWorld;
import com.wodian.perf.riskworld.RiskWorldTemplates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code risk-train --warm-up-rows N}: every N-th risk decision of a world's warm-up (the honest weeks before its
 * week, LabelledCommands.warmUp) becomes a legitimate training row after the week's rows, weighed by
 * {@code --warm-up-weight}; without it the training set, its sample and its weights are what they were.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class WarmUpRowsTest
{
    private static final int EVERY = 50;

    @Test
    void theOptionAddsEveryNthWarmUpDecisionAsALegitimateRowAfterTheWeeksRowsUnchanged() throws Exception
    {
        final long[] seeds = {1};   // a spent TRAINING seed
        final LongFunction<LabelledWorld> worlds = Worlds.byName("riskworld", false, 20_000, 3);
        final PrintStream log = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        final RiskDataset week = ModelTraining.collect(worlds, seeds, null, "w", null, log);
        final RiskDataset with = ModelTraining.collect(worlds, seeds, null, "w", null, EVERY, log);
        final RiskDataset without = ModelTraining.collect(worlds, seeds, null, "w", null, 0, log);

        assertEquals(week.size, without.size, "without the option: the week's rows alone");
        assertArrayEquals(Arrays.copyOf(week.features, week.size * week.featureCount),
            Arrays.copyOf(without.features, without.size * without.featureCount));
        assertFalse(anyWarmUp(without, 0, without.size), "no row is marked warm-up without the option");

        final long warmUpPayments = warmUpPayments(1);
        final int added = with.size - week.size;
        assertTrue(added >= warmUpPayments / EVERY && added <= warmUpPayments / EVERY * 11 / 10 + 1,
            added + " warm-up rows for " + warmUpPayments + " warm-up payments, one in " + EVERY);
        assertArrayEquals(Arrays.copyOf(week.features, week.size * week.featureCount),
            Arrays.copyOf(with.features, week.size * week.featureCount), "the week's rows first, as they were");
        assertArrayEquals(Arrays.copyOf(week.abusive, week.size), Arrays.copyOf(with.abusive, week.size));
        assertFalse(anyWarmUp(with, 0, week.size), "the week's rows are not warm-up rows");
        for (int i = week.size; i < with.size; i++)
        {
            assertTrue(with.warmUp[i] && !with.abusive[i] && with.kind[i] == 0,
                "row " + i + ": a legitimate warm-up row");
        }
        assertTrue(with.payment[week.size], "the warm-up's first risk decision is a payment");
    }

    /** The week's rows keep their sample and their weights; warm-up rows weigh an ordinary row's times the weight. */
    @Test
    void warmUpRowsLeaveTheWeeksSampleAndWeightsAndWeighTheirOwn()
    {
        final RiskDataset week = dataset(0);
        final RiskDataset withWarmUp = dataset(4_000);
        final int[] weekRows = RiskTrainer.sample(week, 5, 7, true);
        final int[] rows = RiskTrainer.sample(withWarmUp, 5, 7, true);
        assertArrayEquals(weekRows, Arrays.copyOf(rows, weekRows.length), "the week's sample is unchanged");
        final int warmSampled = rows.length - weekRows.length;
        assertTrue(warmSampled > 4_000 * 500 / 2_000 * 8 / 10 && warmSampled < 4_000 * 500 / 2_000 * 12 / 10,
            warmSampled + " warm-up rows sampled at the week's ordinary rate (500 of 2,000)");

        final double[] weekWeights = new double[weekRows.length];
        final double[] weights = new double[rows.length];
        new RiskTrainer(1, 0.1, new boolean[1], 1.0).lookAlikeBalance(1).legitWeights(week, weekRows, weekWeights);
        new RiskTrainer(1, 0.1, new boolean[1], 1.0).lookAlikeBalance(1).warmUpWeight(3)
            .legitWeights(withWarmUp, rows, weights);
        assertArrayEquals(weekWeights, Arrays.copyOf(weights, weekRows.length), 1e-12, "the week's weights unchanged");
        int ordinaryRow = 0;
        while (week.abusive[weekRows[ordinaryRow]] || week.lookAlike[weekRows[ordinaryRow]] != 0)
        {
            ordinaryRow++;
        }
        final double ordinary = weekWeights[ordinaryRow];
        assertTrue(ordinary > 1, "an ordinary week row stands for several: " + ordinary);
        for (int i = weekRows.length; i < rows.length; i++)
        {
            assertEquals(3 * ordinary, weights[i], 1e-9, "a warm-up row (look-alike or not): 3 ordinary rows");
        }
    }

    /** 100 abusive rows, 2,000 legitimate (every tenth a look-alike), then {@code warmUp} warm-up rows. */
    private static RiskDataset dataset(final int warmUp)
    {
        final RiskDataset data = new RiskDataset(1);
        final RiskDataset warm = new RiskDataset(1);
        final long[] x = new long[1];
        for (int i = 0; i < 2_100; i++)
        {
            final boolean abusive = i < 100;
            data.add(x, abusive, abusive ? 1 : 0, abusive ? 1 : 0, true, 1, !abusive && i % 10 == 0 ? 3 : 0);
        }
        for (int i = 0; i < warmUp; i++)
        {
            warm.add(x, false, 0, 0, true, 1, i % 10 == 0 ? 3 : 0);
        }
        data.addAll(warm, true);
        return data;
    }

    private static boolean anyWarmUp(final RiskDataset data, final int from, final int to)
    {
        for (int i = from; i < to; i++)
        {
            if (data.warmUp[i])
            {
                return true;
            }
        }
        return false;
    }

    private static long warmUpPayments(final long seed)
    {
        long payments = 0;
        final LabelledCommands commands = RiskWorld.generate(seed, ParameterRange.TRAINING).cursor();
        while (commands.next())
        {
            final int template = commands.templateId();
            final boolean payment = template == RiskWorldTemplates.PAY || template == RiskWorldTemplates.TRY;
            payments += commands.warmUp() && payment ? 1 : 0;
        }
        return payments;
    }
}
