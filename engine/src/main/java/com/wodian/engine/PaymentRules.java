package com.wodian.engine;

import com.wodian.engine.RecordFields.Payment;
import com.wodian.engine.RecordFields.Refund;
import com.wodian.engine.risk.RiskControl;
import com.wodian.engine.table.ConsumerBook;
import com.wodian.protocol.sbe.PayDecoder;
import com.wodian.protocol.sbe.PaymentCancelDecoder;
import com.wodian.protocol.sbe.PaymentConfirmDecoder;
import com.wodian.protocol.sbe.PaymentState;
import com.wodian.protocol.sbe.PaymentTryDecoder;
import com.wodian.protocol.sbe.RefundDecoder;
import com.wodian.protocol.sbe.ResultCode;
import com.wodian.protocol.sbe.VoucherState;

/**
 * The rules of payments: Pay, Try, Confirm, Cancel and Refund (docs/rules.md). Each command is validated, its
 * idempotency key looked up or recorded, its outcome decided (risk included) and the money moved by the {@link
 * Ledger}; each returns its {@link Decision}: the result code and the record that holds what the reply reports (-1:
 * none), from which {@link ReplyPublisher} encodes the reply.
 */
final class PaymentRules
{
    static final int TEMPLATE_PAY = PayDecoder.TEMPLATE_ID;
    static final int TEMPLATE_TRY = PaymentTryDecoder.TEMPLATE_ID;
    private static final int TEMPLATE_CONFIRM = PaymentConfirmDecoder.TEMPLATE_ID;
    private static final int TEMPLATE_CANCEL = PaymentCancelDecoder.TEMPLATE_ID;
    private static final int RISK_CODE_FIRST = 700;
    private static final int RISK_CODE_LAST = 749;

    private final EngineConfig config;
    private final CommandContext context;
    private final ConsumerBook consumers;
    private final MerchantBook merchants;
    private final TerminalBook terminals;
    private final RecordTable records;
    private final ExpiryQueue holds;
    private final VoucherBook vouchers;
    private final ConsumptionBook consumption;
    private final RiskControl risk;
    private final Ledger ledger;
    /** The party indexes the batch prefetch found, by batch entry: where the apply starts its lookups. */
    private final BatchPrefetcher prefetched;
    private final EngineSettings settings;
    private final MerchantKeyQuota keyQuota;
    /** The balance-probing limit (BALANCE_PROBE_LIMIT): each call is one branch while it is off. */
    private final BalanceProbeGuard probes;
    /** What the loads made ahead of use read ({@link ExpiryQueue#touchPosition}): kept, so the JIT keeps the loads. */
    private long touched;

    PaymentRules(
        final EngineConfig config,
        final CommandContext context,
        final EngineBooks books,
        final RiskControl risk,
        final Ledger ledger,
        final BatchPrefetcher prefetched,
        final EngineSettings settings,
        final MerchantKeyQuota keyQuota,
        final BalanceProbeGuard probes)
    {
        this.probes = probes;
        this.settings = settings;
        this.keyQuota = keyQuota;
        this.config = config;
        this.context = context;
        this.consumers = books.consumers;
        this.merchants = books.merchants;
        this.terminals = books.terminals;
        this.records = books.records;
        this.holds = books.holds;
        this.vouchers = books.vouchers;
        this.consumption = books.consumption;
        this.risk = risk;
        this.ledger = ledger;
        this.prefetched = prefetched;
    }

    // ------------------------------------------------------------------------------------------------ parties

    /**
     * Resolves the merchant and terminal of a payment command: a refusal as a negative result code value, or both
     * indexes packed into one non-negative value (read with {@link #merchantIndexOf} and {@link #terminalIndexOf}).
     * The lookups start from the indexes the batch prefetch found for {@code batchEntry} (-1: none), checked
     * against the rows' ids, so the result is the id maps' whatever the entry.
     */
    long resolveParties(final long merchantId, final long terminalId, final long paymentId, final int batchEntry)
    {
        if (merchantId <= 0 || terminalId <= 0 || paymentId <= 0)
        {
            return -ResultCode.INVALID_ID.value();
        }
        final int merchantIndex = merchants.indexOf(merchantId, prefetched.merchantIndexAt(batchEntry));
        if (merchantIndex < 0)
        {
            return -ResultCode.UNKNOWN_MERCHANT.value();
        }
        final int terminalIndex = terminals.indexOf(terminalId, prefetched.terminalIndexAt(batchEntry));
        if (terminalIndex < 0)
        {
            return -ResultCode.UNKNOWN_TERMINAL.value();
        }
        if (terminals.merchantIndex(terminalIndex) != merchantIndex)
        {
            return -ResultCode.TERMINAL_NOT_OF_MERCHANT.value();
        }
        return ((long)merchantIndex << 32) | terminalIndex;
    }

    static ResultCode refusalOf(final long parties)
    {
        return parties < 0 ? ResultCode.get((int)-parties) : ResultCode.OK;
    }

    static int merchantIndexOf(final long parties)
    {
        return (int)(parties >>> 32);
    }

    static int terminalIndexOf(final long parties)
    {
        return (int)parties;
    }

    // ------------------------------------------------------------------------------------------------ Try and Pay

    /** A Try or Pay ({@code kind}); the decision's record, when there is one, is the payment's. */
    long tryOrPay(
        final int kind,
        final long merchantId,
        final long terminalId,
        final long paymentId,
        final long consumerId,
        final long amountFen,
        final long ttlMs,
        final long voucherId,
        final int batchEntry)
    {
        final long parties = resolveParties(merchantId, terminalId, paymentId, batchEntry);
        ResultCode code = refusalOf(parties);
        if (code == ResultCode.OK)
        {
            code = config.checkAmount(amountFen);
        }
        if (code == ResultCode.OK && kind == TEMPLATE_TRY && (ttlMs <= 0 || ttlMs > config.ttlMsMax))
        {
            code = ResultCode.TTL_OUT_OF_RANGE;
        }
        if (code != ResultCode.OK)
        {
            return Decision.of(code);
        }
        // Validation refusals (above and here) are answered before the key is looked at and are not recorded.
        final int consumerIndex = consumerId > 0 ?
            consumers.indexOf(consumerId, prefetched.consumerIndexAt(batchEntry)) : -1;
        if (consumerIndex < 0)
        {
            return Decision.of(consumerId <= 0 ? ResultCode.INVALID_ID : ResultCode.UNKNOWN_CONSUMER);
        }
        final int existing = records.find(Payment.NAMESPACE, merchantId, paymentId);
        if (existing >= 0)
        {
            return repeatedTryOrPay(existing, kind, terminalId, consumerIndex, amountFen, ttlMs, voucherId);
        }
        final int merchantIndex = merchantIndexOf(parties);
        final long recorded = recordNewPayment(kind, merchantId, terminalId, paymentId, consumerIndex, merchantIndex,
            amountFen, ttlMs, voucherId);
        final int record = Decision.record(recorded);
        if (record < 0)
        {
            return recorded;
        }
        if (kind == TEMPLATE_TRY)
        {
            // The line of the new hold's place in the expiry queue, loaded while the Try is decided: the record is any
            // of the table's, so under many live holds the line is not in cache when the queue's add reads it.
            touched += holds.touchPosition(record);
        }
        risk.begin(context.sequence, context.nowMs, kind, merchantId, consumerId, terminalId, paymentId, amountFen);
        return Decision.of(decideNewPayment(record, kind, consumerIndex, merchantIndex, terminalIndexOf(parties),
            amountFen, voucherId), record);
    }

    /**
     * Records the key of a new Try or Pay with its fields: the decision to go on with (OK and the record), or the
     * refusal when a table is full (no record).
     */
    private long recordNewPayment(final int kind, final long merchantId, final long terminalId, final long paymentId,
        final int consumerIndex, final int merchantIndex, final long amountFen, final long ttlMs, final long voucherId)
    {
        // A full table decides nothing: not recorded, so a retry may succeed.
        ResultCode limit = ResultCode.OK;
        if (kind == TEMPLATE_TRY && holds.isFull())
        {
            limit = ResultCode.LIMIT_HOLDS;
        }
        // Look the pair up only when the book is full: the lookup is a cache miss that settling pays anyway.
        else if (consumption.isFull() && !consumption.hasEntry(consumerIndex, merchantIndex))
        {
            limit = ResultCode.LIMIT_CONSUMPTION_PAIRS;
        }
        else
        {
            limit = keyQuota.check(merchantIndex);
        }
        final int record = limit == ResultCode.OK ?
            records.insert(Payment.NAMESPACE, merchantId, paymentId, context.nowMs) : -1;
        if (limit == ResultCode.OK && record < 0)
        {
            limit = ResultCode.LIMIT_KEYS;
        }
        if (limit != ResultCode.OK)
        {
            return Decision.of(limit);
        }
        records.set(record, Payment.CONSUMER_INDEX, consumerIndex);
        records.set(record, Payment.MERCHANT_INDEX, merchantIndex);
        records.set(record, Payment.AMOUNT_FEN, amountFen);
        records.set(record, Payment.TERMINAL_ID, terminalId);
        records.set(record, Payment.TTL_MS, ttlMs);
        records.set(record, Payment.VOUCHER_ID, voucherId);
        keyQuota.count(record, merchantIndex);
        return Decision.of(ResultCode.OK, record);
    }

    /**
     * From here on the outcome is decided and recorded under the key, refusals included. The payment's parties, amount
     * and voucher are those {@link #recordNewPayment} just wrote into its record, passed on rather than read back
     * from it; the risk checks' command was begun by the caller ({@code RiskControl.begin}).
     */
    private ResultCode decideNewPayment(final int record, final int kind, final int consumerIndex,
        final int merchantIndex, final int terminalIndex, final long amountFen, final long voucherId)
    {
        final int voucherSlot = voucherId > 0 ? vouchers.slotOf(voucherId) : -1;
        final boolean riskActive = risk.isActive(merchantIndex);
        // Only the risk checks read the consumer's home merchant.
        final int homeIndex = riskActive ? consumers.homeMerchantIndex(consumerIndex) : -1;
        ResultCode code = checkPartiesNotBlocked(merchantIndex, terminalIndex, consumerIndex);
        if (code != ResultCode.OK)
        {
            risk.recordBlocked(merchantIndex, consumerIndex, terminalIndex);
        }
        else
        {
            // The pair spent its balance probes: refused before risk (a risk code: not a refusal rule 12 counts).
            code = probes.check(merchantIndex, consumerIndex, context.nowMs);
        }
        if (code == ResultCode.OK && riskActive)
        {
            // Risk decides before anything is reserved (SPEC: Try is "risk check, then reserve"). The spend pair is
            // looked up only here (risk on at the shop): its line is the batch prefetch's, and settling finds it again.
            risk.paymentContext(consumers.get(consumerIndex, ConsumerBook.WALLET_FEN),
                voucherSlot >= 0 ? vouchers.get(voucherSlot, VoucherBook.VALUE_FEN) : 0,
                consumption.hasEntry(consumerIndex, merchantIndex));
            code = risk.checkPayment(consumerIndex, merchantIndex, terminalIndex, homeIndex, amountFen);
        }
        if (code == ResultCode.OK && voucherId > 0)
        {
            code = checkVoucherForPayment(voucherSlot, consumerIndex, merchantIndex, amountFen);
        }
        final long voucherFen = code == ResultCode.OK && voucherSlot >= 0 ?
            vouchers.get(voucherSlot, VoucherBook.VALUE_FEN) : 0;
        final long cashFen = amountFen - voucherFen;
        if (code == ResultCode.OK && consumers.get(consumerIndex, ConsumerBook.WALLET_FEN) < cashFen)
        {
            code = ResultCode.INSUFFICIENT_FUNDS;
            probes.count(merchantIndex, consumerIndex, context.nowMs);
        }
        if (code != ResultCode.OK)
        {
            if (riskActive && (code.value() < RISK_CODE_FIRST || code.value() > RISK_CODE_LAST))
            {
                risk.recordRefusal(terminalIndex);
            }
            rejectPayment(record, kind, code);
            return code;
        }
        if (riskActive)
        {
            risk.recordPayment(consumerIndex, merchantIndex, terminalIndex, homeIndex, amountFen);
        }
        if (kind == TEMPLATE_TRY)
        {
            probes.count(merchantIndex, consumerIndex, context.nowMs);   // taken back by its Confirm
        }
        acceptPayment(record, kind, consumerIndex, merchantIndex, amountFen, voucherFen, voucherSlot);
        return ResultCode.OK;
    }

    private ResultCode checkPartiesNotBlocked(final int merchantIndex, final int terminalIndex,
        final int consumerIndex)
    {
        if (merchants.hasFlag(merchantIndex, MerchantBook.FLAG_BLOCKED))
        {
            return ResultCode.MERCHANT_BLOCKED;
        }
        if (terminals.isBlocked(terminalIndex))
        {
            return ResultCode.TERMINAL_BLOCKED;
        }
        if (consumers.isBlocked(consumerIndex))
        {
            return ResultCode.CONSUMER_BLOCKED;
        }
        return ResultCode.OK;
    }

    /** A refused payment's record keeps no points and no voucher part: its reply reports none. */
    private void rejectPayment(final int record, final int kind, final ResultCode code)
    {
        records.setKindAndFirstCode(record, kind, code.value());
        records.setState(record, PaymentState.REJECTED.value());
        records.finish(record, context.nowMs);
    }

    private void acceptPayment(final int record, final int kind, final int consumerIndex, final int merchantIndex,
        final long amountFen, final long voucherFen, final int voucherSlot)
    {
        final long cashFen = amountFen - voucherFen;
        records.set(record, Payment.VOUCHER_FEN, voucherFen);
        records.setKindAndFirstCode(record, kind, ResultCode.OK.value());
        if (kind == TEMPLATE_TRY)
        {
            records.set(record, Payment.EXPIRES_AT_MS, context.nowMs + records.get(record, Payment.TTL_MS));
            records.setState(record, PaymentState.HELD.value());
            ledger.hold(record, consumerIndex, merchantIndex, cashFen, voucherSlot);
        }
        else
        {
            ledger.payNow(record, consumerIndex, merchantIndex, amountFen, cashFen, voucherSlot);
        }
    }

    private ResultCode checkVoucherForPayment(
        final int voucherSlot, final int consumerIndex, final int merchantIndex, final long amountFen)
    {
        if (voucherSlot < 0)
        {
            return ResultCode.VOUCHER_NOT_FOUND;
        }
        if (vouchers.get(voucherSlot, VoucherBook.CONSUMER_INDEX) != consumerIndex)
        {
            return ResultCode.VOUCHER_NOT_YOURS;
        }
        if (vouchers.get(voucherSlot, VoucherBook.MERCHANT_INDEX) != merchantIndex)
        {
            return ResultCode.VOUCHER_NOT_ACCEPTED_HERE;
        }
        final int state = vouchers.state(voucherSlot);
        if (state == VoucherState.REDEEMED.value())
        {
            return ResultCode.VOUCHER_ALREADY_REDEEMED;
        }
        if (state == VoucherState.RESERVED.value())
        {
            return ResultCode.VOUCHER_RESERVED;
        }
        if (state == VoucherState.EXPIRED.value())
        {
            return ResultCode.VOUCHER_EXPIRED;
        }
        if (vouchers.get(voucherSlot, VoucherBook.EXPIRES_AT_MS) <= context.nowMs)
        {
            ledger.expireVoucher(voucherSlot);
            return ResultCode.VOUCHER_EXPIRED;
        }
        if (vouchers.get(voucherSlot, VoucherBook.VALUE_FEN) > amountFen)
        {
            return ResultCode.VOUCHER_EXCEEDS_AMOUNT;
        }
        return ResultCode.OK;
    }

    /** A Try or Pay whose key is remembered: the first reply again when it is the same command, else a refusal. */
    private long repeatedTryOrPay(
        final int record,
        final int kind,
        final long terminalId,
        final int consumerIndex,
        final long amountFen,
        final long ttlMs,
        final long voucherId)
    {
        final ResultCode code;
        if (records.state(record) == PaymentState.CANCELLED_BEFORE_TRY.value())
        {
            code = ResultCode.TRY_AFTER_CANCEL;
        }
        else if (records.kind(record) != kind)
        {
            code = ResultCode.EXISTS_WITH_DIFFERENT_KIND;
        }
        else if (records.get(record, Payment.CONSUMER_INDEX) != consumerIndex)
        {
            code = ResultCode.EXISTS_WITH_DIFFERENT_CONSUMER;
        }
        else if (records.get(record, Payment.AMOUNT_FEN) != amountFen)
        {
            code = ResultCode.EXISTS_WITH_DIFFERENT_AMOUNT;
        }
        else if (records.get(record, Payment.TERMINAL_ID) != terminalId)
        {
            code = ResultCode.EXISTS_WITH_DIFFERENT_TERMINAL;
        }
        else if (records.get(record, Payment.TTL_MS) != ttlMs)
        {
            code = ResultCode.EXISTS_WITH_DIFFERENT_TTL;
        }
        else if (records.get(record, Payment.VOUCHER_ID) != voucherId)
        {
            code = ResultCode.EXISTS_WITH_DIFFERENT_VOUCHER;
        }
        else
        {
            // The same command again: the first reply, unchanged.
            return Decision.ofValue(records.firstCode(record), record);
        }
        return Decision.of(code);
    }

    // ------------------------------------------------------------------------------------------------ Confirm, Cancel

    long confirm(final long merchantId, final long terminalId, final long paymentId, final int batchEntry)
    {
        return finishTwoPhase(TEMPLATE_CONFIRM, merchantId, terminalId, paymentId, batchEntry);
    }

    long cancel(final long merchantId, final long terminalId, final long paymentId, final int batchEntry)
    {
        return finishTwoPhase(TEMPLATE_CANCEL, merchantId, terminalId, paymentId, batchEntry);
    }

    /** A Confirm or Cancel: the Try record it names and what it does to it. */
    private long finishTwoPhase(final int template, final long merchantId, final long terminalId,
        final long paymentId, final int batchEntry)
    {
        final long found = findTwoPhase(template, merchantId, terminalId, paymentId, batchEntry);
        if (!Decision.isOk(found))
        {
            return found;
        }
        final int record = Decision.record(found);
        return Decision.of(applyTwoPhase(template, record), record);
    }

    /**
     * What a Confirm or Cancel does to a Try record in each state: a live hold is confirmed or cancelled (unless its
     * ttl has passed: it expires); a repeat of what already happened is OK; the opposite outcome is refused.
     */
    private ResultCode applyTwoPhase(final int template, final int record)
    {
        final boolean confirm = template == TEMPLATE_CONFIRM;
        switch (PaymentState.get((short)records.state(record)))
        {
            case HELD:
                if (expireIfDue(record))
                {
                    return ResultCode.HOLD_EXPIRED;
                }
                if (confirm)
                {
                    // Before the ledger: with REFUND_REISSUES_VOUCHER confirming overwrites the hold's expiry (R13).
                    takeBackProbe(record);
                    ledger.confirmHold(record);
                }
                else
                {
                    ledger.cancelHold(record);
                }
                return ResultCode.OK;
            case CONFIRMED:
                return confirm ? ResultCode.OK : ResultCode.ALREADY_CONFIRMED;
            case CANCELLED:
                return confirm ? ResultCode.ALREADY_CANCELLED : ResultCode.OK;
            case CANCELLED_BEFORE_TRY:
                return confirm ? ResultCode.ALREADY_CANCELLED : ResultCode.OK_EMPTY_ROLLBACK;
            case EXPIRED:
                return ResultCode.HOLD_EXPIRED;
            case REJECTED:
                return ResultCode.PAYMENT_WAS_REJECTED;
            default:
                throw new IllegalStateException("payment record in state " + records.state(record));
        }
    }

    /**
     * A confirmed Try was a sale, not a balance probe: its count is taken back (BalanceProbeGuard). Called while the
     * record still holds the hold's expiry, from which the Try's time follows.
     */
    private void takeBackProbe(final int record)
    {
        if (!probes.isOn())
        {
            return;
        }
        final long triedAtMs = records.get(record, Payment.EXPIRES_AT_MS) - records.get(record, Payment.TTL_MS);
        probes.confirmed((int)records.get(record, Payment.MERCHANT_INDEX),
            (int)records.get(record, Payment.CONSUMER_INDEX), triedAtMs, context.nowMs);
    }

    private boolean expireIfDue(final int record)
    {
        if (records.get(record, Payment.EXPIRES_AT_MS) <= context.nowMs)
        {
            ledger.expireHold(record);
            return true;
        }
        return false;
    }

    /**
     * The Try record a Confirm or Cancel acts on (OK and the record), or the command's decision when there is none to
     * act on: refused parties, a Pay (not two-phase), no record (Confirm: not found; Cancel: an empty rollback is
     * recorded).
     */
    private long findTwoPhase(final int template, final long merchantId, final long terminalId, final long paymentId,
        final int batchEntry)
    {
        final long parties = resolveParties(merchantId, terminalId, paymentId, batchEntry);
        if (parties < 0)
        {
            return Decision.of(refusalOf(parties));
        }
        final int record = records.find(Payment.NAMESPACE, merchantId, paymentId);
        if (record < 0)
        {
            // Not recorded for a Confirm: one racing ahead of its Try must not fence the Try out.
            return template == TEMPLATE_CANCEL ?
                recordEmptyRollback(merchantId, terminalId, paymentId, merchantIndexOf(parties)) :
                Decision.of(ResultCode.PAYMENT_NOT_FOUND);
        }
        // Checked before the record's kind: a terminal the payment is not bound to learns nothing about it.
        if (settings.bindsTwoPhase() && records.get(record, Payment.TERMINAL_ID) != terminalId)
        {
            return Decision.of(ResultCode.TERMINAL_NOT_OF_PAYMENT);
        }
        return records.kind(record) == TEMPLATE_PAY ? Decision.of(ResultCode.NOT_TWO_PHASE, record) :
            Decision.of(ResultCode.OK, record);
    }

    /** Empty rollback: remember the Cancel so that a Try arriving late cannot leave a hanging hold. */
    private long recordEmptyRollback(final long merchantId, final long terminalId, final long paymentId,
        final int merchantIndex)
    {
        final ResultCode quota = keyQuota.check(merchantIndex);
        final int record = quota == ResultCode.OK ?
            records.insert(Payment.NAMESPACE, merchantId, paymentId, context.nowMs) : -1;
        if (record < 0)
        {
            return Decision.of(quota == ResultCode.OK ? ResultCode.LIMIT_KEYS : quota);
        }
        records.set(record, Payment.MERCHANT_INDEX, merchantIndex);
        keyQuota.count(record, merchantIndex);
        records.set(record, Payment.TERMINAL_ID, terminalId);
        records.setKindAndFirstCode(record, TEMPLATE_CANCEL, ResultCode.OK_EMPTY_ROLLBACK.value());
        records.setState(record, PaymentState.CANCELLED_BEFORE_TRY.value());
        records.finish(record, context.nowMs);
        return Decision.of(ResultCode.OK_EMPTY_ROLLBACK, record);
    }

    // ------------------------------------------------------------------------------------------------ Refund

    /** A Refund; the decision's record, when there is one, is the refund's (its split, when it kept one). */
    long refund(
        final long merchantId,
        final long terminalId,
        final long paymentId,
        final long refundId,
        final long amountFen,
        final boolean recordSplit,
        final int batchEntry)
    {
        final long parties = resolveParties(merchantId, terminalId, paymentId, batchEntry);
        ResultCode code = refusalOf(parties);
        if (code == ResultCode.OK)
        {
            code = refundId <= 0 ? ResultCode.INVALID_ID : config.checkAmount(amountFen);
        }
        if (code == ResultCode.OK && settings.bindsRefund())
        {
            code = checkRefundTerminal(merchantId, terminalId, paymentId);
        }
        if (code != ResultCode.OK)
        {
            return Decision.of(code);
        }
        final int existing = records.find(Refund.NAMESPACE, merchantId, refundId);
        if (existing >= 0)
        {
            return repeatedRefund(existing, paymentId, amountFen);
        }
        // Insert first: making room may forget an old payment, which must then read as not found.
        final ResultCode quota = keyQuota.check(merchantIndexOf(parties));
        final int refund = quota == ResultCode.OK ?
            records.insert(Refund.NAMESPACE, merchantId, refundId, context.nowMs) : -1;
        if (refund < 0)
        {
            return Decision.of(quota == ResultCode.OK ? ResultCode.LIMIT_KEYS : quota);
        }
        keyQuota.count(refund, merchantIndexOf(parties));
        code = decideRefund(refund, merchantId, terminalId, paymentId, merchantIndexOf(parties), amountFen,
            recordSplit);
        records.setKindAndFirstCode(refund, RefundDecoder.TEMPLATE_ID, code.value());
        records.setState(refund, code == ResultCode.OK ? PaymentState.CONFIRMED.value() :
            PaymentState.REJECTED.value());
        records.finish(refund, context.nowMs);
        // The first reply is what a repeat gets: the split the ledger recorded, or none (a Refund before version 7).
        return Decision.of(code, refund);
    }

    /**
     * A Refund whose key is remembered: its first decision again (its code as the record keeps it) when it names the
     * same payment and amount, else a refusal.
     */
    private long repeatedRefund(final int refund, final long paymentId, final long amountFen)
    {
        if (records.get(refund, Refund.REFUNDED_PAYMENT_ID) != paymentId)
        {
            return Decision.of(ResultCode.EXISTS_WITH_DIFFERENT_PAYMENT, refund);
        }
        if (records.get(refund, Refund.AMOUNT_FEN) != amountFen)
        {
            return Decision.of(ResultCode.EXISTS_WITH_DIFFERENT_AMOUNT, refund);
        }
        return Decision.ofValue(records.firstCode(refund), refund);
    }

    /**
     * With refunds bound to the payment's terminal: a payment remembered from another terminal is refused before the
     * refund key is looked at (a repeat too), so that terminal learns nothing about it. A payment not found is left
     * to the refund's own decision (recorded PAYMENT_NOT_FOUND).
     */
    private ResultCode checkRefundTerminal(final long merchantId, final long terminalId, final long paymentId)
    {
        final int payment = records.find(Payment.NAMESPACE, merchantId, paymentId);
        return payment >= 0 && records.get(payment, Payment.TERMINAL_ID) != terminalId ?
            ResultCode.TERMINAL_NOT_OF_PAYMENT : ResultCode.OK;
    }

    private ResultCode decideRefund(final int refund, final long merchantId, final long terminalId,
        final long paymentId, final int merchantIndex, final long amountFen, final boolean recordSplit)
    {
        records.set(refund, Refund.MERCHANT_INDEX, merchantIndex);
        records.set(refund, Refund.REFUNDED_PAYMENT_ID, paymentId);
        records.set(refund, Refund.AMOUNT_FEN, amountFen);

        final int payment = records.find(Payment.NAMESPACE, merchantId, paymentId);
        final int paymentConsumer = payment >= 0 && records.state(payment) == PaymentState.CONFIRMED.value() ?
            (int)records.get(payment, Payment.CONSUMER_INDEX) : -1;
        final boolean riskActive = paymentConsumer >= 0 && risk.isActive(merchantIndex);
        ResultCode code = ResultCode.OK;
        if (riskActive)
        {
            risk.begin(context.sequence, context.nowMs, RefundDecoder.TEMPLATE_ID, merchantId,
                consumers.get(paymentConsumer, ConsumerBook.ID), terminalId, records.get(refund, Refund.REFUND_ID),
                amountFen);
            code = risk.checkRefund(paymentConsumer, merchantIndex);
        }
        if (code == ResultCode.OK)
        {
            code = checkRefundable(payment, amountFen);
        }
        if (code == ResultCode.OK)
        {
            code = ledger.refund(payment, merchantIndex, amountFen, refund, settings.refundShortfallFromSettlement(),
                recordSplit);
            if (code == ResultCode.OK && riskActive)
            {
                risk.recordRefund(paymentConsumer, merchantIndex);
            }
            if (code == ResultCode.OK)
            {
                probes.count(merchantIndex, paymentConsumer, context.nowMs);   // a Pay and its Refund: one probe
            }
        }
        return code;
    }

    /**
     * A payment can be refunded while confirmed, up to what was paid; a voucher part comes back only as a whole,
     * with the refund that completes the payment.
     */
    private ResultCode checkRefundable(final int payment, final long amountFen)
    {
        if (payment < 0)
        {
            return ResultCode.PAYMENT_NOT_FOUND;
        }
        if (records.state(payment) != PaymentState.CONFIRMED.value())
        {
            return ResultCode.PAYMENT_NOT_CONFIRMED;
        }
        final long paidFen = records.get(payment, Payment.AMOUNT_FEN);
        final long cashFen = paidFen - records.get(payment, Payment.VOUCHER_FEN);
        final long refundedAfter = records.get(payment, Payment.REFUNDED_FEN) + amountFen;
        if (refundedAfter > paidFen)
        {
            return ResultCode.REFUND_EXCEEDS_PAID;
        }
        if (refundedAfter > cashFen && refundedAfter != paidFen)
        {
            return ResultCode.REFUND_SPLITS_VOUCHER;
        }
        return ResultCode.OK;
    }

    /** Expires holds whose ttl has passed, at most a bounded number per input; later inputs continue the work. */
    void expireDueHolds()
    {
        for (int i = 0; i < config.expiriesPerCommandMax; i++)
        {
            final int record = holds.peek();
            if (record < 0 || records.get(record, Payment.EXPIRES_AT_MS) > context.nowMs)
            {
                return;
            }
            ledger.expireHold(record);
        }
    }
}
