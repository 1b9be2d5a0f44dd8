package com.wodian.journal.consensus;

/**
 * The follower's side of log replication (Raft figure 2, AppendEntries receiver): log matching on
 * ({@code prevLogIndex}, {@code prevLogTerm}), with a conflict hint when they do not match, appending the leader's
 * entries (a conflicting, uncommitted suffix cut off first, a duplicate never truncating anything), configuration
 * entries taking effect on append, and the commit index following the leader's.
 *
 * <p>Called by {@link ConsensusNode} for a message of its current term's leader, once it follows that leader.
 */
final class FollowerReplication
{
    private final int selfId;
    private final ReplicaLog log;
    private final TermStore termStore;
    private final ConsensusOutbox outbox;
    private final MembershipHistory membership;
    private final CommitTracker commits;

    FollowerReplication(final NodeContext context, final CommitTracker commits)
    {
        this.selfId = context.selfId();
        this.log = context.log();
        this.termStore = context.termStore();
        this.outbox = context.outbox();
        this.membership = context.membership();
        this.commits = commits;
    }

    /**
     * AppendEntries of the current term's leader: the entries {@code prevIndex + 1} to {@code prevIndex + entryCount},
     * read from {@code entries} by index; with no entries, a heartbeat. Answered in every case.
     */
    void onAppendEntries(
        final int leaderId,
        final long prevIndex,
        final long prevLogTerm,
        final long leaderCommitIndex,
        final int entryCount,
        final LogEntries entries)
    {
        if (prevIndex < log.startIndex())
        {
            // A late message reaching below what this log holds since a snapshot install or retention: everything up
            // to the commit index is committed, so it matches the leader's log; the leader resumes after it.
            replyAppend(leaderId, true, commits.commitIndex(), 0);
            return;
        }
        final long conflictIndex = conflictIndex(prevIndex, prevLogTerm);
        if (conflictIndex > 0)
        {
            replyAppend(leaderId, false, 0, conflictIndex);
            return;
        }
        appendFromLeader(prevIndex, entryCount, entries);

        final long lastNewIndex = prevIndex + entryCount;
        // Only forward: a late message (a lower lastNewIndex) must not move the commit index back.
        commits.advanceTo(Math.min(leaderCommitIndex, lastNewIndex));
        replyAppend(leaderId, true, lastNewIndex, 0);
    }

    /**
     * @return 0 when this log holds the leader's entry at {@code prevIndex} (same term), else where the leader should
     * resume: after this log's end, or at the first index of the conflicting term (skipped back over in one step,
     * never into what is committed).
     */
    private long conflictIndex(final long prevIndex, final long prevLogTerm)
    {
        if (prevIndex > log.lastIndex())
        {
            return log.lastIndex() + 1;
        }
        if (log.termAt(prevIndex) == prevLogTerm)
        {
            return 0;
        }
        final long conflictTerm = log.termAt(prevIndex);
        long firstOfTerm = prevIndex;
        while (firstOfTerm > commits.commitIndex() + 1 && log.termAt(firstOfTerm - 1) == conflictTerm)
        {
            firstOfTerm--;
        }
        return firstOfTerm;
    }

    /**
     * Appends the leader's entries after {@code prevIndex}: an entry this log already holds with the same term is
     * skipped (a duplicate or reordered message must not truncate anything); a conflicting, uncommitted suffix is cut
     * off first, with its configurations. A configuration entry is in effect on append (thesis 4.1), stored first.
     */
    private void appendFromLeader(final long prevIndex, final int entryCount, final LogEntries entries)
    {
        for (int i = 0; i < entryCount; i++)
        {
            final long index = prevIndex + 1 + i;
            final long entryTerm = entries.termAt(index);
            if (index <= log.lastIndex())
            {
                if (log.termAt(index) == entryTerm)
                {
                    continue; // already have it: a duplicate or reordered message must not truncate anything
                }
                if (index <= commits.commitIndex())
                {
                    throw new IllegalStateException("node " + selfId + " asked to overwrite committed index " +
                        index + " (commit " + commits.commitIndex() + ")");
                }
                log.truncateFrom(index);
                membership.truncateFrom(index); // back to the configuration before the cut-off entries
            }
            final long configuration = entries.configurationAt(index);
            if (configuration != Membership.NONE)
            {
                membership.append(index, configuration); // in effect on append (thesis 4.1), stored first
            }
            log.append(entryTerm, entries.payloadAt(index));
        }
    }

    private void replyAppend(final int leaderId, final boolean success, final long match, final long conflict)
    {
        outbox.appendReply(leaderId, termStore.currentTerm(), selfId, success, match, conflict);
    }
}
