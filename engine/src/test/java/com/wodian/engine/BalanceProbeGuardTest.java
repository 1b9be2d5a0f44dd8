package com.wodian.engine;

import com.wodian.protocol.sbe.EngineSetting;
import com.wodian.protocol.sbe.ResultCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The balance-probing limit (engine setting BALANCE_PROBE_LIMIT, security review A2): the reviewer's binary search
 * (Try then Cancel, or Pay then Refund, on the amount) finds a consumer's exact balance with the limit off and is
 * stopped with it on, while a till's retries of a refused payment and a family paying in a row pass.
 */
class BalanceProbeGuardTest
{
    private static final long M1 = 1;
    private static final long M2 = 2;
    private static final long T11 = 11;
    private static final long T12 = 12;
    private static final long T21 = 21;
    private static final long C1 = 1001;
    private static final long C2 = 1002;
    private static final long BALANCE_FEN = 123_457;
    /** The baseline's limit (RiskBaseline). */
    private static final long LIMIT = 6;
    private static final long TTL_MS = 60_000;
    private static final long HOUR_MS = 3_600_000;

    private EngineDriver d;
    private long paymentId;
    private long refundId;
    private int probesAnswered;

    @BeforeEach
    void setUp()
    {
        d = new EngineDriver(EngineConfig.small());
        assertEquals(ResultCode.OK, d.merchant(M1, 10, 500, 0, 100, false));
        assertEquals(ResultCode.OK, d.merchant(M2, 10, 500, 0, 100, false));
        assertEquals(ResultCode.OK, d.terminal(T11, M1));
        assertEquals(ResultCode.OK, d.terminal(T12, M1));
        assertEquals(ResultCode.OK, d.terminal(T21, M2));
        assertEquals(ResultCode.OK, d.consumer(C1, 0));
        assertEquals(ResultCode.OK, d.consumer(C2, 0));
        assertEquals(ResultCode.OK, d.topUp(C1, 1, BALANCE_FEN));
        assertEquals(ResultCode.OK, d.topUp(C2, 2, BALANCE_FEN));
    }

    @AfterEach
    void invariants()
    {
        d.engine.verifyInvariants();
    }

    /**
     * The reviewer's probe: "can the consumer pay mid?" answered by a Try that is cancelled at once (or a Pay that is
     * refunded), halving [lo, hi) until one fen is left; the balance found, or -1 when an answer was neither an
     * approval nor INSUFFICIENT_FUNDS.
     */
    private long binarySearch(final long merchantId, final long terminalId, final long consumerId,
        final boolean payAndRefund)
    {
        long lo = 0;
        long hi = 1_000_001;
        while (hi - lo > 1)
        {
            final long mid = (lo + hi) >>> 1;
            final long id = ++paymentId;
            final ResultCode code = payAndRefund ? d.pay(merchantId, terminalId, id, consumerId, mid) :
                d.tryPay(merchantId, terminalId, id, consumerId, mid, TTL_MS);
            d.advanceMs(1_000);
            if (code == ResultCode.OK)
            {
                assertEquals(ResultCode.OK, payAndRefund ? d.refund(merchantId, terminalId, id, ++refundId, mid) :
                    d.cancel(merchantId, terminalId, id));
                lo = mid;
            }
            else if (code == ResultCode.INSUFFICIENT_FUNDS)
            {
                hi = mid;
            }
            else
            {
                assertEquals(ResultCode.RISK_BALANCE_PROBING, code);
                return -1;
            }
            probesAnswered++;
        }
        return lo;
    }

    @Test
    void withTheLimitOffTheSearchFindsTheExactBalance()
    {
        assertEquals(BALANCE_FEN, binarySearch(M1, T11, C1, false));
        assertEquals(BALANCE_FEN, binarySearch(M1, T11, C2, true));
        assertEquals(BALANCE_FEN, d.wallet(C1), "no money moved");
    }

    /** Fails without the guard: the search finds 123457. */
    @Test
    void withTheLimitOnTheTryCancelSearchStopsAfterTheLimit()
    {
        assertEquals(ResultCode.OK, d.setting(EngineSetting.BALANCE_PROBE_LIMIT, LIMIT));
        assertEquals(-1, binarySearch(M1, T11, C1, false));
        assertEquals(LIMIT, probesAnswered, "answers before the refusal");
        // Another terminal of the same merchant shares the count; another merchant, or another consumer, does not.
        assertEquals(ResultCode.RISK_BALANCE_PROBING, d.tryPay(M1, T12, ++paymentId, C1, 100, TTL_MS));
        assertEquals(ResultCode.OK, d.pay(M2, T21, ++paymentId, C1, 100));
        assertEquals(ResultCode.OK, d.pay(M1, T11, ++paymentId, C2, 100));
        // A repeat of a refused command gets its first reply; the window ends 24 h after the pair's first probe.
        assertEquals(ResultCode.RISK_BALANCE_PROBING, d.tryPay(M1, T12, paymentId - 2, C1, 100, TTL_MS));
        d.advanceMs(BalanceProbeGuard.WINDOW_MS);
        assertEquals(ResultCode.OK, d.pay(M1, T11, ++paymentId, C1, 100));
    }

    @Test
    void withTheLimitOnThePayRefundSearchStopsToo()
    {
        assertEquals(ResultCode.OK, d.setting(EngineSetting.BALANCE_PROBE_LIMIT, LIMIT));
        final long found = binarySearch(M1, T11, C1, true);
        assertNotEquals(BALANCE_FEN, found);
        assertEquals(LIMIT, probesAnswered);
    }

    /** A till: a refused payment retried twice, then a smaller one; a family paying in a row; Try then Confirm. */
    @Test
    void aTillsRetriesAndAFamilyPayingInARowPass()
    {
        assertEquals(ResultCode.OK, d.setting(EngineSetting.BALANCE_PROBE_LIMIT, LIMIT));
        for (int retry = 0; retry < 3; retry++)
        {
            assertEquals(ResultCode.INSUFFICIENT_FUNDS, d.pay(M1, T11, ++paymentId, C1, 200_000), "retry " + retry);
            d.advanceMs(10_000);
        }
        assertEquals(ResultCode.OK, d.pay(M1, T11, ++paymentId, C1, 20_000));
        for (int member = 0; member < 10; member++)
        {
            assertEquals(ResultCode.OK, d.pay(M1, member % 2 == 0 ? T11 : T12, ++paymentId, C1, 1_000));
            d.advanceMs(5_000);
        }
        for (int sale = 0; sale < 10; sale++)
        {
            assertEquals(ResultCode.OK, d.tryPay(M1, T11, ++paymentId, C1, 2_000, TTL_MS));
            assertEquals(ResultCode.OK, d.confirm(M1, T11, paymentId));
        }
        // One cancelled Try (the customer changed their mind) and one refund: 5 probes of 6 in the window.
        assertEquals(ResultCode.OK, d.tryPay(M1, T11, ++paymentId, C1, 2_000, TTL_MS));
        assertEquals(ResultCode.OK, d.cancel(M1, T11, paymentId));
        assertEquals(ResultCode.OK, d.refund(M1, T11, paymentId - 1, ++refundId, 2_000));
        d.advanceMs(HOUR_MS);
        assertEquals(ResultCode.OK, d.pay(M1, T11, ++paymentId, C1, 1_000));
        assertEquals(BALANCE_FEN - 20_000 - 10_000 - 10 * 2_000 + 2_000 - 1_000, d.wallet(C1));
    }

    /**
     * Rev R13: with REFUND_REISSUES_VOUCHER on, a confirmed voucher Try keeps the voucher's expiry in the record's
     * expiry field; the Try's own time must still be what the take-back compares with the window (it was read after
     * the ledger had overwritten it: the sale cost a probe, and the next Pay was refused).
     */
    @Test
    void aConfirmedVoucherTryIsTakenBackWhenVouchersKeepTheirExpiry()
    {
        assertEquals(ResultCode.OK, d.setting(EngineSetting.REFUND_REISSUES_VOUCHER, 1));
        assertEquals(ResultCode.OK, d.rules(M1, 10, 500, 0, 100, false,
            com.wodian.protocol.sbe.DistributionMode.VOUCHER, 100, 500, HOUR_MS));
        assertEquals(ResultCode.OK, d.pay(M1, T11, ++paymentId, C1, 10_000));   // earns the points
        assertEquals(ResultCode.OK, d.redeem(C1, M1, 1));
        final long voucher = d.voucherIdOfLastReply();
        assertEquals(ResultCode.OK, d.setting(EngineSetting.BALANCE_PROBE_LIMIT, 1));
        d.advanceMs(50 * 60_000);
        assertEquals(ResultCode.OK, d.tryWithVoucher(M1, T11, ++paymentId, C1, 2_000, 30 * 60_000, voucher));
        assertEquals(ResultCode.OK, d.confirm(M1, T11, paymentId));
        assertEquals(ResultCode.OK, d.pay(M1, T11, ++paymentId, C1, 1_000), "the confirmed Try was no probe");
    }

    /**
     * A table of one set (4 slots): a merchant probing more consumers than the set holds inherits its own oldest
     * count, so rotating consumers gains nothing; without the inheritance each newcomer would start from zero.
     */
    @Test
    void probingOtherConsumersDoesNotFreeAMerchantsCount()
    {
        d = new EngineDriver(EngineConfig.small().riskPairsMax(4));
        assertEquals(ResultCode.OK, d.merchant(M1, 10, 500, 0, 100, false));
        assertEquals(ResultCode.OK, d.terminal(T11, M1));
        final int consumers = 6;
        for (int c = 0; c < consumers; c++)
        {
            assertEquals(ResultCode.OK, d.consumer(C1 + c, 0));
            assertEquals(ResultCode.OK, d.topUp(C1 + c, 10 + c, 1_000));
        }
        final long limit = 2;
        assertEquals(ResultCode.OK, d.setting(EngineSetting.BALANCE_PROBE_LIMIT, limit));
        int answered = 0;
        ResultCode last = null;
        for (int round = 0; round < 10; round++)
        {
            for (int c = 0; c < consumers; c++)
            {
                d.advanceMs(1_000);
                last = d.pay(M1, T11, ++paymentId, C1 + c, 5_000);
                answered += last == ResultCode.INSUFFICIENT_FUNDS ? 1 : 0;
                assertTrue(last == ResultCode.INSUFFICIENT_FUNDS || last == ResultCode.RISK_BALANCE_PROBING, "" + last);
            }
        }
        assertEquals(ResultCode.RISK_BALANCE_PROBING, last);
        assertTrue(answered <= 4 * limit, "answered " + answered + " of 60");
    }

    /** Rev R16: with --engine-tables reserve the engine allocates nothing while serving, the probe table's pages too. */
    @Test
    void reservedTablesAllocateEveryPageAtStart()
    {
        final BalanceProbeGuard grown = new BalanceProbeGuard(1 << 16, false);
        final BalanceProbeGuard reserved = new BalanceProbeGuard(1 << 16, true);
        assertEquals(0, grown.pagesAllocated());
        assertEquals(16, reserved.pagesAllocated(), "65,536 slots in pages of 4,096");
        grown.limit(1);
        grown.count(1, 2, 0);
        assertEquals(1, grown.pagesAllocated(), "grown: the page the pair reached");
    }

    @Test
    void theSettingIsRangeCheckedAndInTheHashAndTheSnapshot()
    {
        final long before = d.engine.stateHash();
        assertEquals(ResultCode.SETTING_INVALID, d.setting(EngineSetting.BALANCE_PROBE_LIMIT, -1));
        assertEquals(ResultCode.SETTING_INVALID, d.setting(EngineSetting.BALANCE_PROBE_LIMIT,
            BalanceProbeGuard.LIMIT_MAX + 1));
        assertEquals(ResultCode.OK, d.setting(EngineSetting.BALANCE_PROBE_LIMIT, LIMIT));
        assertEquals(-1, binarySearch(M1, T11, C1, false));
        assertNotEquals(before, d.engine.stateHash());
        final EngineDriver restored = d.restoredFromSnapshot(EngineConfig.small());
        assertEquals(d.engine.stateHash(), restored.engine.stateHash());
        assertEquals(ResultCode.RISK_BALANCE_PROBING, restored.tryPay(M1, T11, 999_999, C1, 100, TTL_MS),
            "the restored engine remembers the pair's probes");
    }
}
