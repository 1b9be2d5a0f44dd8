package com.wodian.engine;

import com.wodian.engine.RecordFields.Payment;
import com.wodian.engine.RecordFields.Refund;
import com.wodian.engine.table.ConsumerBook;
import com.wodian.engine.table.SnapshotReader;
import com.wodian.engine.table.SnapshotWriter;
import com.wodian.engine.table.StateHash;
import com.wodian.protocol.sbe.PaymentState;
import com.wodian.protocol.sbe.PointsEntryKind;
import com.wodian.protocol.sbe.ResultCode;
import com.wodian.protocol.sbe.VoucherState;

/**
 * The only writer of money. Every balance (wallets, holds, settlement, pools, alliance earnings, vouchers, points)
 * and every platform total changes here, through a named movement: {@link #hold}, {@link #payNow},
 * {@link #confirmHold}, {@link #cancelHold}, {@link #expireHold}, {@link #refund}, {@link #topUp}, {@link #withdraw},
 * {@link #withdrawAllianceEarnings}, {@link #payOutPlatformFees},
 * {@link #issueVoucherForPoints}, {@link #redeemVoucher}, {@link #expireVoucher}, {@link #startDistribution},
 * {@link #payDistributionShare} and {@link #changePoints}. Each movement conserves money (what leaves one balance
 * arrives in another, or is a top-up or a withdrawal), which {@link #verifyInvariants} checks over the whole state.
 *
 * <p>The rules decide; the ledger moves. A movement that can be refused for lack of funds ({@link #refund},
 * {@link #topUp} and the withdrawals) checks everything first and changes nothing when it refuses.
 *
 * <p>The compiler keeps it the only writer: every money-writing method of the books takes a capability that only the
 * ledger holds, this class's {@link Key} (the merchant, voucher, points and consumption books) and the consumer book's
 * {@link ConsumerBook.MoneyKey}, which that book hands out once, to this constructor. The books' generic row writers
 * are protected (docs/engine.md, "One owner per concern" and "Architecture rules under test").
 */
final class Ledger
{
    /**
     * The capability a book's money writer asks for: only this class can make one (a private constructor), and it
     * makes one, {@link #KEY}. A book refuses a {@code null} key; the check costs nothing once the JIT inlines the
     * writer into the ledger, where the key is a constant.
     */
    static final class Key
    {
        private Key()
        {
        }

        /** Throws unless {@code key} is the ledger's (the only other value a caller could pass is {@code null}). */
        static void check(final Key key)
        {
            if (key == null)
            {
                throw new IllegalStateException("a money write without the Ledger's key");
            }
        }
    }

    private static final Key KEY = new Key();
    private static final long BPS = 10_000;
    private static final long FEN_PER_YUAN = 100;

    private final EngineConfig config;
    private final CommandContext context;
    private final ConsumerBook consumers;
    private final ConsumerBook.MoneyKey consumerKey;
    private final MerchantBook merchants;
    private final RecordTable records;
    private final ExpiryQueue holds;
    private final VoucherBook vouchers;
    private final ConsumptionBook consumption;
    private final PointsLedger pointsLedger;
    private final EngineSettings settings;

    private long totalTopUpsFen;
    private long totalWithdrawnFen;
    private long platformFeesFen;
    private long totalHeldFen;

    Ledger(final EngineConfig config, final CommandContext context, final EngineBooks books,
        final EngineSettings settings)
    {
        this.config = config;
        this.settings = settings;
        this.context = context;
        this.consumers = books.consumers;
        this.consumerKey = books.consumers.takeMoneyKey();
        this.merchants = books.merchants;
        this.records = books.records;
        this.holds = books.holds;
        this.vouchers = books.vouchers;
        this.consumption = books.consumption;
        this.pointsLedger = books.pointsLedger;
    }

    // ------------------------------------------------------------------------------------------------ payments

    /**
     * Try: the cash part of a payment moves from the wallet to the consumer's held balance and the voucher, if any,
     * is reserved. The record's expiry must be set: it orders the hold in the expiry queue.
     */
    void hold(final int record, final int consumerIndex, final int merchantIndex, final long cashFen,
        final int voucherSlot)
    {
        consumers.add(consumerKey, consumerIndex, ConsumerBook.WALLET_FEN, -cashFen);
        if (voucherSlot >= 0)
        {
            vouchers.reserve(KEY, voucherSlot);
        }
        consumers.add(consumerKey, consumerIndex, ConsumerBook.HELD_FEN, cashFen);
        totalHeldFen += cashFen;
        merchants.add(KEY, merchantIndex, MerchantBook.HOLDS_LIVE_COUNT, 1);
        merchants.add(KEY, merchantIndex, MerchantBook.HOLDS_LIVE_FEN, cashFen);
        holds.add(record);
    }

    /**
     * Pay: the cash part leaves the wallet, the voucher is redeemed, and the sale is settled. The parties and amounts
     * are the record's, as the caller just wrote them (cash: the amount less the record's voucher part).
     */
    void payNow(final int record, final int consumerIndex, final int merchantIndex, final long amountFen,
        final long cashFen, final int voucherSlot)
    {
        consumers.add(consumerKey, consumerIndex, ConsumerBook.WALLET_FEN, -cashFen);
        if (voucherSlot >= 0)
        {
            redeemPaymentVoucher(record, voucherSlot);
        }
        settle(record, merchantIndex, consumerIndex, amountFen, cashFen);
    }

    /**
     * Confirm of a live hold: the held cash and the reserved voucher pay the sale. The hold's parties and amounts are
     * read from its record once, for the release and the sale alike.
     */
    void confirmHold(final int record)
    {
        final int consumerIndex = (int)records.get(record, Payment.CONSUMER_INDEX);
        final int merchantIndex = (int)records.get(record, Payment.MERCHANT_INDEX);
        final long amountFen = records.get(record, Payment.AMOUNT_FEN);
        final long cashFen = amountFen - records.get(record, Payment.VOUCHER_FEN);
        releaseHold(record, consumerIndex, merchantIndex, cashFen);
        final long voucherId = records.get(record, Payment.VOUCHER_ID);
        if (voucherId > 0)
        {
            redeemPaymentVoucher(record, vouchers.slotOf(voucherId));
        }
        settle(record, merchantIndex, consumerIndex, amountFen, cashFen);
    }

    /**
     * The voucher pays its part of the sale. With REFUND_REISSUES_VOUCHER the payment keeps the voucher's expiry: its
     * slot may be reused before a refund wants the voucher back (acct-review finding 7).
     */
    private void redeemPaymentVoucher(final int record, final int slot)
    {
        if (settings.refundReissuesVoucher())
        {
            records.keepVoucherExpiry(record, vouchers.get(slot, VoucherBook.EXPIRES_AT_MS));
        }
        redeemVoucher(slot);
    }

    /** Cancel of a live hold: cash back to the wallet, voucher back to the consumer. */
    void cancelHold(final int record)
    {
        endHoldWithoutSale(record, PaymentState.CANCELLED);
    }

    /** A hold whose ttl passed: as a cancel, counted as expired. */
    void expireHold(final int record)
    {
        endHoldWithoutSale(record, PaymentState.EXPIRED);
    }

    /**
     * A live hold ends without a sale ({@code end}: cancelled or expired): its cash back to the wallet, its voucher
     * back to the consumer, counted at the merchant as the end it had. The hold's parties and cash are read from its
     * record once.
     */
    private void endHoldWithoutSale(final int record, final PaymentState end)
    {
        final int consumerIndex = (int)records.get(record, Payment.CONSUMER_INDEX);
        final int merchantIndex = (int)records.get(record, Payment.MERCHANT_INDEX);
        final long cashFen = cashOf(record);
        releaseHold(record, consumerIndex, merchantIndex, cashFen);
        returnHoldToWallet(record, consumerIndex, cashFen);
        if (end == PaymentState.EXPIRED)
        {
            merchants.add(KEY, merchantIndex, MerchantBook.HOLDS_EXPIRED_COUNT, 1);
            merchants.add(KEY, merchantIndex, MerchantBook.HOLDS_EXPIRED_FEN, cashFen);
        }
        else
        {
            merchants.add(KEY, merchantIndex, MerchantBook.HOLDS_CANCELLED_COUNT, 1);
        }
        records.setState(record, end.value());
        records.finish(record, context.nowMs);
    }

    /**
     * Pays a sale of gross A to the merchant (cash already taken from the wallet or the hold): pool, alliance share
     * and platform fee are cut from A, each rounded toward zero; the rest is the merchant's settlement. The record's
     * parties, amount and cash part (A less its voucher part) come from the caller, which has them at hand.
     */
    private void settle(final int record, final int merchantIndex, final int consumerIndex, final long amountFen,
        final long cashFen)
    {
        final long poolFen = amountFen * merchants.get(merchantIndex, MerchantBook.POOL_RATE_BPS) / BPS;
        final long feeFen = amountFen * merchants.get(merchantIndex, MerchantBook.PLATFORM_FEE_BPS) / BPS;
        final long allianceFen = payAllianceShare(record, merchantIndex, consumerIndex, amountFen);
        final long points = cashFen * merchants.get(merchantIndex, MerchantBook.POINTS_PER_YUAN) / FEN_PER_YUAN;

        merchants.add(KEY, merchantIndex, MerchantBook.SETTLEMENT_FEN, amountFen - poolFen - allianceFen - feeFen);
        merchants.add(KEY, merchantIndex, MerchantBook.POOL_FEN, poolFen);
        merchants.add(KEY, merchantIndex, MerchantBook.FEES_FEN, feeFen);
        merchants.add(KEY, merchantIndex, MerchantBook.SALES_COUNT, 1);
        merchants.add(KEY, merchantIndex, MerchantBook.SALES_FEN, amountFen);
        platformFeesFen += feeFen;
        consumers.add(consumerKey, consumerIndex, ConsumerBook.CONSUMPTION_FEN, amountFen);
        if (points != 0)
        {
            changePoints(consumerIndex, PointsEntryKind.EARN, points, merchants.get(merchantIndex, MerchantBook.ID),
                records.get(record, Payment.PAYMENT_ID));
        }
        final long applied = consumption.add(KEY, consumerIndex, merchantIndex, amountFen,
            merchants.get(merchantIndex, MerchantBook.DISTRIBUTION_EPOCH));
        if (applied == Long.MIN_VALUE)
        {
            throw new IllegalStateException("consumption pair refused after the limit was checked");
        }
        merchants.add(KEY, merchantIndex, MerchantBook.CONSUMPTION_OPEN_FEN, applied);

        records.set(record, Payment.POOL_FEN, poolFen);
        records.set(record, Payment.ALLIANCE_FEN, allianceFen);
        records.set(record, Payment.FEE_FEN, feeFen);
        records.set(record, Payment.POINTS_EARNED, points);
        records.setState(record, PaymentState.CONFIRMED.value());
        records.finish(record, context.nowMs);
    }

    /** The alliance share of a sale to a consumer of another alliance member, paid to that home merchant. */
    private long payAllianceShare(final int record, final int merchantIndex, final int consumerIndex,
        final long amountFen)
    {
        final int homeIndex = consumers.homeMerchantIndex(consumerIndex);
        if (homeIndex < 0 || homeIndex == merchantIndex ||
            !merchants.hasFlag(merchantIndex, MerchantBook.FLAG_ALLIANCE_MEMBER) ||
            !merchants.hasFlag(homeIndex, MerchantBook.FLAG_ALLIANCE_MEMBER))
        {
            return 0;
        }
        final long allianceFen = amountFen * merchants.get(merchantIndex, MerchantBook.ALLIANCE_SHARE_BPS) / BPS;
        merchants.add(KEY, homeIndex, MerchantBook.ALLIANCE_EARNINGS_FEN, allianceFen);
        records.set(record, Payment.ALLIANCE_MERCHANT_INDEX, homeIndex);
        return allianceFen;
    }

    /**
     * Moves a live hold's cash ({@code cashFen}, its amount less its voucher part) out of the held balance, leaving
     * the record to the caller, which read the hold's parties and cash from it.
     */
    private void releaseHold(final int record, final int consumerIndex, final int merchantIndex, final long cashFen)
    {
        holds.remove(record);
        consumers.add(consumerKey, consumerIndex, ConsumerBook.HELD_FEN, -cashFen);
        totalHeldFen -= cashFen;
        merchants.add(KEY, merchantIndex, MerchantBook.HOLDS_LIVE_COUNT, -1);
        merchants.add(KEY, merchantIndex, MerchantBook.HOLDS_LIVE_FEN, -cashFen);
    }

    private long cashOf(final int record)
    {
        return records.get(record, Payment.AMOUNT_FEN) - records.get(record, Payment.VOUCHER_FEN);
    }

    /** Cash back to the wallet and the voucher, if any, back to the consumer (or expired, if its time passed). */
    private void returnHoldToWallet(final int record, final int consumerIndex, final long cashFen)
    {
        consumers.add(consumerKey, consumerIndex, ConsumerBook.WALLET_FEN, cashFen);
        final long voucherId = records.get(record, Payment.VOUCHER_ID);
        if (voucherId > 0)
        {
            final int slot = vouchers.slotOf(voucherId);
            vouchers.unreserve(KEY, slot);
            if (vouchers.get(slot, VoucherBook.EXPIRES_AT_MS) <= context.nowMs)
            {
                expireVoucher(slot);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ refunds

    /**
     * Reverses {@code amountFen} of a confirmed payment (checked refundable by the rules): cash back to the wallet,
     * and pool, alliance share, fee and points in proportion. Proportions are cumulative ({@code part *
     * refundedTotal / amount}, rounded toward zero) so that a full refund, in any number of parts, reverses each part
     * exactly. A payment made partly with a voucher is refunded in cash up to its cash part; the voucher part comes
     * back only as a whole, with the refund that completes the payment, which restores the voucher (or, if its
     * validity has passed, returns its value to the merchant's pool as an expiry would). Refused, changing nothing,
     * when a balance to take back from is short or the wallet would pass its limit; with
     * {@code shortfallFromSettlement} the part of the pool reversal the pool no longer holds, and of the alliance share
     * the home merchant no longer holds, is taken from the selling merchant's settlement instead. The fee comes back
     * from the platform's fee income, which may go below zero (a receivable of the alliance from the platform once fees
     * were paid out).
     */
    ResultCode refund(final int payment, final int merchantIndex, final long amountFen, final int refund,
        final boolean shortfallFromSettlement, final boolean recordSplit)
    {
        final long paidFen = records.get(payment, Payment.AMOUNT_FEN);
        final long voucherFen = records.get(payment, Payment.VOUCHER_FEN);
        final long cashFen = paidFen - voucherFen;
        final long refundedBefore = records.get(payment, Payment.REFUNDED_FEN);
        final long refundedAfter = refundedBefore + amountFen;
        final long cashBack = Math.min(refundedAfter, cashFen) - Math.min(refundedBefore, cashFen);
        final long poolBack = proportionDelta(records.get(payment, Payment.POOL_FEN), refundedBefore,
            refundedAfter, paidFen);
        final long allianceBack = proportionDelta(records.get(payment, Payment.ALLIANCE_FEN), refundedBefore,
            refundedAfter, paidFen);
        final long feeBack = proportionDelta(records.get(payment, Payment.FEE_FEN), refundedBefore,
            refundedAfter, paidFen);
        final long settlementBack = amountFen - poolBack - allianceBack - feeBack;
        final int consumerIndex = (int)records.get(payment, Payment.CONSUMER_INDEX);
        final int allianceIndex = (int)records.get(payment, Payment.ALLIANCE_MERCHANT_INDEX);
        final long poolShortfall = shortfallFromSettlement ?
            Math.max(0, poolBack - merchants.get(merchantIndex, MerchantBook.POOL_FEN)) : 0;
        final long allianceShortfall = shortfallFromSettlement && allianceBack > 0 ?
            Math.max(0, allianceBack - merchants.get(allianceIndex, MerchantBook.ALLIANCE_EARNINGS_FEN)) : 0;

        final ResultCode code = checkRefundBalances(merchantIndex, allianceIndex, consumerIndex,
            settlementBack + poolShortfall + allianceShortfall, poolBack - poolShortfall,
            allianceBack - allianceShortfall, cashBack);
        if (code != ResultCode.OK)
        {
            return code;
        }
        merchants.add(KEY, merchantIndex, MerchantBook.SETTLEMENT_FEN,
            -(settlementBack + poolShortfall + allianceShortfall));
        merchants.add(KEY, merchantIndex, MerchantBook.POOL_FEN, -(poolBack - poolShortfall));
        merchants.add(KEY, merchantIndex, MerchantBook.FEES_FEN, -feeBack);
        merchants.add(KEY, merchantIndex, MerchantBook.REFUNDS_COUNT, 1);
        merchants.add(KEY, merchantIndex, MerchantBook.REFUNDS_FEN, amountFen);
        if (allianceBack > 0)
        {
            merchants.add(KEY, allianceIndex, MerchantBook.ALLIANCE_EARNINGS_FEN, -(allianceBack - allianceShortfall));
        }
        platformFeesFen -= feeBack;
        consumers.add(consumerKey, consumerIndex, ConsumerBook.WALLET_FEN, cashBack);
        final long pointsBack = clawBackPoints(payment, merchantIndex, consumerIndex, refundedBefore, refundedAfter);
        final boolean voucherRestored = voucherFen > 0 && refundedAfter == paidFen &&
            restoreVoucher(payment, voucherFen, consumerIndex, merchantIndex);
        if (recordSplit)
        {
            // What this refund moved, for its reply and its repeats' (a Refund of version 7+: RefundSplit).
            RefundSplit.record(records, refund, amountFen - cashBack, pointsBack, voucherRestored);
        }
        // Refunded spend does not count towards pool shares (never below zero within the open period).
        merchants.add(KEY, merchantIndex, MerchantBook.CONSUMPTION_OPEN_FEN, consumption.add(KEY, consumerIndex,
            merchantIndex, -amountFen, merchants.get(merchantIndex, MerchantBook.DISTRIBUTION_EPOCH)));
        records.set(payment, Payment.REFUNDED_FEN, refundedAfter);
        records.set(refund, Refund.CONSUMER_INDEX, consumerIndex);
        return ResultCode.OK;
    }

    /** What each balance must give back; the platform's fee income is not checked (it may go below zero). */
    private ResultCode checkRefundBalances(final int merchantIndex, final int allianceIndex, final int consumerIndex,
        final long settlementOut, final long poolOut, final long allianceOut, final long cashBack)
    {
        if (merchants.get(merchantIndex, MerchantBook.SETTLEMENT_FEN) < settlementOut)
        {
            return ResultCode.INSUFFICIENT_SETTLEMENT;
        }
        if (merchants.get(merchantIndex, MerchantBook.POOL_FEN) < poolOut)
        {
            return ResultCode.INSUFFICIENT_POOL;
        }
        if (allianceOut > 0 && merchants.get(allianceIndex, MerchantBook.ALLIANCE_EARNINGS_FEN) < allianceOut)
        {
            return ResultCode.INSUFFICIENT_ALLIANCE_EARNINGS;
        }
        if (consumers.get(consumerIndex, ConsumerBook.WALLET_FEN) + cashBack > config.walletFenMax)
        {
            return ResultCode.BALANCE_LIMIT_EXCEEDED;
        }
        return ResultCode.OK;
    }

    /** Points earned on the cash part come back in proportion; returns the points taken back. */
    private long clawBackPoints(final int payment, final int merchantIndex, final int consumerIndex,
        final long refundedBefore, final long refundedAfter)
    {
        final long paidFen = records.get(payment, Payment.AMOUNT_FEN);
        final long voucherFen = records.get(payment, Payment.VOUCHER_FEN);
        final long cashFen = paidFen - voucherFen;
        final long pointsBack = cashFen == 0 ? 0 : proportionDelta(records.get(payment, Payment.POINTS_EARNED),
            Math.min(refundedBefore, cashFen), Math.min(refundedAfter, cashFen), cashFen);
        if (pointsBack != 0)
        {
            changePoints(consumerIndex, PointsEntryKind.CLAWBACK, -pointsBack,
                merchants.get(merchantIndex, MerchantBook.ID), records.get(payment, Payment.PAYMENT_ID));
        }
        return pointsBack;
    }

    /** What of {@code part} of {@code whole} a refunded total going from {@code before} to {@code after} reverses. */
    static long proportionDelta(final long part, final long before, final long after, final long whole)
    {
        return part * after / whole - part * before / whole;
    }

    // ------------------------------------------------------------------------------------------------ funds

    /** Money enters: a top-up to a wallet, refused if the wallet would pass its limit. */
    ResultCode topUp(final int consumerIndex, final long amountFen)
    {
        if (consumers.get(consumerIndex, ConsumerBook.WALLET_FEN) + amountFen > config.walletFenMax)
        {
            return ResultCode.BALANCE_LIMIT_EXCEEDED;
        }
        consumers.add(consumerKey, consumerIndex, ConsumerBook.WALLET_FEN, amountFen);
        totalTopUpsFen += amountFen;
        return ResultCode.OK;
    }

    /** Money leaves: a merchant withdraws from its settlement, refused if the settlement is short. */
    ResultCode withdraw(final int merchantIndex, final long amountFen)
    {
        if (merchants.get(merchantIndex, MerchantBook.SETTLEMENT_FEN) < amountFen)
        {
            return ResultCode.INSUFFICIENT_SETTLEMENT;
        }
        merchants.add(KEY, merchantIndex, MerchantBook.SETTLEMENT_FEN, -amountFen);
        merchants.add(KEY, merchantIndex, MerchantBook.WITHDRAWN_FEN, amountFen);
        totalWithdrawnFen += amountFen;
        return ResultCode.OK;
    }

    /**
     * Money leaves: a merchant is paid out of its alliance earnings, refused if they are short. Not counted in the
     * merchant's {@code withdrawnFen} (its settlement payouts); the earnings themselves show it.
     */
    ResultCode withdrawAllianceEarnings(final int merchantIndex, final long amountFen)
    {
        if (merchants.get(merchantIndex, MerchantBook.ALLIANCE_EARNINGS_FEN) < amountFen)
        {
            return ResultCode.INSUFFICIENT_ALLIANCE_EARNINGS;
        }
        merchants.add(KEY, merchantIndex, MerchantBook.ALLIANCE_EARNINGS_FEN, -amountFen);
        totalWithdrawnFen += amountFen;
        return ResultCode.OK;
    }

    /** Money leaves: the platform is paid out of its fee income, refused if the income is short. */
    ResultCode payOutPlatformFees(final long amountFen)
    {
        if (platformFeesFen < amountFen)
        {
            return ResultCode.INSUFFICIENT_PLATFORM_FEES;
        }
        platformFeesFen -= amountFen;
        totalWithdrawnFen += amountFen;
        return ResultCode.OK;
    }

    // ------------------------------------------------------------------------------------------------ rewards

    /** Every change of a points balance goes through here, so the points ledger sees all of them. */
    void changePoints(
        final int consumerIndex,
        final PointsEntryKind kind,
        final long deltaPoints,
        final long merchantId,
        final long referenceId)
    {
        consumers.add(consumerKey, consumerIndex, ConsumerBook.POINTS, deltaPoints);
        final long position = pointsLedger.append(KEY, consumerIndex, kind.value(), deltaPoints,
            consumers.get(consumerIndex, ConsumerBook.POINTS), context.sequence, merchantId, referenceId,
            consumers.get(consumerIndex, ConsumerBook.LAST_POINTS_ENTRY));
        consumers.set(consumerKey, consumerIndex, ConsumerBook.LAST_POINTS_ENTRY, position);
    }

    /** Points buy a voucher funded by the merchant's pool; returns the voucher's slot. */
    int issueVoucherForPoints(final int consumerIndex, final int merchantIndex, final long merchantId,
        final long redemptionId, final long pointsCost, final long valueFen, final long expiresAtMs)
    {
        changePoints(consumerIndex, PointsEntryKind.REDEEM, -pointsCost, merchantId, redemptionId);
        merchants.add(KEY, merchantIndex, MerchantBook.POOL_FEN, -valueFen);
        merchants.add(KEY, merchantIndex, MerchantBook.VOUCHERS_OUTSTANDING_FEN, valueFen);
        merchants.add(KEY, merchantIndex, MerchantBook.VOUCHERS_ISSUED_COUNT, 1);
        consumers.addVouchersActive(consumerKey, consumerIndex, 1);
        consumers.add(consumerKey, consumerIndex, ConsumerBook.VOUCHERS_ACTIVE_FEN, valueFen);
        return vouchers.issue(KEY, consumerIndex, merchantIndex, valueFen, expiresAtMs);
    }

    /** A voucher pays part of a sale: the merchant's liability for it ends. */
    void redeemVoucher(final int slot)
    {
        final long valueFen = vouchers.get(slot, VoucherBook.VALUE_FEN);
        final int merchantIndex = (int)vouchers.get(slot, VoucherBook.MERCHANT_INDEX);
        final int consumerIndex = (int)vouchers.get(slot, VoucherBook.CONSUMER_INDEX);
        vouchers.end(KEY, slot, VoucherState.REDEEMED);
        merchants.add(KEY, merchantIndex, MerchantBook.VOUCHERS_OUTSTANDING_FEN, -valueFen);
        merchants.add(KEY, merchantIndex, MerchantBook.VOUCHERS_REDEEMED_FEN, valueFen);
        consumers.addVouchersActive(consumerKey, consumerIndex, -1);
        consumers.add(consumerKey, consumerIndex, ConsumerBook.VOUCHERS_ACTIVE_FEN, -valueFen);
    }

    /** An unused voucher's value goes back to the pool that funded it. */
    void expireVoucher(final int slot)
    {
        final long valueFen = vouchers.get(slot, VoucherBook.VALUE_FEN);
        final int merchantIndex = (int)vouchers.get(slot, VoucherBook.MERCHANT_INDEX);
        final int consumerIndex = (int)vouchers.get(slot, VoucherBook.CONSUMER_INDEX);
        vouchers.end(KEY, slot, VoucherState.EXPIRED);
        merchants.add(KEY, merchantIndex, MerchantBook.VOUCHERS_OUTSTANDING_FEN, -valueFen);
        merchants.add(KEY, merchantIndex, MerchantBook.VOUCHERS_EXPIRED_FEN, valueFen);
        merchants.add(KEY, merchantIndex, MerchantBook.POOL_FEN, valueFen);
        consumers.addVouchersActive(consumerKey, consumerIndex, -1);
        consumers.add(consumerKey, consumerIndex, ConsumerBook.VOUCHERS_ACTIVE_FEN, -valueFen);
    }

    /**
     * The refund that completes a payment gives its voucher back while still valid: the same voucher while its slot
     * holds it; with REFUND_REISSUES_VOUCHER, once the slot was reused, a new voucher of the same value and expiry
     * (unless every voucher slot is live); else the value goes back to the pool as an expiry would. Returns whether
     * the consumer holds a live voucher for it again.
     */
    private boolean restoreVoucher(final int payment, final long valueFen, final int consumerIndex,
        final int merchantIndex)
    {
        final int slot = vouchers.slotOf(records.get(payment, Payment.VOUCHER_ID));
        final long keptExpiryMs = records.keptVoucherExpiryMs(payment);
        final boolean sameVoucher = slot >= 0 && vouchers.state(slot) == VoucherState.REDEEMED.value() &&
            vouchers.get(slot, VoucherBook.EXPIRES_AT_MS) > context.nowMs;
        final boolean newVoucher = !sameVoucher && slot < 0 && keptExpiryMs > context.nowMs &&
            settings.refundReissuesVoucher() && vouchers.freeCount() > 0;
        if (sameVoucher || newVoucher)
        {
            if (sameVoucher)
            {
                vouchers.restore(KEY, slot);
            }
            else
            {
                vouchers.issue(KEY, consumerIndex, merchantIndex, valueFen, keptExpiryMs);
            }
            merchants.add(KEY, merchantIndex, MerchantBook.VOUCHERS_OUTSTANDING_FEN, valueFen);
            merchants.add(KEY, merchantIndex, MerchantBook.VOUCHERS_REDEEMED_FEN, -valueFen);
            consumers.addVouchersActive(consumerKey, consumerIndex, 1);
            consumers.add(consumerKey, consumerIndex, ConsumerBook.VOUCHERS_ACTIVE_FEN, valueFen);
            return true;
        }
        merchants.add(KEY, merchantIndex, MerchantBook.POOL_FEN, valueFen);
        merchants.add(KEY, merchantIndex, MerchantBook.VOUCHERS_EXPIRED_FEN, valueFen);
        return false;
    }

    /**
     * A distribution starts: what it pays moves from the pool to the pool in distribution, and the consumption it
     * shares by (the spend since the last distribution started) closes, so the next one counts from zero.
     */
    void startDistribution(final int merchantIndex, final long payFen)
    {
        merchants.add(KEY, merchantIndex, MerchantBook.POOL_FEN, -payFen);
        merchants.add(KEY, merchantIndex, MerchantBook.POOL_IN_DISTRIBUTION_FEN, payFen);
        merchants.set(KEY, merchantIndex, MerchantBook.CONSUMPTION_OPEN_FEN, 0);
    }

    /**
     * One consumer's share of a running distribution, as a voucher or into the wallet. A voucher-mode distribution
     * checked at its start that every recipient's voucher fits, but redemptions and refunds since may have taken that
     * room: a share that finds no voucher slot goes into the wallet (before, the engine thread threw here, on every
     * node and every replay: det-review A1, so no replayable journal decides otherwise).
     */
    void payDistributionShare(final int merchantIndex, final int consumerIndex, final long shareFen,
        final boolean asVoucher, final long voucherExpiresAtMs)
    {
        merchants.add(KEY, merchantIndex, MerchantBook.POOL_IN_DISTRIBUTION_FEN, -shareFen);
        merchants.add(KEY, merchantIndex, MerchantBook.DISTRIBUTED_FEN, shareFen);
        if (asVoucher && vouchers.freeCount() > 0)
        {
            vouchers.issue(KEY, consumerIndex, merchantIndex, shareFen, voucherExpiresAtMs);
            merchants.add(KEY, merchantIndex, MerchantBook.VOUCHERS_OUTSTANDING_FEN, shareFen);
            merchants.add(KEY, merchantIndex, MerchantBook.VOUCHERS_ISSUED_COUNT, 1);
            consumers.addVouchersActive(consumerKey, consumerIndex, 1);
            consumers.add(consumerKey, consumerIndex, ConsumerBook.VOUCHERS_ACTIVE_FEN, shareFen);
        }
        else
        {
            consumers.add(consumerKey, consumerIndex, ConsumerBook.WALLET_FEN, shareFen);
        }
    }

    // ------------------------------------------------------------------------------------------------ totals

    /**
     * Checks the conservation law and the balance invariants over the whole state; with {@code includeRecords} also
     * against a pass over every remembered key. Throws {@link IllegalStateException} naming the first broken one.
     */
    void verifyInvariants(final boolean includeRecords)
    {
        long walletsFen = 0;
        long heldFen = 0;
        long vouchersActiveFen = 0;
        for (int i = 0; i < consumers.count(); i++)
        {
            vouchersActiveFen += consumers.get(i, ConsumerBook.VOUCHERS_ACTIVE_FEN);
            final long wallet = consumers.get(i, ConsumerBook.WALLET_FEN);
            final long held = consumers.get(i, ConsumerBook.HELD_FEN);
            if (wallet < 0 || held < 0)
            {
                throw new IllegalStateException("negative consumer balance: consumer " +
                    consumers.get(i, ConsumerBook.ID) + " wallet " + wallet + " held " + held);
            }
            walletsFen += wallet;
            heldFen += held;
        }
        long merchantsFen = 0;
        long vouchersOutstandingFen = 0;
        long liveHoldsFen = 0;
        long liveHoldsCount = 0;
        for (int i = 0; i < merchants.count(); i++)
        {
            final long settlement = merchants.get(i, MerchantBook.SETTLEMENT_FEN);
            final long pool = merchants.get(i, MerchantBook.POOL_FEN);
            final long alliance = merchants.get(i, MerchantBook.ALLIANCE_EARNINGS_FEN);
            final long vouchersOutstanding = merchants.get(i, MerchantBook.VOUCHERS_OUTSTANDING_FEN);
            final long inDistribution = merchants.get(i, MerchantBook.POOL_IN_DISTRIBUTION_FEN);
            vouchersOutstandingFen += vouchersOutstanding;
            merchantsFen += vouchersOutstanding + inDistribution;
            if (vouchersOutstanding < 0 || inDistribution < 0)
            {
                throw new IllegalStateException("negative voucher liability or distribution: merchant " +
                    merchants.get(i, MerchantBook.ID) + " " + vouchersOutstanding + " " + inDistribution);
            }
            if (settlement < 0 || pool < 0 || alliance < 0)
            {
                throw new IllegalStateException("negative merchant balance: merchant " +
                    merchants.get(i, MerchantBook.ID) + " settlement " + settlement + " pool " + pool +
                    " alliance " + alliance);
            }
            merchantsFen += settlement + pool + alliance;
            liveHoldsFen += merchants.get(i, MerchantBook.HOLDS_LIVE_FEN);
            liveHoldsCount += merchants.get(i, MerchantBook.HOLDS_LIVE_COUNT);
        }
        final long[] heldRecordCount = {holds.size()};
        final long heldRecordsFen = includeRecords ?
            records.sumAmountInState(PaymentState.HELD.value(), heldRecordCount) : totalHeldFen;
        if (heldFen != totalHeldFen || liveHoldsFen != totalHeldFen || heldRecordsFen != totalHeldFen ||
            liveHoldsCount != holds.size() || heldRecordCount[0] != holds.size())
        {
            throw new IllegalStateException("holds disagree: consumers " + heldFen + ", merchants " + liveHoldsFen +
                ", held records " + heldRecordsFen + ", total " + totalHeldFen + ", live count " + liveHoldsCount +
                ", held record count " + heldRecordCount[0] + ", expiry queue " + holds.size());
        }
        if (vouchersActiveFen != vouchersOutstandingFen)
        {
            throw new IllegalStateException("vouchers disagree: consumers hold " + vouchersActiveFen +
                ", merchants owe " + vouchersOutstandingFen);
        }
        final long inside = walletsFen + heldFen + merchantsFen + platformFeesFen;
        final long outside = totalTopUpsFen - totalWithdrawnFen;
        if (inside != outside)
        {
            throw new IllegalStateException("conservation broken: balances " + inside + " != top-ups - withdrawals " +
                outside);
        }
    }

    long totalTopUpsFen()
    {
        return totalTopUpsFen;
    }

    long totalWithdrawnFen()
    {
        return totalWithdrawnFen;
    }

    long platformFeesFen()
    {
        return platformFeesFen;
    }

    long totalHeldFen()
    {
        return totalHeldFen;
    }

    /** Folds the totals into a state hash, in the order of snapshot format 3. */
    long hashTotals(final long seed)
    {
        long hash = StateHash.fold(seed, totalTopUpsFen);
        hash = StateHash.fold(hash, totalWithdrawnFen);
        hash = StateHash.fold(hash, platformFeesFen);
        return StateHash.fold(hash, totalHeldFen);
    }

    void writeTotalsTo(final SnapshotWriter writer)
    {
        writer.writeLong(totalTopUpsFen);
        writer.writeLong(totalWithdrawnFen);
        writer.writeLong(platformFeesFen);
        writer.writeLong(totalHeldFen);
    }

    void readTotalsFrom(final SnapshotReader reader)
    {
        totalTopUpsFen = reader.readLong();
        totalWithdrawnFen = reader.readLong();
        platformFeesFen = reader.readLong();
        totalHeldFen = reader.readLong();
    }
}
