package com.wodian.journal.consensus;

import java.util.Arrays;

/**
 * The configurations a node's log holds, as (index, configuration) pairs, plus the bootstrap configuration that holds
 * below the first of them (the group as started from its {@code --peers} list). Raft's single-server changes (thesis
 * section 4.1): a node uses the newest configuration in its log, committed or not; cutting a log suffix off goes
 * back to the one before. Kept beside the log because the log's entries are opaque to the consensus rules and may be
 * compacted away; a snapshot install replaces the pairs with the configuration at the snapshot's index.
 *
 * <p>Also the node's right to vote ({@link #mayVote}): a node that joins with an empty (wiped or new) data directory
 * has forgotten any vote it cast before, so it votes only once its log holds a configuration that names it a learner
 * and that was appended after its join: such an entry is only ever created by adding the node after it left the
 * configuration, so any vote of a term in which it might have voted before is then settled (docs/replication.md,
 * "Membership changes"). A learner entry of its log's history, from an earlier {@code group add} of the same id,
 * settles nothing about the votes the wiped directory forgot (ops-review finding 5: a {@code --join} start after a
 * {@code group remove} that failed): the {@linkplain #leaderReached join floor} tells the two apart.
 *
 * <p>With a {@link MembershipStore} (a server: {@code storage.MembershipFile}), every change is stored before the
 * call returns; written before the log entry it describes, and pairs past the log's end are dropped when the node
 * opens. Changes are rare (one per membership change), so the cost does not matter. Without a store (the
 * simulation), the object itself is the durable state.
 *
 * <p>The bootstrap configuration is stored with the pairs and, once stored, is the node's for good: a later
 * {@code --peers} list with more ids adds addresses, not members (a new id becomes a member only through a
 * configuration entry, {@code wodian group add}).
 */
public final class MembershipHistory
{
    private final int nodeId;
    private final long bootstrap;
    private final MembershipStore store;
    private long[] indexes;
    private long[] configurations;
    private int size;
    private boolean mayVote;
    /** See {@link #leaderReached}; {@link #NO_FLOOR} until then. */
    private long joinFloor;

    /** {@link #joinFloor} of a node that has not been reached by a leader since its join start (or never joined). */
    public static final long NO_FLOOR = -1;

    /**
     * A node's first start: nothing stored yet; stores the bootstrap configuration at once.
     *
     * @param bootstrap the configuration below the first pair (the group as started from {@code --peers}).
     * @param store     null: in memory only.
     * @param joining   this node starts with an empty data directory and must not vote until it is added.
     */
    public MembershipHistory(final int nodeId, final long bootstrap, final MembershipStore store, final boolean joining)
    {
        this(nodeId, bootstrap, !joining, new long[8], new long[8], 0, store);
        store();
    }

    /**
     * A history as it was stored ({@link MembershipStore#store}); the arrays are taken, not copied.
     */
    public MembershipHistory(final int nodeId, final long bootstrap, final boolean mayVote, final long[] indexes,
        final long[] configurations, final int size, final MembershipStore store)
    {
        this(nodeId, bootstrap, mayVote, indexes, configurations, size, store, NO_FLOOR);
    }

    /**
     * A history as it was stored, with the {@linkplain #leaderReached join floor} of a joining node ({@link #NO_FLOOR}:
     * none yet); the arrays are taken, not copied.
     */
    public MembershipHistory(final int nodeId, final long bootstrap, final boolean mayVote, final long[] indexes,
        final long[] configurations, final int size, final MembershipStore store, final long joinFloor)
    {
        this.joinFloor = joinFloor;
        this.nodeId = nodeId;
        this.bootstrap = bootstrap;
        this.mayVote = mayVote;
        this.indexes = indexes.length == 0 ? new long[8] : indexes;
        this.configurations = configurations.length == 0 ? new long[8] : configurations;
        this.size = size;
        this.store = store;
    }

    /** In memory, every node a voter from the start. */
    public static MembershipHistory inMemory(final int nodeId, final int groupSize)
    {
        return new MembershipHistory(nodeId, Membership.allVoters(groupSize), null, false);
    }

    /** A copy in memory only (a backup of a node's state, in the simulation). */
    MembershipHistory copyInMemory()
    {
        return new MembershipHistory(nodeId, bootstrap, mayVote, indexes.clone(), configurations.clone(), size, null,
            joinFloor);
    }

    public long bootstrap()
    {
        return bootstrap;
    }

    /** @return the newest configuration in the log (the one in effect). */
    public long latest()
    {
        return size == 0 ? bootstrap : configurations[size - 1];
    }

    /** @return the index of the newest configuration entry, 0 when only the bootstrap configuration holds. */
    public long latestIndex()
    {
        return size == 0 ? 0 : indexes[size - 1];
    }

    /** @return the configuration in effect at {@code index} (the newest at or below it). */
    public long at(final long index)
    {
        for (int i = size - 1; i >= 0; i--)
        {
            if (indexes[i] <= index)
            {
                return configurations[i];
            }
        }
        return bootstrap;
    }

    public boolean mayVote()
    {
        return mayVote;
    }

    /** @return the join floor ({@link #leaderReached}), {@link #NO_FLOOR} when none was set. */
    public long joinFloor()
    {
        return joinFloor;
    }

    /**
     * A leader's AppendEntries (after {@code index}) or InstallSnapshot (at {@code index + 1}: the snapshot's own
     * configuration counts) reached this node. On a node
     * that joined empty and may not vote yet, the first one since the join start sets the join floor to
     * {@code index}, stored: the leader's log held the entries up to there before the message left, so they are the
     * log's history, written before this node's join. A learner configuration at or below the floor does not give it
     * its vote back; one above it does, which is where {@code group add} appends it: the leader starts a new
     * learner's probe right after that entry's predecessor.
     */
    public void leaderReached(final long index)
    {
        if (!mayVote && joinFloor == NO_FLOOR)
        {
            joinFloor = index;
            store();
        }
    }

    /** The log is about to hold {@code configuration} at {@code index}, after every stored pair. */
    public void append(final long index, final long configuration)
    {
        if (index <= latestIndex())
        {
            throw new IllegalStateException("configuration at " + index + " not after " + latestIndex());
        }
        if (size == indexes.length)
        {
            indexes = Arrays.copyOf(indexes, size * 2);
            configurations = Arrays.copyOf(configurations, size * 2);
        }
        indexes[size] = index;
        configurations[size] = configuration;
        size++;
        noteLearner(index, configuration);
        store();
    }

    /** The log's entries from {@code index} on are gone: so are their configurations. */
    public void truncateFrom(final long index)
    {
        int keep = size;
        while (keep > 0 && indexes[keep - 1] >= index)
        {
            keep--;
        }
        if (keep != size)
        {
            size = keep;
            store();
        }
    }

    /** Snapshot install: the log now starts after {@code index}, where {@code configuration} was in effect. */
    public void resetTo(final long index, final long configuration)
    {
        size = 0;
        indexes[0] = index;
        configurations[0] = configuration;
        size = 1;
        noteLearner(index, configuration);
        store();
    }

    /** A learner configuration in effect from {@code index}: the vote back, unless it is history (join floor). */
    private void noteLearner(final long index, final long configuration)
    {
        if (Membership.isLearner(configuration, nodeId) && (joinFloor == NO_FLOOR || index > joinFloor))
        {
            mayVote = true;
        }
    }

    private void store()
    {
        if (store != null)
        {
            store.store(bootstrap, mayVote, mayVote ? NO_FLOOR : joinFloor, indexes, configurations, size);
        }
    }
}
