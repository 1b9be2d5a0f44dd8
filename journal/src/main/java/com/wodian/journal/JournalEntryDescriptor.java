package com.wodian.journal;

import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * Binary layout of one journal entry, stored as the raw bytes of one Chronicle Queue excerpt.
 * <p>
 * All fields are little-endian. The entry is exactly {@link #HEADER_LENGTH} + payloadLength bytes long.
 * <pre>
 *   0                   1                   2                   3
 *   0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
 *  +---------------------------------------------------------------+
 *  |                        sequence (int64)                       |  offset  0
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                       timestampMs (int64)                     |  offset  8
 *  |                                                               |
 *  +---------------------------------------------------------------+
 *  |                      payloadLength (int32)                    |  offset 16
 *  +-------------------------------+-------------------------------+
 *  |  entryFormatVersion (uint16)  |    payloadVersion (uint16)    |  offset 20, 22
 *  +-------------------------------+-------------------------------+
 *  |                        checksum (int32)                       |  offset 24
 *  +---------------------------------------------------------------+
 *  |                     payload (payloadLength bytes)            ...  offset 28
 *  +---------------------------------------------------------------+
 * </pre>
 * The checksum is the CRC32C of bytes [0, 24) followed by the payload bytes; it does not cover itself.
 */
public final class JournalEntryDescriptor
{
    /**
     * Byte order of every field.
     */
    public static final ByteOrder BYTE_ORDER = ByteOrder.LITTLE_ENDIAN;

    /**
     * Offset of the int64 sequence, contiguous from 1.
     */
    public static final int SEQUENCE_OFFSET = 0;

    /**
     * Offset of the int64 timestamp in epoch milliseconds.
     */
    public static final int TIMESTAMP_OFFSET = 8;

    /**
     * Offset of the int32 payload length in bytes.
     */
    public static final int PAYLOAD_LENGTH_OFFSET = 16;

    /**
     * Offset of the uint16 version of this layout.
     */
    public static final int ENTRY_FORMAT_VERSION_OFFSET = 20;

    /**
     * Offset of the uint16 version of the payload encoding, opaque to the journal.
     */
    public static final int PAYLOAD_VERSION_OFFSET = 22;

    /**
     * Offset of the int32 CRC32C checksum.
     */
    public static final int CHECKSUM_OFFSET = 24;

    /**
     * Offset of the first payload byte, which is also the length of the fixed header.
     */
    public static final int PAYLOAD_OFFSET = 28;

    /**
     * Length of the fixed header that precedes the payload.
     */
    public static final int HEADER_LENGTH = PAYLOAD_OFFSET;

    /**
     * The only layout version written and read by this code.
     */
    public static final int ENTRY_FORMAT_VERSION = 1;

    /**
     * Largest payload accepted by {@link JournalWriter#append}: sized for one SBE-encoded command with room to spare,
     * so that replay can verify into a fixed scratch buffer.
     */
    public static final int MAX_PAYLOAD_LENGTH = 1024;

    /**
     * Largest entry, header included.
     */
    public static final int MAX_ENTRY_LENGTH = HEADER_LENGTH + MAX_PAYLOAD_LENGTH;

    /**
     * Largest payload version: the field is an unsigned 16-bit integer.
     */
    public static final int MAX_PAYLOAD_VERSION = 0xFFFF;

    private JournalEntryDescriptor()
    {
    }

    /**
     * Compute the checksum of an entry laid out from index 0 of {@code entry}.
     *
     * @param crc           reused CRC32C instance; it is reset here so no state leaks between entries.
     * @param entry         bytes of the entry, header first.
     * @param payloadLength number of payload bytes that follow the header.
     * @return the CRC32C of bytes [0, {@link #CHECKSUM_OFFSET}) and of the payload, as stored in the checksum field.
     */
    public static int computeChecksum(final CRC32C crc, final byte[] entry, final int payloadLength)
    {
        crc.reset();
        crc.update(entry, 0, CHECKSUM_OFFSET);
        crc.update(entry, PAYLOAD_OFFSET, payloadLength);

        return (int)crc.getValue();
    }
}
