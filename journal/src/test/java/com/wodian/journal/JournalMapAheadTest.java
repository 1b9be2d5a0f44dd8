package com.wodian.journal;

import static com.wodian.journal.JournalTestSupport.append;
import static com.wodian.journal.JournalTestSupport.entry;
import static com.wodian.journal.JournalTestSupport.replayAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.wodian.journal.JournalTestSupport.Entry;
import net.openhft.chronicle.core.time.SetTimeProvider;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link JournalWriter#mapAhead()} from another thread while the writer appends across many mapped chunks: the file
 * is grown for the next chunk before the appender gets there, and no entry changes.
 */
class JournalMapAheadTest
{
    private static final long BLOCK_SIZE_BYTES = 64 << 10;

    @TempDir
    Path dir;

    @Test
    void mapsTheNextChunkBeforeTheAppenderReachesItAndChangesNoEntry() throws Exception
    {
        // A fixed roll clock: a run across midnight UTC would otherwise start a second cycle file.
        final JournalConfig config = new JournalConfig(dir).withDurabilityPolicy(DurabilityPolicy.PAGE_CACHE)
            .withRollClock(new SetTimeProvider(1_700_000_000_000L));
        final List<Entry> written = new ArrayList<>();
        final ExecutorService mapper = Executors.newSingleThreadExecutor();
        int mapped = 0;
        try (ChronicleJournal journal = ChronicleJournal.open(config, BLOCK_SIZE_BYTES, 0, 0))
        {
            final JournalWriter writer = journal.writer();
            assertFalse(mapper.submit(writer::mapAhead).get(30, TimeUnit.SECONDS), "nothing written, nothing to map");
            append(writer, entry(1, 100));
            written.add(entry(1, 100));
            writer.touchAhead();
            final long sizeBefore = journalFileSize();
            assertTrue(mapper.submit(writer::mapAhead).get(30, TimeUnit.SECONDS));
            // Chronicle grows the file by one chunk when the next chunk is mapped: here, before the appender needs it.
            final long chunkBytes = journalFileSize() - sizeBefore;
            assertTrue(chunkBytes >= BLOCK_SIZE_BYTES, "grown for the next chunk: " + sizeBefore + " -> " +
                journalFileSize());
            mapped++;
            long sizeAfterMapping = journalFileSize();
            // ~4,000 entries of 100-1,000 bytes cross ~18 chunks of 128 KiB (Chronicle's block floor for FAST_DAILY's
            // 4,096-entry index arrays, 32 x 4,096 B, is above the 64 KiB asked for); the mapper runs between
            // batches, as the metrics thread does, and sometimes twice (the second call finds nothing new to do).
            for (int sequence = 2; sequence <= 4_000; sequence++)
            {
                final Entry entry = entry(sequence, 100 + (sequence * 37) % 900);
                append(writer, entry);
                written.add(entry);
                if (sequence % 16 == 0)
                {
                    writer.endOfBatch();
                    writer.touchAhead();
                    // The appender never had to grow the file (map a chunk) itself: the mapper had done it.
                    assertEquals(sizeAfterMapping, journalFileSize(), "grown by the appender before entry " + sequence);
                    mapped += mapper.submit(writer::mapAhead).get(30, TimeUnit.SECONDS) ? 1 : 0;
                    assertFalse(mapper.submit(writer::mapAhead).get(30, TimeUnit.SECONDS));
                    sizeAfterMapping = journalFileSize();
                }
            }
            writer.endOfBatch();
            final long chunks = (journalFileSize() - sizeBefore) / chunkBytes;
            assertTrue(chunks >= 10 && mapped >= chunks - 1, "mapped ahead " + mapped + " times for " + chunks +
                " chunks of " + chunkBytes + " bytes");
            assertEquals(written, replayAll(journal, 1));
            writer.close();
            assertFalse(mapper.submit(writer::mapAhead).get(30, TimeUnit.SECONDS), "closed: nothing held, nothing mapped");
        }
        finally
        {
            mapper.shutdownNow();
        }
        try (ChronicleJournal journal = ChronicleJournal.open(config))
        {
            assertEquals(4_000, journal.lastSequence());
            assertEquals(written, replayAll(journal, 1));
        }
    }

    private long journalFileSize() throws IOException
    {
        try (Stream<Path> files = Files.list(dir))
        {
            final Path file = files.filter((path) -> path.toString().endsWith(".cq4")).findFirst().orElseThrow();
            return Files.size(file);
        }
    }
}
