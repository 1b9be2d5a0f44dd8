package com.wodian.net.durability;

import com.wodian.engine.EngineConfig;
import com.wodian.journal.ChronicleJournal;
import com.wodian.journal.DurabilityPolicy;
import com.wodian.journal.JournalConfig;
import com.wodian.journal.JournalWriter;
import com.wodian.journal.SnapshotStore;
import com.wodian.protocol.CommandCatalog;
import org.agrona.concurrent.SystemEpochClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A single server's snapshotter follows its journal only up to the writer's durable sequence (entries a finished
 * batch forced under {@code sync}): an entry appended but not yet forced can still be lost by a power cut, and a
 * snapshot holding it would then be a state no replay of the journal gives (the next start could load it and journal
 * different entries under the same sequences). Concurrency review F1, 2026-12-05.
 */
class DurableOnlySnapshotterTest
{
    private static final System.Logger LOG = System.getLogger("test");

    @TempDir
    Path dir;

    @Test
    void neverSnapshotsAnEntryItsBatchHasNotForced()
    {
        final EngineConfig config = EngineConfig.small();
        final RandomWorkload workload = new RandomWorkload(5);
        final SnapshotStore store = new SnapshotStore(dir.resolve("snapshots"), 50);
        try (ChronicleJournal journal = ChronicleJournal.open(new JournalConfig(dir.resolve("journal"))
            .withDurabilityPolicy(DurabilityPolicy.SYNC)))
        {
            final JournalWriter writer = journal.writer();
            final SnapshotAgent agent = new SnapshotAgent(FollowedJournal.upTo(journal, writer::durableSequence),
                store, config, 100, 0, SystemEpochClock.INSTANCE, LOG);
            agent.onStart();
            try
            {
                append(writer, workload, 1, 150);
                writer.endOfBatch();
                append(writer, workload, 151, 320); // the batch in progress: appended, not yet forced
                assertEquals(150, writer.durableSequence());
                assertEquals(320, writer.lastSequence());
                drain(agent);
                assertEquals(150, agent.appliedSequence(), "stops at the last forced entry");
                assertEquals(List.of(100L), sequences(store), "no snapshot of an unforced entry");

                writer.endOfBatch();
                assertEquals(320, writer.durableSequence());
                drain(agent);
                assertEquals(320, agent.appliedSequence());
                assertEquals(List.of(100L, 200L, 300L), sequences(store));
            }
            finally
            {
                agent.onClose();
            }
        }
    }

    private static void append(final JournalWriter writer, final RandomWorkload workload, final long from,
        final long to)
    {
        for (long sequence = from; sequence <= to; sequence++)
        {
            final int length = workload.next();
            writer.append(sequence, workload.nextTimestampMs(), CommandCatalog.SCHEMA_VERSION, workload.buffer, 0,
                length);
        }
    }

    private static void drain(final SnapshotAgent agent)
    {
        for (int i = 0; i < 10_000 && agent.doWork() > 0; i++)
        {
            // bounded: a few hundred entries
        }
    }

    private static List<Long> sequences(final SnapshotStore store)
    {
        final List<Long> sequences = new ArrayList<>();
        for (final SnapshotStore.SnapshotInfo info : store.list())
        {
            sequences.add(info.journalSequence());
        }
        sequences.sort(Long::compare);
        return sequences;
    }
}
