package com.wodian.engine;

import com.wodian.protocol.sbe.PartyType;
import com.wodian.protocol.sbe.PaymentState;
import com.wodian.protocol.sbe.PaymentStatusReplyDecoder;
import com.wodian.protocol.sbe.ResultCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * One scenario per payment rule (SPEC.md "Payments"): Pay, TCC Try/Confirm/Cancel, expiry, idempotency and the
 * precise code of every refusal. Invariants are verified after every scenario.
 */
class PaymentScenarioTest
{
    static final long M1 = 1;
    static final long M2 = 2;
    static final long M3 = 3;
    static final long T11 = 11;
    static final long T12 = 12;
    static final long T21 = 21;
    static final long T31 = 31;
    static final long C1 = 1001;
    static final long C2 = 1002;
    static final long C3 = 1003;

    EngineDriver d;

    @BeforeEach
    void setUp()
    {
        d = new EngineDriver(EngineConfig.small().ttlMsMax(60_000));
        assertEquals(ResultCode.OK, d.merchant(M1, 10, 500, 200, 100, true));
        assertEquals(ResultCode.OK, d.merchant(M2, 5, 300, 100, 0, true));
        assertEquals(ResultCode.OK, d.merchant(M3, 1, 0, 0, 0, false));
        assertEquals(ResultCode.OK, d.terminal(T11, M1));
        assertEquals(ResultCode.OK, d.terminal(T12, M1));
        assertEquals(ResultCode.OK, d.terminal(T21, M2));
        assertEquals(ResultCode.OK, d.terminal(T31, M3));
        assertEquals(ResultCode.OK, d.consumer(C1, 0));
        assertEquals(ResultCode.OK, d.consumer(C2, M2));
        assertEquals(ResultCode.OK, d.consumer(C3, M3));
        assertEquals(ResultCode.OK, d.topUp(C1, 1, 100_000));
        assertEquals(ResultCode.OK, d.topUp(C2, 2, 100_000));
        assertEquals(ResultCode.OK, d.topUp(C3, 3, 100_000));
    }

    @AfterEach
    void invariants()
    {
        d.engine.verifyInvariants();
    }

    @Test
    void payMovesCashSplitsItAndEarnsPoints()
    {
        assertEquals(ResultCode.OK, d.pay(M1, T11, 1, C1, 10_000));
        assertEquals(1_000, d.pointsEarnedOfLastReply(), "10 points per yuan on 100 yuan");
        assertEquals(90_000, d.wallet(C1));
        assertEquals(1_000, d.points(C1));
        final var statement = d.statement(M1);
        assertEquals(500, statement.poolFen(), "5% pool");
        assertEquals(100, statement.feesFen(), "1% fee");
        assertEquals(0, statement.allianceEarningsFen());
        assertEquals(10_000 - 500 - 100, statement.settlementFen(), "no alliance share: C1 has no home merchant");
        assertEquals(1, statement.salesCount());
        assertEquals(100, d.engine.platformFeesFen());
    }

    @Test
    void allianceShareGoesToTheHomeMerchantWhenBothAreMembers()
    {
        assertEquals(ResultCode.OK, d.pay(M1, T11, 1, C2, 10_000));
        assertEquals(200, d.statement(M2).allianceEarningsFen(), "2% of M1's sale to C2's home merchant M2");
        assertEquals(10_000 - 500 - 200 - 100, d.statement(M1).settlementFen());

        assertEquals(ResultCode.OK, d.pay(M1, T11, 2, C3, 10_000));
        assertEquals(0, d.statement(M3).allianceEarningsFen(), "M3 is not an alliance member");

        assertEquals(ResultCode.OK, d.pay(M2, T21, 3, C2, 10_000));
        assertEquals(200, d.statement(M2).allianceEarningsFen(), "no share for paying at the home merchant itself");
    }

    @Test
    void pointsRoundTowardZero()
    {
        assertEquals(ResultCode.OK, d.pay(M1, T11, 1, C1, 199));
        assertEquals(19, d.pointsEarnedOfLastReply(), "1.99 yuan x 10 points = 19.9 -> 19");
    }

    @Test
    void tryHoldsAndConfirmSettles()
    {
        assertEquals(ResultCode.OK, d.tryPay(M1, T11, 7, C1, 3_000, 10_000));
        assertEquals(97_000, d.wallet(C1));
        assertEquals(3_000, d.held(C1));
        assertEquals(1, d.statement(M1).holdsLiveCount());
        assertEquals(PaymentState.HELD, d.status(M1, 7).state());

        assertEquals(ResultCode.OK, d.confirm(M1, T12, 7), "another terminal of the same merchant may confirm");
        assertEquals(300, d.pointsEarnedOfLastReply(), "30 yuan x 10");
        assertEquals(97_000, d.wallet(C1));
        assertEquals(0, d.held(C1));
        assertEquals(0, d.statement(M1).holdsLiveCount());
        assertEquals(PaymentState.CONFIRMED, d.status(M1, 7).state());
        assertEquals(ResultCode.OK, d.confirm(M1, T11, 7), "Confirm is idempotent");
        assertEquals(300, d.pointsEarnedOfLastReply());
        assertEquals(300, d.points(C1), "points earned once");
    }

    @Test
    void cancelReleasesTheHold()
    {
        assertEquals(ResultCode.OK, d.tryPay(M1, T11, 7, C1, 3_000, 10_000));
        assertEquals(ResultCode.OK, d.cancel(M1, T11, 7));
        assertEquals(100_000, d.wallet(C1));
        assertEquals(0, d.held(C1));
        assertEquals(1, d.statement(M1).holdsCancelledCount());
        assertEquals(ResultCode.OK, d.cancel(M1, T11, 7), "Cancel is idempotent");
        assertEquals(100_000, d.wallet(C1));
    }

    @Test
    void confirmAfterCancelAndCancelAfterConfirmHaveTheirOwnCodes()
    {
        assertEquals(ResultCode.OK, d.tryPay(M1, T11, 1, C1, 1_000, 10_000));
        assertEquals(ResultCode.OK, d.cancel(M1, T11, 1));
        assertEquals(ResultCode.ALREADY_CANCELLED, d.confirm(M1, T11, 1));

        assertEquals(ResultCode.OK, d.tryPay(M1, T11, 2, C1, 1_000, 10_000));
        assertEquals(ResultCode.OK, d.confirm(M1, T11, 2));
        assertEquals(ResultCode.ALREADY_CONFIRMED, d.cancel(M1, T11, 2));
        assertEquals(PaymentState.CONFIRMED, d.status(M1, 2).state());
    }

    @Test
    void cancelBeforeTryIsAnEmptyRollbackThatFencesTheLateTry()
    {
        assertEquals(ResultCode.OK_EMPTY_ROLLBACK, d.cancel(M1, T11, 9));
        assertEquals(PaymentState.CANCELLED_BEFORE_TRY, d.status(M1, 9).state());
        assertEquals(ResultCode.TRY_AFTER_CANCEL, d.tryPay(M1, T11, 9, C1, 1_000, 10_000));
        assertEquals(ResultCode.TRY_AFTER_CANCEL, d.pay(M1, T11, 9, C1, 1_000));
        assertEquals(100_000, d.wallet(C1), "no hanging hold");
        assertEquals(0, d.held(C1));
        assertEquals(ResultCode.OK_EMPTY_ROLLBACK, d.cancel(M1, T11, 9), "repeat of the empty rollback");
        assertEquals(ResultCode.ALREADY_CANCELLED, d.confirm(M1, T11, 9));
    }

    @Test
    void confirmBeforeTryIsNotFoundAndDoesNotFenceTheTry()
    {
        assertEquals(ResultCode.PAYMENT_NOT_FOUND, d.confirm(M1, T11, 5));
        assertEquals(ResultCode.OK, d.tryPay(M1, T11, 5, C1, 1_000, 10_000));
        assertEquals(ResultCode.OK, d.confirm(M1, T11, 5));
    }

    @Test
    void holdExpiresAtItsTtlByInputTimeAndFundsReturn()
    {
        assertEquals(ResultCode.OK, d.tryPay(M1, T11, 1, C1, 4_000, 5_000));
        d.advanceMs(4_999);
        assertEquals(ResultCode.OK, d.tick());
        assertEquals(PaymentState.HELD, d.status(M1, 1).state(), "1 ms before the ttl the hold lives");
        d.advanceMs(1);
        assertEquals(ResultCode.OK, d.tick());
        assertEquals(PaymentState.EXPIRED, d.status(M1, 1).state());
        assertEquals(100_000, d.wallet(C1));
        assertEquals(0, d.held(C1));
        final var statement = d.statement(M1);
        assertEquals(1, statement.holdsExpiredCount());
        assertEquals(4_000, statement.holdsExpiredFen());
        assertEquals(0, statement.holdsLiveCount());
        assertEquals(ResultCode.HOLD_EXPIRED, d.confirm(M1, T11, 1));
        assertEquals(ResultCode.HOLD_EXPIRED, d.cancel(M1, T11, 1));
    }

    @Test
    void confirmOfAHoldPastItsTtlExpiresItEvenBeforeTheSweep()
    {
        final EngineDriver lazy = new EngineDriver(EngineConfig.small().expiriesPerCommandMax(1));
        lazy.merchant(M1, 0, 0, 0, 0, false);
        lazy.terminal(T11, M1);
        lazy.consumer(C1, 0);
        lazy.topUp(C1, 1, 10_000);
        assertEquals(ResultCode.OK, lazy.tryPay(M1, T11, 1, C1, 100, 1_000));
        assertEquals(ResultCode.OK, lazy.tryPay(M1, T11, 2, C1, 100, 1_000));
        assertEquals(ResultCode.OK, lazy.tryPay(M1, T11, 3, C1, 100, 1_000));
        lazy.advanceMs(1_000);
        // The command's own sweep expires only one hold (the limit); Confirm of payment 3 must still see it expired.
        assertEquals(ResultCode.HOLD_EXPIRED, lazy.confirm(M1, T11, 3));
        assertEquals(10_000 - 100, lazy.wallet(C1), "payments 1 and 3 returned, 2 still awaits the sweep");
        lazy.tick();
        assertEquals(10_000, lazy.wallet(C1));
        lazy.engine.verifyInvariants();
    }

    @Test
    void repeatWithSameContentReturnsTheFirstResultUnchanged()
    {
        assertEquals(ResultCode.OK, d.tryPay(M1, T11, 1, C1, 1_000, 10_000));
        final byte[] first = d.replyBytes();
        assertEquals(ResultCode.OK, d.confirm(M1, T11, 1));
        final long hash = d.engine.stateHash();
        final long sequenceBefore = d.sequence;
        assertEquals(ResultCode.OK, d.tryPay(M1, T11, 1, C1, 1_000, 10_000));
        assertArrayEquals(first, d.replyBytes(), "the repeated Try gets the first Try's reply");
        assertEquals(99_000, d.wallet(C1), "nothing held twice");
        assertNotEquals(hash, d.engine.stateHash(), "the sequence advanced, so the hash moved");
        assertEquals(sequenceBefore + 1, d.engine.lastSequence());

        assertEquals(ResultCode.INSUFFICIENT_FUNDS, d.pay(M1, T11, 2, C1, 500_000));
        assertEquals(ResultCode.OK, d.topUp(C1, 77, 1_000_000));
        assertEquals(ResultCode.INSUFFICIENT_FUNDS, d.pay(M1, T11, 2, C1, 500_000),
            "a refusal is the key's decided outcome: the retry gets it again");
        assertEquals(PaymentState.REJECTED, d.status(M1, 2).state());
        assertEquals(ResultCode.NOT_TWO_PHASE, d.confirm(M1, T11, 2));

        assertEquals(ResultCode.CONSUMER_BLOCKED, blockedTry());
        assertEquals(ResultCode.PAYMENT_WAS_REJECTED, d.confirm(M1, T11, 3));
        assertEquals(ResultCode.PAYMENT_WAS_REJECTED, d.cancel(M1, T11, 3));
    }

    private ResultCode blockedTry()
    {
        d.block(PartyType.CONSUMER, C3, true);
        final ResultCode code = d.tryPay(M1, T11, 3, C3, 100, 1_000);
        d.block(PartyType.CONSUMER, C3, false);
        return code;
    }

    @Test
    void repeatWithDifferentContentIsRefusedPerField()
    {
        assertEquals(ResultCode.OK, d.tryPay(M1, T11, 1, C1, 1_000, 10_000));
        assertEquals(ResultCode.EXISTS_WITH_DIFFERENT_AMOUNT, d.tryPay(M1, T11, 1, C1, 1_001, 10_000));
        assertEquals(ResultCode.EXISTS_WITH_DIFFERENT_CONSUMER, d.tryPay(M1, T11, 1, C2, 1_000, 10_000));
        assertEquals(ResultCode.EXISTS_WITH_DIFFERENT_TERMINAL, d.tryPay(M1, T12, 1, C1, 1_000, 10_000));
        assertEquals(ResultCode.EXISTS_WITH_DIFFERENT_TTL, d.tryPay(M1, T11, 1, C1, 1_000, 20_000));
        assertEquals(ResultCode.EXISTS_WITH_DIFFERENT_KIND, d.pay(M1, T11, 1, C1, 1_000));
        assertEquals(99_000, d.wallet(C1));

        assertEquals(ResultCode.OK, d.pay(M1, T11, 2, C1, 1_000));
        assertEquals(ResultCode.NOT_TWO_PHASE, d.confirm(M1, T11, 2));
        assertEquals(ResultCode.NOT_TWO_PHASE, d.cancel(M1, T11, 2));
        assertEquals(ResultCode.OK, d.pay(M2, T21, 2, C1, 1_000), "keys are per merchant");
    }

    @Test
    void partiesAreCheckedWithPreciseCodes()
    {
        assertEquals(ResultCode.UNKNOWN_MERCHANT, d.pay(99, T11, 1, C1, 100));
        assertEquals(ResultCode.UNKNOWN_TERMINAL, d.pay(M1, 99, 1, C1, 100));
        assertEquals(ResultCode.TERMINAL_NOT_OF_MERCHANT, d.pay(M1, T21, 1, C1, 100));
        assertEquals(ResultCode.UNKNOWN_CONSUMER, d.pay(M1, T11, 1, 99, 100));
        assertEquals(ResultCode.INVALID_ID, d.pay(M1, T11, 0, C1, 100));
        assertEquals(ResultCode.INVALID_ID, d.pay(M1, T11, 1, -5, 100));
        assertEquals(ResultCode.AMOUNT_OUT_OF_RANGE, d.pay(M1, T11, 1, C1, 0));
        assertEquals(ResultCode.AMOUNT_OUT_OF_RANGE, d.pay(M1, T11, 1, C1, -1));
        assertEquals(ResultCode.AMOUNT_OUT_OF_RANGE, d.pay(M1, T11, 1, C1, 100_000_001L));
        assertEquals(ResultCode.TTL_OUT_OF_RANGE, d.tryPay(M1, T11, 1, C1, 100, 0));
        assertEquals(ResultCode.TTL_OUT_OF_RANGE, d.tryPay(M1, T11, 1, C1, 100, 60_001));
        assertEquals(ResultCode.INSUFFICIENT_FUNDS, d.pay(M1, T11, 1, C1, 100_001));
        assertEquals(ResultCode.UNKNOWN_CONSUMER, d.pay(M1, T11, 2, 99, 100));
        assertEquals(ResultCode.OK, d.consumer(99, 0));
        assertEquals(ResultCode.OK, d.topUp(99, 99, 1_000));
        assertEquals(ResultCode.OK, d.pay(M1, T11, 2, 99, 100), "an unknown consumer is not recorded: retry works");
        assertEquals(ResultCode.UNKNOWN_CONSUMER, d.pay(M1, T11, 2, 98, 100), "parties are checked before the key");
    }

    @Test
    void blockedPartiesAreRefused()
    {
        assertEquals(ResultCode.OK, d.block(PartyType.CONSUMER, C1, true));
        assertEquals(ResultCode.CONSUMER_BLOCKED, d.pay(M1, T11, 1, C1, 100));
        assertEquals(ResultCode.OK, d.block(PartyType.CONSUMER, C1, false));
        assertEquals(ResultCode.OK, d.pay(M1, T11, 2, C1, 100));

        assertEquals(ResultCode.OK, d.block(PartyType.TERMINAL, T11, true));
        assertEquals(ResultCode.TERMINAL_BLOCKED, d.tryPay(M1, T11, 3, C1, 100, 1_000));
        assertEquals(ResultCode.OK, d.tryPay(M1, T12, 4, C1, 100, 1_000), "other terminal unaffected");

        assertEquals(ResultCode.OK, d.block(PartyType.MERCHANT, M1, true));
        assertEquals(ResultCode.MERCHANT_BLOCKED, d.pay(M1, T12, 5, C1, 100));
        assertEquals(ResultCode.MERCHANT_BLOCKED, d.withdraw(M1, 1, 1));
        assertEquals(ResultCode.OK, d.confirm(M1, T12, 4), "a block stops new business, not settling a hold");

        assertEquals(ResultCode.UNKNOWN_CONSUMER, d.block(PartyType.CONSUMER, 4242, true));
        assertEquals(ResultCode.UNKNOWN_MERCHANT, d.block(PartyType.MERCHANT, 4242, true));
        assertEquals(ResultCode.UNKNOWN_TERMINAL, d.block(PartyType.TERMINAL, 4242, true));
    }

    @Test
    void statusQueryShowsTheRecord()
    {
        assertEquals(ResultCode.OK, d.tryPay(M1, T11, 1, C1, 1_234, 10_000));
        final PaymentStatusReplyDecoder status = d.status(M1, 1);
        assertEquals(ResultCode.OK, status.code());
        assertEquals(PaymentState.HELD, status.state());
        assertEquals(C1, status.consumerId());
        assertEquals(1_234, status.amountFen());
        assertEquals(d.nowMs + 10_000, status.expiresAtMs());
        assertEquals(ResultCode.PAYMENT_NOT_FOUND, d.status(M1, 2).code());
    }
}
