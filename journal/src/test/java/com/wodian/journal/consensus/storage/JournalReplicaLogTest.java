package com.wodian.journal.consensus.storage;

import com.wodian.journal.ChronicleJournal;
import com.wodian.journal.DurabilityPolicy;
import com.wodian.journal.JournalConfig;
import com.wodian.journal.JournalEntryDescriptor;
import com.wodian.journal.JournalWriter;
import com.wodian.journal.consensus.EntryPayloads;
import com.wodian.journal.consensus.EntryView;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JournalReplicaLogTest
{
    @TempDir
    Path dataDir;

    /**
     * Content of one entry as the test produces it; {@code term} is the log's business, not the payload's.
     */
    record Content(long timestampMs, int payloadVersion, byte[] bytes)
    {
        static Content of(final long seed, final int length)
        {
            final byte[] bytes = new byte[length];
            for (int i = 0; i < length; i++)
            {
                bytes[i] = (byte)(seed * 131 + i * 7);
            }
            return new Content(1_700_000_000_000L + seed, (int)(seed % 5), bytes);
        }

        boolean matches(final EntryView view)
        {
            final byte[] read = new byte[view.length];
            view.buffer.getBytes(view.offset, read);
            return view.timestampMs == timestampMs && view.payloadVersion == payloadVersion &&
                Arrays.equals(read, bytes);
        }

        public String toString()
        {
            return "Content{" + timestampMs + ", v" + payloadVersion + ", " + bytes.length + " bytes}";
        }
    }

    /**
     * Payload handles are positions in a list; the bytes sit at an odd offset of a larger buffer, as in a frame.
     */
    static final class Payloads implements EntryPayloads
    {
        private final List<Content> contents = new ArrayList<>();

        long add(final Content content)
        {
            contents.add(content);
            return contents.size() - 1;
        }

        @Override
        public void resolve(final long payload, final EntryView into)
        {
            final Content content = contents.get((int)payload);
            final UnsafeBuffer frame = new UnsafeBuffer(new byte[content.bytes().length + 11]);
            frame.putBytes(7, content.bytes());
            into.set(content.timestampMs(), content.payloadVersion(), frame, 7, content.bytes().length);
        }
    }

    private final Payloads payloads = new Payloads();

    private JournalReplicaLog open(final int windowEntries)
    {
        return JournalReplicaLog.open(dataDir, DurabilityPolicy.PAGE_CACHE, windowEntries, payloads);
    }

    private static List<Content> replayJournal(final ChronicleJournal journal)
    {
        final List<Content> contents = new ArrayList<>();
        final long[] expectedSequence = {1};
        journal.replay(1, (sequence, timestampMs, payloadVersion, buffer, offset, length) ->
        {
            assertEquals(expectedSequence[0]++, sequence);
            final byte[] bytes = new byte[length];
            buffer.getBytes(offset, bytes);
            contents.add(new Content(timestampMs, payloadVersion, bytes));
        });
        return contents;
    }

    private static void assertSameContents(final List<Content> expected, final List<Content> actual)
    {
        assertEquals(expected.size(), actual.size(), "entry count");
        for (int i = 0; i < expected.size(); i++)
        {
            final Content want = expected.get(i);
            final Content got = actual.get(i);
            assertEquals(want.timestampMs(), got.timestampMs(), "timestamp of " + (i + 1));
            assertEquals(want.payloadVersion(), got.payloadVersion(), "payload version of " + (i + 1));
            assertArrayEquals(want.bytes(), got.bytes(), "bytes of " + (i + 1));
        }
    }

    private static void assertReadsAll(final JournalReplicaLog log, final List<Content> expected)
    {
        final EntryView view = new EntryView();
        assertEquals(expected.size(), log.lastIndex());
        for (int i = 0; i < expected.size(); i++)
        {
            assertTrue(log.read(i + 1, view), "read " + (i + 1));
            assertTrue(expected.get(i).matches(view), "content of " + (i + 1) + ": " + expected.get(i));
        }
        assertFalse(log.read(0, view));
        assertFalse(log.read(expected.size() + 1, view));
    }

    private List<Content> appendAll(final JournalReplicaLog log, final long term, final long firstSeed, final int count)
    {
        final List<Content> contents = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            final Content content = Content.of(firstSeed + i, (int)((firstSeed + i) * 37 % 300));
            contents.add(content);
            log.append(term, payloads.add(content));
        }
        return contents;
    }

    @Test
    void appendedEntriesReadBackWithTheirTermsAndBecomeDurableOnSync()
    {
        try (JournalReplicaLog log = open(64))
        {
            assertEquals(0, log.lastIndex());
            assertEquals(0, log.termAt(0));
            final List<Content> expected = new ArrayList<>(appendAll(log, 1, 1, 5));
            assertEquals(5, log.lastIndex());
            assertEquals(0, log.durableIndex());
            log.sync();
            assertEquals(5, log.durableIndex());
            expected.addAll(appendAll(log, 3, 6, 4));
            expected.add(Content.of(99, JournalEntryDescriptor.MAX_PAYLOAD_LENGTH));
            log.append(3, payloads.add(expected.get(expected.size() - 1)));
            expected.add(Content.of(100, 0));
            log.append(3, payloads.add(expected.get(expected.size() - 1)));

            assertEquals(11, log.lastIndex());
            assertEquals(5, log.durableIndex());
            assertEquals(1, log.termAt(5));
            assertEquals(3, log.termAt(6));
            assertEquals(3, log.termAt(11));
            assertEquals(7, log.payloadAt(7));
            assertThrows(IndexOutOfBoundsException.class, () -> log.termAt(12));
            assertThrows(IndexOutOfBoundsException.class, () -> log.payloadAt(0));
            assertReadsAll(log, expected);

            assertThrows(IllegalStateException.class, () -> log.append(2, payloads.add(Content.of(1, 1))));
            final long tooLong = payloads.add(Content.of(1, JournalEntryDescriptor.MAX_PAYLOAD_LENGTH + 1));
            assertThrows(IllegalArgumentException.class, () -> log.append(4, tooLong));
            // A rejected entry of a new term leaves no trace of that term.
            assertEquals(11, log.lastIndex());
            assertEquals(3, log.termAt(11));

            log.sync();
            assertEquals(11, log.durableIndex());
            assertSameContents(expected, replayJournal(log.journal()));
        }
    }

    @Test
    void reopeningKeepsTheEntriesAndTheirTerms()
    {
        final List<Content> expected = new ArrayList<>();
        try (JournalReplicaLog log = open(8))
        {
            expected.addAll(appendAll(log, 2, 1, 10));
            expected.addAll(appendAll(log, 5, 11, 10));
            log.sync();
        }
        try (JournalReplicaLog log = open(8))
        {
            assertEquals(20, log.lastIndex());
            assertEquals(20, log.durableIndex());
            assertEquals(2, log.termAt(10));
            assertEquals(5, log.termAt(11));
            assertEquals(5, log.termAt(20));
            // Nothing is in the window after a reopen: every read comes from the journal.
            assertReadsAll(log, expected);
            expected.addAll(appendAll(log, 6, 21, 3));
            assertEquals(6, log.termAt(23));
            assertReadsAll(log, expected);
        }
    }

    @Test
    void aJournalFromBeforeReplicationIsAllTermZero()
    {
        final List<Content> expected = new ArrayList<>();
        try (ChronicleJournal journal = ChronicleJournal.open(new JournalConfig(dataDir.resolve("journal"))
            .withDurabilityPolicy(DurabilityPolicy.PAGE_CACHE)))
        {
            final JournalWriter writer = journal.writer();
            for (int sequence = 1; sequence <= 7; sequence++)
            {
                final Content content = Content.of(sequence, 40);
                expected.add(content);
                writer.append(sequence, content.timestampMs(), content.payloadVersion(),
                    new UnsafeBuffer(content.bytes()), 0, content.bytes().length);
            }
        }
        try (JournalReplicaLog log = open(4))
        {
            assertEquals(7, log.lastIndex());
            assertEquals(0, log.termAt(7));
            assertReadsAll(log, expected);
            expected.addAll(appendAll(log, 1, 8, 2));
            assertEquals(0, log.termAt(7));
            assertEquals(1, log.termAt(8));
        }
        try (JournalReplicaLog log = open(4))
        {
            assertEquals(0, log.termAt(7));
            assertEquals(1, log.termAt(9));
            assertReadsAll(log, expected);
        }
    }

    @Test
    void readsOfEntriesEvictedFromTheWindowComeFromTheJournalInAnyOrder()
    {
        try (JournalReplicaLog log = open(4))
        {
            final List<Content> expected = appendAll(log, 1, 1, 50);
            final EntryView view = new EntryView();
            // Sequential catch-up from far behind, then jumps back and forth, then the window's own entries.
            assertReadsAll(log, expected);
            final SplittableRandom random = new SplittableRandom(7);
            for (int i = 0; i < 200; i++)
            {
                final int index = 1 + random.nextInt(50);
                assertTrue(log.read(index, view));
                assertTrue(expected.get(index - 1).matches(view), "content of " + index);
            }
            // A window entry is served from memory: the same buffer for every index of the window.
            assertTrue(log.read(50, view));
            final Object windowBuffer = view.buffer;
            assertTrue(log.read(48, view));
            assertSame(windowBuffer, view.buffer);
            assertTrue(log.read(10, view));
            assertNotSame(windowBuffer, view.buffer);
        }
    }

    /**
     * Found by the group soak: a node repaired by a snapshot install (its journal starts after the snapshot) later
     * had to cut off an uncommitted tail; the rewrite read the journal from sequence 1, below its start, and failed
     * on every AppendEntries. The rewrite keeps the start and copies only what follows it.
     */
    @Test
    void aJournalStartedAfterASnapshotCanBeTruncated() throws IOException
    {
        try (JournalReplicaLog log = open(8))
        {
            appendAll(log, 1, 1, 5);
            log.sync();
            log.resetToSnapshot(200, 3);
            appendAll(log, 4, 1000, 6);
            log.sync();
            log.truncateFrom(204);
            assertEquals(203, log.lastIndex());
            assertEquals(200, log.startIndex());
            assertEquals(4, log.termAt(203));
            log.truncateFrom(201);
            assertEquals(200, log.lastIndex());
            appendAll(log, 5, 2000, 2);
            log.sync();
            assertEquals(202, log.lastIndex());
            assertEquals(5, log.termAt(202));
        }
        try (JournalReplicaLog reopened = open(8))
        {
            assertEquals(200, reopened.startIndex());
            assertEquals(202, reopened.lastIndex());
            assertTrue(reopened.read(201, new EntryView()));
        }
    }

    /**
     * Snapshot install: the log restarts after the snapshot's index with its term; the old journal is kept; new
     * entries continue from there; a reader of the journal starts right after the snapshot and one that wants an
     * earlier entry fails instead of skipping it; a reopen keeps it all; a crash between the journal's replacement
     * and the term history's update is completed on open from the journal's start file.
     */
    @Test
    void resetToSnapshotStartsTheLogAfterTheSnapshotAndSurvivesAReopen() throws IOException
    {
        final List<Content> after = new ArrayList<>();
        try (JournalReplicaLog log = open(8))
        {
            appendAll(log, 1, 1, 20);
            log.sync();
            log.resetToSnapshot(500, 3);
            assertEquals(500, log.lastIndex());
            assertEquals(500, log.startIndex());
            assertEquals(500, log.durableIndex());
            assertEquals(500, log.commitMark());
            assertEquals(3, log.termAt(500));
            assertEquals(1, log.truncationCount());
            assertTrue(Files.isDirectory(dataDir.resolve("journal.superseded-1")));
            final EntryView view = new EntryView();
            assertFalse(log.read(20, view), "an entry of the old journal");
            assertFalse(log.read(500, view), "the snapshot's own entry is in the snapshot");

            after.addAll(appendAll(log, 3, 1000, 5));
            after.addAll(appendAll(log, 4, 1005, 12));
            log.sync();
            assertEquals(517, log.lastIndex());
            assertEquals(3, log.termAt(505));
            assertEquals(4, log.termAt(506));
            for (int i = 0; i < after.size(); i++)
            {
                assertTrue(log.read(501 + i, view), "read " + (501 + i));
                assertTrue(after.get(i).matches(view), "content of " + (501 + i));
            }
            final List<Content> tail = new ArrayList<>();
            log.journal().replayFrom(501, -1, (sequence, timestampMs, version, buffer, offset, length) ->
            {
                final byte[] bytes = new byte[length];
                buffer.getBytes(offset, bytes);
                tail.add(new Content(timestampMs, version, bytes));
            });
            assertSameContents(after, tail);
            assertThrows(com.wodian.journal.JournalCorruptException.class,
                () -> log.journal().replayFrom(400, -1, (sequence, timestampMs, version, buffer, offset, length) -> { }));
        }
        try (JournalReplicaLog log = open(8))
        {
            assertEquals(500, log.startIndex());
            assertEquals(517, log.lastIndex());
            assertEquals(3, log.termAt(500));
            assertEquals(4, log.termAt(517));
            final EntryView view = new EntryView();
            assertTrue(log.read(501, view) && after.get(0).matches(view));
        }

        // The crash window: the journal was replaced, the term history and commit mark were not yet.
        final Path other = dataDir.resolve("other");
        try (JournalReplicaLog log = JournalReplicaLog.open(other, DurabilityPolicy.PAGE_CACHE, 8, payloads))
        {
            appendAll(log, 2, 1, 10);
            log.sync();
            log.storeCommitMark(10);
        }
        final Path journal = other.resolve(JournalReplicaLog.JOURNAL_DIR_NAME);
        Files.move(journal, other.resolve("journal.superseded-1"));
        Files.createDirectories(journal);
        ChronicleJournal.writeStartFile(journal, 40, "7");
        try (JournalReplicaLog log = JournalReplicaLog.open(other, DurabilityPolicy.PAGE_CACHE, 8, payloads))
        {
            assertEquals(40, log.lastIndex());
            assertEquals(7, log.termAt(40));
            assertEquals(40, log.commitMark());
            appendAll(log, 8, 50, 2);
            assertEquals(8, log.termAt(42));
        }
    }

    /**
     * Journal retention runs in another process next to a running node: a read of an entry whose file it removed
     * answers "not held" (the leader then sends a snapshot instead) and the log's start moves past it; entries still
     * there read as before. (A file this process still has mapped may go on serving reads: that is the same data.)
     */
    @Test
    void anEntryRemovedByRetentionUnderAnOpenLogReadsAsNotHeld() throws IOException
    {
        final Path journalDir = dataDir.resolve(JournalReplicaLog.JOURNAL_DIR_NAME);
        final net.openhft.chronicle.core.time.SetTimeProvider rollClock =
            new net.openhft.chronicle.core.time.SetTimeProvider(1_700_000_000_000L);
        final List<Content> contents = new ArrayList<>();
        try (ChronicleJournal journal = ChronicleJournal.open(new JournalConfig(journalDir)
            .withDurabilityPolicy(DurabilityPolicy.PAGE_CACHE)
            .withRollCycle(net.openhft.chronicle.queue.RollCycles.FAST_HOURLY).withRollClock(rollClock)))
        {
            final JournalWriter writer = journal.writer();
            for (int sequence = 1; sequence <= 300; sequence++)
            {
                if (sequence % 100 == 1)
                {
                    rollClock.advanceMillis(java.util.concurrent.TimeUnit.HOURS.toMillis(2));
                }
                final Content content = Content.of(sequence, 40);
                contents.add(content);
                writer.append(sequence, content.timestampMs(), content.payloadVersion(),
                    new UnsafeBuffer(content.bytes()), 0, content.bytes().length);
            }
            writer.endOfBatch();
        }
        try (JournalReplicaLog log = open(8))
        {
            assertEquals(0, log.startIndex());
            final EntryView view = new EntryView();
            assertTrue(log.read(5, view) && contents.get(4).matches(view));
            try (ChronicleJournal reader = ChronicleJournal.open(new JournalConfig(journalDir)))
            {
                com.wodian.journal.JournalRetention.apply(
                    com.wodian.journal.JournalRetention.plan(reader, dataDir, 210), null);
                assertEquals(List.of("200"), ChronicleJournal.readStartFile(journalDir),
                    "the prune records where the journal now starts");
            }
            assertFalse(log.read(150, view), "entry 150's file is gone");
            assertEquals(200, log.startIndex());
            assertFalse(log.read(6, view), "below the log's start now");
            assertTrue(log.read(250, view) && contents.get(249).matches(view));
            assertTrue(log.read(201, view) && contents.get(200).matches(view));
        }
    }

    /**
     * Operator review 2, finding 3: a prune next to the running node removes the journal's first files and records
     * where the journal now starts; an uncommitted tail cut off afterwards is rewritten from that start (before, the
     * rewrite read the journal from sequence 1, met the first kept entry and failed: the node could not rejoin), and
     * every reader of the journal from its start, reopened, starts there.
     */
    @Test
    void aPrunedJournalCanBeTruncatedAndIsReadFromItsRecordedStart() throws IOException
    {
        final List<Content> contents = writeHourlyJournal(300);
        try (JournalReplicaLog log = open(8))
        {
            contents.addAll(appendAll(log, 2, 301, 10));
            log.sync();
            log.storeCommitMark(305);
            try (ChronicleJournal reader = ChronicleJournal.open(new JournalConfig(journalDir())))
            {
                final com.wodian.journal.JournalRetention.Plan plan =
                    com.wodian.journal.JournalRetention.plan(reader, dataDir, 250);
                assertEquals(200, plan.startAfter());
                com.wodian.journal.JournalRetention.apply(plan, null, "0");
            }
            assertEquals(List.of("200", "0"), ChronicleJournal.readStartFile(journalDir()));
            log.truncateFrom(308);
            assertEquals(307, log.lastIndex());
            assertEquals(200, log.startIndex());
            assertEquals(2, log.termAt(307));
            final EntryView view = new EntryView();
            assertTrue(log.read(201, view) && contents.get(200).matches(view));
        }
        try (JournalReplicaLog log = open(8))
        {
            assertEquals(200, log.startIndex());
            assertEquals(307, log.lastIndex());
            assertEquals(2, log.termAt(306));
            assertEquals(200, log.journal().startSequence());
            final List<Content> read = new ArrayList<>();
            log.journal().replay(1, (sequence, timestampMs, version, buffer, offset, length) ->
            {
                final byte[] bytes = new byte[length];
                buffer.getBytes(offset, bytes);
                read.add(new Content(timestampMs, version, bytes));
            });
            assertSameContents(contents.subList(200, 307), read);
        }
    }

    private Path journalDir()
    {
        return dataDir.resolve(JournalReplicaLog.JOURNAL_DIR_NAME);
    }

    /** Entries 1 to {@code count}, a new hourly file every 100 (term 0: written before the group). */
    private List<Content> writeHourlyJournal(final int count)
    {
        final net.openhft.chronicle.core.time.SetTimeProvider rollClock =
            new net.openhft.chronicle.core.time.SetTimeProvider(1_700_000_000_000L);
        final List<Content> contents = new ArrayList<>();
        try (ChronicleJournal journal = ChronicleJournal.open(new JournalConfig(journalDir())
            .withDurabilityPolicy(DurabilityPolicy.PAGE_CACHE)
            .withRollCycle(net.openhft.chronicle.queue.RollCycles.FAST_HOURLY).withRollClock(rollClock)))
        {
            final JournalWriter writer = journal.writer();
            for (int sequence = 1; sequence <= count; sequence++)
            {
                if (sequence % 100 == 1)
                {
                    rollClock.advanceMillis(java.util.concurrent.TimeUnit.HOURS.toMillis(2));
                }
                final Content content = Content.of(sequence, 40);
                contents.add(content);
                writer.append(sequence, content.timestampMs(), content.payloadVersion(),
                    new UnsafeBuffer(content.bytes()), 0, content.bytes().length);
            }
            writer.endOfBatch();
        }
        return contents;
    }

    @Test
    void truncationRewritesTheJournalKeepsTheOldOneAndAcceptsNewEntries() throws IOException
    {
        final List<Content> expected = new ArrayList<>();
        final List<Content> cut = new ArrayList<>();
        try (JournalReplicaLog log = open(16))
        {
            expected.addAll(appendAll(log, 1, 1, 30));
            expected.addAll(appendAll(log, 2, 31, 10));
            log.sync();
            final ChronicleJournal before = log.journal();

            log.truncateFrom(28);
            cut.addAll(expected.subList(27, expected.size()));
            expected.subList(27, expected.size()).clear();
            assertEquals(27, log.lastIndex());
            assertEquals(27, log.durableIndex());
            assertEquals(1, log.truncationCount());
            assertNotSame(before, log.journal());
            assertEquals(1, log.termAt(27));
            assertTrue(Files.isDirectory(dataDir.resolve("journal.superseded-1")));
            assertFalse(Files.exists(dataDir.resolve("journal.rewrite")));
            assertReadsAll(log, expected);

            expected.addAll(appendAll(log, 4, 100, 6));
            assertEquals(4, log.termAt(28));
            assertEquals(1, log.termAt(27));
            assertReadsAll(log, expected);
            log.sync();
            assertSameContents(expected, replayJournal(log.journal()));

            log.truncateFrom(1);
            expected.clear();
            assertEquals(0, log.lastIndex());
            assertEquals(2, log.truncationCount());
            expected.addAll(appendAll(log, 5, 200, 3));
            log.sync();
        }

        try (ChronicleJournal journal = ChronicleJournal.open(new JournalConfig(dataDir.resolve("journal"))))
        {
            assertSameContents(expected, replayJournal(journal));
        }
        // Operator review B10: the superseded journal keeps the entries cut off (28-40), not a copy of the whole.
        try (ChronicleJournal superseded = ChronicleJournal.open(
            new JournalConfig(dataDir.resolve("journal.superseded-1"))))
        {
            assertEquals(40, superseded.lastSequence());
            assertEquals(27, superseded.startSequence());
            final List<Content> kept = new ArrayList<>();
            superseded.replay(1, (sequence, timestampMs, version, buffer, offset, length) ->
            {
                final byte[] bytes = new byte[length];
                buffer.getBytes(offset, bytes);
                kept.add(new Content(timestampMs, version, bytes));
            });
            assertSameContents(cut, kept);
        }
        assertFalse(Files.exists(dataDir.resolve("journal.superseded-1.full")));
        // A crash in the middle of that reduction: the full copy renamed away and the cut one not yet in its place.
        Files.move(dataDir.resolve("journal.superseded-2"), dataDir.resolve("journal.superseded-2.full"));
        Files.createDirectories(dataDir.resolve("journal.superseded-2.cut"));
        try (JournalReplicaLog log = open(16))
        {
            assertTrue(Files.isDirectory(dataDir.resolve("journal.superseded-2")), "the full copy is back");
            assertFalse(Files.exists(dataDir.resolve("journal.superseded-2.cut")));
            assertEquals(2, log.truncationCount());
            assertEquals(5, log.termAt(3));
            assertReadsAll(log, expected);
            log.truncateFrom(2);
            assertEquals(3, log.truncationCount());
            assertTrue(Files.isDirectory(dataDir.resolve("journal.superseded-3")));
        }
    }

    @Test
    void committedEntriesAreNeverCutAndTheMarkNeverPassesTheDurableIndex()
    {
        try (JournalReplicaLog log = open(16))
        {
            appendAll(log, 1, 1, 10);
            log.sync();
            appendAll(log, 1, 11, 5);
            log.storeCommitMark(12);
            assertEquals(10, log.commitMark());
            assertThrows(IllegalArgumentException.class, () -> log.storeCommitMark(16));
            assertThrows(IllegalStateException.class, () -> log.truncateFrom(10));
            log.sync();
            log.storeCommitMark(12);
            assertEquals(12, log.commitMark());
            log.storeCommitMark(11);
            assertEquals(12, log.commitMark());
            assertThrows(IllegalStateException.class, () -> log.truncateFrom(12));
            log.truncateFrom(13);
            assertEquals(12, log.lastIndex());
        }
        try (JournalReplicaLog log = open(16))
        {
            assertEquals(12, log.commitMark());
            assertEquals(12, log.lastIndex());
        }
    }

    @Test
    void aHalfWrittenRewriteBesideTheJournalIsDiscarded() throws IOException
    {
        final List<Content> expected;
        try (JournalReplicaLog log = open(16))
        {
            expected = appendAll(log, 3, 1, 12);
            log.sync();
        }
        // The rewrite had copied 5 of the entries to keep when the node died.
        writeJournal(dataDir.resolve("journal.rewrite"), expected.subList(0, 5));

        try (JournalReplicaLog log = open(16))
        {
            assertFalse(Files.exists(dataDir.resolve("journal.rewrite")));
            assertEquals(12, log.lastIndex());
            assertEquals(3, log.termAt(12));
            assertEquals(0, log.truncationCount());
            assertReadsAll(log, expected);
            // The truncation that did not happen can be done again.
            log.truncateFrom(9);
            assertReadsAll(log, expected.subList(0, 8));
        }
    }

    @Test
    void aCompleteRewriteWhoseRenameWasLostBecomesTheJournal() throws IOException
    {
        final List<Content> expected;
        try (JournalReplicaLog log = open(16))
        {
            expected = new ArrayList<>(appendAll(log, 1, 1, 6));
            expected.addAll(appendAll(log, 2, 7, 6));
            log.sync();
        }
        // Truncation from 5: the rewrite was complete, the journal was renamed away, the second rename was lost, and
        // the term history still has term 2 from index 7.
        writeJournal(dataDir.resolve("journal.rewrite"), expected.subList(0, 4));
        Files.move(dataDir.resolve("journal"), dataDir.resolve("journal.superseded-1"));

        try (JournalReplicaLog log = open(16))
        {
            assertFalse(Files.exists(dataDir.resolve("journal.rewrite")));
            assertEquals(4, log.lastIndex());
            assertEquals(1, log.truncationCount());
            assertReadsAll(log, expected.subList(0, 4));
            // Term 2's pair was beyond the journal's end and is gone: a new leader of term 2 may start at 5.
            final List<Content> more = appendAll(log, 2, 50, 2);
            assertEquals(2, log.termAt(5));
            assertEquals(1, log.termAt(4));
            log.sync();
            final List<Content> all = new ArrayList<>(expected.subList(0, 4));
            all.addAll(more);
            assertSameContents(all, replayJournal(log.journal()));
        }
    }

    @Test
    void aTermHistoryLongerThanTheJournalIsCutBackOnOpen()
    {
        try (JournalReplicaLog log = open(16))
        {
            appendAll(log, 1, 1, 3);
            log.sync();
        }
        // As if the journal lost the entries of term 4 but its pair had been stored: a crash after beginTerm.
        new TermHistory(dataDir.resolve("term-history")).beginTerm(4, 4);
        try (JournalReplicaLog log = open(16))
        {
            assertEquals(3, log.lastIndex());
            appendAll(log, 2, 10, 1);
            assertEquals(2, log.termAt(4));
        }
    }

    @Test
    void aTornLastEntryIsPassedOverByReadsAndLeftBehindByATruncation()
    {
        final List<Content> expected = new ArrayList<>();
        try (JournalReplicaLog log = open(4))
        {
            expected.addAll(appendAll(log, 1, 1, 5));
            log.sync();
        }
        // What a power cut can leave: an excerpt whose header made it to disk without its body (bad checksum).
        final byte[] torn = new byte[JournalEntryDescriptor.HEADER_LENGTH + 12];
        torn[0] = 6;
        torn[20] = 1;
        torn[16] = 12;
        try (SingleChronicleQueue queue = SingleChronicleQueueBuilder.binary(dataDir.resolve("journal")).build();
            ExcerptAppender appender = queue.createAppender();
            DocumentContext context = appender.writingDocument())
        {
            context.wire().bytes().write(torn);
        }

        try (JournalReplicaLog log = open(4))
        {
            assertEquals(5, log.lastIndex());
            expected.addAll(appendAll(log, 2, 6, 6));
            // Entry 6 follows the torn excerpt in the journal; 6 and 7 are out of the window.
            assertReadsAll(log, expected);
            log.truncateFrom(9);
            expected.subList(8, expected.size()).clear();
            assertReadsAll(log, expected);
            assertSameContents(expected, replayJournal(log.journal()));
            assertEquals(2, log.termAt(8));
        }
    }

    /**
     * Random appends, term changes, syncs, truncations, commit marks, reads and reopens against a list, with a window
     * small enough that most reads go to the journal.
     */
    @Test
    void randomOperationsMatchAnInMemoryModel()
    {
        final int seedCount = Integer.getInteger("replicalog.seeds", 4);
        final long[] operationCounts = new long[OPERATION_KINDS];
        for (long seed = 1; seed <= seedCount; seed++)
        {
            final Path seedDir = dataDir.resolve("seed-" + seed);
            try
            {
                runModel(seedDir, seed, operationCounts);
            }
            catch (final AssertionError | RuntimeException ex)
            {
                throw new AssertionError("seed " + seed + " (-Dreplicalog.seeds to run more)", ex);
            }
        }
        // The seeds must have exercised every kind of operation, the rare ones included.
        for (int kind = 0; kind < OPERATION_KINDS; kind++)
        {
            assertTrue(operationCounts[kind] > seedCount, "operation kind " + kind + " ran " + operationCounts[kind] +
                " times: " + Arrays.toString(operationCounts));
        }
    }

    private static final int APPEND = 0;
    private static final int SYNC = 1;
    private static final int TRUNCATE = 2;
    private static final int COMMIT_MARK = 3;
    private static final int REOPEN = 4;
    private static final int READ = 5;
    private static final int OPERATION_KINDS = 6;

    private void runModel(final Path dir, final long seed, final long[] operationCounts)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final int windowEntries = 1 + random.nextInt(8);
        final List<Content> modelContents = new ArrayList<>();
        final List<Long> modelTerms = new ArrayList<>();
        long modelDurable = 0;
        long modelCommit = 0;
        long modelTruncations = 0;
        long term = 1;
        final EntryView view = new EntryView();

        JournalReplicaLog log = JournalReplicaLog.open(dir, DurabilityPolicy.PAGE_CACHE, windowEntries, payloads);
        try
        {
            for (int step = 0; step < 300; step++)
            {
                final int choice = random.nextInt(100);
                if (choice < 45)
                {
                    if (random.nextInt(15) == 0)
                    {
                        term += 1 + random.nextInt(2);
                    }
                    final Content content = Content.of(random.nextLong(1 << 20), random.nextInt(
                        random.nextBoolean() ? 64 : JournalEntryDescriptor.MAX_PAYLOAD_LENGTH + 1));
                    log.append(term, payloads.add(content));
                    modelContents.add(content);
                    modelTerms.add(term);
                    operationCounts[APPEND]++;
                }
                else if (choice < 55)
                {
                    log.sync();
                    modelDurable = modelContents.size();
                    operationCounts[SYNC]++;
                }
                else if (choice < 57 && modelContents.size() > modelCommit)
                {
                    final long index = modelCommit + 1 + random.nextLong(modelContents.size() - modelCommit);
                    log.truncateFrom(index);
                    modelContents.subList((int)index - 1, modelContents.size()).clear();
                    modelTerms.subList((int)index - 1, modelTerms.size()).clear();
                    modelDurable = modelContents.size();
                    modelTruncations++;
                    operationCounts[TRUNCATE]++;
                }
                else if (choice < 61)
                {
                    final long index = random.nextLong(modelContents.size() + 1);
                    log.storeCommitMark(index);
                    modelCommit = Math.max(modelCommit, Math.min(index, modelDurable));
                    operationCounts[COMMIT_MARK]++;
                }
                else if (choice < 64)
                {
                    // A process exit: unsynced entries stay in the page cache, so nothing is lost.
                    log.close();
                    log = JournalReplicaLog.open(dir, DurabilityPolicy.PAGE_CACHE, windowEntries, payloads);
                    modelDurable = modelContents.size();
                    operationCounts[REOPEN]++;
                }
                else if (!modelContents.isEmpty())
                {
                    // Mostly single reads anywhere (a leader's window, a jump back); sometimes a follower catching
                    // up: a run of reads in order to the end.
                    final int first = 1 + random.nextInt(modelContents.size());
                    final int last = random.nextInt(4) == 0 ? modelContents.size() : first;
                    for (int index = first; index <= last; index++)
                    {
                        assertTrue(log.read(index, view));
                        assertTrue(modelContents.get(index - 1).matches(view), "content of " + index + " at " + step);
                    }
                    operationCounts[READ]++;
                }

                assertEquals(modelContents.size(), log.lastIndex(), "lastIndex at step " + step);
                assertEquals(modelDurable, log.durableIndex(), "durableIndex at step " + step);
                assertEquals(modelCommit, log.commitMark(), "commitMark at step " + step);
                assertEquals(modelTruncations, log.truncationCount(), "truncations at step " + step);
                if (!modelTerms.isEmpty())
                {
                    final int index = 1 + random.nextInt(modelTerms.size());
                    assertEquals(modelTerms.get(index - 1), log.termAt(index), "term of " + index + " at " + step);
                    assertEquals(modelTerms.get(modelTerms.size() - 1), log.termAt(log.lastIndex()));
                }
            }

            log.sync();
            for (int index = 1; index <= modelTerms.size(); index++)
            {
                assertEquals(modelTerms.get(index - 1), log.termAt(index), "term of " + index);
            }
            assertReadsAll(log, modelContents);
            assertSameContents(modelContents, replayJournal(log.journal()));
        }
        finally
        {
            log.close();
        }
    }

    private static void writeJournal(final Path dir, final List<Content> contents)
    {
        try (ChronicleJournal journal = ChronicleJournal.open(new JournalConfig(dir)
            .withDurabilityPolicy(DurabilityPolicy.PAGE_CACHE)))
        {
            final JournalWriter writer = journal.writer();
            for (int i = 0; i < contents.size(); i++)
            {
                final Content content = contents.get(i);
                writer.append(i + 1, content.timestampMs(), content.payloadVersion(),
                    new UnsafeBuffer(content.bytes()), 0, content.bytes().length);
            }
        }
    }
}
