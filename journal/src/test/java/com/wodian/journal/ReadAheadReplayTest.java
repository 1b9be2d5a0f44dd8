package com.wodian.journal;

import com.wodian.journal.JournalTestSupport.Entry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static com.wodian.journal.JournalTestSupport.append;
import static com.wodian.journal.JournalTestSupport.entry;
import static com.wodian.journal.JournalTestSupport.flipPayloadByte;
import static com.wodian.journal.JournalTestSupport.replayAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The read-ahead replay delivers exactly what {@link ChronicleJournal#replay} delivers (entries, order, bytes, count),
 * across chunk boundaries and from a later sequence; a corrupt entry is thrown on the caller's thread after every
 * entry before it; a handler that throws stops the reader.
 */
class ReadAheadReplayTest
{
    private static final int ENTRIES = 1_200;

    @TempDir
    Path dir;

    private JournalConfig config()
    {
        return new JournalConfig(dir).withDurabilityPolicy(DurabilityPolicy.PAGE_CACHE);
    }

    private void write()
    {
        try (ChronicleJournal journal = ChronicleJournal.open(config()))
        {
            final JournalWriter writer = journal.writer();
            for (int sequence = 1; sequence <= ENTRIES; sequence++)
            {
                append(writer, entry(sequence, 16 + (sequence * 97) % (JournalEntryDescriptor.MAX_PAYLOAD_LENGTH - 15)));
            }
            writer.endOfBatch();
        }
    }

    private static List<Entry> readAhead(final ChronicleJournal journal, final long fromSequence)
    {
        final List<Entry> entries = new ArrayList<>();
        final long deliveredCount = ReadAheadReplay.replay(journal, fromSequence,
            (sequence, timestampMs, payloadVersion, payload, offset, length) ->
            {
                final byte[] bytes = new byte[length];
                payload.getBytes(offset, bytes);
                entries.add(new Entry(sequence, timestampMs, payloadVersion, bytes));
            });
        assertEquals(entries.size(), deliveredCount);
        return entries;
    }

    @Test
    void deliversWhatReplayDelivers()
    {
        write();
        try (ChronicleJournal journal = ChronicleJournal.open(config()))
        {
            assertEquals(ENTRIES, replayAll(journal, 1).size());
            assertEquals(replayAll(journal, 1), readAhead(journal, 1));
            assertEquals(replayAll(journal, 513), readAhead(journal, 513), "from a later sequence");
            assertEquals(List.of(), readAhead(journal, ENTRIES + 1), "nothing after the end");
        }
    }

    @Test
    void aCorruptEntryIsThrownAfterEveryEntryBeforeIt() throws Exception
    {
        write();
        flipPayloadByte(dir, 700, 20);
        try (ChronicleJournal journal = ChronicleJournal.open(config()))
        {
            final List<Long> delivered = new ArrayList<>();
            assertThrows(JournalCorruptException.class, () -> ReadAheadReplay.replay(journal, 1,
                (sequence, timestampMs, payloadVersion, payload, offset, length) -> delivered.add(sequence)));
            assertEquals(699, delivered.size());
            assertEquals(699L, delivered.get(delivered.size() - 1));
        }
    }

    @Test
    void aHandlerThatThrowsStopsTheReader() throws Exception
    {
        write();
        try (ChronicleJournal journal = ChronicleJournal.open(config()))
        {
            // Readers left by other tests of this fork are not this replay's: only a new one is looked for.
            final Set<Thread> earlierReaders = readers();
            final IllegalStateException thrown = assertThrows(IllegalStateException.class, () ->
                ReadAheadReplay.replay(journal, 1, (sequence, timestampMs, payloadVersion, payload, offset, length) ->
                {
                    if (sequence == 300)
                    {
                        throw new IllegalStateException("stop at 300");
                    }
                }));
            assertEquals("stop at 300", thrown.getMessage());
            // The reader ends (it was interrupted while waiting for a free chunk or reading); bounded wait.
            final long deadlineNs = System.nanoTime() + 30_000_000_000L;
            while (readerAlive(earlierReaders) && System.nanoTime() - deadlineNs < 0)
            {
                Thread.sleep(10);
            }
            assertTrue(!readerAlive(earlierReaders), "the read-ahead thread ended");
            assertEquals(ENTRIES, readAhead(journal, 1).size(), "the journal replays again");
        }
    }

    private static Set<Thread> readers()
    {
        return Thread.getAllStackTraces().keySet().stream()
            .filter((thread) -> "wodian-journal-read-ahead".equals(thread.getName()) && thread.isAlive())
            .collect(Collectors.toSet());
    }

    /** Whether a read-ahead thread that was not among {@code earlier} is alive. */
    private static boolean readerAlive(final Set<Thread> earlier)
    {
        return readers().stream().anyMatch((thread) -> !earlier.contains(thread));
    }
}
