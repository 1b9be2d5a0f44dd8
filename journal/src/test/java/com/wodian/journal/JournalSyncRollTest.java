package com.wodian.journal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.RollCycles;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The SYNC policy forces the file the batch was written to, including after a roll: a writer that kept forcing the
 * previous cycle's file would lose the new file's batches on a power cut, and no kill -9 test can see that (the page
 * cache survives a process kill). A batch end with nothing new forces nothing; PAGE_CACHE never forces.
 */
class JournalSyncRollTest
{
    @TempDir
    Path dir;

    private final SetTimeProvider rollClock = new SetTimeProvider(1_700_000_000_000L);
    private final UnsafeBuffer payload = new UnsafeBuffer(new byte[32]);

    private ChronicleJournal open(final DurabilityPolicy policy)
    {
        return ChronicleJournal.open(new JournalConfig(dir)
            .withDurabilityPolicy(policy)
            .withRollCycle(RollCycles.FAST_HOURLY)
            .withRollClock(rollClock));
    }

    @Test
    void syncForcesTheNewCyclesFileAfterARoll()
    {
        try (ChronicleJournal journal = open(DurabilityPolicy.SYNC))
        {
            final ChronicleJournalWriter writer = (ChronicleJournalWriter)journal.writer();
            writer.append(1, 1_000, 1, payload, 0, payload.capacity());
            writer.endOfBatch();
            final Path first = writer.syncFile();
            assertEquals(1, writer.syncForces());
            assertTrue(Files.exists(first), first.toString());

            writer.endOfBatch();
            assertEquals(1, writer.syncForces(), "nothing new: no force");

            rollClock.advanceMillis(TimeUnit.HOURS.toMillis(2));
            writer.append(2, 2_000, 1, payload, 0, payload.capacity());
            writer.endOfBatch();
            final Path second = writer.syncFile();
            assertNotEquals(first, second, "the force after the roll went to the old cycle's file");
            assertTrue(Files.exists(second), second.toString());
            assertEquals(2, writer.syncForces());
        }
    }

    @Test
    void pageCacheNeverForces()
    {
        try (ChronicleJournal journal = open(DurabilityPolicy.PAGE_CACHE))
        {
            final ChronicleJournalWriter writer = (ChronicleJournalWriter)journal.writer();
            writer.append(1, 1_000, 1, payload, 0, payload.capacity());
            writer.endOfBatch();
            assertNull(writer.syncFile());
            assertEquals(0, writer.syncForces());
        }
    }
}
