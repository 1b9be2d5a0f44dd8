package com.wodian.perf.riskmodel;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Per-trade decline scores as offset trees: on the tuning decisions every trade stays within its FPR budget and the
 * whole within the overall one, and the budget goes where it catches most (here the trade whose abuse scores lower).
 */
class TradeThresholdsTest
{
    private static final int FEATURES = 59;

    /** score = x[0] for x[0] in 0..100: 100 trees "x[0] < k ? 0 : 1". */
    private static TreeModel identity()
    {
        final int trees = 100;
        final int[] features = new int[trees * 3];
        final long[] thresholds = new long[trees * 3];
        final int[] leaves = new int[trees * 4];
        for (int t = 0; t < trees; t++)
        {
            java.util.Arrays.fill(thresholds, t * 3, t * 3 + 3, t + 1);
            leaves[t * 4 + 2] = 1;
            leaves[t * 4 + 3] = 1;
        }
        return new TreeModel(1, Integer.MAX_VALUE, Integer.MAX_VALUE, features, thresholds, leaves);
    }

    @Test
    void eachTradeWithinItsBudgetAndTheBudgetWhereItCatches()
    {
        final RiskDataset tune = new RiskDataset(FEATURES);
        final SplittableRandom random = new SplittableRandom(7);
        final long[] x = new long[FEATURES];
        for (int trade = 1; trade <= 2; trade++)
        {
            x[TradeThresholds.TRADE_FEATURE] = trade;
            for (int i = 0; i < 2_000; i++)
            {
                x[0] = random.nextInt(trade == 1 ? 90 : 100);
                tune.add(x, false, 0, 0, true, trade);
            }
            for (int i = 0; i < 200; i++)
            {
                x[0] = trade == 1 ? 95 + random.nextInt(5) : 60 + random.nextInt(40);
                tune.add(x, true, 1, 2, true, trade);
            }
        }
        final TreeModel model = TradeThresholds.apply(identity(), tune, 0.01, 0.015);   // 40 overall, 30 a trade
        assertTrue(model.treeCount() <= 100 + 16);
        final int[] legitDeclined = new int[3];
        final int[] abuseCaught = new int[3];
        for (int i = 0; i < tune.size; i++)
        {
            final boolean declined = model.score(tune.row(i, x)) >= model.declineScore;
            if (tune.abusive[i])
            {
                abuseCaught[tune.trade[i]] += declined ? 1 : 0;
            }
            else
            {
                legitDeclined[tune.trade[i]] += declined ? 1 : 0;
            }
        }
        assertEquals(0, legitDeclined[1], "trade 1: its own score, above all its legitimate payments");
        assertEquals(200, abuseCaught[1], "... and below all its abuse (95-99)");
        assertTrue(legitDeclined[2] > 0 && legitDeclined[2] <= 30, "trade 2 within 1.5%: " + legitDeclined[2]);
        assertTrue(legitDeclined[1] + legitDeclined[2] <= 40, "overall 1%");
        assertTrue(abuseCaught[2] > 0 && abuseCaught[2] < 200, "trade 2 caught what its budget buys");
    }
}
