package com.wodian.net.cluster.transport;

import com.wodian.journal.consensus.ConsensusMessage;
import com.wodian.journal.consensus.EntryPayloads;
import com.wodian.journal.consensus.LogEntries;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The codec with message records, for tests that write messages by hand: the product encodes and decodes primitives.
 */
final class RecordCodec
{
    private RecordCodec()
    {
    }

    static int encode(
        final ReplicationEncoder encoder,
        final ConsensusMessage message,
        final EntrySource source,
        final MutableDirectBuffer buffer,
        final int offset,
        final int limit)
    {
        if (message instanceof ConsensusMessage.AppendEntries a)
        {
            return encoder.encodeAppendEntries(buffer, offset, limit, a.term(), a.fromNodeId(), a.prevLogIndex(),
                a.prevLogTerm(), a.leaderCommitIndex(), a.entryTerms().length, a, source);
        }
        if (message instanceof ConsensusMessage.AppendReply r)
        {
            return encoder.encodeAppendReply(buffer, offset, limit, r.term(), r.fromNodeId(), r.success(),
                r.matchIndex(), r.conflictIndex());
        }
        if (message instanceof ConsensusMessage.RequestVote v)
        {
            return encoder.encodeRequestVote(buffer, offset, limit, v.term(), v.fromNodeId(), v.lastLogIndex(),
                v.lastLogTerm(), v.leadershipTransfer());
        }
        if (message instanceof ConsensusMessage.VoteReply r)
        {
            return encoder.encodeVoteReply(buffer, offset, limit, r.term(), r.fromNodeId(), r.granted());
        }
        if (message instanceof ConsensusMessage.PreVote v)
        {
            return encoder.encodePreVote(buffer, offset, limit, v.term(), v.fromNodeId(), v.lastLogIndex(),
                v.lastLogTerm());
        }
        if (message instanceof ConsensusMessage.PreVoteReply r)
        {
            return encoder.encodePreVoteReply(buffer, offset, limit, r.term(), r.fromNodeId(), r.candidateTerm(),
                r.granted());
        }
        final ConsensusMessage.TimeoutNow t = (ConsensusMessage.TimeoutNow)message;
        return encoder.encodeTimeoutNow(buffer, offset, limit, t.term(), t.fromNodeId());
    }

    /**
     * @return the message as a record (an AppendEntries' payload handles are frame offsets the decoder resolves until
     * its next decode), or null when it is malformed.
     */
    static ConsensusMessage decode(
        final ReplicationDecoder decoder, final DirectBuffer buffer, final int messageOffset, final int messageLength)
    {
        if (decoder.decode(buffer, messageOffset, messageLength) == ReplicationDecoder.MALFORMED)
        {
            return null;
        }
        final ConsensusMessage[] decoded = new ConsensusMessage[1];
        decoder.dispatch(new RecordMessageHandler()
        {
            @Override
            void onMessage(final ConsensusMessage message, final EntryPayloads payloads)
            {
                decoded[0] = message;
            }
        });
        return decoded[0];
    }

    /** A {@link MessageHandler} that builds a record of each message (allocates; tests only). */
    abstract static class RecordMessageHandler implements MessageHandler
    {
        abstract void onMessage(ConsensusMessage message, EntryPayloads payloads);

        @Override
        public void onRequestVote(
            final long term, final int fromNodeId, final long lastLogIndex, final long lastLogTerm,
            final boolean leadershipTransfer)
        {
            onMessage(new ConsensusMessage.RequestVote(term, fromNodeId, lastLogIndex, lastLogTerm,
                leadershipTransfer), null);
        }

        @Override
        public void onVoteReply(final long term, final int fromNodeId, final boolean granted)
        {
            onMessage(new ConsensusMessage.VoteReply(term, fromNodeId, granted), null);
        }

        @Override
        public void onAppendEntries(
            final long term, final int fromNodeId, final long prevLogIndex, final long prevLogTerm,
            final long leaderCommitIndex, final int entryCount, final LogEntries entries,
            final EntryPayloads payloads)
        {
            final long[] terms = new long[entryCount];
            final long[] handles = new long[entryCount];
            for (int i = 0; i < entryCount; i++)
            {
                terms[i] = entries.termAt(prevLogIndex + 1 + i);
                handles[i] = entries.payloadAt(prevLogIndex + 1 + i);
            }
            onMessage(new ConsensusMessage.AppendEntries(term, fromNodeId, prevLogIndex, prevLogTerm, terms, handles,
                leaderCommitIndex), payloads);
        }

        @Override
        public void onAppendReply(
            final long term, final int fromNodeId, final boolean success, final long matchIndex,
            final long conflictIndex)
        {
            onMessage(new ConsensusMessage.AppendReply(term, fromNodeId, success, matchIndex, conflictIndex), null);
        }

        @Override
        public void onTimeoutNow(final long term, final int fromNodeId)
        {
            onMessage(new ConsensusMessage.TimeoutNow(term, fromNodeId), null);
        }

        @Override
        public void onPreVote(final long term, final int fromNodeId, final long lastLogIndex, final long lastLogTerm)
        {
            onMessage(new ConsensusMessage.PreVote(term, fromNodeId, lastLogIndex, lastLogTerm), null);
        }

        @Override
        public void onPreVoteReply(
            final long term, final int fromNodeId, final long candidateTerm, final boolean granted)
        {
            onMessage(new ConsensusMessage.PreVoteReply(term, fromNodeId, candidateTerm, granted), null);
        }
    }
}
