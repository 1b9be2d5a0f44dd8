package com.wodian.engine;

import com.wodian.engine.RecordFields.Distribution;
import com.wodian.engine.RecordFields.Payment;
import com.wodian.engine.risk.MerchantRiskBook;
import com.wodian.engine.risk.RiskControl;
import com.wodian.engine.risk.RiskEventLog;
import com.wodian.engine.risk.RiskModel;
import com.wodian.engine.risk.RiskModels;
import com.wodian.engine.risk.RiskRules;
import com.wodian.engine.table.ConsumerBook;
import com.wodian.protocol.sbe.*;
import org.agrona.DirectBuffer;

/**
 * Every query the engine answers, in one place: decoded here, answered from the books, encoded into the reply
 * publisher's buffer. Queries are not journaled and change nothing.
 */
final class EngineQueries
{
    private static final int STATEMENT_ENTRIES_MAX = 16;
    private static final int RISK_EVENTS_PER_REPLY_MAX = 10;

    private final CommandContext context;
    private final EngineState state;
    private final ConsumerBook consumers;
    private final MerchantBook merchants;
    private final RecordTable records;
    private final VoucherBook vouchers;
    private final PointsLedger pointsLedger;
    private final RiskControl risk;
    private final ReplyPublisher replies;

    private final BalanceQueryDecoder balanceQueryDecoder = new BalanceQueryDecoder();
    private final PaymentStatusQueryDecoder paymentStatusQueryDecoder = new PaymentStatusQueryDecoder();
    private final MerchantStatementQueryDecoder statementQueryDecoder = new MerchantStatementQueryDecoder();
    private final ConsumerStatementQueryDecoder consumerStatementQueryDecoder = new ConsumerStatementQueryDecoder();
    private final VoucherStatusQueryDecoder voucherStatusQueryDecoder = new VoucherStatusQueryDecoder();
    private final DistributionStatusQueryDecoder distributionStatusQueryDecoder =
        new DistributionStatusQueryDecoder();
    private final RiskModelQueryDecoder riskModelQueryDecoder = new RiskModelQueryDecoder();
    private final RiskModelReplyEncoder riskModelReplyEncoder = new RiskModelReplyEncoder();
    private final RiskRuleQueryDecoder riskRuleQueryDecoder = new RiskRuleQueryDecoder();
    private final RiskEventsQueryDecoder riskEventsQueryDecoder = new RiskEventsQueryDecoder();
    private final RiskStatsQueryDecoder riskStatsQueryDecoder = new RiskStatsQueryDecoder();
    private final ConsumerVouchersQueryDecoder consumerVouchersQueryDecoder = new ConsumerVouchersQueryDecoder();
    private final ConsumerVouchersAnswer consumerVouchers;
    private final BalanceReplyEncoder balanceReplyEncoder = new BalanceReplyEncoder();
    private final PaymentStatusReplyEncoder paymentStatusReplyEncoder = new PaymentStatusReplyEncoder();
    private final MerchantStatementReplyEncoder statementReplyEncoder = new MerchantStatementReplyEncoder();
    private final StateHashReplyEncoder stateHashReplyEncoder = new StateHashReplyEncoder();
    private final ConsumerStatementReplyEncoder consumerStatementReplyEncoder = new ConsumerStatementReplyEncoder();
    private final VoucherStatusReplyEncoder voucherStatusReplyEncoder = new VoucherStatusReplyEncoder();
    private final DistributionStatusReplyEncoder distributionStatusReplyEncoder =
        new DistributionStatusReplyEncoder();
    private final RiskRuleReplyEncoder riskRuleReplyEncoder = new RiskRuleReplyEncoder();
    private final RiskEventsReplyEncoder riskEventsReplyEncoder = new RiskEventsReplyEncoder();
    private final RiskStatsReplyEncoder riskStatsReplyEncoder = new RiskStatsReplyEncoder();

    EngineQueries(final CommandContext context, final EngineState state, final EngineBooks books,
        final RiskControl risk, final ReplyPublisher replies)
    {
        this.context = context;
        this.state = state;
        this.consumers = books.consumers;
        this.merchants = books.merchants;
        this.records = books.records;
        this.vouchers = books.vouchers;
        this.pointsLedger = books.pointsLedger;
        this.risk = risk;
        this.replies = replies;
        this.consumerVouchers = new ConsumerVouchersAnswer(context, books, replies);
    }

    /** Answers the query {@code templateId} whose body is at {@code body}; an unknown template is an error reply. */
    void answer(final int templateId, final DirectBuffer buffer, final int body, final int block, final int version,
        final ReplySink sink)
    {
        switch (templateId)
        {
            case BalanceQueryDecoder.TEMPLATE_ID ->
                answerBalance(balanceQueryDecoder.wrap(buffer, body, block, version).consumerId(), sink);
            case PaymentStatusQueryDecoder.TEMPLATE_ID ->
                answerPaymentStatus(paymentStatusQueryDecoder.wrap(buffer, body, block, version), sink);
            case MerchantStatementQueryDecoder.TEMPLATE_ID ->
                answerStatement(statementQueryDecoder.wrap(buffer, body, block, version).merchantId(), sink);
            case ConsumerStatementQueryDecoder.TEMPLATE_ID -> answerConsumerStatement(
                consumerStatementQueryDecoder.wrap(buffer, body, block, version).consumerId(), sink);
            case VoucherStatusQueryDecoder.TEMPLATE_ID ->
                answerVoucherStatus(voucherStatusQueryDecoder.wrap(buffer, body, block, version).voucherId(), sink);
            case DistributionStatusQueryDecoder.TEMPLATE_ID ->
                answerDistributionStatus(distributionStatusQueryDecoder.wrap(buffer, body, block, version), sink);
            case RiskRuleQueryDecoder.TEMPLATE_ID ->
                answerRiskRule(riskRuleQueryDecoder.wrap(buffer, body, block, version), sink);
            case RiskEventsQueryDecoder.TEMPLATE_ID ->
                answerRiskEvents(riskEventsQueryDecoder.wrap(buffer, body, block, version).afterEventId(), sink);
            case RiskStatsQueryDecoder.TEMPLATE_ID ->
                answerRiskStats(riskStatsQueryDecoder.wrap(buffer, body, block, version).merchantId(), sink);
            case RiskModelQueryDecoder.TEMPLATE_ID ->
                answerRiskModel(riskModelQueryDecoder.wrap(buffer, body, block, version).slotRaw(), sink);
            case ConsumerVouchersQueryDecoder.TEMPLATE_ID ->
                consumerVouchers.answer(consumerVouchersQueryDecoder.wrap(buffer, body, block, version), sink);
            case StateHashQueryDecoder.TEMPLATE_ID -> answerStateHash(sink);
            default -> replies.error(ResultCode.UNKNOWN_MESSAGE_TYPE, templateId, sink);
        }
    }

    private void answerStateHash(final ReplySink sink)
    {
        stateHashReplyEncoder.wrapAndApplyHeader(replies.buffer, 0, replies.header)
            .code(ResultCode.OK)
            .lastSequence(context.sequence)
            .stateHash(state.stateHash());
        replies.send(stateHashReplyEncoder.encodedLength(), sink);
    }

    private void answerPaymentStatus(final PaymentStatusQueryDecoder query, final ReplySink sink)
    {
        answerPaymentStatus(query.merchantId(), query.paymentId(), sink);
    }

    private void answerDistributionStatus(final DistributionStatusQueryDecoder query, final ReplySink sink)
    {
        answerDistributionStatus(query.merchantId(), query.distributionId(), sink);
    }

    private void answerRiskRule(final RiskRuleQueryDecoder query, final ReplySink sink)
    {
        answerRiskRule(query.merchantId(), query.ruleId(), sink);
    }

    private void answerBalance(final long consumerId, final ReplySink sink)
    {
        final int index = consumers.indexOf(consumerId);
        balanceReplyEncoder.wrapAndApplyHeader(replies.buffer, 0, replies.header)
            .code(index < 0 ? ResultCode.UNKNOWN_CONSUMER : ResultCode.OK)
            .consumerId(consumerId)
            .walletFen(index < 0 ? 0 : consumers.get(index, ConsumerBook.WALLET_FEN))
            .heldFen(index < 0 ? 0 : consumers.get(index, ConsumerBook.HELD_FEN))
            .points(index < 0 ? 0 : consumers.get(index, ConsumerBook.POINTS));
        replies.send(balanceReplyEncoder.encodedLength(), sink);
    }

    private void answerPaymentStatus(final long merchantId, final long paymentId, final ReplySink sink)
    {
        final int record = records.find(Payment.NAMESPACE, merchantId, paymentId);
        final PaymentStatusReplyEncoder encoder = paymentStatusReplyEncoder.wrapAndApplyHeader(
            replies.buffer, 0, replies.header);
        encoder.merchantId(merchantId).paymentId(paymentId);
        if (record < 0)
        {
            encoder.code(ResultCode.PAYMENT_NOT_FOUND).state(PaymentState.NONE).consumerId(0).amountFen(0)
                .refundedFen(0).expiresAtMs(0).firstResult(ResultCode.PAYMENT_NOT_FOUND).voucherFen(0);
        }
        else
        {
            final int consumerIndex = (int)records.get(record, Payment.CONSUMER_INDEX);
            encoder.code(ResultCode.OK)
                .state(PaymentState.get((short)records.state(record)))
                .consumerId(consumerIndex < 0 ? 0 : consumers.get(consumerIndex, ConsumerBook.ID))
                .amountFen(records.get(record, Payment.AMOUNT_FEN))
                .refundedFen(records.get(record, Payment.REFUNDED_FEN))
                .expiresAtMs(records.get(record, Payment.EXPIRES_AT_MS))
                .firstResult(ResultCode.get(records.firstCode(record)))
                .voucherFen(records.get(record, Payment.VOUCHER_FEN));
        }
        replies.send(encoder.encodedLength(), sink);
    }

    /** The id of a consumer's home merchant; 0 when the consumer is unknown or has none. */
    long homeMerchantIdOf(final long consumerId)
    {
        final int consumerIndex = consumers.indexOf(consumerId);
        final int homeIndex = consumerIndex < 0 ? -1 : consumers.homeMerchantIndex(consumerIndex);
        return homeIndex < 0 ? 0 : merchants.get(homeIndex, MerchantBook.ID);
    }

    private void answerStatement(final long merchantId, final ReplySink sink)
    {
        final int index = merchants.indexOf(merchantId);
        final MerchantStatementReplyEncoder encoder = statementReplyEncoder.wrapAndApplyHeader(
            replies.buffer, 0, replies.header);
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
            .feesFen(statementField(index, MerchantBook.FEES_FEN))
            .vouchersOutstandingFen(statementField(index, MerchantBook.VOUCHERS_OUTSTANDING_FEN))
            .vouchersIssuedCount(statementField(index, MerchantBook.VOUCHERS_ISSUED_COUNT))
            .vouchersRedeemedFen(statementField(index, MerchantBook.VOUCHERS_REDEEMED_FEN))
            .vouchersExpiredFen(statementField(index, MerchantBook.VOUCHERS_EXPIRED_FEN))
            .distributedFen(statementField(index, MerchantBook.DISTRIBUTED_FEN))
            .poolInDistributionFen(statementField(index, MerchantBook.POOL_IN_DISTRIBUTION_FEN));
        replies.send(encoder.encodedLength(), sink);
    }

    private void answerConsumerStatement(final long consumerId, final ReplySink sink)
    {
        final int index = consumers.indexOf(consumerId);
        final ConsumerStatementReplyEncoder encoder = consumerStatementReplyEncoder.wrapAndApplyHeader(
            replies.buffer, 0, replies.header);
        encoder.code(index < 0 ? ResultCode.UNKNOWN_CONSUMER : ResultCode.OK).consumerId(consumerId)
            .walletFen(index < 0 ? 0 : consumers.get(index, ConsumerBook.WALLET_FEN))
            .heldFen(index < 0 ? 0 : consumers.get(index, ConsumerBook.HELD_FEN))
            .points(index < 0 ? 0 : consumers.get(index, ConsumerBook.POINTS))
            .vouchersActiveCount(index < 0 ? 0 : consumers.vouchersActiveCount(index))
            .vouchersActiveFen(index < 0 ? 0 : consumers.get(index, ConsumerBook.VOUCHERS_ACTIVE_FEN));
        int entries = 0;
        long position = index < 0 ? -1 : consumers.get(index, ConsumerBook.LAST_POINTS_ENTRY);
        while (entries < STATEMENT_ENTRIES_MAX && pointsLedger.isAvailable(position))
        {
            entries++;
            position = pointsLedger.get(position, PointsLedger.PREVIOUS_POSITION);
        }
        final ConsumerStatementReplyEncoder.PointsEntriesEncoder group = encoder.pointsEntriesCount(entries);
        position = index < 0 ? -1 : consumers.get(index, ConsumerBook.LAST_POINTS_ENTRY);
        for (int i = 0; i < entries; i++)
        {
            group.next()
                .kind(PointsEntryKind.get((short)pointsLedger.get(position, PointsLedger.KIND)))
                .deltaPoints(pointsLedger.get(position, PointsLedger.DELTA_POINTS))
                .balanceAfter(pointsLedger.get(position, PointsLedger.BALANCE_AFTER))
                .sequence(pointsLedger.get(position, PointsLedger.SEQUENCE))
                .merchantId(pointsLedger.get(position, PointsLedger.MERCHANT_ID))
                .referenceId(pointsLedger.get(position, PointsLedger.REFERENCE_ID));
            position = pointsLedger.get(position, PointsLedger.PREVIOUS_POSITION);
        }
        replies.send(encoder.encodedLength(), sink);
    }

    private void answerVoucherStatus(final long voucherId, final ReplySink sink)
    {
        final int slot = voucherId > 0 ? vouchers.slotOf(voucherId) : -1;
        final VoucherStatusReplyEncoder encoder = voucherStatusReplyEncoder.wrapAndApplyHeader(
            replies.buffer, 0, replies.header);
        encoder.voucherId(voucherId);
        if (slot < 0)
        {
            encoder.code(ResultCode.VOUCHER_NOT_FOUND).state(VoucherState.NONE).consumerId(0).merchantId(0)
                .valueFen(0).expiresAtMs(0);
        }
        else
        {
            encoder.code(ResultCode.OK)
                .state(VoucherState.get((short)vouchers.state(slot)))
                .consumerId(consumers.get((int)vouchers.get(slot, VoucherBook.CONSUMER_INDEX), ConsumerBook.ID))
                .merchantId(merchants.get((int)vouchers.get(slot, VoucherBook.MERCHANT_INDEX), MerchantBook.ID))
                .valueFen(vouchers.get(slot, VoucherBook.VALUE_FEN))
                .expiresAtMs(vouchers.get(slot, VoucherBook.EXPIRES_AT_MS));
        }
        replies.send(encoder.encodedLength(), sink);
    }

    private void answerDistributionStatus(final long merchantId, final long distributionId, final ReplySink sink)
    {
        final int record = records.find(Distribution.NAMESPACE, merchantId, distributionId);
        final DistributionStatusReplyEncoder encoder = distributionStatusReplyEncoder.wrapAndApplyHeader(
            replies.buffer, 0, replies.header);
        encoder.merchantId(merchantId).distributionId(distributionId);
        if (record < 0)
        {
            encoder.code(ResultCode.DISTRIBUTION_NOT_FOUND).state(DistributionState.NONE).amountFen(0).paidFen(0)
                .recipients(0).consumptionFen(0);
        }
        else
        {
            final int state = records.state(record);
            encoder.code(ResultCode.get(records.firstCode(record)))
                .state(state == PaymentState.HELD.value() ? DistributionState.RUNNING :
                    state == PaymentState.CONFIRMED.value() ? DistributionState.DONE : DistributionState.NONE)
                .amountFen(records.get(record, Distribution.AMOUNT_FEN))
                .paidFen(records.get(record, Distribution.DISTRIBUTED_FEN))
                .recipients(records.get(record, Distribution.RECIPIENTS_PAID))
                .consumptionFen(records.get(record, Distribution.CONSUMPTION_BASIS_FEN));
        }
        replies.send(encoder.encodedLength(), sink);
    }

    private long statementField(final int index, final int field)
    {
        return index < 0 ? 0 : merchants.get(index, field);
    }

    private void answerRiskRule(final long merchantId, final int ruleId, final ReplySink sink)
    {
        final int merchantIndex = merchantId > 0 ? merchants.indexOf(merchantId) : -1;
        final RiskRuleReplyEncoder encoder = riskRuleReplyEncoder.wrapAndApplyHeader(replies.buffer, 0, replies.header);
        encoder.merchantId(merchantId).ruleId((short)ruleId);
        if ((merchantId > 0 && merchantIndex < 0) || merchantId < 0 || ruleId < 1 ||
            ruleId > RiskRules.RULE_COUNT)
        {
            encoder.code(merchantId != 0 && merchantIndex < 0 ? ResultCode.UNKNOWN_MERCHANT :
                ResultCode.RISK_RULE_INVALID)
                .mode(RiskMode.OFF).action(RiskAction.DECLINE).merchantOverride(BooleanType.FALSE)
                .threshold1(0).threshold2(0).threshold3(0);
        }
        else
        {
            encoder.code(ResultCode.OK)
                .mode(RiskMode.get((short)risk.rules.get(merchantIndex, ruleId, RiskRules.MODE)))
                .action(RiskAction.get((short)risk.rules.get(merchantIndex, ruleId, RiskRules.ACTION)))
                .merchantOverride(risk.rules.hasOverride(merchantIndex, ruleId) ? BooleanType.TRUE :
                    BooleanType.FALSE)
                .threshold1(risk.rules.get(merchantIndex, ruleId, RiskRules.THRESHOLD_1))
                .threshold2(risk.rules.get(merchantIndex, ruleId, RiskRules.THRESHOLD_2))
                .threshold3(risk.rules.get(merchantIndex, ruleId, RiskRules.THRESHOLD_3));
        }
        replies.send(encoder.encodedLength(), sink);
    }

    private void answerRiskEvents(final long afterEventId, final ReplySink sink)
    {
        final RiskEventLog log = risk.events;
        // afterEventId is client input: no arithmetic on it that could overflow.
        final long from = afterEventId >= log.lastId() ? log.lastId() + 1 :
            Math.max(Math.max(afterEventId, 0) + 1, log.oldestId());
        final long to = Math.min(log.lastId(), from + RISK_EVENTS_PER_REPLY_MAX - 1);
        final RiskEventsReplyEncoder encoder = riskEventsReplyEncoder.wrapAndApplyHeader(replies.buffer, 0,
            replies.header);
        encoder.code(ResultCode.OK).lastEventId(log.lastId()).oldestEventId(log.oldestId());
        final RiskEventsReplyEncoder.EventsEncoder group = encoder.eventsCount(to < from ? 0 : (int)(to - from + 1));
        for (long id = from; id <= to; id++)
        {
            final long packed = log.get(id, RiskEventLog.RULE_DECISION_TEMPLATE);
            group.next()
                .eventId(log.get(id, RiskEventLog.EVENT_ID))
                .sequence(log.get(id, RiskEventLog.SEQUENCE))
                .timestampMs(log.get(id, RiskEventLog.TIMESTAMP_MS))
                .ruleId((short)(packed & 0xFF))
                .decision(RiskDecision.get((short)((packed >>> 8) & 0xFF)))
                .commandTemplateId((int)((packed >>> 16) & 0xFFFF))
                .merchantId(log.get(id, RiskEventLog.MERCHANT_ID))
                .consumerId(log.get(id, RiskEventLog.CONSUMER_ID))
                .terminalId(log.get(id, RiskEventLog.TERMINAL_ID))
                .referenceId(log.get(id, RiskEventLog.REFERENCE_ID))
                .amountFen(log.get(id, RiskEventLog.AMOUNT_FEN))
                .observed(log.get(id, RiskEventLog.OBSERVED))
                .modelVersion(log.get(id, RiskEventLog.MODEL_VERSION))
                .reasons(log.get(id, RiskEventLog.REASONS));
        }
        replies.send(encoder.encodedLength(), sink);
    }

    private void answerRiskStats(final long merchantId, final ReplySink sink)
    {
        final int merchantIndex = merchantId > 0 ? merchants.indexOf(merchantId) : -1;
        final boolean unknown = merchantId != 0 && merchantIndex < 0;
        final RiskStatsReplyEncoder encoder =
            riskStatsReplyEncoder.wrapAndApplyHeader(replies.buffer, 0, replies.header);
        encoder.code(unknown ? ResultCode.UNKNOWN_MERCHANT : ResultCode.OK).merchantId(merchantId);
        final RiskStatsReplyEncoder.RulesEncoder group = encoder.rulesCount(unknown ? 0 : RiskRules.RULE_COUNT);
        for (int rule = 1; !unknown && rule <= RiskRules.RULE_COUNT; rule++)
        {
            group.next().ruleId((short)rule);
            if (merchantIndex < 0)
            {
                group.declined(risk.counter(rule, MerchantRiskBook.DECLINED))
                    .flagged(risk.counter(rule, MerchantRiskBook.FLAGGED))
                    .shadowHits(risk.counter(rule, MerchantRiskBook.SHADOW));
            }
            else
            {
                group.declined(risk.merchants.counter(merchantIndex, rule, MerchantRiskBook.DECLINED))
                    .flagged(risk.merchants.counter(merchantIndex, rule, MerchantRiskBook.FLAGGED))
                    .shadowHits(risk.merchants.counter(merchantIndex, rule, MerchantRiskBook.SHADOW));
            }
        }
        replies.send(encoder.encodedLength(), sink);
    }

    private void answerRiskModel(final int slot, final ReplySink sink)
    {
        final RiskModelReplyEncoder encoder =
            riskModelReplyEncoder.wrapAndApplyHeader(replies.buffer, 0, replies.header);
        if (!RiskModels.validSlot(slot))
        {
            encoder.code(ResultCode.RISK_MODEL_INVALID).slot(RiskModelSlot.ACTIVE).version(0).treeCount(0)
                .declineScore(0).flagScore(0).scored(0).atDeclineScore(0).atFlagScore(0);
        }
        else
        {
            final RiskModel model = risk.models.slot(slot);
            encoder.code(ResultCode.OK).slot(RiskModelSlot.get((short)slot)).version(model.version())
                .treeCount(model.treeCount()).declineScore(model.declineScore()).flagScore(model.flagScore())
                .scored(model.scored()).atDeclineScore(model.atDeclineScore()).atFlagScore(model.atFlagScore());
        }
        replies.send(encoder.encodedLength(), sink);
    }
}
