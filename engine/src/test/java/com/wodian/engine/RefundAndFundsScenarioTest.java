package com.wodian.engine;

import com.wodian.protocol.sbe.ResultCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Refunds (partial, full, many per payment, proportional reversal), top-ups and withdrawals, each keyed and
 * idempotent.
 */
class RefundAndFundsScenarioTest
{
    static final long M1 = 1;
    static final long M2 = 2;
    static final long T11 = 11;
    static final long T21 = 21;
    static final long C1 = 1001;
    static final long C2 = 1002;

    EngineDriver d;

    @BeforeEach
    void setUp()
    {
        d = new EngineDriver(EngineConfig.small());
        assertEquals(ResultCode.OK, d.merchant(M1, 10, 500, 300, 100, true));
        assertEquals(ResultCode.OK, d.merchant(M2, 0, 0, 0, 0, true));
        assertEquals(ResultCode.OK, d.terminal(T11, M1));
        assertEquals(ResultCode.OK, d.terminal(T21, M2));
        assertEquals(ResultCode.OK, d.consumer(C1, M2));
        assertEquals(ResultCode.OK, d.consumer(C2, 0));
        assertEquals(ResultCode.OK, d.topUp(C1, 1, 100_000));
        assertEquals(ResultCode.OK, d.topUp(C2, 2, 100_000));
    }

    @AfterEach
    void invariants()
    {
        d.engine.verifyInvariants();
    }

    @Test
    void partialRefundsReverseEveryPartInProportionAndAFullRefundReversesExactly()
    {
        assertEquals(ResultCode.OK, d.pay(M1, T11, 1, C1, 999));
        // 999 fen: pool 49, alliance 29, fee 9, settlement 912, points 99.
        assertEquals(49, d.statement(M1).poolFen());
        assertEquals(29, d.statement(M2).allianceEarningsFen());
        assertEquals(99, d.points(C1));

        assertEquals(ResultCode.OK, d.refund(M1, T11, 1, 100, 333));
        assertEquals(100_000 - 999 + 333, d.wallet(C1));
        assertEquals(49 - 49 * 333 / 999, d.statement(M1).poolFen());
        assertEquals(ResultCode.OK, d.refund(M1, T11, 1, 101, 333));
        assertEquals(ResultCode.OK, d.refund(M1, T11, 1, 102, 333));

        assertEquals(100_000, d.wallet(C1), "all cash back");
        assertEquals(0, d.statement(M1).poolFen());
        assertEquals(0, d.statement(M1).settlementFen());
        assertEquals(0, d.statement(M1).feesFen());
        assertEquals(0, d.statement(M2).allianceEarningsFen());
        assertEquals(0, d.points(C1));
        assertEquals(0, d.engine.platformFeesFen());
        assertEquals(3, d.statement(M1).refundsCount());
        assertEquals(999, d.statement(M1).refundsFen());
        assertEquals(999, d.status(M1, 1).refundedFen());
    }

    @Test
    void refundBeyondThePaidAmountIsRefused()
    {
        assertEquals(ResultCode.OK, d.pay(M1, T11, 1, C2, 1_000));
        assertEquals(ResultCode.OK, d.refund(M1, T11, 1, 100, 600));
        assertEquals(ResultCode.REFUND_EXCEEDS_PAID, d.refund(M1, T11, 1, 101, 401));
        assertEquals(ResultCode.OK, d.refund(M1, T11, 1, 102, 400));
        assertEquals(ResultCode.REFUND_EXCEEDS_PAID, d.refund(M1, T11, 1, 103, 1));
    }

    @Test
    void refundIsIdempotentByRefundId()
    {
        assertEquals(ResultCode.OK, d.pay(M1, T11, 1, C2, 1_000));
        assertEquals(ResultCode.OK, d.pay(M1, T11, 2, C2, 1_000));
        assertEquals(ResultCode.OK, d.refund(M1, T11, 1, 100, 600));
        final byte[] first = d.replyBytes();
        assertEquals(ResultCode.OK, d.refund(M1, T11, 1, 100, 600));
        assertArrayEquals(first, d.replyBytes());
        assertEquals(600, d.status(M1, 1).refundedFen(), "refunded once");
        assertEquals(ResultCode.EXISTS_WITH_DIFFERENT_AMOUNT, d.refund(M1, T11, 1, 100, 601));
        assertEquals(ResultCode.EXISTS_WITH_DIFFERENT_PAYMENT, d.refund(M1, T11, 2, 100, 600));
    }

    @Test
    void refundNeedsAConfirmedPayment()
    {
        assertEquals(ResultCode.PAYMENT_NOT_FOUND, d.refund(M1, T11, 9, 100, 1));
        assertEquals(ResultCode.OK, d.tryPay(M1, T11, 1, C2, 1_000, 10_000));
        assertEquals(ResultCode.PAYMENT_NOT_CONFIRMED, d.refund(M1, T11, 1, 101, 1));
        assertEquals(ResultCode.OK, d.confirm(M1, T11, 1));
        assertEquals(ResultCode.OK, d.refund(M1, T11, 1, 102, 1));
        assertEquals(ResultCode.TERMINAL_NOT_OF_MERCHANT, d.refund(M1, T21, 1, 103, 1));
    }

    @Test
    void refundAfterTheMerchantWithdrewItsProceedsIsRefused()
    {
        assertEquals(ResultCode.OK, d.pay(M1, T11, 1, C2, 10_000));
        final long settlement = d.statement(M1).settlementFen();
        assertEquals(ResultCode.OK, d.withdraw(M1, 1, settlement));
        assertEquals(ResultCode.INSUFFICIENT_SETTLEMENT, d.refund(M1, T11, 1, 100, 10_000));
        assertEquals(90_000, d.wallet(C2));
    }

    @Test
    void topUpIsIdempotentByExternalReference()
    {
        assertEquals(ResultCode.OK, d.topUp(C1, 500, 1_000));
        assertEquals(ResultCode.OK, d.topUp(C1, 500, 1_000));
        assertEquals(101_000, d.wallet(C1), "credited once");
        assertEquals(ResultCode.EXISTS_WITH_DIFFERENT_AMOUNT, d.topUp(C1, 500, 2_000));
        assertEquals(ResultCode.EXISTS_WITH_DIFFERENT_CONSUMER, d.topUp(C2, 500, 1_000));
        assertEquals(ResultCode.UNKNOWN_CONSUMER, d.topUp(77, 501, 1_000));
        assertEquals(ResultCode.AMOUNT_OUT_OF_RANGE, d.topUp(C1, 502, 0));
        assertEquals(ResultCode.INVALID_ID, d.topUp(C1, 0, 10));
        assertEquals(201_000, d.engine.totalTopUpsFen());
    }

    @Test
    void walletLimitIsEnforced()
    {
        final EngineDriver limited = new EngineDriver(EngineConfig.small().walletFenMax(150_000));
        limited.consumer(C1, 0);
        assertEquals(ResultCode.OK, limited.topUp(C1, 1, 100_000));
        assertEquals(ResultCode.BALANCE_LIMIT_EXCEEDED, limited.topUp(C1, 2, 50_001));
        assertEquals(ResultCode.OK, limited.topUp(C1, 3, 50_000));
        limited.engine.verifyInvariants();
    }

    @Test
    void withdrawalPaysOutSettlementOnceAndNeverMore()
    {
        assertEquals(ResultCode.OK, d.pay(M1, T11, 1, C2, 10_000));
        final long settlement = d.statement(M1).settlementFen();
        assertEquals(ResultCode.INSUFFICIENT_SETTLEMENT, d.withdraw(M1, 1, settlement + 1));
        assertEquals(ResultCode.INSUFFICIENT_SETTLEMENT, d.withdraw(M1, 1, settlement + 1), "decided outcome kept");
        assertEquals(ResultCode.OK, d.withdraw(M1, 2, settlement));
        assertEquals(ResultCode.OK, d.withdraw(M1, 2, settlement));
        assertEquals(0, d.statement(M1).settlementFen());
        assertEquals(settlement, d.statement(M1).withdrawnFen());
        assertEquals(settlement, d.engine.totalWithdrawnFen());
        assertEquals(ResultCode.EXISTS_WITH_DIFFERENT_AMOUNT, d.withdraw(M1, 2, 1));
        assertEquals(ResultCode.UNKNOWN_MERCHANT, d.withdraw(99, 3, 1));
    }
}
