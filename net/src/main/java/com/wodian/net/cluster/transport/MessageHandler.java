package com.wodian.net.cluster.transport;

import com.wodian.journal.consensus.EntryPayloads;
import com.wodian.journal.consensus.LogEntries;

/**
 * Receives the consensus messages that {@link ReplicationTransport#poll(long, MessageHandler)} decodes, one method
 * per message with its fields as primitives (the same shape as {@link com.wodian.journal.consensus.ConsensusNode}'s
 * {@code on...} methods), so nothing is allocated per message. The sender was checked against the connection's
 * hello.
 */
public interface MessageHandler
{
    void onRequestVote(long term, int fromNodeId, long lastLogIndex, long lastLogTerm, boolean leadershipTransfer);

    void onVoteReply(long term, int fromNodeId, boolean granted);

    /** A PreVote (thesis 9.6). Not a default: a node that dropped it could never be elected. */
    void onPreVote(long term, int fromNodeId, long lastLogIndex, long lastLogTerm);

    /** The answer to a PreVote. */
    void onPreVoteReply(long term, int fromNodeId, long candidateTerm, boolean granted);

    /**
     * @param entries  the entries {@code prevLogIndex + 1} to {@code prevLogIndex + entryCount}: their terms, and as
     *                 payload handles their offsets in the receive buffer.
     * @param payloads resolves those handles into the entries' bytes. Both are valid only during this call: the
     *                 bytes are overwritten once it returns, so an entry that must outlive it has to be copied
     *                 (journalled).
     */
    void onAppendEntries(
        long term,
        int fromNodeId,
        long prevLogIndex,
        long prevLogTerm,
        long leaderCommitIndex,
        int entryCount,
        LogEntries entries,
        EntryPayloads payloads);

    void onAppendReply(long term, int fromNodeId, boolean success, long matchIndex, long conflictIndex);

    void onTimeoutNow(long term, int fromNodeId);

    /**
     * A chunk of the leader's snapshot; {@code chunk} holds its bytes at {@code chunkOffset} during this call only.
     * Its CRC32C was checked. A handler that takes no part in snapshot install ignores it.
     */
    default void onInstallSnapshot(
        final long term,
        final int fromNodeId,
        final long snapshotIndex,
        final long snapshotTerm,
        final long configuration,
        final long totalLength,
        final long offset,
        final org.agrona.DirectBuffer chunk,
        final int chunkOffset,
        final int chunkLength)
    {
    }

    /** A follower's answer to an InstallSnapshot; a handler that takes no part in snapshot install ignores it. */
    default void onInstallSnapshotReply(
        final long term, final int fromNodeId, final long snapshotIndex, final long nextOffset, final boolean done)
    {
    }
}
