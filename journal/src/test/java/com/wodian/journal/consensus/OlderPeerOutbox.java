package com.wodian.journal.consensus;

/**
 * An outbox as the transport behaves towards a peer of a build before Pre-Vote (rolling upgrade): a PreVote to that
 * peer is not sent and {@link ConsensusOutbox#preVote} answers false (the transport knows the peer's build from its
 * hello); everything else goes through unchanged.
 */
final class OlderPeerOutbox implements ConsensusOutbox
{
    private final ConsensusOutbox delegate;
    private final int olderPeer;

    /** @param olderPeer the node id of the older build, -1: none. */
    OlderPeerOutbox(final ConsensusOutbox delegate, final int olderPeer)
    {
        this.delegate = delegate;
        this.olderPeer = olderPeer;
    }

    @Override
    public boolean preVote(
        final int toNodeId, final long term, final int fromNodeId, final long lastLogIndex, final long lastLogTerm)
    {
        return toNodeId != olderPeer && delegate.preVote(toNodeId, term, fromNodeId, lastLogIndex, lastLogTerm);
    }

    @Override
    public void preVoteReply(
        final int toNodeId, final long term, final int fromNodeId, final long candidateTerm, final boolean granted)
    {
        delegate.preVoteReply(toNodeId, term, fromNodeId, candidateTerm, granted);
    }

    @Override
    public void requestVote(
        final int toNodeId, final long term, final int fromNodeId, final long lastLogIndex, final long lastLogTerm,
        final boolean leadershipTransfer)
    {
        delegate.requestVote(toNodeId, term, fromNodeId, lastLogIndex, lastLogTerm, leadershipTransfer);
    }

    @Override
    public void voteReply(final int toNodeId, final long term, final int fromNodeId, final boolean granted)
    {
        delegate.voteReply(toNodeId, term, fromNodeId, granted);
    }

    @Override
    public void appendEntries(
        final int toNodeId, final long term, final int fromNodeId, final long prevLogIndex, final long prevLogTerm,
        final long leaderCommitIndex, final int entryCount, final LogEntries entries)
    {
        delegate.appendEntries(toNodeId, term, fromNodeId, prevLogIndex, prevLogTerm, leaderCommitIndex, entryCount,
            entries);
    }

    @Override
    public void appendReply(
        final int toNodeId, final long term, final int fromNodeId, final boolean success, final long matchIndex,
        final long conflictIndex)
    {
        delegate.appendReply(toNodeId, term, fromNodeId, success, matchIndex, conflictIndex);
    }

    @Override
    public void timeoutNow(final int toNodeId, final long term, final int fromNodeId)
    {
        delegate.timeoutNow(toNodeId, term, fromNodeId);
    }

    @Override
    public void installSnapshot(
        final int toNodeId, final long term, final int fromNodeId, final long snapshotIndex, final long snapshotTerm,
        final long configuration, final long totalLength, final long offset, final int chunkLength,
        final SnapshotSource source)
    {
        delegate.installSnapshot(toNodeId, term, fromNodeId, snapshotIndex, snapshotTerm, configuration, totalLength,
            offset, chunkLength, source);
    }

    @Override
    public void installSnapshotReply(
        final int toNodeId, final long term, final int fromNodeId, final long snapshotIndex, final long nextOffset,
        final boolean done)
    {
        delegate.installSnapshotReply(toNodeId, term, fromNodeId, snapshotIndex, nextOffset, done);
    }
}
