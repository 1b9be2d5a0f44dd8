package com.wodian.net.testing;

import com.wodian.journal.consensus.EntryPayloads;
import com.wodian.journal.consensus.LogEntries;
import com.wodian.net.cluster.transport.MessageHandler;

/**
 * A {@link MessageHandler} that ignores every consensus message: for tests that poll a replication transport but read
 * none of what it decodes, or only a few messages (extend it and override those). The snapshot messages are ignored
 * by the interface's own defaults.
 */
public class IgnoringMessageHandler implements MessageHandler
{
    @Override
    public void onRequestVote(
        final long term, final int fromNodeId, final long lastLogIndex, final long lastLogTerm,
        final boolean leadershipTransfer)
    {
    }

    @Override
    public void onVoteReply(final long term, final int fromNodeId, final boolean granted)
    {
    }

    @Override
    public void onPreVote(final long term, final int fromNodeId, final long lastLogIndex, final long lastLogTerm)
    {
    }

    @Override
    public void onPreVoteReply(final long term, final int fromNodeId, final long candidateTerm, final boolean granted)
    {
    }

    @Override
    public void onAppendEntries(
        final long term, final int fromNodeId, final long prevLogIndex, final long prevLogTerm,
        final long leaderCommitIndex, final int entryCount, final LogEntries entries, final EntryPayloads payloads)
    {
    }

    @Override
    public void onAppendReply(
        final long term, final int fromNodeId, final boolean success, final long matchIndex, final long conflictIndex)
    {
    }

    @Override
    public void onTimeoutNow(final long term, final int fromNodeId)
    {
    }
}
