package com.wodian.perf.riskmodel;

import java.util.Arrays;

/**
 * A decline score per trade, carried by the model itself: the trades' scores are chosen on the tuning decisions to
 * catch the most abusive decisions for the legitimate payments declined, within the FPR budget overall and in every
 * trade, and then written as one depth-2 tree per trade that adds {@code commonScore - tradeScore} to that trade's
 * score (0 elsewhere), so the engine's single decline score means each trade's own. The offsets are never positive
 * (the common score is the lowest trade score), so they never appear among a decline's reasons.
 */
final class TradeThresholds
{
    static final int TRADES = 16;
    /** The feature id of the merchant's trade (RiskFeatures.TRADE). */
    static final int TRADE_FEATURE = 29;
    /** Legitimate declines a trade may take in one greedy step (looking past plateaus of no gain). */
    private static final int LOOKAHEAD = 25;

    private TradeThresholds()
    {
    }

    /** Sorted descending copy. */
    private static long[] descending(final long[] values, final int n)
    {
        final long[] sorted = Arrays.copyOf(values, n);
        Arrays.sort(sorted);
        for (int i = 0, j = n - 1; i < j; i++, j--)
        {
            final long t = sorted[i];
            sorted[i] = sorted[j];
            sorted[j] = t;
        }
        return sorted;
    }

    /** Abusive decisions at or above {@code score} (abuse sorted descending). */
    private static int caught(final long[] abuse, final long score)
    {
        int lo = 0;
        int hi = abuse.length;
        while (lo < hi)
        {
            final int mid = (lo + hi) >>> 1;
            if (abuse[mid] >= score)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }
        return lo;
    }

    /** The score declining the top {@code k} legitimate payments (ties decline together: k is then a floor). */
    private static long scoreFor(final long[] legit, final int k)
    {
        return k >= legit.length ? Long.MIN_VALUE + 1 : legit[k] + 1;
    }

    /**
     * Picks a score per trade (greedy on caught abuse per legitimate decline) and appends the offset trees to the
     * model; its decline score becomes the lowest trade score. Returns the model with the trees appended.
     */
    static TreeModel apply(final TreeModel model, final RiskDataset tune, final double fprBudget,
        final double tradeFprBudget)
    {
        final long[][] legit = new long[TRADES][tune.size];
        final long[][] abuse = new long[TRADES][tune.size];
        final int[] legitCount = new int[TRADES];
        final int[] abuseCount = new int[TRADES];
        final long[] x = new long[tune.featureCount];
        int legitTotal = 0;
        for (int i = 0; i < tune.size; i++)
        {
            final int t = tune.trade[i] & (TRADES - 1);
            final long score = model.score(tune.row(i, x));
            if (tune.abusive[i])
            {
                abuse[t][abuseCount[t]++] = score;
            }
            else if (tune.payment[i])
            {
                legit[t][legitCount[t]++] = score;
                legitTotal++;
            }
        }
        final int[] cap = new int[TRADES];
        for (int t = 0; t < TRADES; t++)
        {
            legit[t] = descending(legit[t], legitCount[t]);
            abuse[t] = descending(abuse[t], abuseCount[t]);
            cap[t] = (int)Math.floor(tradeFprBudget * legitCount[t]);
        }
        final int[] k = legitDeclinesPerTrade(legit, abuse, cap, (int)Math.floor(fprBudget * legitTotal));
        final long[] score = new long[TRADES];
        long strictest = Long.MIN_VALUE;
        for (int t = 0; t < TRADES; t++)
        {
            if (legitCount[t] > 0)
            {
                score[t] = scoreFor(legit[t], k[t]);
                strictest = Math.max(strictest, score[t]);
            }
        }
        long common = Long.MAX_VALUE;
        for (int t = 0; t < TRADES; t++)
        {
            score[t] = legitCount[t] > 0 ? score[t] : strictest;   // a trade never seen gets the strictest score
            common = Math.min(common, score[t]);
        }
        return withOffsets(model, score, common);
    }

    /**
     * The greedy split of the overall budget of legitimate declines: each step gives the trade with the most abuse
     * caught per legitimate decline (looking up to {@link #LOOKAHEAD} declines ahead) that many more, within its own
     * cap. Returns the legitimate declines each trade's score allows.
     */
    private static int[] legitDeclinesPerTrade(final long[][] legit, final long[][] abuse, final int[] cap,
        final int budgetTotal)
    {
        final int[] k = new int[TRADES];
        int budget = budgetTotal;
        while (budget > 0)
        {
            int bestTrade = -1;
            int bestStep = 0;
            double bestRatio = 0;
            for (int t = 0; t < TRADES; t++)
            {
                final int now = caught(abuse[t], scoreFor(legit[t], k[t]));
                for (int step = 1; step <= LOOKAHEAD && step <= budget && k[t] + step <= cap[t]; step++)
                {
                    final double ratio = (caught(abuse[t], scoreFor(legit[t], k[t] + step)) - now) / (double)step;
                    if (ratio > bestRatio)
                    {
                        bestRatio = ratio;
                        bestTrade = t;
                        bestStep = step;
                    }
                }
            }
            if (bestTrade < 0)
            {
                break;
            }
            k[bestTrade] += bestStep;
            budget -= bestStep;
        }
        return k;
    }

    private static TreeModel withOffsets(final TreeModel model, final long[] score, final long common)
    {
        int extra = 0;
        for (int t = 0; t < TRADES; t++)
        {
            extra += score[t] != common ? 1 : 0;
        }
        final int n = model.treeCount();
        final int[] features = Arrays.copyOf(model.features, (n + extra) * 3);
        final long[] thresholds = Arrays.copyOf(model.thresholds, (n + extra) * 3);
        final int[] leaves = Arrays.copyOf(model.leaves, (n + extra) * 4);
        int tree = n;
        for (int t = 0; t < TRADES; t++)
        {
            if (score[t] == common)
            {
                continue;
            }
            // trade < t: 0 | trade == t: the offset | trade > t: 0
            features[tree * 3] = TRADE_FEATURE;
            thresholds[tree * 3] = t;
            features[tree * 3 + 1] = TRADE_FEATURE;
            thresholds[tree * 3 + 1] = t;
            features[tree * 3 + 2] = TRADE_FEATURE;
            thresholds[tree * 3 + 2] = t + 1;
            leaves[tree * 4 + 2] = (int)Math.max(Integer.MIN_VALUE / 4, common - score[t]);
            tree++;
        }
        final TreeModel withOffsets = new TreeModel(model.version, (int)common, (int)common, features, thresholds,
            leaves);
        return withOffsets;
    }
}
