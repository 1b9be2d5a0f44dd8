package com.wodian.net.durability;

import com.wodian.engine.EngineConfig;
import com.wodian.journal.ChronicleJournal;
import com.wodian.journal.DurabilityPolicy;
import com.wodian.journal.JournalConfig;
import com.wodian.journal.JournalWriter;
import com.wodian.journal.SnapshotStore;
import com.wodian.protocol.CommandCatalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A journal entry written by a newer build (its payload schema version above this one's) stops recovery with the
 * entry and both versions named, instead of being applied as a no-op or with its newer fields dropped (a rollback
 * would otherwise serve a ledger that differs from what the newer build acknowledged).
 */
class NewerEntryTest
{
    @TempDir
    Path dir;

    @Test
    void recoveryRefusesAnEntryOfANewerPayloadSchema() throws Exception
    {
        final RandomWorkload workload = new RandomWorkload(34);
        try (ChronicleJournal journal = ChronicleJournal.open(new JournalConfig(dir.resolve("journal"))
            .withDurabilityPolicy(DurabilityPolicy.PAGE_CACHE)))
        {
            final JournalWriter writer = journal.writer();
            for (long sequence = 1; sequence <= 50; sequence++)
            {
                final int length = workload.next();
                final int payloadVersion = 37 == sequence ? CommandCatalog.SCHEMA_VERSION + 1 :
                    CommandCatalog.SCHEMA_VERSION;
                writer.append(sequence, workload.nextTimestampMs(), payloadVersion, workload.buffer, 0, length);
            }
            writer.endOfBatch();

            final SnapshotStore store = new SnapshotStore(dir.resolve("snapshots"), 2);
            final IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> EngineRecovery.recover(journal, store, EngineConfig.small(), (line) -> { }));
            assertTrue(refused.getMessage().contains("journal entry 37 was written by a newer Wodian (payload schema " +
                (CommandCatalog.SCHEMA_VERSION + 1) + "; this version reads up to " + CommandCatalog.SCHEMA_VERSION),
                refused.getMessage());
            assertEquals(50, journal.lastSequence());
        }
    }
}
