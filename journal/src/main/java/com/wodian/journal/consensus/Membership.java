package com.wodian.journal.consensus;

/**
 * A group configuration packed in one {@code long}: which node ids vote (bits 0-23) and which are non-voting learners
 * (bits 24-47), so that it travels in a log entry, a message field or a file as a primitive. Node ids are 0 to
 * {@link #NODES_MAX} - 1. Pure functions only.
 *
 * <p>A configuration entry in the log carries {@link #entryPayload}: the configuration with {@link #ENTRY_TAG} in its
 * top 16 bits. In the product the entry is a Tick command whose {@code reserved} field holds that value (the engine
 * ignores it, so replay and state hashes are unchanged); the simulation uses it as the payload itself.
 */
public final class Membership
{
    /** Node ids 0 to 23. */
    public static final int NODES_MAX = 24;
    /** No configuration (what {@link #configurationOfPayload} answers for an ordinary entry). */
    public static final long NONE = -1;
    /** Top 16 bits of a configuration entry's payload: "WC". */
    public static final long ENTRY_TAG = 0x5743_0000_0000_0000L;
    private static final long TAG_MASK = 0xFFFF_0000_0000_0000L;
    private static final long NODE_BITS = (1L << NODES_MAX) - 1;

    private Membership()
    {
    }

    /**
     * @return the configuration of voters {@code 0..groupSize-1} and no learners (a group as started from its
     * {@code --peers} list).
     */
    public static long allVoters(final int groupSize)
    {
        check(groupSize - 1);
        return (1L << groupSize) - 1;
    }

    public static long of(final long votersMask, final long learnersMask)
    {
        if ((votersMask & ~NODE_BITS) != 0 || (learnersMask & ~NODE_BITS) != 0 || (votersMask & learnersMask) != 0)
        {
            throw new IllegalArgumentException("voters " + Long.toBinaryString(votersMask) + " and learners " +
                Long.toBinaryString(learnersMask) + " must be disjoint sets of ids below " + NODES_MAX);
        }
        return votersMask | (learnersMask << NODES_MAX);
    }

    /**
     * Whether a configuration that came from outside (a peer's InstallSnapshot) is one this class could have made:
     * no bits above the learners', voters and learners disjoint, at least one voter. A configuration without voters
     * could never commit again (its majority is empty).
     */
    public static boolean isValid(final long configuration)
    {
        final long voters = voters(configuration);
        final long learners = learners(configuration);
        return (configuration >>> (2 * NODES_MAX)) == 0 && (voters & learners) == 0 && voters != 0;
    }

    public static long voters(final long configuration)
    {
        return configuration & NODE_BITS;
    }

    public static long learners(final long configuration)
    {
        return (configuration >>> NODES_MAX) & NODE_BITS;
    }

    public static boolean isVoter(final long configuration, final int nodeId)
    {
        return (voters(configuration) & (1L << nodeId)) != 0;
    }

    public static boolean isLearner(final long configuration, final int nodeId)
    {
        return (learners(configuration) & (1L << nodeId)) != 0;
    }

    /** @return whether the node is a voter or a learner: the leader replicates to it. */
    public static boolean isMember(final long configuration, final int nodeId)
    {
        return isVoter(configuration, nodeId) || isLearner(configuration, nodeId);
    }

    public static int voterCount(final long configuration)
    {
        return Long.bitCount(voters(configuration));
    }

    /** @return the configuration with {@code nodeId} added as a learner (it must not be a member). */
    public static long withLearner(final long configuration, final int nodeId)
    {
        check(nodeId);
        return of(voters(configuration), learners(configuration) | (1L << nodeId));
    }

    /** @return the configuration with learner {@code nodeId} made a voter. */
    public static long promoted(final long configuration, final int nodeId)
    {
        check(nodeId);
        return of(voters(configuration) | (1L << nodeId), learners(configuration) & ~(1L << nodeId));
    }

    /** @return the configuration without {@code nodeId}, voter or learner. */
    public static long without(final long configuration, final int nodeId)
    {
        check(nodeId);
        return of(voters(configuration) & ~(1L << nodeId), learners(configuration) & ~(1L << nodeId));
    }

    public static long entryPayload(final long configuration)
    {
        return ENTRY_TAG | configuration;
    }

    /**
     * @return the configuration a configuration entry's payload carries, {@link #NONE} for any other payload.
     */
    public static long configurationOfPayload(final long payload)
    {
        if ((payload & TAG_MASK) != ENTRY_TAG)
        {
            return NONE;
        }
        final long configuration = payload & ~TAG_MASK;
        return (configuration >>> (2 * NODES_MAX)) == 0 && (voters(configuration) & learners(configuration)) == 0 ?
            configuration : NONE;
    }

    /** "voters 0,1,2 learners 3" */
    public static String describe(final long configuration)
    {
        return "voters " + ids(voters(configuration)) + " learners " + ids(learners(configuration));
    }

    private static String ids(final long mask)
    {
        if (mask == 0)
        {
            return "-";
        }
        final StringBuilder text = new StringBuilder();
        for (int id = 0; id < NODES_MAX; id++)
        {
            if ((mask & (1L << id)) != 0)
            {
                text.append(text.length() == 0 ? "" : ",").append(id);
            }
        }
        return text.toString();
    }

    private static void check(final int nodeId)
    {
        if (nodeId < 0 || nodeId >= NODES_MAX)
        {
            throw new IllegalArgumentException("node id " + nodeId + " not in 0.." + (NODES_MAX - 1));
        }
    }
}
