package com.wodian.protocol;

import com.wodian.protocol.sbe.AckDecoder;
import com.wodian.protocol.sbe.ClusterControlReplyDecoder;
import com.wodian.protocol.sbe.MessageHeaderDecoder;
import com.wodian.protocol.sbe.ResultCode;
import org.agrona.DirectBuffer;

import java.nio.ByteOrder;

/**
 * The one reader of a reply's result code, for every client of the protocol (the CLI, the ISO 8583 gateway, the load
 * generator, benchmarks and tests): by the schema's convention every reply's body starts with its uint16
 * {@link ResultCode} (docs/protocol.md), and reply template ids are 100..126 (the engine's replies, the session
 * layer's 120..124, the replica group's 125..126).
 */
public final class ReplyCodes
{
    /** Where a reply's code is: right after the message header. */
    public static final int CODE_OFFSET = MessageHeaderDecoder.ENCODED_LENGTH;
    /** {@link #codeOf}'s answer for a message too short to hold a code, or one that is not a reply. */
    public static final int NONE = -1;

    private ReplyCodes()
    {
    }

    /** Whether a template id is a reply's (its body starts with a result code). */
    public static boolean isReply(final int templateId)
    {
        return templateId >= AckDecoder.TEMPLATE_ID && templateId <= ClusterControlReplyDecoder.TEMPLATE_ID;
    }

    /**
     * The raw code of a message the caller knows to be a whole reply (an engine's reply sink, a client's reply to its
     * request): no checks, for hot paths.
     */
    public static int codeAt(final DirectBuffer reply, final int offset)
    {
        return reply.getShort(offset + CODE_OFFSET, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
    }

    /** The raw code of a message; {@link #NONE} when it is shorter than a header and a code, or not a reply. */
    public static int codeOf(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < CODE_OFFSET + Short.BYTES || !isReply(CommandCatalog.templateId(buffer, offset)))
        {
            return NONE;
        }
        return codeAt(buffer, offset);
    }

    /** As {@link #codeOf}, as a {@link ResultCode}; null for {@link #NONE}. */
    public static ResultCode resultCodeOf(final DirectBuffer buffer, final int offset, final int length)
    {
        final int code = codeOf(buffer, offset, length);
        return code == NONE ? null : ResultCode.get(code);
    }
}
