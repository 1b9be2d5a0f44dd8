package com.wodian.net.durability;

import com.wodian.engine.Engine;
import com.wodian.engine.EngineConfig;
import com.wodian.engine.ReplySink;
import com.wodian.engine.table.Growth;
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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Recovery's growing ahead ({@link EngineRecovery#growAhead}), which only a pre-touched JVM (the server's) chooses, so
 * that no other test runs it: a full replay reserves the key table and the consumer book for the journal's length, a
 * tail after a snapshot the key table and the spend pairs for the tail's length, a heap not pre-touched nothing; and a
 * recovery that grew ahead reaches the live engine's state hash, from a snapshot and from the journal alone.
 */
class GrowAheadTest
{
    private static final int INPUTS = 3_000;
    private static final long SNAPSHOT_AT = 1_800;
    private static final System.Logger LOG = System.getLogger("test");

    @TempDir
    Path dir;

    @Test
    void eachBranchReservesItsTablesOnlyOnAPreTouchedHeap()
    {
        final EngineConfig config = EngineConfig.small();
        final int keysAtStart = Growth.initialRows(config.keysMax());
        final int pairsAtStart = Growth.initialRows(config.consumptionPairsMax());
        final int consumersAtStart = Growth.initialRows(config.consumersMax());
        final int inputs = 5_000;
        final int keysReserved = Growth.grownLength(keysAtStart, inputs, config.keysMax());
        final int pairsReserved = Growth.grownLength(pairsAtStart, inputs, config.consumptionPairsMax());
        final int consumersReserved = Growth.grownLength(consumersAtStart, inputs, config.consumersMax());

        final Engine fullReplay = new Engine(config);
        EngineRecovery.growAhead(fullReplay, false, inputs, true);
        assertEquals(keysReserved, fullReplay.keyRowsHeld(), "full replay: keys for the journal's length");
        assertEquals(pairsAtStart, fullReplay.spendPairRowsHeld(), "full replay: spend pairs left to doublings");
        assertEquals(consumersReserved, fullReplay.consumerRowsHeld(), "full replay: consumers for its length");

        final Engine tail = new Engine(config);
        EngineRecovery.growAhead(tail, true, inputs, true);
        assertEquals(keysReserved, tail.keyRowsHeld(), "tail after a snapshot: keys");
        assertEquals(pairsReserved, tail.spendPairRowsHeld(), "tail after a snapshot: spend pairs");
        assertEquals(consumersAtStart, tail.consumerRowsHeld(), "tail after a snapshot: consumers left to doublings");

        final Engine capped = new Engine(config);
        EngineRecovery.growAhead(capped, true, 10L * config.keysMax(), true);
        assertEquals(config.keysMax(), capped.keyRowsHeld(), "capped at keysMax");
        assertEquals(config.consumptionPairsMax(), capped.spendPairRowsHeld(), "capped at consumptionPairsMax");
        final Engine cappedFull = new Engine(config);
        EngineRecovery.growAhead(cappedFull, false, 10L * config.keysMax(), true);
        assertEquals(config.keysMax(), cappedFull.keyRowsHeld(), "full replay: capped at keysMax");
        assertEquals(config.consumersMax(), cappedFull.consumerRowsHeld(), "full replay: capped at consumersMax");

        for (final boolean afterSnapshot : new boolean[] {false, true})
        {
            final Engine notTouched = new Engine(config);
            EngineRecovery.growAhead(notTouched, afterSnapshot, inputs, false);
            assertEquals(keysAtStart, notTouched.keyRowsHeld(), "not pre-touched: keys grow by doublings");
            assertEquals(pairsAtStart, notTouched.spendPairRowsHeld(), "not pre-touched: pairs grow by doublings");
            assertEquals(consumersAtStart, notTouched.consumerRowsHeld(), "not pre-touched: consumers by doublings");
        }
    }

    @Test
    void recoveryThatGrewAheadReachesTheLiveStateHash()
    {
        final EngineConfig config = EngineConfig.small();
        final Engine live = new Engine(config);
        final SnapshotStore store = new SnapshotStore(dir.resolve("snapshots"), 5);
        try (ChronicleJournal journal = ChronicleJournal.open(new JournalConfig(dir.resolve("journal"))
            .withDurabilityPolicy(DurabilityPolicy.PAGE_CACHE)))
        {
            final long snapshotHash = write(journal, store, config, live);
            final int keysAtStart = Growth.initialRows(config.keysMax());

            final EngineRecovery.Result full = recover(journal, null, config, true);
            assertNull(full.snapshot());
            assertEquals(INPUTS, full.replayedCount());
            assertEquals(live.stateHash(), full.engine().stateHash(), "full replay, keys reserved");
            assertEquals(Growth.grownLength(keysAtStart, INPUTS, config.keysMax()), full.engine().keyRowsHeld(),
                "full replay: the key table reserved for the journal's length");
            assertEquals(Growth.grownLength(Growth.initialRows(config.consumersMax()), INPUTS, config.consumersMax()),
                full.engine().consumerRowsHeld(), "full replay: the consumer book reserved for the journal's length");
            full.engine().verifyInvariants();
            assertEquals(live.stateHash(), recover(journal, null, config, false).engine().stateHash(),
                "full replay, doublings");

            final EngineRecovery.Result tail = recover(journal, store, config, true);
            assertNotNull(tail.snapshot());
            assertEquals(SNAPSHOT_AT, tail.snapshot().journalSequence());
            assertEquals(snapshotHash, tail.snapshot().stateHash());
            assertEquals(live.stateHash(), tail.engine().stateHash(), "tail after a snapshot, tables reserved");
            assertTrue(tail.engine().spendPairRowsHeld() >= INPUTS - SNAPSHOT_AT,
                "tail: spend pairs reserved for the tail's length: " + tail.engine().spendPairRowsHeld());
            tail.engine().verifyInvariants();
            final EngineRecovery.Result tailDoubling = recover(journal, store, config, false);
            assertEquals(live.stateHash(), tailDoubling.engine().stateHash(), "tail after a snapshot, doublings");
            assertTrue(tailDoubling.engine().spendPairRowsHeld() < INPUTS - SNAPSHOT_AT,
                "tail, doublings: as many pair rows as the few pairs need: " +
                tailDoubling.engine().spendPairRowsHeld());
        }
    }

    /** Journals {@link #INPUTS} inputs applied to {@code live}, a snapshot at {@link #SNAPSHOT_AT}: its hash. */
    private static long write(final ChronicleJournal journal, final SnapshotStore store, final EngineConfig config,
        final Engine live)
    {
        final RandomWorkload workload = new RandomWorkload(14);
        final JournalWriter writer = journal.writer();
        final SnapshotAgent agent = new SnapshotAgent(journal, store, config, 0, 0, SystemEpochClock.INSTANCE, LOG);
        agent.onStart();
        long snapshotHash = 0;
        try
        {
            for (long sequence = 1; sequence <= INPUTS; sequence++)
            {
                final int length = sequence == SNAPSHOT_AT ? workload.takeSnapshot(sequence) : workload.next();
                final long timestampMs = workload.nextTimestampMs();
                writer.append(sequence, timestampMs, CommandCatalog.SCHEMA_VERSION, workload.buffer, 0, length);
                live.onCommand(sequence, timestampMs, workload.buffer, 0, length, ReplySink.NONE);
                if (sequence == SNAPSHOT_AT)
                {
                    snapshotHash = live.stateHash();
                }
                if (sequence % 64 == 0 || sequence == INPUTS)
                {
                    writer.endOfBatch();
                    drain(agent);
                }
            }
            assertEquals(INPUTS, agent.appliedSequence());
        }
        finally
        {
            agent.onClose();
        }
        return snapshotHash;
    }

    private static EngineRecovery.Result recover(final ChronicleJournal journal, final SnapshotStore store,
        final EngineConfig config, final boolean preTouched)
    {
        final EngineRecovery.Result result = EngineRecovery.recover(journal, store, config, Long.MAX_VALUE, line ->
        {
            throw new AssertionError("unexpected fallback: " + line);
        }, null, preTouched);
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
}
