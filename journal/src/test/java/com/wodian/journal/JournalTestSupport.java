package com.wodian.journal;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32C;

import net.openhft.chronicle.core.io.Closeable;
import net.openhft.chronicle.core.values.LongValue;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Helpers shared by the journal tests. The entry encoder here is written independently of the production writer,
 * from the layout documented in {@link JournalEntryDescriptor}, so the tests also check that layout.
 */
final class JournalTestSupport
{
    /**
     * Eight bytes that start every test payload, followed by the sequence: lets a test find an entry in a cq4 file.
     */
    static final long PAYLOAD_MARKER = 0x5EC0_4D5E_C04D_5EC0L;

    private JournalTestSupport()
    {
    }

    record Entry(long sequence, long timestampMs, int payloadVersion, byte[] payload)
    {
        public boolean equals(final Object other)
        {
            return other instanceof Entry that &&
                sequence == that.sequence &&
                timestampMs == that.timestampMs &&
                payloadVersion == that.payloadVersion &&
                Arrays.equals(payload, that.payload);
        }

        public int hashCode()
        {
            return Long.hashCode(sequence);
        }

        public String toString()
        {
            return "Entry{sequence=" + sequence + ", timestampMs=" + timestampMs + ", payloadVersion=" +
                payloadVersion + ", payloadLength=" + payload.length + '}';
        }
    }

    /**
     * A payload of {@code length} bytes (at least 16) that starts with the marker and the sequence.
     */
    static byte[] payload(final long sequence, final int length)
    {
        final ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(PAYLOAD_MARKER).putLong(sequence);
        for (int i = 16; i < length; i++)
        {
            buffer.put((byte)(sequence * 31 + i));
        }
        return buffer.array();
    }

    static Entry entry(final long sequence, final int payloadLength)
    {
        final long timestampMs = 1_700_000_000_000L + sequence;
        return new Entry(sequence, timestampMs, (int)(sequence % 3) + 1, payload(sequence, payloadLength));
    }

    static void append(final JournalWriter writer, final Entry entry)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[entry.payload().length + 5]);
        buffer.putBytes(5, entry.payload());
        writer.append(entry.sequence(), entry.timestampMs(), entry.payloadVersion(), buffer, 5, entry.payload().length);
    }

    static List<Entry> replayAll(final ChronicleJournal journal, final long fromSequence)
    {
        final List<Entry> entries = new ArrayList<>();
        final long deliveredCount = journal.replay(
            fromSequence,
            (sequence, timestampMs, payloadVersion, payload, offset, length) ->
            {
                final byte[] bytes = new byte[length];
                payload.getBytes(offset, bytes);
                entries.add(new Entry(sequence, timestampMs, payloadVersion, bytes));
            });
        assertTrue(deliveredCount == entries.size(), "replay count " + deliveredCount + " vs " + entries.size());
        return entries;
    }

    /**
     * Encode an entry from the documented layout, without the production code.
     */
    static byte[] encode(final Entry entry)
    {
        final byte[] payload = entry.payload();
        final ByteBuffer buffer = ByteBuffer.allocate(28 + payload.length).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(0, entry.sequence());
        buffer.putLong(8, entry.timestampMs());
        buffer.putInt(16, payload.length);
        buffer.putShort(20, (short)1);
        buffer.putShort(22, (short)entry.payloadVersion());
        buffer.put(28, payload);

        final CRC32C crc = new CRC32C();
        crc.update(buffer.array(), 0, 24);
        crc.update(payload);
        buffer.putInt(24, (int)crc.getValue());
        return buffer.array();
    }

    /**
     * Append excerpts with arbitrary bytes, bypassing the journal writer, as a damaged or buggy writer would.
     */
    static void appendRawExcerpts(final Path dir, final byte[]... excerpts)
    {
        try (SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(dir).build();
            ExcerptAppender appender = queue.createAppender())
        {
            for (final byte[] excerpt : excerpts)
            {
                try (DocumentContext context = appender.writingDocument())
                {
                    context.wire().bytes().write(excerpt);
                }
            }
        }
    }

    /**
     * Overwrite Chronicle's write lock word, as a writer that died holding it would leave it; {@code Long.MIN_VALUE}
     * means unlocked.
     */
    static void setWriteLockHolder(final Path dir, final long lockValue)
    {
        try (SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(dir).build())
        {
            final LongValue lock =
                queue.metaStore().doWithExclusiveLock((store) -> store.acquireValueFor("chronicle.write.lock"));
            try
            {
                lock.setVolatileValue(lockValue);
            }
            finally
            {
                Closeable.closeQuietly(lock);
            }
        }
    }

    /**
     * Flip one bit of the byte at {@code offset} from the start of the payload of the entry with this sequence, in
     * the journal's files, as a failing disk would. The journal must be closed.
     */
    static void flipPayloadByte(final Path dir, final long sequence, final int offset) throws IOException
    {
        final ByteBuffer pattern = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
        pattern.putLong(PAYLOAD_MARKER).putLong(sequence);

        try (Stream<Path> files = Files.list(dir))
        {
            for (final Path file : (Iterable<Path>)files.filter((f) -> f.toString().endsWith(".cq4"))::iterator)
            {
                try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE))
                {
                    // Entries of a small test journal sit well inside the first megabyte.
                    final ByteBuffer head = ByteBuffer.allocate(1 << 20);
                    channel.read(head, 0);
                    final int position = indexOf(head.array(), pattern.array());
                    if (position >= 0)
                    {
                        final byte flipped = (byte)(head.get(position + offset) ^ 1);
                        channel.write(ByteBuffer.wrap(new byte[]{ flipped }), position + offset);
                        channel.force(false);
                        return;
                    }
                }
            }
        }
        throw new AssertionError("payload of sequence " + sequence + " not found in " + dir);
    }

    private static int indexOf(final byte[] haystack, final byte[] needle)
    {
        outer:
        for (int i = 0; i <= haystack.length - needle.length; i++)
        {
            for (int j = 0; j < needle.length; j++)
            {
                if (haystack[i + j] != needle[j])
                {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
