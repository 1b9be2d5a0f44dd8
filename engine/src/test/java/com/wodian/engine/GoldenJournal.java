package com.wodian.engine;

import org.agrona.DirectBuffer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;
import java.util.zip.GZIPInputStream;

/**
 * The golden journal: inputs recorded from the engine at main f7c2f9a (behaviour of d255daa) with every reply, kept
 * as test data so that any later engine must give the same replies byte for byte and the same state hashes.
 *
 * <p>Two gzip files under {@code src/test/resources/golden/}:
 * <ul>
 *   <li>{@link #JOURNAL}: the journaled inputs, one after another, each exactly as the journal stores one entry
 *   (the layout of {@code com.wodian.journal.JournalEntryDescriptor}, little-endian): int64 sequence @0, int64
 *   timestampMs @8, int32 payloadLength @16, uint16 entryFormatVersion (1) @20, uint16 payloadVersion (the schema
 *   version, 4) @22, int32 CRC32C of bytes [0, 24) and the payload @24, payload @28.</li>
 *   <li>{@link #REPLIES}: in the order they were applied, records of one kind byte then its fields (little-endian):
 *   {@link #KIND_REPLY} int32 length + the reply to the next journal entry; {@link #KIND_QUERY} int32 length + a
 *   query, int32 length + its reply (queries are not journaled); {@link #KIND_CHECKPOINT} int64 sequence + int64
 *   {@link Engine#stateHash()} after that sequence.</li>
 * </ul>
 * The engine configuration is {@link #config()}; it is part of the recording and must not change.
 */
final class GoldenJournal
{
    static final String JOURNAL = "/golden/journal-v4.bin.gz";
    static final String REPLIES = "/golden/replies.bin.gz";
    static final byte KIND_REPLY = 1;
    static final byte KIND_QUERY = 2;
    static final byte KIND_CHECKPOINT = 3;

    static final int HEADER_LENGTH = 28;
    static final int CHECKSUM_OFFSET = 24;
    static final int ENTRY_FORMAT_VERSION = 1;
    static final int PAYLOAD_VERSION = 4;

    private GoldenJournal()
    {
    }

    /** The configuration the journal was recorded with: the property test's, dense enough for every collision. */
    static EngineConfig config()
    {
        return EngineConfig.small().keysMax(16_384).pointsLedgerEntriesMax(4_096).vouchersMax(4_096)
            .distributionSliceEntries(1).ttlMsMax(LedgerPropertyTest.TTL_MS_MAX).expiriesPerCommandMax(100_000)
            .amountFenMax(100_000);
    }

    /** One journal entry in the journal's own byte layout. */
    static byte[] entry(final long sequence, final long timestampMs, final DirectBuffer payload, final int length)
    {
        final ByteBuffer entry = ByteBuffer.allocate(HEADER_LENGTH + length).order(ByteOrder.LITTLE_ENDIAN);
        entry.putLong(0, sequence).putLong(8, timestampMs).putInt(16, length)
            .putShort(20, (short)ENTRY_FORMAT_VERSION).putShort(22, (short)PAYLOAD_VERSION);
        payload.getBytes(0, entry.array(), HEADER_LENGTH, length);
        final CRC32C crc = new CRC32C();
        crc.update(entry.array(), 0, CHECKSUM_OFFSET);
        crc.update(entry.array(), HEADER_LENGTH, length);
        entry.putInt(CHECKSUM_OFFSET, (int)crc.getValue());
        return entry.array();
    }

    static byte[] resource(final String name) throws IOException
    {
        try (InputStream in = GoldenJournal.class.getResourceAsStream(name))
        {
            if (in == null)
            {
                throw new IOException("missing test resource " + name);
            }
            try (GZIPInputStream unzipped = new GZIPInputStream(in))
            {
                return unzipped.readAllBytes();
            }
        }
    }

    static void writeInt(final ByteArrayOutputStream out, final int value)
    {
        out.writeBytes(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(value).array());
    }

    static void writeLong(final ByteArrayOutputStream out, final long value)
    {
        out.writeBytes(ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(value).array());
    }

    static void writeBytes(final ByteArrayOutputStream out, final DirectBuffer buffer, final int length)
    {
        final byte[] bytes = new byte[length];
        buffer.getBytes(0, bytes);
        writeInt(out, length);
        out.writeBytes(bytes);
    }

    /** Reads the replies file record by record. */
    static final class ReplyReader
    {
        private final ByteBuffer in;

        ReplyReader(final byte[] bytes)
        {
            in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        }

        boolean hasMore()
        {
            return in.hasRemaining();
        }

        byte kind()
        {
            return in.get();
        }

        byte[] bytes()
        {
            final byte[] bytes = new byte[in.getInt()];
            in.get(bytes);
            return bytes;
        }

        long longValue()
        {
            return in.getLong();
        }
    }
}
