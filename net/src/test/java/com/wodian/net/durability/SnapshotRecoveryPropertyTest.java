package com.wodian.net.durability;

import com.wodian.engine.Engine;
import com.wodian.engine.EngineConfig;
import com.wodian.engine.ReplySink;
import com.wodian.journal.ChronicleJournal;
import com.wodian.journal.DurabilityPolicy;
import com.wodian.journal.JournalConfig;
import com.wodian.journal.JournalWriter;
import com.wodian.journal.SnapshotDescriptor;
import com.wodian.journal.SnapshotStore;
import com.wodian.journal.SnapshotStore.SnapshotInfo;
import com.wodian.protocol.CommandCatalog;
import org.agrona.concurrent.SystemEpochClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Property: for random workloads and random snapshot points, the state recovered from the newest snapshot plus the
 * journal's tail has the live engine's state hash; so has the state recovered when the newest snapshot is corrupt
 * (fallback to an older one) and, at a random earlier point, the audit recovery "as of sequence N".
 *
 * <p>The snapshots are taken by the real {@link SnapshotAgent}, driven on the test's thread between appends (as its
 * own thread would interleave with the writer), at journaled {@code TakeSnapshot} markers and every N inputs.
 */
class SnapshotRecoveryPropertyTest
{
    private static final int SEEDS = 6;
    private static final System.Logger LOG = System.getLogger("test");

    @TempDir
    Path dir;

    @Test
    void recoveredStateHashEqualsLiveStateHash() throws IOException
    {
        for (int seed = 1; seed <= SEEDS; seed++)
        {
            runOnce(seed, dir.resolve("seed-" + seed));
        }
    }

    private static void runOnce(final long seed, final Path root) throws IOException
    {
        final Random random = new Random(seed * 7919);
        final EngineConfig config = EngineConfig.small();
        final RandomWorkload workload = new RandomWorkload(seed);
        final int inputCount = 300 + random.nextInt(2_500);
        final TreeSet<Long> markerSequences = new TreeSet<>();
        final Map<Long, Long> hashAt = new HashMap<>();
        final long auditSequence = 1 + random.nextInt(inputCount);
        final long intervalInputs = random.nextBoolean() ? 0 : 200 + random.nextInt(800);
        final Engine live = new Engine(config);

        final SnapshotStore store = new SnapshotStore(root.resolve("snapshots"), 50);
        try (ChronicleJournal journal = ChronicleJournal.open(new JournalConfig(root.resolve("journal"))
            .withDurabilityPolicy(DurabilityPolicy.PAGE_CACHE)))
        {
            final JournalWriter writer = journal.writer();
            final SnapshotAgent agent = new SnapshotAgent(journal, store, config, intervalInputs, 0,
                SystemEpochClock.INSTANCE, LOG);
            agent.onStart();
            try
            {
                for (long sequence = 1; sequence <= inputCount; sequence++)
                {
                    final boolean marker = sequence > 10 && random.nextInt(300) == 0;
                    final int length = marker ? workload.takeSnapshot(sequence) : workload.next();
                    final long timestampMs = workload.nextTimestampMs();
                    writer.append(sequence, timestampMs, CommandCatalog.SCHEMA_VERSION, workload.buffer, 0, length);
                    live.onCommand(sequence, timestampMs, workload.buffer, 0, length, ReplySink.NONE);
                    if (marker)
                    {
                        markerSequences.add(sequence);
                        hashAt.put(sequence, live.stateHash());
                    }
                    if (sequence == auditSequence)
                    {
                        hashAt.put(sequence, live.stateHash());
                    }
                    if (random.nextInt(64) == 0)
                    {
                        writer.endOfBatch();
                        drain(agent);
                    }
                }
                writer.endOfBatch();
                drain(agent);
                assertEquals(inputCount, agent.appliedSequence(), "seed " + seed);
            }
            finally
            {
                agent.onClose();
            }
            live.verifyInvariants();

            // Every marker produced a snapshot at exactly its sequence, with the live hash at that point.
            final Map<Long, SnapshotInfo> bySequence = new HashMap<>();
            for (final SnapshotInfo info : store.list())
            {
                assertTrue(info.isValid(), info.problem());
                bySequence.put(info.journalSequence(), info);
            }
            for (final long sequence : markerSequences)
            {
                assertNotNull(bySequence.get(sequence), "seed " + seed + ": snapshot at marker " + sequence);
                assertEquals(hashAt.get(sequence), bySequence.get(sequence).stateHash(), "seed " + seed);
            }
            if (intervalInputs > 0)
            {
                assertTrue(bySequence.size() >= inputCount / (intervalInputs + 1), "seed " + seed + " " + bySequence);
            }

            final EngineRecovery.Result recovered = recover(journal, store, config, Long.MAX_VALUE);
            assertEquals(live.stateHash(), recovered.engine().stateHash(), "seed " + seed);
            recovered.engine().verifyInvariants();
            final List<SnapshotInfo> snapshots = store.list();
            if (snapshots.isEmpty())
            {
                assertNull(recovered.snapshot());
                assertEquals(inputCount, recovered.replayedCount());
            }
            else
            {
                assertEquals(snapshots.get(0).journalSequence(), recovered.snapshot().journalSequence());
                assertEquals(inputCount - snapshots.get(0).journalSequence(), recovered.replayedCount());

                // The newest snapshot damaged: recovery falls back and still reaches the live state.
                flipPayloadByte(snapshots.get(0).file(), random.nextInt((int)snapshots.get(0).payloadLength()));
                final List<String> report = new ArrayList<>();
                final EngineRecovery.Result fallback =
                    EngineRecovery.recover(journal, store, config, Long.MAX_VALUE, report::add);
                fallback.tailer().close();
                assertEquals(live.stateHash(), fallback.engine().stateHash(), "seed " + seed + " fallback");
                assertEquals(1, report.size(), report.toString());
                if (snapshots.size() > 1)
                {
                    assertEquals(snapshots.get(1).journalSequence(), fallback.snapshot().journalSequence());
                }
            }

            // Audit: the state as of a past sequence, from whatever valid snapshot precedes it (the damaged one is
            // passed over when it is not after the audit point).
            final EngineRecovery.Result audit =
                EngineRecovery.recover(journal, store, config, auditSequence, (line) -> { });
            audit.tailer().close();
            assertEquals(auditSequence, audit.engine().lastSequence());
            assertEquals(hashAt.get(auditSequence), audit.engine().stateHash(), "seed " + seed + " audit");
        }
    }

    private static EngineRecovery.Result recover(
        final ChronicleJournal journal, final SnapshotStore store, final EngineConfig config, final long toSequence)
    {
        final EngineRecovery.Result result = EngineRecovery.recover(journal, store, config, toSequence, (line) ->
        {
            throw new AssertionError("unexpected fallback: " + line);
        });
        result.tailer().close();
        return result;
    }

    private static void drain(final SnapshotAgent agent)
    {
        for (int i = 0; i < 10_000 && agent.doWork() > 0; i++)
        {
            // Bounded: each call applies at most a batch of inputs.
        }
    }

    private static void flipPayloadByte(final Path file, final int payloadOffset) throws IOException
    {
        final long position = SnapshotDescriptor.HEADER_LENGTH + payloadOffset;
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            final ByteBuffer one = ByteBuffer.allocate(1);
            channel.read(one, position);
            one.put(0, (byte)(one.get(0) ^ 0x01));
            one.rewind();
            channel.write(one, position);
        }
    }
}
