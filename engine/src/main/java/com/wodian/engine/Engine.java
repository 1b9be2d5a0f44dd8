package com.wodian.engine;

import com.wodian.engine.risk.MerchantRiskBook;
import com.wodian.engine.risk.RiskControl;
import com.wodian.engine.risk.RiskEventLog;
import com.wodian.engine.risk.RiskFeatures;
import com.wodian.engine.risk.RiskModel;
import com.wodian.engine.risk.RiskModels;
import com.wodian.engine.risk.RiskRules;
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
    private static final long BPS = 10_000;
    private static final long POINTS_PER_YUAN_MAX = 100;

    private final EngineConfig config;
    private final ConsumerBook consumers;
    private final MerchantBook merchants;
    private final TerminalBook terminals;
    private final RecordTable records;
    private final ExpiryQueue holds;
    private final VoucherBook vouchers;
    private final ConsumptionBook consumption;
    private final PointsLedger pointsLedger;
    private final PoolDistribution distribution;
    private final RiskControl risk;
    private final CommandContext context = new CommandContext();
    private final EngineBooks books;
    private final Ledger ledger;
    private final PaymentRules payments;
    private final FundsRules funds;
    private final ReplyPublisher replies = new ReplyPublisher();
    private final EngineQueries queries;


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
    private final SetMerchantRulesDecoder setMerchantRulesDecoder = new SetMerchantRulesDecoder();
    private final RedeemPointsDecoder redeemPointsDecoder = new RedeemPointsDecoder();
    private final AdjustPointsDecoder adjustPointsDecoder = new AdjustPointsDecoder();
    private final DistributePoolDecoder distributePoolDecoder = new DistributePoolDecoder();
    private final TakeSnapshotDecoder takeSnapshotDecoder = new TakeSnapshotDecoder();
    private final SetRiskRuleDecoder setRiskRuleDecoder = new SetRiskRuleDecoder();
    private final SetRiskModelDecoder setRiskModelDecoder = new SetRiskModelDecoder();

    public Engine(final EngineConfig config)
    {
        this.config = config;
        this.books = new EngineBooks(config);
        this.consumers = books.consumers;
        this.merchants = books.merchants;
        this.terminals = books.terminals;
        this.records = books.records;
        this.holds = books.holds;
        this.vouchers = books.vouchers;
        this.consumption = books.consumption;
        this.pointsLedger = books.pointsLedger;
        this.risk = new RiskControl(config);
        this.ledger = new Ledger(config, context, books);
        this.distribution = new PoolDistribution(books, ledger);
        this.payments = new PaymentRules(config, context, books, risk, ledger, replies);
        this.funds = new FundsRules(config, context, books, risk, ledger, replies);
        this.queries = new EngineQueries(this, consumers, merchants, records, vouchers, pointsLedger, risk, replies);
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
        if (sequence != context.sequence + 1)
        {
            throw new IllegalStateException("sequence gap: expected " + (context.sequence + 1) + " got " + sequence);
        }
        context.sequence = sequence;
        if (timestampMs > context.nowMs)
        {
            context.nowMs = timestampMs;
        }
        payments.expireDueHolds();
        expireDueVouchers();
        if (distribution.isRunning())
        {
            distribution.step(config.distributionSliceEntries, context.nowMs);
        }

        final ResultCode check = CommandCatalog.check(buffer, offset, length);
        if (check != ResultCode.OK)
        {
            replies.error(check, length >= CommandCatalog.HEADER_LENGTH ? CommandCatalog.templateId(buffer, offset) : 0,
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
                payments.tryOrPay(TEMPLATE_PAY, payDecoder.merchantId(), payDecoder.terminalId(), payDecoder.paymentId(),
                    payDecoder.consumerId(), payDecoder.amountFen(), 0, voucherIdOrNone(payDecoder.voucherId()), sink);
                break;

            case PaymentTryDecoder.TEMPLATE_ID:
                tryDecoder.wrap(buffer, bodyOffset, blockLength, version);
                payments.tryOrPay(TEMPLATE_TRY, tryDecoder.merchantId(), tryDecoder.terminalId(), tryDecoder.paymentId(),
                    tryDecoder.consumerId(), tryDecoder.amountFen(), tryDecoder.ttlMs(),
                    voucherIdOrNone(tryDecoder.voucherId()), sink);
                break;

            case PaymentConfirmDecoder.TEMPLATE_ID:
                confirmDecoder.wrap(buffer, bodyOffset, blockLength, version);
                payments.confirm(confirmDecoder.merchantId(), confirmDecoder.terminalId(), confirmDecoder.paymentId(), sink);
                break;

            case PaymentCancelDecoder.TEMPLATE_ID:
                cancelDecoder.wrap(buffer, bodyOffset, blockLength, version);
                payments.cancel(cancelDecoder.merchantId(), cancelDecoder.terminalId(), cancelDecoder.paymentId(), sink);
                break;

            case RefundDecoder.TEMPLATE_ID:
                refundDecoder.wrap(buffer, bodyOffset, blockLength, version);
                payments.refund(refundDecoder.merchantId(), refundDecoder.terminalId(), refundDecoder.paymentId(),
                    refundDecoder.refundId(), refundDecoder.amountFen(), sink);
                break;

            case TopUpDecoder.TEMPLATE_ID:
                topUpDecoder.wrap(buffer, bodyOffset, blockLength, version);
                funds.topUp(topUpDecoder.consumerId(), topUpDecoder.externalRef(), topUpDecoder.amountFen(), sink);
                break;

            case WithdrawDecoder.TEMPLATE_ID:
                withdrawDecoder.wrap(buffer, bodyOffset, blockLength, version);
                funds.withdraw(withdrawDecoder.merchantId(), withdrawDecoder.withdrawalId(), withdrawDecoder.amountFen(),
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
                replies.ack(ResultCode.OK, TickDecoder.TEMPLATE_ID, 0, sink);
                break;

            case TakeSnapshotDecoder.TEMPLATE_ID:
                // A marker for the snapshotter, which follows the journal: no business state changes.
                takeSnapshotDecoder.wrap(buffer, bodyOffset, blockLength, version);
                replies.ack(ResultCode.OK, TakeSnapshotDecoder.TEMPLATE_ID, takeSnapshotDecoder.requestId(), sink);
                break;

            case SetMerchantRulesDecoder.TEMPLATE_ID:
                setMerchantRulesDecoder.wrap(buffer, bodyOffset, blockLength, version);
                onSetMerchantRules(setMerchantRulesDecoder, sink);
                break;

            case RedeemPointsDecoder.TEMPLATE_ID:
                redeemPointsDecoder.wrap(buffer, bodyOffset, blockLength, version);
                onRedeemPoints(redeemPointsDecoder.consumerId(), redeemPointsDecoder.merchantId(),
                    redeemPointsDecoder.redemptionId(), sink);
                break;

            case AdjustPointsDecoder.TEMPLATE_ID:
                adjustPointsDecoder.wrap(buffer, bodyOffset, blockLength, version);
                onAdjustPoints(adjustPointsDecoder.consumerId(), adjustPointsDecoder.adjustmentId(),
                    adjustPointsDecoder.deltaPoints(), sink);
                break;

            case DistributePoolDecoder.TEMPLATE_ID:
                distributePoolDecoder.wrap(buffer, bodyOffset, blockLength, version);
                onDistributePool(distributePoolDecoder.merchantId(), distributePoolDecoder.distributionId(),
                    distributePoolDecoder.amountFen(), sink);
                break;

            case SetRiskRuleDecoder.TEMPLATE_ID:
                setRiskRuleDecoder.wrap(buffer, bodyOffset, blockLength, version);
                onSetRiskRule(setRiskRuleDecoder, sink);
                break;

            case SetRiskModelDecoder.TEMPLATE_ID:
                onSetRiskModel(buffer, offset, length, bodyOffset, blockLength, version, sink);
                break;

            default:
                queries.answer(templateId, buffer, bodyOffset, blockLength, version, sink);
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
            replies.error(check, length >= CommandCatalog.HEADER_LENGTH ? CommandCatalog.templateId(buffer, offset) : 0,
                sink);
            return;
        }
        headerDecoder.wrap(buffer, offset);
        final int templateId = headerDecoder.templateId();
        if (!CommandCatalog.isQuery(templateId))
        {
            replies.error(ResultCode.UNKNOWN_MESSAGE_TYPE, templateId, sink);
            return;
        }
        queries.answer(templateId, buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH, headerDecoder.blockLength(),
            headerDecoder.version(), sink);
    }

    // ------------------------------------------------------------------------------------------------ payments

    // ------------------------------------------------------------------------------------------------ funds

    // ------------------------------------------------------------------------------------------------ rewards

    private static long voucherIdOrNone(final long voucherId)
    {
        return voucherId > 0 ? voucherId : 0;   // a version 1 message decodes the null value
    }

    private void expireDueVouchers()
    {
        for (int i = 0; i < config.expiriesPerCommandMax; i++)
        {
            final int slot = vouchers.expiry.peek();
            if (slot < 0 || vouchers.get(slot, VoucherBook.EXPIRES_AT_MS) > context.nowMs)
            {
                return;
            }
            ledger.expireVoucher(slot);
        }
    }

    private void onSetMerchantRules(final SetMerchantRulesDecoder decoder, final ReplySink sink)
    {
        final long merchantId = decoder.merchantId();
        final long pointsPerYuan = decoder.pointsPerYuan();
        final long poolRateBps = decoder.poolRateBps();
        final long allianceShareBps = decoder.allianceShareBps();
        final long platformFeeBps = decoder.platformFeeBps();
        final short allianceMember = decoder.allianceMemberRaw();
        final short distributionMode = decoder.distributionModeRaw();
        final long voucherPointsCost = decoder.voucherPointsCost();
        final long voucherValueFen = decoder.voucherValueFen();
        final long voucherValidityMs = decoder.voucherValidityMs();
        final int merchantIndex = merchantId > 0 ? merchants.indexOf(merchantId) : -1;

        final ResultCode code;
        if (merchantId <= 0)
        {
            code = ResultCode.INVALID_ID;
        }
        else if (merchantIndex < 0)
        {
            code = ResultCode.UNKNOWN_MERCHANT;
        }
        else if ((allianceMember != 0 && allianceMember != 1) ||
            (distributionMode != DistributionMode.VOUCHER.value() &&
            distributionMode != DistributionMode.WALLET_REBATE.value()))
        {
            code = ResultCode.MALFORMED_MESSAGE;
        }
        else if (pointsPerYuan < 0 || pointsPerYuan > POINTS_PER_YUAN_MAX || poolRateBps < 0 ||
            allianceShareBps < 0 || platformFeeBps < 0 || poolRateBps + allianceShareBps + platformFeeBps > BPS ||
            voucherPointsCost < 0 || voucherValidityMs < 0 ||
            (voucherPointsCost > 0 && (voucherValueFen <= 0 || voucherValueFen > config.amountFenMax ||
            voucherValidityMs == 0)))
        {
            code = ResultCode.RATE_OUT_OF_RANGE;
        }
        else
        {
            merchants.set(merchantIndex, MerchantBook.POINTS_PER_YUAN, pointsPerYuan);
            merchants.set(merchantIndex, MerchantBook.POOL_RATE_BPS, poolRateBps);
            merchants.set(merchantIndex, MerchantBook.ALLIANCE_SHARE_BPS, allianceShareBps);
            merchants.set(merchantIndex, MerchantBook.PLATFORM_FEE_BPS, platformFeeBps);
            merchants.setFlag(merchantIndex, MerchantBook.FLAG_ALLIANCE_MEMBER, allianceMember == 1);
            merchants.set(merchantIndex, MerchantBook.DISTRIBUTION_MODE, distributionMode);
            merchants.set(merchantIndex, MerchantBook.VOUCHER_POINTS_COST, voucherPointsCost);
            merchants.set(merchantIndex, MerchantBook.VOUCHER_VALUE_FEN, voucherPointsCost > 0 ? voucherValueFen : 0);
            merchants.set(merchantIndex, MerchantBook.VOUCHER_VALIDITY_MS, voucherValidityMs);
            code = ResultCode.OK;
        }
        replies.ack(code, SetMerchantRulesDecoder.TEMPLATE_ID, merchantId, sink);
    }

    private void onRedeemPoints(
        final long consumerId, final long merchantId, final long redemptionId, final ReplySink sink)
    {
        final int consumerIndex = consumerId > 0 ? consumers.indexOf(consumerId) : -1;
        final int merchantIndex = merchantId > 0 ? merchants.indexOf(merchantId) : -1;
        ResultCode code = ResultCode.OK;
        if (consumerId <= 0 || merchantId <= 0 || redemptionId <= 0)
        {
            code = ResultCode.INVALID_ID;
        }
        else if (consumerIndex < 0)
        {
            code = ResultCode.UNKNOWN_CONSUMER;
        }
        else if (merchantIndex < 0)
        {
            code = ResultCode.UNKNOWN_MERCHANT;
        }
        if (code != ResultCode.OK)
        {
            replies.voucher(code, consumerId, 0, 0, 0, 0, sink);
            return;
        }
        final int existing = records.find(RecordTable.NAMESPACE_REDEMPTION, consumerId, redemptionId);
        if (existing >= 0)
        {
            if (records.get(existing, RecordTable.MERCHANT_INDEX) != merchantIndex)
            {
                replies.voucher(ResultCode.EXISTS_WITH_DIFFERENT_MERCHANT, consumerId, 0, 0, 0, 0, sink);
            }
            else
            {
                replies.voucher(ResultCode.get(records.firstCode(existing)), consumerId,
                    records.get(existing, RecordTable.VOUCHER_ID), records.get(existing, RecordTable.AMOUNT_FEN),
                    records.get(existing, RecordTable.POINTS_EARNED), records.get(existing, RecordTable.EXPIRES_AT_MS),
                    sink);
            }
            return;
        }
        if (vouchers.freeCount() == 0)
        {
            replies.voucher(ResultCode.LIMIT_VOUCHERS, consumerId, 0, 0, 0, 0, sink);
            return;
        }
        final int record = records.insert(RecordTable.NAMESPACE_REDEMPTION, consumerId, redemptionId, context.nowMs);
        if (record < 0)
        {
            replies.voucher(ResultCode.LIMIT_KEYS, consumerId, 0, 0, 0, 0, sink);
            return;
        }
        records.set(record, RecordTable.CONSUMER_INDEX, consumerIndex);
        records.set(record, RecordTable.MERCHANT_INDEX, merchantIndex);

        final long pointsCost = merchants.get(merchantIndex, MerchantBook.VOUCHER_POINTS_COST);
        final long valueFen = merchants.get(merchantIndex, MerchantBook.VOUCHER_VALUE_FEN);
        final long points = consumers.get(consumerIndex, ConsumerBook.POINTS);
        if (pointsCost == 0)
        {
            code = ResultCode.VOUCHER_RULE_NOT_SET;
        }
        else if (consumers.isBlocked(consumerIndex))
        {
            code = ResultCode.CONSUMER_BLOCKED;
        }
        else if (merchants.hasFlag(merchantIndex, MerchantBook.FLAG_BLOCKED))
        {
            code = ResultCode.MERCHANT_BLOCKED;
        }
        else if (points < 0)
        {
            code = ResultCode.POINTS_IN_DEBT;
        }
        else if (points < pointsCost)
        {
            code = ResultCode.INSUFFICIENT_POINTS;
        }
        else if (merchants.get(merchantIndex, MerchantBook.POOL_FEN) < valueFen)
        {
            code = ResultCode.INSUFFICIENT_POOL;
        }
        if (code == ResultCode.OK && risk.isActive(merchantIndex))
        {
            // Points farmed by brushing or pay/refund cycles are caught here, where they would turn into value.
            risk.begin(context.sequence, context.nowMs, RedeemPointsDecoder.TEMPLATE_ID, merchantId, consumerId, 0, redemptionId,
                valueFen);
            code = risk.checkRedemption(consumerIndex, merchantIndex,
                (int)consumers.get(consumerIndex, ConsumerBook.HOME_MERCHANT_INDEX));
        }

        long voucherId = 0;
        long expiresAtMs = 0;
        if (code == ResultCode.OK)
        {
            expiresAtMs = context.nowMs + merchants.get(merchantIndex, MerchantBook.VOUCHER_VALIDITY_MS);
            final int slot = ledger.issueVoucherForPoints(consumerIndex, merchantIndex, merchantId, redemptionId,
                pointsCost, valueFen, expiresAtMs);
            voucherId = vouchers.get(slot, VoucherBook.ID);
            records.set(record, RecordTable.VOUCHER_ID, voucherId);
            records.set(record, RecordTable.AMOUNT_FEN, valueFen);
            records.set(record, RecordTable.POINTS_EARNED, pointsCost);
            records.set(record, RecordTable.EXPIRES_AT_MS, expiresAtMs);
        }
        records.finishDecided(record, RedeemPointsDecoder.TEMPLATE_ID, code, context.nowMs);
        replies.voucher(code, consumerId, voucherId, code == ResultCode.OK ? valueFen : 0,
            code == ResultCode.OK ? pointsCost : 0, expiresAtMs, sink);
    }

    private void onAdjustPoints(
        final long consumerId, final long adjustmentId, final long deltaPoints, final ReplySink sink)
    {
        final int template = AdjustPointsDecoder.TEMPLATE_ID;
        final int consumerIndex = consumerId > 0 ? consumers.indexOf(consumerId) : -1;
        ResultCode code = ResultCode.OK;
        if (consumerId <= 0 || adjustmentId <= 0)
        {
            code = ResultCode.INVALID_ID;
        }
        else if (deltaPoints == 0 || Math.abs(deltaPoints) > EngineConfig.AMOUNT_FEN_CEILING)
        {
            code = ResultCode.AMOUNT_OUT_OF_RANGE;
        }
        else if (consumerIndex < 0)
        {
            code = ResultCode.UNKNOWN_CONSUMER;
        }
        if (code != ResultCode.OK)
        {
            replies.ack(code, template, adjustmentId, sink);
            return;
        }
        final int existing = records.find(RecordTable.NAMESPACE_ADJUSTMENT, consumerId, adjustmentId);
        if (existing >= 0)
        {
            replies.ack(records.get(existing, RecordTable.AMOUNT_FEN) != deltaPoints ?
                ResultCode.EXISTS_WITH_DIFFERENT_AMOUNT : ResultCode.get(records.firstCode(existing)),
                template, adjustmentId, sink);
            return;
        }
        final int record = records.insert(RecordTable.NAMESPACE_ADJUSTMENT, consumerId, adjustmentId, context.nowMs);
        if (record < 0)
        {
            replies.ack(ResultCode.LIMIT_KEYS, template, adjustmentId, sink);
            return;
        }
        records.set(record, RecordTable.CONSUMER_INDEX, consumerIndex);
        records.set(record, RecordTable.AMOUNT_FEN, deltaPoints);
        ledger.changePoints(consumerIndex, PointsEntryKind.ADJUST, deltaPoints, 0, adjustmentId);
        records.finishDecided(record, template, ResultCode.OK, context.nowMs);
        replies.ack(ResultCode.OK, template, adjustmentId, sink);
    }

    private void onDistributePool(
        final long merchantId, final long distributionId, final long amountFen, final ReplySink sink)
    {
        final int template = DistributePoolDecoder.TEMPLATE_ID;
        final int merchantIndex = merchantId > 0 ? merchants.indexOf(merchantId) : -1;
        ResultCode code = ResultCode.OK;
        if (merchantId <= 0 || distributionId <= 0)
        {
            code = ResultCode.INVALID_ID;
        }
        else if (amountFen < 0)
        {
            code = ResultCode.AMOUNT_OUT_OF_RANGE;
        }
        else if (merchantIndex < 0)
        {
            code = ResultCode.UNKNOWN_MERCHANT;
        }
        if (code != ResultCode.OK)
        {
            replies.ack(code, template, distributionId, sink);
            return;
        }
        final int existing = records.find(RecordTable.NAMESPACE_DISTRIBUTION, merchantId, distributionId);
        if (existing >= 0)
        {
            replies.ack(records.get(existing, RecordTable.LINK_ID) != amountFen ?
                ResultCode.EXISTS_WITH_DIFFERENT_AMOUNT : ResultCode.get(records.firstCode(existing)),
                template, distributionId, sink);
            return;
        }
        // Transient refusals, not recorded: one distribution at a time, and room for one voucher per recipient.
        final boolean voucherMode = PoolDistribution.isVoucherMode(
            merchants.get(merchantIndex, MerchantBook.DISTRIBUTION_MODE));
        if (distribution.isRunning())
        {
            replies.ack(ResultCode.DISTRIBUTION_RUNNING, template, distributionId, sink);
            return;
        }
        if (voucherMode && vouchers.freeCount() < consumption.entriesOf(merchantIndex))
        {
            replies.ack(ResultCode.LIMIT_VOUCHERS, template, distributionId, sink);
            return;
        }
        final int record = records.insert(RecordTable.NAMESPACE_DISTRIBUTION, merchantId, distributionId, context.nowMs);
        if (record < 0)
        {
            replies.ack(ResultCode.LIMIT_KEYS, template, distributionId, sink);
            return;
        }
        final long poolFen = merchants.get(merchantIndex, MerchantBook.POOL_FEN);
        final long payFen = amountFen == 0 ? poolFen : amountFen;
        final long basisFen = merchants.get(merchantIndex, MerchantBook.CONSUMPTION_OPEN_FEN);
        records.set(record, RecordTable.MERCHANT_INDEX, merchantIndex);
        records.set(record, RecordTable.LINK_ID, amountFen);
        if (merchants.hasFlag(merchantIndex, MerchantBook.FLAG_BLOCKED))
        {
            code = ResultCode.MERCHANT_BLOCKED;
        }
        else if (payFen > poolFen)
        {
            code = ResultCode.INSUFFICIENT_POOL;
        }
        else if (payFen == 0 || basisFen == 0)
        {
            code = ResultCode.NOTHING_TO_DISTRIBUTE;
        }
        records.setKindAndFirstCode(record, template, code.value());
        if (code != ResultCode.OK)
        {
            records.setState(record, PaymentState.REJECTED.value());
            records.finish(record, context.nowMs);
            replies.ack(code, template, distributionId, sink);
            return;
        }
        final long epoch = merchants.get(merchantIndex, MerchantBook.DISTRIBUTION_EPOCH) + 1;
        merchants.set(merchantIndex, MerchantBook.DISTRIBUTION_EPOCH, epoch);
        ledger.startDistribution(merchantIndex, payFen);
        merchants.set(merchantIndex, MerchantBook.CONSUMPTION_OPEN_FEN, 0);
        records.set(record, RecordTable.AMOUNT_FEN, payFen);
        records.set(record, RecordTable.AUX_A, basisFen);
        records.setState(record, PaymentState.HELD.value());
        final long ruleValidityMs = merchants.get(merchantIndex, MerchantBook.VOUCHER_VALIDITY_MS);
        distribution.start(record, merchantIndex, epoch, payFen, basisFen, voucherMode,
            ruleValidityMs > 0 ? ruleValidityMs : config.distributionVoucherValidityMs);
        replies.ack(ResultCode.OK, template, distributionId, sink);
    }

    // ------------------------------------------------------------------------------------------------ risk

    private static final int RISK_CODE_FIRST = 700;
    private static final int RISK_CODE_LAST = 749;

    /** Thresholds above this are refused: keeps every product in the rules inside a long. */
    private static final long RISK_THRESHOLD_MAX = 1_000_000_000_000L;

    private void onSetRiskRule(final SetRiskRuleDecoder decoder, final ReplySink sink)
    {
        final long merchantId = decoder.merchantId();
        final int ruleId = decoder.ruleId();
        final short mode = decoder.modeRaw();
        final short action = decoder.actionRaw();
        final long threshold1 = decoder.threshold1();
        final long threshold2 = decoder.threshold2();
        final long threshold3 = decoder.threshold3();
        final int merchantIndex = merchantId > 0 ? merchants.indexOf(merchantId) : -1;
        final boolean inherit = mode == RiskMode.INHERIT.value();
        final ResultCode code;
        if (merchantId < 0)
        {
            code = ResultCode.INVALID_ID;
        }
        else if (merchantId > 0 && merchantIndex < 0)
        {
            code = ResultCode.UNKNOWN_MERCHANT;
        }
        else if (!RiskRules.configurable(ruleId) || mode < 0 || mode > RiskMode.INHERIT.value() ||
            (inherit && merchantId == 0) ||
            (!inherit && action != RiskAction.DECLINE.value() && action != RiskAction.FLAG.value()) ||
            threshold1 < 0 || threshold2 < 0 || threshold3 < 0 || threshold1 > RISK_THRESHOLD_MAX ||
            threshold2 > RISK_THRESHOLD_MAX || threshold3 > RISK_THRESHOLD_MAX)
        {
            code = ResultCode.RISK_RULE_INVALID;
        }
        else
        {
            code = risk.rules.set(merchantIndex, ruleId, mode, action, threshold1, threshold2, threshold3);
        }
        replies.ack(code, SetRiskRuleDecoder.TEMPLATE_ID, merchantId, sink);
    }

    /**
     * SetRiskModel: BEGIN / COMMIT / CLEAR change the slots, TREES stage up to four trees. The trees group is checked
     * against the message length before it is decoded (the command is journaled input like any other).
     */
    private void onSetRiskModel(final DirectBuffer buffer, final int offset, final int length, final int bodyOffset,
        final int blockLength, final int version, final ReplySink sink)
    {
        final SetRiskModelDecoder decoder = setRiskModelDecoder.wrap(buffer, bodyOffset, blockLength, version);
        final int slot = decoder.slotRaw();
        final int op = decoder.opRaw();
        ResultCode code;
        if (op != RiskModelOp.TREES.value())
        {
            code = risk.models.control(slot, op, decoder.version(), decoder.treeCount(), decoder.declineScore(),
                decoder.flagScore());
        }
        else
        {
            code = stageRiskTrees(decoder, buffer, offset + length, bodyOffset + blockLength);
        }
        replies.ack(code, SetRiskModelDecoder.TEMPLATE_ID, decoder.version(), sink);
    }

    private ResultCode stageRiskTrees(final SetRiskModelDecoder decoder, final DirectBuffer buffer, final int end,
        final int groupOffset)
    {
        if (groupOffset + 4 > end)
        {
            return ResultCode.MALFORMED_MESSAGE;
        }
        final int entryLength = buffer.getShort(groupOffset, java.nio.ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        final int count = buffer.getShort(groupOffset + 2, java.nio.ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
        if (entryLength < SetRiskModelDecoder.TreesDecoder.sbeBlockLength() ||
            (long)groupOffset + 4 + (long)count * entryLength > end)
        {
            return ResultCode.MALFORMED_MESSAGE;
        }
        final ResultCode order = risk.models.checkTrees(decoder.slotRaw(), decoder.version(), decoder.firstTree(), count);
        if (order != ResultCode.OK)
        {
            return order;
        }
        // A refused tree unstages the whole message, so a refused message changes nothing.
        final int stagedBefore = decoder.firstTree();
        for (final SetRiskModelDecoder.TreesDecoder tree : decoder.trees())
        {
            if (!RiskModels.validFeature(tree.feature0()) || !RiskModels.validFeature(tree.feature1()) ||
                !RiskModels.validFeature(tree.feature2()))
            {
                risk.models.unstage(stagedBefore);
                return ResultCode.RISK_MODEL_INVALID;
            }
            risk.models.stageTree(tree.feature0(), tree.threshold0(), tree.feature1(), tree.threshold1(),
                tree.feature2(), tree.threshold2(), tree.leaf0(), tree.leaf1(), tree.leaf2(), tree.leaf3());
        }
        return ResultCode.OK;
    }

    /**
     * Tools that train scoring models: compute the risk features of every evaluated payment and redemption even
     * while no model is loaded (the decisions do not change). Not journaled: set it the same way before a replay.
     */
    public void captureRiskFeatures(final boolean on)
    {
        risk.captureFeatures(on);
    }

    /** Copies the features of the last scored command into {@code into}; returns its sequence (-1: none). */
    public long lastRiskFeatures(final long[] into)
    {
        return risk.lastFeatures(into);
    }

    /** Names of the risk features by id (docs/risk.md). */
    public static String[] riskFeatureNames()
    {
        return RiskFeatures.NAMES.clone();
    }

    /** For tests in this package: the risk profiles and rules. */
    RiskControl riskControl()
    {
        return risk;
    }

    /** Hand-written risk rules, ids 1..this (docs/risk.md); the scoring models are rules 14 and 15. */
    public static final int RISK_RULES_CONFIGURABLE = RiskRules.HAND_RULES_MAX;
    /** The rule under which the active scoring model decides (mode and action set with SetRiskRule). */
    public static final int RISK_RULE_MODEL = RiskRules.MODEL;
    /** The rule under which the challenger model's shadow hits are recorded. */
    public static final int RISK_RULE_CHALLENGER = RiskRules.CHALLENGER;

    /** A risk rule's tuned defaults: action (RiskAction value), threshold1, threshold2, threshold3. */
    public static long[] riskRuleDefaults(final int ruleId)
    {
        return RiskRules.defaults(ruleId);
    }

    /** Risk declines and flags so far, all rules (shadow hits excluded): for tools that label outcomes. */
    public long riskDecisions()
    {
        return risk.decisions();
    }

    /** Id of the newest risk event (0 before the first). */
    public long lastRiskEventId()
    {
        return risk.events.lastId();
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
        // Senders of schema version 3 have no trade nor area: UNSPECIFIED, unknown.
        final short trade = decoder.actingVersion() >= 4 ? decoder.tradeRaw() : 0;
        final int areaCode = decoder.actingVersion() >= 4 ? decoder.areaCode() : 0;

        final ResultCode code;
        if (merchantId <= 0)
        {
            code = ResultCode.INVALID_ID;
        }
        else if ((allianceMember != 0 && allianceMember != 1) || trade < 0 || trade > MerchantTrade.OTHER.value())
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
                    merchants.hasFlag(existing, MerchantBook.FLAG_ALLIANCE_MEMBER) == (allianceMember == 1) &&
                    risk.features.merchantProfiles.trade(existing) == trade &&
                    risk.features.merchantProfiles.areaCode(existing) == areaCode;
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
                merchants.set(index, MerchantBook.DISTRIBUTION_MODE, DistributionMode.VOUCHER.value());
                risk.merchantRegistered(index, trade, areaCode, context.nowMs);
                code = ResultCode.OK;
            }
        }
        replies.ack(code, template, merchantId, sink);
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
                risk.consumerRegistered(consumers.add(consumerId, homeIndex), context.nowMs);
                code = ResultCode.OK;
            }
        }
        replies.ack(code, template, consumerId, sink);
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
        replies.ack(code, template, terminalId, sink);
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
        replies.ack(code, template, partyId, sink);
    }

    // ------------------------------------------------------------------------------------------------ queries

    // ------------------------------------------------------------------------------------------------ state

    /** First value of every engine snapshot stream ("WODIANSN"), then {@link #SNAPSHOT_FORMAT_VERSION}. */
    public static final long SNAPSHOT_MAGIC = 0x574F4449414E534EL;
    public static final long SNAPSHOT_FORMAT_VERSION = 3;

    /**
     * Writes the whole state as a stream of primitives. It is meant for a replica that is not serving (a standby or an
     * off-line replay of the journal), so the serving engine never stalls for it; the caller records the journal
     * sequence ({@link #lastSequence()}) and state hash next to it and frames the stream with a checksum.
     */
    public void writeSnapshot(final SnapshotWriter writer)
    {
        writer.writeLong(SNAPSHOT_MAGIC);
        writer.writeLong(SNAPSHOT_FORMAT_VERSION);
        final long[] shape = snapshotShape();
        writer.writeLongs(shape, shape.length);
        writer.writeLong(context.sequence);
        writer.writeLong(context.nowMs);
        ledger.writeTotalsTo(writer);
        consumers.writeTo(writer);
        merchants.writeTo(writer);
        terminals.writeTo(writer);
        records.writeTo(writer);
        holds.writeTo(writer);
        vouchers.writeTo(writer);
        consumption.writeTo(writer);
        pointsLedger.writeTo(writer);
        distribution.writeTo(writer);
        risk.writeTo(writer, consumers.count(), merchants.count(), terminals.count());
        writer.writeLong(stateHash());
    }

    /**
     * Replaces this engine's state with a snapshot written by an engine of the same limits, and checks that the
     * restored state hashes to what the writer recorded. Call on a fresh engine before any input.
     */
    public void readSnapshot(final SnapshotReader reader)
    {
        if (reader.readLong() != SNAPSHOT_MAGIC)
        {
            throw new IllegalStateException("not an engine snapshot");
        }
        final long version = reader.readLong();
        if (version != SNAPSHOT_FORMAT_VERSION)
        {
            throw new IllegalStateException("snapshot format " + version + ", this engine reads " +
                SNAPSHOT_FORMAT_VERSION + (version < 3 ? " (format " + version + " has no risk profiles nor models of " +
                "issue 13: start from an older snapshot's journal replay or from the journal alone)" : ""));
        }
        final long[] expected = snapshotShape();
        final long[] shape = new long[expected.length];
        if (reader.readLongs(shape) != expected.length || !java.util.Arrays.equals(expected, shape))
        {
            throw new IllegalStateException("snapshot taken with other limits " + java.util.Arrays.toString(shape) +
                " than this engine's " + java.util.Arrays.toString(expected));
        }
        context.sequence = reader.readLong();
        context.nowMs = reader.readLong();
        ledger.readTotalsFrom(reader);
        consumers.readFrom(reader);
        merchants.readFrom(reader);
        terminals.readFrom(reader);
        records.readFrom(reader);
        holds.readFrom(reader);
        vouchers.readFrom(reader);
        consumption.readFrom(reader);
        pointsLedger.readFrom(reader);
        distribution.readFrom(reader);
        risk.readFrom(reader, consumers.count(), merchants.count(), terminals.count());
        final long writtenHash = reader.readLong();
        if (writtenHash != stateHash())
        {
            throw new IllegalStateException("restored state hash " + stateHash() + " != written " + writtenHash);
        }
    }

    /** The limits that size the state: a snapshot only fits an engine with the same ones. */
    private long[] snapshotShape()
    {
        return new long[]{config.consumersMax, config.merchantsMax, config.terminalsMax, config.holdsMax,
            config.keysMax, config.keyRetentionMs, config.vouchersMax, config.consumptionPairsMax,
            config.pointsLedgerEntriesMax, config.riskPairsMax, config.riskEventsMax, config.riskOverridesMax};
    }

    /** Sequence of the last applied journaled input (0 before the first). */
    public long lastSequence()
    {
        return context.sequence;
    }

    /** Engine time: the largest input timestamp seen so far. */
    public long nowMs()
    {
        return context.nowMs;
    }

    /**
     * A 64-bit hash over all state. Equal hashes after the same inputs are the determinism check between a live
     * run, a replay and a standby. Costs a pass over all state: an operator query, not a per-command call.
     */
    public long stateHash()
    {
        return StateHash.fold(stateHashIgnoringSequence(), context.sequence);
    }

    /**
     * The state hash without the last sequence: equal before and after an input that changed nothing, such as the
     * repeat of an idempotent command at the same time.
     */
    public long stateHashIgnoringSequence()
    {
        long hash = ledger.hashTotals(StateHash.fold(0x5741444941L, context.nowMs));
        hash = consumers.hash(hash);
        hash = merchants.hash(hash);
        hash = terminals.hash(hash);
        hash = vouchers.hash(hash);
        hash = consumption.hash(hash);
        hash = pointsLedger.hash(hash);
        hash = distribution.hash(hash);
        hash = risk.hash(hash, consumers.count(), merchants.count(), terminals.count());
        return records.hash(hash);
    }

    public long totalTopUpsFen()
    {
        return ledger.totalTopUpsFen();
    }

    public long totalWithdrawnFen()
    {
        return ledger.totalWithdrawnFen();
    }

    public long platformFeesFen()
    {
        return ledger.platformFeesFen();
    }

    /** True while a pool distribution is being paid out (every input then advances it by one slice). */
    public boolean isDistributionRunning()
    {
        return distribution.isRunning();
    }

    /** The id of the last voucher issued (0 before the first); ids are assigned in sequence. */
    public long lastVoucherId()
    {
        return vouchers.lastId();
    }

    /** Sum of all live holds. */
    public long totalHeldFen()
    {
        return ledger.totalHeldFen();
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
        ledger.verifyInvariants(true);
    }

    /**
     * As {@link #verifyInvariants()} but without the pass over remembered keys: a pass over parties only, cheap
     * enough to run after every command in tests.
     */
    public void verifyBalances()
    {
        ledger.verifyInvariants(false);
    }

}
