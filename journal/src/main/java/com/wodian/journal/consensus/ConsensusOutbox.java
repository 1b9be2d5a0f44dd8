package com.wodian.journal.consensus;

/**
 * Where a node sends its messages, one method per Raft message with its fields as primitives, so that a transport
 * encodes straight into its send buffer and nothing is allocated per message. Delivery is best effort: messages may
 * be lost, delayed, duplicated or reordered, and the rules stay safe under all of these.
 *
 * <p>{@link ConsensusMessage#outbox} adapts this to message records, for tests and the simulation.
 */
public interface ConsensusOutbox
{
    void requestVote(
        int toNodeId, long term, int fromNodeId, long lastLogIndex, long lastLogTerm, boolean leadershipTransfer);

    void voteReply(int toNodeId, long term, int fromNodeId, boolean granted);

    /**
     * The entries are indexes {@code prevLogIndex + 1} to {@code prevLogIndex + entryCount} of {@code entries}, which
     * is only valid during this call (it is the sender's log): encode or copy them before returning.
     */
    void appendEntries(
        int toNodeId,
        long term,
        int fromNodeId,
        long prevLogIndex,
        long prevLogTerm,
        long leaderCommitIndex,
        int entryCount,
        LogEntries entries);

    void appendReply(int toNodeId, long term, int fromNodeId, boolean success, long matchIndex, long conflictIndex);

    void timeoutNow(int toNodeId, long term, int fromNodeId);
}
