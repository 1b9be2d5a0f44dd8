package com.wodian.engine.risk;

import com.wodian.engine.table.SnapshotReader;
import com.wodian.engine.table.SnapshotWriter;
import com.wodian.engine.table.StateHash;
import org.agrona.UnsafeApi;

/**
 * A scoring model of boosted depth-2 trees over the integer features of {@link RiskFeatures}, trained offline
 * ({@code wodian risk-train}) and loaded with SetRiskModel. Everything is integer: a node tests
 * {@code feature < threshold}, a leaf adds its score (milli-logits by convention), so a model scores the same on
 * every node and in every replay. Evaluation is bounded by {@link #TREES_MAX} trees of three comparisons each (all
 * three nodes are compared, see the lanes) and allocates nothing.
 *
 * <p>A model is loaded in steps (BEGIN, TREES..., COMMIT) into a staging area, so a half-loaded model never scores:
 * COMMIT swaps the staged trees in only when all of them arrived in order.
 *
 * <p><b>Early exit.</b> A tree whose node 0 names {@link #EXIT_MARKER} instead of a feature (its leaves 0) is an exit
 * point: when the sum of the trees before it is below its threshold0, the trees after it are not walked and the score
 * is that sum. The trainer puts one after a few dozen trees, with a threshold well below any score that could still be
 * flagged, so most payments pay for those trees only; the marker is part of the journaled model, so replay and
 * standbys stop at the same payments.
 */
public final class RiskModel
{
    public static final int TREES_MAX = 256;
    static final int TREES_PER_MESSAGE_MAX = 4;
    public static final int NO_REASON = 255;
    /** Node 0's feature id of an exit marker tree (see the class comment): no feature has this id. */
    public static final int EXIT_MARKER = 255;
    /**
     * The feature id that marks the period P of the challenger's shadow sample (docs/risk.md "The
     * challenger's shadow sample"): at node 0 of a marker tree of its own (P its threshold 0; leaves 0, never a
     * lane), or at node 1 of the exit marker (P its threshold 1). Code before it refused the id, so no earlier journal
     * holds it.
     */
    public static final int SAMPLE_MARKER = 254;

    // Per tree: features and thresholds of nodes 0, 1 (left of 0), 2 (right of 0); leaves LL, LR, RL, RR.
    private final int[] features = new int[TREES_MAX * 3];
    private final long[] thresholds = new long[TREES_MAX * 3];
    private final int[] leaves = new int[TREES_MAX * 4];
    private long version;
    private int treeCount;
    private int declineScore;
    private int flagScore;
    private long scored;
    private long atDeclineScore;
    private long atFlagScore;
    private final long[] reasonScores = new long[RiskFeatures.COUNT];
    /**
     * Trees before the first one that tests a group feature (what the active model found suspicious lately, features
     * 53-56): their sum is the payment's individual score, which decides the flag and feeds the group features, so a
     * model's own group trees never feed back into what they read. A model without group trees: all of them.
     * Derived from the trees on COMMIT and snapshot load.
     */
    private int groupStart;
    private int individualScore;
    /**
     * The exit marker tree's index ({@link #treeCount} when none) and its threshold: below it after the trees before
     * the marker, scoring stops. Derived from the trees on COMMIT and snapshot load; the marker is among the individual
     * trees (COMMIT refuses one after the first group tree, or two).
     */
    private int exitTree;
    private long exitScore;
    /** The shadow-sample marker's tree ({@link #treeCount} when none) and its period (0: none, every command). */
    private int sampleTree;
    private long shadowSamplePeriod;

    boolean loaded()
    {
        return treeCount > 0;
    }

    public long version()
    {
        return version;
    }

    public int treeCount()
    {
        return treeCount;
    }

    public int declineScore()
    {
        return declineScore;
    }

    public int flagScore()
    {
        return flagScore;
    }

    public long scored()
    {
        return scored;
    }

    public long atDeclineScore()
    {
        return atDeclineScore;
    }

    public long atFlagScore()
    {
        return atFlagScore;
    }

    void clear()
    {
        version = 0;
        treeCount = 0;
        groupStart = 0;
        exitTree = 0;
        sampleTree = 0;
        shadowSamplePeriod = 0;
        declineScore = 0;
        flagScore = 0;
        scored = 0;
        atDeclineScore = 0;
        atFlagScore = 0;
        deriveLanes();
    }

    /** Starts a staged model (this instance is the staging area). */
    void begin(final long version, final int treeCount, final int declineScore, final int flagScore)
    {
        clear();
        this.version = version;
        this.declineScore = declineScore;
        this.flagScore = flagScore;
        this.expectedTrees = treeCount;
    }

    private int expectedTrees;

    int expectedTrees()
    {
        return expectedTrees;
    }

    int stagedTrees()
    {
        return stagedTrees;
    }

    private int stagedTrees;

    /** Stages one tree; the caller checked the feature ids and the order. */
    void stageTree(final int f0, final long t0, final int f1, final long t1, final int f2, final long t2,
        final int leafLeftLeft, final int leafLeftRight, final int leafRightLeft, final int leafRightRight)
    {
        final int tree = stagedTrees++;
        features[tree * 3] = f0;
        features[tree * 3 + 1] = f1;
        features[tree * 3 + 2] = f2;
        thresholds[tree * 3] = t0;
        thresholds[tree * 3 + 1] = t1;
        thresholds[tree * 3 + 2] = t2;
        leaves[tree * 4] = leafLeftLeft;
        leaves[tree * 4 + 1] = leafLeftRight;
        leaves[tree * 4 + 2] = leafRightLeft;
        leaves[tree * 4 + 3] = leafRightRight;
    }

    /** Makes the staged trees this model's (called on the staging instance, copied into the slot by the caller). */
    void copyFrom(final RiskModel staged)
    {
        System.arraycopy(staged.features, 0, features, 0, staged.stagedTrees * 3);
        System.arraycopy(staged.thresholds, 0, thresholds, 0, staged.stagedTrees * 3);
        System.arraycopy(staged.leaves, 0, leaves, 0, staged.stagedTrees * 4);
        version = staged.version;
        treeCount = staged.stagedTrees;
        deriveStages();
        declineScore = staged.declineScore;
        flagScore = staged.flagScore;
        scored = 0;
        atDeclineScore = 0;
        atFlagScore = 0;
    }

    void unstage(final int trees)
    {
        stagedTrees = Math.min(stagedTrees, trees);
    }

    void resetStaging()
    {
        stagedTrees = 0;
        expectedTrees = 0;
        version = 0;
    }

    /**
     * 0 when {@code x < threshold}, else 1, without a branch (signed compare from the sign of the difference,
     * corrected for overflow): a tree walk's outcome is as good as random to the branch predictor, and a
     * mispredicted branch per node cost more than the rest of the walk.
     */
    static int atOrAbove(final long x, final long threshold)
    {
        final long difference = x - threshold;
        return 1 - (int)((difference ^ ((x ^ threshold) & (difference ^ x))) >>> 63);
    }

    /**
     * The trees as the evaluation reads them ("lanes": the trees in order, the exit marker left out), derived from the
     * arrays above on COMMIT and snapshot load; the arrays stay the model's state for the snapshot, the hash and
     * {@link #reasons}. Per lane: the three nodes' feature ids and thresholds, and the leaves as the select below
     * needs them (LR, LL - LR, RR, RL - RR). Each field is its own array, lane after lane, so that the select loops
     * of {@link #evaluate} read every array with stride 1 and the JIT compiles them to vector instructions: a walk tree
     * by tree is a chain of dependent loads (feature id, feature value, threshold, child's feature id, ...) and ~30
     * instructions per tree; this is a gather of each tree's three feature values (scalar loads and stores) and about
     * a dozen vector operations per 16 trees. The three feature ids of a lane are one int, a byte each (node 0's in
     * the low byte), read with one load.
     */
    private final int[] laneFeatures = new int[TREES_MAX];
    private final int[] laneThreshold0 = new int[TREES_MAX];
    private final int[] laneThreshold1 = new int[TREES_MAX];
    private final int[] laneThreshold2 = new int[TREES_MAX];
    private final int[] laneLeftRight = new int[TREES_MAX];
    private final int[] laneLeftDelta = new int[TREES_MAX];
    private final int[] laneRightRight = new int[TREES_MAX];
    private final int[] laneRightDelta = new int[TREES_MAX];
    /** Scratch of one evaluation: each lane's three feature values (gathered), and the features clamped to int. */
    private final int[] laneValue0 = new int[TREES_MAX];
    private final int[] laneValue1 = new int[TREES_MAX];
    private final int[] laneValue2 = new int[TREES_MAX];
    private final int[] narrowFeatures = newNarrowFeatures();
    /**
     * {@link #narrowFeatures}' length: one slot for every byte value, so that a feature id read from a lane (a
     * byte) is always inside it, which lets {@link #gather} read it without a bounds check. Ids from
     * {@link RiskFeatures#COUNT} on are never written (0) and no lane names one (staging checks every id).
     */
    private static final int FEATURE_SLOTS = 256;
    private static final long INT_ARRAY_BASE = UnsafeApi.arrayBaseOffset(int[].class);
    private static final int INT_SHIFT = Integer.numberOfTrailingZeros(UnsafeApi.arrayIndexScale(int[].class));
    /** The tree of each lane, for the wide evaluation. */
    private final int[] laneTree = new int[TREES_MAX];
    private int laneCount;
    /** Lanes before the first group tree (the individual score) and before the exit marker (all of them: none). */
    private int individualLanes;
    private int exitLanes;
    private boolean hasExit;
    /**
     * Every threshold in [-NARROW_LIMIT + 1, NARROW_LIMIT - 1] (or {@code Long.MIN_VALUE}, see
     * {@link #narrowThreshold}) and the largest leaves' sum below 2^31: then a feature
     * value clamped to [-NARROW_LIMIT, NARROW_LIMIT - 1] compares with each threshold as the value itself does (a value
     * at or above the upper limit is at or above every threshold, one at or below the lower limit below every one),
     * {@code value - threshold} cannot overflow an int, and neither can a sum of leaves. Otherwise (no trained model
     * comes near: features are counts, shares and log amounts) the wide evaluation walks the arrays above.
     */
    private boolean narrow;
    static final int NARROW_LIMIT = 1 << 30;

    private void deriveLanes()
    {
        laneCount = 0;
        individualLanes = 0;
        exitLanes = -1;
        long leafBound = 0;
        boolean thresholdsNarrow = true;
        for (int tree = 0; tree < treeCount; tree++)
        {
            if (tree == groupStart)
            {
                individualLanes = laneCount;
            }
            if (tree == exitTree)
            {
                exitLanes = laneCount;
                continue;
            }
            if (tree == sampleTree)
            {
                continue;
            }
            final int lane = laneCount++;
            final int node = tree * 3;
            laneTree[lane] = tree;
            laneFeatures[lane] = (features[node] & 0xFF) | (features[node + 1] & 0xFF) << 8 |
                (features[node + 2] & 0xFF) << 16;
            thresholdsNarrow &= narrowThreshold(thresholds[node]) && narrowThreshold(thresholds[node + 1]) &&
                narrowThreshold(thresholds[node + 2]);
            laneThreshold0[lane] = narrowed(thresholds[node]);
            laneThreshold1[lane] = narrowed(thresholds[node + 1]);
            laneThreshold2[lane] = narrowed(thresholds[node + 2]);
            final int leftLeft = leaves[tree * 4];
            final int leftRight = leaves[tree * 4 + 1];
            final int rightLeft = leaves[tree * 4 + 2];
            final int rightRight = leaves[tree * 4 + 3];
            // Differences may wrap: the select adds them back with the same wrap, so a lane's value is a leaf exactly.
            laneLeftRight[lane] = leftRight;
            laneLeftDelta[lane] = leftLeft - leftRight;
            laneRightRight[lane] = rightRight;
            laneRightDelta[lane] = rightLeft - rightRight;
            leafBound += Math.max(Math.max(Math.abs((long)leftLeft), Math.abs((long)leftRight)),
                Math.max(Math.abs((long)rightLeft), Math.abs((long)rightRight)));
        }
        if (groupStart >= treeCount)
        {
            individualLanes = laneCount;
        }
        hasExit = exitLanes >= 0;
        if (!hasExit)
        {
            exitLanes = individualLanes;
        }
        else if (exitLanes > individualLanes)
        {
            throw new IllegalStateException("exit marker tree " + exitTree + " after the first group tree " +
                groupStart + " (COMMIT refuses that)");
        }
        narrow = thresholdsNarrow && leafBound <= Integer.MAX_VALUE;
        // Lanes beyond the last select to 0 whatever they gather, so that the sum of all lanes is the model's.
        for (int lane = laneCount; lane < TREES_MAX; lane++)
        {
            laneLeftRight[lane] = 0;
            laneLeftDelta[lane] = 0;
            laneRightRight[lane] = 0;
            laneRightDelta[lane] = 0;
        }
        sumsAllLanes = narrow && !hasExit && (individualLanes == 0 || individualLanes == laneCount) &&
            laneCount > LaneSelect.FEW_LANES;
    }

    /**
     * A narrow model of one stage (all its trees individual, or all group trees, like v31) and no exit marker, too big
     * for {@link LaneSelect#few}: its whole score is the sum of all {@link #TREES_MAX} selected lanes
     * ({@link LaneSums#all}, folded in vector adds) instead of a running sum over its lanes.
     */
    private boolean sumsAllLanes;

    /** Does this model evaluate narrow (see {@link #narrow})? */
    boolean narrow()
    {
        return narrow;
    }

    /**
     * Within the narrow range, or {@code Long.MIN_VALUE}: no value is below that (a node that always goes right, as
     * trainers write them), and no clamped value is below -NARROW_LIMIT either.
     */
    private static boolean narrowThreshold(final long threshold)
    {
        return threshold == Long.MIN_VALUE || (threshold > -NARROW_LIMIT && threshold < NARROW_LIMIT);
    }

    private static int narrowed(final long threshold)
    {
        return threshold == Long.MIN_VALUE ? -NARROW_LIMIT : (int)threshold;
    }

    /**
     * The features clamped into the narrow range (see {@link #narrow}), into an array of {@link #FEATURE_SLOTS} ints
     * (ids from {@link RiskFeatures#COUNT} on are never written). Once per payment for every narrow model that scores
     * it: {@link RiskModels#clampFeatures} fills one array that both slots read ({@link #score(long[], int[])}).
     */
    static void clampFeatures(final long[] x, final int[] clamped)
    {
        for (int feature = 0; feature < RiskFeatures.COUNT; feature++)
        {
            clamped[feature] = (int)Math.max(-NARROW_LIMIT, Math.min(NARROW_LIMIT - 1, x[feature]));
        }
    }

    /** An array for {@link #clampFeatures}: one slot for every feature id a lane can name (see {@link #gather}). */
    static int[] newNarrowFeatures()
    {
        return new int[FEATURE_SLOTS];
    }

    /**
     * Picks the leaf of lanes {@code [fromLane, toLane)} of a narrow model (a wide one: nothing) into
     * {@link #laneValue2}: gathers each lane's three feature values, then chooses without a branch.
     * {@code (value - threshold) >> 31} is all ones when the value is below the threshold (no overflow in the narrow
     * range); node 1's mask picks {@code LR + (LL - LR)}, node 2's {@code RR + (RL - RR)}, node 0's the left or the
     * right of those. Each of the three select loops reads and writes a few arrays in order and nothing else, over all
     * {@link #TREES_MAX} lanes, the shape the JIT (C2's SuperWord) compiles to vector instructions whatever models it
     * has seen (measured on JDK 17): one loop doing all three steps was not vectorized (4x slower), nor was a loop that
     * also sums, and loops over the model's lanes only were, but not when the JIT compiled them while a model of a few
     * trees was scoring (C2 unrolls by the trip count it profiled: a 175-tree model then took twice as long). So the
     * select costs the same for every model; the gather and the sums go by the model's trees. A range of at most
     * {@link LaneSelect#FEW_LANES} lanes (a hand-written model of a few trees) is picked lane by lane instead.
     */
    private void evaluate(final int fromLane, final int toLane, final int[] clamped)
    {
        if (!narrow)
        {
            return;
        }
        if (toLane - fromLane <= LaneSelect.FEW_LANES)
        {
            LaneSelect.few(fromLane, toLane, clamped, laneFeatures, laneValue2, laneThreshold0, laneThreshold1,
                laneThreshold2, laneLeftRight, laneLeftDelta, laneRightRight, laneRightDelta);
            return;
        }
        gather(fromLane, toLane, clamped);
        final int[] value0 = laneValue0;
        final int[] value1 = laneValue1;
        final int[] value2 = laneValue2;
        final int[] threshold0 = laneThreshold0;
        final int[] threshold1 = laneThreshold1;
        final int[] threshold2 = laneThreshold2;
        final int[] leftRight = laneLeftRight;
        final int[] leftDelta = laneLeftDelta;
        final int[] rightRight = laneRightRight;
        final int[] rightDelta = laneRightDelta;
        // Every lane, whatever the range: a trip count known when the JIT compiles (see above). Lanes outside the range
        // (before it, after it, after the model's last) get values nobody sums.
        for (int lane = 0; lane < TREES_MAX; lane++)
        {
            value1[lane] = leftRight[lane] + (((value1[lane] - threshold1[lane]) >> 31) & leftDelta[lane]);
        }
        for (int lane = 0; lane < TREES_MAX; lane++)
        {
            value2[lane] = rightRight[lane] + (((value2[lane] - threshold2[lane]) >> 31) & rightDelta[lane]);
        }
        for (int lane = 0; lane < TREES_MAX; lane++)
        {
            value2[lane] += ((value0[lane] - threshold0[lane]) >> 31) & (value1[lane] - value2[lane]);
        }
    }

    /**
     * Each lane's three feature values, of lanes {@code [fromLane, toLane)} (scalar loads and stores). The feature
     * values are read without a bounds check: an id is a byte, below {@link #FEATURE_SLOTS}, the array's length, by
     * construction, but the JIT cannot know an instance array's length, and a checked read is a compare and a branch
     * per node (765 for a 255-lane model, more than the loads and stores themselves cost: ~57 of ~390 ns per score).
     */
    private void gather(final int fromLane, final int toLane, final int[] clamped)
    {
        final int[] featureIds = laneFeatures;
        final int[] value0 = laneValue0;
        final int[] value1 = laneValue1;
        final int[] value2 = laneValue2;
        for (int lane = fromLane; lane < toLane; lane++)
        {
            final int ids = featureIds[lane];
            value0[lane] = UnsafeApi.getInt(clamped, INT_ARRAY_BASE + ((long)(ids & 0xFF) << INT_SHIFT));
            value1[lane] = UnsafeApi.getInt(clamped, INT_ARRAY_BASE + ((long)((ids >>> 8) & 0xFF) << INT_SHIFT));
            value2[lane] = UnsafeApi.getInt(clamped, INT_ARRAY_BASE + ((long)(ids >>> 16) << INT_SHIFT));
        }
    }

    /**
     * {@link #evaluate} for the lanes before the exit marker (a narrow model with one; a wide one: nothing): the same
     * gather and select, but the select loops run over those lanes only (a few dozen), not all {@link #TREES_MAX}, so
     * a payment that stops at the marker selects only them, and one that goes on selects all lanes once more
     * ({@link #evaluate} from the marker on; the lanes before it are summed by then, so selecting them again is
     * harmless). With the select over all lanes here too, a payment that went on paid for it twice, more than the
     * exit saved on traffic that rarely stops. A loop over a variable number of lanes is unrolled by the trip count
     * the JIT profiled (see {@link #evaluate}): this one only ever runs over the loaded models' first stages.
     */
    private void evaluateBeforeExit(final int[] clamped)
    {
        if (!narrow)
        {
            return;
        }
        final int lanes = exitLanes;
        gather(0, lanes, clamped);
        final int[] value0 = laneValue0;
        final int[] value1 = laneValue1;
        final int[] value2 = laneValue2;
        final int[] threshold0 = laneThreshold0;
        final int[] threshold1 = laneThreshold1;
        final int[] threshold2 = laneThreshold2;
        final int[] leftRight = laneLeftRight;
        final int[] leftDelta = laneLeftDelta;
        final int[] rightRight = laneRightRight;
        final int[] rightDelta = laneRightDelta;
        for (int lane = 0; lane < lanes; lane++)
        {
            value1[lane] = leftRight[lane] + (((value1[lane] - threshold1[lane]) >> 31) & leftDelta[lane]);
        }
        for (int lane = 0; lane < lanes; lane++)
        {
            value2[lane] = rightRight[lane] + (((value2[lane] - threshold2[lane]) >> 31) & rightDelta[lane]);
        }
        for (int lane = 0; lane < lanes; lane++)
        {
            value2[lane] += ((value0[lane] - threshold0[lane]) >> 31) & (value1[lane] - value2[lane]);
        }
    }

    /**
     * The sum of the leaves of lanes {@code [fromLane, toLane)}: of a narrow model, those {@link #evaluate} picked (an
     * int sum cannot overflow, see {@link #narrow}); of a wide one, the textbook walk over the arrays.
     */
    private long sum(final int fromLane, final int toLane, final long[] x)
    {
        if (narrow)
        {
            return LaneSums.range(laneValue2, fromLane, toLane);
        }
        long sum = 0;
        for (int lane = fromLane; lane < toLane; lane++)
        {
            sum += leaves[leaf(laneTree[lane], x)];
        }
        return sum;
    }

    private int leaf(final int tree, final long[] x)
    {
        final int node = tree * 3;
        final int right = atOrAbove(x[features[node]], thresholds[node]);
        final int child = node + 1 + right;
        return tree * 4 + right * 2 + atOrAbove(x[features[child]], thresholds[child]);
    }

    /** Does any node of the loaded trees test {@code feature}? */
    boolean uses(final int feature)
    {
        for (int node = 0; node < treeCount * 3; node++)
        {
            if (features[node] == feature)
            {
                return true;
            }
        }
        return false;
    }

    private void deriveStages()
    {
        groupStart = RiskModelTrees.firstGroupTree(features, treeCount);
        exitTree = treeCount;
        for (int tree = 0; tree < treeCount; tree++)
        {
            if (RiskModelTrees.isExitMarker(features, tree))
            {
                exitTree = tree;
                break;
            }
        }
        exitScore = exitTree < treeCount ? thresholds[exitTree * 3] : 0;
        sampleTree = treeCount;
        shadowSamplePeriod = 0;
        for (int tree = 0; tree < treeCount; tree++)
        {
            final int node = RiskModelTrees.periodNode(features, tree);
            if (node >= 0)
            {
                sampleTree = features[tree * 3] == SAMPLE_MARKER ? tree : sampleTree;
                shadowSamplePeriod = thresholds[node];
            }
        }
        deriveLanes();
    }

    /** Staged trees usable: at most one exit marker, none after the first group tree; at most one sample marker. */
    boolean stagedExitValid()
    {
        return RiskModelTrees.markersValid(features, stagedTrees);
    }

    /** Is this a tree the engine can stage: three valid features, or an exit marker (node 0 EXIT_MARKER, leaves 0)? */
    static boolean validTree(final int f0, final int f1, final int f2, final int leaf0, final int leaf1,
        final int leaf2, final int leaf3)
    {
        return validTree(f0, f1, f2, leaf0, leaf1, leaf2, leaf3, RiskFeatures.COUNT);
    }

    /** The same, for a message that may name only the first {@code featureCount} features. */
    static boolean validTree(final int f0, final int f1, final int f2, final int leaf0, final int leaf1,
        final int leaf2, final int leaf3, final int featureCount)
    {
        final boolean children =
            RiskModels.validFeature(f1, featureCount) && RiskModels.validFeature(f2, featureCount);
        if (f0 == EXIT_MARKER || f0 == SAMPLE_MARKER)
        {
            // A marker's node 1 may carry the shadow sample's period instead of a feature (an exit marker has no room
            // of its own: a model of 256 trees, like v24, is full).
            return (RiskModels.validFeature(f1, featureCount) || f1 == SAMPLE_MARKER) &&
                RiskModels.validFeature(f2, featureCount) && (leaf0 | leaf1 | leaf2 | leaf3) == 0;
        }
        return children && RiskModels.validFeature(f0, featureCount);
    }

    private static int clamp(final long sum)
    {
        return (int)Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, sum));
    }

    /**
     * The score of a feature vector (all trees); the individual score (trees before the first group tree) is kept
     * for {@link #individualScore()}. Counts it against the decline score and, by its individual score, the flag
     * score. Public for benchmarks of the model alone (the engine calls it through {@link RiskControl}).
     */
    public int score(final long[] x)
    {
        if (narrow)
        {
            clampFeatures(x, narrowFeatures);
        }
        return score(x, narrowFeatures);
    }

    /**
     * {@link #score(long[])} of features already clamped into {@code clamped} ({@link #clampFeatures} of the same
     * {@code x}; read only by a narrow model): the engine clamps once per payment for both slots. {@code clamped} must
     * have {@link #FEATURE_SLOTS} ints, since the gather reads it without bounds checks: checked here, once per score.
     */
    int score(final long[] x, final int[] clamped)
    {
        final int score = evaluateScore(x, clamped, true);
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

    /**
     * The individual score only, for a challenger that fills the group features outside its shadow sample
     * (docs/risk.md, "The challenger's shadow sample"): {@link #score}'s {@link #individualScore()} of
     * the same features (the exit marker taken as there), without the group stage's lanes, and counted nowhere (the
     * slot's counters are its shadow statistics, kept on the sample).
     */
    int scoreIndividual(final long[] x, final int[] clamped)
    {
        return evaluateScore(x, clamped, false);
    }

    /** {@link #score} without its counters, the group stage only when {@code whole}; returns the (clamped) sum. */
    private int evaluateScore(final long[] x, final int[] clamped, final boolean whole)
    {
        if (clamped.length != FEATURE_SLOTS)
        {
            throw new IllegalArgumentException("clamped features: " + clamped.length + " slots, not " + FEATURE_SLOTS);
        }
        if (whole && sumsAllLanes)
        {
            evaluate(0, laneCount, clamped);
            final int sum = LaneSums.all(laneValue2);
            individualScore = individualLanes == 0 ? 0 : sum;
            return sum;
        }
        long sum;
        boolean exits = false;
        final int from = hasExit ? exitLanes : 0;
        if (hasExit)
        {
            evaluateBeforeExit(clamped);
            sum = sum(0, exitLanes, x);
            exits = sum < exitScore;
        }
        else
        {
            sum = 0;
        }
        if (!exits)
        {
            if (whole)
            {
                evaluate(from, laneCount, clamped);
            }
            else if (narrow)
            {
                gather(from, individualLanes, clamped);
                LaneSelect.range(from, individualLanes, laneValue0, laneValue1, laneValue2, laneThreshold0,
                    laneThreshold1, laneThreshold2, laneLeftRight, laneLeftDelta, laneRightRight, laneRightDelta);
            }
            sum += sum(from, individualLanes, x);
        }
        individualScore = clamp(sum);
        if (!exits && whole)
        {
            sum += sum(individualLanes, laneCount, x);
        }
        return clamp(sum);
    }

    /** The shadow sample's period of this model's sample marker (0: none), read in the CHALLENGER slot only. */
    public long shadowSamplePeriod()
    {
        return shadowSamplePeriod;
    }

    /** The last {@link #score}'s individual score: the flag, and "suspicious" for the group features, go by it. */
    public int individualScore()
    {
        return individualScore;
    }

    /**
     * The three features that raised the score most, packed one id per byte (largest first, {@link #NO_REASON} for
     * none): each positive leaf is credited half to the feature of the root and half to the feature of the node that
     * chose it. Called only for a hit, so the common path pays nothing for it.
     */
    public long reasons(final long[] x)
    {
        java.util.Arrays.fill(reasonScores, 0);
        for (int tree = 0; tree < treeCount; tree++)
        {
            if (tree == exitTree || tree == sampleTree)
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
        return RiskModelTrees.topThree(reasonScores);
    }

    void writeTo(final SnapshotWriter writer)
    {
        writer.writeLong(version);
        writer.writeLong(treeCount);
        writer.writeLong(declineScore);
        writer.writeLong(flagScore);
        writer.writeLong(scored);
        writer.writeLong(atDeclineScore);
        writer.writeLong(atFlagScore);
        writer.writeLong(expectedTrees);
        writer.writeLong(stagedTrees);
        final int trees = Math.max(treeCount, stagedTrees);
        writer.writeInts(features, trees * 3);
        writer.writeLongs(thresholds, trees * 3);
        writer.writeInts(leaves, trees * 4);
    }

    void readFrom(final SnapshotReader reader)
    {
        version = reader.readLong();
        treeCount = readTreeCount(reader, "trees");
        declineScore = (int)reader.readLong();
        flagScore = (int)reader.readLong();
        scored = reader.readLong();
        atDeclineScore = reader.readLong();
        atFlagScore = reader.readLong();
        expectedTrees = readTreeCount(reader, "expected trees");
        stagedTrees = readTreeCount(reader, "staged trees");
        reader.readInts(features);
        reader.readLongs(thresholds);
        reader.readInts(leaves);
        deriveStages();
    }

    /**
     * A tree count of a snapshot, refused outside 0..{@link #TREES_MAX} before anything loops over it: a payload whose
     * checksum holds can still come from a writer's bug or a peer's snapshot install.
     */
    private static int readTreeCount(final SnapshotReader reader, final String what)
    {
        final long count = reader.readLong();
        if (count < 0 || count > TREES_MAX)
        {
            throw new IllegalStateException("snapshot: a risk model with " + count + " " + what + ", at most " +
                TREES_MAX);
        }
        return (int)count;
    }

    long hash(final long seed)
    {
        long hash = StateHash.fold(seed, version);
        hash = StateHash.fold(hash, treeCount);
        hash = StateHash.fold(hash, declineScore);
        hash = StateHash.fold(hash, flagScore);
        hash = StateHash.fold(hash, scored);
        hash = StateHash.fold(hash, atDeclineScore);
        hash = StateHash.fold(hash, atFlagScore);
        hash = StateHash.fold(hash, expectedTrees);
        hash = StateHash.fold(hash, stagedTrees);
        final int trees = Math.max(treeCount, stagedTrees);
        for (int i = 0; i < trees * 3; i++)
        {
            hash = StateHash.fold(StateHash.fold(hash, features[i]), thresholds[i]);
        }
        for (int i = 0; i < trees * 4; i++)
        {
            hash = StateHash.fold(hash, leaves[i]);
        }
        return hash;
    }
}
