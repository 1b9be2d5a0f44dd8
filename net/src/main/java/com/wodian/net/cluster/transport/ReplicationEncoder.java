package com.wodian.net.cluster.transport;

import com.wodian.journal.consensus.EntryView;
import com.wodian.journal.consensus.LogEntries;
import com.wodian.journal.consensus.SnapshotSource;
import com.wodian.net.cluster.transport.sbe.AppendEntriesEncoder;
import com.wodian.net.cluster.transport.sbe.AppendReplyEncoder;
import com.wodian.net.cluster.transport.sbe.BooleanType;
import com.wodian.net.cluster.transport.sbe.HelloEncoder;
import com.wodian.net.cluster.transport.sbe.InstallSnapshotEncoder;
import com.wodian.net.cluster.transport.sbe.InstallSnapshotReplyEncoder;
import com.wodian.net.cluster.transport.sbe.MessageHeaderEncoder;
import com.wodian.net.cluster.transport.sbe.PreVoteEncoder;
import com.wodian.net.cluster.transport.sbe.PreVoteReplyEncoder;
import com.wodian.net.cluster.transport.sbe.RequestVoteEncoder;
import com.wodian.net.cluster.transport.sbe.TimeoutNowEncoder;
import com.wodian.net.cluster.transport.sbe.VoteReplyEncoder;
import org.agrona.MutableDirectBuffer;

import static com.wodian.net.cluster.transport.ReplicationDescriptor.BYTE_ORDER;
import static com.wodian.net.cluster.transport.ReplicationDescriptor.LENGTH_FIELD_LENGTH;
import static com.wodian.net.cluster.transport.ReplicationDescriptor.MESSAGE_OFFSET;

/**
 * Encodes consensus messages as length-prefixed SBE frames ({@link ReplicationDescriptor}), from their fields as
 * primitives (one method per message, as {@link com.wodian.journal.consensus.ConsensusOutbox} sends them). Reuses
 * its flyweights and never allocates. Every encode checks the space first and writes nothing it cannot finish: on a
 * negative result the bytes from {@code offset} on are undefined but nothing before them was touched.
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
    private final PreVoteEncoder preVoteEncoder = new PreVoteEncoder();
    private final PreVoteReplyEncoder preVoteReplyEncoder = new PreVoteReplyEncoder();
    private final AppendEntriesEncoder appendEntriesEncoder = new AppendEntriesEncoder();
    private final AppendReplyEncoder appendReplyEncoder = new AppendReplyEncoder();
    private final TimeoutNowEncoder timeoutNowEncoder = new TimeoutNowEncoder();
    private final InstallSnapshotEncoder installSnapshotEncoder = new InstallSnapshotEncoder();
    private final InstallSnapshotReplyEncoder installSnapshotReplyEncoder = new InstallSnapshotReplyEncoder();
    private final java.util.zip.CRC32C chunkChecksum = new java.util.zip.CRC32C();
    private final EntryView entryView = new EntryView();
    private final int messageLengthMax;

    /**
     * @param messageLengthMax largest SBE message to produce; the receiving nodes must accept at least this much.
     */
    private static final byte[] NO_LIMITS = new byte[0];

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
        return encodeHello(buffer, offset, limit, protocolVersion, fromNodeId, toNodeId, groupName, 0, 0, false);
    }

    /**
     * A hello that names the sender's incarnation (its data directory's, {@code NodeIdentityFile}): the peers refuse
     * the votes of a member whose incarnation changed ({@code PeerIncarnations}). 0, 0: unknown.
     *
     * @param joinedEmpty the incarnation was drawn by a {@code --join} start on an empty data directory.
     *
     * @return frame length (length prefix included) or {@link #NO_SPACE}.
     */
    public int encodeHello(
        final MutableDirectBuffer buffer,
        final int offset,
        final int limit,
        final int protocolVersion,
        final int fromNodeId,
        final int toNodeId,
        final byte[] groupName,
        final long incarnationHigh,
        final long incarnationLow,
        final boolean joinedEmpty)
    {
        return encodeHello(buffer, offset, limit, protocolVersion, fromNodeId, toNodeId, groupName, incarnationHigh,
            incarnationLow, joinedEmpty, 0, NO_LIMITS);
    }

    /**
     * A hello that also names the engine limits the sender decides under: a peer whose limits differ is refused
     * (docs/replication.md, "One set of engine limits per group").
     *
     * @param engineLimitsDigest {@code EngineLimits.digest} of {@code engineLimits}; 0: not known.
     * @param engineLimits       US-ASCII {@code name=value,...} text of the limits (empty: not known).
     * @return frame length (length prefix included) or {@link #NO_SPACE}.
     */
    public int encodeHello(
        final MutableDirectBuffer buffer,
        final int offset,
        final int limit,
        final int protocolVersion,
        final int fromNodeId,
        final int toNodeId,
        final byte[] groupName,
        final long incarnationHigh,
        final long incarnationLow,
        final boolean joinedEmpty,
        final long engineLimitsDigest,
        final byte[] engineLimits)
    {
        final int messageLength = HEADER_LENGTH + HelloEncoder.BLOCK_LENGTH + HelloEncoder.groupNameHeaderLength() +
            groupName.length + HelloEncoder.engineLimitsHeaderLength() + engineLimits.length;
        if (offset + LENGTH_FIELD_LENGTH + messageLength > limit)
        {
            return NO_SPACE;
        }
        helloEncoder.wrapAndApplyHeader(buffer, offset + MESSAGE_OFFSET, headerEncoder)
            .protocolVersion(protocolVersion)
            .fromNodeId(fromNodeId)
            .toNodeId(toNodeId)
            .incarnationHigh(incarnationHigh)
            .incarnationLow(incarnationLow)
            .joinedEmpty(joinedEmpty ? BooleanType.TRUE : BooleanType.FALSE)
            .engineLimitsDigest(engineLimitsDigest)
            .putGroupName(groupName, 0, groupName.length)
            .putEngineLimits(engineLimits, 0, engineLimits.length);
        return finish(buffer, offset, helloEncoder.encodedLength());
    }

    /**
     * AppendEntries with the entries {@code prevLogIndex + 1} to {@code prevLogIndex + entryCount} of
     * {@code entries}: each entry's term from there, its content read from {@code source} by its payload handle.
     *
     * @return frame length (length prefix included), or {@link #NO_SPACE}, {@link #ENTRY_MISSING}, {@link #TOO_LONG}.
     */
    public int encodeAppendEntries(
        final MutableDirectBuffer buffer,
        final int offset,
        final int limit,
        final long term,
        final int fromNodeId,
        final long prevLogIndex,
        final long prevLogTerm,
        final long leaderCommitIndex,
        final int entryCount,
        final LogEntries entries,
        final EntrySource source)
    {
        if (entryCount > ENTRIES_COUNT_MAX || entryCount < 0)
        {
            return TOO_LONG;
        }
        final int fixedLength = HEADER_LENGTH + AppendEntriesEncoder.BLOCK_LENGTH +
            AppendEntriesEncoder.EntriesEncoder.sbeHeaderSize();
        if (fixedLength + (long)entryCount * ENTRY_FIXED_LENGTH > messageLengthMax)
        {
            return TOO_LONG;
        }
        if (offset + LENGTH_FIELD_LENGTH + fixedLength + entryCount * ENTRY_FIXED_LENGTH > limit)
        {
            return NO_SPACE;
        }
        final int messageOffset = offset + MESSAGE_OFFSET;
        final AppendEntriesEncoder.EntriesEncoder encoder = appendEntriesEncoder
            .wrapAndApplyHeader(buffer, messageOffset, headerEncoder)
            .term(term)
            .fromNodeId(fromNodeId)
            .prevLogIndex(prevLogIndex)
            .prevLogTerm(prevLogTerm)
            .leaderCommitIndex(leaderCommitIndex)
            .entriesCount(entryCount);
        final EntryView view = entryView;
        for (int i = 0; i < entryCount; i++)
        {
            final long index = prevLogIndex + 1 + i;
            if (!source.read(entries.payloadAt(index), view))
            {
                return ENTRY_MISSING;
            }
            // The space still needed: this entry in full, the fixed part of the ones after it.
            final long messageLength = appendEntriesEncoder.limit() - messageOffset +
                (long)(entryCount - i) * ENTRY_FIXED_LENGTH + view.length;
            if (messageLength > messageLengthMax)
            {
                return TOO_LONG;
            }
            if (messageOffset + messageLength > limit)
            {
                return NO_SPACE;
            }
            encoder.next()
                .term(entries.termAt(index))
                .timestampMs(view.timestampMs)
                .payloadVersion(view.payloadVersion)
                .putPayload(view.buffer, view.offset, view.length);
        }
        return finish(buffer, offset, appendEntriesEncoder.encodedLength());
    }

    /** @return frame length (length prefix included) or {@link #NO_SPACE}. */
    public int encodeAppendReply(
        final MutableDirectBuffer buffer,
        final int offset,
        final int limit,
        final long term,
        final int fromNodeId,
        final boolean success,
        final long matchIndex,
        final long conflictIndex)
    {
        if (!fits(offset, limit, AppendReplyEncoder.BLOCK_LENGTH))
        {
            return NO_SPACE;
        }
        appendReplyEncoder.wrapAndApplyHeader(buffer, offset + MESSAGE_OFFSET, headerEncoder)
            .term(term)
            .fromNodeId(fromNodeId)
            .success(success ? BooleanType.TRUE : BooleanType.FALSE)
            .matchIndex(matchIndex)
            .conflictIndex(conflictIndex);
        return finish(buffer, offset, appendReplyEncoder.encodedLength());
    }

    /** @return frame length (length prefix included) or {@link #NO_SPACE}. */
    public int encodeRequestVote(
        final MutableDirectBuffer buffer,
        final int offset,
        final int limit,
        final long term,
        final int fromNodeId,
        final long lastLogIndex,
        final long lastLogTerm,
        final boolean leadershipTransfer)
    {
        if (!fits(offset, limit, RequestVoteEncoder.BLOCK_LENGTH))
        {
            return NO_SPACE;
        }
        requestVoteEncoder.wrapAndApplyHeader(buffer, offset + MESSAGE_OFFSET, headerEncoder)
            .term(term)
            .fromNodeId(fromNodeId)
            .lastLogIndex(lastLogIndex)
            .lastLogTerm(lastLogTerm)
            .leadershipTransfer(leadershipTransfer ? BooleanType.TRUE : BooleanType.FALSE);
        return finish(buffer, offset, requestVoteEncoder.encodedLength());
    }

    /** @return frame length (length prefix included) or {@link #NO_SPACE}. */
    public int encodePreVote(
        final MutableDirectBuffer buffer,
        final int offset,
        final int limit,
        final long term,
        final int fromNodeId,
        final long lastLogIndex,
        final long lastLogTerm)
    {
        if (!fits(offset, limit, PreVoteEncoder.BLOCK_LENGTH))
        {
            return NO_SPACE;
        }
        preVoteEncoder.wrapAndApplyHeader(buffer, offset + MESSAGE_OFFSET, headerEncoder)
            .term(term)
            .fromNodeId(fromNodeId)
            .lastLogIndex(lastLogIndex)
            .lastLogTerm(lastLogTerm);
        return finish(buffer, offset, preVoteEncoder.encodedLength());
    }

    /** @return frame length (length prefix included) or {@link #NO_SPACE}. */
    public int encodePreVoteReply(
        final MutableDirectBuffer buffer,
        final int offset,
        final int limit,
        final long term,
        final int fromNodeId,
        final long candidateTerm,
        final boolean granted)
    {
        if (!fits(offset, limit, PreVoteReplyEncoder.BLOCK_LENGTH))
        {
            return NO_SPACE;
        }
        preVoteReplyEncoder.wrapAndApplyHeader(buffer, offset + MESSAGE_OFFSET, headerEncoder)
            .term(term)
            .fromNodeId(fromNodeId)
            .candidateTerm(candidateTerm)
            .granted(granted ? BooleanType.TRUE : BooleanType.FALSE);
        return finish(buffer, offset, preVoteReplyEncoder.encodedLength());
    }

    /** @return frame length (length prefix included) or {@link #NO_SPACE}. */
    public int encodeVoteReply(
        final MutableDirectBuffer buffer,
        final int offset,
        final int limit,
        final long term,
        final int fromNodeId,
        final boolean granted)
    {
        if (!fits(offset, limit, VoteReplyEncoder.BLOCK_LENGTH))
        {
            return NO_SPACE;
        }
        voteReplyEncoder.wrapAndApplyHeader(buffer, offset + MESSAGE_OFFSET, headerEncoder)
            .term(term)
            .fromNodeId(fromNodeId)
            .granted(granted ? BooleanType.TRUE : BooleanType.FALSE);
        return finish(buffer, offset, voteReplyEncoder.encodedLength());
    }

    /** @return frame length (length prefix included) or {@link #NO_SPACE}. */
    public int encodeTimeoutNow(
        final MutableDirectBuffer buffer, final int offset, final int limit, final long term, final int fromNodeId)
    {
        if (!fits(offset, limit, TimeoutNowEncoder.BLOCK_LENGTH))
        {
            return NO_SPACE;
        }
        timeoutNowEncoder.wrapAndApplyHeader(buffer, offset + MESSAGE_OFFSET, headerEncoder)
            .term(term)
            .fromNodeId(fromNodeId);
        return finish(buffer, offset, timeoutNowEncoder.encodedLength());
    }

    /**
     * A chunk of a snapshot, its bytes read from {@code source} straight into the frame, with their CRC32C.
     *
     * @return frame length (length prefix included), {@link #NO_SPACE}, {@link #TOO_LONG}, or {@link #ENTRY_MISSING}
     * when the source no longer has the snapshot.
     */
    public int encodeInstallSnapshot(
        final MutableDirectBuffer buffer,
        final int offset,
        final int limit,
        final long term,
        final int fromNodeId,
        final long snapshotIndex,
        final long snapshotTerm,
        final long configuration,
        final long totalLength,
        final long chunkOffset,
        final int chunkLength,
        final SnapshotSource source)
    {
        final int blockAndData = InstallSnapshotEncoder.BLOCK_LENGTH + InstallSnapshotEncoder.chunkHeaderLength() +
            chunkLength;
        if (HEADER_LENGTH + blockAndData > messageLengthMax)
        {
            return TOO_LONG;
        }
        if (!fits(offset, limit, blockAndData))
        {
            return NO_SPACE;
        }
        final InstallSnapshotEncoder message = installSnapshotEncoder
            .wrapAndApplyHeader(buffer, offset + MESSAGE_OFFSET, headerEncoder)
            .term(term)
            .fromNodeId(fromNodeId)
            .snapshotIndex(snapshotIndex)
            .snapshotTerm(snapshotTerm)
            .totalLength(totalLength)
            .byteOffset(chunkOffset)
            .configuration(configuration);
        final int lengthOffset = message.limit();
        final int dataOffset = lengthOffset + InstallSnapshotEncoder.chunkHeaderLength();
        buffer.putInt(lengthOffset, chunkLength, BYTE_ORDER);
        if (!source.read(snapshotIndex, chunkOffset, buffer, dataOffset, chunkLength))
        {
            return ENTRY_MISSING;
        }
        message.limit(dataOffset + chunkLength);
        message.chunkChecksum(Checksums.crc32c(chunkChecksum, buffer, dataOffset, chunkLength));
        return finish(buffer, offset, message.encodedLength());
    }

    /** @return frame length (length prefix included) or {@link #NO_SPACE}. */
    public int encodeInstallSnapshotReply(
        final MutableDirectBuffer buffer,
        final int offset,
        final int limit,
        final long term,
        final int fromNodeId,
        final long snapshotIndex,
        final long nextOffset,
        final boolean done)
    {
        if (!fits(offset, limit, InstallSnapshotReplyEncoder.BLOCK_LENGTH))
        {
            return NO_SPACE;
        }
        installSnapshotReplyEncoder.wrapAndApplyHeader(buffer, offset + MESSAGE_OFFSET, headerEncoder)
            .term(term)
            .fromNodeId(fromNodeId)
            .snapshotIndex(snapshotIndex)
            .nextOffset(nextOffset)
            .done(done ? BooleanType.TRUE : BooleanType.FALSE);
        return finish(buffer, offset, installSnapshotReplyEncoder.encodedLength());
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
