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
 */
public final class RiskModel
{
    public static final int TREES_MAX = 256;
    static final int TREES_PER_MESSAGE_MAX = 4;
    public static final int NO_REASON = 255;

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
        groupStart = firstGroupTree();
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

    private int firstGroupTree()
    {
        for (int tree = 0; tree < treeCount; tree++)
        {
            for (int node = tree * 3; node < tree * 3 + 3; node++)
            {
                if (RiskFeatures.isGroupFeature(features[node]))
                {
                    return tree;
                }
            }
        }
        return treeCount;
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
        long sum = 0;
        for (int tree = 0; tree < groupStart; tree++)
        {
            sum += leaves[leaf(tree, x)];
        }
        individualScore = clamp(sum);
        for (int tree = groupStart; tree < treeCount; tree++)
        {
            sum += leaves[leaf(tree, x)];
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
        groupStart = firstGroupTree();
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
