package com.wodian.net.replication;

import com.wodian.journal.consensus.ConsensusMessage;
import com.wodian.journal.consensus.EntryView;
import com.wodian.net.replication.sbe.AppendEntriesEncoder;
import com.wodian.net.replication.sbe.AppendReplyEncoder;
import com.wodian.net.replication.sbe.BooleanType;
import com.wodian.net.replication.sbe.HelloEncoder;
import com.wodian.net.replication.sbe.MessageHeaderEncoder;
import com.wodian.net.replication.sbe.RequestVoteEncoder;
import com.wodian.net.replication.sbe.TimeoutNowEncoder;
import com.wodian.net.replication.sbe.VoteReplyEncoder;
import org.agrona.MutableDirectBuffer;

import static com.wodian.net.replication.ReplicationDescriptor.BYTE_ORDER;
import static com.wodian.net.replication.ReplicationDescriptor.LENGTH_FIELD_LENGTH;
import static com.wodian.net.replication.ReplicationDescriptor.MESSAGE_OFFSET;

/**
 * Encodes consensus messages as length-prefixed SBE frames ({@link ReplicationDescriptor}). Reuses its flyweights
 * and never allocates. Every encode checks the space first and writes nothing it cannot finish: on a negative
 * result the bytes from {@code offset} on are undefined but nothing before them was touched.
 */
public final class ReplicationEncoder
{
    /** The frame does not fit between {@code offset} and {@code limit}. */
    public static final int NO_SPACE = -1;

    /** The {@link EntrySource} does not have one of the AppendEntries' entries. */
    public static final int ENTRY_MISSING = -2;

    /** The message is longer than the largest message a node accepts (or has more than 65,535 entries). */
    public static final int TOO_LONG = -3;

    private static final int HEADER_LENGTH = MessageHeaderEncoder.ENCODED_LENGTH;
    private static final int ENTRIES_COUNT_MAX = AppendEntriesEncoder.EntriesEncoder.countMaxValue();
    private static final int ENTRY_FIXED_LENGTH = AppendEntriesEncoder.EntriesEncoder.sbeBlockLength() +
        AppendEntriesEncoder.EntriesEncoder.payloadHeaderLength();

    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final HelloEncoder helloEncoder = new HelloEncoder();
    private final RequestVoteEncoder requestVoteEncoder = new RequestVoteEncoder();
    private final VoteReplyEncoder voteReplyEncoder = new VoteReplyEncoder();
    private final AppendEntriesEncoder appendEntriesEncoder = new AppendEntriesEncoder();
    private final AppendReplyEncoder appendReplyEncoder = new AppendReplyEncoder();
    private final TimeoutNowEncoder timeoutNowEncoder = new TimeoutNowEncoder();
    private final EntryView entryView = new EntryView();
    private final int messageLengthMax;

    /**
     * @param messageLengthMax largest SBE message to produce; the receiving nodes must accept at least this much.
     */
    public ReplicationEncoder(final int messageLengthMax)
    {
        this.messageLengthMax = messageLengthMax;
    }

    /**
     * @param groupName UTF-8 bytes of the group name, at most {@link ReplicationDescriptor#GROUP_NAME_LENGTH_MAX}.
     * @return frame length (length prefix included) or {@link #NO_SPACE}.
     */
    public int encodeHello(
        final MutableDirectBuffer buffer,
        final int offset,
        final int limit,
        final int protocolVersion,
        final int fromNodeId,
        final int toNodeId,
        final byte[] groupName)
    {
        final int messageLength =
            HEADER_LENGTH + HelloEncoder.BLOCK_LENGTH + HelloEncoder.groupNameHeaderLength() + groupName.length;
        if (offset + LENGTH_FIELD_LENGTH + messageLength > limit)
        {
            return NO_SPACE;
        }
        helloEncoder.wrapAndApplyHeader(buffer, offset + MESSAGE_OFFSET, headerEncoder)
            .protocolVersion(protocolVersion)
            .fromNodeId(fromNodeId)
            .toNodeId(toNodeId)
            .putGroupName(groupName, 0, groupName.length);
        return finish(buffer, offset, helloEncoder.encodedLength());
    }

    /**
     * Encode one frame.
     *
     * @param source where the entries of an AppendEntries are read, by its {@code entryPayloads} handles.
     * @return frame length (length prefix included), or {@link #NO_SPACE}, {@link #ENTRY_MISSING}, {@link #TOO_LONG}.
     */
    public int encode(
        final ConsensusMessage message,
        final EntrySource source,
        final MutableDirectBuffer buffer,
        final int offset,
        final int limit)
    {
        final int messageOffset = offset + MESSAGE_OFFSET;
        if (message instanceof ConsensusMessage.AppendEntries append)
        {
            return encodeAppendEntries(append, source, buffer, offset, limit);
        }
        if (message instanceof ConsensusMessage.AppendReply reply)
        {
            if (!fits(offset, limit, AppendReplyEncoder.BLOCK_LENGTH))
            {
                return NO_SPACE;
            }
            appendReplyEncoder.wrapAndApplyHeader(buffer, messageOffset, headerEncoder)
                .term(reply.term())
                .fromNodeId(reply.fromNodeId())
                .success(reply.success() ? BooleanType.TRUE : BooleanType.FALSE)
                .matchIndex(reply.matchIndex())
                .conflictIndex(reply.conflictIndex());
            return finish(buffer, offset, appendReplyEncoder.encodedLength());
        }
        if (message instanceof ConsensusMessage.RequestVote vote)
        {
            if (!fits(offset, limit, RequestVoteEncoder.BLOCK_LENGTH))
            {
                return NO_SPACE;
            }
            requestVoteEncoder.wrapAndApplyHeader(buffer, messageOffset, headerEncoder)
                .term(vote.term())
                .fromNodeId(vote.fromNodeId())
                .lastLogIndex(vote.lastLogIndex())
                .lastLogTerm(vote.lastLogTerm())
                .leadershipTransfer(vote.leadershipTransfer() ? BooleanType.TRUE : BooleanType.FALSE);
            return finish(buffer, offset, requestVoteEncoder.encodedLength());
        }
        if (message instanceof ConsensusMessage.VoteReply reply)
        {
            if (!fits(offset, limit, VoteReplyEncoder.BLOCK_LENGTH))
            {
                return NO_SPACE;
            }
            voteReplyEncoder.wrapAndApplyHeader(buffer, messageOffset, headerEncoder)
                .term(reply.term())
                .fromNodeId(reply.fromNodeId())
                .granted(reply.granted() ? BooleanType.TRUE : BooleanType.FALSE);
            return finish(buffer, offset, voteReplyEncoder.encodedLength());
        }
        if (message instanceof ConsensusMessage.TimeoutNow timeoutNow)
        {
            if (!fits(offset, limit, TimeoutNowEncoder.BLOCK_LENGTH))
            {
                return NO_SPACE;
            }
            timeoutNowEncoder.wrapAndApplyHeader(buffer, messageOffset, headerEncoder)
                .term(timeoutNow.term())
                .fromNodeId(timeoutNow.fromNodeId());
            return finish(buffer, offset, timeoutNowEncoder.encodedLength());
        }
        throw new IllegalArgumentException("unknown consensus message " + message.getClass().getName());
    }

    private int encodeAppendEntries(
        final ConsensusMessage.AppendEntries append,
        final EntrySource source,
        final MutableDirectBuffer buffer,
        final int offset,
        final int limit)
    {
        final long[] terms = append.entryTerms();
        final long[] payloads = append.entryPayloads();
        final int count = terms.length;
        if (count > ENTRIES_COUNT_MAX || payloads.length != count)
        {
            return count > ENTRIES_COUNT_MAX ? TOO_LONG : ENTRY_MISSING;
        }
        final int fixedLength = HEADER_LENGTH + AppendEntriesEncoder.BLOCK_LENGTH +
            AppendEntriesEncoder.EntriesEncoder.sbeHeaderSize();
        if (fixedLength + (long)count * ENTRY_FIXED_LENGTH > messageLengthMax)
        {
            return TOO_LONG;
        }
        if (offset + LENGTH_FIELD_LENGTH + fixedLength + count * ENTRY_FIXED_LENGTH > limit)
        {
            return NO_SPACE;
        }
        final int messageOffset = offset + MESSAGE_OFFSET;
        final AppendEntriesEncoder.EntriesEncoder entries = appendEntriesEncoder
            .wrapAndApplyHeader(buffer, messageOffset, headerEncoder)
            .term(append.term())
            .fromNodeId(append.fromNodeId())
            .prevLogIndex(append.prevLogIndex())
            .prevLogTerm(append.prevLogTerm())
            .leaderCommitIndex(append.leaderCommitIndex())
            .entriesCount(count);
        final EntryView view = entryView;
        for (int i = 0; i < count; i++)
        {
            if (!source.read(payloads[i], view))
            {
                return ENTRY_MISSING;
            }
            // The space still needed: this entry in full, the fixed part of the ones after it.
            final long messageLength = appendEntriesEncoder.limit() - messageOffset +
                (long)(count - i) * ENTRY_FIXED_LENGTH + view.length;
            if (messageLength > messageLengthMax)
            {
                return TOO_LONG;
            }
            if (messageOffset + messageLength > limit)
            {
                return NO_SPACE;
            }
            entries.next()
                .term(terms[i])
                .timestampMs(view.timestampMs)
                .payloadVersion(view.payloadVersion)
                .putPayload(view.buffer, view.offset, view.length);
        }
        return finish(buffer, offset, appendEntriesEncoder.encodedLength());
    }

    private static boolean fits(final int offset, final int limit, final int blockLength)
    {
        return offset + LENGTH_FIELD_LENGTH + HEADER_LENGTH + blockLength <= limit;
    }

    private static int finish(final MutableDirectBuffer buffer, final int offset, final int bodyLength)
    {
        final int messageLength = HEADER_LENGTH + bodyLength;
        buffer.putInt(offset, messageLength, BYTE_ORDER);
        return LENGTH_FIELD_LENGTH + messageLength;
    }
}
