package com.wodian.perf.riskmodel;

import java.io.PrintStream;
import java.util.Arrays;

/**
 * Picks a model's early exit (docs/risk.md, "Early exit"): a marker after the first {@code exitTrees} trees, whose
 * threshold is the lowest partial score (the sum of those trees) of any tuning decision the model flags or declines,
 * less a margin. A payment below it cannot have been one of those hits on the tuning worlds, so stopping there
 * changes (almost) no decision and spares the walk of every later tree for most payments. The tuning decisions should
 * be captured with the model enforced, so the group features (and so the group trees' declines) are as in service.
 */
public final class ModelExit
{
    private ModelExit()
    {
    }

    public static TreeModel add(final TreeModel model, final RiskDataset tune, final int exitTrees, final long margin,
        final PrintStream log)
    {
        final int individual = model.individualTrees();
        if (exitTrees < 1 || exitTrees >= individual || model.treeCount() + 1 > 256 || hasExit(model))
        {
            throw new IllegalArgumentException("exit after 1.." + (individual - 1) + " trees of a model with at most " +
                "255 trees and no exit yet");
        }
        final long[] x = new long[tune.featureCount];
        final long[] partial = new long[tune.size];
        final long[] hitPartials = new long[tune.size];
        int hits = 0;
        for (int i = 0; i < tune.size; i++)
        {
            tune.row(i, x);
            partial[i] = model.score(x, exitTrees);
            if (model.score(x, individual) >= model.flagScore || model.score(x) >= model.declineScore)
            {
                hitPartials[hits++] = partial[i];
            }
        }
        survey(model, tune, log);
        final long[] sortedHits = Arrays.copyOf(hitPartials, hits);
        Arrays.sort(sortedHits);
        // No hit on the tuning worlds: no evidence where a hit could start, so the exit never stops.
        final long lowest = hits == 0 ? Long.MIN_VALUE + margin : sortedHits[0];
        log.printf("early exit after %d trees: %d tuning decisions, %d hits (flag or decline), lowest partial score " +
            "of a hit %d%n", exitTrees, tune.size, hits, lowest);
        for (final long m : new long[]{0, margin / 2, margin, margin * 2})
        {
            log.printf("  threshold %d (margin %d): %.2f%% of decisions stop at the exit%n", lowest - m, m,
                100.0 * below(partial, lowest - m) / Math.max(1, tune.size));
        }
        return model.withExitBefore(exitTrees, lowest - margin);
    }

    /** For tools choosing {@code exitTrees}: the share of decisions that would stop after k trees, for several k. */
    public static void survey(final TreeModel model, final RiskDataset tune, final PrintStream log)
    {
        final int individual = model.individualTrees();
        final long[] x = new long[tune.featureCount];
        final boolean[] hit = new boolean[tune.size];
        for (int i = 0; i < tune.size; i++)
        {
            tune.row(i, x);
            hit[i] = model.score(x, individual) >= model.flagScore || model.score(x) >= model.declineScore;
        }
        for (int k = 8; k < individual; k += k < 32 ? 8 : 16)
        {
            final long[] partial = new long[tune.size];
            final long[] hitPartials = new long[tune.size];
            int hits = 0;
            for (int i = 0; i < tune.size; i++)
            {
                partial[i] = model.score(tune.row(i, x), k);
                if (hit[i])
                {
                    hitPartials[hits++] = partial[i];
                }
            }
            final long[] sorted = Arrays.copyOf(hitPartials, hits);
            Arrays.sort(sorted);
            if (hits == 0)
            {
                log.printf("after %3d trees: no hit on the tuning decisions%n", k);
                continue;
            }
            log.printf("after %3d trees: lowest hit %6d, stop %.1f%% (margin 0) %.1f%% (margin 500); " +
                "losing the lowest 0.1%% of hits: %.1f%%, 1%%: %.1f%%%n", k, sorted[0],
                100.0 * below(partial, sorted[0]) / tune.size, 100.0 * below(partial, sorted[0] - 500) / tune.size,
                100.0 * below(partial, sorted[hits / 1000]) / tune.size,
                100.0 * below(partial, sorted[hits / 100]) / tune.size);
        }
    }

    private static boolean hasExit(final TreeModel model)
    {
        for (int tree = 0; tree < model.treeCount(); tree++)
        {
            if (model.features[tree * 3] == TreeModel.EXIT_MARKER)
            {
                return true;
            }
        }
        return false;
    }

    private static long below(final long[] values, final long threshold)
    {
        long count = 0;
        for (final long value : values)
        {
            count += value < threshold ? 1 : 0;
        }
        return count;
    }
}
