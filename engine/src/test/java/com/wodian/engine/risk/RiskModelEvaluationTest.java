package com.wodian.engine.risk;

import com.wodian.engine.Engine;
import com.wodian.engine.EngineConfig;
import com.wodian.engine.MemorySnapshot;
import com.wodian.protocol.sbe.ResultCode;
import com.wodian.protocol.sbe.RiskModelOp;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The model's evaluation (lanes: gathered feature values and a branch-free select, or the wide walk) scores, splits
 * the individual score, exits, counts and gives reasons exactly as the evaluation it replaced (the packed walk of
 * main at 9efb42e, kept below as {@link PackedWalk}): random models, narrow and wide, with group trees and exit
 * markers, over random feature vectors near their thresholds and at the edges of the narrow range; and every shipped
 * model file (perf's model-v*.txt), with and without an exit marker.
 */
class RiskModelEvaluationTest
{
    private static final int FEATURES = RiskFeatures.COUNT;
    private static final int LIMIT = RiskModel.NARROW_LIMIT;
    private static final long[] EDGES = {Long.MIN_VALUE, Long.MIN_VALUE + 1, Integer.MIN_VALUE - 1L, Integer.MIN_VALUE,
        -LIMIT - 1L, -LIMIT, -LIMIT + 1, LIMIT - 2, LIMIT - 1, LIMIT, LIMIT + 1L, Integer.MAX_VALUE,
        Integer.MAX_VALUE + 1L, Long.MAX_VALUE - 1, Long.MAX_VALUE};
    /** Thresholds at the edges that still evaluate narrow. */
    private static final long[] NARROW_EDGES = {Long.MIN_VALUE, -LIMIT + 1, -LIMIT + 2, LIMIT - 2, LIMIT - 1};
    static final Path SHIPPED_MODELS =
        Path.of("..", "perf", "src", "main", "resources", "com", "wodian", "perf", "riskmodel");

    /**
     * RiskModel's evaluation before the lanes, verbatim but for names: the packed copy of the trees (eight longs per
     * tree), the branch-free walk, the individual / group split and the exit marker, and the reasons.
     */
    static final class PackedWalk
    {
        private final int[] features;
        private final long[] thresholds;
        private final int[] leaves;
        private final int treeCount;
        private final long[] packed;
        private final int groupStart;
        private final int exitTree;
        private final long exitScore;
        private final int declineScore;
        private final int flagScore;
        int individualScore;
        long scored;
        long atDeclineScore;
        long atFlagScore;
        private final long[] reasonScores = new long[RiskFeatures.COUNT];

        PackedWalk(final int[] features, final long[] thresholds, final int[] leaves, final int treeCount,
            final int declineScore, final int flagScore)
        {
            this.features = features;
            this.thresholds = thresholds;
            this.leaves = leaves;
            this.treeCount = treeCount;
            this.declineScore = declineScore;
            this.flagScore = flagScore;
            packed = new long[treeCount * 8];
            for (int tree = 0; tree < treeCount; tree++)
            {
                final int at = tree * 8;
                packed[at] = thresholds[tree * 3];
                packed[at + 1] = thresholds[tree * 3 + 1];
                packed[at + 2] = thresholds[tree * 3 + 2];
                packed[at + 3] = (features[tree * 3] & 0xFF) | (features[tree * 3 + 1] & 0xFF) << 8 |
                    (features[tree * 3 + 2] & 0xFF) << 16;
                packed[at + 4] = (leaves[tree * 4] & 0xFFFF_FFFFL) | (long)leaves[tree * 4 + 1] << 32;
                packed[at + 5] = (leaves[tree * 4 + 2] & 0xFFFF_FFFFL) | (long)leaves[tree * 4 + 3] << 32;
            }
            groupStart = firstGroupTree(features, treeCount);
            int exit = treeCount;
            for (int tree = 0; tree < treeCount; tree++)
            {
                if (features[tree * 3] == RiskModel.EXIT_MARKER)
                {
                    exit = tree;
                    break;
                }
            }
            exitTree = exit;
            exitScore = exitTree < treeCount ? thresholds[exitTree * 3] : 0;
        }

        private static int firstGroupTree(final int[] features, final int treeCount)
        {
            for (int tree = 0; tree < treeCount; tree++)
            {
                for (int node = tree * 3; node < tree * 3 + 3 && features[tree * 3] != RiskModel.EXIT_MARKER; node++)
                {
                    if (RiskFeatures.isGroupFeature(features[node]))
                    {
                        return tree;
                    }
                }
            }
            return treeCount;
        }

        static int atOrAbove(final long x, final long threshold)
        {
            final long difference = x - threshold;
            return 1 - (int)((difference ^ ((x ^ threshold) & (difference ^ x))) >>> 63);
        }

        private long walk(final int tree, final long[] x)
        {
            final int at = tree * 8;
            final int nodeFeatures = (int)packed[at + 3];
            final int right = atOrAbove(x[nodeFeatures & 0xFF], packed[at]);
            final int childFeature = (nodeFeatures >>> (8 + (right << 3))) & 0xFF;
            final int childRight = atOrAbove(x[childFeature], packed[at + 1 + right]);
            return (int)(packed[at + 4 + right] >> (childRight << 5));
        }

        private int leaf(final int tree, final long[] x)
        {
            final int node = tree * 3;
            final int right = atOrAbove(x[features[node]], thresholds[node]);
            final int child = node + 1 + right;
            return tree * 4 + right * 2 + atOrAbove(x[features[child]], thresholds[child]);
        }

        private long sum(final int fromTree, final int toTree, final long[] x)
        {
            long sum = 0;
            for (int tree = fromTree; tree < toTree; tree++)
            {
                sum += walk(tree, x);
            }
            return sum;
        }

        private static int clamp(final long sum)
        {
            return (int)Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, sum));
        }

        int score(final long[] x)
        {
            long sum = sum(0, exitTree < groupStart ? exitTree : groupStart, x);
            final boolean exits = exitTree < groupStart && sum < exitScore;
            if (exitTree < groupStart && !exits)
            {
                sum += sum(exitTree + 1, groupStart, x);
            }
            individualScore = clamp(sum);
            if (!exits)
            {
                sum += sum(groupStart, treeCount, x);
            }
            final int score = clamp(sum);
            scored++;
            if (score >= declineScore)
            {
                atDeclineScore++;
            }
            else if (individualScore >= flagScore)
            {
                atFlagScore++;
            }
            return score;
        }

        long reasons(final long[] x)
        {
            java.util.Arrays.fill(reasonScores, 0);
            for (int tree = 0; tree < treeCount; tree++)
            {
                if (tree == exitTree)
                {
                    continue;
                }
                final int leaf = leaves[leaf(tree, x)];
                if (leaf > 0)
                {
                    final int node = tree * 3;
                    final int child = x[features[node]] < thresholds[node] ? node + 1 : node + 2;
                    reasonScores[features[node]] += leaf;
                    reasonScores[features[child]] += leaf;
                }
            }
            long packedReasons = 0;
            for (int rank = 0; rank < 3; rank++)
            {
                int best = RiskModel.NO_REASON;
                long bestScore = 0;
                for (int feature = 0; feature < RiskFeatures.COUNT; feature++)
                {
                    if (reasonScores[feature] > bestScore)
                    {
                        bestScore = reasonScores[feature];
                        best = feature;
                    }
                }
                if (best != RiskModel.NO_REASON)
                {
                    reasonScores[best] = 0;
                }
                packedReasons |= (long)best << (rank * 8);
            }
            return packedReasons;
        }
    }

    /** A model's arrays and scores, loaded into a RiskModel through the staging path COMMIT takes. */
    record Trees(int[] features, long[] thresholds, int[] leaves, int declineScore, int flagScore)
    {
        int count()
        {
            return features.length / 3;
        }

        RiskModel load()
        {
            final RiskModel staging = new RiskModel();
            staging.begin(1, count(), declineScore, flagScore);
            for (int tree = 0; tree < count(); tree++)
            {
                final int n = tree * 3;
                final int l = tree * 4;
                assertTrue(RiskModel.validTree(features[n], features[n + 1], features[n + 2], leaves[l],
                    leaves[l + 1], leaves[l + 2], leaves[l + 3]), "tree " + tree);
                staging.stageTree(features[n], thresholds[n], features[n + 1], thresholds[n + 1], features[n + 2],
                    thresholds[n + 2], leaves[l], leaves[l + 1], leaves[l + 2], leaves[l + 3]);
            }
            assertTrue(staging.stagedExitValid());
            final RiskModel model = new RiskModel();
            model.copyFrom(staging);
            return model;
        }

        PackedWalk reference()
        {
            return new PackedWalk(features, thresholds, leaves, count(), declineScore, flagScore);
        }

        /** The same trees with an exit marker (threshold {@code exitScore}) inserted before tree {@code before}. */
        Trees withExitBefore(final int before, final long exitScore)
        {
            return withMarkerBefore(before, RiskModel.EXIT_MARKER, exitScore);
        }

        /** The same trees with a marker tree (node 0 {@code marker}, leaves 0) inserted before tree {@code before}. */
        Trees withMarkerBefore(final int before, final int marker, final long threshold)
        {
            final int trees = count() + 1;
            final int[] f = new int[trees * 3];
            final long[] t = new long[trees * 3];
            final int[] l = new int[trees * 4];
            System.arraycopy(features, 0, f, 0, before * 3);
            System.arraycopy(thresholds, 0, t, 0, before * 3);
            System.arraycopy(leaves, 0, l, 0, before * 4);
            f[before * 3] = marker;
            t[before * 3] = threshold;
            System.arraycopy(features, before * 3, f, before * 3 + 3, (count() - before) * 3);
            System.arraycopy(thresholds, before * 3, t, before * 3 + 3, (count() - before) * 3);
            System.arraycopy(leaves, before * 4, l, before * 4 + 4, (count() - before) * 4);
            return new Trees(f, t, l, declineScore, flagScore);
        }

        /**
         * The same trees carrying a shadow sample of {@code period}: in the exit marker's node 1 when the model has
         * one (a 256-tree model has no room for a marker of its own), else in a sample marker appended.
         */
        Trees withPeriod(final long period)
        {
            for (int tree = 0; tree < count(); tree++)
            {
                if (features[tree * 3] == RiskModel.EXIT_MARKER)
                {
                    final int[] f = features.clone();
                    final long[] t = thresholds.clone();
                    f[tree * 3 + 1] = RiskModel.SAMPLE_MARKER;
                    t[tree * 3 + 1] = period;
                    return new Trees(f, t, leaves, declineScore, flagScore);
                }
            }
            return withMarkerBefore(count(), RiskModel.SAMPLE_MARKER, period);
        }

        boolean hasExit()
        {
            for (int tree = 0; tree < count(); tree++)
            {
                if (features[tree * 3] == RiskModel.EXIT_MARKER)
                {
                    return true;
                }
            }
            return false;
        }

        int firstGroupTree()
        {
            return PackedWalk.firstGroupTree(features, count());
        }
    }

    /** Scores {@code samples} feature vectors with both evaluations; everything they report must be equal. */
    private static void compare(final Trees trees, final SplittableRandom random, final int samples,
        final String what)
    {
        compare(trees, trees, random, samples, what);
    }

    /** The same, {@code modelTrees} loaded into the engine's model and {@code trees} walked by the reference. */
    private static void compare(final Trees modelTrees, final Trees trees, final SplittableRandom random,
        final int samples, final String what)
    {
        final RiskModel model = modelTrees.load();
        final PackedWalk reference = trees.reference();
        final long[] x = new long[FEATURES];
        final int[] clamped = RiskModel.newNarrowFeatures();
        for (int sample = 0; sample < samples; sample++)
        {
            randomFeatures(trees, random, x);
            final String at = what + " sample " + sample;
            // The individual stage alone first: a lane it failed to evaluate would hold the last sample's value.
            RiskModel.clampFeatures(x, clamped);
            final long scoredBefore = model.scored();
            final int individual = model.scoreIndividual(x, clamped);
            assertEquals(scoredBefore, model.scored(), at + ": the individual stage alone is counted nowhere");
            assertEquals(reference.score(x), model.score(x), at);
            assertEquals(reference.individualScore, individual, at + ": the individual stage alone");
            assertEquals(reference.individualScore, model.individualScore(), at);
            assertEquals(reference.reasons(x), model.reasons(x), at);
            assertEquals(reference.scored, model.scored(), at);
            assertEquals(reference.atDeclineScore, model.atDeclineScore(), at);
            assertEquals(reference.atFlagScore, model.atFlagScore(), at);
        }
    }

    /**
     * Feature values the trees tell apart: most at, just below or just above a threshold of a node that tests the
     * feature, some small, some at the edges of the narrow range and of a long, some anywhere.
     */
    private static void randomFeatures(final Trees trees, final SplittableRandom random, final long[] x)
    {
        for (int feature = 0; feature < FEATURES; feature++)
        {
            final int kind = random.nextInt(20);
            if (kind < 14)
            {
                final int node = random.nextInt(trees.features.length);
                x[feature] = trees.thresholds[node] + random.nextInt(-1, 2);
            }
            else if (kind < 17)
            {
                x[feature] = random.nextInt(-1_000, 1_001);
            }
            else if (kind < 19)
            {
                x[feature] = EDGES[random.nextInt(EDGES.length)];
            }
            else
            {
                x[feature] = random.nextLong();
            }
        }
    }

    private static Trees randomTrees(final SplittableRandom random, final long[] edgeThresholds,
        final boolean wideThresholds, final boolean wideLeaves)
    {
        return randomTrees(random, 1 + random.nextInt(RiskModel.TREES_MAX - 1), edgeThresholds, wideThresholds,
            wideLeaves);
    }

    private static Trees randomTrees(final SplittableRandom random, final int count, final long[] edgeThresholds,
        final boolean wideThresholds, final boolean wideLeaves)
    {
        final int[] f = new int[count * 3];
        final long[] t = new long[count * 3];
        final int[] l = new int[count * 4];
        // About one model in three has no group trees; otherwise the first one comes anywhere.
        final int groupFrom = random.nextInt(3) == 0 ? count : random.nextInt(count);
        for (int i = 0; i < f.length; i++)
        {
            do
            {
                f[i] = random.nextInt(FEATURES);
            }
            while (i / 3 < groupFrom && RiskFeatures.isGroupFeature(f[i]));
            t[i] = random.nextInt(-2_000, 2_001);
            if (random.nextInt(20) == 0)
            {
                t[i] = edgeThresholds[random.nextInt(edgeThresholds.length)];
            }
            if (wideThresholds && random.nextInt(4) == 0)
            {
                t[i] = random.nextLong();
            }
        }
        for (int i = 0; i < l.length; i++)
        {
            l[i] = wideLeaves && random.nextInt(3) == 0 ? random.nextInt() : random.nextInt(-3_000, 3_001);
        }
        return new Trees(f, t, l, random.nextInt(-4_000, 4_001), random.nextInt(-4_000, 4_001));
    }

    @Test
    void scoresReasonsAndCountsAsThePackedWalkOnRandomModels()
    {
        final SplittableRandom random = new SplittableRandom(20261204);
        int narrowModels = 0;
        int wideModels = 0;
        int exitModels = 0;
        for (int round = 0; round < 120; round++)
        {
            // Rounds of four: narrow-range edges only; any long thresholds; any int leaves; every kind of edge.
            final int kind = round % 4;
            Trees trees = randomTrees(random, kind == 3 ? EDGES : NARROW_EDGES, kind == 1, kind == 2);
            if (random.nextBoolean())
            {
                // An exit marker among the individual trees, its threshold near the partial sums it will see.
                final int before = random.nextInt(trees.firstGroupTree() + 1);
                trees = trees.withExitBefore(before, random.nextInt(-3_000, 3_001));
                exitModels++;
            }
            final boolean narrow = trees.load().narrow();
            narrowModels += narrow ? 1 : 0;
            wideModels += narrow ? 0 : 1;
            compare(trees, random, 300, "round " + round + (narrow ? " narrow" : " wide"));
            // A shadow-sample marker anywhere changes no score, individual score, reason or count.
            final int before = random.nextInt(trees.count() + 1);
            final long period = 1L << random.nextInt(8);
            compare(trees.count() < RiskModel.TREES_MAX ?
                trees.withMarkerBefore(before, RiskModel.SAMPLE_MARKER, period) : trees.withPeriod(period), trees,
                random, 100, "round " + round + " with a sample marker before tree " + before);
        }
        assertTrue(narrowModels >= 25 && wideModels >= 25 && exitModels >= 40,
            "both evaluations and the exit exercised: narrow " + narrowModels + ", wide " + wideModels + ", exit " +
                exitModels);
    }

    /**
     * Models of a few trees (1 to a few more than {@link LaneSelect#FEW_LANES}, so that their ranges go through the
     * lane-by-lane pass or the select loops, and, with an exit marker, a short range after it): the same scores,
     * individual scores, counts and reasons as the packed walk.
     */
    @Test
    void modelsOfFewTreesScoreAsThePackedWalk()
    {
        final SplittableRandom random = new SplittableRandom(20261207);
        int exitModels = 0;
        for (int count = 1; count <= LaneSelect.FEW_LANES + 3; count++)
        {
            for (int kind = 0; kind < 2; kind++)
            {
                Trees trees = randomTrees(random, count, NARROW_EDGES, false, false);
                if (kind == 1)
                {
                    trees = trees.withExitBefore(random.nextInt(trees.firstGroupTree() + 1),
                        random.nextInt(-3_000, 3_001));
                    exitModels++;
                }
                assertTrue(trees.load().narrow(), count + " trees, kind " + kind + ": narrow");
                compare(trees, random, 400, count + " trees, kind " + kind);
            }
        }
        assertEquals(LaneSelect.FEW_LANES + 3, exitModels);
    }

    /**
     * A model of one stage and no exit marker sums all 256 lanes (LaneSums.all), so the lanes beyond its last must
     * select 0 even when the slot held a bigger model before: v31 (240 trees, all of them group trees) committed over
     * v24 (256), and random one-stage models over random 255-tree ones, score as the packed walk.
     */
    @Test
    void aOneStageModelCommittedOverABiggerOneScoresAsThePackedWalk() throws IOException
    {
        final SplittableRandom random = new SplittableRandom(56);
        final RiskModels models = new RiskModels();
        final List<Trees[]> pairs = new ArrayList<>();
        pairs.add(new Trees[]{read(SHIPPED_MODELS.resolve("model-v24.txt")),
            read(SHIPPED_MODELS.resolve("model-v31.txt"))});
        while (pairs.size() < 6)
        {
            final Trees smaller = randomTrees(random, 20 + random.nextInt(200), NARROW_EDGES, false, false);
            if (smaller.firstGroupTree() == smaller.count())
            {
                pairs.add(new Trees[]{randomTrees(random, 255, NARROW_EDGES, false, false), smaller});
            }
        }
        final long[] x = new long[FEATURES];
        for (final Trees[] pair : pairs)
        {
            commit(models, RiskModels.SLOT_ACTIVE, pair[0]);
            commit(models, RiskModels.SLOT_ACTIVE, pair[1]);
            final RiskModel model = models.slot(RiskModels.SLOT_ACTIVE);
            assertTrue(model.narrow());
            final PackedWalk reference = pair[1].reference();
            for (int sample = 0; sample < 1_000; sample++)
            {
                randomFeatures(pair[1], random, x);
                final String at = pair[1].count() + " trees over " + pair[0].count() + ", sample " + sample;
                assertEquals(reference.score(x), model.score(x), at);
                assertEquals(reference.individualScore, model.individualScore(), at);
            }
        }
    }

    @Test
    void narrowOnlyWhereTheClampIsExact()
    {
        final int[] f = {RiskFeatures.LOG_AMOUNT, RiskFeatures.LOG_AMOUNT, RiskFeatures.LOG_AMOUNT};
        final int[] l = {1, 2, 3, 4};
        assertTrue(new Trees(f, new long[]{LIMIT - 1, -LIMIT + 1, 0}, l, 0, 0).load().narrow());
        assertFalse(new Trees(f, new long[]{LIMIT, 0, 0}, l, 0, 0).load().narrow());
        assertFalse(new Trees(f, new long[]{0, -LIMIT, 0}, l, 0, 0).load().narrow());
        assertFalse(new Trees(f, new long[]{0, Long.MAX_VALUE, 0}, l, 0, 0).load().narrow());
        assertTrue(new Trees(f, new long[]{0, Long.MIN_VALUE, 0}, l, 0, 0).load().narrow(), "never below: narrow");
        assertFalse(new Trees(f, new long[]{0, 0, 0}, new int[]{Integer.MIN_VALUE, 0, 0, 0}, 0, 0).load().narrow(),
            "a leaf sum that could overflow an int");
        final SplittableRandom random = new SplittableRandom(7);
        for (final long threshold : EDGES)
        {
            compare(new Trees(f, new long[]{threshold, threshold, -threshold}, l, 0, 0), random, 200,
                "threshold " + threshold);
        }
    }

    @Test
    void shippedModelsScoreAsThePackedWalk() throws IOException
    {
        final List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(SHIPPED_MODELS, "model-v*.txt"))
        {
            dir.forEach(files::add);
        }
        assertTrue(files.size() >= 7, "the shipped models in " + SHIPPED_MODELS.toAbsolutePath() + ": " + files);
        final SplittableRandom random = new SplittableRandom(8);
        for (final Path file : files)
        {
            final Trees trees = read(file);
            assertTrue(trees.load().narrow(), file + " evaluates narrow");
            compare(trees, random, 3_000, file.getFileName().toString());
            compare(trees.withPeriod(8), trees, random, 300, file.getFileName() + " carrying a shadow sample");
            for (final int before : new int[]{0, 1, 24, 64, trees.firstGroupTree()})
            {
                // A model shipped with its exit (v11 on) is compared as it is: one marker per model.
                if (before <= trees.firstGroupTree() && !trees.hasExit())
                {
                    compare(trees.withExitBefore(before, random.nextInt(-2_000, 1_000)), random, 1_000,
                        file.getFileName() + " with an exit before tree " + before);
                }
            }
        }
    }

    @Test
    void aRestoredModelEvaluatesAsTheOriginal() throws IOException
    {
        // The lanes are derived, not in the snapshot: a restored engine must derive them again (and the challenger's).
        final Trees active = read(SHIPPED_MODELS.resolve("model-v8.txt")).withExitBefore(24, -1_500);
        final Trees challenger = randomTrees(new SplittableRandom(3), NARROW_EDGES, false, false);
        final Engine engine = new Engine(EngineConfig.small());
        commit(RiskAccess.of(engine).models, RiskModels.SLOT_ACTIVE, active);
        commit(RiskAccess.of(engine).models, RiskModels.SLOT_CHALLENGER, challenger);
        final MemorySnapshot snapshot = new MemorySnapshot();
        engine.writeSnapshot(snapshot);
        final Engine restored = new Engine(EngineConfig.small());
        restored.readSnapshot(snapshot);
        assertEquals(engine.stateHash(), restored.stateHash());
        final SplittableRandom random = new SplittableRandom(9);
        final long[] x = new long[FEATURES];
        for (final int slot : new int[]{RiskModels.SLOT_ACTIVE, RiskModels.SLOT_CHALLENGER})
        {
            final Trees trees = slot == RiskModels.SLOT_ACTIVE ? active : challenger;
            final RiskModel original = RiskAccess.of(engine).models.slot(slot);
            final RiskModel copy = RiskAccess.of(restored).models.slot(slot);
            final PackedWalk reference = trees.reference();
            assertTrue(copy.narrow());
            for (int sample = 0; sample < 2_000; sample++)
            {
                randomFeatures(trees, random, x);
                final int score = reference.score(x);
                assertEquals(score, original.score(x), "slot " + slot + " sample " + sample);
                assertEquals(score, copy.score(x), "slot " + slot + " sample " + sample);
                assertEquals(reference.individualScore, copy.individualScore());
                assertEquals(reference.reasons(x), copy.reasons(x));
            }
        }
    }

    @Test
    void bothSlotsScoreFromOneClampOfTheFeatures() throws IOException
    {
        // The engine clamps a payment's features once for both slots (RiskModels.clampFeatures) and each model reads
        // that array: the shipped pair (v31 active, v24 with its exit as the challenger), then a narrow and a wide one.
        final Trees[][] pairs = {
            {read(SHIPPED_MODELS.resolve("model-v31.txt")), read(SHIPPED_MODELS.resolve("model-v24.txt"))},
            {randomTrees(new SplittableRandom(11), NARROW_EDGES, false, false),
                randomTrees(new SplittableRandom(12), EDGES, true, false)},
        };
        final SplittableRandom random = new SplittableRandom(10);
        final long[] x = new long[FEATURES];
        for (final Trees[] pair : pairs)
        {
            final RiskModels models = new RiskModels();
            commit(models, RiskModels.SLOT_ACTIVE, pair[0]);
            commit(models, RiskModels.SLOT_CHALLENGER, pair[1]);
            final PackedWalk[] references = {pair[0].reference(), pair[1].reference()};
            for (int sample = 0; sample < 2_000; sample++)
            {
                randomFeatures(pair[sample & 1], random, x);
                models.clampFeatures(x);
                for (int slot = 0; slot < 2; slot++)
                {
                    final RiskModel model = models.slot(slot == 0 ? RiskModels.SLOT_ACTIVE :
                        RiskModels.SLOT_CHALLENGER);
                    final String at = "slot " + slot + " sample " + sample;
                    final int individual = models.scoreIndividual(model, x);
                    assertEquals(references[slot].score(x), models.score(model, x), at);
                    assertEquals(references[slot].individualScore, model.individualScore(), at);
                    assertEquals(references[slot].individualScore, individual, at + ": the individual stage alone");
                }
            }
        }
        // The gather reads the clamped features without bounds checks: an array of another length is refused.
        final RiskModel model = read(SHIPPED_MODELS.resolve("model-v24.txt")).load();
        assertThrows(IllegalArgumentException.class, () -> model.score(x, new int[RiskFeatures.COUNT]));
    }

    @Test
    void aSampleMarkerIsOneTreeOfZeroLeavesThatOnlyCarriesThePeriod() throws IOException
    {
        final Trees v24 = read(SHIPPED_MODELS.resolve("model-v24.txt"));
        final Trees v31 = read(SHIPPED_MODELS.resolve("model-v31.txt"));
        final RiskModels models = new RiskModels();
        commit(models, RiskModels.SLOT_CHALLENGER, v24.withPeriod(8));
        assertEquals(8, models.challenger.shadowSamplePeriod(), "in v24's exit marker (256 trees: full)");
        assertEquals(v24.count(), models.challenger.treeCount());
        commit(models, RiskModels.SLOT_CHALLENGER, v31.withPeriod(16));
        assertEquals(16, models.challenger.shadowSamplePeriod(), "a marker of its own");
        assertEquals(v31.count() + 1, models.challenger.treeCount());
        assertEquals(ResultCode.OK, models.control(RiskModels.SLOT_CHALLENGER, RiskModelOp.CLEAR.value(), 0, 0, 0, 0));
        assertEquals(0, models.challenger.shadowSamplePeriod());
        commit(models, RiskModels.SLOT_CHALLENGER, v24);
        assertEquals(0, models.challenger.shadowSamplePeriod(), "no period: every command");
        assertFalse(RiskModels.validTree(RiskModel.SAMPLE_MARKER, 0, 0, 0, 1, 0, 0, RiskFeatures.COUNT),
            "a marker's leaves are 0");
        assertFalse(RiskModels.validTree(RiskModel.SAMPLE_MARKER, 0, RiskFeatures.COUNT, 0, 0, 0, 0,
            RiskFeatures.COUNT), "a marker's children are features");
        // Two sample markers: COMMIT refuses the load (and the slot keeps what it had).
        final Trees twice = v31.withPeriod(8).withMarkerBefore(3, RiskModel.SAMPLE_MARKER, 4);
        assertEquals(ResultCode.OK, models.control(RiskModels.SLOT_CHALLENGER, RiskModelOp.BEGIN.value(), 9,
            twice.count(), 0, 0));
        for (int tree = 0; tree < twice.count(); tree++)
        {
            final int n = tree * 3;
            final int l = tree * 4;
            models.stageTree(twice.features[n], twice.thresholds[n], twice.features[n + 1], twice.thresholds[n + 1],
                twice.features[n + 2], twice.thresholds[n + 2], twice.leaves[l], twice.leaves[l + 1],
                twice.leaves[l + 2], twice.leaves[l + 3]);
        }
        assertEquals(ResultCode.RISK_MODEL_INVALID,
            models.control(RiskModels.SLOT_CHALLENGER, RiskModelOp.COMMIT.value(), 9, 0, 0, 0));
        assertEquals(7, models.challenger.version(), "the slot keeps the model it had");
    }

    /** Loads {@code trees} into a slot through the engine's load steps (BEGIN, TREES one at a time, COMMIT). */
    static void commit(final RiskModels models, final int slot, final Trees trees)
    {
        assertEquals(ResultCode.OK, models.control(slot, RiskModelOp.BEGIN.value(), 7, trees.count(),
            trees.declineScore(), trees.flagScore()));
        for (int tree = 0; tree < trees.count(); tree++)
        {
            assertEquals(ResultCode.OK, models.checkTrees(slot, 7, tree, 1));
            final int n = tree * 3;
            final int l = tree * 4;
            models.stageTree(trees.features[n], trees.thresholds[n], trees.features[n + 1], trees.thresholds[n + 1],
                trees.features[n + 2], trees.thresholds[n + 2], trees.leaves[l], trees.leaves[l + 1],
                trees.leaves[l + 2], trees.leaves[l + 3]);
        }
        assertEquals(ResultCode.OK, models.control(slot, RiskModelOp.COMMIT.value(), 7, 0, 0, 0));
    }

    /** perf's model file format (wodian-risk-model 1): version, declineScore, flagScore and one line per tree. */
    static Trees read(final Path file) throws IOException
    {
        final List<String> lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        assertEquals("wodian-risk-model 1", lines.get(0).trim());
        int decline = Integer.MAX_VALUE;
        int flag = Integer.MAX_VALUE;
        final List<String[]> rows = new ArrayList<>();
        for (final String line : lines.subList(1, lines.size()))
        {
            final String[] parts = line.trim().split("\\s+");
            switch (parts[0])
            {
                case "declineScore" -> decline = Integer.parseInt(parts[1]);
                case "flagScore" -> flag = Integer.parseInt(parts[1]);
                case "tree" -> rows.add(parts);
                default -> { }
            }
        }
        final int[] f = new int[rows.size() * 3];
        final long[] t = new long[rows.size() * 3];
        final int[] l = new int[rows.size() * 4];
        for (int tree = 0; tree < rows.size(); tree++)
        {
            final String[] parts = rows.get(tree);
            assertEquals(11, parts.length, file + " tree " + tree);
            for (int node = 0; node < 3; node++)
            {
                f[tree * 3 + node] = Integer.parseInt(parts[1 + node * 2]);
                t[tree * 3 + node] = Long.parseLong(parts[2 + node * 2]);
            }
            for (int leaf = 0; leaf < 4; leaf++)
            {
                l[tree * 4 + leaf] = Integer.parseInt(parts[7 + leaf]);
            }
        }
        return new Trees(f, t, l, decline, flag);
    }
}
