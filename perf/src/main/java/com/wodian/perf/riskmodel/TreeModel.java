package com.wodian.perf.riskmodel;

import com.wodian.engine.risk.RiskModel;
import com.wodian.protocol.CommandEncoder;
import com.wodian.protocol.sbe.RiskModelOp;
import com.wodian.protocol.sbe.RiskModelSlot;
import org.agrona.MutableDirectBuffer;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A trained scoring model as the engine evaluates it: depth-2 trees over integer features, integer leaves
 * (milli-logits), a decline score and a flag score. Written as a small text file by {@code wodian risk-train}
 * and turned into SetRiskModel commands (BEGIN, TREES of up to four trees, COMMIT) by {@link #encode}.
 *
 * <pre>
 *   wodian-risk-model 1
 *   version 20261203
 *   declineScore 2710
 *   flagScore 1500
 *   tree f0 t0 f1 t1 f2 t2 leafLL leafLR leafRL leafRR     (one line per tree)
 * </pre>
 */
public final class TreeModel
{
    public final long version;
    public int declineScore;
    public int flagScore;
    public final int[] features;
    public final long[] thresholds;
    public final int[] leaves;

    public TreeModel(final long version, final int declineScore, final int flagScore, final int[] features,
        final long[] thresholds, final int[] leaves)
    {
        this.version = version;
        this.declineScore = declineScore;
        this.flagScore = flagScore;
        this.features = features;
        this.thresholds = thresholds;
        this.leaves = leaves;
    }

    public int treeCount()
    {
        return features.length / 3;
    }

    /** Trees before the first that tests a group feature (53-56): the engine's individual score is their sum. */
    public int individualTrees()
    {
        for (int tree = 0; tree < treeCount(); tree++)
        {
            for (int node = tree * 3; node < tree * 3 + 3 && features[tree * 3] != EXIT_MARKER &&
                features[tree * 3] != SAMPLE_MARKER; node++)
            {
                if (features[node] >= 53 && features[node] <= 56)
                {
                    return tree;
                }
            }
        }
        return treeCount();
    }

    /** This model with an exit marker (threshold {@code exitScore}, leaves 0) inserted before tree {@code before}. */
    public TreeModel withExitBefore(final int before, final long exitScore)
    {
        final int n = treeCount() + 1;
        final int[] f = new int[n * 3];
        final long[] t = new long[n * 3];
        final int[] l = new int[n * 4];
        System.arraycopy(features, 0, f, 0, before * 3);
        System.arraycopy(thresholds, 0, t, 0, before * 3);
        System.arraycopy(leaves, 0, l, 0, before * 4);
        f[before * 3] = EXIT_MARKER;
        t[before * 3] = exitScore;
        System.arraycopy(features, before * 3, f, (before + 1) * 3, (n - 1 - before) * 3);
        System.arraycopy(thresholds, before * 3, t, (before + 1) * 3, (n - 1 - before) * 3);
        System.arraycopy(leaves, before * 4, l, (before + 1) * 4, (n - 1 - before) * 4);
        return new TreeModel(version, declineScore, flagScore, f, t, l);
    }

    /**
     * This model carrying the challenger's shadow sample period {@code period} (docs/risk.md "The
     * challenger's shadow sample"): in its exit marker's node 1 ({@link #SAMPLE_MARKER}, the period as its threshold)
     * when it has one, else in a sample marker tree appended (leaves 0). Any period it carried before is replaced;
     * {@code period} 0 takes it out (every command).
     *
     * @throws IllegalArgumentException when a marker of its own would not fit (256 trees, no exit marker).
     */
    public TreeModel withShadowSample(final long period)
    {
        final int[] f = features.clone();
        final long[] t = thresholds.clone();
        int kept = 0;
        for (int tree = 0; tree < treeCount(); tree++)
        {
            if (f[tree * 3] != SAMPLE_MARKER)
            {
                System.arraycopy(f, tree * 3, f, kept * 3, 3);
                System.arraycopy(t, tree * 3, t, kept * 3, 3);
                kept++;
            }
        }
        final int[] l = new int[kept * 4];
        int at = 0;
        for (int tree = 0; tree < treeCount(); tree++)
        {
            if (features[tree * 3] != SAMPLE_MARKER)
            {
                System.arraycopy(leaves, tree * 4, l, at * 4, 4);
                at++;
            }
        }
        final int[] keptFeatures = java.util.Arrays.copyOf(f, kept * 3);
        final long[] keptThresholds = java.util.Arrays.copyOf(t, kept * 3);
        for (int tree = 0; tree < kept; tree++)
        {
            if (keptFeatures[tree * 3] == EXIT_MARKER)
            {
                // Node 1 is rewritten only to carry a period or to take one out: a model without one keeps its file's
                // trees exactly (the journal and snapshots then hold the file's model, not another of equal scores).
                if (period > 0)
                {
                    keptFeatures[tree * 3 + 1] = SAMPLE_MARKER;
                    keptThresholds[tree * 3 + 1] = period;
                }
                else if (keptFeatures[tree * 3 + 1] == SAMPLE_MARKER)
                {
                    keptFeatures[tree * 3 + 1] = keptFeatures[tree * 3 + 2];
                    keptThresholds[tree * 3 + 1] = 0;
                }
                return new TreeModel(version, declineScore, flagScore, keptFeatures, keptThresholds, l);
            }
        }
        if (period <= 0)
        {
            return new TreeModel(version, declineScore, flagScore, keptFeatures, keptThresholds, l);
        }
        if (kept >= RiskModel.TREES_MAX)
        {
            throw new IllegalArgumentException("a model of " + kept + " trees without an exit marker has no room for " +
                "a shadow sample marker (at most " + RiskModel.TREES_MAX + " trees)");
        }
        final TreeModel marked = new TreeModel(version, declineScore, flagScore,
            java.util.Arrays.copyOf(keptFeatures, (kept + 1) * 3),
            java.util.Arrays.copyOf(keptThresholds, (kept + 1) * 3), java.util.Arrays.copyOf(l, (kept + 1) * 4));
        marked.features[kept * 3] = SAMPLE_MARKER;
        marked.thresholds[kept * 3] = period;
        return marked;
    }

    /** The same trees and scores under another version. */
    public TreeModel withVersion(final long newVersion)
    {
        return new TreeModel(newVersion, declineScore, flagScore, features, thresholds, leaves);
    }

    /** This model's first {@code trees} trees, same scores (a cost breakdown: what the walk of the rest costs). */
    public TreeModel firstTrees(final int trees)
    {
        return new TreeModel(version, declineScore, flagScore, java.util.Arrays.copyOf(features, trees * 3),
            java.util.Arrays.copyOf(thresholds, trees * 3), java.util.Arrays.copyOf(leaves, trees * 4));
    }

    /** Node 0's feature id of an exit marker tree (the engine's {@code RiskModel.EXIT_MARKER}). */
    public static final int EXIT_MARKER = 255;
    /** The feature id that carries a challenger's shadow sample period (the engine's RiskModel.SAMPLE_MARKER). */
    public static final int SAMPLE_MARKER = RiskModel.SAMPLE_MARKER;

    /**
     * The engine's arithmetic, for tools: the sum of the leaves the features reach; at an exit marker, the sum so far
     * when it is below the marker's threshold.
     */
    public long score(final long[] x)
    {
        return score(x, treeCount());
    }

    /** As {@link #score(long[])}, over the first {@code trees} trees only. */
    public long score(final long[] x, final int trees)
    {
        long sum = 0;
        for (int tree = 0; tree < trees; tree++)
        {
            final int node = tree * 3;
            if (features[node] == EXIT_MARKER)
            {
                if (sum < thresholds[node])
                {
                    return sum;
                }
                continue;
            }
            if (features[node] == SAMPLE_MARKER)
            {
                continue;
            }
            final boolean left = x[features[node]] < thresholds[node];
            final int child = left ? node + 1 : node + 2;
            final boolean childLeft = x[features[child]] < thresholds[child];
            sum += leaves[tree * 4 + (left ? 0 : 2) + (childLeft ? 0 : 1)];
        }
        return sum;
    }

    /**
     * The name suffix of the captures made with this model enforced: everything that changes what the worlds see
     * (decline and flag scores, features, thresholds, leaves), not the version. Keyed by the leaves alone, a source
     * re-tuned to another flag score reused the other's captures (rev R20, session 42).
     */
    public String captureTag()
    {
        int hash = 31 * declineScore + flagScore;
        hash = 31 * hash + java.util.Arrays.hashCode(features);
        hash = 31 * hash + java.util.Arrays.hashCode(thresholds);
        hash = 31 * hash + java.util.Arrays.hashCode(leaves);
        return "-m" + Integer.toHexString(hash);
    }

    public void write(final Path path) throws IOException
    {
        final StringBuilder text = new StringBuilder();
        text.append("wodian-risk-model 1\n");
        text.append("version ").append(version).append('\n');
        text.append("declineScore ").append(declineScore).append('\n');
        text.append("flagScore ").append(flagScore).append('\n');
        for (int tree = 0; tree < treeCount(); tree++)
        {
            text.append("tree");
            for (int node = 0; node < 3; node++)
            {
                text.append(' ').append(features[tree * 3 + node]).append(' ').append(thresholds[tree * 3 + node]);
            }
            for (int leaf = 0; leaf < 4; leaf++)
            {
                text.append(' ').append(leaves[tree * 4 + leaf]);
            }
            text.append('\n');
        }
        Files.writeString(path, text.toString(), StandardCharsets.UTF_8);
    }

    /**
     * Reads a model file written by {@link #write}. Every mistake is an IOException naming the file and the line:
     * {@code version}, {@code declineScore} and {@code flagScore} exactly once each (a missing decline score must not
     * load as a model that never declines), 1 to {@link RiskModel#TREES_MAX} tree lines of ten numbers.
     */
    public static TreeModel read(final Path path) throws IOException
    {
        final List<String> lines = Files.readAllLines(path, StandardCharsets.UTF_8);
        if (lines.isEmpty() || !lines.get(0).trim().equals("wodian-risk-model 1"))
        {
            throw new IOException(path + ": not a wodian-risk-model 1 file");
        }
        final long[] header = {Long.MIN_VALUE, Long.MIN_VALUE, Long.MIN_VALUE}; // version, decline, flag
        final List<String[]> trees = new ArrayList<>();
        final List<Integer> treeLines = new ArrayList<>();
        for (int number = 2; number <= lines.size(); number++)
        {
            final String[] parts = lines.get(number - 1).trim().split("\\s+");
            final String where = path + ":" + number + ": ";
            switch (parts[0])
            {
                case "version" -> setOnce(header, 0, parts, where, Long.MIN_VALUE + 1, Long.MAX_VALUE);
                case "declineScore" -> setOnce(header, 1, parts, where, Integer.MIN_VALUE, Integer.MAX_VALUE);
                case "flagScore" -> setOnce(header, 2, parts, where, Integer.MIN_VALUE, Integer.MAX_VALUE);
                case "tree" ->
                {
                    trees.add(parts);
                    treeLines.add(number);
                }
                case "" -> { }
                default -> throw new IOException(where + "unknown line: " + lines.get(number - 1));
            }
        }
        final String[] names = {"version", "declineScore", "flagScore"};
        for (int i = 0; i < names.length; i++)
        {
            if (header[i] == Long.MIN_VALUE)
            {
                throw new IOException(path + ": no " + names[i] + " line");
            }
        }
        if (trees.isEmpty() || trees.size() > RiskModel.TREES_MAX)
        {
            throw new IOException(path + ": " + trees.size() + " trees, must be 1 to " + RiskModel.TREES_MAX);
        }
        return readTrees(path, header, trees, treeLines);
    }

    private static void setOnce(
        final long[] header, final int index, final String[] parts, final String where, final long min, final long max)
        throws IOException
    {
        if (header[index] != Long.MIN_VALUE)
        {
            throw new IOException(where + parts[0] + " given twice");
        }
        if (parts.length != 2)
        {
            throw new IOException(where + parts[0] + " needs one number");
        }
        header[index] = number(parts[1], where, min, max);
    }

    private static TreeModel readTrees(
        final Path path, final long[] header, final List<String[]> trees, final List<Integer> treeLines)
        throws IOException
    {
        final int n = trees.size();
        final int[] features = new int[n * 3];
        final long[] thresholds = new long[n * 3];
        final int[] leaves = new int[n * 4];
        for (int tree = 0; tree < n; tree++)
        {
            final String[] parts = trees.get(tree);
            final String where = path + ":" + treeLines.get(tree) + ": ";
            if (parts.length != 11)
            {
                throw new IOException(where + "a tree line has 10 numbers, this one " + (parts.length - 1));
            }
            for (int node = 0; node < 3; node++)
            {
                features[tree * 3 + node] = (int)number(parts[1 + node * 2], where, 0, RiskModel.EXIT_MARKER);
                thresholds[tree * 3 + node] = number(parts[2 + node * 2], where, Long.MIN_VALUE, Long.MAX_VALUE);
            }
            for (int leaf = 0; leaf < 4; leaf++)
            {
                leaves[tree * 4 + leaf] = (int)number(parts[7 + leaf], where, Integer.MIN_VALUE, Integer.MAX_VALUE);
            }
        }
        return new TreeModel(header[0], (int)header[1], (int)header[2], features, thresholds, leaves);
    }

    private static long number(final String text, final String where, final long min, final long max)
        throws IOException
    {
        final long value;
        try
        {
            value = Long.parseLong(text);
        }
        catch (final NumberFormatException ex)
        {
            throw new IOException(where + "not a number: " + text);
        }
        if (value < min || value > max)
        {
            throw new IOException(where + value + " out of range " + min + ".." + max);
        }
        return value;
    }

    /** Receives each encoded SetRiskModel command of a load. */
    public interface CommandSink
    {
        void apply(MutableDirectBuffer buffer, int length);
    }

    /** The SetRiskModel commands that load this model into a slot: BEGIN, TREES (4 per command), COMMIT. */
    public void encode(final CommandEncoder encoder, final MutableDirectBuffer buffer, final RiskModelSlot slot,
        final CommandSink sink)
    {
        sink.apply(buffer, encoder.setRiskModel(buffer, 0, slot, RiskModelOp.BEGIN, version, treeCount(),
            declineScore, flagScore));
        for (int from = 0; from < treeCount(); from += 4)
        {
            final int count = Math.min(4, treeCount() - from);
            sink.apply(buffer, encoder.setRiskModelTrees(buffer, 0, slot, version, from, count, features, thresholds,
                leaves));
        }
        sink.apply(buffer, encoder.setRiskModel(buffer, 0, slot, RiskModelOp.COMMIT, version, 0, 0, 0));
    }
}
