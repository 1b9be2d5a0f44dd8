package com.wodian.engine;

import com.wodian.protocol.sbe.EngineSetting;
import com.wodian.protocol.sbe.ResultCode;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The engine settings on (a small per-merchant key quota over a small key table with a short retention, so that keys
 * count, age and are forgotten all the time; Confirm, Cancel and Refund bound to the payment's terminal; refund
 * shortfalls from the settlement, which the workload also switches off and on), under the
 * ledger property test's random workload: a twin engine fed the same inputs answers byte for byte alike with the
 * same state hash, conservation and the quota's counts hold after every command, and an engine restored from a
 * snapshot taken at a random point continues exactly like the live one.
 */
class EngineSettingsPropertyTest
{
    private static final int COMMANDS = 12_000;

    static EngineConfig config()
    {
        return EngineConfig.small().keysMax(256).keyRetentionMs(30_000).pointsLedgerEntriesMax(4_096)
            .vouchersMax(4_096).distributionSliceEntries(1).ttlMsMax(LedgerPropertyTest.TTL_MS_MAX);
    }

    @Property(tries = 4, seed = "7714")
    void twinAndRestoredEnginesDecideAlikeWithTheSettingsOn(
        @ForAll final long seed, @ForAll @IntRange(min = 500, max = COMMANDS - 1_000) final int snapshotAt)
    {
        final SplittableRandom random = new SplittableRandom(seed);
        final EngineDriver live = new EngineDriver(config());
        final EngineDriver twin = new EngineDriver(config());
        LedgerPropertyTest.setUp(live, twin, new ArrayList<>());
        for (final EngineDriver d : new EngineDriver[]{live, twin})
        {
            assertEquals(ResultCode.OK, d.setting(EngineSetting.MERCHANT_KEYS_MAX, 16));
            assertEquals(ResultCode.OK, d.setting(EngineSetting.PAYMENT_TERMINAL_BINDING, 2));
            assertEquals(ResultCode.OK, d.setting(EngineSetting.REFUND_SHORTFALL_FROM_SETTLEMENT, 1));
            // The hashes compared below see the voucher slots and the ended ring too (det-review C3).
            assertEquals(ResultCode.OK, d.setting(EngineSetting.VOUCHER_LAYOUT_HASH, 1));
            // Decides nothing here (no model is loaded), but is in the hash and the snapshot.
            assertEquals(ResultCode.OK, d.setting(EngineSetting.RISK_GROUP_SOURCE, 1));
            // Few consumers, many refusals for funds and cancelled Tries: the probe table fills and refuses.
            assertEquals(ResultCode.OK, d.setting(EngineSetting.BALANCE_PROBE_LIMIT, 2));
            // Every Try and Pay goes through risk and its shops-tried sets are learnt (the accounts are too young
            // to be dormant, so it declines nothing): HomeSameSets in the twin, restore and hash comparisons.
            assertEquals(ResultCode.OK, d.setting(EngineSetting.HOME_SAME_SET_LIMIT, 1));
        }
        final EnumMap<ResultCode, Integer> codes = new EnumMap<>(ResultCode.class);
        EngineDriver restored = null;
        for (int i = 0; i < COMMANDS; i++)
        {
            if (i == snapshotAt)
            {
                restored = restore(live);
            }
            live.advanceMs(random.nextInt(8) == 0 ? random.nextInt(600) : random.nextInt(3));
            final int length = LedgerPropertyTest.randomCommand(random, live, i / 200);
            final ResultCode code = live.apply(length);
            codes.merge(code, 1, Integer::sum);
            live.applyLastInputTo(length, twin, restored);
            live.engine.verifyBalances();
            if ((i & 63) == 0)
            {
                live.engine.verifyInvariants();   // conservation, and the quota's counts against its marks
            }
        }
        live.engine.verifyInvariants();
        assertEquals(live.engine.stateHash(), twin.engine.stateHash());
        assertEquals(live.engine.stateHash(), restored.engine.stateHash());
        assertTrue(live.sequence > config().keysMax() * 4L, "the key table filled and forgot keys");
        System.out.println("engine settings property codes: " + codes);
        for (final ResultCode expected : new ResultCode[]{ResultCode.OK, ResultCode.OK_EMPTY_ROLLBACK,
            ResultCode.LIMIT_MERCHANT_KEYS, ResultCode.TERMINAL_NOT_OF_PAYMENT, ResultCode.RISK_BALANCE_PROBING})
        {
            assertTrue(codes.getOrDefault(expected, 0) > 0, () -> expected + " never happened: " + codes);
        }
    }

    private static EngineDriver restore(final EngineDriver live)
    {
        final EngineDriver restored = live.restoredFromSnapshot(config());
        assertEquals(live.engine.stateHash(), restored.engine.stateHash());
        restored.engine.verifyInvariants();
        return restored;
    }
}
