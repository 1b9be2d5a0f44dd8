package com.wodian.engine;

import com.wodian.protocol.sbe.ResultCode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.ArrayList;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A snapshot restores exactly: for random workloads (the ledger property test's generator, rewards and every risk
 * rule included, so risk profiles, rules, events and counters are restored too) and a
 * random snapshot point, an engine restored from the snapshot has the live engine's state hash, and fed the same
 * remaining inputs gives byte-identical replies and the same final hash.
 */
class SnapshotTest
{
    static EngineConfig config()
    {
        return EngineConfig.small().keysMax(16_384).pointsLedgerEntriesMax(4_096).vouchersMax(4_096)
            .distributionSliceEntries(1).ttlMsMax(LedgerPropertyTest.TTL_MS_MAX);
    }

    @Property(tries = 12, seed = "7701")
    void restoredEngineContinuesExactlyLikeTheLiveOne(
        @ForAll final long seed, @ForAll @IntRange(min = 0, max = 6_000) final int snapshotAfter)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final EngineDriver live = new EngineDriver(config());
        final EngineDriver ignored = new EngineDriver(config());
        LedgerPropertyTest.setUp(live, ignored, new ArrayList<>());
        for (int i = 0; i < snapshotAfter; i++)
        {
            live.advanceMs(random.nextInt(8) == 0 ? random.nextInt(600) : random.nextInt(3));
            live.apply(LedgerPropertyTest.randomCommand(random, live, i / 200));
        }

        final EngineDriver restored = live.restoredFromSnapshot(config());
        assertEquals(live.engine.stateHash(), restored.engine.stateHash());
        assertEquals(live.engine.lastRiskEventId(), restored.engine.lastRiskEventId(), "risk state restored too");
        assertEquals(live.engine.riskDecisions(), restored.engine.riskDecisions());
        restored.engine.verifyInvariants();

        for (int i = snapshotAfter; i < snapshotAfter + 4_000; i++)
        {
            live.advanceMs(random.nextInt(8) == 0 ? random.nextInt(600) : random.nextInt(3));
            final int length = LedgerPropertyTest.randomCommand(random, live, i / 200);
            live.apply(length);
            live.applyLastInputTo(length, restored);
        }
        assertEquals(live.engine.stateHash(), restored.engine.stateHash());
        assertTrue(live.engine.lastRiskEventId() > 0, "risk rules (on in the workload) decided something");
        restored.engine.verifyInvariants();
    }

    /**
     * The restored state must hash to the hash the writer recorded, so damage to any state value is refused. (Damage
     * to pure layout, e.g. a free list, is for the file's checksum to catch: the state hash ignores layout.)
     */
    @Property(tries = 20, seed = "7702")
    void damageToTheStateIsRefused(@ForAll @IntRange(min = 12, max = 40) final int position)
    {
        final EngineDriver live = new EngineDriver(config());
        LedgerPropertyTest.setUp(live, new EngineDriver(config()), new ArrayList<>());
        assertEquals(ResultCode.OK, live.topUp(1, 1, 5_000));
        assertEquals(ResultCode.OK, live.pay(1, 11, 1, 1, 100));
        final MemorySnapshot snapshot = new MemorySnapshot();
        live.engine.writeSnapshot(snapshot);
        snapshot.corrupt(position);   // header totals and the first consumer rows
        assertThrows(RuntimeException.class, () -> new Engine(config()).readSnapshot(snapshot));
    }

    @Property(tries = 1)
    void aSnapshotOfOtherLimitsIsRefused()
    {
        final MemorySnapshot snapshot = new MemorySnapshot();
        new Engine(config()).writeSnapshot(snapshot);
        final IllegalStateException refused = assertThrows(IllegalStateException.class,
            () -> new Engine(config().consumersMax(5)).readSnapshot(snapshot));
        assertTrue(refused.getMessage().contains("other limits"));
    }
}
