package com.wodian.engine;

import com.wodian.protocol.CommandCatalog;
import com.wodian.protocol.sbe.*;
import org.agrona.DirectBuffer;
import org.agrona.sbe.MessageDecoderFlyweight;

/**
 * Decodes each input and hands its fields to the rules that own it: the message switch, and nothing else. Inputs
 * that fail the catalog's checks (length, schema, version) are answered with an error reply here; decoders are
 * reused flyweights.
 */
final class CommandAdapter
{
    private final PaymentRules payments;
    private final FundsRules funds;
    private final RewardsRules rewards;
    private final RegistryRules registry;
    private final RiskSettingsRules riskSettings;
    private final AccountEventRules accountEvents;
    private final EngineQueries queries;
    private final ReplyPublisher replies;
    private final EngineSettings settings;

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
    private final SetEngineSettingDecoder setEngineSettingDecoder = new SetEngineSettingDecoder();
    private final SetRiskModelDecoder setRiskModelDecoder = new SetRiskModelDecoder();
    private final AccountEventDecoder accountEventDecoder = new AccountEventDecoder();
    /** Every message decoder above, for {@link #wrapDecodersOn}. */
    private final MessageDecoderFlyweight[] messageDecoders = {registerMerchantDecoder, registerConsumerDecoder,
        registerTerminalDecoder, topUpDecoder, withdrawDecoder, setBlockedDecoder, payDecoder, tryDecoder,
        confirmDecoder, cancelDecoder, refundDecoder, setMerchantRulesDecoder, redeemPointsDecoder, adjustPointsDecoder,
        distributePoolDecoder, takeSnapshotDecoder, setRiskRuleDecoder, setEngineSettingDecoder, setRiskModelDecoder,
        accountEventDecoder};

    CommandAdapter(
        final PaymentRules payments,
        final FundsRules funds,
        final RewardsRules rewards,
        final RegistryRules registry,
        final RiskSettingsRules riskSettings,
        final AccountEventRules accountEvents,
        final EngineQueries queries,
        final ReplyPublisher replies,
        final EngineSettings settings)
    {
        this.settings = settings;
        this.payments = payments;
        this.funds = funds;
        this.rewards = rewards;
        this.registry = registry;
        this.riskSettings = riskSettings;
        this.accountEvents = accountEvents;
        this.queries = queries;
        this.replies = replies;
    }

    /**
     * Wraps every decoder on {@code buffer}, where the caller will hand in its inputs (a replay's batch buffer): see
     * {@link Engine#expectInputsIn}. Changes nothing but which buffer the flyweights hold until the next input.
     */
    void wrapDecodersOn(final DirectBuffer buffer)
    {
        wrapAllOn(buffer, messageDecoders);
    }

    /** Wraps each message decoder on {@code buffer} at offset 0 with its own block length and schema version. */
    static void wrapAllOn(final DirectBuffer buffer, final MessageDecoderFlyweight[] decoders)
    {
        for (final MessageDecoderFlyweight decoder : decoders)
        {
            decoder.wrap(buffer, 0, decoder.sbeBlockLength(), decoder.sbeSchemaVersion());
        }
    }

    /**
     * Decodes one journaled input and applies it; a query template here is answered as a query. {@code batchEntry}
     * is the input's entry in the prefetched batch (-1: none), whose party indexes the payment rules start from.
     */
    void onCommand(final DirectBuffer buffer, final int offset, final int length, final int batchEntry,
        final ReplySink sink)
    {
        final ResultCode check = CommandCatalog.check(buffer, offset, length);
        if (check != ResultCode.OK)
        {
            replies.error(check, length >= CommandCatalog.HEADER_LENGTH ? CommandCatalog.templateId(buffer, offset) : 0,
                sink);
            return;
        }
        onCheckedCommand(buffer, offset, length, CommandCatalog.header(buffer, offset), batchEntry, sink);
    }

    /**
     * As {@link #onCommand}, for an input that passes the catalog's check and whose header is {@code header}: the
     * prefetch found both for these very bytes ({@link BatchPrefetcher#checked}), so neither is read again.
     */
    void onCheckedCommand(final DirectBuffer buffer, final int offset, final int length, final long header,
        final int batchEntry, final ReplySink sink)
    {
        final int templateId = CommandCatalog.templateId(header);
        final int body = offset + MessageHeaderDecoder.ENCODED_LENGTH;
        final int block = CommandCatalog.blockLength(header);
        final int version = CommandCatalog.version(header);
        switch (templateId)
        {
            case PayDecoder.TEMPLATE_ID -> onPay(payDecoder.wrap(buffer, body, block, version), batchEntry, sink);
            case PaymentTryDecoder.TEMPLATE_ID ->
                onTry(tryDecoder.wrap(buffer, body, block, version), batchEntry, sink);
            case PaymentConfirmDecoder.TEMPLATE_ID ->
                onConfirm(confirmDecoder.wrap(buffer, body, block, version), batchEntry, sink);
            case PaymentCancelDecoder.TEMPLATE_ID ->
                onCancel(cancelDecoder.wrap(buffer, body, block, version), batchEntry, sink);
            case RefundDecoder.TEMPLATE_ID ->
                onRefund(refundDecoder.wrap(buffer, body, block, version), batchEntry, sink);
            case TopUpDecoder.TEMPLATE_ID -> onTopUp(topUpDecoder.wrap(buffer, body, block, version), sink);
            case WithdrawDecoder.TEMPLATE_ID -> onWithdraw(withdrawDecoder.wrap(buffer, body, block, version), sink);
            case RegisterMerchantDecoder.TEMPLATE_ID ->
                onRegisterMerchant(registerMerchantDecoder.wrap(buffer, body, block, version), sink);
            case RegisterConsumerDecoder.TEMPLATE_ID ->
                onRegisterConsumer(registerConsumerDecoder.wrap(buffer, body, block, version), sink);
            case RegisterTerminalDecoder.TEMPLATE_ID ->
                onRegisterTerminal(registerTerminalDecoder.wrap(buffer, body, block, version), sink);
            case SetBlockedDecoder.TEMPLATE_ID ->
                onSetBlocked(setBlockedDecoder.wrap(buffer, body, block, version), sink);
            case TickDecoder.TEMPLATE_ID -> replies.ack(ResultCode.OK, TickDecoder.TEMPLATE_ID, 0, sink);
            // A marker for the snapshotter, which follows the journal: no business state changes.
            case TakeSnapshotDecoder.TEMPLATE_ID -> replies.ack(ResultCode.OK, TakeSnapshotDecoder.TEMPLATE_ID,
                takeSnapshotDecoder.wrap(buffer, body, block, version).requestId(), sink);
            case SetMerchantRulesDecoder.TEMPLATE_ID ->
                onSetMerchantRules(setMerchantRulesDecoder.wrap(buffer, body, block, version), sink);
            case RedeemPointsDecoder.TEMPLATE_ID ->
                onRedeem(redeemPointsDecoder.wrap(buffer, body, block, version), sink);
            case AdjustPointsDecoder.TEMPLATE_ID ->
                onAdjust(adjustPointsDecoder.wrap(buffer, body, block, version), sink);
            case DistributePoolDecoder.TEMPLATE_ID ->
                onDistribute(distributePoolDecoder.wrap(buffer, body, block, version), sink);
            case SetRiskRuleDecoder.TEMPLATE_ID ->
                onSetRiskRule(setRiskRuleDecoder.wrap(buffer, body, block, version), sink);
            case SetEngineSettingDecoder.TEMPLATE_ID ->
                onSetEngineSetting(setEngineSettingDecoder.wrap(buffer, body, block, version), sink);
            case SetRiskModelDecoder.TEMPLATE_ID ->
                onSetRiskModel(setRiskModelDecoder.wrap(buffer, body, block, version), buffer, body + block,
                    offset + length, sink);
            case AccountEventDecoder.TEMPLATE_ID ->
                onAccountEvent(accountEventDecoder.wrap(buffer, body, block, version), sink);
            default -> queries.answer(templateId, buffer, body, block, version, sink);
        }
    }

    /**
     * Answers a query from the current state. Queries are not journaled and change nothing; a command passed here
     * is refused with {@code UNKNOWN_MESSAGE_TYPE}.
     */
    void onQuery(final DirectBuffer buffer, final int offset, final int length, final ReplySink sink)
    {
        final ResultCode check = CommandCatalog.check(buffer, offset, length);
        if (check != ResultCode.OK)
        {
            replies.error(check, length >= CommandCatalog.HEADER_LENGTH ? CommandCatalog.templateId(buffer, offset) : 0,
                sink);
            return;
        }
        final long header = CommandCatalog.header(buffer, offset);
        final int templateId = CommandCatalog.templateId(header);
        if (!CommandCatalog.isQuery(templateId))
        {
            replies.error(ResultCode.UNKNOWN_MESSAGE_TYPE, templateId, sink);
            return;
        }
        queries.answer(templateId, buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH,
            CommandCatalog.blockLength(header), CommandCatalog.version(header), sink);
    }

    private static long voucherIdOrNone(final long voucherId)
    {
        return voucherId > 0 ? voucherId : 0;   // a version 1 message decodes the null value
    }

    private void onPay(final PayDecoder pay, final int batchEntry, final ReplySink sink)
    {
        final long merchantId = pay.merchantId();
        final long paymentId = pay.paymentId();
        final long amountFen = pay.amountFen();
        final long decision = payments.tryOrPay(PaymentRules.TEMPLATE_PAY, merchantId, pay.terminalId(), paymentId,
            pay.consumerId(), amountFen, 0, voucherIdOrNone(pay.voucherId()), batchEntry);
        replies.tryOrPay(decision, PaymentRules.TEMPLATE_PAY, merchantId, paymentId, amountFen, sink);
    }

    private void onTry(final PaymentTryDecoder paymentTry, final int batchEntry, final ReplySink sink)
    {
        final long merchantId = paymentTry.merchantId();
        final long paymentId = paymentTry.paymentId();
        final long amountFen = paymentTry.amountFen();
        final long decision = payments.tryOrPay(PaymentRules.TEMPLATE_TRY, merchantId, paymentTry.terminalId(),
            paymentId, paymentTry.consumerId(), amountFen, paymentTry.ttlMs(),
            voucherIdOrNone(paymentTry.voucherId()), batchEntry);
        replies.tryOrPay(decision, PaymentRules.TEMPLATE_TRY, merchantId, paymentId, amountFen, sink);
    }

    private void onConfirm(final PaymentConfirmDecoder confirm, final int batchEntry, final ReplySink sink)
    {
        final long merchantId = confirm.merchantId();
        final long paymentId = confirm.paymentId();
        final long decision = payments.confirm(merchantId, confirm.terminalId(), paymentId, batchEntry);
        replies.confirmOrCancel(decision, PaymentConfirmDecoder.TEMPLATE_ID, merchantId, paymentId, sink);
    }

    private void onCancel(final PaymentCancelDecoder cancel, final int batchEntry, final ReplySink sink)
    {
        final long merchantId = cancel.merchantId();
        final long paymentId = cancel.paymentId();
        final long decision = payments.cancel(merchantId, cancel.terminalId(), paymentId, batchEntry);
        replies.confirmOrCancel(decision, PaymentCancelDecoder.TEMPLATE_ID, merchantId, paymentId, sink);
    }

    private void onRefund(final RefundDecoder refund, final int batchEntry, final ReplySink sink)
    {
        final long merchantId = refund.merchantId();
        final long paymentId = refund.paymentId();
        final long refundId = refund.refundId();
        final long amountFen = refund.amountFen();
        final long decision = payments.refund(merchantId, refund.terminalId(), paymentId, refundId, amountFen,
            refund.actingVersion() >= RefundSplit.SINCE_VERSION, batchEntry);
        replies.refund(decision, merchantId, paymentId, refundId, amountFen, sink);
    }

    private void onSetRiskRule(final SetRiskRuleDecoder rule, final ReplySink sink)
    {
        final long merchantId = rule.merchantId();
        final ResultCode code = riskSettings.setRiskRule(merchantId, rule.ruleId(), rule.modeRaw(), rule.actionRaw(),
            rule.threshold1(), rule.threshold2(), rule.threshold3());
        replies.ack(code, SetRiskRuleDecoder.TEMPLATE_ID, merchantId, sink);
    }

    /** SetRiskModel; its trees group, when it has one, is decoded by the rules, checked against the message's end. */
    private void onSetRiskModel(final SetRiskModelDecoder model, final DirectBuffer buffer, final int groupOffset,
        final int messageEnd, final ReplySink sink)
    {
        final ResultCode code = riskSettings.setRiskModel(model, buffer, groupOffset, messageEnd);
        replies.ack(code, SetRiskModelDecoder.TEMPLATE_ID, model.version(), sink);
    }

    private void onSetEngineSetting(final SetEngineSettingDecoder setting, final ReplySink sink)
    {
        final short settingRaw = setting.settingRaw();
        replies.ack(settings.set(settingRaw, setting.value()), SetEngineSettingDecoder.TEMPLATE_ID, settingRaw, sink);
    }

    private void onAccountEvent(final AccountEventDecoder event, final ReplySink sink)
    {
        final long consumerId = event.consumerId();
        replies.ack(accountEvents.accountEvent(consumerId, event.kindRaw()), AccountEventDecoder.TEMPLATE_ID,
            consumerId, sink);
    }

    private void onTopUp(final TopUpDecoder topUp, final ReplySink sink)
    {
        final long externalRef = topUp.externalRef();
        replies.ack(funds.topUp(topUp.consumerId(), externalRef, topUp.amountFen()), TopUpDecoder.TEMPLATE_ID,
            externalRef, sink);
    }

    private void onWithdraw(final WithdrawDecoder withdraw, final ReplySink sink)
    {
        final long withdrawalId = withdraw.withdrawalId();
        replies.ack(funds.withdraw(withdraw.merchantId(), withdrawalId, withdraw.amountFen(), withdraw.sourceRaw()),
            WithdrawDecoder.TEMPLATE_ID, withdrawalId, sink);
    }

    private void onRegisterMerchant(final RegisterMerchantDecoder register, final ReplySink sink)
    {
        final long merchantId = register.merchantId();
        // Senders of schema version 3 have no trade nor area: UNSPECIFIED, unknown.
        final boolean placed = register.actingVersion() >= 4;
        final ResultCode code = registry.registerMerchant(merchantId, register.pointsPerYuan(),
            register.poolRateBps(), register.allianceShareBps(), register.platformFeeBps(),
            register.allianceMemberRaw(), placed ? register.tradeRaw() : 0, placed ? register.areaCode() : 0);
        replies.ack(code, RegisterMerchantDecoder.TEMPLATE_ID, merchantId, sink);
    }

    private void onRegisterConsumer(final RegisterConsumerDecoder register, final ReplySink sink)
    {
        final long consumerId = register.consumerId();
        replies.ack(registry.registerConsumer(consumerId, register.homeMerchantId()),
            RegisterConsumerDecoder.TEMPLATE_ID, consumerId, sink);
    }

    private void onRegisterTerminal(final RegisterTerminalDecoder register, final ReplySink sink)
    {
        final long terminalId = register.terminalId();
        replies.ack(registry.registerTerminal(terminalId, register.merchantId()),
            RegisterTerminalDecoder.TEMPLATE_ID, terminalId, sink);
    }

    private void onSetBlocked(final SetBlockedDecoder setBlocked, final ReplySink sink)
    {
        final long partyId = setBlocked.partyId();
        replies.ack(registry.setBlocked(setBlocked.partyTypeRaw(), partyId, setBlocked.blockedRaw()),
            SetBlockedDecoder.TEMPLATE_ID, partyId, sink);
    }

    private void onSetMerchantRules(final SetMerchantRulesDecoder rules, final ReplySink sink)
    {
        final long merchantId = rules.merchantId();
        final ResultCode code = rewards.setMerchantRules(merchantId, rules.pointsPerYuan(), rules.poolRateBps(),
            rules.allianceShareBps(), rules.platformFeeBps(), rules.allianceMemberRaw(), rules.distributionModeRaw(),
            rules.voucherPointsCost(), rules.voucherValueFen(), rules.voucherValidityMs());
        replies.ack(code, SetMerchantRulesDecoder.TEMPLATE_ID, merchantId, sink);
    }

    private void onRedeem(final RedeemPointsDecoder redeem, final ReplySink sink)
    {
        final long consumerId = redeem.consumerId();
        final long decision = rewards.redeemPoints(consumerId, redeem.merchantId(), redeem.redemptionId());
        replies.voucher(decision, consumerId, sink);
    }

    private void onAdjust(final AdjustPointsDecoder adjust, final ReplySink sink)
    {
        final long adjustmentId = adjust.adjustmentId();
        replies.ack(rewards.adjustPoints(adjust.consumerId(), adjustmentId, adjust.deltaPoints()),
            AdjustPointsDecoder.TEMPLATE_ID, adjustmentId, sink);
    }

    private void onDistribute(final DistributePoolDecoder distribute, final ReplySink sink)
    {
        final long distributionId = distribute.distributionId();
        replies.ack(rewards.distributePool(distribute.merchantId(), distributionId, distribute.amountFen()),
            DistributePoolDecoder.TEMPLATE_ID, distributionId, sink);
    }
}
