package com.wodian.journal;

import static com.wodian.journal.JournalTestSupport.append;
import static com.wodian.journal.JournalTestSupport.appendRawExcerpts;
import static com.wodian.journal.JournalTestSupport.encode;
import static com.wodian.journal.JournalTestSupport.entry;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import com.wodian.journal.JournalCorruptException.Reason;
import com.wodian.journal.JournalTestSupport.Entry;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.RollCycles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replay of a journal's tail by a seek on Chronicle's index (recovery after a snapshot), and tailers that follow a
 * journal as it grows (the snapshotter, a standby).
 */
class JournalSeekTest
{
    @TempDir
    Path dir;

    private final SetTimeProvider rollClock = new SetTimeProvider(1_700_000_000_000L);

    private JournalConfig config()
    {
        return new JournalConfig(dir)
            .withDurabilityPolicy(DurabilityPolicy.PAGE_CACHE)
            .withRollCycle(RollCycles.FAST_HOURLY)
            .withRollClock(rollClock);
    }

    /** Writes {@code count} entries, rolling to a new file before each sequence in {@code rollBefore}. */
    private List<Entry> write(final ChronicleJournal journal, final int first, final int count, final int... rollBefore)
    {
        final List<Entry> entries = new ArrayList<>();
        final JournalWriter writer = journal.writer();
        for (int sequence = first; sequence < first + count; sequence++)
        {
            final int s = sequence;
            if (Arrays.stream(rollBefore).anyMatch((r) -> r == s))
            {
                rollClock.advanceMillis(TimeUnit.HOURS.toMillis(3));
            }
            final Entry entry = entry(sequence, 16 + sequence % 50);
            append(writer, entry);
            entries.add(entry);
        }
        writer.endOfBatch();
        return entries;
    }

    private static List<Long> sequences(final ChronicleJournal journal, final long from, final long hint)
    {
        final List<Long> sequences = new ArrayList<>();
        final long count = journal.replayFrom(from, hint,
            (sequence, timestampMs, version, payload, offset, length) -> sequences.add(sequence));
        assertEquals(count, sequences.size());
        return sequences;
    }

    private static List<Long> range(final long from, final long to)
    {
        final List<Long> list = new ArrayList<>();
        for (long s = from; s <= to; s++)
        {
            list.add(s);
        }
        return list;
    }

    @Test
    void replayFromEverySequenceAcrossRollsDeliversExactlyTheTail()
    {
        try (ChronicleJournal journal = ChronicleJournal.open(config()))
        {
            write(journal, 1, 300, 100, 101, 250);
            for (long from = 1; from <= 301; from += 7)
            {
                assertEquals(range(from, 300), sequences(journal, from, -1), "from " + from);
            }
            assertEquals(range(100, 300), sequences(journal, 100, -1));
            assertEquals(range(101, 300), sequences(journal, 101, -1));
            assertEquals(range(251, 300), sequences(journal, 251, -1));
            assertEquals(List.of(), sequences(journal, 301, -1));
        }
    }

    @Test
    void aCorrectHintIsUsedAndAWrongOneOnlyCostsASearch()
    {
        try (ChronicleJournal journal = ChronicleJournal.open(config()))
        {
            write(journal, 1, 200, 120);
            final long index = journal.chronicleIndexOf(149);
            assertTrue(index >= 0);
            assertEquals(range(150, 200), sequences(journal, 150, index));
            assertEquals(range(150, 200), sequences(journal, 150, index + 3));
            assertEquals(range(150, 200), sequences(journal, 150, 12345));
            assertEquals(-1, journal.chronicleIndexOf(201));
        }
    }

    @Test
    void seekIsNotFooledByATornExcerptNextToTheTarget()
    {
        final Entry five = entry(5, 20);
        final byte[] torn = Arrays.copyOf(encode(entry(6, 40)), 30);
        final List<byte[]> excerpts = new ArrayList<>();
        for (int sequence = 1; sequence <= 5; sequence++)
        {
            excerpts.add(encode(sequence == 5 ? five : entry(sequence, 20)));
        }
        excerpts.add(torn);
        for (int sequence = 6; sequence <= 9; sequence++)
        {
            excerpts.add(encode(entry(sequence, 20)));
        }
        appendRawExcerpts(dir, excerpts.toArray(new byte[0][]));

        try (ChronicleJournal journal = ChronicleJournal.open(config()))
        {
            assertEquals(range(6, 9), sequences(journal, 6, -1));
            assertEquals(range(7, 9), sequences(journal, 7, -1));
            assertEquals(range(5, 9), sequences(journal, 5, -1));
        }
    }

    @Test
    void aMissingEntryBeforeTheTailFailsTheSeekWithAClearMessage()
    {
        appendRawExcerpts(dir, encode(entry(1, 16)), encode(entry(2, 16)), encode(entry(4, 16)),
            encode(entry(5, 16)));

        try (ChronicleJournal journal = ChronicleJournal.open(config()))
        {
            final JournalCorruptException ex = assertThrows(JournalCorruptException.class,
                () -> sequences(journal, 4, -1));
            assertEquals(Reason.SEQUENCE_MISMATCH, ex.reason());
            assertEquals(3, ex.expectedSequence());
            // The gap after the seek point is caught by the continuity check.
            final JournalCorruptException gap = assertThrows(JournalCorruptException.class,
                () -> sequences(journal, 2, -1));
            assertEquals(3, gap.expectedSequence());
            assertEquals(4, gap.foundSequence());
        }
    }

    @Test
    void aTailerFollowsTheWriterAndResumesWhereItStopped()
    {
        try (ChronicleJournal journal = ChronicleJournal.open(config()))
        {
            write(journal, 1, 10);
            final List<Long> seen = new ArrayList<>();
            try (JournalTailer tailer = journal.tailer(11, -1))
            {
                assertEquals(0, tailer.poll((s, t, v, b, o, l) -> seen.add(s), 100));
                assertEquals(journal.chronicleIndexOf(10), tailer.lastChronicleIndex());
                write(journal, 11, 5, 13);
                assertEquals(3, tailer.poll((s, t, v, b, o, l) -> seen.add(s), 3));
                assertEquals(2, tailer.poll((s, t, v, b, o, l) -> seen.add(s), 100));
                assertEquals(range(11, 15), seen);
                assertEquals(16, tailer.nextSequence());
                assertEquals(journal.chronicleIndexOf(15), tailer.lastChronicleIndex());
                assertFalse(tailer.hasPendingDamage());
                assertTrue(tailer.bytesRead() > 0);
            }
        }
    }
}
