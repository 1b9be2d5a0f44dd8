package com.wodian.journal.consensus;

/**
 * A node's commit index (the highest index known to be stored on a majority) and the entries handed to its
 * {@link CommitListener}, once each and in order, as the index moves. On the leader the index follows the
 * followers' match indexes (Raft 5.4.2: only behind an entry of the current term); on a follower it follows the
 * leader's, as far as its own log matches; a snapshot install moves it to the snapshot's index. It never goes down.
 */
final class CommitTracker
{
    private final int selfId;
    private final ReplicaLog log;
    private final TermStore termStore;
    private final MembershipHistory membership;
    private final CommitListener listener;
    /** The followers' match indexes ({@link FollowerProgress#matchIndex}), read on the leader. */
    private final long[] matchIndex;
    private final long[] scratch;
    private long commitIndex;
    private long lastAppliedIndex;

    /**
     * @param committedIndex an index known to be committed (a recovered snapshot's, or the stored commit mark): the
     *                       listener is called only for entries after it.
     */
    CommitTracker(
        final NodeContext context,
        final CommitListener listener,
        final long[] matchIndex,
        final long committedIndex)
    {
        this.selfId = context.selfId();
        this.log = context.log();
        this.termStore = context.termStore();
        this.membership = context.membership();
        this.listener = listener;
        this.matchIndex = matchIndex;
        this.scratch = new long[matchIndex.length];
        this.commitIndex = committedIndex;
        this.lastAppliedIndex = committedIndex;
    }

    long commitIndex()
    {
        return commitIndex;
    }

    /**
     * Leader: the highest index stored on a majority is the majority-th largest of (own last index, followers' match
     * indexes). It commits only if its entry is of the current term (Raft 5.4.2): an entry of an earlier term
     * commits only behind one of this term. Terms never go down along the log, so when the entry there is of an
     * earlier term no lower index can be of the current term either. O(group size), no allocation.
     */
    void advanceOnMajority()
    {
        final long onMajority =
            Quorum.indexOnMajority(membership.latest(), selfId, log.lastIndex(), matchIndex, scratch);
        if (onMajority > commitIndex && log.termAt(onMajority) == termStore.currentTerm())
        {
            commitIndex = onMajority;
            applyCommitted();
        }
    }

    /**
     * Follower: the leader's commit index, capped by the caller at the last entry this log is known to share with the
     * leader. Only forward: a late message (a lower index) must not move the commit index back.
     */
    void advanceTo(final long newCommitIndex)
    {
        if (newCommitIndex > commitIndex)
        {
            commitIndex = newCommitIndex;
            applyCommitted();
        }
    }

    /**
     * Snapshot install: the state machine was replaced by the snapshot at {@code index}, so everything up to it is
     * committed and applied; the listener is not called for those entries.
     */
    void resetTo(final long index)
    {
        commitIndex = index;
        lastAppliedIndex = index;
    }

    private void applyCommitted()
    {
        while (lastAppliedIndex < commitIndex)
        {
            lastAppliedIndex++;
            listener.onCommitted(lastAppliedIndex, log.termAt(lastAppliedIndex), log.payloadAt(lastAppliedIndex));
        }
    }
}
