package com.wodian.net;

import com.wodian.protocol.CommandCatalog;

import java.nio.ByteOrder;

/**
 * Binary layout of one TCP frame, the same in both directions (docs/protocol.md); only the largest legal length
 * differs between requests and replies. All fields are little-endian.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |              frameLength (int32) = 8 + messageLength          |  offset  0
 *  +---------------------------------------------------------------+
 *  |                     correlationId (int64)                     |  offset  4
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |   SBE message: 8-byte header (blockLength, templateId,       ...  offset 12
 *  |   schemaId, version: uint16 each) followed by the body        |
 *  +---------------------------------------------------------------+
 * </pre>
 * {@code frameLength} counts the bytes that follow it (correlation id and message), not itself.
 */
public final class FrameDescriptor
{
    /** Byte order of every field of the frame and of the SBE message inside it. */
    public static final ByteOrder BYTE_ORDER = ByteOrder.LITTLE_ENDIAN;

    /** Offset of the int32 frame length. */
    public static final int FRAME_LENGTH_OFFSET = 0;

    /** Length of the frame length field itself. */
    public static final int FRAME_LENGTH_FIELD_LENGTH = 4;

    /** Offset of the int64 correlation id the client chose; the reply carries it back. */
    public static final int CORRELATION_ID_OFFSET = 4;

    /** Length of the correlation id field: the smallest legal {@code frameLength}. */
    public static final int CORRELATION_ID_LENGTH = 8;

    /** Offset of the first byte of the SBE message. */
    public static final int MESSAGE_OFFSET = 12;

    /** Bytes in front of the SBE message: frame length field plus correlation id. */
    public static final int HEADER_LENGTH = MESSAGE_OFFSET;

    /** Largest SBE message in a request frame (client to server). */
    public static final int REQUEST_MESSAGE_LENGTH_MAX = CommandCatalog.MAX_MESSAGE_LENGTH;

    /** Largest legal {@code frameLength} of a request: a larger (or a negative) value closes the connection. */
    public static final int REQUEST_FRAME_LENGTH_MAX = CORRELATION_ID_LENGTH + REQUEST_MESSAGE_LENGTH_MAX;

    /** Largest request frame on the wire, length field included. */
    public static final int REQUEST_FRAME_BYTES_MAX = FRAME_LENGTH_FIELD_LENGTH + REQUEST_FRAME_LENGTH_MAX;

    /**
     * Largest SBE message in a reply frame (server to client). Replies may be longer than requests: a
     * ConsumerStatementReply with its 16 most recent points entries is 8 + 50 + 4 + 16 x 41 = 718 bytes.
     */
    public static final int REPLY_MESSAGE_LENGTH_MAX = CommandCatalog.MAX_REPLY_LENGTH;

    /** Largest legal {@code frameLength} of a reply. */
    public static final int REPLY_FRAME_LENGTH_MAX = CORRELATION_ID_LENGTH + REPLY_MESSAGE_LENGTH_MAX;

    /** Largest reply frame on the wire, length field included. */
    public static final int REPLY_FRAME_BYTES_MAX = FRAME_LENGTH_FIELD_LENGTH + REPLY_FRAME_LENGTH_MAX;

    private FrameDescriptor()
    {
    }

    /**
     * @param messageLength length of the SBE message, header included.
     * @return the value of the {@code frameLength} field for that message.
     */
    public static int frameLength(final int messageLength)
    {
        return CORRELATION_ID_LENGTH + messageLength;
    }
}
