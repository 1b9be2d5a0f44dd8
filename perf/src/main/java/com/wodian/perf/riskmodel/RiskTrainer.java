package com.wodian.perf.riskmodel;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Gradient-boosted depth-2 trees with logistic loss, our own small implementation (no dependency): features are cut
 * into at most {@link #BINS} quantile bins once, each tree finds its root split and then one split per child from
 * gradient and hessian histograms, leaves are Newton steps shrunk by the learning rate. The model is exported with
 * integer thresholds (the cut values themselves: "x &lt; cut") and leaves in milli-logits, which is exactly what the
 * engine evaluates. Legitimate rows may be subsampled (their weight raised to match), deterministically by seed.
 */
public final class RiskTrainer
{
    static final int BINS = 64;
    private static final double LAMBDA = 1.0;
    private static final double MIN_HESSIAN = 2.0;

    /** The generator's variant ordinal of a careful abuse decision (NONE 0, BLATANT 1, CAREFUL 2). */
    static final int CAREFUL = 2;

    private final int trees;
    private final double learningRate;
    private final boolean[] excluded;
    private final double carefulWeight;
    private double kindBalance;
    private double lookAlikeBalance;
    /** The weight of a warm-up row relative to an ordinary legitimate row of the week, see {@link #warmUpWeight}. */
    private double warmUpWeight = 1.0;
    /** The largest leaf magnitude in logits (0: no bound), see {@link #maxLeafLogits}. */
    private double maxLeafLogits;
    /** Per kind and variant ({@link #classOf}): a multiplier of the abusive weight, 1 unless set. */
    private final double[] classWeights = filled(256 * 4, 1.0);

    public RiskTrainer(final int trees, final double learningRate, final boolean[] excludedFeatures)
    {
        this(trees, learningRate, excludedFeatures, 1.0);
    }

    /**
     * {@code carefulWeight}: the weight of a careful abusive decision relative to a blatant one. Careful groups make
     * few decisions each, so without a weight the loss is dominated by blatant bursts the model catches anyway.
     */
    public RiskTrainer(final int trees, final double learningRate, final boolean[] excludedFeatures,
        final double carefulWeight)
    {
        this.trees = trees;
        this.learningRate = learningRate;
        this.excluded = excludedFeatures;
        this.carefulWeight = carefulWeight;
    }

    /**
     * Each abusive decision's weight is multiplied by {@code (mean count / count of its kind and variant)^power}
     * (0: off): a kind with few decisions (a takeover ring makes a handful, a blatant brushing agent thousands) then
     * weighs about as much as a kind with many, so the trees do not learn only the bulk kinds. The total abusive
     * weight is kept.
     */
    public RiskTrainer kindBalance(final double power)
    {
        this.kindBalance = power;
        return this;
    }

    /**
     * Bounds every leaf to {@code +-logits} (0: no bound, the default). A leaf is a Newton step -G/(H + 1) times the
     * learning rate; with class weights in the thousands a few heavily weighted rows the model already scores as
     * certain (hessian floored near 0) make a leaf of about their weight times the learning rate, hundreds or
     * thousands of logits (docs/history/risk-sessions.md, "Fifty-first session": up to 2,070 in v47), which then
     * declines, or clears, every payment that reaches it whatever the decline score.
     */
    public RiskTrainer maxLeafLogits(final double logits)
    {
        this.maxLeafLogits = logits;
        return this;
    }

    /**
     * Legitimate look-alikes (riskworld's tags: grand openings, bulk buyers, ...) are all kept in the sample (hard
     * negatives), and the rows of a rare look-alike weigh {@code max(1, mean count / its count)^power}: a new shop's
     * opening day is a few hundred payments among millions, and without this the trees learn to decline it whole
     * (0: off; all legitimate rows sampled alike).
     */
    public RiskTrainer lookAlikeBalance(final double power)
    {
        this.lookAlikeBalance = power;
        return this;
    }

    /**
     * The weight of each legitimate row of a world's warm-up ({@link RiskDataset#warmUp}, added by {@code risk-train
     * --warm-up-rows}) as a multiple of an ordinary legitimate row of the week's (default 1). Warm-up rows are sampled
     * at the week's ordinary rate and never count as look-alikes; the week's sample and weights are what they are
     * without them. Why they exist: a model trained on the week alone has never seen an honest payment of a new
     * account among new accounts, which is all the warm-up is (docs/history/risk-sessions.md "Fifty-eighth session").
     */
    public RiskTrainer warmUpWeight(final double weight)
    {
        if (!(weight > 0) || Double.isInfinite(weight))
        {
            throw new IllegalArgumentException("warm-up weight: > 0, got " + weight);
        }
        this.warmUpWeight = weight;
        return this;
    }

    /**
     * Multiplies the weight of every abusive decision of one kind (the generator's actor ordinal) and variant
     * (its ordinal) by {@code weight}, on top of the careful weight and the kind balance: the kinds whose careful
     * variant the model misses most (careful circular flow and brushing, see docs/history/risk-sessions.md "Forty-sixth
     * session") can be weighed up alone, where the careful weight raises every careful kind and the kind balance the
     * rare ones.
     */
    public RiskTrainer classWeight(final int kind, final int variant, final double weight)
    {
        if (kind < 0 || kind > 255 || variant < 0 || variant > 3 || !(weight > 0))
        {
            throw new IllegalArgumentException("class weight: kind 0..255, variant 0..3, weight > 0");
        }
        classWeights[kind * 4 + variant] = weight;
        return this;
    }

    /**
     * Sets every class weight at once: {@code weights[kind * 4 + variant]} as {@link #classWeight}; {@code null}
     * leaves them all at 1.
     */
    public RiskTrainer classWeights(final double[] weights)
    {
        if (weights != null)
        {
            for (int i = 0; i < Math.min(weights.length, classWeights.length); i++)
            {
                classWeight(i / 4, i % 4, weights[i]);
            }
        }
        return this;
    }

    private static double[] filled(final int length, final double value)
    {
        final double[] array = new double[length];
        Arrays.fill(array, value);
        return array;
    }

    /** Weights of the sampled legitimate rows (see {@link #lookAlikeBalance}); abusive rows keep theirs. */
    void legitWeights(final RiskDataset data, final int[] rows, final double[] weight)
    {
        final int[] counts = new int[256];
        long ordinaryTotal = 0;
        int ordinarySampled = 0;
        int lookAlikes = 0;
        int classes = 0;
        for (int i = 0; i < data.size; i++)
        {
            if (!data.abusive[i] && !data.warmUp[i])
            {
                final boolean tagged = lookAlikeBalance > 0 && data.lookAlike[i] != 0;
                ordinaryTotal += tagged ? 0 : 1;
                if (tagged && counts[data.lookAlike[i] & 0xFF]++ == 0)
                {
                    classes++;
                }
                lookAlikes += tagged ? 1 : 0;
            }
        }
        for (final int row : rows)
        {
            ordinarySampled += !data.abusive[row] && !data.warmUp[row] &&
                !(lookAlikeBalance > 0 && data.lookAlike[row] != 0) ? 1 : 0;
        }
        final double ordinaryWeight = (double)ordinaryTotal / Math.max(1, ordinarySampled);
        final double mean = (double)lookAlikes / Math.max(1, classes);
        for (int i = 0; i < rows.length; i++)
        {
            final int row = rows[i];
            if (data.warmUp[row])
            {
                weight[i] = ordinaryWeight * warmUpWeight;
            }
            else if (!data.abusive[row])
            {
                weight[i] = lookAlikeBalance > 0 && data.lookAlike[row] != 0 ?
                    Math.pow(Math.max(1.0, mean / counts[data.lookAlike[row] & 0xFF]), lookAlikeBalance) :
                    ordinaryWeight;
            }
        }
    }

    /**
     * Weight of each sampled abusive row: careful weight times class weight (see {@link #classWeight}), times the
     * kind balance (see {@link #kindBalance}).
     */
    double[] abusiveWeights(final RiskDataset data, final int[] rows)
    {
        final double[] weight = new double[rows.length];
        final int[] counts = new int[256 * 4];
        int classes = 0;
        int positives = 0;
        for (final int row : rows)
        {
            if (data.abusive[row] && counts[classOf(data, row)]++ == 0)
            {
                classes++;
            }
            positives += data.abusive[row] ? 1 : 0;
        }
        double total = 0;
        double balanced = 0;
        for (int i = 0; i < rows.length; i++)
        {
            if (data.abusive[rows[i]])
            {
                final double base = (data.variant[rows[i]] == CAREFUL ? carefulWeight : 1.0) *
                    classWeights[classOf(data, rows[i])];
                final double mean = (double)positives / Math.max(1, classes);
                weight[i] = base * Math.pow(mean / counts[classOf(data, rows[i])], kindBalance);
                total += base;
                balanced += weight[i];
            }
        }
        for (int i = 0; i < rows.length; i++)
        {
            weight[i] *= balanced > 0 ? total / balanced : 1;
        }
        return weight;
    }

    private static int classOf(final RiskDataset data, final int row)
    {
        return (data.kind[row] & 0xFF) * 4 + (data.variant[row] & 3);
    }

    /** Cut values per feature: up to BINS - 1 distinct quantiles of a sample. */
    private static long[][] cuts(final RiskDataset data, final int[] rows)
    {
        final long[][] cuts = new long[data.featureCount][];
        final int sample = Math.min(rows.length, 200_000);
        final long[] values = new long[sample];
        for (int f = 0; f < data.featureCount; f++)
        {
            for (int i = 0; i < sample; i++)
            {
                values[i] = data.feature(rows[(int)((long)i * rows.length / sample)], f);
            }
            Arrays.sort(values);
            final long[] chosen = new long[BINS - 1];
            int count = 0;
            for (int q = 1; q < BINS; q++)
            {
                final long cut = values[Math.min(sample - 1, (int)((long)q * sample / BINS))];
                // A cut splits "x < cut": the smallest value cannot split anything.
                if (cut > values[0] && (count == 0 || cut > chosen[count - 1]))
                {
                    chosen[count++] = cut;
                }
            }
            cuts[f] = Arrays.copyOf(chosen, count);
        }
        return cuts;
    }

    private static int bin(final long[] cuts, final long x)
    {
        int lo = 0;
        int hi = cuts.length;
        while (lo < hi)
        {
            final int mid = (lo + hi) >>> 1;
            if (cuts[mid] <= x)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }
        return lo;   // number of cuts <= x: "x < cuts[b]" iff bin <= b
    }

    public TreeModel train(final RiskDataset data, final long version, final int legitPerAbusive, final long seed)
    {
        return train(data, version, legitPerAbusive, seed, null);
    }

    /**
     * With a {@code prior} model: boosting continues from its scores (milli-logits) and only the new trees are
     * returned (no base score in them); the model to load is the prior's trees followed by these.
     */
    public TreeModel train(final RiskDataset data, final long version, final int legitPerAbusive, final long seed,
        final TreeModel prior)
    {
        final int[] rows = sample(data, legitPerAbusive, seed, lookAlikeBalance > 0);
        final double[] weight = abusiveWeights(data, rows);
        legitWeights(data, rows, weight);
        final long[][] cuts = cuts(data, rows);
        final int f = data.featureCount;
        final byte[] bins = binned(data, rows, cuts);
        final double base = prior != null ? 0 : baseScore(data, rows, weight);
        final double[] raw = startingScores(data, rows, base, prior);
        final int[] features = new int[trees * 3];
        final long[] thresholds = new long[trees * 3];
        final int[] leaves = new int[trees * 4];
        final double[] g = new double[rows.length];
        final double[] h = new double[rows.length];
        final byte[] side = new byte[rows.length];
        for (int t = 0; t < trees; t++)
        {
            for (int i = 0; i < rows.length; i++)
            {
                final double p = 1 / (1 + Math.exp(-raw[i]));
                final double y = data.abusive[rows[i]] ? 1 : 0;
                g[i] = (p - y) * weight[i];
                h[i] = Math.max(1e-6, p * (1 - p)) * weight[i];
            }
            final double[][] all = histogram(bins, f, g, h, side, (byte)-1);
            final int[] root = bestSplit(all, f, cuts);
            final int rootFeature = root[0];
            final int rootBin = root[1];
            for (int i = 0; i < rows.length; i++)
            {
                side[i] = (byte)((bins[i * f + rootFeature] & 0xFF) <= rootBin ? 0 : 1);
            }
            final double[][] leftHistogram = histogram(bins, f, g, h, side, (byte)0);
            final int[] left = bestSplit(leftHistogram, f, cuts);
            final int[] right = bestSplit(minus(all, leftHistogram), f, cuts);
            features[t * 3] = rootFeature;
            thresholds[t * 3] = threshold(cuts, rootFeature, rootBin);
            features[t * 3 + 1] = left[0];
            thresholds[t * 3 + 1] = threshold(cuts, left[0], left[1]);
            features[t * 3 + 2] = right[0];
            thresholds[t * 3 + 2] = threshold(cuts, right[0], right[1]);
            final double[] leafG = new double[4];
            final double[] leafH = new double[4];
            final int[] leafOf = new int[rows.length];
            for (int i = 0; i < rows.length; i++)
            {
                final int[] child = side[i] == 0 ? left : right;
                final int leaf = side[i] * 2 + ((bins[i * f + child[0]] & 0xFF) <= child[1] ? 0 : 1);
                leafOf[i] = leaf;
                leafG[leaf] += g[i];
                leafH[leaf] += h[i];
            }
            final double[] value = leafValues(leafG, leafH, t == 0 ? base : 0, leaves, t * 4);
            for (int i = 0; i < rows.length; i++)
            {
                raw[i] += value[leafOf[i]];
            }
        }
        return new TreeModel(version, Integer.MAX_VALUE, Integer.MAX_VALUE, features, thresholds, leaves);
    }

    /** Each sampled row's raw score before the first new tree: the base score, or the prior model's score. */
    private static double[] startingScores(final RiskDataset data, final int[] rows, final double base,
        final TreeModel prior)
    {
        final double[] raw = new double[rows.length];
        Arrays.fill(raw, base);
        if (prior != null)
        {
            final long[] x = new long[data.featureCount];
            for (int i = 0; i < rows.length; i++)
            {
                raw[i] = prior.score(data.row(rows[i], x)) / 1000.0;
            }
        }
        return raw;
    }

    /**
     * One tree's four leaf values from their gradient and hessian sums, written to {@code leaves} from {@code at} as
     * integer milli-logits (the first tree's carrying {@code base}, the base score; 0 for the others); returns the
     * values the scores move by, as rounded into the model.
     */
    double[] leafValues(final double[] leafG, final double[] leafH, final double base, final int[] leaves,
        final int at)
    {
        final double[] value = new double[4];
        for (int leaf = 0; leaf < 4; leaf++)
        {
            value[leaf] = -leafG[leaf] / (leafH[leaf] + LAMBDA) * learningRate;
            if (maxLeafLogits > 0)
            {
                value[leaf] = Math.max(-maxLeafLogits, Math.min(maxLeafLogits, value[leaf]));
            }
            // Integer leaves: milli-logits, the first tree carries the base score.
            final int milli = (int)Math.round((value[leaf] + base) * 1000);
            leaves[at + leaf] = milli;
            value[leaf] = milli / 1000.0 - base;
        }
        return value;
    }

    /** Each sampled row's features as bin numbers, row after row ({@code featureCount} bytes a row). */
    private static byte[] binned(final RiskDataset data, final int[] rows, final long[][] cuts)
    {
        final int f = data.featureCount;
        final byte[] bins = new byte[rows.length * f];
        for (int i = 0; i < rows.length; i++)
        {
            for (int j = 0; j < f; j++)
            {
                bins[i * f + j] = (byte)bin(cuts[j], data.feature(rows[i], j));
            }
        }
        return bins;
    }

    /** The log-odds of abuse in the weighted sample: where boosting starts without a prior model. */
    private static double baseScore(final RiskDataset data, final int[] rows, final double[] weight)
    {
        double positiveWeight = 0;
        double totalWeight = 0;
        for (int i = 0; i < rows.length; i++)
        {
            totalWeight += weight[i];
            positiveWeight += data.abusive[rows[i]] ? weight[i] : 0;
        }
        return Math.log(Math.max(1e-9, positiveWeight) / Math.max(1e-9, totalWeight - positiveWeight));
    }

    /** The cut of bin b ("x < cut" = bins 0..b); Long.MIN_VALUE (never true) when there is no split. */
    private static long threshold(final long[][] cuts, final int feature, final int bin)
    {
        return bin < 0 || bin >= cuts[feature].length ? Long.MIN_VALUE : cuts[feature][bin];
    }

    /** Gradient and hessian histograms of the rows on {@code which} side (-1: all): [0] g, [1] h per feature x bin. */
    private static double[][] histogram(final byte[] bins, final int f, final double[] g, final double[] h,
        final byte[] side, final byte which)
    {
        final double[] histG = new double[f * BINS];
        final double[] histH = new double[f * BINS];
        final int n = g.length;
        for (int i = 0; i < n; i++)
        {
            if (which >= 0 && side[i] != which)
            {
                continue;
            }
            final int base = i * f;
            final double gi = g[i];
            final double hi = h[i];
            for (int j = 0; j < f; j++)
            {
                final int b = j * BINS + (bins[base + j] & 0xFF);
                histG[b] += gi;
                histH[b] += hi;
            }
        }
        return new double[][]{histG, histH};
    }

    /** parent - child, bin by bin: the other child's histogram without a pass over the rows. */
    private static double[][] minus(final double[][] parent, final double[][] child)
    {
        final double[][] other = new double[2][parent[0].length];
        for (int k = 0; k < 2; k++)
        {
            for (int b = 0; b < parent[k].length; b++)
            {
                other[k][b] = parent[k][b] - child[k][b];
            }
        }
        return other;
    }

    /** Best (feature, bin) split of a histogram; bin -1 when none helps. */
    private int[] bestSplit(final double[][] hist, final int f, final long[][] cuts)
    {
        final double[] histG = hist[0];
        final double[] histH = hist[1];
        double totalG = 0;
        double totalH = 0;
        for (int b = 0; b < BINS; b++)
        {
            totalG += histG[b];
            totalH += histH[b];
        }
        final double parent = totalG * totalG / (totalH + LAMBDA);
        double best = 1e-9;
        int bestFeature = 0;
        int bestBin = -1;
        for (int j = 0; j < f; j++)
        {
            if (excluded[j])
            {
                continue;
            }
            double leftG = 0;
            double leftH = 0;
            for (int b = 0; b < cuts[j].length; b++)
            {
                leftG += histG[j * BINS + b];
                leftH += histH[j * BINS + b];
                final double rightG = totalG - leftG;
                final double rightH = totalH - leftH;
                if (leftH < MIN_HESSIAN || rightH < MIN_HESSIAN)
                {
                    continue;
                }
                final double gain = leftG * leftG / (leftH + LAMBDA) + rightG * rightG / (rightH + LAMBDA) - parent;
                if (gain > best)
                {
                    best = gain;
                    bestFeature = j;
                    bestBin = b;
                }
            }
        }
        return new int[]{bestFeature, bestBin};
    }

    private static long countWarmUp(final RiskDataset data)
    {
        long count = 0;
        for (int i = 0; i < data.size; i++)
        {
            count += data.warmUp[i] ? 1 : 0;
        }
        return count;
    }

    private static long countAbusive(final RiskDataset data)
    {
        long count = 0;
        for (int i = 0; i < data.size; i++)
        {
            count += data.abusive[i] ? 1 : 0;
        }
        return count;
    }

    /**
     * All abusive rows and up to legitPerAbusive legitimate rows of the week per abusive one, chosen by seed; with
     * {@code keepLookAlikes} every legitimate look-alike row of the week too; warm-up rows at the week's rate.
     */
    static int[] sample(final RiskDataset data, final int legitPerAbusive, final long seed,
        final boolean keepLookAlikes)
    {
        final long abusive = countAbusive(data);
        final long legit = data.size - abusive - countWarmUp(data);
        final double keep = Math.min(1.0, (double)abusive * legitPerAbusive / Math.max(1, legit));
        final SplittableRandom random = new SplittableRandom(seed);
        final int[] rows = new int[data.size];
        int count = 0;
        for (int i = 0; i < data.size; i++)
        {
            // One draw per legitimate row, as before look-alikes were kept: the ordinary rows kept stay the same.
            if (data.abusive[i] || random.nextDouble() < keep || keepLookAlikes && !data.warmUp[i] &&
                data.lookAlike[i] != 0)
            {
                rows[count++] = i;
            }
        }
        return Arrays.copyOf(rows, count);
    }
}
