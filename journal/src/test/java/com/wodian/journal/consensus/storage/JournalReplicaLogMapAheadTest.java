package com.wodian.journal.consensus.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import com.wodian.journal.DurabilityPolicy;
import com.wodian.journal.consensus.EntryPayloads;
import com.wodian.journal.consensus.EntryView;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replica group's log maps its journal's next chunk ahead from another thread ({@link JournalReplicaLog#mapAhead()},
 * the metrics thread's call) across Chronicle's default 64-MiB chunks, also after a truncation replaced its writer:
 * the appender never grows the file itself, and every entry reads back unchanged.
 */
class JournalReplicaLogMapAheadTest
{
    private static final int PAYLOAD_BYTES = 1_000;
    /** ~145 MB of journal: more than two of Chronicle's default 64-MiB chunks. */
    private static final int ENTRIES = 140_000;
    private static final int ENTRIES_PER_SYNC = 64;
    private static final int TRUNCATE_AT = 1_000;

    @TempDir
    Path dataDir;

    /** The payload behind a handle is a function of the handle: nothing is kept per entry. */
    private final UnsafeBuffer payloadBuffer = new UnsafeBuffer(new byte[PAYLOAD_BYTES + 3]);
    private final EntryPayloads payloads = (payload, into) ->
    {
        for (int i = 0; i < PAYLOAD_BYTES; i++)
        {
            payloadBuffer.putByte(3 + i, expectedByte(payload, i));
        }
        into.set(1_700_000_000_000L + payload, 1, payloadBuffer, 3, PAYLOAD_BYTES);
    };

    @Test
    void mapsTheNextChunkBeforeTheAppenderReachesItAlsoAfterATruncation() throws Exception
    {
        final ExecutorService mapper = Executors.newSingleThreadExecutor();
        try (JournalReplicaLog log = JournalReplicaLog.open(dataDir, DurabilityPolicy.PAGE_CACHE, 64, payloads))
        {
            assertFalse(mapper.submit(log::mapAhead).get(30, TimeUnit.SECONDS), "nothing written, nothing to map");
            appendAndSync(log, 1, TRUNCATE_AT + 10);
            log.truncateFrom(TRUNCATE_AT + 1);
            // The new journal's writer has not appended yet, so it has not said where it writes.
            assertFalse(mapper.submit(log::mapAhead).get(30, TimeUnit.SECONDS), "a new writer, nothing published");

            final ChunkWatch watch = new ChunkWatch();
            int mapped = 0;
            for (long first = TRUNCATE_AT + 1; first <= ENTRIES; first += ENTRIES_PER_SYNC)
            {
                appendAndSync(log, first, Math.min(ENTRIES, first + ENTRIES_PER_SYNC - 1));
                watch.assertNotGrownSinceMapping(first);
                mapped += mapper.submit(log::mapAhead).get(30, TimeUnit.SECONDS) ? 1 : 0;
                watch.mapped();
            }
            // A daily roll during the run (midnight UTC: the log's journal keeps the wall clock) splits the growth
            // over two files; every batch was still checked above.
            assertTrue(watch.rolled || watch.grownBytes >= 2L * (64 << 20) && mapped >= 2, "mapped ahead " + mapped +
                " times, journal grown by " + watch.grownBytes + " bytes");
            assertEquals(ENTRIES, log.lastIndex());
            assertReadsBack(log);
            log.close();
            assertFalse(mapper.submit(log::mapAhead).get(30, TimeUnit.SECONDS), "closed: nothing held, nothing mapped");
        }
        finally
        {
            mapper.shutdownNow();
        }
    }

    private static void appendAndSync(final JournalReplicaLog log, final long first, final long last)
    {
        for (long index = first; index <= last; index++)
        {
            log.append(1, index);
        }
        log.sync();
    }

    private static void assertReadsBack(final JournalReplicaLog log)
    {
        final EntryView view = new EntryView();
        for (long index = 1; index <= ENTRIES; index += index < ENTRIES - 997 ? 997 : 1)
        {
            assertTrue(log.read(index, view), "read " + index);
            assertEquals(1_700_000_000_000L + index, view.timestampMs, "timestamp of " + index);
            assertEquals(PAYLOAD_BYTES, view.length, "length of " + index);
            for (int i = 0; i < PAYLOAD_BYTES; i++)
            {
                assertEquals(expectedByte(index, i), view.buffer.getByte(view.offset + i), "byte " + i + " of " + index);
            }
        }
    }

    private static byte expectedByte(final long index, final int i)
    {
        return (byte)(index * 131 + i * 7);
    }

    /** The journal's cycle files and their sizes: only a chunk mapping (or a new cycle file) grows them. */
    private final class ChunkWatch
    {
        private List<String> files = List.of();
        private long bytesAfterMapping;
        long grownBytes;
        boolean rolled;

        void assertNotGrownSinceMapping(final long firstOfBatch) throws IOException
        {
            // A new cycle file (the daily roll at midnight UTC) is the appender's to create: start again from it.
            if (files.equals(cycleFiles()))
            {
                assertEquals(bytesAfterMapping, totalBytes(), "grown by the appender in the batch from " + firstOfBatch);
            }
        }

        void mapped() throws IOException
        {
            final long bytes = totalBytes();
            final List<String> now = cycleFiles();
            grownBytes += files.equals(now) ? bytes - bytesAfterMapping : 0;
            rolled |= !files.isEmpty() && !files.equals(now);
            files = now;
            bytesAfterMapping = bytes;
        }

        private List<String> cycleFiles() throws IOException
        {
            try (Stream<Path> paths = Files.list(dataDir.resolve("journal")))
            {
                return paths.map(Path::toString).filter((name) -> name.endsWith(".cq4")).sorted()
                    .collect(Collectors.toList());
            }
        }

        private long totalBytes() throws IOException
        {
            long bytes = 0;
            for (final String file : cycleFiles())
            {
                bytes += Files.size(Path.of(file));
            }
            return bytes;
        }
    }
}
