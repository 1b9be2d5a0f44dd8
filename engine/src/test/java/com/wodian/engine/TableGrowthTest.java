package com.wodian.engine;

import com.wodian.engine.table.ConsumerBook;
import com.wodian.protocol.sbe.ResultCode;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Tables start small and grow with what they hold (docs/engine.md, "Table growth"): an engine that grows every table
 * past its start size, its key table up to the limit and churning, keeps its state across a snapshot exactly, and a
 * snapshot holds the state, not the limits.
 */
class TableGrowthTest
{
    private static final int MERCHANTS = 1_300;
    private static final int TERMINALS = 2_500;
    private static final int CONSUMERS = 3_500;
    private static final int KEYS = 3_000;

    private static EngineConfig config()
    {
        return EngineConfig.small().consumersMax(4_000).merchantsMax(1_500).terminalsMax(3_000).keysMax(KEYS)
            .keyRetentionMs(0).vouchersMax(2_000).pointsLedgerEntriesMax(2_048);
    }

    @Test
    void everyTableGrowsPastItsStartSizeAndASnapshotRestoresItExactly()
    {
        final EngineDriver live = new EngineDriver(config());
        register(live);
        for (int payment = 0; payment < 2_000; payment++)
        {
            pay(live, payment);
        }
        assertEquals(KEYS, live.engine.rememberedKeyCount(), "the key table is full and forgets the oldest keys");

        final MemorySnapshot snapshot = new MemorySnapshot();
        live.engine.writeSnapshot(snapshot);
        final EngineDriver restored = new EngineDriver(config());
        restored.engine.readSnapshot(snapshot);
        restored.sequence = live.sequence;
        restored.nowMs = live.nowMs;
        assertEquals(live.engine.stateHash(), restored.engine.stateHash());
        for (int payment = 2_000; payment < 5_000; payment++)
        {
            pay(live, payment);
            pay(restored, payment);
            assertArrayEquals(live.replyBytes(), restored.replyBytes(), "reply to payment " + payment);
        }
        assertEquals(live.engine.stateHash(), restored.engine.stateHash());
        live.engine.verifyInvariants();
        restored.engine.verifyInvariants();
    }

    @Test
    void anEngineWithTablesReservedAtStartAnswersAsAGrowingOneAndTheirSnapshotsInterchange()
    {
        final EngineDriver growing = new EngineDriver(config());
        final EngineDriver reserved = new EngineDriver(config().reserveTables(true));
        register(growing);
        register(reserved);
        for (int payment = 0; payment < 2_000; payment++)
        {
            pay(growing, payment);
            pay(reserved, payment);
            assertArrayEquals(growing.replyBytes(), reserved.replyBytes(), "reply to payment " + payment);
        }
        assertEquals(growing.engine.stateHash(), reserved.engine.stateHash());

        final EngineDriver reservedFromGrowing = restored(growing, config().reserveTables(true));
        final EngineDriver growingFromReserved = restored(reserved, config());
        for (int payment = 2_000; payment < 5_000; payment++)
        {
            pay(growing, payment);
            pay(reservedFromGrowing, payment);
            pay(growingFromReserved, payment);
            assertArrayEquals(growing.replyBytes(), reservedFromGrowing.replyBytes(), "reply to payment " + payment);
            assertArrayEquals(growing.replyBytes(), growingFromReserved.replyBytes(), "reply to payment " + payment);
        }
        assertEquals(growing.engine.stateHash(), reservedFromGrowing.engine.stateHash());
        assertEquals(growing.engine.stateHash(), growingFromReserved.engine.stateHash());
        reservedFromGrowing.engine.verifyInvariants();
        growingFromReserved.engine.verifyInvariants();
    }

    private static EngineDriver restored(final EngineDriver from, final EngineConfig config)
    {
        final MemorySnapshot snapshot = new MemorySnapshot();
        from.engine.writeSnapshot(snapshot);
        final EngineDriver to = new EngineDriver(config);
        to.engine.readSnapshot(snapshot);
        to.sequence = from.sequence;
        to.nowMs = from.nowMs;
        assertEquals(from.engine.stateHash(), to.engine.stateHash());
        return to;
    }

    @Test
    void aSnapshotHoldsTheStateNotTheLimits()
    {
        // The risk pair cache and event log keep their fixed size (riskPairsMax, riskEventsMax): bounded caches.
        final EngineConfig tenTimes = config().consumersMax(40_000).merchantsMax(15_000).terminalsMax(30_000)
            .keysMax(30_000).vouchersMax(20_000).consumptionPairsMax(1_000_000).pointsLedgerEntriesMax(1 << 16)
            .holdsMax(100_000);
        final MemorySnapshot small = new MemorySnapshot();
        new Engine(config()).writeSnapshot(small);
        final MemorySnapshot large = new MemorySnapshot();
        new Engine(tenTimes).writeSnapshot(large);
        assertEquals(small.size(), large.size(), "an empty engine's snapshot does not depend on its limits");

        final EngineDriver used = new EngineDriver(config());
        register(used);
        final MemorySnapshot grown = new MemorySnapshot();
        used.engine.writeSnapshot(grown);
        assertTrue(grown.size() > small.size() + CONSUMERS * ConsumerBook.STRIDE, "the snapshot grew with the state");
    }

    @Test
    void aSnapshotOfTheFormerFormatIsRefusedWithAClearError()
    {
        final MemorySnapshot former = new MemorySnapshot();
        former.writeLong(Engine.SNAPSHOT_MAGIC);
        former.writeLong(Engine.OLDEST_READABLE_SNAPSHOT_FORMAT - 1);
        final IllegalStateException refused = assertThrows(IllegalStateException.class,
            () -> new Engine(config()).readSnapshot(former));
        assertTrue(refused.getMessage().contains("snapshot format " + (Engine.OLDEST_READABLE_SNAPSHOT_FORMAT - 1)),
            refused.getMessage());
        assertTrue(refused.getMessage().contains("journal"), refused.getMessage());
        assertTrue(refused.getMessage().contains("not readable by this version"), refused.getMessage());

        final MemorySnapshot later = new MemorySnapshot();
        later.writeLong(Engine.SNAPSHOT_MAGIC);
        later.writeLong(Engine.SNAPSHOT_FORMAT_VERSION + 1);
        final IllegalStateException newer = assertThrows(IllegalStateException.class,
            () -> new Engine(config()).readSnapshot(later));
        assertTrue(newer.getMessage().contains("snapshot format " + (Engine.SNAPSHOT_FORMAT_VERSION + 1) +
            ", not readable by this version") && newer.getMessage().contains("newer"), newer.getMessage());
        assertNull(Engine.snapshotFormatProblem(Engine.SNAPSHOT_MAGIC, Engine.SNAPSHOT_FORMAT_VERSION));
    }

    /** A payment at one of the merchant's terminals (every terminal takes turns), points and spend tracked. */
    private static void pay(final EngineDriver driver, final int payment)
    {
        final int merchant = 1 + payment % MERCHANTS;
        final int terminal = merchant + MERCHANTS <= TERMINALS && payment / MERCHANTS % 2 == 1 ? merchant + MERCHANTS :
            merchant;
        final long consumer = 1 + payment * 7 % CONSUMERS;
        assertEquals(ResultCode.OK, driver.pay(merchant, terminal, payment + 1, consumer, 100 + payment),
            "payment " + payment);
        driver.advanceMs(1);
    }

    /** Merchants, terminals and consumers past the tables' start size; every consumer topped up (a key each). */
    private static void register(final EngineDriver driver)
    {
        for (int merchant = 1; merchant <= MERCHANTS; merchant++)
        {
            assertEquals(ResultCode.OK, driver.merchant(merchant, 1, 100, 0, 0, false));
        }
        for (int terminal = 1; terminal <= TERMINALS; terminal++)
        {
            assertEquals(ResultCode.OK, driver.terminal(terminal, 1 + (terminal - 1) % MERCHANTS));
        }
        for (int consumer = 1; consumer <= CONSUMERS; consumer++)
        {
            assertEquals(ResultCode.OK, driver.consumer(consumer, 1 + consumer % MERCHANTS));
            assertEquals(ResultCode.OK, driver.topUp(consumer, consumer, 1_000_000));
            driver.advanceMs(1);
        }
    }
}
