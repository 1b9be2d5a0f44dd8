package com.wodian.journal;

import static com.wodian.journal.JournalEntryDescriptor.BYTE_ORDER;
import static com.wodian.journal.JournalEntryDescriptor.CHECKSUM_OFFSET;
import static com.wodian.journal.JournalEntryDescriptor.ENTRY_FORMAT_VERSION;
import static com.wodian.journal.JournalEntryDescriptor.ENTRY_FORMAT_VERSION_OFFSET;
import static com.wodian.journal.JournalEntryDescriptor.HEADER_LENGTH;
import static com.wodian.journal.JournalEntryDescriptor.MAX_ENTRY_LENGTH;
import static com.wodian.journal.JournalEntryDescriptor.PAYLOAD_LENGTH_OFFSET;
import static com.wodian.journal.JournalEntryDescriptor.PAYLOAD_OFFSET;
import static com.wodian.journal.JournalEntryDescriptor.PAYLOAD_VERSION_OFFSET;
import static com.wodian.journal.JournalEntryDescriptor.SEQUENCE_OFFSET;
import static com.wodian.journal.JournalEntryDescriptor.TIMESTAMP_OFFSET;
import static com.wodian.journal.JournalEntryDescriptor.computeChecksum;

import java.util.zip.CRC32C;

import com.wodian.journal.JournalCorruptException.Reason;
import net.openhft.chronicle.bytes.Bytes;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Copies one excerpt into a scratch buffer and checks everything that does not depend on its neighbours (layout
 * version, lengths, checksum). One instance per reading thread: the scratch buffer is reused.
 */
final class EntryVerifier
{
    private final CRC32C crc = new CRC32C();
    private final byte[] scratchBytes = new byte[MAX_ENTRY_LENGTH];
    private final UnsafeBuffer scratchBuffer = new UnsafeBuffer(scratchBytes);
    private int excerptLength;

    /**
     * Copy the excerpt into the scratch buffer and verify it.
     *
     * @return null when the entry is intact, otherwise the first failed check.
     */
    Reason readAndVerify(final Bytes<?> bytes)
    {
        final long remaining = bytes.readRemaining();
        excerptLength = (int)Math.min(remaining, MAX_ENTRY_LENGTH + 1L);
        bytes.read(scratchBytes, 0, Math.min(excerptLength, MAX_ENTRY_LENGTH));

        if (excerptLength < HEADER_LENGTH)
        {
            return Reason.EXCERPT_TOO_SHORT;
        }
        if (excerptLength > MAX_ENTRY_LENGTH)
        {
            return Reason.EXCERPT_TOO_LONG;
        }

        if (ENTRY_FORMAT_VERSION != (scratchBuffer.getShort(ENTRY_FORMAT_VERSION_OFFSET, BYTE_ORDER) & 0xFFFF))
        {
            return Reason.UNKNOWN_ENTRY_FORMAT_VERSION;
        }
        final int payloadLength = scratchBuffer.getInt(PAYLOAD_LENGTH_OFFSET, BYTE_ORDER);
        if (payloadLength != excerptLength - HEADER_LENGTH)
        {
            return Reason.LENGTH_MISMATCH;
        }
        if (scratchBuffer.getInt(CHECKSUM_OFFSET, BYTE_ORDER) != computeChecksum(crc, scratchBytes, payloadLength))
        {
            return Reason.CHECKSUM_MISMATCH;
        }

        return null;
    }

    /**
     * @return sequence of the entry just verified; meaningful only when it was intact.
     */
    long sequence()
    {
        return scratchBuffer.getLong(SEQUENCE_OFFSET, BYTE_ORDER);
    }

    /**
     * @return the sequence field of a damaged excerpt, or -1 when the excerpt is too short to hold one.
     */
    long storedSequence()
    {
        return excerptLength < SEQUENCE_OFFSET + Long.BYTES ? -1 : scratchBuffer.getLong(SEQUENCE_OFFSET, BYTE_ORDER);
    }

    /**
     * @return length in bytes of the excerpt just read, header included.
     */
    int excerptLength()
    {
        return excerptLength;
    }

    /**
     * Hand the entry just verified to a handler.
     */
    void deliver(final JournalEntryHandler handler)
    {
        handler.onEntry(
            scratchBuffer.getLong(SEQUENCE_OFFSET, BYTE_ORDER),
            scratchBuffer.getLong(TIMESTAMP_OFFSET, BYTE_ORDER),
            scratchBuffer.getShort(PAYLOAD_VERSION_OFFSET, BYTE_ORDER) & 0xFFFF,
            scratchBuffer,
            PAYLOAD_OFFSET,
            scratchBuffer.getInt(PAYLOAD_LENGTH_OFFSET, BYTE_ORDER));
    }

    /**
     * @return timestamp of the entry just verified.
     */
    long timestampMs()
    {
        return scratchBuffer.getLong(TIMESTAMP_OFFSET, BYTE_ORDER);
    }
}
