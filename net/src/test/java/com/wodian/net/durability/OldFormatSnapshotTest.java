package com.wodian.net.durability;

import com.wodian.engine.Engine;
import com.wodian.engine.EngineConfig;
import com.wodian.engine.ReplySink;
import com.wodian.journal.ChronicleJournal;
import com.wodian.journal.DurabilityPolicy;
import com.wodian.journal.JournalConfig;
import com.wodian.journal.JournalWriter;
import com.wodian.journal.SnapshotStore;
import com.wodian.journal.SnapshotStore.SnapshotInfo;
import com.wodian.net.testing.SnapshotFiles;
import com.wodian.protocol.CommandCatalog;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Issue 14 item 4: a snapshot of another engine format (an older one left by an upgrade, or a newer one after a
 * downgrade) is named as such, with its format, and recovery falls back to an older snapshot or to the journal alone,
 * reaching the live state.
 */
class OldFormatSnapshotTest
{
    private static final int INPUTS = 600;

    @TempDir
    Path dir;

    @Test
    void aSnapshotOfAnotherFormatIsSkippedWithItsFormatNamedAndRecoveryFallsBack() throws IOException
    {
        final EngineConfig config = EngineConfig.small();
        final Engine live = new Engine(config);
        final RandomWorkload workload = new RandomWorkload(14);
        final SnapshotStore store = new SnapshotStore(dir.resolve("snapshots"), 10);
        try (ChronicleJournal journal = ChronicleJournal.open(new JournalConfig(dir.resolve("journal"))
            .withDurabilityPolicy(DurabilityPolicy.PAGE_CACHE)))
        {
            final JournalWriter writer = journal.writer();
            SnapshotInfo older = null;
            SnapshotInfo newer = null;
            for (long sequence = 1; sequence <= INPUTS; sequence++)
            {
                final int length = workload.next();
                final long timestampMs = workload.nextTimestampMs();
                writer.append(sequence, timestampMs, CommandCatalog.SCHEMA_VERSION, workload.buffer, 0, length);
                live.onCommand(sequence, timestampMs, workload.buffer, 0, length, ReplySink.NONE);
                if (sequence == 200)
                {
                    older = EngineSnapshots.write(live, store, -1);
                }
                else if (sequence == 400)
                {
                    newer = EngineSnapshots.write(live, store, -1);
                }
            }
            writer.endOfBatch();
            assertNull(EngineSnapshots.formatProblem(newer), "this version's own snapshot is readable");

            // The newest snapshot of the former format: skipped with its format named, the older one used.
            SnapshotFiles.rewriteEngineFormat(newer.file(), Engine.OLDEST_READABLE_SNAPSHOT_FORMAT - 1);
            final SnapshotInfo rewritten = SnapshotStore.inspect(newer.file(), true);
            assertTrue(rewritten.isValid(), "the rewritten file is sound: " + rewritten.problem());
            final String problem = EngineSnapshots.formatProblem(rewritten);
            assertTrue(problem.contains("engine snapshot format " + (Engine.OLDEST_READABLE_SNAPSHOT_FORMAT - 1) +
                ", not readable by this version, which reads format " + Engine.SNAPSHOT_FORMAT_VERSION), problem);
            assertTrue(problem.contains("is older"), problem);
            final List<String> report = new ArrayList<>();
            final EngineRecovery.Result fromOlder = EngineRecovery.recover(journal, store, config, report::add);
            fromOlder.tailer().close();
            assertEquals(List.of("snapshot " + newer.file().getFileName() + " skipped: cannot load: " + problem),
                report);
            assertEquals(older.journalSequence(), fromOlder.snapshot().journalSequence());
            assertEquals(live.stateHash(), fromOlder.engine().stateHash());

            // No snapshot of this format left (the other one is of a newer format): the journal alone.
            SnapshotFiles.rewriteEngineFormat(older.file(), Engine.SNAPSHOT_FORMAT_VERSION + 1);
            report.clear();
            final EngineRecovery.Result fromJournal = EngineRecovery.recover(journal, store, config, report::add);
            fromJournal.tailer().close();
            assertEquals(2, report.size(), report.toString());
            assertTrue(report.get(1).contains("engine snapshot format " + (Engine.SNAPSHOT_FORMAT_VERSION + 1)) &&
                report.get(1).contains("written by a newer version"), report.toString());
            assertNull(fromJournal.snapshot());
            assertEquals(INPUTS, fromJournal.replayedCount());
            assertEquals(live.stateHash(), fromJournal.engine().stateHash());
            fromJournal.engine().verifyInvariants();
        }
    }
}
