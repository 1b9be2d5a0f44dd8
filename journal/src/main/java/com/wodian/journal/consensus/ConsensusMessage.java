package com.wodian.journal.consensus;

/**
 * The four messages of Raft (figure 2), with the leader's commit index and a conflict hint. Every message carries the
 * sender's term; a message from an older term is answered (so the sender learns it is stale) or ignored, never
 * obeyed.
 *
 * <p>These are plain records: consensus traffic is a few messages per heartbeat, not per client command. In the
 * product the entries travel as journal bytes beside the index/term metadata shown here.
 */
public sealed interface ConsensusMessage
{
    long term();

    int fromNodeId();

    /**
     * Leadership transfer (Raft thesis 3.10): the leader tells an up-to-date follower to start an election now. The
     * follower's RequestVote then carries {@code leadershipTransfer}, so that voters do not ignore it for knowing a
     * live leader (stickiness). Used by planned switchovers ({@code wodian promote} / {@code wodian demote}).
     */
    record TimeoutNow(long term, int fromNodeId) implements ConsensusMessage
    {
    }

    /**
     * A candidate asks for a vote. Granted only to a candidate whose log is at least as up to date as the voter's
     * (last term higher, or same last term and last index not lower): this is what keeps committed entries in every
     * future leader's log.
     */
    record RequestVote(long term, int fromNodeId, long lastLogIndex, long lastLogTerm, boolean leadershipTransfer)
        implements ConsensusMessage
    {
    }

    record VoteReply(long term, int fromNodeId, boolean granted) implements ConsensusMessage
    {
    }

    /**
     * The leader's replication message; with no entries it is the heartbeat. Entry {@code i} goes to index
     * {@code prevLogIndex + 1 + i}.
     */
    record AppendEntries(
        long term,
        int fromNodeId,
        long prevLogIndex,
        long prevLogTerm,
        long[] entryTerms,
        long[] entryPayloads,
        long leaderCommitIndex) implements ConsensusMessage
    {
    }

    /**
     * On success {@code matchIndex} is the last index known to match the leader's log. On failure
     * {@code conflictIndex} is where the leader should resume (the follower's log is shorter, or the first index of
     * the conflicting term), so a far-behind follower is repaired in a few round trips, not one per entry.
     */
    record AppendReply(long term, int fromNodeId, boolean success, long matchIndex, long conflictIndex)
        implements ConsensusMessage
    {
    }
}
