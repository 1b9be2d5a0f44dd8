package com.wodian.protocol;

import com.wodian.protocol.sbe.ErrorReplyEncoder;
import com.wodian.protocol.sbe.MessageHeaderEncoder;
import com.wodian.protocol.sbe.ResultCode;
import org.agrona.MutableDirectBuffer;

/**
 * Encodes ErrorReply, the one place that fills every field: an encoder does not clear the bytes of fields it is not
 * given, so a reply encoded field by field could carry a previous reply's leader hint. Allocation-free (the engine
 * thread answers refusals with it).
 */
public final class ErrorReplies
{
    /** Value of {@code leaderId} when no primary is known, and for every code but NOT_PRIMARY. */
    public static final int NO_LEADER = -1;

    private ErrorReplies()
    {
    }

    /** An ErrorReply without a leader hint; the length of the message (header and body). */
    public static int encode(
        final ErrorReplyEncoder encoder, final MessageHeaderEncoder header, final MutableDirectBuffer buffer,
        final int offset, final ResultCode code, final int templateId)
    {
        encoder.wrapAndApplyHeader(buffer, offset, header)
            .code(code)
            .templateId(templateId)
            .leaderId(NO_LEADER)
            .leaderPort(0);
        putHost(encoder, null);
        return MessageHeaderEncoder.ENCODED_LENGTH + encoder.encodedLength();
    }

    /**
     * An ErrorReply naming the primary: its node id, and its client address when known ({@code leaderHost} null: only
     * the id). {@code leaderHostAscii} holds at most 64 ASCII bytes, 0-padded by this method.
     */
    public static int encodeWithLeader(
        final ErrorReplyEncoder encoder, final MessageHeaderEncoder header, final MutableDirectBuffer buffer,
        final int offset, final ResultCode code, final int templateId, final int leaderId,
        final byte[] leaderHostAscii, final int leaderPort)
    {
        final int length = encode(encoder, header, buffer, offset, code, templateId);
        encoder.leaderId(leaderId);
        if (null != leaderHostAscii)
        {
            encoder.leaderPort(leaderPort);
            putHost(encoder, leaderHostAscii);
        }
        return length;
    }

    /** The host's ASCII bytes, 0-padded (all 0 for null); byte by byte, so that nothing is allocated. */
    private static void putHost(final ErrorReplyEncoder encoder, final byte[] hostAscii)
    {
        final int length = null == hostAscii ? 0 : Math.min(hostAscii.length, ErrorReplyEncoder.leaderHostLength());
        for (int i = 0; i < ErrorReplyEncoder.leaderHostLength(); i++)
        {
            encoder.leaderHost(i, i < length ? hostAscii[i] : 0);
        }
    }
}
