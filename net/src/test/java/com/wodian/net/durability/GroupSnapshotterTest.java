package com.wodian.net.durability;

import com.wodian.engine.Engine;
import com.wodian.engine.EngineConfig;
import com.wodian.engine.ReplySink;
import com.wodian.journal.DurabilityPolicy;
import com.wodian.journal.SnapshotStore.SnapshotInfo;
import com.wodian.journal.SnapshotStore;
import com.wodian.journal.consensus.storage.JournalReplicaLog;
import com.wodian.net.cluster.snapshot.CommittedJournal;
import com.wodian.protocol.CommandCatalog;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The snapshotter of a group member follows the replica log only up to the committed and applied index, takes its
 * snapshots at exact sequences there, and goes on across a truncation (which replaces the journal): afterwards its
 * snapshots hold the state of the kept entries plus the new primary's, never of the entries cut off.
 */
class GroupSnapshotterTest
{
    private static final System.Logger LOG = System.getLogger("test");
    private static final int WINDOW_ENTRIES = 1024;

    @TempDir
    Path dir;

    @Test
    void snapshotsOnlyCommittedEntriesAndFollowsATruncation()
    {
        final EngineConfig config = EngineConfig.small();
        final RandomWorkload original = new RandomWorkload(11);
        final RandomWorkload replacement = new RandomWorkload(12);
        final UnsafeBuffer entry = new UnsafeBuffer(new byte[CommandCatalog.MAX_MESSAGE_LENGTH]);
        final int[] entryLength = new int[1];
        final long[] entryTimestampMs = new long[1];
        final SnapshotStore store = new SnapshotStore(dir.resolve("snapshots"), 50);
        final AtomicLong readable = new AtomicLong(0);

        try (JournalReplicaLog log = JournalReplicaLog.open(dir, DurabilityPolicy.PAGE_CACHE, WINDOW_ENTRIES,
            (payload, into) -> into.set(entryTimestampMs[0], CommandCatalog.SCHEMA_VERSION, entry, 0,
                entryLength[0])))
        {
            final List<byte[]> kept = new ArrayList<>();
            final List<Long> keptTimestamps = new ArrayList<>();
            append(log, original, 1, 500, entry, entryLength, entryTimestampMs, kept, keptTimestamps);
            final SnapshotAgent agent = new SnapshotAgent(new CommittedJournal(log, readable::get), store, config,
                100, 0, SystemEpochClock.INSTANCE, LOG);
            agent.onStart(); // nothing committed yet: it recovers to 0
            try
            {
                assertEquals(0, agent.appliedSequence());
                readable.set(300);
                drain(agent);
                assertEquals(300, agent.appliedSequence(), "never past the committed and applied index");
                assertEquals(List.of(100L, 200L, 300L), sequences(store));

                // Entries 401-500 were never committed: a new primary's log replaces them.
                log.storeCommitMark(400);
                log.truncateFrom(401);
                kept.subList(400, kept.size()).clear();
                keptTimestamps.subList(400, keptTimestamps.size()).clear();
                append(log, replacement, 2, 250, entry, entryLength, entryTimestampMs, kept, keptTimestamps);
                readable.set(650);
                drain(agent);
                assertEquals(650, agent.appliedSequence());
                assertEquals(List.of(100L, 200L, 300L, 400L, 500L, 600L), sequences(store));
            }
            finally
            {
                agent.onClose();
            }

            // The snapshot at 600 is the state of entries 1-400 of the first term and 401-600 of the second.
            final Engine expected = new Engine(config);
            for (int i = 0; i < 600; i++)
            {
                final byte[] bytes = kept.get(i);
                expected.onCommand(i + 1, keptTimestamps.get(i), new UnsafeBuffer(bytes), 0, bytes.length,
                    ReplySink.NONE);
            }
            final EngineRecovery.Result recovered = EngineRecovery.recover(log.journal(), store, config, 600,
                (line) -> { });
            recovered.tailer().close();
            assertEquals(600, recovered.snapshot().journalSequence());
            assertEquals(0, recovered.replayedCount());
            assertEquals(expected.stateHash(), recovered.engine().stateHash());
        }
    }

    private static void append(
        final JournalReplicaLog log,
        final RandomWorkload workload,
        final long term,
        final int count,
        final UnsafeBuffer entry,
        final int[] entryLength,
        final long[] entryTimestampMs,
        final List<byte[]> kept,
        final List<Long> keptTimestamps)
    {
        for (int i = 0; i < count; i++)
        {
            final int length = workload.next();
            entry.putBytes(0, workload.buffer, 0, length);
            entryLength[0] = length;
            entryTimestampMs[0] = Math.max(workload.nextTimestampMs(),
                keptTimestamps.isEmpty() ? 0 : keptTimestamps.get(keptTimestamps.size() - 1));
            log.append(term, 1);
            final byte[] bytes = new byte[length];
            entry.getBytes(0, bytes);
            kept.add(bytes);
            keptTimestamps.add(entryTimestampMs[0]);
        }
        log.sync();
    }

    private static void drain(final SnapshotAgent agent)
    {
        for (int i = 0; i < 10_000 && agent.doWork() > 0; i++)
        {
            // bounded: a few thousand entries in batches of at most 1,024
        }
    }

    private static List<Long> sequences(final SnapshotStore store)
    {
        final List<Long> sequences = new ArrayList<>();
        for (final SnapshotInfo info : store.list())
        {
            assertTrue(info.isValid(), info.problem());
            sequences.add(info.journalSequence());
        }
        sequences.sort(Long::compare);
        return sequences;
    }
}
