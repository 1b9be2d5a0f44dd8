package com.wodian.tools;

import com.wodian.journal.ChronicleJournal;
import com.wodian.journal.DurabilityPolicy;
import com.wodian.journal.JournalConfig;
import com.wodian.journal.JournalWriter;
import com.wodian.journal.SnapshotStore;
import com.wodian.journal.consensus.JournalReplicaLog;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.RollCycles;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code wodian journal prune}: a dry run removes nothing; a prune keeps what the oldest valid snapshot needs; in a
 * replica group's data directory it refuses without the group's nodes (their positions decide), removing nothing.
 */
class JournalPruneCommandTest
{
    @TempDir
    Path dir;

    @Test
    void dryRunThenArchiveAndRefusalInAGroup() throws IOException
    {
        final Path data = dir.resolve("node");
        final Path journalDir = data.resolve("journal");
        final SetTimeProvider rollClock = new SetTimeProvider(1_700_000_000_000L);
        try (ChronicleJournal journal = ChronicleJournal.open(new JournalConfig(journalDir)
            .withDurabilityPolicy(DurabilityPolicy.PAGE_CACHE).withRollCycle(RollCycles.FAST_HOURLY)
            .withRollClock(rollClock)))
        {
            final JournalWriter writer = journal.writer();
            final UnsafeBuffer payload = new UnsafeBuffer(new byte[16]);
            for (int sequence = 1; sequence <= 300; sequence++)
            {
                if (sequence % 100 == 1)
                {
                    rollClock.advanceMillis(TimeUnit.HOURS.toMillis(2));
                }
                writer.append(sequence, sequence, 1, payload, 0, payload.capacity());
            }
            writer.endOfBatch();
        }
        new SnapshotStore(data.resolve("snapshots"), 3).write(210, -1, 210, 1, (output) -> output.writeLong(7));
        assertEquals(3, cycleFileCount(journalDir));

        final CliTest.Run dryRun = CliTest.wodian("journal", "prune", "--data", data.toString(), "--dry-run");
        assertEquals(WodianMain.EXIT_OK, dryRun.exitCode(), dryRun.out());
        assertTrue(dryRun.out().contains("sequences 1-100") && dryRun.out().contains("dry run"), dryRun.out());
        assertEquals(3, cycleFileCount(journalDir));

        // A group's data directory: without the nodes' positions nothing is removed.
        Files.writeString(data.resolve(JournalReplicaLog.TERM_HISTORY_FILE_NAME), "");
        final CliTest.Run refused = CliTest.wodian("journal", "prune", "--data", data.toString());
        assertEquals(WodianMain.EXIT_UNREACHABLE, refused.exitCode(), refused.out());
        assertEquals(3, cycleFileCount(journalDir));
        Files.delete(data.resolve(JournalReplicaLog.TERM_HISTORY_FILE_NAME));

        final Path archive = dir.resolve("archive");
        final CliTest.Run pruned = CliTest.wodian("journal", "prune", "--data", data.toString(), "--archive",
            archive.toString());
        assertEquals(WodianMain.EXIT_OK, pruned.exitCode(), pruned.out());
        assertEquals(1, cycleFileCount(journalDir), "1-100 and 101-200 go; 201-300 holds the snapshot's entry");
        assertEquals(2, cycleFileCount(archive.resolve("journal")));
        try (ChronicleJournal journal = ChronicleJournal.open(new JournalConfig(journalDir)))
        {
            assertEquals(90, journal.replayFrom(211, -1, (s, t, v, b, o, l) -> { }));
        }
    }

    private static long cycleFileCount(final Path journalDir) throws IOException
    {
        try (Stream<Path> files = Files.list(journalDir))
        {
            return files.filter(file -> file.getFileName().toString().endsWith(".cq4")).count();
        }
    }
}
