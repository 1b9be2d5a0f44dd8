package com.wodian.net.replication;

import com.wodian.journal.consensus.ConsensusMessage;
import com.wodian.journal.consensus.EntryPayloads;
import com.wodian.journal.consensus.EntryView;
import com.wodian.net.replication.sbe.AppendEntriesDecoder;
import com.wodian.net.replication.sbe.AppendReplyDecoder;
import com.wodian.net.replication.sbe.HelloDecoder;
import com.wodian.net.replication.sbe.MessageHeaderDecoder;
import com.wodian.net.replication.sbe.RequestVoteDecoder;
import com.wodian.net.replication.sbe.TimeoutNowDecoder;
import com.wodian.net.replication.sbe.VoteReplyDecoder;
import org.agrona.DirectBuffer;

import static com.wodian.net.replication.ReplicationDescriptor.BYTE_ORDER;

/**
 * Decodes the SBE message of one replication frame. Every length and count is checked against the frame before it
 * is used, so no input, however malformed, reads outside the frame: a bad message yields {@code null} (the caller
 * closes the connection).
 *
 * <p>Decoding creates the {@link ConsensusMessage} record (and, for an AppendEntries, its two arrays): consensus
 * traffic is a few messages per heartbeat or per batch, and the consensus rules take records. The entries' bytes
 * are not copied: the AppendEntries' {@code entryPayloads[i]} are offsets of the entries in the frame's buffer,
 * which this decoder, as {@link EntryPayloads}, resolves until the next decode.
 */
public final class ReplicationDecoder implements EntryPayloads
{
    /** Result of {@link #decodeHello} when the hello is malformed or of another version, group or destination. */
    public static final int HELLO_REJECTED = -1;

    private static final int HEADER_LENGTH = MessageHeaderDecoder.ENCODED_LENGTH;
    private static final int GROUP_HEADER_LENGTH = AppendEntriesDecoder.EntriesDecoder.sbeHeaderSize();
    private static final int ENTRY_BLOCK_LENGTH_MIN = AppendEntriesDecoder.EntriesDecoder.sbeBlockLength();
    private static final int PAYLOAD_HEADER_LENGTH = AppendEntriesDecoder.EntriesDecoder.payloadHeaderLength();
    private static final int ENTRY_TIMESTAMP_OFFSET = AppendEntriesDecoder.EntriesDecoder.timestampMsEncodingOffset();
    private static final int ENTRY_VERSION_OFFSET =
        AppendEntriesDecoder.EntriesDecoder.payloadVersionEncodingOffset();
    private static final long[] NO_ENTRIES = new long[0];

    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final HelloDecoder helloDecoder = new HelloDecoder();
    private final RequestVoteDecoder requestVoteDecoder = new RequestVoteDecoder();
    private final VoteReplyDecoder voteReplyDecoder = new VoteReplyDecoder();
    private final AppendEntriesDecoder appendEntriesDecoder = new AppendEntriesDecoder();
    private final AppendReplyDecoder appendReplyDecoder = new AppendReplyDecoder();
    private final TimeoutNowDecoder timeoutNowDecoder = new TimeoutNowDecoder();

    private DirectBuffer entriesBuffer;
    private int entryBlockLength;

    /**
     * @param expectedGroupName UTF-8 bytes of this node's group name.
     * @param expectedToNodeId  this node's id: a hello addressed to another node was misdialled.
     * @return the sender's node id as the hello states it (not range-checked), or {@link #HELLO_REJECTED}.
     */
    public int decodeHello(
        final DirectBuffer buffer,
        final int messageOffset,
        final int messageLength,
        final int expectedProtocolVersion,
        final byte[] expectedGroupName,
        final int expectedToNodeId)
    {
        if (!header(buffer, messageOffset, messageLength, HelloDecoder.TEMPLATE_ID, HelloDecoder.BLOCK_LENGTH))
        {
            return HELLO_REJECTED;
        }
        final int end = messageOffset + messageLength;
        final HelloDecoder hello = helloDecoder.wrap(
            buffer, messageOffset + HEADER_LENGTH, headerDecoder.blockLength(), headerDecoder.version());
        final int nameOffset = hello.limit() + HelloDecoder.groupNameHeaderLength();
        if (nameOffset > end)
        {
            return HELLO_REJECTED;
        }
        final int nameLength = hello.groupNameLength();
        if (nameLength != expectedGroupName.length || nameOffset + nameLength > end ||
            hello.protocolVersion() != expectedProtocolVersion || hello.toNodeId() != expectedToNodeId)
        {
            return HELLO_REJECTED;
        }
        for (int i = 0; i < nameLength; i++)
        {
            if (buffer.getByte(nameOffset + i) != expectedGroupName[i])
            {
                return HELLO_REJECTED;
            }
        }
        return hello.fromNodeId();
    }

    /**
     * @param buffer        holds the frame; for an AppendEntries it must keep the frame until the message is handled.
     * @param messageOffset offset of the SBE message header.
     * @param messageLength the frame's length prefix.
     * @return the message, or null when it is malformed (a hello, an unknown template, a short or inconsistent one).
     */
    public ConsensusMessage decode(final DirectBuffer buffer, final int messageOffset, final int messageLength)
    {
        if (messageLength < HEADER_LENGTH)
        {
            return null;
        }
        headerDecoder.wrap(buffer, messageOffset);
        final int bodyOffset = messageOffset + HEADER_LENGTH;
        final int blockLength = headerDecoder.blockLength();
        final int version = headerDecoder.version();
        switch (headerDecoder.templateId())
        {
            case AppendEntriesDecoder.TEMPLATE_ID:
                if (!header(buffer, messageOffset, messageLength, AppendEntriesDecoder.TEMPLATE_ID,
                    AppendEntriesDecoder.BLOCK_LENGTH))
                {
                    return null;
                }
                return decodeAppendEntries(buffer, bodyOffset, blockLength, version, messageOffset + messageLength);

            case AppendReplyDecoder.TEMPLATE_ID:
            {
                if (!header(buffer, messageOffset, messageLength, AppendReplyDecoder.TEMPLATE_ID,
                    AppendReplyDecoder.BLOCK_LENGTH))
                {
                    return null;
                }
                final AppendReplyDecoder reply = appendReplyDecoder.wrap(buffer, bodyOffset, blockLength, version);
                final short success = reply.successRaw();
                return isBoolean(success) ? new ConsensusMessage.AppendReply(reply.term(), reply.fromNodeId(),
                    success == 1, reply.matchIndex(), reply.conflictIndex()) : null;
            }

            case RequestVoteDecoder.TEMPLATE_ID:
            {
                if (!header(buffer, messageOffset, messageLength, RequestVoteDecoder.TEMPLATE_ID,
                    RequestVoteDecoder.BLOCK_LENGTH))
                {
                    return null;
                }
                final RequestVoteDecoder vote = requestVoteDecoder.wrap(buffer, bodyOffset, blockLength, version);
                final short transfer = vote.leadershipTransferRaw();
                return isBoolean(transfer) ? new ConsensusMessage.RequestVote(vote.term(), vote.fromNodeId(),
                    vote.lastLogIndex(), vote.lastLogTerm(), transfer == 1) : null;
            }

            case VoteReplyDecoder.TEMPLATE_ID:
            {
                if (!header(buffer, messageOffset, messageLength, VoteReplyDecoder.TEMPLATE_ID,
                    VoteReplyDecoder.BLOCK_LENGTH))
                {
                    return null;
                }
                final VoteReplyDecoder reply = voteReplyDecoder.wrap(buffer, bodyOffset, blockLength, version);
                final short granted = reply.grantedRaw();
                return isBoolean(granted) ?
                    new ConsensusMessage.VoteReply(reply.term(), reply.fromNodeId(), granted == 1) : null;
            }

            case TimeoutNowDecoder.TEMPLATE_ID:
            {
                if (!header(buffer, messageOffset, messageLength, TimeoutNowDecoder.TEMPLATE_ID,
                    TimeoutNowDecoder.BLOCK_LENGTH))
                {
                    return null;
                }
                final TimeoutNowDecoder timeoutNow = timeoutNowDecoder.wrap(buffer, bodyOffset, blockLength, version);
                return new ConsensusMessage.TimeoutNow(timeoutNow.term(), timeoutNow.fromNodeId());
            }

            default:
                return null;
        }
    }

    /**
     * Resolve an {@code entryPayloads} handle of the last decoded AppendEntries: the offset of the entry's block in
     * the frame's buffer. Valid only while that buffer still holds the frame.
     */
    @Override
    public void resolve(final long payload, final EntryView into)
    {
        final DirectBuffer buffer = entriesBuffer;
        final int entryOffset = (int)payload;
        final int lengthOffset = entryOffset + entryBlockLength;
        into.set(
            buffer.getLong(entryOffset + ENTRY_TIMESTAMP_OFFSET, BYTE_ORDER),
            buffer.getInt(entryOffset + ENTRY_VERSION_OFFSET, BYTE_ORDER),
            buffer,
            lengthOffset + PAYLOAD_HEADER_LENGTH,
            buffer.getInt(lengthOffset, BYTE_ORDER));
    }

    private ConsensusMessage decodeAppendEntries(
        final DirectBuffer buffer, final int bodyOffset, final int blockLength, final int version, final int end)
    {
        final AppendEntriesDecoder append = appendEntriesDecoder.wrap(buffer, bodyOffset, blockLength, version);
        if (append.limit() + GROUP_HEADER_LENGTH > end)
        {
            return null;
        }
        final AppendEntriesDecoder.EntriesDecoder entries = append.entries();
        final int count = entries.count();
        final int entryBlock = entries.actingBlockLength();
        if (entryBlock < ENTRY_BLOCK_LENGTH_MIN ||
            (long)count * (entryBlock + PAYLOAD_HEADER_LENGTH) > end - append.limit())
        {
            return null;
        }
        final long[] terms = count == 0 ? NO_ENTRIES : new long[count];
        final long[] payloads = count == 0 ? NO_ENTRIES : new long[count];
        for (int i = 0; i < count; i++)
        {
            final int entryOffset = append.limit();
            final int dataOffset = entryOffset + entryBlock + PAYLOAD_HEADER_LENGTH;
            if (dataOffset > end)
            {
                return null;
            }
            entries.next();
            final int dataLength = entries.payloadLength();
            // uint32 read as int: a length of 2 GiB or more turns negative, so check both ends.
            if (dataLength < 0 || dataLength > end - dataOffset)
            {
                return null;
            }
            terms[i] = entries.term();
            payloads[i] = entryOffset;
            entries.skipPayload();
        }
        entriesBuffer = buffer;
        entryBlockLength = entryBlock;
        return new ConsensusMessage.AppendEntries(
            append.term(),
            append.fromNodeId(),
            append.prevLogIndex(),
            append.prevLogTerm(),
            terms,
            payloads,
            append.leaderCommitIndex());
    }

    private boolean header(
        final DirectBuffer buffer,
        final int messageOffset,
        final int messageLength,
        final int templateId,
        final int blockLengthMin)
    {
        if (messageLength < HEADER_LENGTH)
        {
            return false;
        }
        headerDecoder.wrap(buffer, messageOffset);
        final int blockLength = headerDecoder.blockLength();
        return headerDecoder.templateId() == templateId &&
            headerDecoder.schemaId() == MessageHeaderDecoder.SCHEMA_ID &&
            headerDecoder.version() >= 1 &&
            blockLength >= blockLengthMin &&
            HEADER_LENGTH + blockLength <= messageLength;
    }

    private static boolean isBoolean(final short value)
    {
        return value == 0 || value == 1;
    }
}
