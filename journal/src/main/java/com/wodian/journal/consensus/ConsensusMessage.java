package com.wodian.journal.consensus;

import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The messages of Raft (figure 2, InstallSnapshot of section 7 and the thesis's PreVote, section 9.6), with the
 * leader's commit index and a conflict hint, as records. Every message carries the sender's term (a PreVote the term
 * its sender would stand in, which nobody adopts); a message from an older term is answered (so the sender learns it
 * is stale) or ignored, never obeyed.
 *
 * <p>The product does not use these: {@link ConsensusNode} sends through the primitive {@link ConsensusOutbox} and
 * receives through its {@code on...} methods, so a transport encodes and decodes without objects per message. The
 * records are the form the simulation's network queues and tests write by hand: {@link #outbox} turns a node's sends
 * into records, {@link #deliverTo} hands a record to a node.
 */
public sealed interface ConsensusMessage
{
    long term();

    int fromNodeId();

    /** Hands this message to {@code node}, as a transport's decoder would. */
    void deliverTo(ConsensusNode node, long nowMs);

    /** Sends this message through {@code outbox}, as a node would. */
    void sendTo(int toNodeId, ConsensusOutbox outbox);

    /** Receives a node's sends as records. */
    @FunctionalInterface
    interface Sink
    {
        void send(int toNodeId, ConsensusMessage message);
    }

    /**
     * @return an outbox that turns each send into a record (AppendEntries copies its entries' terms and payload
     * handles, as they are at the time of the send) and passes it to {@code sink}. Allocates per message.
     */
    static ConsensusOutbox outbox(final Sink sink)
    {
        return new RecordOutbox(sink);
    }

    /**
     * Leadership transfer (Raft thesis 3.10): the leader tells an up-to-date follower to start an election now. The
     * follower's RequestVote then carries {@code leadershipTransfer}, so that voters do not ignore it for knowing a
     * live leader (stickiness). Used by planned switchovers ({@code wodian promote} / {@code wodian demote}).
     */
    record TimeoutNow(long term, int fromNodeId) implements ConsensusMessage
    {
        @Override
        public void deliverTo(final ConsensusNode node, final long nowMs)
        {
            node.onTimeoutNow(term, fromNodeId, nowMs);
        }

        @Override
        public void sendTo(final int toNodeId, final ConsensusOutbox outbox)
        {
            outbox.timeoutNow(toNodeId, term, fromNodeId);
        }
    }

    /**
     * A candidate asks for a vote. Granted only to a candidate whose log is at least as up to date as the voter's
     * (last term higher, or same last term and last index not lower): this is what keeps committed entries in every
     * future leader's log.
     */
    record RequestVote(long term, int fromNodeId, long lastLogIndex, long lastLogTerm, boolean leadershipTransfer)
        implements ConsensusMessage
    {
        @Override
        public void deliverTo(final ConsensusNode node, final long nowMs)
        {
            node.onRequestVote(term, fromNodeId, lastLogIndex, lastLogTerm, leadershipTransfer, nowMs);
        }

        @Override
        public void sendTo(final int toNodeId, final ConsensusOutbox outbox)
        {
            outbox.requestVote(toNodeId, term, fromNodeId, lastLogIndex, lastLogTerm, leadershipTransfer);
        }
    }

    /**
     * Pre-Vote (Raft thesis 9.6): would the receiver vote for the sender in {@code term}, the sender's current term
     * + 1? Changes no term: a node of a lower term does not adopt it.
     */
    record PreVote(long term, int fromNodeId, long lastLogIndex, long lastLogTerm) implements ConsensusMessage
    {
        @Override
        public void deliverTo(final ConsensusNode node, final long nowMs)
        {
            node.onPreVote(term, fromNodeId, lastLogIndex, lastLogTerm, nowMs);
        }

        @Override
        public void sendTo(final int toNodeId, final ConsensusOutbox outbox)
        {
            outbox.preVote(toNodeId, term, fromNodeId, lastLogIndex, lastLogTerm);
        }
    }

    /** The answer to a {@link PreVote} of {@code candidateTerm}; {@code term} is the voter's own current term. */
    record PreVoteReply(long term, int fromNodeId, long candidateTerm, boolean granted) implements ConsensusMessage
    {
        @Override
        public void deliverTo(final ConsensusNode node, final long nowMs)
        {
            node.onPreVoteReply(term, fromNodeId, candidateTerm, granted, nowMs);
        }

        @Override
        public void sendTo(final int toNodeId, final ConsensusOutbox outbox)
        {
            outbox.preVoteReply(toNodeId, term, fromNodeId, candidateTerm, granted);
        }
    }

    record VoteReply(long term, int fromNodeId, boolean granted) implements ConsensusMessage
    {
        @Override
        public void deliverTo(final ConsensusNode node, final long nowMs)
        {
            node.onVoteReply(term, fromNodeId, granted, nowMs);
        }

        @Override
        public void sendTo(final int toNodeId, final ConsensusOutbox outbox)
        {
            outbox.voteReply(toNodeId, term, fromNodeId, granted);
        }
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
        long leaderCommitIndex) implements ConsensusMessage, LogEntries
    {
        @Override
        public long termAt(final long index)
        {
            return entryTerms[(int)(index - prevLogIndex - 1)];
        }

        @Override
        public long payloadAt(final long index)
        {
            return entryPayloads[(int)(index - prevLogIndex - 1)];
        }

        @Override
        public void deliverTo(final ConsensusNode node, final long nowMs)
        {
            node.onAppendEntries(term, fromNodeId, prevLogIndex, prevLogTerm, leaderCommitIndex, entryTerms.length,
                this, nowMs);
        }

        @Override
        public void sendTo(final int toNodeId, final ConsensusOutbox outbox)
        {
            outbox.appendEntries(toNodeId, term, fromNodeId, prevLogIndex, prevLogTerm, leaderCommitIndex,
                entryTerms.length, this);
        }
    }

    /**
     * On success {@code matchIndex} is the last index known to match the leader's log. On failure
     * {@code conflictIndex} is where the leader should resume (the follower's log is shorter, or the first index of
     * the conflicting term), so a far-behind follower is repaired in a few round trips, not one per entry.
     */
    record AppendReply(long term, int fromNodeId, boolean success, long matchIndex, long conflictIndex)
        implements ConsensusMessage
    {
        @Override
        public void deliverTo(final ConsensusNode node, final long nowMs)
        {
            node.onAppendReply(term, fromNodeId, success, matchIndex, conflictIndex, nowMs);
        }

        @Override
        public void sendTo(final int toNodeId, final ConsensusOutbox outbox)
        {
            outbox.appendReply(toNodeId, term, fromNodeId, success, matchIndex, conflictIndex);
        }
    }

    /**
     * A chunk of the leader's snapshot (Raft section 7): bytes {@code offset} to {@code offset + data.length} of the
     * snapshot at {@code snapshotIndex}, {@code totalLength} bytes in all.
     */
    record InstallSnapshot(
        long term,
        int fromNodeId,
        long snapshotIndex,
        long snapshotTerm,
        long configuration,
        long totalLength,
        long offset,
        byte[] data) implements ConsensusMessage
    {
        @Override
        public void deliverTo(final ConsensusNode node, final long nowMs)
        {
            node.onInstallSnapshot(term, fromNodeId, snapshotIndex, snapshotTerm, configuration, totalLength, offset,
                new UnsafeBuffer(data), 0, data.length, nowMs);
        }

        @Override
        public void sendTo(final int toNodeId, final ConsensusOutbox outbox)
        {
            outbox.installSnapshot(toNodeId, term, fromNodeId, snapshotIndex, snapshotTerm, configuration,
                totalLength, offset, data.length, new ArraySnapshotSource(snapshotIndex, offset, data));
        }
    }

    /** The follower's answer to an InstallSnapshot: the next offset it wants, or done. */
    record InstallSnapshotReply(long term, int fromNodeId, long snapshotIndex, long nextOffset, boolean done)
        implements ConsensusMessage
    {
        @Override
        public void deliverTo(final ConsensusNode node, final long nowMs)
        {
            node.onInstallSnapshotReply(term, fromNodeId, snapshotIndex, nextOffset, done, nowMs);
        }

        @Override
        public void sendTo(final int toNodeId, final ConsensusOutbox outbox)
        {
            outbox.installSnapshotReply(toNodeId, term, fromNodeId, snapshotIndex, nextOffset, done);
        }
    }

    /** One received chunk as a source, so that a record can be sent on through another outbox. */
    record ArraySnapshotSource(long index, long chunkOffset, byte[] chunk) implements SnapshotSource
    {
        @Override
        public long latestIndex()
        {
            return index;
        }

        @Override
        public long length(final long snapshotIndex)
        {
            return snapshotIndex == index ? chunkOffset + chunk.length : -1;
        }

        @Override
        public int chunkBytes()
        {
            return chunk.length;
        }

        @Override
        public boolean read(
            final long snapshotIndex, final long offset, final MutableDirectBuffer into, final int intoOffset,
            final int length)
        {
            if (snapshotIndex != index || offset < chunkOffset || offset + length > chunkOffset + chunk.length)
            {
                return false;
            }
            into.putBytes(intoOffset, chunk, (int)(offset - chunkOffset), length);
            return true;
        }
    }

    /** The adapter behind {@link #outbox}. */
    final class RecordOutbox implements ConsensusOutbox
    {
        private final Sink sink;

        private RecordOutbox(final Sink sink)
        {
            this.sink = sink;
        }

        @Override
        public void requestVote(
            final int toNodeId, final long term, final int fromNodeId, final long lastLogIndex,
            final long lastLogTerm, final boolean leadershipTransfer)
        {
            sink.send(toNodeId, new RequestVote(term, fromNodeId, lastLogIndex, lastLogTerm, leadershipTransfer));
        }

        @Override
        public void voteReply(final int toNodeId, final long term, final int fromNodeId, final boolean granted)
        {
            sink.send(toNodeId, new VoteReply(term, fromNodeId, granted));
        }

        @Override
        public boolean preVote(
            final int toNodeId, final long term, final int fromNodeId, final long lastLogIndex,
            final long lastLogTerm)
        {
            sink.send(toNodeId, new PreVote(term, fromNodeId, lastLogIndex, lastLogTerm));
            return true;
        }

        @Override
        public void preVoteReply(
            final int toNodeId, final long term, final int fromNodeId, final long candidateTerm, final boolean granted)
        {
            sink.send(toNodeId, new PreVoteReply(term, fromNodeId, candidateTerm, granted));
        }

        @Override
        public void appendEntries(
            final int toNodeId, final long term, final int fromNodeId, final long prevLogIndex,
            final long prevLogTerm, final long leaderCommitIndex, final int entryCount, final LogEntries entries)
        {
            final long[] terms = new long[entryCount];
            final long[] payloads = new long[entryCount];
            for (int i = 0; i < entryCount; i++)
            {
                terms[i] = entries.termAt(prevLogIndex + 1 + i);
                payloads[i] = entries.payloadAt(prevLogIndex + 1 + i);
            }
            sink.send(toNodeId, new AppendEntries(term, fromNodeId, prevLogIndex, prevLogTerm, terms, payloads,
                leaderCommitIndex));
        }

        @Override
        public void appendReply(
            final int toNodeId, final long term, final int fromNodeId, final boolean success, final long matchIndex,
            final long conflictIndex)
        {
            sink.send(toNodeId, new AppendReply(term, fromNodeId, success, matchIndex, conflictIndex));
        }

        @Override
        public void timeoutNow(final int toNodeId, final long term, final int fromNodeId)
        {
            sink.send(toNodeId, new TimeoutNow(term, fromNodeId));
        }

        @Override
        public void installSnapshot(
            final int toNodeId, final long term, final int fromNodeId, final long snapshotIndex,
            final long snapshotTerm, final long configuration, final long totalLength, final long offset,
            final int chunkLength, final SnapshotSource source)
        {
            final byte[] data = new byte[chunkLength];
            if (source.read(snapshotIndex, offset, new UnsafeBuffer(data), 0, chunkLength))
            {
                sink.send(toNodeId, new InstallSnapshot(term, fromNodeId, snapshotIndex, snapshotTerm, configuration,
                    totalLength, offset, data));
            }
        }

        @Override
        public void installSnapshotReply(
            final int toNodeId, final long term, final int fromNodeId, final long snapshotIndex,
            final long nextOffset, final boolean done)
        {
            sink.send(toNodeId, new InstallSnapshotReply(term, fromNodeId, snapshotIndex, nextOffset, done));
        }
    }
}
