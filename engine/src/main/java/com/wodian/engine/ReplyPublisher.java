package com.wodian.engine;

import com.wodian.engine.RecordFields.Redemption;
import com.wodian.protocol.CommandCatalog;
import com.wodian.protocol.ErrorReplies;
import com.wodian.protocol.sbe.AckEncoder;
import com.wodian.protocol.sbe.BooleanType;
import com.wodian.protocol.sbe.ErrorReplyEncoder;
import com.wodian.protocol.sbe.MessageHeaderEncoder;
import com.wodian.protocol.sbe.PaymentReplyEncoder;
import com.wodian.protocol.sbe.RefundReplyEncoder;
import com.wodian.protocol.sbe.ResultCode;
import com.wodian.protocol.sbe.VoucherReplyEncoder;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Encodes every reply to a journaled command, from primitives, into one reused buffer and hands it to the
 * {@link ReplySink}, or from a rule's {@link Decision}: the code and the record that holds what the reply reports.
 * Query answers ({@link EngineQueries}) encode into the same buffer through {@link #buffer} and {@link #header}. The
 * buffer is valid only during the sink's call.
 */
final class ReplyPublisher
{
    final UnsafeBuffer buffer = new UnsafeBuffer(new byte[CommandCatalog.MAX_REPLY_LENGTH]);
    final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final AckEncoder ackEncoder = new AckEncoder();
    private final PaymentReplyEncoder paymentReplyEncoder = new PaymentReplyEncoder();
    private final RefundReplyEncoder refundReplyEncoder = new RefundReplyEncoder();
    private final VoucherReplyEncoder voucherReplyEncoder = new VoucherReplyEncoder();
    private final ErrorReplyEncoder errorReplyEncoder = new ErrorReplyEncoder();
    private final RecordTable records;

    /**
     * Wraps every encoder on {@link #buffer} once, here: an SBE flyweight's {@code wrap} stores the buffer only when it
     * differs from the one it holds, and the JIT, having compiled a warm engine's path with that branch never taken,
     * deoptimizes the whole inlined command path the first time a new engine's encoders take it (seen when a JVM that
     * already ran one engine replays into another: the demo's offline replay, a restart in RecoveryHarness).
     */
    ReplyPublisher(final RecordTable records)
    {
        this.records = records;
        header.wrap(buffer, 0);
        ackEncoder.wrap(buffer, 0);
        paymentReplyEncoder.wrap(buffer, 0);
        refundReplyEncoder.wrap(buffer, 0);
        voucherReplyEncoder.wrap(buffer, 0);
        errorReplyEncoder.wrap(buffer, 0);
    }

    void ack(final ResultCode code, final int commandTemplateId, final long id, final ReplySink sink)
    {
        ackEncoder.wrapAndApplyHeader(buffer, 0, header)
            .code(code)
            .commandTemplateId(commandTemplateId)
            .id(id);
        send(ackEncoder.encodedLength(), sink);
    }

    void payment(
        final ResultCode code,
        final int commandTemplateId,
        final long merchantId,
        final long paymentId,
        final long amountFen,
        final long pointsEarned,
        final long voucherFen,
        final ReplySink sink)
    {
        paymentReplyEncoder.wrapAndApplyHeader(buffer, 0, header)
            .code(code)
            .commandTemplateId(commandTemplateId)
            .merchantId(merchantId)
            .paymentId(paymentId)
            .amountFen(amountFen)
            .pointsEarned(pointsEarned)
            .voucherFen(voucherFen);
        send(paymentReplyEncoder.encodedLength(), sink);
    }

    /**
     * A RefundReply without a known split: a refusal ({@code splitUnknown} false: nothing given back, 0) or an approved
     * refund that keeps no split (true: -1, restored null; a Refund older than schema version 7).
     */
    void refund(
        final ResultCode code,
        final long merchantId,
        final long paymentId,
        final long refundId,
        final long amountFen,
        final boolean splitUnknown,
        final ReplySink sink)
    {
        refund(code, merchantId, paymentId, refundId, amountFen, splitUnknown ? -1 : 0, splitUnknown ? -1 : 0,
            splitUnknown ? -1 : 0, splitUnknown ? BooleanType.NULL_VAL : BooleanType.FALSE, sink);
    }

    void refund(
        final ResultCode code,
        final long merchantId,
        final long paymentId,
        final long refundId,
        final long amountFen,
        final long cashFen,
        final long voucherFen,
        final long pointsClawedBack,
        final BooleanType voucherRestored,
        final ReplySink sink)
    {
        refundReplyEncoder.wrapAndApplyHeader(buffer, 0, header)
            .code(code)
            .merchantId(merchantId)
            .paymentId(paymentId)
            .refundId(refundId)
            .amountFen(amountFen)
            .cashFen(cashFen)
            .voucherFen(voucherFen)
            .pointsClawedBack(pointsClawedBack)
            .voucherRestored(voucherRestored);
        send(refundReplyEncoder.encodedLength(), sink);
    }

    /**
     * A RedeemPoints' VoucherReply: the voucher its redemption record holds (a refused redemption's record holds
     * none: zeros), or zeros when the decision names no record.
     */
    void voucher(final ResultCode code, final long consumerId, final int redemption, final ReplySink sink)
    {
        if (redemption < 0)
        {
            voucher(code, consumerId, 0, 0, 0, 0, sink);
            return;
        }
        voucher(code, consumerId, records.get(redemption, Redemption.VOUCHER_ID),
            records.get(redemption, Redemption.VOUCHER_VALUE_FEN), records.get(redemption, Redemption.POINTS_COST),
            records.get(redemption, Redemption.VOUCHER_EXPIRES_AT_MS), sink);
    }

    private void voucher(
        final ResultCode code,
        final long consumerId,
        final long voucherId,
        final long valueFen,
        final long pointsCost,
        final long expiresAtMs,
        final ReplySink sink)
    {
        voucherReplyEncoder.wrapAndApplyHeader(buffer, 0, header)
            .code(code)
            .consumerId(consumerId)
            .voucherId(voucherId)
            .valueFen(valueFen)
            .pointsCost(pointsCost)
            .expiresAtMs(expiresAtMs);
        send(voucherReplyEncoder.encodedLength(), sink);
    }

    void error(final ResultCode code, final int templateId, final ReplySink sink)
    {
        sink.onReply(buffer, 0, ErrorReplies.encode(errorReplyEncoder, header, buffer, 0, code, templateId & 0xFFFF));
    }

    /** Sends the message encoded at the start of {@link #buffer}: header plus {@code bodyLength} bytes. */
    void send(final int bodyLength, final ReplySink sink)
    {
        sink.onReply(buffer, 0, MessageHeaderEncoder.ENCODED_LENGTH + bodyLength);
    }
}
