package com.wodian.journal;

import com.wodian.journal.ChronicleJournal.CycleFile;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.RollCycles;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Journal retention removes only roll-cycle files whose entries are all below the oldest valid snapshot, never the
 * file being written, and superseded journals; recovery from every kept snapshot still works afterwards, and an
 * archived file restores the journal.
 */
class JournalRetentionTest
{
    @TempDir
    Path dir;

    private final SetTimeProvider rollClock = new SetTimeProvider(1_700_000_000_000L);

    @Test
    void prunesOnlyWhatNoKeptSnapshotNeeds() throws IOException
    {
        final Path journalDir = dir.resolve("journal");
        try (ChronicleJournal journal = ChronicleJournal.open(new JournalConfig(journalDir)
            .withDurabilityPolicy(DurabilityPolicy.PAGE_CACHE).withRollCycle(RollCycles.FAST_HOURLY)
            .withRollClock(rollClock)))
        {
            write(journal, 1, 350, 101, 201, 301); // four files: 1-100, 101-200, 201-300, 301-350
        }
        final SnapshotStore store = new SnapshotStore(dir.resolve("snapshots"), 10);
        snapshot(store, 120);
        Files.write(store.list().get(0).file(), new byte[] {1, 2, 3}); // damaged: not a fallback, not a floor
        snapshot(store, 150);
        snapshot(store, 250);
        Files.createDirectories(dir.resolve("journal.superseded-1")).resolve("x.cq4").toFile().createNewFile();
        assertEquals(150, JournalRetention.oldestValidSnapshotSequence(store));

        // Opened as the server and the tool open it (default roll cycle): the files' own roll cycle is used.
        try (ChronicleJournal journal = ChronicleJournal.open(new JournalConfig(journalDir)))
        {
            assertEquals(List.of(1L, 101L, 201L, 301L), firsts(journal.cycleFiles()));
            assertTrue(JournalRetention.plan(journal, dir, -1).cycles().isEmpty(), "no valid snapshot: keep all");
            assertEquals(List.of(1L, 101L, 201L), firsts(JournalRetention.plan(journal, dir, 1_000).cycles()),
                "the file being written always stays");

            final JournalRetention.Plan plan = JournalRetention.plan(journal, dir, 150);
            assertEquals(List.of(1L), firsts(plan.cycles()), "the file holding the snapshot's entry stays");
            assertEquals(List.of(dir.resolve("journal.superseded-1")), plan.superseded());
            assertEquals(100, plan.startAfter(), "the last sequence removed");
            JournalRetention.apply(plan, dir.resolve("archive"));
        }
        assertEquals(List.of("100"), ChronicleJournal.readStartFile(journalDir), "the journal starts after it now");
        assertEquals(List.of("0"), ChronicleJournal.readStartFile(dir.resolve("archive").resolve("journal")),
            "the archive keeps the start before it");
        assertFalse(Files.exists(dir.resolve("journal.superseded-1")));
        assertTrue(Files.isDirectory(dir.resolve("archive").resolve("journal.superseded-1")));

        try (ChronicleJournal journal = ChronicleJournal.open(new JournalConfig(journalDir)))
        {
            assertEquals(List.of(101L, 201L, 301L), firsts(journal.cycleFiles()));
            assertEquals(350, journal.lastSequence());
            assertEquals(100, journal.startSequence());
            // A reader from the journal's start (verify, dump) starts after what was removed.
            assertEquals(250, journal.replay(1, (s, t, v, b, o, l) -> { }));
            assertEquals(-1, JournalRetention.plan(journal, dir, 150).startAfter(), "nothing more to record");
            // Recovery from each kept snapshot: seek its entry, replay the rest.
            assertEquals(200, journal.replayFrom(151, -1, (s, t, v, b, o, l) -> { }));
            assertEquals(100, journal.replayFrom(251, -1, (s, t, v, b, o, l) -> { }));
            final JournalWriter writer = journal.writer(); // and the server goes on appending
            append(writer, 351);
            writer.endOfBatch();
        }

        // The archived file alone, copied back with the queue closed: the journal still starts after 100 (as in a
        // crash between the prune's record and the removal): readers pass over the entries up to it.
        final Path archivedJournal = dir.resolve("archive").resolve("journal");
        try (var archived = Files.list(archivedJournal))
        {
            for (final Path file : (Iterable<Path>)archived::iterator)
            {
                if (file.getFileName().toString().endsWith(".cq4"))
                {
                    Files.copy(file, journalDir.resolve(file.getFileName()));
                }
            }
        }
        try (ChronicleJournal journal = ChronicleJournal.open(new JournalConfig(journalDir)))
        {
            assertEquals(251, journal.replay(1, (s, t, v, b, o, l) -> { }));
            assertEquals(-1, JournalRetention.plan(journal, dir, 150).startAfter(),
                "the start is recorded already, and never goes back");
        }
        // With the archive's start file too, the whole journal is back.
        Files.copy(archivedJournal.resolve(ChronicleJournal.START_FILE_NAME),
            journalDir.resolve(ChronicleJournal.START_FILE_NAME), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        try (ChronicleJournal journal = ChronicleJournal.open(new JournalConfig(journalDir)))
        {
            assertEquals(351, journal.replay(1, (s, t, v, b, o, l) -> { }));
        }
    }

    private void write(final ChronicleJournal journal, final int first, final int count, final int... rollBefore)
    {
        final JournalWriter writer = journal.writer();
        for (int sequence = first; sequence < first + count; sequence++)
        {
            for (final int roll : rollBefore)
            {
                if (roll == sequence)
                {
                    rollClock.advanceMillis(TimeUnit.HOURS.toMillis(3));
                }
            }
            append(writer, sequence);
        }
        writer.endOfBatch();
    }

    private static void append(final JournalWriter writer, final long sequence)
    {
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[24]);
        payload.putLong(0, sequence);
        writer.append(sequence, 1_000 + sequence, 1, payload, 0, payload.capacity());
    }

    private static void snapshot(final SnapshotStore store, final long sequence)
    {
        store.write(sequence, -1, 1_000 + sequence, sequence * 31, (output) -> output.writeLong(sequence));
    }

    private static List<Long> firsts(final List<CycleFile> cycles)
    {
        final List<Long> firsts = new ArrayList<>();
        for (final CycleFile cycle : cycles)
        {
            firsts.add(cycle.firstSequence());
        }
        return firsts;
    }
}
