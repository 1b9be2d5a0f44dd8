package com.wodian.engine;

import com.wodian.protocol.sbe.*;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Rewards (SPEC.md "Rewards"): points ledger, vouchers funded from the pool, pool distributions in slices.
 */
class RewardsScenarioTest
{
    static final long M1 = 1;
    static final long M2 = 2;
    static final long T11 = 11;
    static final long T21 = 21;
    static final long C1 = 1001;
    static final long C2 = 1002;
    static final long C3 = 1003;
    static final long DAY_MS = 24L * 3600 * 1000;

    EngineDriver d;

    @BeforeEach
    void setUp()
    {
        d = new EngineDriver(EngineConfig.small().distributionSliceEntries(2));
        assertEquals(ResultCode.OK, d.merchant(M1, 0, 0, 0, 0, true));
        assertEquals(ResultCode.OK, d.rules(M1, 10, 1_000, 0, 0, true, DistributionMode.VOUCHER, 500, 300, DAY_MS));
        assertEquals(ResultCode.OK, d.merchant(M2, 1, 1_000, 0, 0, true));
        assertEquals(ResultCode.OK, d.terminal(T11, M1));
        assertEquals(ResultCode.OK, d.terminal(T21, M2));
        for (final long c : new long[]{C1, C2, C3})
        {
            assertEquals(ResultCode.OK, d.consumer(c, 0));
            assertEquals(ResultCode.OK, d.topUp(c, c, 1_000_000));
        }
    }

    @AfterEach
    void invariants()
    {
        d.engine.verifyInvariants();
    }

    @Test
    void pointsAreALedgerOfEarnRedeemClawbackAndAdjust()
    {
        assertEquals(ResultCode.OK, d.pay(M1, T11, 1, C1, 10_000));               // +1000 points
        assertEquals(ResultCode.OK, d.redeem(C1, M1, 1));                        // -500, voucher of 3.00 CNY
        assertEquals(ResultCode.OK, d.refund(M1, T11, 1, 1, 5_000));             // -500 clawback
        assertEquals(ResultCode.OK, d.adjust(C1, 1, 42));
        assertEquals(ResultCode.OK, d.adjust(C1, 1, 42), "idempotent");
        assertEquals(ResultCode.EXISTS_WITH_DIFFERENT_AMOUNT, d.adjust(C1, 1, 43));
        final ConsumerStatementReplyDecoder statement = d.consumerStatement(C1);
        assertEquals(42, statement.points());
        assertEquals(1, statement.vouchersActiveCount());
        assertEquals(300, statement.vouchersActiveFen());
        final ConsumerStatementReplyDecoder.PointsEntriesDecoder entries = statement.pointsEntries();
        assertEquals(4, entries.count());
        final PointsEntryKind[] kinds = {PointsEntryKind.ADJUST, PointsEntryKind.CLAWBACK, PointsEntryKind.REDEEM,
            PointsEntryKind.EARN};
        final long[] deltas = {42, -500, -500, 1_000};
        final long[] balances = {42, 0, 500, 1_000};
        for (int i = 0; i < 4; i++)
        {
            entries.next();
            assertEquals(kinds[i], entries.kind(), "newest first");
            assertEquals(deltas[i], entries.deltaPoints());
            assertEquals(balances[i], entries.balanceAfter());
        }
    }

    @Test
    void consumerStatementShowsTheNewestSixteenEntries()
    {
        for (int i = 1; i <= 40; i++)
        {
            assertEquals(ResultCode.OK, d.adjust(C2, i, i));
        }
        final ConsumerStatementReplyDecoder statement = d.consumerStatement(C2);
        assertEquals(40 * 41 / 2, statement.points());
        final ConsumerStatementReplyDecoder.PointsEntriesDecoder entries = statement.pointsEntries();
        assertEquals(16, entries.count());
        for (int i = 40; i > 24; i--)
        {
            assertEquals(i, entries.next().deltaPoints(), "newest first");
        }
        assertTrue(d.replyLength <= com.wodian.protocol.CommandCatalog.MAX_REPLY_LENGTH);
    }

    @Test
    void clawbackMayGoNegativeAndThenRedemptionIsRefused()
    {
        assertEquals(ResultCode.OK, d.pay(M1, T11, 100, C2, 10_000), "funds the pool for the refund below");
        assertEquals(ResultCode.OK, d.pay(M1, T11, 1, C1, 10_000));
        assertEquals(ResultCode.OK, d.redeem(C1, M1, 1));
        assertEquals(ResultCode.OK, d.redeem(C1, M1, 2));
        assertEquals(0, d.points(C1));
        assertEquals(ResultCode.OK, d.refund(M1, T11, 1, 1, 10_000));
        assertEquals(-1_000, d.points(C1), "clawback debt");
        assertEquals(ResultCode.OK, d.adjust(C1, 1, 900));
        assertEquals(ResultCode.POINTS_IN_DEBT, d.redeem(C1, M1, 3));
        assertEquals(ResultCode.OK, d.adjust(C1, 2, 599));
        assertEquals(ResultCode.INSUFFICIENT_POINTS, d.redeem(C1, M1, 4), "499 points, 500 needed");
        assertEquals(ResultCode.OK, d.adjust(C1, 3, 1));
        assertEquals(ResultCode.OK, d.redeem(C1, M1, 5));
    }

    @Test
    void redemptionIsFundedFromThePoolAndRefusedWhenThePoolCannotCoverIt()
    {
        assertEquals(ResultCode.VOUCHER_RULE_NOT_SET, d.redeem(C1, M2, 1));
        assertEquals(ResultCode.INSUFFICIENT_POINTS, d.redeem(C1, M1, 2));
        assertEquals(ResultCode.OK, d.adjust(C1, 1, 5_000));
        assertEquals(ResultCode.INSUFFICIENT_POOL, d.redeem(C1, M1, 3), "pool is empty");
        assertEquals(ResultCode.OK, d.pay(M1, T11, 1, C2, 3_000));                // pool +300
        assertEquals(300, d.statement(M1).poolFen());
        assertEquals(ResultCode.OK, d.redeem(C1, M1, 4));
        final long first = d.voucherIdOfLastReply();
        assertEquals(1, first, "voucher ids are assigned in sequence");
        assertEquals(0, d.statement(M1).poolFen());
        assertEquals(300, d.statement(M1).vouchersOutstandingFen());
        assertEquals(ResultCode.OK, d.redeem(C1, M1, 4), "repeat returns the same voucher");
        assertEquals(first, d.voucherIdOfLastReply());
        assertEquals(ResultCode.EXISTS_WITH_DIFFERENT_MERCHANT, d.redeem(C1, M2, 4));
        assertEquals(4_500, d.points(C1));
        final VoucherStatusReplyDecoder status = d.voucher(first);
        assertEquals(VoucherState.ISSUED, status.state());
        assertEquals(C1, status.consumerId());
        assertEquals(M1, status.merchantId());
        assertEquals(300, status.valueFen());
        assertEquals(d.nowMs + DAY_MS, status.expiresAtMs());
    }

    private long issueVoucher(final long consumerId, final long redemptionId)
    {
        assertEquals(ResultCode.OK, d.pay(M1, T11, 9_000 + redemptionId, C3, 3_000));
        assertEquals(ResultCode.OK, d.adjust(consumerId, 100 + redemptionId, 500));
        assertEquals(ResultCode.OK, d.redeem(consumerId, M1, redemptionId));
        return d.voucherIdOfLastReply();
    }

    @Test
    void voucherIsReservedByTryRedeemedByConfirmAndPaysTheMerchantTheGrossAmount()
    {
        final long voucher = issueVoucher(C1, 1);
        final long settlementBefore = d.statement(M1).settlementFen();
        final long pointsBefore = d.points(C1);
        assertEquals(ResultCode.OK, d.tryWithVoucher(M1, T11, 1, C1, 1_000, 60_000, voucher));
        assertEquals(700, d.held(C1), "only the cash part is held");
        assertEquals(VoucherState.RESERVED, d.voucher(voucher).state());
        assertEquals(ResultCode.VOUCHER_RESERVED, d.payWithVoucher(M1, T11, 2, C1, 1_000, voucher));
        assertEquals(ResultCode.OK, d.confirm(M1, T11, 1));
        assertEquals(VoucherState.REDEEMED, d.voucher(voucher).state());
        assertEquals(70, d.points(C1) - pointsBefore, "points on the cash part: 7 yuan x 10");
        assertEquals(settlementBefore + 900, d.statement(M1).settlementFen(), "gross 1000 less 10% pool");
        assertEquals(0, d.statement(M1).vouchersOutstandingFen());
        assertEquals(300, d.statement(M1).vouchersRedeemedFen());
        assertEquals(ResultCode.VOUCHER_ALREADY_REDEEMED, d.payWithVoucher(M1, T11, 3, C1, 1_000, voucher));
    }

    @Test
    void voucherRefusalsHaveTheirOwnCodes()
    {
        final long voucher = issueVoucher(C1, 1);
        assertEquals(ResultCode.VOUCHER_NOT_FOUND, d.payWithVoucher(M1, T11, 1, C1, 1_000, 999));
        assertEquals(ResultCode.VOUCHER_NOT_YOURS, d.payWithVoucher(M1, T11, 2, C2, 1_000, voucher));
        assertEquals(ResultCode.VOUCHER_NOT_ACCEPTED_HERE, d.payWithVoucher(M2, T21, 3, C1, 1_000, voucher));
        assertEquals(ResultCode.VOUCHER_EXCEEDS_AMOUNT, d.payWithVoucher(M1, T11, 4, C1, 299, voucher));
        assertEquals(ResultCode.OK, d.payWithVoucher(M1, T11, 5, C1, 300, voucher), "a voucher may pay it all");
        assertEquals(ResultCode.EXISTS_WITH_DIFFERENT_VOUCHER, d.payWithVoucher(M1, T11, 5, C1, 300, 0));
        final long second = issueVoucher(C1, 2);
        d.advanceMs(DAY_MS);
        assertEquals(ResultCode.VOUCHER_EXPIRED, d.payWithVoucher(M1, T11, 6, C1, 1_000, second));
    }

    @Test
    void cancelAndHoldExpiryReleaseTheVoucher()
    {
        final long voucher = issueVoucher(C1, 1);
        assertEquals(ResultCode.OK, d.tryWithVoucher(M1, T11, 1, C1, 1_000, 60_000, voucher));
        assertEquals(ResultCode.OK, d.cancel(M1, T11, 1));
        assertEquals(VoucherState.ISSUED, d.voucher(voucher).state());
        assertEquals(ResultCode.OK, d.tryWithVoucher(M1, T11, 2, C1, 1_000, 60_000, voucher));
        d.advanceMs(60_000);
        d.tick();
        assertEquals(PaymentState.EXPIRED, d.status(M1, 2).state());
        assertEquals(VoucherState.ISSUED, d.voucher(voucher).state());
    }

    @Test
    void voucherExpiresAtItsValidityEndAndItsValueReturnsToThePool()
    {
        final long voucher = issueVoucher(C1, 1);
        final long pool = d.statement(M1).poolFen();
        d.advanceMs(DAY_MS - 1);
        d.tick();
        assertEquals(VoucherState.ISSUED, d.voucher(voucher).state());
        d.advanceMs(1);
        d.tick();
        assertEquals(VoucherState.EXPIRED, d.voucher(voucher).state());
        assertEquals(pool + 300, d.statement(M1).poolFen());
        assertEquals(300, d.statement(M1).vouchersExpiredFen());
        assertEquals(0, d.consumerStatement(C1).vouchersActiveFen());
    }

    @Test
    void fullRefundRestoresTheVoucherAndPartialRefundsStayInTheCashPart()
    {
        final long voucher = issueVoucher(C1, 1);
        final long wallet = d.wallet(C1);
        assertEquals(ResultCode.OK, d.payWithVoucher(M1, T11, 1, C1, 1_000, voucher));
        assertEquals(wallet - 700, d.wallet(C1));
        assertEquals(ResultCode.REFUND_SPLITS_VOUCHER, d.refund(M1, T11, 1, 1, 800));
        assertEquals(ResultCode.OK, d.refund(M1, T11, 1, 2, 700));
        assertEquals(wallet, d.wallet(C1), "cash part back");
        assertEquals(VoucherState.REDEEMED, d.voucher(voucher).state());
        assertEquals(ResultCode.OK, d.refund(M1, T11, 1, 3, 300));
        assertEquals(wallet, d.wallet(C1), "the voucher part is not cash");
        assertEquals(VoucherState.ISSUED, d.voucher(voucher).state(), "restored");
        assertEquals(300, d.consumerStatement(C1).vouchersActiveFen());
    }

    @Test
    void distributionIsProRataWithLargestRemainderAndTiesByConsumerId()
    {
        // Spend at M1: C1 1000, C2 1000, C3 1000 -> pool 300 (10%). Distribute 100: 33 each, 1 fen left over,
        // equal remainders: the tie goes to the smallest consumer id.
        assertEquals(ResultCode.OK, d.pay(M1, T11, 1, C3, 1_000));
        assertEquals(ResultCode.OK, d.pay(M1, T11, 2, C1, 1_000));
        assertEquals(ResultCode.OK, d.pay(M1, T11, 3, C2, 1_000));
        assertEquals(ResultCode.OK, d.distribute(M1, 1, 100));
        assertEquals(ResultCode.DISTRIBUTION_RUNNING, d.distribute(M1, 2, 100), "one at a time");
        for (int i = 0; i < 50 && d.distribution(M1, 1).state() == DistributionState.RUNNING; i++)
        {
            d.tick();
        }
        final DistributionStatusReplyDecoder status = d.distribution(M1, 1);
        assertEquals(DistributionState.DONE, status.state());
        assertEquals(100, status.paidFen());
        assertEquals(3, status.recipients());
        assertEquals(3_000, status.consumptionFen());
        assertEquals(34, d.consumerStatement(C1).vouchersActiveFen());
        assertEquals(33, d.consumerStatement(C2).vouchersActiveFen());
        assertEquals(33, d.consumerStatement(C3).vouchersActiveFen());
        assertEquals(200, d.statement(M1).poolFen());
        assertEquals(100, d.statement(M1).distributedFen());
        assertEquals(ResultCode.NOTHING_TO_DISTRIBUTE, d.distribute(M1, 3, 0), "no spend since the last one");
        assertEquals(ResultCode.OK, d.distribute(M1, 1, 100), "repeat of a finished distribution");
    }

    @Test
    void distributionRunsInSlicesWhilePaymentsGoOnAndLateSpendCountsNextTime()
    {
        assertEquals(ResultCode.OK, d.rules(M1, 10, 1_000, 0, 0, true, DistributionMode.WALLET_REBATE, 0, 0, 0));
        assertEquals(ResultCode.OK, d.pay(M1, T11, 1, C1, 1_000));
        assertEquals(ResultCode.OK, d.pay(M1, T11, 2, C2, 3_000));
        assertEquals(ResultCode.OK, d.refund(M1, T11, 2, 1, 1_000), "refunded spend is excluded");
        final long c1 = d.wallet(C1);
        final long c2 = d.wallet(C2);
        assertEquals(ResultCode.OK, d.distribute(M1, 1, 0));               // 0: the whole pool
        final long pool = d.distribution(M1, 1).amountFen();
        assertEquals(300, pool, "10% of 3000 confirmed, less 10% of the 1000 refunded");
        assertEquals(ResultCode.OK, d.pay(M1, T11, 3, C1, 5_000), "a payment while the distribution runs");
        while (d.distribution(M1, 1).state() == DistributionState.RUNNING)
        {
            d.tick();
        }
        // Basis: C1 1000, C2 2000 -> 100 and 200 as wallet rebates; the 5000 paid during the run is not in it.
        assertEquals(c1 - 5_000 + 100, d.wallet(C1));
        assertEquals(c2 + 200, d.wallet(C2));
        assertEquals(ResultCode.OK, d.distribute(M1, 2, 0));
        while (d.distribution(M1, 2).state() == DistributionState.RUNNING)
        {
            d.tick();
        }
        assertEquals(5_000, d.distribution(M1, 2).consumptionFen(), "only the spend after the first distribution");
        assertEquals(c1 - 5_000 + 100 + 500, d.wallet(C1));
    }

    @Test
    void distributionSharesAlwaysSumToTheAmount()
    {
        final EngineDriver big = new EngineDriver(EngineConfig.small().distributionSliceEntries(7));
        big.merchant(M1, 0, 1_000, 0, 0, false);
        big.terminal(T11, M1);
        final java.util.SplittableRandom random = new java.util.SplittableRandom(3);
        for (int c = 1; c <= 500; c++)
        {
            big.consumer(c, 0);
            big.topUp(c, c, 1_000_000);
            assertEquals(ResultCode.OK, big.pay(M1, T11, c, c, 1 + random.nextInt(100_000)));
        }
        final long pool = big.statement(M1).poolFen();
        assertEquals(ResultCode.OK, big.distribute(M1, 1, pool - 7));
        while (big.distribution(M1, 1).state() == DistributionState.RUNNING)
        {
            big.tick();
        }
        assertEquals(pool - 7, big.distribution(M1, 1).paidFen());
        assertEquals(7, big.statement(M1).poolFen());
        big.engine.verifyInvariants();
    }
}
