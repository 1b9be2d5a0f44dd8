package com.wodian.engine;

import com.wodian.protocol.sbe.EngineSetting;
import com.wodian.protocol.sbe.ResultCode;
import com.wodian.protocol.sbe.WithdrawSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Money that could never leave the books before schema 7 (acct-review findings 6, 8, 20): alliance earnings and the
 * platform's fee income paid out by Withdraw from their source, a refund after fees were paid out (a fee receivable,
 * never an engine failure), and a refund whose pool part was distributed or whose alliance share was paid out, refused
 * by default and taken from the selling merchant's settlement under REFUND_SHORTFALL_FROM_SETTLEMENT.
 */
class PayoutsAndRefundShortfallTest
{
    static final long M1 = 1;
    static final long M2 = 2;
    static final long T11 = 11;
    static final long C1 = 1001;
    static final long C2 = 1002;

    EngineDriver d;

    @BeforeEach
    void setUp()
    {
        d = new EngineDriver(EngineConfig.small());
        // M1 sells: pool 500 bps, alliance share 300 bps, fee 100 bps. C1's home is M2 (both members).
        assertEquals(ResultCode.OK, d.merchant(M1, 10, 500, 300, 100, true));
        assertEquals(ResultCode.OK, d.merchant(M2, 0, 0, 0, 0, true));
        assertEquals(ResultCode.OK, d.terminal(T11, M1));
        assertEquals(ResultCode.OK, d.consumer(C1, M2));
        assertEquals(ResultCode.OK, d.consumer(C2, 0));
        assertEquals(ResultCode.OK, d.topUp(C1, 1, 100_000));
        assertEquals(ResultCode.OK, d.topUp(C2, 2, 100_000));
        // 10,000 fen: pool 500, alliance 300 to M2, fee 100, settlement 9,100.
        assertEquals(ResultCode.OK, d.pay(M1, T11, 1, C1, 10_000));
    }

    @AfterEach
    void invariants()
    {
        d.engine.verifyInvariants();
    }

    @Test
    void allianceEarningsArePaidOutByAWithdrawFromThatSource()
    {
        assertEquals(300, d.statement(M2).allianceEarningsFen());
        assertEquals(ResultCode.INSUFFICIENT_SETTLEMENT, d.withdraw(M2, 1, 300), "the settlement balance is 0");
        assertEquals(ResultCode.INSUFFICIENT_ALLIANCE_EARNINGS,
            d.withdraw(M2, 2, 301, WithdrawSource.ALLIANCE_EARNINGS));
        assertEquals(ResultCode.OK, d.withdraw(M2, 3, 300, WithdrawSource.ALLIANCE_EARNINGS));
        assertEquals(ResultCode.OK, d.withdraw(M2, 3, 300, WithdrawSource.ALLIANCE_EARNINGS), "a repeat");
        assertEquals(0, d.statement(M2).allianceEarningsFen(), "paid once");
        assertEquals(0, d.statement(M2).withdrawnFen(), "withdrawnFen counts settlement payouts only");
        assertEquals(300, d.engine.totalWithdrawnFen());
        assertEquals(ResultCode.EXISTS_WITH_DIFFERENT_KIND, d.withdraw(M2, 3, 300, WithdrawSource.SETTLEMENT),
            "the same key from another source is another withdrawal");
        assertEquals(ResultCode.EXISTS_WITH_DIFFERENT_KIND, d.withdraw(M2, 1, 300, WithdrawSource.ALLIANCE_EARNINGS));
    }

    @Test
    void platformFeesArePaidOutByMerchantZero()
    {
        assertEquals(100, d.engine.platformFeesFen());
        assertEquals(ResultCode.INSUFFICIENT_PLATFORM_FEES, d.withdraw(0, 1, 101, WithdrawSource.PLATFORM_FEES));
        assertEquals(ResultCode.OK, d.withdraw(0, 2, 100, WithdrawSource.PLATFORM_FEES));
        assertEquals(0, d.engine.platformFeesFen());
        assertEquals(100, d.engine.totalWithdrawnFen());
        assertEquals(ResultCode.INVALID_ID, d.withdraw(M1, 3, 1, WithdrawSource.PLATFORM_FEES), "merchant 0 only");
        assertEquals(ResultCode.INVALID_ID, d.withdraw(0, 4, 1), "merchant 0 is the platform's only");
    }

    @Test
    void aRefundAfterTheFeesWerePaidOutLeavesAFeeReceivableInsteadOfStoppingTheEngine()
    {
        assertEquals(ResultCode.OK, d.withdraw(0, 1, 100, WithdrawSource.PLATFORM_FEES));
        assertEquals(ResultCode.OK, d.refund(M1, T11, 1, 100, 5_000));
        assertEquals(-50, d.engine.platformFeesFen(), "the platform owes back the fee of the refunded half");
        assertEquals(ResultCode.INSUFFICIENT_PLATFORM_FEES, d.withdraw(0, 2, 1, WithdrawSource.PLATFORM_FEES));
        assertEquals(ResultCode.OK, d.pay(M1, T11, 2, C2, 10_000));
        assertEquals(50, d.engine.platformFeesFen(), "later fees net the receivable");
    }

    @Test
    void aRefundAfterTheDistributionIsRefusedByDefaultAndTakenFromTheSettlementUnderTheSetting()
    {
        assertEquals(ResultCode.OK, d.distribute(M1, 1, 0));
        for (int i = 0; i < 4; i++)
        {
            d.tick();
        }
        assertEquals(0, d.statement(M1).poolFen());
        assertEquals(ResultCode.INSUFFICIENT_POOL, d.refund(M1, T11, 1, 100, 2_000), "today's rule, the default");

        assertEquals(ResultCode.OK, d.setting(EngineSetting.REFUND_SHORTFALL_FROM_SETTLEMENT, 1));
        final long settlementBefore = d.statement(M1).settlementFen();
        final long walletBefore = d.wallet(C1);
        assertEquals(ResultCode.OK, d.refund(M1, T11, 1, 101, 2_000));
        // 2,000 of 10,000: pool 100 (all short), alliance 60, fee 20, settlement 1,820 + the pool's 100.
        // The settlement files' shortfall: what the ledger reverses (from the payment's record) less what moved.
        assertEquals(100, d.engine.refundedPoolPartFen(M1, 1, 0, 2_000));
        assertEquals(60, d.engine.refundedAlliancePartFen(M1, 1, 0, 2_000));
        assertEquals(settlementBefore - 1_820 - 100, d.statement(M1).settlementFen());
        assertEquals(0, d.statement(M1).poolFen(), "the pool is not driven negative");
        assertEquals(240, d.statement(M2).allianceEarningsFen());
        assertEquals(walletBefore + 2_000, d.wallet(C1));

        assertEquals(ResultCode.OK, d.pay(M1, T11, 2, C2, 1_000));   // pool 50
        assertEquals(ResultCode.OK, d.refund(M1, T11, 1, 102, 2_000));
        assertEquals(100, d.engine.refundedPoolPartFen(M1, 1, 2_000, 4_000));
        assertEquals(0, d.statement(M1).poolFen(), "the pool gave back its 50, the settlement the other 50");
    }

    @Test
    void anAllianceShareAlreadyPaidOutIsRefusedByDefaultAndTakenFromTheSellersSettlementUnderTheSetting()
    {
        assertEquals(ResultCode.OK, d.withdraw(M2, 1, 300, WithdrawSource.ALLIANCE_EARNINGS));
        assertEquals(ResultCode.INSUFFICIENT_ALLIANCE_EARNINGS, d.refund(M1, T11, 1, 100, 10_000));
        assertEquals(ResultCode.OK, d.setting(EngineSetting.REFUND_SHORTFALL_FROM_SETTLEMENT, 1));
        assertEquals(ResultCode.INSUFFICIENT_SETTLEMENT, d.refund(M1, T11, 1, 101, 10_000),
            "a full refund needs 9,100 + the alliance share's 300 from a settlement of 9,100");
        assertEquals(ResultCode.OK, d.refund(M1, T11, 1, 102, 5_000));
        // 5,000 of 10,000: pool 250, alliance 150 (all short), fee 50, settlement 4,550 + the alliance's 150.
        assertEquals(150, d.engine.refundedAlliancePartFen(M1, 1, 0, 5_000));
        assertEquals(250, d.engine.refundedPoolPartFen(M1, 1, 0, 5_000));
        assertEquals(0, d.engine.refundedPoolPartFen(M1, 99, 0, 5_000), "an unknown payment");
        assertEquals(9_100 - 4_700, d.statement(M1).settlementFen(), "the seller paid the share M2 took out");
        assertEquals(250, d.statement(M1).poolFen());
        assertEquals(0, d.statement(M2).allianceEarningsFen());
        assertEquals(95_000, d.wallet(C1));
    }

    @Test
    void theShortfallNeedsTheSettlementToo()
    {
        assertEquals(ResultCode.OK, d.distribute(M1, 1, 0));
        assertEquals(ResultCode.OK, d.setting(EngineSetting.REFUND_SHORTFALL_FROM_SETTLEMENT, 1));
        assertEquals(ResultCode.OK, d.withdraw(M1, 1, 9_100 - 8_000));
        // A full refund needs 9,100 from the settlement and 500 for the pool; 8,000 is left.
        assertEquals(ResultCode.INSUFFICIENT_SETTLEMENT, d.refund(M1, T11, 1, 100, 10_000));
        assertEquals(8_000, d.statement(M1).settlementFen(), "nothing moved");
    }

    @Test
    void aWithdrawOfVersionSixHasNoSourceAndPaysOutTheSettlement()
    {
        // The 24-byte block of schema 6: header (blockLength 24, template 5, schema 7701, version 6), then the body.
        final org.agrona.concurrent.UnsafeBuffer old = d.command;
        old.putShort(0, (short)24, java.nio.ByteOrder.LITTLE_ENDIAN);
        old.putShort(2, (short)com.wodian.protocol.sbe.WithdrawDecoder.TEMPLATE_ID, java.nio.ByteOrder.LITTLE_ENDIAN);
        old.putShort(4, (short)com.wodian.protocol.CommandCatalog.SCHEMA_ID, java.nio.ByteOrder.LITTLE_ENDIAN);
        old.putShort(6, (short)6, java.nio.ByteOrder.LITTLE_ENDIAN);
        old.putLong(8, M1, java.nio.ByteOrder.LITTLE_ENDIAN);
        old.putLong(16, 7, java.nio.ByteOrder.LITTLE_ENDIAN);
        old.putLong(24, 1_000, java.nio.ByteOrder.LITTLE_ENDIAN);
        assertEquals(ResultCode.OK, com.wodian.protocol.CommandCatalog.checkInbound(old, 0, 32), "the gateway takes it");
        assertEquals(ResultCode.OK, d.apply(32));
        assertEquals(9_100 - 1_000, d.statement(M1).settlementFen());
        assertEquals(1_000, d.statement(M1).withdrawnFen());
        assertEquals(ResultCode.OK, d.withdraw(M1, 7, 1_000, WithdrawSource.SETTLEMENT), "the same withdrawal");
        assertEquals(ResultCode.EXISTS_WITH_DIFFERENT_KIND, d.withdraw(M1, 7, 1_000, WithdrawSource.ALLIANCE_EARNINGS));
    }

    @Test
    void theSettingTakesZeroOrOneAndLeavesTheStateHashAloneAtItsDefault()
    {
        final long hash = d.engine.stateHashIgnoringSequence();
        assertEquals(ResultCode.SETTING_INVALID, d.setting(EngineSetting.REFUND_SHORTFALL_FROM_SETTLEMENT, 2));
        assertEquals(ResultCode.OK, d.setting(EngineSetting.REFUND_SHORTFALL_FROM_SETTLEMENT, 0));
        assertEquals(hash, d.engine.stateHashIgnoringSequence());
        assertEquals(ResultCode.OK, d.setting(EngineSetting.REFUND_SHORTFALL_FROM_SETTLEMENT, 1));
        assertNotEquals(hash, d.engine.stateHashIgnoringSequence());
    }
}
