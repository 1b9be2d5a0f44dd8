package com.wodian.net.iso8583;

/**
 * jPOS {@code NACChannel} framing, the common one for China POS terminals (docs/iso8583.md, "Framing"):
 * <pre>
 *   offset 0  length   uint16, big-endian: bytes that follow (TPDU + ISO message)
 *   offset 2  TPDU     5 bytes: id (0x60), destination address (2), source address (2)
 *   offset 7  message  ISO 8583:1987 binary (MTI, bitmap(s), elements)
 * </pre>
 * A response frame carries the request's TPDU with destination and source swapped.
 */
public final class NacFrameDescriptor
{
    public static final int LENGTH_FIELD_LENGTH = 2;
    public static final int TPDU_OFFSET = 2;
    public static final int TPDU_LENGTH = 5;
    public static final int MESSAGE_OFFSET = TPDU_OFFSET + TPDU_LENGTH;

    private NacFrameDescriptor()
    {
    }

    /** Writes a TPDU with the request's destination and source swapped. */
    public static void putSwappedTpdu(final byte[] requestTpdu, final org.agrona.MutableDirectBuffer to, final int at)
    {
        to.putByte(at, requestTpdu[0]);
        to.putByte(at + 1, requestTpdu[3]);
        to.putByte(at + 2, requestTpdu[4]);
        to.putByte(at + 3, requestTpdu[1]);
        to.putByte(at + 4, requestTpdu[2]);
    }
}
