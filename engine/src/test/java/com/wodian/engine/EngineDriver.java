package com.wodian.engine;

import com.wodian.protocol.ReplyCodes;
import com.wodian.protocol.CommandEncoder;
import com.wodian.protocol.MessageText;
import com.wodian.protocol.sbe.*;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Drives an engine as the pipeline would: each command gets the next sequence and the current test time. Keeps a
 * copy of the last reply so scenarios can read its fields.
 */
public final class EngineDriver implements ReplySink
{
    public final Engine engine;
    public final CommandEncoder encoder = new CommandEncoder();
    public final UnsafeBuffer command = new UnsafeBuffer(new byte[512]);
    public final UnsafeBuffer reply =
        new UnsafeBuffer(new byte[com.wodian.protocol.CommandCatalog.MAX_REPLY_LENGTH]);
    public int replyLength;
    /**
     * Replies to the last input or query: each apply and query clears the reply first, so an input the engine left
     * unanswered shows as 0 here and a null {@link #code()}, never as the previous input's reply.
     */
    public int replyCount;
    public long sequence;
    public long nowMs = 1_700_000_000_000L;
    /** Sees every input and its reply, for recording a golden journal; null: none. */
    public Tap tap;

    /** Receives each input applied through this driver with the reply it got. */
    interface Tap
    {
        /** {@code sequence} is 0 for a query, which is not journaled. */
        void onInput(long sequence, long timestampMs, DirectBuffer input, int inputLength, DirectBuffer reply,
            int replyLength);
    }

    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final PaymentReplyDecoder paymentReply = new PaymentReplyDecoder();
    private final BalanceReplyDecoder balanceReply = new BalanceReplyDecoder();
    private final PaymentStatusReplyDecoder statusReply = new PaymentStatusReplyDecoder();
    private final MerchantStatementReplyDecoder statementReply = new MerchantStatementReplyDecoder();
    private final VoucherReplyDecoder voucherReply = new VoucherReplyDecoder();
    private final VoucherStatusReplyDecoder voucherStatusReply = new VoucherStatusReplyDecoder();
    private final ConsumerStatementReplyDecoder consumerStatementReply = new ConsumerStatementReplyDecoder();
    private final DistributionStatusReplyDecoder distributionStatusReply = new DistributionStatusReplyDecoder();
    private final RiskRuleReplyDecoder riskRuleReply = new RiskRuleReplyDecoder();
    private final RiskEventsReplyDecoder riskEventsReply = new RiskEventsReplyDecoder();
    private final RiskStatsReplyDecoder riskStatsReply = new RiskStatsReplyDecoder();

    public EngineDriver(final EngineConfig config)
    {
        engine = new Engine(config);
    }

    @Override
    public void onReply(final DirectBuffer buffer, final int offset, final int length)
    {
        reply.putBytes(0, buffer, offset, length);
        replyLength = length;
        replyCount++;
    }

    public ResultCode apply(final int length)
    {
        replyLength = 0;
        replyCount = 0;
        engine.onCommand(++sequence, nowMs, command, 0, length, this);
        if (tap != null)
        {
            tap.onInput(sequence, nowMs, command, length, reply, replyLength);
        }
        return code();
    }

    public ResultCode query(final int length)
    {
        replyLength = 0;
        replyCount = 0;
        engine.onQuery(command, 0, length, this);
        if (tap != null)
        {
            tap.onInput(0, nowMs, command, length, reply, replyLength);
        }
        return code();
    }

    /** The last reply's code; null when the last input or query got no reply. */
    public ResultCode code()
    {
        return ReplyCodes.resultCodeOf(reply, 0, replyLength);
    }

    public String replyText()
    {
        return MessageText.describe(reply, 0, replyLength);
    }

    public byte[] replyBytes()
    {
        final byte[] bytes = new byte[replyLength];
        reply.getBytes(0, bytes);
        return bytes;
    }

    /** A new driver whose engine (of {@code config}) read this one's snapshot, at this driver's sequence and time. */
    public EngineDriver restoredFromSnapshot(final EngineConfig config)
    {
        final MemorySnapshot snapshot = new MemorySnapshot();
        engine.writeSnapshot(snapshot);
        final EngineDriver restored = new EngineDriver(config);
        restored.engine.readSnapshot(snapshot);
        restored.sequence = sequence;
        restored.nowMs = nowMs;
        return restored;
    }

    /**
     * Sets this driver's engine up for the risk feature tests: it captures each payment's features as a training tool
     * would, the daily limit runs in shadow (evaluated on every payment, so the profiles learn, and never declining),
     * and merchant 1, a cafe in area 310101 and an alliance member, has terminal 11.
     *
     * @return this driver
     */
    public EngineDriver withRiskFeatureCapture()
    {
        engine.captureRiskFeatures(true);
        org.junit.jupiter.api.Assertions.assertEquals(ResultCode.OK, riskRule(0,
            com.wodian.engine.risk.RiskRules.DAILY_LIMIT, RiskMode.SHADOW, RiskAction.DECLINE, 1_000_000_000, 0, 0));
        org.junit.jupiter.api.Assertions.assertEquals(ResultCode.OK, apply(encoder.registerMerchant(command, 0, 1, 10,
            500, 200, 0, true, MerchantTrade.CAFE, 310_101)));
        org.junit.jupiter.api.Assertions.assertEquals(ResultCode.OK, terminal(11, 1));
        return this;
    }

    /**
     * Applies the input this driver applied last ({@code length} bytes of its command buffer) to each follower, at this
     * driver's time, and asserts that each replies byte for byte alike: the twin-engine and restored-engine checks of
     * the property tests. A null follower (a restored engine not made yet) is skipped.
     */
    public void applyLastInputTo(final int length, final EngineDriver... followers)
    {
        for (final EngineDriver follower : followers)
        {
            if (follower != null)
            {
                follower.nowMs = nowMs;
                follower.command.putBytes(0, command, 0, length);
                follower.apply(length);
                org.junit.jupiter.api.Assertions.assertArrayEquals(replyBytes(), follower.replyBytes(),
                    "reply to input " + sequence);
            }
        }
    }

    public void advanceMs(final long ms)
    {
        nowMs += ms;
    }

    public ResultCode merchant(final long merchantId, final int pointsPerYuan, final int poolBps, final int allianceBps,
        final int feeBps, final boolean alliance)
    {
        return apply(encoder.registerMerchant(command, 0, merchantId, pointsPerYuan, poolBps, allianceBps, feeBps,
            alliance));
    }

    public ResultCode consumer(final long consumerId, final long homeMerchantId)
    {
        return apply(encoder.registerConsumer(command, 0, consumerId, homeMerchantId));
    }

    public ResultCode terminal(final long terminalId, final long merchantId)
    {
        return apply(encoder.registerTerminal(command, 0, terminalId, merchantId));
    }

    public ResultCode topUp(final long consumerId, final long ref, final long amountFen)
    {
        return apply(encoder.topUp(command, 0, consumerId, ref, amountFen));
    }

    public ResultCode withdraw(final long merchantId, final long withdrawalId, final long amountFen)
    {
        return apply(encoder.withdraw(command, 0, merchantId, withdrawalId, amountFen));
    }

    public ResultCode withdraw(final long merchantId, final long withdrawalId, final long amountFen,
        final WithdrawSource source)
    {
        return apply(encoder.withdraw(command, 0, merchantId, withdrawalId, amountFen, source));
    }

    public ResultCode block(final PartyType type, final long id, final boolean blocked)
    {
        return apply(encoder.setBlocked(command, 0, type, id, blocked));
    }

    public ResultCode pay(final long merchantId, final long terminalId, final long paymentId, final long consumerId,
        final long amountFen)
    {
        return apply(encoder.pay(command, 0, merchantId, terminalId, paymentId, consumerId, amountFen));
    }

    public ResultCode tryPay(final long merchantId, final long terminalId, final long paymentId, final long consumerId,
        final long amountFen, final long ttlMs)
    {
        return apply(encoder.tryPayment(command, 0, merchantId, terminalId, paymentId, consumerId, amountFen, ttlMs));
    }

    public ResultCode confirm(final long merchantId, final long terminalId, final long paymentId)
    {
        return apply(encoder.confirm(command, 0, merchantId, terminalId, paymentId));
    }

    public ResultCode cancel(final long merchantId, final long terminalId, final long paymentId)
    {
        return apply(encoder.cancel(command, 0, merchantId, terminalId, paymentId));
    }

    public ResultCode refund(final long merchantId, final long terminalId, final long paymentId, final long refundId,
        final long amountFen)
    {
        return apply(encoder.refund(command, 0, merchantId, terminalId, paymentId, refundId, amountFen));
    }

    public ResultCode setting(final com.wodian.protocol.sbe.EngineSetting setting, final long value)
    {
        return apply(encoder.setEngineSetting(command, 0, setting, value));
    }

    /** The account service's AccountEvent (schema 13) for {@code consumerId}. */
    public ResultCode accountEvent(final long consumerId, final AccountEventKind kind)
    {
        return apply(encoder.accountEvent(command, 0, consumerId, kind));
    }

    public ResultCode tick()
    {
        return apply(encoder.tick(command, 0));
    }

    public ResultCode rules(final long merchantId, final int pointsPerYuan, final int poolBps, final int allianceBps,
        final int feeBps, final boolean alliance, final DistributionMode mode, final long voucherPointsCost,
        final long voucherValueFen, final long voucherValidityMs)
    {
        return apply(encoder.setMerchantRules(command, 0, merchantId, pointsPerYuan, poolBps, allianceBps, feeBps,
            alliance, mode, voucherPointsCost, voucherValueFen, voucherValidityMs));
    }

    public ResultCode redeem(final long consumerId, final long merchantId, final long redemptionId)
    {
        return apply(encoder.redeemPoints(command, 0, consumerId, merchantId, redemptionId));
    }

    /** Voucher id of the last VoucherReply. */
    public long voucherIdOfLastReply()
    {
        header.wrap(reply, 0);
        return voucherReply.wrap(reply, MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version())
            .voucherId();
    }

    public ResultCode adjust(final long consumerId, final long adjustmentId, final long delta)
    {
        return apply(encoder.adjustPoints(command, 0, consumerId, adjustmentId, delta));
    }

    public ResultCode distribute(final long merchantId, final long distributionId, final long amountFen)
    {
        return apply(encoder.distributePool(command, 0, merchantId, distributionId, amountFen));
    }

    public ResultCode payWithVoucher(final long merchantId, final long terminalId, final long paymentId,
        final long consumerId, final long amountFen, final long voucherId)
    {
        return apply(encoder.pay(command, 0, merchantId, terminalId, paymentId, consumerId, amountFen, voucherId));
    }

    public ResultCode tryWithVoucher(final long merchantId, final long terminalId, final long paymentId,
        final long consumerId, final long amountFen, final long ttlMs, final long voucherId)
    {
        return apply(encoder.tryPayment(command, 0, merchantId, terminalId, paymentId, consumerId, amountFen, ttlMs,
            voucherId));
    }

    public VoucherStatusReplyDecoder voucher(final long voucherId)
    {
        query(encoder.voucherStatusQuery(command, 0, voucherId));
        header.wrap(reply, 0);
        return voucherStatusReply.wrap(reply, MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(),
            header.version());
    }

    public ConsumerStatementReplyDecoder consumerStatement(final long consumerId)
    {
        query(encoder.consumerStatementQuery(command, 0, consumerId));
        header.wrap(reply, 0);
        return consumerStatementReply.wrap(reply, MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(),
            header.version());
    }

    public DistributionStatusReplyDecoder distribution(final long merchantId, final long distributionId)
    {
        query(encoder.distributionStatusQuery(command, 0, merchantId, distributionId));
        header.wrap(reply, 0);
        return distributionStatusReply.wrap(reply, MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(),
            header.version());
    }

    public ResultCode riskRule(final long merchantId, final int ruleId, final RiskMode mode, final RiskAction action,
        final long threshold1, final long threshold2, final long threshold3)
    {
        return apply(encoder.setRiskRule(command, 0, merchantId, ruleId, mode, action, threshold1, threshold2,
            threshold3));
    }

    /** Every configurable rule in the given mode with its tuned defaults. */
    public void allRiskRules(final RiskMode mode)
    {
        for (int rule = 1; rule <= Engine.RISK_RULES_CONFIGURABLE; rule++)
        {
            final long[] defaults = Engine.riskRuleDefaults(rule);
            if (riskRule(0, rule, mode, RiskAction.get((short)defaults[0]), defaults[1], defaults[2], defaults[3]) !=
                ResultCode.OK)
            {
                throw new IllegalStateException("rule " + rule + ": " + replyText());
            }
        }
    }

    public RiskRuleReplyDecoder riskRuleOf(final long merchantId, final int ruleId)
    {
        query(encoder.riskRuleQuery(command, 0, merchantId, ruleId));
        header.wrap(reply, 0);
        return riskRuleReply.wrap(reply, MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
    }

    public RiskEventsReplyDecoder riskEvents(final long afterEventId)
    {
        query(encoder.riskEventsQuery(command, 0, afterEventId));
        header.wrap(reply, 0);
        return riskEventsReply.wrap(reply, MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(),
            header.version());
    }

    /** declined, flagged, shadow hits of one rule, platform-wide (merchantId 0) or at one merchant. */
    public long[] riskStats(final long merchantId, final int ruleId)
    {
        query(encoder.riskStatsQuery(command, 0, merchantId));
        header.wrap(reply, 0);
        riskStatsReply.wrap(reply, MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
        for (final RiskStatsReplyDecoder.RulesDecoder rule : riskStatsReply.rules())
        {
            if (rule.ruleId() == ruleId)
            {
                return new long[]{rule.declined(), rule.flagged(), rule.shadowHits()};
            }
        }
        return new long[]{-1, -1, -1};
    }

    public long pointsEarnedOfLastReply()
    {
        header.wrap(reply, 0);
        paymentReply.wrap(reply, MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
        return paymentReply.pointsEarned();
    }

    public long wallet(final long consumerId)
    {
        balance(consumerId);
        return balanceReply.walletFen();
    }

    public long held(final long consumerId)
    {
        balance(consumerId);
        return balanceReply.heldFen();
    }

    public long points(final long consumerId)
    {
        balance(consumerId);
        return balanceReply.points();
    }

    private void balance(final long consumerId)
    {
        query(encoder.balanceQuery(command, 0, consumerId));
        header.wrap(reply, 0);
        balanceReply.wrap(reply, MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
    }

    public PaymentStatusReplyDecoder status(final long merchantId, final long paymentId)
    {
        query(encoder.paymentStatusQuery(command, 0, merchantId, paymentId));
        header.wrap(reply, 0);
        return statusReply.wrap(reply, MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
    }

    public MerchantStatementReplyDecoder statement(final long merchantId)
    {
        query(encoder.merchantStatementQuery(command, 0, merchantId));
        header.wrap(reply, 0);
        return statementReply.wrap(reply, MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(),
            header.version());
    }
}
