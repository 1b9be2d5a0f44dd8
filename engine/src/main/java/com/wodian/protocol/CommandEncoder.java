package com.wodian.protocol;

import com.wodian.protocol.sbe.*;
import org.agrona.MutableDirectBuffer;

/**
 * Encodes inbound messages (header + body) into a caller's buffer and returns the encoded length. Holds its own
 * flyweights, so it allocates nothing per call; use one instance per thread.
 */
public final class CommandEncoder
{
    public static final int HEADER_LENGTH = MessageHeaderEncoder.ENCODED_LENGTH;

    private final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final RegisterMerchantEncoder registerMerchant = new RegisterMerchantEncoder();
    private final RegisterConsumerEncoder registerConsumer = new RegisterConsumerEncoder();
    private final RegisterTerminalEncoder registerTerminal = new RegisterTerminalEncoder();
    private final TopUpEncoder topUp = new TopUpEncoder();
    private final WithdrawEncoder withdraw = new WithdrawEncoder();
    private final SetBlockedEncoder setBlocked = new SetBlockedEncoder();
    private final PayEncoder pay = new PayEncoder();
    private final PaymentTryEncoder paymentTry = new PaymentTryEncoder();
    private final PaymentConfirmEncoder confirm = new PaymentConfirmEncoder();
    private final PaymentCancelEncoder cancel = new PaymentCancelEncoder();
    private final RefundEncoder refund = new RefundEncoder();
    private final TickEncoder tick = new TickEncoder();
    private final TakeSnapshotEncoder takeSnapshot = new TakeSnapshotEncoder();
    private final BalanceQueryEncoder balanceQuery = new BalanceQueryEncoder();
    private final PaymentStatusQueryEncoder paymentStatusQuery = new PaymentStatusQueryEncoder();
    private final MerchantStatementQueryEncoder statementQuery = new MerchantStatementQueryEncoder();
    private final StateHashQueryEncoder stateHashQuery = new StateHashQueryEncoder();
    private final ClusterStatusQueryEncoder clusterStatusQuery = new ClusterStatusQueryEncoder();
    private final ClusterControlEncoder clusterControl = new ClusterControlEncoder();
    private final SetMerchantRulesEncoder setMerchantRules = new SetMerchantRulesEncoder();
    private final RedeemPointsEncoder redeemPoints = new RedeemPointsEncoder();
    private final AdjustPointsEncoder adjustPoints = new AdjustPointsEncoder();
    private final DistributePoolEncoder distributePool = new DistributePoolEncoder();
    private final ConsumerStatementQueryEncoder consumerStatementQuery = new ConsumerStatementQueryEncoder();
    private final VoucherStatusQueryEncoder voucherStatusQuery = new VoucherStatusQueryEncoder();
    private final ConsumerVouchersQueryEncoder consumerVouchersQuery = new ConsumerVouchersQueryEncoder();
    private final DistributionStatusQueryEncoder distributionStatusQuery = new DistributionStatusQueryEncoder();
    private final SetRiskRuleEncoder setRiskRule = new SetRiskRuleEncoder();
    private final RiskRuleQueryEncoder riskRuleQuery = new RiskRuleQueryEncoder();
    private final SetRiskModelEncoder setRiskModel = new SetRiskModelEncoder();
    private final RiskModelQueryEncoder riskModelQuery = new RiskModelQueryEncoder();
    private final RiskEventsQueryEncoder riskEventsQuery = new RiskEventsQueryEncoder();
    private final RiskStatsQueryEncoder riskStatsQuery = new RiskStatsQueryEncoder();
    private final SetEngineSettingEncoder setEngineSetting = new SetEngineSettingEncoder();
    private final AccountEventEncoder accountEvent = new AccountEventEncoder();

    /** The account service: something happened to a consumer's account (docs/protocol.md, AccountEvent). */
    public int accountEvent(final MutableDirectBuffer buffer, final int offset, final long consumerId,
        final AccountEventKind kind)
    {
        accountEvent.wrapAndApplyHeader(buffer, offset, header).consumerId(consumerId).kind(kind);
        return HEADER_LENGTH + accountEvent.encodedLength();
    }

    /** Operator: sets one engine setting (docs/operations.md, "Engine settings"). */
    public int setEngineSetting(final MutableDirectBuffer buffer, final int offset, final EngineSetting setting,
        final long value)
    {
        setEngineSetting.wrapAndApplyHeader(buffer, offset, header).setting(setting).value(value);
        return HEADER_LENGTH + setEngineSetting.encodedLength();
    }

    /** Sets a risk rule globally (merchantId 0) or for one merchant; thresholds per rule in docs/risk.md. */
    public int setRiskRule(
        final MutableDirectBuffer buffer,
        final int offset,
        final long merchantId,
        final int ruleId,
        final RiskMode mode,
        final RiskAction action,
        final long threshold1,
        final long threshold2,
        final long threshold3)
    {
        setRiskRule.wrapAndApplyHeader(buffer, offset, header)
            .merchantId(merchantId)
            .ruleId((short)ruleId)
            .mode(mode)
            .action(action)
            .threshold1(threshold1)
            .threshold2(threshold2)
            .threshold3(threshold3);
        return HEADER_LENGTH + setRiskRule.encodedLength();
    }

    /** SetRiskModel BEGIN, COMMIT or CLEAR (no trees). */
    public int setRiskModel(final MutableDirectBuffer buffer, final int offset, final RiskModelSlot slot,
        final RiskModelOp op, final long version, final int treeCount, final int declineScore, final int flagScore)
    {
        setRiskModel.wrapAndApplyHeader(buffer, offset, header)
            .slot(slot).op(op).version(version).treeCount(treeCount).declineScore(declineScore).flagScore(flagScore)
            .firstTree(0)
            .treesCount(0);
        return HEADER_LENGTH + setRiskModel.encodedLength();
    }

    /**
     * SetRiskModel TREES: {@code count} (1..4) depth-2 trees from index {@code from} of the arrays, which hold per
     * tree three node features and thresholds (nodes 0, 1, 2) and four leaves.
     */
    public int setRiskModelTrees(final MutableDirectBuffer buffer, final int offset, final RiskModelSlot slot,
        final long version, final int from, final int count, final int[] features, final long[] thresholds,
        final int[] leaves)
    {
        setRiskModel.wrapAndApplyHeader(buffer, offset, header)
            .slot(slot).op(RiskModelOp.TREES).version(version).treeCount(0).declineScore(0).flagScore(0)
            .firstTree(from);
        final SetRiskModelEncoder.TreesEncoder trees = setRiskModel.treesCount(count);
        for (int tree = from; tree < from + count; tree++)
        {
            trees.next()
                .feature0((short)features[tree * 3]).threshold0(thresholds[tree * 3])
                .feature1((short)features[tree * 3 + 1]).threshold1(thresholds[tree * 3 + 1])
                .feature2((short)features[tree * 3 + 2]).threshold2(thresholds[tree * 3 + 2])
                .leaf0(leaves[tree * 4]).leaf1(leaves[tree * 4 + 1]).leaf2(leaves[tree * 4 + 2])
                .leaf3(leaves[tree * 4 + 3]);
        }
        return HEADER_LENGTH + setRiskModel.encodedLength();
    }

    public int riskModelQuery(final MutableDirectBuffer buffer, final int offset, final RiskModelSlot slot)
    {
        riskModelQuery.wrapAndApplyHeader(buffer, offset, header).slot(slot);
        return HEADER_LENGTH + riskModelQuery.encodedLength();
    }

    public int riskRuleQuery(final MutableDirectBuffer buffer, final int offset, final long merchantId,
        final int ruleId)
    {
        riskRuleQuery.wrapAndApplyHeader(buffer, offset, header).merchantId(merchantId).ruleId((short)ruleId);
        return HEADER_LENGTH + riskRuleQuery.encodedLength();
    }

    public int riskEventsQuery(final MutableDirectBuffer buffer, final int offset, final long afterEventId)
    {
        riskEventsQuery.wrapAndApplyHeader(buffer, offset, header).afterEventId(afterEventId);
        return HEADER_LENGTH + riskEventsQuery.encodedLength();
    }

    public int riskStatsQuery(final MutableDirectBuffer buffer, final int offset, final long merchantId)
    {
        riskStatsQuery.wrapAndApplyHeader(buffer, offset, header).merchantId(merchantId);
        return HEADER_LENGTH + riskStatsQuery.encodedLength();
    }

    public int setMerchantRules(
        final MutableDirectBuffer buffer,
        final int offset,
        final long merchantId,
        final int pointsPerYuan,
        final int poolRateBps,
        final int allianceShareBps,
        final int platformFeeBps,
        final boolean allianceMember,
        final DistributionMode distributionMode,
        final long voucherPointsCost,
        final long voucherValueFen,
        final long voucherValidityMs)
    {
        setMerchantRules.wrapAndApplyHeader(buffer, offset, header)
            .merchantId(merchantId)
            .pointsPerYuan(pointsPerYuan)
            .poolRateBps(poolRateBps)
            .allianceShareBps(allianceShareBps)
            .platformFeeBps(platformFeeBps)
            .allianceMember(allianceMember ? BooleanType.TRUE : BooleanType.FALSE)
            .distributionMode(distributionMode)
            .voucherPointsCost(voucherPointsCost)
            .voucherValueFen(voucherValueFen)
            .voucherValidityMs(voucherValidityMs);
        return HEADER_LENGTH + setMerchantRules.encodedLength();
    }

    public int redeemPoints(
        final MutableDirectBuffer buffer, final int offset, final long consumerId, final long merchantId,
        final long redemptionId)
    {
        redeemPoints.wrapAndApplyHeader(buffer, offset, header)
            .consumerId(consumerId)
            .merchantId(merchantId)
            .redemptionId(redemptionId);
        return HEADER_LENGTH + redeemPoints.encodedLength();
    }

    public int adjustPoints(
        final MutableDirectBuffer buffer, final int offset, final long consumerId, final long adjustmentId,
        final long deltaPoints)
    {
        adjustPoints.wrapAndApplyHeader(buffer, offset, header)
            .consumerId(consumerId)
            .adjustmentId(adjustmentId)
            .deltaPoints(deltaPoints);
        return HEADER_LENGTH + adjustPoints.encodedLength();
    }

    public int distributePool(
        final MutableDirectBuffer buffer, final int offset, final long merchantId, final long distributionId,
        final long amountFen)
    {
        distributePool.wrapAndApplyHeader(buffer, offset, header)
            .merchantId(merchantId)
            .distributionId(distributionId)
            .amountFen(amountFen);
        return HEADER_LENGTH + distributePool.encodedLength();
    }

    public int consumerStatementQuery(final MutableDirectBuffer buffer, final int offset, final long consumerId)
    {
        consumerStatementQuery.wrapAndApplyHeader(buffer, offset, header).consumerId(consumerId);
        return HEADER_LENGTH + consumerStatementQuery.encodedLength();
    }

    /**
     * A page of a consumer's live vouchers (docs/protocol.md, ConsumerVouchersQuery): {@code merchantId} 0 for every
     * merchant (a terminal session must name its own), {@code cursor} 0 for the first page, then the reply's
     * nextCursor until it is 0.
     */
    public int consumerVouchersQuery(final MutableDirectBuffer buffer, final int offset, final long consumerId,
        final long merchantId, final long cursor)
    {
        consumerVouchersQuery.wrapAndApplyHeader(buffer, offset, header).consumerId(consumerId).merchantId(merchantId)
            .cursor(cursor);
        return HEADER_LENGTH + consumerVouchersQuery.encodedLength();
    }

    public int voucherStatusQuery(final MutableDirectBuffer buffer, final int offset, final long voucherId)
    {
        voucherStatusQuery.wrapAndApplyHeader(buffer, offset, header).voucherId(voucherId);
        return HEADER_LENGTH + voucherStatusQuery.encodedLength();
    }

    public int distributionStatusQuery(
        final MutableDirectBuffer buffer, final int offset, final long merchantId, final long distributionId)
    {
        distributionStatusQuery.wrapAndApplyHeader(buffer, offset, header)
            .merchantId(merchantId)
            .distributionId(distributionId);
        return HEADER_LENGTH + distributionStatusQuery.encodedLength();
    }

    public int registerMerchant(
        final MutableDirectBuffer buffer,
        final int offset,
        final long merchantId,
        final int pointsPerYuan,
        final int poolRateBps,
        final int allianceShareBps,
        final int platformFeeBps,
        final boolean allianceMember)
    {
        return registerMerchant(buffer, offset, merchantId, pointsPerYuan, poolRateBps, allianceShareBps,
            platformFeeBps, allianceMember, MerchantTrade.UNSPECIFIED, 0);
    }

    /** RegisterMerchant with the merchant's trade and area (schema version 4). */
    public int registerMerchant(
        final MutableDirectBuffer buffer,
        final int offset,
        final long merchantId,
        final int pointsPerYuan,
        final int poolRateBps,
        final int allianceShareBps,
        final int platformFeeBps,
        final boolean allianceMember,
        final MerchantTrade trade,
        final int areaCode)
    {
        registerMerchant.wrapAndApplyHeader(buffer, offset, header)
            .merchantId(merchantId)
            .pointsPerYuan(pointsPerYuan)
            .poolRateBps(poolRateBps)
            .allianceShareBps(allianceShareBps)
            .platformFeeBps(platformFeeBps)
            .allianceMember(allianceMember ? BooleanType.TRUE : BooleanType.FALSE)
            .trade(trade)
            .areaCode(areaCode);
        return HEADER_LENGTH + registerMerchant.encodedLength();
    }

    public int registerConsumer(
        final MutableDirectBuffer buffer, final int offset, final long consumerId, final long homeMerchantId)
    {
        registerConsumer.wrapAndApplyHeader(buffer, offset, header)
            .consumerId(consumerId)
            .homeMerchantId(homeMerchantId);
        return HEADER_LENGTH + registerConsumer.encodedLength();
    }

    public int registerTerminal(
        final MutableDirectBuffer buffer, final int offset, final long terminalId, final long merchantId)
    {
        registerTerminal.wrapAndApplyHeader(buffer, offset, header)
            .terminalId(terminalId)
            .merchantId(merchantId);
        return HEADER_LENGTH + registerTerminal.encodedLength();
    }

    public int topUp(
        final MutableDirectBuffer buffer, final int offset, final long consumerId, final long externalRef,
        final long amountFen)
    {
        topUp.wrapAndApplyHeader(buffer, offset, header)
            .consumerId(consumerId)
            .externalRef(externalRef)
            .amountFen(amountFen);
        return HEADER_LENGTH + topUp.encodedLength();
    }

    /** A Withdraw of the merchant's settlement balance. */
    public int withdraw(
        final MutableDirectBuffer buffer, final int offset, final long merchantId, final long withdrawalId,
        final long amountFen)
    {
        return withdraw(buffer, offset, merchantId, withdrawalId, amountFen, WithdrawSource.SETTLEMENT);
    }

    /** A Withdraw of the given balance (merchantId 0 with {@link WithdrawSource#PLATFORM_FEES}). */
    public int withdraw(
        final MutableDirectBuffer buffer, final int offset, final long merchantId, final long withdrawalId,
        final long amountFen, final WithdrawSource source)
    {
        withdraw.wrapAndApplyHeader(buffer, offset, header)
            .merchantId(merchantId)
            .withdrawalId(withdrawalId)
            .amountFen(amountFen)
            .source(source);
        return HEADER_LENGTH + withdraw.encodedLength();
    }

    public int setBlocked(
        final MutableDirectBuffer buffer, final int offset, final PartyType partyType, final long partyId,
        final boolean blocked)
    {
        setBlocked.wrapAndApplyHeader(buffer, offset, header)
            .partyType(partyType)
            .partyId(partyId)
            .blocked(blocked ? BooleanType.TRUE : BooleanType.FALSE);
        return HEADER_LENGTH + setBlocked.encodedLength();
    }

    public int pay(
        final MutableDirectBuffer buffer,
        final int offset,
        final long merchantId,
        final long terminalId,
        final long paymentId,
        final long consumerId,
        final long amountFen)
    {
        return pay(buffer, offset, merchantId, terminalId, paymentId, consumerId, amountFen, 0);
    }

    public int pay(
        final MutableDirectBuffer buffer,
        final int offset,
        final long merchantId,
        final long terminalId,
        final long paymentId,
        final long consumerId,
        final long amountFen,
        final long voucherId)
    {
        pay.wrapAndApplyHeader(buffer, offset, header)
            .merchantId(merchantId)
            .terminalId(terminalId)
            .paymentId(paymentId)
            .consumerId(consumerId)
            .amountFen(amountFen)
            .voucherId(voucherId);
        return HEADER_LENGTH + pay.encodedLength();
    }

    public int tryPayment(
        final MutableDirectBuffer buffer,
        final int offset,
        final long merchantId,
        final long terminalId,
        final long paymentId,
        final long consumerId,
        final long amountFen,
        final long ttlMs)
    {
        return tryPayment(buffer, offset, merchantId, terminalId, paymentId, consumerId, amountFen, ttlMs, 0);
    }

    public int tryPayment(
        final MutableDirectBuffer buffer,
        final int offset,
        final long merchantId,
        final long terminalId,
        final long paymentId,
        final long consumerId,
        final long amountFen,
        final long ttlMs,
        final long voucherId)
    {
        paymentTry.wrapAndApplyHeader(buffer, offset, header)
            .merchantId(merchantId)
            .terminalId(terminalId)
            .paymentId(paymentId)
            .consumerId(consumerId)
            .amountFen(amountFen)
            .ttlMs(ttlMs)
            .voucherId(voucherId);
        return HEADER_LENGTH + paymentTry.encodedLength();
    }

    public int confirm(
        final MutableDirectBuffer buffer, final int offset, final long merchantId, final long terminalId,
        final long paymentId)
    {
        confirm.wrapAndApplyHeader(buffer, offset, header)
            .merchantId(merchantId)
            .terminalId(terminalId)
            .paymentId(paymentId);
        return HEADER_LENGTH + confirm.encodedLength();
    }

    public int cancel(
        final MutableDirectBuffer buffer, final int offset, final long merchantId, final long terminalId,
        final long paymentId)
    {
        cancel.wrapAndApplyHeader(buffer, offset, header)
            .merchantId(merchantId)
            .terminalId(terminalId)
            .paymentId(paymentId);
        return HEADER_LENGTH + cancel.encodedLength();
    }

    public int refund(
        final MutableDirectBuffer buffer,
        final int offset,
        final long merchantId,
        final long terminalId,
        final long paymentId,
        final long refundId,
        final long amountFen)
    {
        refund.wrapAndApplyHeader(buffer, offset, header)
            .merchantId(merchantId)
            .terminalId(terminalId)
            .paymentId(paymentId)
            .refundId(refundId)
            .amountFen(amountFen);
        return HEADER_LENGTH + refund.encodedLength();
    }

    public int tick(final MutableDirectBuffer buffer, final int offset)
    {
        tick.wrapAndApplyHeader(buffer, offset, header).reserved(0);
        return HEADER_LENGTH + tick.encodedLength();
    }

    /** Operator: a snapshot right after this command's journal sequence (the snapshotter takes it). */
    public int takeSnapshot(final MutableDirectBuffer buffer, final int offset, final long requestId)
    {
        takeSnapshot.wrapAndApplyHeader(buffer, offset, header).requestId(requestId);
        return HEADER_LENGTH + takeSnapshot.encodedLength();
    }

    public int balanceQuery(final MutableDirectBuffer buffer, final int offset, final long consumerId)
    {
        balanceQuery.wrapAndApplyHeader(buffer, offset, header).consumerId(consumerId);
        return HEADER_LENGTH + balanceQuery.encodedLength();
    }

    public int paymentStatusQuery(
        final MutableDirectBuffer buffer, final int offset, final long merchantId, final long paymentId)
    {
        paymentStatusQuery.wrapAndApplyHeader(buffer, offset, header).merchantId(merchantId).paymentId(paymentId);
        return HEADER_LENGTH + paymentStatusQuery.encodedLength();
    }

    public int merchantStatementQuery(final MutableDirectBuffer buffer, final int offset, final long merchantId)
    {
        statementQuery.wrapAndApplyHeader(buffer, offset, header).merchantId(merchantId);
        return HEADER_LENGTH + statementQuery.encodedLength();
    }

    public int stateHashQuery(final MutableDirectBuffer buffer, final int offset)
    {
        stateHashQuery.wrapAndApplyHeader(buffer, offset, header).reserved(0);
        return HEADER_LENGTH + stateHashQuery.encodedLength();
    }

    /**
     * @param withStateHash ask for the engine's state hash too: a pass over all state on the engine thread, so not in
     *                      a monitoring loop.
     */
    public int clusterStatusQuery(final MutableDirectBuffer buffer, final int offset, final boolean withStateHash)
    {
        clusterStatusQuery.wrapAndApplyHeader(buffer, offset, header).flags(withStateHash ? 1 : 0);
        return HEADER_LENGTH + clusterStatusQuery.encodedLength();
    }

    /**
     * @param action       PROMOTE targetNodeId, DEMOTE (hand over to targetNodeId, or -1 for the best standby),
     *                     ADD_MEMBER or REMOVE_MEMBER targetNodeId.
     */
    public int clusterControl(
        final MutableDirectBuffer buffer, final int offset, final ClusterAction action, final int targetNodeId)
    {
        clusterControl.wrapAndApplyHeader(buffer, offset, header).action(action).targetNodeId(targetNodeId);
        return HEADER_LENGTH + clusterControl.encodedLength();
    }
}
