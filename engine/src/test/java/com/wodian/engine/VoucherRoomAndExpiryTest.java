package com.wodian.engine;

import com.wodian.protocol.sbe.DistributionMode;
import com.wodian.protocol.sbe.EngineSetting;
import com.wodian.protocol.sbe.ResultCode;
import com.wodian.protocol.sbe.VoucherState;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Vouchers at the edges of their room and their time: a voucher-mode distribution whose room others took
 * (det-review A1), a validity past the end of time (fuzz-review finding 3, VOUCHER_EXPIRY_SATURATES), and a full
 * refund after the voucher's slot was reused (acct-review finding 7, REFUND_REISSUES_VOUCHER). Each setting's default
 * keeps the old decision, which is checked too.
 */
class VoucherRoomAndExpiryTest
{
    private static final long DAY_MS = 86_400_000L;

    /** det-review A1: the engine thread threw "no voucher slot although 4 < 4" on every node and every replay. */
    @Test
    void aDistributionWhoseVoucherRoomWasTakenPaysTheRestIntoWallets()
    {
        final EngineDriver d = recorded(EngineConfig.small().vouchersMax(4).distributionSliceEntries(1));
        d.merchant(1, 10, 1000, 0, 0, false);
        assertEquals(ResultCode.OK, d.rules(1, 10, 1000, 0, 0, false, DistributionMode.VOUCHER, 10, 100, DAY_MS));
        d.terminal(10, 1);
        for (long c = 101; c <= 104; c++)
        {
            d.consumer(c, 1);
            d.topUp(c, c, 100_000);
            assertEquals(ResultCode.OK, d.pay(1, 10, c, c, 10_000));
        }
        final long walletsBefore = d.wallet(101) + d.wallet(102) + d.wallet(103) + d.wallet(104);
        assertEquals(ResultCode.OK, d.distribute(1, 1, 2_000));   // room for 4 vouchers checked here
        assertEquals(ResultCode.OK, d.redeem(101, 1, 500));       // takes one of them
        for (int i = 0; i < 40 && d.engine.isDistributionRunning(); i++)
        {
            d.tick();
        }
        assertFalse(d.engine.isDistributionRunning());
        d.engine.verifyInvariants();
        assertEquals(4, d.engine.lastVoucherId(), "the redemption's voucher and three shares as vouchers");
        assertEquals(walletsBefore + 500, d.wallet(101) + d.wallet(102) + d.wallet(103) + d.wallet(104),
            "the share that found no slot went into its consumer's wallet");
        assertEquals(2_000, d.distribution(1, 1).paidFen());
        final EngineDriver replay = replayOf(d, EngineConfig.small().vouchersMax(4).distributionSliceEntries(1));
        assertEquals(d.engine.stateHash(), replay.engine.stateHash());
    }

    /** fuzz-review finding 3: "never expires" written as Long.MAX_VALUE. */
    @Test
    void aValidityPastTheEndOfTimeExpiresNeverWithSaturation()
    {
        final EngineDriver d = redeemingMerchant(Long.MAX_VALUE);
        assertEquals(ResultCode.OK, d.setting(EngineSetting.VOUCHER_EXPIRY_SATURATES, 1));
        assertEquals(ResultCode.OK, d.redeem(100, 1, 1));
        final long voucherId = d.voucherIdOfLastReply();
        d.advanceMs(1);
        d.tick();
        assertEquals(VoucherState.ISSUED, d.voucher(voucherId).state());
        assertEquals(Long.MAX_VALUE, d.voucher(voucherId).expiresAtMs());
        assertEquals(ResultCode.OK, d.payWithVoucher(1, 11, 9, 100, 1_000, voucherId));
        d.engine.verifyInvariants();
        assertEquals(d.engine.stateHash(), restored(d).engine.stateHash());
    }

    /** The default keeps the journaled decision of before the setting: the sum wraps, the voucher is born expired. */
    @Test
    void withoutSaturationTheExpiryWrapsAsItAlwaysDid()
    {
        final EngineDriver d = redeemingMerchant(Long.MAX_VALUE);
        final long stateHashAtDefault = d.engine.stateHashIgnoringSequence();
        assertEquals(ResultCode.OK, d.setting(EngineSetting.VOUCHER_EXPIRY_SATURATES, 0));
        assertEquals(stateHashAtDefault, d.engine.stateHashIgnoringSequence(), "a default hashes as before");
        assertEquals(ResultCode.OK, d.redeem(100, 1, 1));
        final long voucherId = d.voucherIdOfLastReply();
        assertTrue(d.voucher(voucherId).expiresAtMs() < 0);
        d.advanceMs(1);
        assertEquals(ResultCode.VOUCHER_EXPIRED, d.payWithVoucher(1, 11, 9, 100, 1_000, voucherId));
    }

    /** acct-review finding 7: voucher 1 pays p2, five more vouchers reuse its slot, then p2 is refunded in full. */
    @Test
    void aFullRefundReissuesTheVoucherWhoseSlotWasReused()
    {
        final EngineDriver d = slotReuseScenario(true);
        final long voucherOneExpiresAtMs = d.nowMs - 60_000 - 5 * 1_000 + DAY_MS;
        final long poolBefore = d.statement(1).poolFen();
        final long lastIdBefore = d.engine.lastVoucherId();
        assertEquals(ResultCode.OK, d.refund(1, 11, 2, 1, 3_000));
        assertEquals(lastIdBefore + 1, d.engine.lastVoucherId(), "a new voucher id");
        final long reissued = d.engine.lastVoucherId();
        assertEquals(500, d.voucher(reissued).valueFen());
        assertEquals(VoucherState.ISSUED, d.voucher(reissued).state());
        assertEquals(voucherOneExpiresAtMs, d.voucher(reissued).expiresAtMs(), "the old voucher's expiry");
        assertEquals(1, d.consumerStatement(100).vouchersActiveCount());
        assertEquals(poolBefore - 300, d.statement(1).poolFen(), "only the sale's pool part is reversed");
        d.engine.verifyInvariants();
        assertEquals(d.engine.stateHash(), restored(d).engine.stateHash());
        assertEquals(d.engine.stateHash(), replayOf(d, EngineConfig.small().vouchersMax(4)).engine.stateHash());
    }

    /** The default keeps the journaled decision of before the setting: the value goes to the pool as "expired". */
    @Test
    void withoutReissueTheRefundBooksTheVoucherToThePoolAsItAlwaysDid()
    {
        final EngineDriver d = slotReuseScenario(false);
        final long poolBefore = d.statement(1).poolFen();
        final long lastIdBefore = d.engine.lastVoucherId();
        assertEquals(ResultCode.OK, d.refund(1, 11, 2, 1, 3_000));
        assertEquals(lastIdBefore, d.engine.lastVoucherId());
        assertEquals(0, d.consumerStatement(100).vouchersActiveCount());
        assertEquals(poolBefore - 300 + 500, d.statement(1).poolFen());
        d.engine.verifyInvariants();
    }

    private static EngineDriver redeemingMerchant(final long validityMs)
    {
        final EngineDriver d = new EngineDriver(EngineConfig.small());
        d.merchant(1, 10, 1000, 0, 0, false);
        d.terminal(11, 1);
        d.consumer(100, 1);
        d.topUp(100, 1, 1_000_000);
        assertEquals(ResultCode.OK, d.pay(1, 11, 1, 100, 100_000));
        assertEquals(ResultCode.OK, d.rules(1, 10, 1000, 0, 0, false, DistributionMode.VOUCHER, 100, 500,
            validityMs));
        return d;
    }

    /** Keeps every journaled input with its time, for a replay. */
    private static final class Journal implements EngineDriver.Tap
    {
        final java.util.List<byte[]> inputs = new java.util.ArrayList<>();
        final java.util.List<Long> times = new java.util.ArrayList<>();

        @Override
        public void onInput(final long sequence, final long timestampMs, final org.agrona.DirectBuffer input,
            final int inputLength, final org.agrona.DirectBuffer reply, final int replyLength)
        {
            if (sequence > 0)
            {
                final byte[] bytes = new byte[inputLength];
                input.getBytes(0, bytes);
                inputs.add(bytes);
                times.add(timestampMs);
            }
        }
    }

    private static EngineDriver recorded(final EngineConfig config)
    {
        final EngineDriver d = new EngineDriver(config);
        d.tap = new Journal();
        return d;
    }

    private static EngineDriver slotReuseScenario(final boolean reissue)
    {
        final EngineDriver d = recorded(EngineConfig.small().vouchersMax(4));
        if (reissue)
        {
            assertEquals(ResultCode.OK, d.setting(EngineSetting.REFUND_REISSUES_VOUCHER, 1));
        }
        d.merchant(1, 10, 1000, 0, 0, false);
        assertEquals(ResultCode.OK, d.rules(1, 10, 1000, 0, 0, false, DistributionMode.VOUCHER, 100, 500, DAY_MS));
        d.terminal(11, 1);
        d.consumer(100, 1);
        d.topUp(100, 1, 1_000_000);
        assertEquals(ResultCode.OK, d.pay(1, 11, 1, 100, 100_000));
        assertEquals(ResultCode.OK, d.redeem(100, 1, 1));
        assertEquals(d.nowMs + DAY_MS, d.voucher(1).expiresAtMs());
        assertEquals(ResultCode.OK, d.payWithVoucher(1, 11, 2, 100, 3_000, 1));
        for (int i = 2; i <= 6; i++)
        {
            d.advanceMs(1_000);
            assertEquals(ResultCode.OK, d.redeem(100, 1, i));
            assertEquals(ResultCode.OK, d.payWithVoucher(1, 11, 100 + i, 100, 3_000, i));
        }
        assertEquals(ResultCode.VOUCHER_NOT_FOUND, d.voucher(1).code(), "voucher 1's slot was reused");
        d.advanceMs(60_000);
        return d;
    }

    private static EngineDriver restored(final EngineDriver d)
    {
        final MemorySnapshot snapshot = new MemorySnapshot();
        d.engine.writeSnapshot(snapshot);
        final EngineDriver restored = new EngineDriver(d.engine.config());
        restored.engine.readSnapshot(snapshot);
        return restored;
    }

    private static EngineDriver replayOf(final EngineDriver d, final EngineConfig config)
    {
        final Journal journal = (Journal)d.tap;
        final EngineDriver replay = new EngineDriver(config);
        for (int i = 0; i < journal.inputs.size(); i++)
        {
            replay.nowMs = journal.times.get(i);
            replay.command.putBytes(0, journal.inputs.get(i));
            replay.apply(journal.inputs.get(i).length);
        }
        return replay;
    }
}
