package com.wodian.engine.risk;

import com.wodian.engine.SnapshotReader;
import com.wodian.engine.SnapshotWriter;
import com.wodian.engine.StateHash;

/**
 * A scoring model of boosted depth-2 trees over the integer features of {@link RiskFeatures}, trained offline
 * ({@code wodian risk-train}) and loaded with SetRiskModel. Everything is integer: a node tests
 * {@code feature < threshold}, a leaf adds its score (milli-logits by convention), so a model scores the same on
 * every node and in every replay. Evaluation is bounded by {@link #TREES_MAX} trees of two comparisons each and
 * allocates nothing.
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
        declineScore = 0;
        flagScore = 0;
        scored = 0;
        atDeclineScore = 0;
        atFlagScore = 0;
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
     * The trees as the walk reads them, one 64-byte line per tree (built from the arrays above on COMMIT and snapshot
     * load; the arrays stay the model's state for the snapshot and the hash): thresholds of nodes 0, 1, 2; the three
     * feature ids in bytes 0, 1, 2; leaves LL | LR << 32 and RL | RR << 32. One tree's walk then touches one line and
     * picks the child's threshold, feature and leaf pair by index arithmetic instead of three separate arrays.
     */
    private final long[] packed = new long[TREES_MAX * PACKED_STRIDE];
    private static final int PACKED_STRIDE = 8;

    private void pack()
    {
        for (int tree = 0; tree < treeCount; tree++)
        {
            final int at = tree * PACKED_STRIDE;
            packed[at] = thresholds[tree * 3];
            packed[at + 1] = thresholds[tree * 3 + 1];
            packed[at + 2] = thresholds[tree * 3 + 2];
            packed[at + 3] = (features[tree * 3] & 0xFF) | (features[tree * 3 + 1] & 0xFF) << 8 |
                (features[tree * 3 + 2] & 0xFF) << 16;
            packed[at + 4] = (leaves[tree * 4] & 0xFFFF_FFFFL) | (long)leaves[tree * 4 + 1] << 32;
            packed[at + 5] = (leaves[tree * 4 + 2] & 0xFFFF_FFFFL) | (long)leaves[tree * 4 + 3] << 32;
        }
    }

    /** The leaf value one tree adds for {@code x}: two node tests and no branch on their outcomes. */
    private long walk(final int tree, final long[] x)
    {
        final int at = tree * PACKED_STRIDE;
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

    private static boolean isExitMarker(final int[] features, final int tree)
    {
        return features[tree * 3] == EXIT_MARKER;
    }

    private void deriveStages()
    {
        pack();
        groupStart = firstGroupTree(features, treeCount);
        exitTree = treeCount;
        for (int tree = 0; tree < treeCount; tree++)
        {
            if (isExitMarker(features, tree))
            {
                exitTree = tree;
                break;
            }
        }
        exitScore = exitTree < treeCount ? thresholds[exitTree * 3] : 0;
    }

    private static int firstGroupTree(final int[] features, final int treeCount)
    {
        for (int tree = 0; tree < treeCount; tree++)
        {
            for (int node = tree * 3; node < tree * 3 + 3 && !isExitMarker(features, tree); node++)
            {
                if (RiskFeatures.isGroupFeature(features[node]))
                {
                    return tree;
                }
            }
        }
        return treeCount;
    }

    /** Staged trees usable: at most one exit marker, and none after the first group tree. */
    boolean stagedExitValid()
    {
        final int groupTree = firstGroupTree(features, stagedTrees);
        int markers = 0;
        for (int tree = 0; tree < stagedTrees; tree++)
        {
            if (isExitMarker(features, tree))
            {
                markers++;
                if (tree > groupTree)
                {
                    return false;
                }
            }
        }
        return markers <= 1;
    }

    /** Is this a tree the engine can stage: three valid features, or an exit marker (node 0 EXIT_MARKER, leaves 0)? */
    static boolean validTree(final int f0, final int f1, final int f2, final int leaf0, final int leaf1,
        final int leaf2, final int leaf3)
    {
        final boolean children = RiskModels.validFeature(f1) && RiskModels.validFeature(f2);
        return f0 == EXIT_MARKER ? children && (leaf0 | leaf1 | leaf2 | leaf3) == 0 :
            children && RiskModels.validFeature(f0);
    }

    private static int clamp(final long sum)
    {
        return (int)Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, sum));
    }

    /**
     * The score of a feature vector (all trees); the individual score (trees before the first group tree) is kept
     * for {@link #individualScore()}. Counts it against the decline score and, by its individual score, the flag
     * score.
     */
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

    /** The last {@link #score}'s individual score: the flag, and "suspicious" for the group features, go by it. */
    int individualScore()
    {
        return individualScore;
    }

    /**
     * The three features that raised the score most, packed one id per byte (largest first, {@link #NO_REASON} for
     * none): each positive leaf is credited half to the feature of the root and half to the feature of the node that
     * chose it. Called only for a hit, so the common path pays nothing for it.
     */
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
        long packed = 0;
        for (int rank = 0; rank < 3; rank++)
        {
            int best = NO_REASON;
            long bestScore = 0;
            for (int feature = 0; feature < RiskFeatures.COUNT; feature++)
            {
                if (reasonScores[feature] > bestScore)
                {
                    bestScore = reasonScores[feature];
                    best = feature;
                }
            }
            if (best != NO_REASON)
            {
                reasonScores[best] = 0;
            }
            packed |= (long)best << (rank * 8);
        }
        return packed;
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
        treeCount = (int)reader.readLong();
        declineScore = (int)reader.readLong();
        flagScore = (int)reader.readLong();
        scored = reader.readLong();
        atDeclineScore = reader.readLong();
        atFlagScore = reader.readLong();
        expectedTrees = (int)reader.readLong();
        stagedTrees = (int)reader.readLong();
        reader.readInts(features);
        reader.readLongs(thresholds);
        reader.readInts(leaves);
        deriveStages();
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
