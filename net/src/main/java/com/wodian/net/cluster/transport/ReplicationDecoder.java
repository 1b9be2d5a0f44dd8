package com.wodian.net.cluster.transport;

import com.wodian.journal.JournalEntryDescriptor;
import com.wodian.journal.consensus.EntryPayloads;
import com.wodian.journal.consensus.EntryView;
import com.wodian.journal.consensus.LogEntries;
import com.wodian.journal.consensus.Membership;
import com.wodian.net.cluster.transport.sbe.AppendEntriesDecoder;
import com.wodian.net.cluster.transport.sbe.AppendReplyDecoder;
import com.wodian.net.cluster.transport.sbe.HelloDecoder;
import com.wodian.net.cluster.transport.sbe.InstallSnapshotDecoder;
import com.wodian.net.cluster.transport.sbe.InstallSnapshotReplyDecoder;
import com.wodian.net.cluster.transport.sbe.MessageHeaderDecoder;
import com.wodian.net.cluster.transport.sbe.PreVoteDecoder;
import com.wodian.net.cluster.transport.sbe.PreVoteReplyDecoder;
import com.wodian.net.cluster.transport.sbe.RequestVoteDecoder;
import com.wodian.net.cluster.transport.sbe.TimeoutNowDecoder;
import com.wodian.net.cluster.transport.sbe.VoteReplyDecoder;
import org.agrona.DirectBuffer;

import static com.wodian.net.cluster.transport.ReplicationDescriptor.BYTE_ORDER;

/**
 * Decodes the SBE message of one replication frame. Every length and count is checked against the frame before it
 * is used, so no input, however malformed, reads outside the frame: a bad message yields {@code null} (the caller
 * closes the connection).
 *
 * <p>Decoding allocates nothing: {@link #decode} checks a message and keeps it in reused flyweights,
 * {@link #dispatch} hands its fields to a {@link MessageHandler} as primitives. The entries of an AppendEntries are
 * not copied: this decoder, as {@link LogEntries}, gives each entry's term and, as its payload handle, the entry's
 * offset in the frame's buffer, which it resolves as {@link EntryPayloads} until the next decode.
 */
public final class ReplicationDecoder implements EntryPayloads, LogEntries
{
    /** Result of {@link #decodeHello} when the hello is malformed or of another version, group or destination. */
    public static final int HELLO_REJECTED = -1;

    /** Result of {@link #decode} for a malformed message. */
    public static final int MALFORMED = -1;

    private static final int HEADER_LENGTH = MessageHeaderDecoder.ENCODED_LENGTH;
    private static final int GROUP_HEADER_LENGTH = AppendEntriesDecoder.EntriesDecoder.sbeHeaderSize();
    private static final int ENTRY_BLOCK_LENGTH_MIN = AppendEntriesDecoder.EntriesDecoder.sbeBlockLength();
    private static final int PAYLOAD_HEADER_LENGTH = AppendEntriesDecoder.EntriesDecoder.payloadHeaderLength();
    private static final int ENTRY_TIMESTAMP_OFFSET = AppendEntriesDecoder.EntriesDecoder.timestampMsEncodingOffset();
    private static final int ENTRY_VERSION_OFFSET =
        AppendEntriesDecoder.EntriesDecoder.payloadVersionEncodingOffset();
    private static final int ENTRY_TERM_OFFSET = AppendEntriesDecoder.EntriesDecoder.termEncodingOffset();
    private static final int NONE = -1;

    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final HelloDecoder helloDecoder = new HelloDecoder();
    private final RequestVoteDecoder requestVoteDecoder = new RequestVoteDecoder();
    private final VoteReplyDecoder voteReplyDecoder = new VoteReplyDecoder();
    private final PreVoteDecoder preVoteDecoder = new PreVoteDecoder();
    private final PreVoteReplyDecoder preVoteReplyDecoder = new PreVoteReplyDecoder();
    private final AppendEntriesDecoder appendEntriesDecoder = new AppendEntriesDecoder();
    private final AppendReplyDecoder appendReplyDecoder = new AppendReplyDecoder();
    private final TimeoutNowDecoder timeoutNowDecoder = new TimeoutNowDecoder();
    private final InstallSnapshotDecoder installSnapshotDecoder = new InstallSnapshotDecoder();
    private final InstallSnapshotReplyDecoder installSnapshotReplyDecoder = new InstallSnapshotReplyDecoder();
    private final java.util.zip.CRC32C chunkChecksum = new java.util.zip.CRC32C();
    private DirectBuffer chunkBuffer;
    private int chunkOffset;
    private int chunkLength;

    /** A hello of schema version 2 or older: no incarnation. */
    private static final int HELLO_BLOCK_LENGTH_MIN = 12;
    /** A hello of schema version 3 or 4: the incarnation, no engine limits. */
    private static final int HELLO_BLOCK_LENGTH_INCARNATION = 29;
    /** First schema version whose hellos name the sender's engine limits. */
    public static final int ENGINE_LIMITS_SCHEMA_VERSION = 5;
    private long helloEngineLimitsDigest;
    private DirectBuffer helloBuffer;
    private int helloEngineLimitsOffset;
    private int helloEngineLimitsLength;
    private long helloIncarnationHigh;
    private long helloIncarnationLow;
    private boolean helloJoinedEmpty;
    private int helloSchemaVersion;

    private DirectBuffer entriesBuffer;
    private int entryBlockLength;
    private int[] entryOffsets = new int[256];
    private int entryCount;
    private long prevLogIndex;
    private int templateId = NONE;

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
        helloIncarnationHigh = 0;
        helloIncarnationLow = 0;
        helloJoinedEmpty = false;
        helloSchemaVersion = 0;
        helloEngineLimitsDigest = 0;
        helloEngineLimitsLength = 0;
        if (!header(buffer, messageOffset, messageLength, HelloDecoder.TEMPLATE_ID, HELLO_BLOCK_LENGTH_MIN))
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
        if (headerDecoder.blockLength() >= HELLO_BLOCK_LENGTH_INCARNATION)
        {
            helloIncarnationHigh = hello.incarnationHigh();
            helloIncarnationLow = hello.incarnationLow();
            helloJoinedEmpty = hello.joinedEmptyRaw() == 1;
        }
        helloSchemaVersion = headerDecoder.version();
        if (headerDecoder.version() >= ENGINE_LIMITS_SCHEMA_VERSION &&
            headerDecoder.blockLength() >= HelloDecoder.BLOCK_LENGTH &&
            !helloEngineLimits(hello, buffer, nameOffset + nameLength, end))
        {
            return HELLO_REJECTED;
        }
        return hello.fromNodeId();
    }

    /** The limits' digest and where their text lies; @return false when the hello is cut short there. */
    private boolean helloEngineLimits(final HelloDecoder hello, final DirectBuffer buffer, final int at, final int end)
    {
        final int headerLength = HelloDecoder.engineLimitsHeaderLength();
        if (at + headerLength > end)
        {
            return false;
        }
        final long length = buffer.getInt(at, java.nio.ByteOrder.LITTLE_ENDIAN) & 0xFFFF_FFFFL;
        if (at + headerLength + length > end)
        {
            return false;
        }
        helloEngineLimitsDigest = hello.engineLimitsDigest();
        helloBuffer = buffer;
        helloEngineLimitsOffset = at + headerLength;
        helloEngineLimitsLength = (int)length;
        return true;
    }

    /**
     * @return the engine limits' digest the last accepted {@link #decodeHello} named; 0: not named (a build of schema
     * version 4 or older, or a node that does not know them).
     */
    public long helloEngineLimitsDigest()
    {
        return helloEngineLimitsDigest;
    }

    /** @return the engine limits' text of that hello (allocates: read it only to say why it is refused). */
    public String helloEngineLimits()
    {
        return 0 == helloEngineLimitsLength ? "" :
            helloBuffer.getStringWithoutLengthAscii(helloEngineLimitsOffset, helloEngineLimitsLength);
    }

    /** @return whether the message {@link #decode} last accepted is a RequestVote, a VoteReply or a Pre-Vote one. */
    public boolean isVote()
    {
        return templateId == RequestVoteDecoder.TEMPLATE_ID || templateId == VoteReplyDecoder.TEMPLATE_ID ||
            templateId == PreVoteDecoder.TEMPLATE_ID || templateId == PreVoteReplyDecoder.TEMPLATE_ID;
    }

    /**
     * @return the schema version of the last accepted {@link #decodeHello} (its SBE header): the build of the peer
     * that dialled, so that a message it could not read (a PreVote to a version below 4) is not sent to it.
     */
    public int helloSchemaVersion()
    {
        return helloSchemaVersion;
    }

    /** @return the high half of the incarnation the last accepted {@link #decodeHello} named; 0 with the low: none. */
    public long helloIncarnationHigh()
    {
        return helloIncarnationHigh;
    }

    /** @return whether the last accepted {@link #decodeHello} said its incarnation came from a --join start. */
    public boolean helloJoinedEmpty()
    {
        return helloJoinedEmpty;
    }

    /** @return the low half of the incarnation the last accepted {@link #decodeHello} named. */
    public long helloIncarnationLow()
    {
        return helloIncarnationLow;
    }

    /**
     * Checks one message and keeps its fields for {@link #dispatch}.
     *
     * @param buffer        holds the frame; for an AppendEntries it must keep the frame until the message is handled.
     * @param messageOffset offset of the SBE message header.
     * @param messageLength the frame's length prefix.
     * @return the sender's node id as the message states it, or {@link #MALFORMED} (a hello, an unknown template, a
     * short or inconsistent message).
     */
    public int decode(final DirectBuffer buffer, final int messageOffset, final int messageLength)
    {
        templateId = NONE;
        if (messageLength < HEADER_LENGTH)
        {
            return MALFORMED;
        }
        headerDecoder.wrap(buffer, messageOffset);
        final int candidateTemplate = headerDecoder.templateId();
        final int blockLengthMin = blockLengthMin(candidateTemplate);
        if (blockLengthMin < 0 || !header(buffer, messageOffset, messageLength, candidateTemplate, blockLengthMin))
        {
            return MALFORMED;
        }
        final int bodyOffset = messageOffset + HEADER_LENGTH;
        final int blockLength = headerDecoder.blockLength();
        final int version = headerDecoder.version();
        final boolean valid = switch (candidateTemplate)
        {
            case AppendEntriesDecoder.TEMPLATE_ID ->
                decodeAppendEntries(buffer, bodyOffset, blockLength, version, messageOffset + messageLength);
            case AppendReplyDecoder.TEMPLATE_ID ->
                isBoolean(appendReplyDecoder.wrap(buffer, bodyOffset, blockLength, version).successRaw());
            case RequestVoteDecoder.TEMPLATE_ID ->
                isBoolean(requestVoteDecoder.wrap(buffer, bodyOffset, blockLength, version).leadershipTransferRaw());
            case VoteReplyDecoder.TEMPLATE_ID ->
                isBoolean(voteReplyDecoder.wrap(buffer, bodyOffset, blockLength, version).grantedRaw());
            case PreVoteDecoder.TEMPLATE_ID ->
            {
                preVoteDecoder.wrap(buffer, bodyOffset, blockLength, version);
                yield true;
            }
            case PreVoteReplyDecoder.TEMPLATE_ID ->
                isBoolean(preVoteReplyDecoder.wrap(buffer, bodyOffset, blockLength, version).grantedRaw());
            case InstallSnapshotDecoder.TEMPLATE_ID ->
                decodeInstallSnapshot(buffer, bodyOffset, blockLength, version, messageOffset + messageLength);
            case InstallSnapshotReplyDecoder.TEMPLATE_ID -> isBoolean(
                installSnapshotReplyDecoder.wrap(buffer, bodyOffset, blockLength, version).doneRaw());
            default ->
            {
                timeoutNowDecoder.wrap(buffer, bodyOffset, blockLength, version);
                yield true;
            }
        };
        if (!valid)
        {
            return MALFORMED;
        }
        templateId = candidateTemplate;
        return switch (candidateTemplate)
        {
            case AppendEntriesDecoder.TEMPLATE_ID -> appendEntriesDecoder.fromNodeId();
            case AppendReplyDecoder.TEMPLATE_ID -> appendReplyDecoder.fromNodeId();
            case RequestVoteDecoder.TEMPLATE_ID -> requestVoteDecoder.fromNodeId();
            case VoteReplyDecoder.TEMPLATE_ID -> voteReplyDecoder.fromNodeId();
            case PreVoteDecoder.TEMPLATE_ID -> preVoteDecoder.fromNodeId();
            case PreVoteReplyDecoder.TEMPLATE_ID -> preVoteReplyDecoder.fromNodeId();
            case InstallSnapshotDecoder.TEMPLATE_ID -> installSnapshotDecoder.fromNodeId();
            case InstallSnapshotReplyDecoder.TEMPLATE_ID -> installSnapshotReplyDecoder.fromNodeId();
            default -> timeoutNowDecoder.fromNodeId();
        };
    }

    /**
     * Hands the message the last {@link #decode} accepted to {@code handler}, as primitives; an AppendEntries'
     * entries are read from the frame through this decoder (as {@link LogEntries} and {@link EntryPayloads}).
     */
    public void dispatch(final MessageHandler handler)
    {
        switch (templateId)
        {
            case AppendEntriesDecoder.TEMPLATE_ID -> handler.onAppendEntries(appendEntriesDecoder.term(),
                appendEntriesDecoder.fromNodeId(), prevLogIndex, appendEntriesDecoder.prevLogTerm(),
                appendEntriesDecoder.leaderCommitIndex(), entryCount, this, this);
            case AppendReplyDecoder.TEMPLATE_ID -> handler.onAppendReply(appendReplyDecoder.term(),
                appendReplyDecoder.fromNodeId(), appendReplyDecoder.successRaw() == 1, appendReplyDecoder.matchIndex(),
                appendReplyDecoder.conflictIndex());
            case RequestVoteDecoder.TEMPLATE_ID -> handler.onRequestVote(requestVoteDecoder.term(),
                requestVoteDecoder.fromNodeId(), requestVoteDecoder.lastLogIndex(), requestVoteDecoder.lastLogTerm(),
                requestVoteDecoder.leadershipTransferRaw() == 1);
            case VoteReplyDecoder.TEMPLATE_ID -> handler.onVoteReply(voteReplyDecoder.term(),
                voteReplyDecoder.fromNodeId(), voteReplyDecoder.grantedRaw() == 1);
            case TimeoutNowDecoder.TEMPLATE_ID -> handler.onTimeoutNow(timeoutNowDecoder.term(),
                timeoutNowDecoder.fromNodeId());
            case PreVoteDecoder.TEMPLATE_ID -> handler.onPreVote(preVoteDecoder.term(), preVoteDecoder.fromNodeId(),
                preVoteDecoder.lastLogIndex(), preVoteDecoder.lastLogTerm());
            case PreVoteReplyDecoder.TEMPLATE_ID -> handler.onPreVoteReply(preVoteReplyDecoder.term(),
                preVoteReplyDecoder.fromNodeId(), preVoteReplyDecoder.candidateTerm(),
                preVoteReplyDecoder.grantedRaw() == 1);
            case InstallSnapshotDecoder.TEMPLATE_ID -> handler.onInstallSnapshot(installSnapshotDecoder.term(),
                installSnapshotDecoder.fromNodeId(), installSnapshotDecoder.snapshotIndex(),
                installSnapshotDecoder.snapshotTerm(), snapshotConfiguration(), installSnapshotDecoder.totalLength(),
                installSnapshotDecoder.byteOffset(), chunkBuffer, chunkOffset, chunkLength);
            case InstallSnapshotReplyDecoder.TEMPLATE_ID -> handler.onInstallSnapshotReply(
                installSnapshotReplyDecoder.term(), installSnapshotReplyDecoder.fromNodeId(),
                installSnapshotReplyDecoder.snapshotIndex(), installSnapshotReplyDecoder.nextOffset(),
                installSnapshotReplyDecoder.doneRaw() == 1);
            default -> throw new IllegalStateException("no decoded message to dispatch");
        }
    }

    /** Term of entry {@code index} of the last decoded AppendEntries (valid while its frame is in the buffer). */
    @Override
    public long termAt(final long index)
    {
        return entriesBuffer.getLong(entryOffsets[entryPosition(index)] + ENTRY_TERM_OFFSET, BYTE_ORDER);
    }

    /** Payload handle of entry {@code index} of the last decoded AppendEntries: its offset in the frame's buffer. */
    @Override
    public long payloadAt(final long index)
    {
        return entryOffsets[entryPosition(index)];
    }

    /** The configuration entry {@code index} of the last decoded AppendEntries carries, if it is one. */
    @Override
    public long configurationAt(final long index)
    {
        final int entryOffset = entryOffsets[entryPosition(index)];
        final int lengthOffset = entryOffset + entryBlockLength;
        return ConfigurationEntry.configurationOf(entriesBuffer, lengthOffset + PAYLOAD_HEADER_LENGTH,
            entriesBuffer.getInt(lengthOffset, BYTE_ORDER));
    }

    /** The configuration of the last decoded InstallSnapshot; {@link Membership#NONE} from a sender of version 1. */
    private long snapshotConfiguration()
    {
        final long configuration = installSnapshotDecoder.configuration();
        return configuration == InstallSnapshotDecoder.configurationNullValue() ? Membership.NONE : configuration;
    }

    /**
     * Resolve a payload handle of the last decoded AppendEntries: the offset of the entry's block in the frame's
     * buffer. Valid only while that buffer still holds the frame.
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

    private int entryPosition(final long index)
    {
        final long position = index - prevLogIndex - 1;
        if (position < 0 || position >= entryCount)
        {
            throw new IndexOutOfBoundsException("index " + index + " not in the AppendEntries after " + prevLogIndex +
                " with " + entryCount + " entries");
        }
        return (int)position;
    }

    private static int blockLengthMin(final int templateId)
    {
        return switch (templateId)
        {
            case AppendEntriesDecoder.TEMPLATE_ID -> AppendEntriesDecoder.BLOCK_LENGTH;
            case AppendReplyDecoder.TEMPLATE_ID -> AppendReplyDecoder.BLOCK_LENGTH;
            case RequestVoteDecoder.TEMPLATE_ID -> RequestVoteDecoder.BLOCK_LENGTH;
            case VoteReplyDecoder.TEMPLATE_ID -> VoteReplyDecoder.BLOCK_LENGTH;
            case PreVoteDecoder.TEMPLATE_ID -> PreVoteDecoder.BLOCK_LENGTH;
            case PreVoteReplyDecoder.TEMPLATE_ID -> PreVoteReplyDecoder.BLOCK_LENGTH;
            case TimeoutNowDecoder.TEMPLATE_ID -> TimeoutNowDecoder.BLOCK_LENGTH;
            case InstallSnapshotDecoder.TEMPLATE_ID -> InstallSnapshotDecoder.BLOCK_LENGTH;
            case InstallSnapshotReplyDecoder.TEMPLATE_ID -> InstallSnapshotReplyDecoder.BLOCK_LENGTH;
            default -> -1;
        };
    }

    /**
     * A snapshot chunk: its length within the frame, its offsets and lengths not negative, the chunk within the
     * snapshot, a configuration that could be one, and its CRC32C matching.
     */
    private boolean decodeInstallSnapshot(
        final DirectBuffer buffer, final int bodyOffset, final int blockLength, final int version, final int end)
    {
        final InstallSnapshotDecoder message = installSnapshotDecoder.wrap(buffer, bodyOffset, blockLength, version);
        final int lengthOffset = message.limit();
        final int dataOffset = lengthOffset + InstallSnapshotDecoder.chunkHeaderLength();
        if (dataOffset > end)
        {
            return false;
        }
        final int length = buffer.getInt(lengthOffset, BYTE_ORDER);
        if (length < 0 || length > end - dataOffset || message.byteOffset() < 0 || message.totalLength() < 0 ||
            message.byteOffset() > message.totalLength() - length || message.snapshotIndex() < 1)
        {
            return false;
        }
        final long configuration = snapshotConfiguration();
        if (configuration != Membership.NONE && !Membership.isValid(configuration))
        {
            return false; // the follower would store it as its membership and never commit again
        }
        if (Checksums.crc32c(chunkChecksum, buffer, dataOffset, length) != message.chunkChecksum())
        {
            return false;
        }
        chunkBuffer = buffer;
        chunkOffset = dataOffset;
        chunkLength = length;
        return true;
    }

    private boolean decodeAppendEntries(
        final DirectBuffer buffer, final int bodyOffset, final int blockLength, final int version, final int end)
    {
        final AppendEntriesDecoder append = appendEntriesDecoder.wrap(buffer, bodyOffset, blockLength, version);
        if (append.limit() + GROUP_HEADER_LENGTH > end)
        {
            return false;
        }
        final AppendEntriesDecoder.EntriesDecoder entries = append.entries();
        final int count = entries.count();
        final int entryBlock = entries.actingBlockLength();
        if (entryBlock < ENTRY_BLOCK_LENGTH_MIN ||
            (long)count * (entryBlock + PAYLOAD_HEADER_LENGTH) > end - append.limit())
        {
            return false;
        }
        if (count > entryOffsets.length)
        {
            entryOffsets = new int[Math.max(count, 2 * entryOffsets.length)]; // grows to the largest batch once
        }
        for (int i = 0; i < count; i++)
        {
            final int entryOffset = append.limit();
            final int dataOffset = entryOffset + entryBlock + PAYLOAD_HEADER_LENGTH;
            if (dataOffset > end)
            {
                return false;
            }
            entries.next();
            final int dataLength = entries.payloadLength();
            // uint32 read as int: a length of 2 GiB or more turns negative, so check both ends. An entry the journal
            // cannot hold (longer than its payload limit, a version out of its range) is refused here, as bad input
            // that closes the link, not later by the log, which would stop the node.
            if (dataLength < 0 || dataLength > end - dataOffset ||
                dataLength > ReplicationDescriptor.ENTRY_PAYLOAD_LENGTH_MAX ||
                entries.payloadVersion() < 0 || entries.payloadVersion() > JournalEntryDescriptor.MAX_PAYLOAD_VERSION)
            {
                return false;
            }
            entryOffsets[i] = entryOffset;
            entries.skipPayload();
        }
        entriesBuffer = buffer;
        entryBlockLength = entryBlock;
        entryCount = count;
        prevLogIndex = append.prevLogIndex();
        return true;
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
