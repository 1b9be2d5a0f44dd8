package com.wodian.engine;

import com.wodian.protocol.CommandCatalog;
import com.wodian.protocol.sbe.*;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The business logic: a single-threaded, deterministic state machine. Input is an SBE-encoded command with the
 * sequence number and timestamp the sequencer gave it; output is one encoded reply per input, through a
 * {@link ReplySink}. It reads no clock, no random source, no file and no socket, and allocates nothing after
 * construction, so replaying the same inputs gives the same state, bit for bit ({@link #stateHash()}).
 *
 * <p>Rules are in SPEC.md and docs/rules.md; result codes in docs/result-codes.md. Broken invariants are bugs and
 * throw {@link IllegalStateException}; every business refusal is a result code.
 */
public final class Engine
{
    private static final int TEMPLATE_PAY = PayDecoder.TEMPLATE_ID;
    private static final int TEMPLATE_TRY = PaymentTryDecoder.TEMPLATE_ID;
    private static final int TEMPLATE_CANCEL = PaymentCancelDecoder.TEMPLATE_ID;
    private static final long BPS = 10_000;
    private static final long POINTS_PER_YUAN_MAX = 100;
    private static final long FEN_PER_YUAN = 100;

    private final EngineConfig config;
    private final ConsumerBook consumers;
    private final MerchantBook merchants;
    private final TerminalBook terminals;
    private final RecordTable records;
    private final HoldExpiryQueue holds;

    private long lastSequence;
    private long nowMs;
    // Set by checkPartiesOfPayment so that the command does not look the same ids up twice.
    private int checkedMerchantIndex;
    private int checkedTerminalIndex;
    private long totalTopUpsFen;
    private long totalWithdrawnFen;
    private long platformFeesFen;
    private long totalHeldFen;

    private final MessageHeaderDecoder headerDecoder = new MessageHeaderDecoder();
    private final RegisterMerchantDecoder registerMerchantDecoder = new RegisterMerchantDecoder();
    private final RegisterConsumerDecoder registerConsumerDecoder = new RegisterConsumerDecoder();
    private final RegisterTerminalDecoder registerTerminalDecoder = new RegisterTerminalDecoder();
    private final TopUpDecoder topUpDecoder = new TopUpDecoder();
    private final WithdrawDecoder withdrawDecoder = new WithdrawDecoder();
    private final SetBlockedDecoder setBlockedDecoder = new SetBlockedDecoder();
    private final PayDecoder payDecoder = new PayDecoder();
    private final PaymentTryDecoder tryDecoder = new PaymentTryDecoder();
    private final PaymentConfirmDecoder confirmDecoder = new PaymentConfirmDecoder();
    private final PaymentCancelDecoder cancelDecoder = new PaymentCancelDecoder();
    private final RefundDecoder refundDecoder = new RefundDecoder();
    private final BalanceQueryDecoder balanceQueryDecoder = new BalanceQueryDecoder();
    private final PaymentStatusQueryDecoder paymentStatusQueryDecoder = new PaymentStatusQueryDecoder();
    private final MerchantStatementQueryDecoder statementQueryDecoder = new MerchantStatementQueryDecoder();

    private final UnsafeBuffer replyBuffer = new UnsafeBuffer(new byte[CommandCatalog.MAX_MESSAGE_LENGTH]);
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final AckEncoder ackEncoder = new AckEncoder();
    private final PaymentReplyEncoder paymentReplyEncoder = new PaymentReplyEncoder();
    private final RefundReplyEncoder refundReplyEncoder = new RefundReplyEncoder();
    private final BalanceReplyEncoder balanceReplyEncoder = new BalanceReplyEncoder();
    private final PaymentStatusReplyEncoder paymentStatusReplyEncoder = new PaymentStatusReplyEncoder();
    private final MerchantStatementReplyEncoder statementReplyEncoder = new MerchantStatementReplyEncoder();
    private final StateHashReplyEncoder stateHashReplyEncoder = new StateHashReplyEncoder();
    private final ErrorReplyEncoder errorReplyEncoder = new ErrorReplyEncoder();

    public Engine(final EngineConfig config)
    {
        this.config = config;
        this.consumers = new ConsumerBook(config.consumersMax);
        this.merchants = new MerchantBook(config.merchantsMax);
        this.terminals = new TerminalBook(config.terminalsMax);
        this.records = new RecordTable(config.keysMax, config.keyRetentionMs);
        this.holds = new HoldExpiryQueue(records, config.holdsMax, config.keysMax);
    }

    public EngineConfig config()
    {
        return config;
    }

    /**
     * Applies one journaled input. Sequences are contiguous from 1; time never goes backwards (an earlier timestamp
     * is treated as the current engine time).
     */
    public void onCommand(
        final long sequence,
        final long timestampMs,
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final ReplySink sink)
    {
        if (sequence != lastSequence + 1)
        {
            throw new IllegalStateException("sequence gap: expected " + (lastSequence + 1) + " got " + sequence);
        }
        lastSequence = sequence;
        if (timestampMs > nowMs)
        {
            nowMs = timestampMs;
        }
        expireDueHolds();

        final ResultCode check = CommandCatalog.check(buffer, offset, length);
        if (check != ResultCode.OK)
        {
            replyError(check, length >= CommandCatalog.HEADER_LENGTH ? CommandCatalog.templateId(buffer, offset) : 0,
                sink);
            return;
        }
        headerDecoder.wrap(buffer, offset);
        final int templateId = headerDecoder.templateId();
        final int bodyOffset = offset + MessageHeaderDecoder.ENCODED_LENGTH;
        final int blockLength = headerDecoder.blockLength();
        final int version = headerDecoder.version();

        switch (templateId)
        {
            case PayDecoder.TEMPLATE_ID:
                payDecoder.wrap(buffer, bodyOffset, blockLength, version);
                onTryOrPay(TEMPLATE_PAY, payDecoder.merchantId(), payDecoder.terminalId(), payDecoder.paymentId(),
                    payDecoder.consumerId(), payDecoder.amountFen(), 0, sink);
                break;

            case PaymentTryDecoder.TEMPLATE_ID:
                tryDecoder.wrap(buffer, bodyOffset, blockLength, version);
                onTryOrPay(TEMPLATE_TRY, tryDecoder.merchantId(), tryDecoder.terminalId(), tryDecoder.paymentId(),
                    tryDecoder.consumerId(), tryDecoder.amountFen(), tryDecoder.ttlMs(), sink);
                break;

            case PaymentConfirmDecoder.TEMPLATE_ID:
                confirmDecoder.wrap(buffer, bodyOffset, blockLength, version);
                onConfirm(confirmDecoder.merchantId(), confirmDecoder.terminalId(), confirmDecoder.paymentId(), sink);
                break;

            case PaymentCancelDecoder.TEMPLATE_ID:
                cancelDecoder.wrap(buffer, bodyOffset, blockLength, version);
                onCancel(cancelDecoder.merchantId(), cancelDecoder.terminalId(), cancelDecoder.paymentId(), sink);
                break;

            case RefundDecoder.TEMPLATE_ID:
                refundDecoder.wrap(buffer, bodyOffset, blockLength, version);
                onRefund(refundDecoder.merchantId(), refundDecoder.terminalId(), refundDecoder.paymentId(),
                    refundDecoder.refundId(), refundDecoder.amountFen(), sink);
                break;

            case TopUpDecoder.TEMPLATE_ID:
                topUpDecoder.wrap(buffer, bodyOffset, blockLength, version);
                onTopUp(topUpDecoder.consumerId(), topUpDecoder.externalRef(), topUpDecoder.amountFen(), sink);
                break;

            case WithdrawDecoder.TEMPLATE_ID:
                withdrawDecoder.wrap(buffer, bodyOffset, blockLength, version);
                onWithdraw(withdrawDecoder.merchantId(), withdrawDecoder.withdrawalId(), withdrawDecoder.amountFen(),
                    sink);
                break;

            case RegisterMerchantDecoder.TEMPLATE_ID:
                registerMerchantDecoder.wrap(buffer, bodyOffset, blockLength, version);
                onRegisterMerchant(registerMerchantDecoder, sink);
                break;

            case RegisterConsumerDecoder.TEMPLATE_ID:
                registerConsumerDecoder.wrap(buffer, bodyOffset, blockLength, version);
                onRegisterConsumer(registerConsumerDecoder.consumerId(), registerConsumerDecoder.homeMerchantId(),
                    sink);
                break;

            case RegisterTerminalDecoder.TEMPLATE_ID:
                registerTerminalDecoder.wrap(buffer, bodyOffset, blockLength, version);
                onRegisterTerminal(registerTerminalDecoder.terminalId(), registerTerminalDecoder.merchantId(), sink);
                break;

            case SetBlockedDecoder.TEMPLATE_ID:
                setBlockedDecoder.wrap(buffer, bodyOffset, blockLength, version);
                onSetBlocked(setBlockedDecoder.partyTypeRaw(), setBlockedDecoder.partyId(),
                    setBlockedDecoder.blockedRaw(), sink);
                break;

            case TickDecoder.TEMPLATE_ID:
                replyAck(ResultCode.OK, TickDecoder.TEMPLATE_ID, 0, sink);
                break;

            default:
                answerQuery(templateId, buffer, bodyOffset, blockLength, version, sink);
                break;
        }
    }

    /**
     * Answers a query from the current state. Queries are not journaled and change nothing; a command passed here
     * is refused with {@code UNKNOWN_MESSAGE_TYPE}.
     */
    public void onQuery(final DirectBuffer buffer, final int offset, final int length, final ReplySink sink)
    {
        final ResultCode check = CommandCatalog.check(buffer, offset, length);
        if (check != ResultCode.OK)
        {
            replyError(check, length >= CommandCatalog.HEADER_LENGTH ? CommandCatalog.templateId(buffer, offset) : 0,
                sink);
            return;
        }
        headerDecoder.wrap(buffer, offset);
        final int templateId = headerDecoder.templateId();
        if (!CommandCatalog.isQuery(templateId))
        {
            replyError(ResultCode.UNKNOWN_MESSAGE_TYPE, templateId, sink);
            return;
        }
        answerQuery(templateId, buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH, headerDecoder.blockLength(),
            headerDecoder.version(), sink);
    }

    // ------------------------------------------------------------------------------------------------ payments

    private void onTryOrPay(
        final int kind,
        final long merchantId,
        final long terminalId,
        final long paymentId,
        final long consumerId,
        final long amountFen,
        final long ttlMs,
        final ReplySink sink)
    {
        ResultCode code = checkPartiesOfPayment(merchantId, terminalId, paymentId);
        if (code == ResultCode.OK)
        {
            code = checkAmount(amountFen);
        }
        if (code == ResultCode.OK && kind == TEMPLATE_TRY && (ttlMs <= 0 || ttlMs > config.ttlMsMax))
        {
            code = ResultCode.TTL_OUT_OF_RANGE;
        }
        if (code != ResultCode.OK)
        {
            replyPayment(code, kind, merchantId, paymentId, amountFen, 0, sink);
            return;
        }

        // Validation refusals (above and here) are answered before the key is looked at and are not recorded.
        final int consumerIndex = consumerId > 0 ? consumers.indexOf(consumerId) : -1;
        if (consumerIndex < 0)
        {
            replyPayment(consumerId <= 0 ? ResultCode.INVALID_ID : ResultCode.UNKNOWN_CONSUMER, kind, merchantId,
                paymentId, amountFen, 0, sink);
            return;
        }
        final int existing = records.find(RecordTable.NAMESPACE_PAYMENT, merchantId, paymentId);
        if (existing >= 0)
        {
            replyRepeatedTryOrPay(existing, kind, merchantId, terminalId, paymentId, consumerIndex, amountFen, ttlMs,
                sink);
            return;
        }

        // A full table decides nothing: not recorded, so a retry may succeed.
        if (kind == TEMPLATE_TRY && holds.isFull())
        {
            replyPayment(ResultCode.LIMIT_HOLDS, kind, merchantId, paymentId, amountFen, 0, sink);
            return;
        }
        final int record = records.insert(RecordTable.NAMESPACE_PAYMENT, merchantId, paymentId, nowMs);
        if (record < 0)
        {
            replyPayment(ResultCode.LIMIT_KEYS, kind, merchantId, paymentId, amountFen, 0, sink);
            return;
        }

        final int merchantIndex = checkedMerchantIndex;
        final int terminalIndex = checkedTerminalIndex;
        records.set(record, RecordTable.CONSUMER_INDEX, consumerIndex);
        records.set(record, RecordTable.MERCHANT_INDEX, merchantIndex);
        records.set(record, RecordTable.AMOUNT_FEN, amountFen);
        records.set(record, RecordTable.LINK_ID, terminalId);
        records.set(record, RecordTable.TTL_MS, ttlMs);

        // From here on the outcome is decided and recorded under the key, refusals included.
        if (merchants.hasFlag(merchantIndex, MerchantBook.FLAG_BLOCKED))
        {
            code = ResultCode.MERCHANT_BLOCKED;
        }
        else if (terminals.isBlocked(terminalIndex))
        {
            code = ResultCode.TERMINAL_BLOCKED;
        }
        else if (consumers.isBlocked(consumerIndex))
        {
            code = ResultCode.CONSUMER_BLOCKED;
        }
        else if (consumers.get(consumerIndex, ConsumerBook.WALLET_FEN) < amountFen)
        {
            code = ResultCode.INSUFFICIENT_FUNDS;
        }

        if (code != ResultCode.OK)
        {
            records.setKindAndFirstCode(record, kind, code.value());
            records.setState(record, PaymentState.REJECTED.value());
            records.finish(record, nowMs);
            replyPayment(code, kind, merchantId, paymentId, amountFen, 0, sink);
            return;
        }

        consumers.add(consumerIndex, ConsumerBook.WALLET_FEN, -amountFen);
        records.setKindAndFirstCode(record, kind, ResultCode.OK.value());
        if (kind == TEMPLATE_TRY)
        {
            consumers.add(consumerIndex, ConsumerBook.HELD_FEN, amountFen);
            totalHeldFen += amountFen;
            merchants.add(merchantIndex, MerchantBook.HOLDS_LIVE_COUNT, 1);
            merchants.add(merchantIndex, MerchantBook.HOLDS_LIVE_FEN, amountFen);
            records.set(record, RecordTable.EXPIRES_AT_MS, nowMs + ttlMs);
            records.setState(record, PaymentState.HELD.value());
            holds.add(record);
            replyPayment(ResultCode.OK, kind, merchantId, paymentId, amountFen, 0, sink);
        }
        else
        {
            settle(record);
            replyPayment(ResultCode.OK, kind, merchantId, paymentId, amountFen,
                records.get(record, RecordTable.POINTS_EARNED), sink);
        }
    }

    private void replyRepeatedTryOrPay(
        final int record,
        final int kind,
        final long merchantId,
        final long terminalId,
        final long paymentId,
        final int consumerIndex,
        final long amountFen,
        final long ttlMs,
        final ReplySink sink)
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
        else if (records.get(record, RecordTable.CONSUMER_INDEX) != consumerIndex)
        {
            code = ResultCode.EXISTS_WITH_DIFFERENT_CONSUMER;
        }
        else if (records.get(record, RecordTable.AMOUNT_FEN) != amountFen)
        {
            code = ResultCode.EXISTS_WITH_DIFFERENT_AMOUNT;
        }
        else if (records.get(record, RecordTable.LINK_ID) != terminalId)
        {
            code = ResultCode.EXISTS_WITH_DIFFERENT_TERMINAL;
        }
        else if (records.get(record, RecordTable.TTL_MS) != ttlMs)
        {
            code = ResultCode.EXISTS_WITH_DIFFERENT_TTL;
        }
        else
        {
            // The same command again: the first reply, unchanged.
            final long points = kind == TEMPLATE_PAY ? records.get(record, RecordTable.POINTS_EARNED) : 0;
            replyPayment(ResultCode.get(records.firstCode(record)), kind, merchantId, paymentId, amountFen, points,
                sink);
            return;
        }
        replyPayment(code, kind, merchantId, paymentId, amountFen, 0, sink);
    }

    private void onConfirm(final long merchantId, final long terminalId, final long paymentId, final ReplySink sink)
    {
        final int template = PaymentConfirmDecoder.TEMPLATE_ID;
        final ResultCode partiesCode = checkPartiesOfPayment(merchantId, terminalId, paymentId);
        if (partiesCode != ResultCode.OK)
        {
            replyPayment(partiesCode, template, merchantId, paymentId, 0, 0, sink);
            return;
        }
        final int record = records.find(RecordTable.NAMESPACE_PAYMENT, merchantId, paymentId);
        if (record < 0)
        {
            // Not recorded: a Confirm racing ahead of its Try must not fence the Try out.
            replyPayment(ResultCode.PAYMENT_NOT_FOUND, template, merchantId, paymentId, 0, 0, sink);
            return;
        }
        final long amountFen = records.get(record, RecordTable.AMOUNT_FEN);
        if (records.kind(record) == TEMPLATE_PAY)
        {
            replyPayment(ResultCode.NOT_TWO_PHASE, template, merchantId, paymentId, amountFen, 0, sink);
            return;
        }
        final ResultCode code;
        switch (PaymentState.get((short)records.state(record)))
        {
            case HELD:
                if (records.get(record, RecordTable.EXPIRES_AT_MS) <= nowMs)
                {
                    expire(record);
                    code = ResultCode.HOLD_EXPIRED;
                }
                else
                {
                    releaseHold(record);
                    settle(record);
                    code = ResultCode.OK;
                }
                break;
            case CONFIRMED:
                code = ResultCode.OK;
                break;
            case CANCELLED:
            case CANCELLED_BEFORE_TRY:
                code = ResultCode.ALREADY_CANCELLED;
                break;
            case EXPIRED:
                code = ResultCode.HOLD_EXPIRED;
                break;
            case REJECTED:
                code = ResultCode.PAYMENT_WAS_REJECTED;
                break;
            default:
                throw new IllegalStateException("payment record in state " + records.state(record));
        }
        final long points = code == ResultCode.OK ? records.get(record, RecordTable.POINTS_EARNED) : 0;
        replyPayment(code, template, merchantId, paymentId, amountFen, points, sink);
    }

    private void onCancel(final long merchantId, final long terminalId, final long paymentId, final ReplySink sink)
    {
        final int template = TEMPLATE_CANCEL;
        final ResultCode partiesCode = checkPartiesOfPayment(merchantId, terminalId, paymentId);
        if (partiesCode != ResultCode.OK)
        {
            replyPayment(partiesCode, template, merchantId, paymentId, 0, 0, sink);
            return;
        }
        int record = records.find(RecordTable.NAMESPACE_PAYMENT, merchantId, paymentId);
        if (record < 0)
        {
            // Empty rollback: remember the Cancel so that a Try arriving late cannot leave a hanging hold.
            record = records.insert(RecordTable.NAMESPACE_PAYMENT, merchantId, paymentId, nowMs);
            if (record < 0)
            {
                replyPayment(ResultCode.LIMIT_KEYS, template, merchantId, paymentId, 0, 0, sink);
                return;
            }
            records.set(record, RecordTable.MERCHANT_INDEX, checkedMerchantIndex);
            records.set(record, RecordTable.LINK_ID, terminalId);
            records.setKindAndFirstCode(record, TEMPLATE_CANCEL, ResultCode.OK_EMPTY_ROLLBACK.value());
            records.setState(record, PaymentState.CANCELLED_BEFORE_TRY.value());
            records.finish(record, nowMs);
            replyPayment(ResultCode.OK_EMPTY_ROLLBACK, template, merchantId, paymentId, 0, 0, sink);
            return;
        }
        final long amountFen = records.get(record, RecordTable.AMOUNT_FEN);
        if (records.kind(record) == TEMPLATE_PAY)
        {
            replyPayment(ResultCode.NOT_TWO_PHASE, template, merchantId, paymentId, amountFen, 0, sink);
            return;
        }
        final ResultCode code;
        switch (PaymentState.get((short)records.state(record)))
        {
            case HELD:
                if (records.get(record, RecordTable.EXPIRES_AT_MS) <= nowMs)
                {
                    expire(record);
                    code = ResultCode.HOLD_EXPIRED;
                }
                else
                {
                    cancelHold(record);
                    code = ResultCode.OK;
                }
                break;
            case CANCELLED:
                code = ResultCode.OK;
                break;
            case CANCELLED_BEFORE_TRY:
                code = ResultCode.OK_EMPTY_ROLLBACK;
                break;
            case CONFIRMED:
                code = ResultCode.ALREADY_CONFIRMED;
                break;
            case EXPIRED:
                code = ResultCode.HOLD_EXPIRED;
                break;
            case REJECTED:
                code = ResultCode.PAYMENT_WAS_REJECTED;
                break;
            default:
                throw new IllegalStateException("payment record in state " + records.state(record));
        }
        replyPayment(code, template, merchantId, paymentId, amountFen, 0, sink);
    }

    private void onRefund(
        final long merchantId,
        final long terminalId,
        final long paymentId,
        final long refundId,
        final long amountFen,
        final ReplySink sink)
    {
        ResultCode code = checkPartiesOfPayment(merchantId, terminalId, paymentId);
        if (code == ResultCode.OK)
        {
            code = refundId <= 0 ? ResultCode.INVALID_ID : checkAmount(amountFen);
        }
        if (code != ResultCode.OK)
        {
            replyRefund(code, merchantId, paymentId, refundId, amountFen, sink);
            return;
        }
        final int existing = records.find(RecordTable.NAMESPACE_REFUND, merchantId, refundId);
        if (existing >= 0)
        {
            if (records.get(existing, RecordTable.LINK_ID) != paymentId)
            {
                code = ResultCode.EXISTS_WITH_DIFFERENT_PAYMENT;
            }
            else if (records.get(existing, RecordTable.AMOUNT_FEN) != amountFen)
            {
                code = ResultCode.EXISTS_WITH_DIFFERENT_AMOUNT;
            }
            else
            {
                code = ResultCode.get(records.firstCode(existing));
            }
            replyRefund(code, merchantId, paymentId, refundId, amountFen, sink);
            return;
        }

        // Insert first: making room may forget an old payment, which must then read as not found.
        final int refund = records.insert(RecordTable.NAMESPACE_REFUND, merchantId, refundId, nowMs);
        if (refund < 0)
        {
            replyRefund(ResultCode.LIMIT_KEYS, merchantId, paymentId, refundId, amountFen, sink);
            return;
        }
        final int merchantIndex = checkedMerchantIndex;
        records.set(refund, RecordTable.MERCHANT_INDEX, merchantIndex);
        records.set(refund, RecordTable.LINK_ID, paymentId);
        records.set(refund, RecordTable.AMOUNT_FEN, amountFen);

        code = applyRefund(records.find(RecordTable.NAMESPACE_PAYMENT, merchantId, paymentId), merchantIndex,
            amountFen, refund);
        records.setKindAndFirstCode(refund, RefundDecoder.TEMPLATE_ID, code.value());
        records.setState(refund, code == ResultCode.OK ? PaymentState.CONFIRMED.value() :
            PaymentState.REJECTED.value());
        records.finish(refund, nowMs);
        replyRefund(code, merchantId, paymentId, refundId, amountFen, sink);
    }

    /**
     * Reverses {@code amountFen} of a confirmed payment: cash back to the wallet, and pool, alliance share, fee and
     * points in proportion. Proportions are cumulative ({@code part * refundedTotal / amount}, rounded toward zero)
     * so that a full refund, in any number of parts, reverses each part exactly.
     */
    private ResultCode applyRefund(final int payment, final int merchantIndex, final long amountFen, final int refund)
    {
        if (payment < 0)
        {
            return ResultCode.PAYMENT_NOT_FOUND;
        }
        if (records.state(payment) != PaymentState.CONFIRMED.value())
        {
            return ResultCode.PAYMENT_NOT_CONFIRMED;
        }
        final long paidFen = records.get(payment, RecordTable.AMOUNT_FEN);
        final long refundedBefore = records.get(payment, RecordTable.REFUNDED_FEN);
        final long refundedAfter = refundedBefore + amountFen;
        if (refundedAfter > paidFen)
        {
            return ResultCode.REFUND_EXCEEDS_PAID;
        }
        final long poolBack = proportionDelta(records.get(payment, RecordTable.POOL_FEN), refundedBefore,
            refundedAfter, paidFen);
        final long allianceBack = proportionDelta(records.get(payment, RecordTable.ALLIANCE_FEN), refundedBefore,
            refundedAfter, paidFen);
        final long feeBack = proportionDelta(records.get(payment, RecordTable.FEE_FEN), refundedBefore,
            refundedAfter, paidFen);
        final long pointsBack = proportionDelta(records.get(payment, RecordTable.POINTS_EARNED), refundedBefore,
            refundedAfter, paidFen);
        final long settlementBack = amountFen - poolBack - allianceBack - feeBack;
        final int consumerIndex = (int)records.get(payment, RecordTable.CONSUMER_INDEX);
        final int allianceIndex = (int)records.get(payment, RecordTable.ALLIANCE_MERCHANT_INDEX);

        if (merchants.get(merchantIndex, MerchantBook.SETTLEMENT_FEN) < settlementBack)
        {
            return ResultCode.INSUFFICIENT_SETTLEMENT;
        }
        if (merchants.get(merchantIndex, MerchantBook.POOL_FEN) < poolBack)
        {
            return ResultCode.INSUFFICIENT_POOL;
        }
        if (allianceBack > 0 && merchants.get(allianceIndex, MerchantBook.ALLIANCE_EARNINGS_FEN) < allianceBack)
        {
            return ResultCode.INSUFFICIENT_ALLIANCE_EARNINGS;
        }
        if (consumers.get(consumerIndex, ConsumerBook.WALLET_FEN) + amountFen > config.walletFenMax)
        {
            return ResultCode.BALANCE_LIMIT_EXCEEDED;
        }
        if (platformFeesFen < feeBack)
        {
            throw new IllegalStateException("platform fees below a fee to reverse: " + platformFeesFen);
        }

        merchants.add(merchantIndex, MerchantBook.SETTLEMENT_FEN, -settlementBack);
        merchants.add(merchantIndex, MerchantBook.POOL_FEN, -poolBack);
        merchants.add(merchantIndex, MerchantBook.FEES_FEN, -feeBack);
        merchants.add(merchantIndex, MerchantBook.REFUNDS_COUNT, 1);
        merchants.add(merchantIndex, MerchantBook.REFUNDS_FEN, amountFen);
        if (allianceBack > 0)
        {
            merchants.add(allianceIndex, MerchantBook.ALLIANCE_EARNINGS_FEN, -allianceBack);
        }
        platformFeesFen -= feeBack;
        consumers.add(consumerIndex, ConsumerBook.WALLET_FEN, amountFen);
        consumers.add(consumerIndex, ConsumerBook.POINTS, -pointsBack);
        records.set(payment, RecordTable.REFUNDED_FEN, refundedAfter);
        records.set(refund, RecordTable.CONSUMER_INDEX, consumerIndex);
        return ResultCode.OK;
    }

    private static long proportionDelta(final long part, final long before, final long after, final long whole)
    {
        return part * after / whole - part * before / whole;
    }

    /**
     * Pays a sale of gross A to the merchant (cash already taken from the wallet or the hold): pool, alliance share
     * and platform fee are cut from A, each rounded toward zero; the rest is the merchant's settlement.
     */
    private void settle(final int record)
    {
        final int merchantIndex = (int)records.get(record, RecordTable.MERCHANT_INDEX);
        final int consumerIndex = (int)records.get(record, RecordTable.CONSUMER_INDEX);
        final long amountFen = records.get(record, RecordTable.AMOUNT_FEN);

        final long poolFen = amountFen * merchants.get(merchantIndex, MerchantBook.POOL_RATE_BPS) / BPS;
        final long feeFen = amountFen * merchants.get(merchantIndex, MerchantBook.PLATFORM_FEE_BPS) / BPS;
        final int homeIndex = (int)consumers.get(consumerIndex, ConsumerBook.HOME_MERCHANT_INDEX);
        long allianceFen = 0;
        if (homeIndex >= 0 && homeIndex != merchantIndex &&
            merchants.hasFlag(merchantIndex, MerchantBook.FLAG_ALLIANCE_MEMBER) &&
            merchants.hasFlag(homeIndex, MerchantBook.FLAG_ALLIANCE_MEMBER))
        {
            allianceFen = amountFen * merchants.get(merchantIndex, MerchantBook.ALLIANCE_SHARE_BPS) / BPS;
            merchants.add(homeIndex, MerchantBook.ALLIANCE_EARNINGS_FEN, allianceFen);
            records.set(record, RecordTable.ALLIANCE_MERCHANT_INDEX, homeIndex);
        }
        final long points = amountFen * merchants.get(merchantIndex, MerchantBook.POINTS_PER_YUAN) / FEN_PER_YUAN;

        merchants.add(merchantIndex, MerchantBook.SETTLEMENT_FEN, amountFen - poolFen - allianceFen - feeFen);
        merchants.add(merchantIndex, MerchantBook.POOL_FEN, poolFen);
        merchants.add(merchantIndex, MerchantBook.FEES_FEN, feeFen);
        merchants.add(merchantIndex, MerchantBook.SALES_COUNT, 1);
        merchants.add(merchantIndex, MerchantBook.SALES_FEN, amountFen);
        platformFeesFen += feeFen;
        consumers.add(consumerIndex, ConsumerBook.POINTS, points);
        consumers.add(consumerIndex, ConsumerBook.CONSUMPTION_FEN, amountFen);

        records.set(record, RecordTable.POOL_FEN, poolFen);
        records.set(record, RecordTable.ALLIANCE_FEN, allianceFen);
        records.set(record, RecordTable.FEE_FEN, feeFen);
        records.set(record, RecordTable.POINTS_EARNED, points);
        records.setState(record, PaymentState.CONFIRMED.value());
        records.finish(record, nowMs);
    }

    /** Moves a live hold's cash out of the held balance (Confirm), leaving the record to the caller. */
    private void releaseHold(final int record)
    {
        final int consumerIndex = (int)records.get(record, RecordTable.CONSUMER_INDEX);
        final int merchantIndex = (int)records.get(record, RecordTable.MERCHANT_INDEX);
        final long amountFen = records.get(record, RecordTable.AMOUNT_FEN);
        holds.remove(record);
        consumers.add(consumerIndex, ConsumerBook.HELD_FEN, -amountFen);
        totalHeldFen -= amountFen;
        merchants.add(merchantIndex, MerchantBook.HOLDS_LIVE_COUNT, -1);
        merchants.add(merchantIndex, MerchantBook.HOLDS_LIVE_FEN, -amountFen);
    }

    private void cancelHold(final int record)
    {
        releaseHold(record);
        returnHoldToWallet(record);
        merchants.add((int)records.get(record, RecordTable.MERCHANT_INDEX), MerchantBook.HOLDS_CANCELLED_COUNT, 1);
        records.setState(record, PaymentState.CANCELLED.value());
        records.finish(record, nowMs);
    }

    private void expire(final int record)
    {
        releaseHold(record);
        returnHoldToWallet(record);
        final int merchantIndex = (int)records.get(record, RecordTable.MERCHANT_INDEX);
        merchants.add(merchantIndex, MerchantBook.HOLDS_EXPIRED_COUNT, 1);
        merchants.add(merchantIndex, MerchantBook.HOLDS_EXPIRED_FEN, records.get(record, RecordTable.AMOUNT_FEN));
        records.setState(record, PaymentState.EXPIRED.value());
        records.finish(record, nowMs);
    }

    private void returnHoldToWallet(final int record)
    {
        consumers.add((int)records.get(record, RecordTable.CONSUMER_INDEX), ConsumerBook.WALLET_FEN,
            records.get(record, RecordTable.AMOUNT_FEN));
    }

    /** Expires holds whose ttl has passed, at most a bounded number per input; later inputs continue the work. */
    private void expireDueHolds()
    {
        for (int i = 0; i < config.expiriesPerCommandMax; i++)
        {
            final int record = holds.peek();
            if (record < 0 || records.get(record, RecordTable.EXPIRES_AT_MS) > nowMs)
            {
                return;
            }
            expire(record);
        }
    }

    private ResultCode checkPartiesOfPayment(final long merchantId, final long terminalId, final long paymentId)
    {
        if (merchantId <= 0 || terminalId <= 0 || paymentId <= 0)
        {
            return ResultCode.INVALID_ID;
        }
        final int merchantIndex = merchants.indexOf(merchantId);
        if (merchantIndex < 0)
        {
            return ResultCode.UNKNOWN_MERCHANT;
        }
        final int terminalIndex = terminals.indexOf(terminalId);
        if (terminalIndex < 0)
        {
            return ResultCode.UNKNOWN_TERMINAL;
        }
        if (terminals.merchantIndex(terminalIndex) != merchantIndex)
        {
            return ResultCode.TERMINAL_NOT_OF_MERCHANT;
        }
        checkedMerchantIndex = merchantIndex;
        checkedTerminalIndex = terminalIndex;
        return ResultCode.OK;
    }

    private ResultCode checkAmount(final long amountFen)
    {
        return amountFen <= 0 || amountFen > config.amountFenMax ? ResultCode.AMOUNT_OUT_OF_RANGE : ResultCode.OK;
    }

    // ------------------------------------------------------------------------------------------------ funds

    private void onTopUp(final long consumerId, final long externalRef, final long amountFen, final ReplySink sink)
    {
        final int template = TopUpDecoder.TEMPLATE_ID;
        ResultCode code = consumerId <= 0 || externalRef <= 0 ? ResultCode.INVALID_ID : checkAmount(amountFen);
        if (code != ResultCode.OK)
        {
            replyAck(code, template, externalRef, sink);
            return;
        }
        final int consumerIndex = consumers.indexOf(consumerId);
        if (consumerIndex < 0)
        {
            replyAck(ResultCode.UNKNOWN_CONSUMER, template, externalRef, sink);
            return;
        }
        final int existing = records.find(RecordTable.NAMESPACE_TOP_UP, 0, externalRef);
        if (existing >= 0)
        {
            if (records.get(existing, RecordTable.CONSUMER_INDEX) != consumerIndex)
            {
                code = ResultCode.EXISTS_WITH_DIFFERENT_CONSUMER;
            }
            else if (records.get(existing, RecordTable.AMOUNT_FEN) != amountFen)
            {
                code = ResultCode.EXISTS_WITH_DIFFERENT_AMOUNT;
            }
            else
            {
                code = ResultCode.get(records.firstCode(existing));
            }
            replyAck(code, template, externalRef, sink);
            return;
        }
        final int record = records.insert(RecordTable.NAMESPACE_TOP_UP, 0, externalRef, nowMs);
        if (record < 0)
        {
            replyAck(ResultCode.LIMIT_KEYS, template, externalRef, sink);
            return;
        }
        records.set(record, RecordTable.CONSUMER_INDEX, consumerIndex);
        records.set(record, RecordTable.AMOUNT_FEN, amountFen);
        if (consumers.get(consumerIndex, ConsumerBook.WALLET_FEN) + amountFen > config.walletFenMax)
        {
            code = ResultCode.BALANCE_LIMIT_EXCEEDED;
        }
        else
        {
            consumers.add(consumerIndex, ConsumerBook.WALLET_FEN, amountFen);
            totalTopUpsFen += amountFen;
        }
        finishFundsRecord(record, template, code);
        replyAck(code, template, externalRef, sink);
    }

    private void onWithdraw(final long merchantId, final long withdrawalId, final long amountFen, final ReplySink sink)
    {
        final int template = WithdrawDecoder.TEMPLATE_ID;
        ResultCode code = merchantId <= 0 || withdrawalId <= 0 ? ResultCode.INVALID_ID : checkAmount(amountFen);
        final int merchantIndex = code == ResultCode.OK ? merchants.indexOf(merchantId) : -1;
        if (code == ResultCode.OK && merchantIndex < 0)
        {
            code = ResultCode.UNKNOWN_MERCHANT;
        }
        if (code != ResultCode.OK)
        {
            replyAck(code, template, withdrawalId, sink);
            return;
        }
        final int existing = records.find(RecordTable.NAMESPACE_WITHDRAWAL, merchantId, withdrawalId);
        if (existing >= 0)
        {
            code = records.get(existing, RecordTable.AMOUNT_FEN) != amountFen ?
                ResultCode.EXISTS_WITH_DIFFERENT_AMOUNT : ResultCode.get(records.firstCode(existing));
            replyAck(code, template, withdrawalId, sink);
            return;
        }
        final int record = records.insert(RecordTable.NAMESPACE_WITHDRAWAL, merchantId, withdrawalId, nowMs);
        if (record < 0)
        {
            replyAck(ResultCode.LIMIT_KEYS, template, withdrawalId, sink);
            return;
        }
        records.set(record, RecordTable.MERCHANT_INDEX, merchantIndex);
        records.set(record, RecordTable.AMOUNT_FEN, amountFen);
        if (merchants.hasFlag(merchantIndex, MerchantBook.FLAG_BLOCKED))
        {
            code = ResultCode.MERCHANT_BLOCKED;
        }
        else if (merchants.get(merchantIndex, MerchantBook.SETTLEMENT_FEN) < amountFen)
        {
            code = ResultCode.INSUFFICIENT_SETTLEMENT;
        }
        else
        {
            merchants.add(merchantIndex, MerchantBook.SETTLEMENT_FEN, -amountFen);
            merchants.add(merchantIndex, MerchantBook.WITHDRAWN_FEN, amountFen);
            totalWithdrawnFen += amountFen;
        }
        finishFundsRecord(record, template, code);
        replyAck(code, template, withdrawalId, sink);
    }

    private void finishFundsRecord(final int record, final int template, final ResultCode code)
    {
        records.setKindAndFirstCode(record, template, code.value());
        records.setState(record, code == ResultCode.OK ? PaymentState.CONFIRMED.value() :
            PaymentState.REJECTED.value());
        records.finish(record, nowMs);
    }

    // ------------------------------------------------------------------------------------------------ registry

    private void onRegisterMerchant(final RegisterMerchantDecoder decoder, final ReplySink sink)
    {
        final int template = RegisterMerchantDecoder.TEMPLATE_ID;
        final long merchantId = decoder.merchantId();
        final long pointsPerYuan = decoder.pointsPerYuan();
        final long poolRateBps = decoder.poolRateBps();
        final long allianceShareBps = decoder.allianceShareBps();
        final long platformFeeBps = decoder.platformFeeBps();
        final short allianceMember = decoder.allianceMemberRaw();

        final ResultCode code;
        if (merchantId <= 0)
        {
            code = ResultCode.INVALID_ID;
        }
        else if (allianceMember != 0 && allianceMember != 1)
        {
            code = ResultCode.MALFORMED_MESSAGE;
        }
        else if (pointsPerYuan < 0 || pointsPerYuan > POINTS_PER_YUAN_MAX || poolRateBps < 0 ||
            allianceShareBps < 0 || platformFeeBps < 0 || poolRateBps + allianceShareBps + platformFeeBps > BPS)
        {
            code = ResultCode.RATE_OUT_OF_RANGE;
        }
        else
        {
            final int existing = merchants.indexOf(merchantId);
            if (existing >= 0)
            {
                final boolean same = merchants.get(existing, MerchantBook.POINTS_PER_YUAN) == pointsPerYuan &&
                    merchants.get(existing, MerchantBook.POOL_RATE_BPS) == poolRateBps &&
                    merchants.get(existing, MerchantBook.ALLIANCE_SHARE_BPS) == allianceShareBps &&
                    merchants.get(existing, MerchantBook.PLATFORM_FEE_BPS) == platformFeeBps &&
                    merchants.hasFlag(existing, MerchantBook.FLAG_ALLIANCE_MEMBER) == (allianceMember == 1);
                code = same ? ResultCode.OK : ResultCode.MERCHANT_EXISTS_WITH_DIFFERENT_FIELDS;
            }
            else if (merchants.isFull())
            {
                code = ResultCode.LIMIT_MERCHANTS;
            }
            else
            {
                final int index = merchants.add(merchantId);
                merchants.set(index, MerchantBook.POINTS_PER_YUAN, pointsPerYuan);
                merchants.set(index, MerchantBook.POOL_RATE_BPS, poolRateBps);
                merchants.set(index, MerchantBook.ALLIANCE_SHARE_BPS, allianceShareBps);
                merchants.set(index, MerchantBook.PLATFORM_FEE_BPS, platformFeeBps);
                merchants.setFlag(index, MerchantBook.FLAG_ALLIANCE_MEMBER, allianceMember == 1);
                code = ResultCode.OK;
            }
        }
        replyAck(code, template, merchantId, sink);
    }

    private void onRegisterConsumer(final long consumerId, final long homeMerchantId, final ReplySink sink)
    {
        final int template = RegisterConsumerDecoder.TEMPLATE_ID;
        final ResultCode code;
        final int homeIndex = homeMerchantId > 0 ? merchants.indexOf(homeMerchantId) : -1;
        if (consumerId <= 0 || homeMerchantId < 0)
        {
            code = ResultCode.INVALID_ID;
        }
        else if (homeMerchantId > 0 && homeIndex < 0)
        {
            code = ResultCode.UNKNOWN_HOME_MERCHANT;
        }
        else
        {
            final int existing = consumers.indexOf(consumerId);
            if (existing >= 0)
            {
                code = consumers.get(existing, ConsumerBook.HOME_MERCHANT_INDEX) == homeIndex ?
                    ResultCode.OK : ResultCode.CONSUMER_EXISTS_WITH_DIFFERENT_FIELDS;
            }
            else if (consumers.isFull())
            {
                code = ResultCode.LIMIT_CONSUMERS;
            }
            else
            {
                consumers.add(consumerId, homeIndex);
                code = ResultCode.OK;
            }
        }
        replyAck(code, template, consumerId, sink);
    }

    private void onRegisterTerminal(final long terminalId, final long merchantId, final ReplySink sink)
    {
        final int template = RegisterTerminalDecoder.TEMPLATE_ID;
        final ResultCode code;
        final int merchantIndex = merchantId > 0 ? merchants.indexOf(merchantId) : -1;
        if (terminalId <= 0 || merchantId <= 0)
        {
            code = ResultCode.INVALID_ID;
        }
        else if (merchantIndex < 0)
        {
            code = ResultCode.UNKNOWN_MERCHANT;
        }
        else
        {
            final int existing = terminals.indexOf(terminalId);
            if (existing >= 0)
            {
                code = terminals.merchantIndex(existing) == merchantIndex ?
                    ResultCode.OK : ResultCode.TERMINAL_EXISTS_WITH_DIFFERENT_FIELDS;
            }
            else if (terminals.isFull())
            {
                code = ResultCode.LIMIT_TERMINALS;
            }
            else
            {
                terminals.add(terminalId, merchantIndex);
                code = ResultCode.OK;
            }
        }
        replyAck(code, template, terminalId, sink);
    }

    private void onSetBlocked(final short partyType, final long partyId, final short blocked, final ReplySink sink)
    {
        final int template = SetBlockedDecoder.TEMPLATE_ID;
        ResultCode code = ResultCode.OK;
        if (blocked != 0 && blocked != 1)
        {
            code = ResultCode.MALFORMED_MESSAGE;
        }
        else if (partyType == PartyType.CONSUMER.value())
        {
            final int index = consumers.indexOf(partyId);
            if (index < 0)
            {
                code = ResultCode.UNKNOWN_CONSUMER;
            }
            else
            {
                consumers.setBlocked(index, blocked == 1);
            }
        }
        else if (partyType == PartyType.MERCHANT.value())
        {
            final int index = merchants.indexOf(partyId);
            if (index < 0)
            {
                code = ResultCode.UNKNOWN_MERCHANT;
            }
            else
            {
                merchants.setFlag(index, MerchantBook.FLAG_BLOCKED, blocked == 1);
            }
        }
        else if (partyType == PartyType.TERMINAL.value())
        {
            final int index = terminals.indexOf(partyId);
            if (index < 0)
            {
                code = ResultCode.UNKNOWN_TERMINAL;
            }
            else
            {
                terminals.setBlocked(index, blocked == 1);
            }
        }
        else
        {
            code = ResultCode.MALFORMED_MESSAGE;
        }
        replyAck(code, template, partyId, sink);
    }

    // ------------------------------------------------------------------------------------------------ queries

    private void answerQuery(
        final int templateId,
        final DirectBuffer buffer,
        final int bodyOffset,
        final int blockLength,
        final int version,
        final ReplySink sink)
    {
        switch (templateId)
        {
            case BalanceQueryDecoder.TEMPLATE_ID:
                balanceQueryDecoder.wrap(buffer, bodyOffset, blockLength, version);
                answerBalance(balanceQueryDecoder.consumerId(), sink);
                break;

            case PaymentStatusQueryDecoder.TEMPLATE_ID:
                paymentStatusQueryDecoder.wrap(buffer, bodyOffset, blockLength, version);
                answerPaymentStatus(paymentStatusQueryDecoder.merchantId(), paymentStatusQueryDecoder.paymentId(),
                    sink);
                break;

            case MerchantStatementQueryDecoder.TEMPLATE_ID:
                statementQueryDecoder.wrap(buffer, bodyOffset, blockLength, version);
                answerStatement(statementQueryDecoder.merchantId(), sink);
                break;

            case StateHashQueryDecoder.TEMPLATE_ID:
                stateHashReplyEncoder.wrapAndApplyHeader(replyBuffer, 0, headerEncoder)
                    .code(ResultCode.OK)
                    .lastSequence(lastSequence)
                    .stateHash(stateHash());
                send(stateHashReplyEncoder.encodedLength(), sink);
                break;

            default:
                replyError(ResultCode.UNKNOWN_MESSAGE_TYPE, templateId, sink);
                break;
        }
    }

    private void answerBalance(final long consumerId, final ReplySink sink)
    {
        final int index = consumers.indexOf(consumerId);
        balanceReplyEncoder.wrapAndApplyHeader(replyBuffer, 0, headerEncoder)
            .code(index < 0 ? ResultCode.UNKNOWN_CONSUMER : ResultCode.OK)
            .consumerId(consumerId)
            .walletFen(index < 0 ? 0 : consumers.get(index, ConsumerBook.WALLET_FEN))
            .heldFen(index < 0 ? 0 : consumers.get(index, ConsumerBook.HELD_FEN))
            .points(index < 0 ? 0 : consumers.get(index, ConsumerBook.POINTS));
        send(balanceReplyEncoder.encodedLength(), sink);
    }

    private void answerPaymentStatus(final long merchantId, final long paymentId, final ReplySink sink)
    {
        final int record = records.find(RecordTable.NAMESPACE_PAYMENT, merchantId, paymentId);
        final PaymentStatusReplyEncoder encoder = paymentStatusReplyEncoder.wrapAndApplyHeader(
            replyBuffer, 0, headerEncoder);
        encoder.merchantId(merchantId).paymentId(paymentId);
        if (record < 0)
        {
            encoder.code(ResultCode.PAYMENT_NOT_FOUND).state(PaymentState.NONE).consumerId(0).amountFen(0)
                .refundedFen(0).expiresAtMs(0).firstResult(ResultCode.PAYMENT_NOT_FOUND);
        }
        else
        {
            final int consumerIndex = (int)records.get(record, RecordTable.CONSUMER_INDEX);
            encoder.code(ResultCode.OK)
                .state(PaymentState.get((short)records.state(record)))
                .consumerId(consumerIndex < 0 ? 0 : consumers.get(consumerIndex, ConsumerBook.ID))
                .amountFen(records.get(record, RecordTable.AMOUNT_FEN))
                .refundedFen(records.get(record, RecordTable.REFUNDED_FEN))
                .expiresAtMs(records.get(record, RecordTable.EXPIRES_AT_MS))
                .firstResult(ResultCode.get(records.firstCode(record)));
        }
        send(encoder.encodedLength(), sink);
    }

    private void answerStatement(final long merchantId, final ReplySink sink)
    {
        final int index = merchants.indexOf(merchantId);
        final MerchantStatementReplyEncoder encoder = statementReplyEncoder.wrapAndApplyHeader(
            replyBuffer, 0, headerEncoder);
        encoder.code(index < 0 ? ResultCode.UNKNOWN_MERCHANT : ResultCode.OK).merchantId(merchantId);
        encoder.settlementFen(statementField(index, MerchantBook.SETTLEMENT_FEN))
            .poolFen(statementField(index, MerchantBook.POOL_FEN))
            .allianceEarningsFen(statementField(index, MerchantBook.ALLIANCE_EARNINGS_FEN))
            .salesCount(statementField(index, MerchantBook.SALES_COUNT))
            .salesFen(statementField(index, MerchantBook.SALES_FEN))
            .refundsCount(statementField(index, MerchantBook.REFUNDS_COUNT))
            .refundsFen(statementField(index, MerchantBook.REFUNDS_FEN))
            .withdrawnFen(statementField(index, MerchantBook.WITHDRAWN_FEN))
            .holdsLiveCount(statementField(index, MerchantBook.HOLDS_LIVE_COUNT))
            .holdsLiveFen(statementField(index, MerchantBook.HOLDS_LIVE_FEN))
            .holdsExpiredCount(statementField(index, MerchantBook.HOLDS_EXPIRED_COUNT))
            .holdsExpiredFen(statementField(index, MerchantBook.HOLDS_EXPIRED_FEN))
            .holdsCancelledCount(statementField(index, MerchantBook.HOLDS_CANCELLED_COUNT))
            .feesFen(statementField(index, MerchantBook.FEES_FEN));
        send(encoder.encodedLength(), sink);
    }

    private long statementField(final int index, final int field)
    {
        return index < 0 ? 0 : merchants.get(index, field);
    }

    // ------------------------------------------------------------------------------------------------ replies

    private void replyAck(final ResultCode code, final int commandTemplateId, final long id, final ReplySink sink)
    {
        ackEncoder.wrapAndApplyHeader(replyBuffer, 0, headerEncoder)
            .code(code)
            .commandTemplateId(commandTemplateId)
            .id(id);
        send(ackEncoder.encodedLength(), sink);
    }

    private void replyPayment(
        final ResultCode code,
        final int commandTemplateId,
        final long merchantId,
        final long paymentId,
        final long amountFen,
        final long pointsEarned,
        final ReplySink sink)
    {
        paymentReplyEncoder.wrapAndApplyHeader(replyBuffer, 0, headerEncoder)
            .code(code)
            .commandTemplateId(commandTemplateId)
            .merchantId(merchantId)
            .paymentId(paymentId)
            .amountFen(amountFen)
            .pointsEarned(pointsEarned);
        send(paymentReplyEncoder.encodedLength(), sink);
    }

    private void replyRefund(
        final ResultCode code,
        final long merchantId,
        final long paymentId,
        final long refundId,
        final long amountFen,
        final ReplySink sink)
    {
        refundReplyEncoder.wrapAndApplyHeader(replyBuffer, 0, headerEncoder)
            .code(code)
            .merchantId(merchantId)
            .paymentId(paymentId)
            .refundId(refundId)
            .amountFen(amountFen);
        send(refundReplyEncoder.encodedLength(), sink);
    }

    private void replyError(final ResultCode code, final int templateId, final ReplySink sink)
    {
        errorReplyEncoder.wrapAndApplyHeader(replyBuffer, 0, headerEncoder)
            .code(code)
            .templateId(templateId & 0xFFFF);
        send(errorReplyEncoder.encodedLength(), sink);
    }

    private void send(final int bodyLength, final ReplySink sink)
    {
        sink.onReply(replyBuffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + bodyLength);
    }

    // ------------------------------------------------------------------------------------------------ state

    /** Sequence of the last applied journaled input (0 before the first). */
    public long lastSequence()
    {
        return lastSequence;
    }

    /** Engine time: the largest input timestamp seen so far. */
    public long nowMs()
    {
        return nowMs;
    }

    /**
     * A 64-bit hash over all state. Equal hashes after the same inputs are the determinism check between a live
     * run, a replay and a standby. Costs a pass over all state: an operator query, not a per-command call.
     */
    public long stateHash()
    {
        return StateHash.fold(stateHashIgnoringSequence(), lastSequence);
    }

    /**
     * The state hash without the last sequence: equal before and after an input that changed nothing, such as the
     * repeat of an idempotent command at the same time.
     */
    public long stateHashIgnoringSequence()
    {
        long hash = StateHash.fold(0x5741444941L, nowMs);
        hash = StateHash.fold(hash, totalTopUpsFen);
        hash = StateHash.fold(hash, totalWithdrawnFen);
        hash = StateHash.fold(hash, platformFeesFen);
        hash = StateHash.fold(hash, totalHeldFen);
        hash = consumers.hash(hash);
        hash = merchants.hash(hash);
        hash = terminals.hash(hash);
        return records.hash(hash);
    }

    public long totalTopUpsFen()
    {
        return totalTopUpsFen;
    }

    public long totalWithdrawnFen()
    {
        return totalWithdrawnFen;
    }

    public long platformFeesFen()
    {
        return platformFeesFen;
    }

    /** Sum of all live holds. */
    public long totalHeldFen()
    {
        return totalHeldFen;
    }

    public int consumerCount()
    {
        return consumers.count();
    }

    public int merchantCount()
    {
        return merchants.count();
    }

    public int liveHoldCount()
    {
        return holds.size();
    }

    public int rememberedKeyCount()
    {
        return records.size();
    }

    /**
     * Checks the conservation law and the balance invariants over the whole state (a full pass: for tests, the demo
     * and operators). Throws {@link IllegalStateException} naming the first broken invariant.
     */
    public void verifyInvariants()
    {
        verifyInvariants(true);
    }

    /**
     * As {@link #verifyInvariants()} but without the pass over remembered keys: a pass over parties only, cheap
     * enough to run after every command in tests.
     */
    public void verifyBalances()
    {
        verifyInvariants(false);
    }

    private void verifyInvariants(final boolean includeRecords)
    {
        long walletsFen = 0;
        long heldFen = 0;
        for (int i = 0; i < consumers.count(); i++)
        {
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
        long liveHoldsFen = 0;
        long liveHoldsCount = 0;
        for (int i = 0; i < merchants.count(); i++)
        {
            final long settlement = merchants.get(i, MerchantBook.SETTLEMENT_FEN);
            final long pool = merchants.get(i, MerchantBook.POOL_FEN);
            final long alliance = merchants.get(i, MerchantBook.ALLIANCE_EARNINGS_FEN);
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
        final long inside = walletsFen + heldFen + merchantsFen + platformFeesFen;
        final long outside = totalTopUpsFen - totalWithdrawnFen;
        if (inside != outside)
        {
            throw new IllegalStateException("conservation broken: balances " + inside + " != top-ups - withdrawals " +
                outside);
        }
    }
}
