package com.wodian.perf.riskmodel;

import com.wodian.engine.Engine;
import com.wodian.protocol.sbe.RiskMode;

import java.io.PrintStream;
import java.util.Arrays;
import java.util.function.LongFunction;

/**
 * {@code wodian risk-train}: runs the training seeds' worlds through the engine with the hand rules in shadow and no
 * model (features captured), trains boosted trees on their decisions, then picks the decline score on the tuning
 * seeds' decisions: the lowest score at which legitimate payments declined stay at or under the FPR budget overall
 * and in every trade. The held-out seeds are never seen here.
 */
public final class ModelTraining
{
    /** Names of features left out of training on request (ablations): {@code -Dwodian.risk.train.exclude=A,B}. */
    static final String EXCLUDE_PROPERTY = "wodian.risk.train.exclude";
    /** The bound on every leaf, in logits, on request: {@code -Dwodian.risk.train.maxLeafLogits=12} (unset: none). */
    static final String MAX_LEAF_PROPERTY = "wodian.risk.train.maxLeafLogits";

    /** {@link RiskTrainer#maxLeafLogits} from {@link #MAX_LEAF_PROPERTY}; 0 (no bound) when it is not set. */
    static double maxLeafLogits()
    {
        final double logits = Double.parseDouble(System.getProperty(MAX_LEAF_PROPERTY, "0"));
        if (!(logits >= 0))
        {
            throw new IllegalArgumentException(MAX_LEAF_PROPERTY + " must be >= 0: " + logits);
        }
        return logits;
    }

    /**
     * Features the trainer may not use: strikes exist only once something enforces, so training would not see them;
     * and those named in {@link #EXCLUDE_PROPERTY} (to measure what a feature adds).
     */
    static boolean[] excludedFeatures()
    {
        final boolean[] excluded = new boolean[Engine.riskFeatureNames().length];
        final String[] names = Engine.riskFeatureNames();
        final java.util.List<String> requested = java.util.Arrays.asList(
            System.getProperty(EXCLUDE_PROPERTY, "").split(","));
        for (int f = 0; f < names.length; f++)
        {
            excluded[f] = names[f].equals("CONSUMER_STRIKES_24H") || requested.contains(names[f]);
        }
        return excluded;
    }

    /**
     * Runs each seed's world with the rules in shadow and no model; with a cache directory, a seed's decisions are
     * read from {@code <cache>/<name>-<seed>-<digest>.l.bin} when there and written there otherwise, the digest being
     * the first 16 hex digits of the world's {@link LabelledWorld#digest()}: a world that feeds other commands (a
     * generator change, other knobs) has another file. The engine's code is not in the key: after a change to how a
     * feature is computed, use a fresh cache directory.
     */
    public static RiskDataset collect(final LongFunction<LabelledWorld> world, final long[] seeds,
        final java.nio.file.Path cache, final String name, final PrintStream log) throws java.io.IOException
    {
        return collect(world, seeds, cache, name, null, log);
    }

    /**
     * As above, with {@code model} (null: none) loaded and enforced as the active model, so the group features that
     * learn from the active model's scores (features 53-56) are filled: the second pass of a two-pass training.
     */
    public static RiskDataset collect(final LongFunction<LabelledWorld> world, final long[] seeds,
        final java.nio.file.Path cache, final String name, final TreeModel model, final PrintStream log)
        throws java.io.IOException
    {
        return collect(world, seeds, cache, name, model, 0, log);
    }

    /**
     * As above; with {@code warmUpRowEvery} &gt; 0, every n-th risk decision of each world's warm-up before its week
     * ({@link LabelledWorld#run(RiskMode, TreeModel, int)}) follows all the week's rows as a legitimate row marked
     * {@link RiskDataset#warmUp}, cached beside the week's capture as {@code <week file>.w<n>.bin}. The week's rows,
     * and their order, are those of {@code warmUpRowEvery} 0, which adds nothing.
     */
    public static RiskDataset collect(final LongFunction<LabelledWorld> world, final long[] seeds,
        final java.nio.file.Path cache, final String name, final TreeModel model, final int warmUpRowEvery,
        final PrintStream log) throws java.io.IOException
    {
        final RiskDataset all = new RiskDataset(Engine.riskFeatureNames().length);
        final RiskDataset warmUp = new RiskDataset(all.featureCount);
        for (final long seed : seeds)
        {
            final long start = System.nanoTime();
            final LabelledWorld labelled = world.apply(seed);
            final java.nio.file.Path file = cache == null ? null :
                cache.resolve(name + "-" + seed + "-" + labelled.digest().substring(0, 16) + ".l.bin");
            final java.nio.file.Path warmFile = file == null || warmUpRowEvery == 0 ? null :
                file.resolveSibling(file.getFileName() + ".w" + warmUpRowEvery + ".bin");
            final RiskDataset cached = readIfThere(file, all.featureCount);
            final RiskDataset cachedWarm = warmUpRowEvery == 0 ? new RiskDataset(all.featureCount) :
                readIfThere(warmFile, all.featureCount);
            if (cached != null && cachedWarm != null)
            {
                all.addAll(cached);
                warmUp.addAll(cachedWarm, true);
                log.printf("seed %d: %d decisions (%d abusive) from %s%s%n", seed, cached.size, count(cached), file,
                    warmUpRowEvery == 0 ? "" : ", " + cachedWarm.size + " warm-up rows");
                continue;
            }
            final ModelRun run = labelled.run(RiskMode.SHADOW, model, warmUpRowEvery);
            if (file != null)
            {
                java.nio.file.Files.createDirectories(cache);
                run.decisions.write(file);
                if (warmFile != null)
                {
                    run.warmUpDecisions.write(warmFile);
                }
            }
            all.addAll(run.decisions);
            warmUp.addAll(run.warmUpDecisions, true);
            log.printf("seed %d: %d decisions (%d abusive) in %.1f s%s%n", seed, run.decisions.size,
                count(run.decisions), (System.nanoTime() - start) / 1e9,
                warmUpRowEvery == 0 ? "" : ", " + run.warmUpDecisions.size + " warm-up rows");
        }
        all.addAll(warmUp, true);
        return all;
    }

    /** The capture in {@code file} when there (with {@code featureCount} features); null otherwise. */
    private static RiskDataset readIfThere(final java.nio.file.Path file, final int featureCount)
        throws java.io.IOException
    {
        if (file == null || !java.nio.file.Files.exists(file))
        {
            return null;
        }
        final RiskDataset cached = RiskDataset.read(file);
        return cached.featureCount == featureCount ? cached : null;
    }

    static long count(final RiskDataset data)
    {
        long count = 0;
        for (int i = 0; i < data.size; i++)
        {
            count += data.abusive[i] ? 1 : 0;
        }
        return count;
    }

    public static TreeModel train(final RiskDataset train, final int trees, final double learningRate,
        final long version)
    {
        return train(train, trees, learningRate, version, 1.0, 20);
    }

    public static TreeModel train(final RiskDataset train, final int trees, final double learningRate,
        final long version, final double carefulWeight, final int legitPerAbusive)
    {
        return train(train, trees, learningRate, version, carefulWeight, legitPerAbusive, 0);
    }

    /** {@code kindBalance}: see {@link RiskTrainer#kindBalance}. */
    public static TreeModel train(final RiskDataset train, final int trees, final double learningRate,
        final long version, final double carefulWeight, final int legitPerAbusive, final double kindBalance)
    {
        return train(train, trees, learningRate, version, carefulWeight, legitPerAbusive, kindBalance, 0);
    }

    /** {@code lookAlikeBalance}: see {@link RiskTrainer#lookAlikeBalance}. */
    public static TreeModel train(final RiskDataset train, final int trees, final double learningRate,
        final long version, final double carefulWeight, final int legitPerAbusive, final double kindBalance,
        final double lookAlikeBalance)
    {
        return train(train, trees, learningRate, version, carefulWeight, legitPerAbusive, kindBalance,
            lookAlikeBalance, null);
    }

    /** {@code classWeights}: see {@link RiskTrainer#classWeights}; {@code null} for none. */
    public static TreeModel train(final RiskDataset train, final int trees, final double learningRate,
        final long version, final double carefulWeight, final int legitPerAbusive, final double kindBalance,
        final double lookAlikeBalance, final double[] classWeights)
    {
        return train(train, trees, learningRate, version, carefulWeight, legitPerAbusive, kindBalance,
            lookAlikeBalance, classWeights, 1.0);
    }

    /** {@code warmUpWeight}: see {@link RiskTrainer#warmUpWeight} (it weighs only rows {@link #collect} marked). */
    public static TreeModel train(final RiskDataset train, final int trees, final double learningRate,
        final long version, final double carefulWeight, final int legitPerAbusive, final double kindBalance,
        final double lookAlikeBalance, final double[] classWeights, final double warmUpWeight)
    {
        return new RiskTrainer(trees, learningRate, excludedFeatures(), carefulWeight).kindBalance(kindBalance)
            .lookAlikeBalance(lookAlikeBalance).classWeights(classWeights).maxLeafLogits(maxLeafLogits())
            .warmUpWeight(warmUpWeight).train(train, version, legitPerAbusive, version);
    }

    /**
     * Second pass: trees that continue boosting from {@code first}'s scores on decisions captured with {@code first}
     * enforced (the group features filled), appended to {@code first}'s trees. The engine's individual score (trees
     * before the first group tree) is then {@code first}'s score, so {@code first}'s flag score is kept: it decides
     * the flag and what counts as suspicious for the group features, exactly as when the decisions were captured.
     */
    /** MERCHANT_SUSPICIOUS_SHARE: the first group feature (the engine starts the group trees at a tree testing one). */
    static final int GROUP_MARKER_FEATURE = 53;

    public static TreeModel continueWith(final TreeModel first, final RiskDataset train, final int trees,
        final double learningRate, final long version, final double carefulWeight, final int legitPerAbusive)
    {
        return continueWith(first, train, trees, learningRate, version, carefulWeight, legitPerAbusive, 0);
    }

    public static TreeModel continueWith(final TreeModel first, final RiskDataset train, final int trees,
        final double learningRate, final long version, final double carefulWeight, final int legitPerAbusive,
        final double kindBalance)
    {
        return continueWith(first, train, trees, learningRate, version, carefulWeight, legitPerAbusive, kindBalance,
            0);
    }

    public static TreeModel continueWith(final TreeModel first, final RiskDataset train, final int trees,
        final double learningRate, final long version, final double carefulWeight, final int legitPerAbusive,
        final double kindBalance, final double lookAlikeBalance)
    {
        return continueWith(first, train, trees, learningRate, version, carefulWeight, legitPerAbusive, kindBalance,
            lookAlikeBalance, 1.0);
    }

    /** {@code warmUpWeight}: see {@link RiskTrainer#warmUpWeight}. */
    public static TreeModel continueWith(final TreeModel first, final RiskDataset train, final int trees,
        final double learningRate, final long version, final double carefulWeight, final int legitPerAbusive,
        final double kindBalance, final double lookAlikeBalance, final double warmUpWeight)
    {
        final TreeModel more = new RiskTrainer(trees, learningRate, excludedFeatures(), carefulWeight)
            .kindBalance(kindBalance).lookAlikeBalance(lookAlikeBalance).maxLeafLogits(maxLeafLogits())
            .warmUpWeight(warmUpWeight).train(train, version, legitPerAbusive, version, first);
        // A marker tree (tests a group feature, adds 0) ends the individual trees exactly where first's end.
        final int n = first.treeCount() + 1;
        final int m = more.treeCount();
        final int[] features = java.util.Arrays.copyOf(first.features, (n + m) * 3);
        final long[] thresholds = java.util.Arrays.copyOf(first.thresholds, (n + m) * 3);
        final int[] leaves = java.util.Arrays.copyOf(first.leaves, (n + m) * 4);
        java.util.Arrays.fill(features, (n - 1) * 3, n * 3, GROUP_MARKER_FEATURE);
        System.arraycopy(more.features, 0, features, n * 3, m * 3);
        System.arraycopy(more.thresholds, 0, thresholds, n * 3, m * 3);
        System.arraycopy(more.leaves, 0, leaves, n * 4, m * 4);
        return new TreeModel(version, first.declineScore, first.flagScore, features, thresholds, leaves);
    }

    /**
     * Sets the model's decline score to the lowest score that keeps legitimate payments declined at or under
     * {@code fprBudget} overall and {@code tradeFprBudget} in every trade on the tuning decisions, and its flag score
     * at the score 1% of legitimate payments reach.
     */
    public static void tune(final TreeModel model, final RiskDataset tune, final double fprBudget,
        final double tradeFprBudget)
    {
        final long[] x = new long[tune.featureCount];
        final long[][] byTrade = new long[16][];
        final int[] counts = new int[16];
        long[] all = new long[tune.size];
        int n = 0;
        for (int i = 0; i < tune.size; i++)
        {
            if (!tune.abusive[i] && tune.payment[i])
            {
                all[n++] = model.score(tune.row(i, x));
                counts[tune.trade[i] & 15]++;
            }
        }
        all = Arrays.copyOf(all, n);
        for (int t = 0; t < 16; t++)
        {
            byTrade[t] = new long[counts[t]];
            counts[t] = 0;
        }
        for (int i = 0; i < tune.size; i++)
        {
            if (!tune.abusive[i] && tune.payment[i])
            {
                final int t = tune.trade[i] & 15;
                byTrade[t][counts[t]++] = model.score(tune.row(i, x));
            }
        }
        long decline = above(all, fprBudget);
        for (int t = 0; t < 16; t++)
        {
            if (byTrade[t].length > 0)
            {
                decline = Math.max(decline, above(byTrade[t], tradeFprBudget));
            }
        }
        model.declineScore = (int)Math.min(Integer.MAX_VALUE, decline);
        model.flagScore = (int)Math.min(model.declineScore, above(all, 0.01));
    }

    /**
     * As {@link #tune}, but a decline score per trade (offset trees appended, see {@link TradeThresholds}): the
     * returned model replaces the given one. The flag score is the score 1% of legitimate payments reach.
     */
    public static TreeModel tunePerTrade(final TreeModel model, final RiskDataset tune, final double fprBudget,
        final double tradeFprBudget)
    {
        final TreeModel tuned = TradeThresholds.apply(model, tune, fprBudget, tradeFprBudget);
        final long[] x = new long[tune.featureCount];
        long[] all = new long[tune.size];
        int n = 0;
        for (int i = 0; i < tune.size; i++)
        {
            if (!tune.abusive[i] && tune.payment[i])
            {
                all[n++] = tuned.score(tune.row(i, x));
            }
        }
        tuned.flagScore = (int)Math.min(tuned.declineScore, above(Arrays.copyOf(all, n), 0.01));
        return tuned;
    }

    /** Recall per kind and variant and FPR on decisions scored offline with the model (no engine feedback). */
    public static void report(final TreeModel model, final RiskDataset data, final String[] kindNames,
        final PrintStream out)
    {
        final long[] x = new long[data.featureCount];
        final boolean[] declined = new boolean[data.size];
        for (int i = 0; i < data.size; i++)
        {
            declined[i] = model.score(data.row(i, x)) >= model.declineScore;
        }
        new Scorecard(kindNames, data, declined, new long[data.size]).print(out);
    }

    /** The lowest integer score s such that at most {@code budget} of the values are >= s. */
    static long above(final long[] values, final double budget)
    {
        final long[] sorted = values.clone();
        Arrays.sort(sorted);
        final int allowed = (int)Math.floor(budget * sorted.length);
        // The (allowed + 1)-th largest value must be below s.
        final int index = sorted.length - allowed - 1;
        return index < 0 ? Long.MIN_VALUE + 1 : sorted[index] + 1;
    }
}
