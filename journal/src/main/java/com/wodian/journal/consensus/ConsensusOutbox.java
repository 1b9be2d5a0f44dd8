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
     * Pre-Vote (Raft thesis 9.6): asks whether this node could win an election of {@code term} (its current term + 1)
     * with this last log entry; changes no term anywhere.
     *
     * @return false when the peer runs a build that predates Pre-Vote (nothing is sent: it could not read the
     * message); true otherwise, whether the message went out or was dropped like any message may be.
     */
    boolean preVote(int toNodeId, long term, int fromNodeId, long lastLogIndex, long lastLogTerm);

    /**
     * The answer to a PreVote of {@code candidateTerm}: {@code term} is the voter's own current term, which the
     * candidate adopts if it is higher (a rejection can then say why), never the other way round.
     */
    void preVoteReply(int toNodeId, long term, int fromNodeId, long candidateTerm, boolean granted);

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

    /**
     * InstallSnapshot (Raft section 7): bytes {@code offset} to {@code offset + chunkLength} of the leader's snapshot
     * at {@code snapshotIndex}, read from {@code source} during this call, with the group configuration in effect at
     * that index ({@link Membership}; Raft section 7 sends it with the snapshot). Only sent by a node given a
     * {@link SnapshotSource}.
     */
    default void installSnapshot(
        final int toNodeId,
        final long term,
        final int fromNodeId,
        final long snapshotIndex,
        final long snapshotTerm,
        final long configuration,
        final long totalLength,
        final long offset,
        final int chunkLength,
        final SnapshotSource source)
    {
        throw new UnsupportedOperationException("this outbox cannot send snapshots");
    }

    /**
     * The follower's answer to an InstallSnapshot: the offset of the next byte it wants of the snapshot at
     * {@code snapshotIndex} ({@code done}: it holds everything up to that index, installed or already in its log).
     */
    default void installSnapshotReply(
        final int toNodeId, final long term, final int fromNodeId, final long snapshotIndex, final long nextOffset,
        final boolean done)
    {
        throw new UnsupportedOperationException("this outbox cannot send snapshots");
    }
}
