package com.wodian.engine;

import com.wodian.engine.RecordFields.Payment;
import com.wodian.engine.RecordFields.Redemption;
import com.wodian.engine.RecordFields.Refund;
import com.wodian.protocol.CommandCatalog;
import com.wodian.protocol.ErrorReplies;
import com.wodian.protocol.sbe.AckEncoder;
import com.wodian.protocol.sbe.BooleanType;
import com.wodian.protocol.sbe.ErrorReplyEncoder;
import com.wodian.protocol.sbe.MessageHeaderEncoder;
import com.wodian.protocol.sbe.PayDecoder;
import com.wodian.protocol.sbe.PaymentConfirmDecoder;
import com.wodian.protocol.sbe.PaymentReplyEncoder;
import com.wodian.protocol.sbe.RefundReplyEncoder;
import com.wodian.protocol.sbe.ResultCode;
import com.wodian.protocol.sbe.VoucherReplyEncoder;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;

/**
 * Encodes every reply to a journaled command, from primitives, into one reused buffer and hands it to the
 * {@link ReplySink}, or from a rule's {@link Decision}: the code and the record that holds what the reply reports.
 * Query answers ({@link EngineQueries}) encode into the same buffer through {@link #buffer} and {@link #header}. The
 * buffer is valid only during the sink's call.
 */
final class ReplyPublisher
{
    /**
     * A PaymentReply's message header as one little-endian long (block length, template id, schema id, version: the
     * generated encoder's own constants), written with one store instead of the header encoder's four: the reply of
     * every Pay, Try, Confirm and Cancel.
     */
    private static final long PAYMENT_REPLY_HEADER = PaymentReplyEncoder.BLOCK_LENGTH |
        (long)PaymentReplyEncoder.TEMPLATE_ID << 16 | (long)PaymentReplyEncoder.SCHEMA_ID << 32 |
        (long)PaymentReplyEncoder.SCHEMA_VERSION << 48;

    /*
     * A PaymentReply is written straight into the buffer's array at the generated codec's own offsets (the header's
     * 8 bytes, then the block's fields; little-endian, the schema's byte order), through views of the array that the
     * JDK bounds-checks: the encoder's setters each re-read the buffer's address, array and capacity (Agrona's
     * UnsafeBuffer, whose fields any store through it might have changed) and check the bounds again, ~40 loads and
     * branches per reply (session 53: a staged Pay on warm lines ~2.5% more Pays per CPU-second). The bytes are the
     * encoder's: GoldenJournalTest compares every reply of the golden journal byte for byte.
     */
    private static final VarHandle LONG_AT =
        MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final VarHandle SHORT_AT =
        MethodHandles.byteArrayViewVarHandle(short[].class, ByteOrder.LITTLE_ENDIAN);
    private static final int PAYMENT_BODY = MessageHeaderEncoder.ENCODED_LENGTH;
    private static final int PAYMENT_CODE_AT = PAYMENT_BODY + PaymentReplyEncoder.codeEncodingOffset();
    private static final int PAYMENT_TEMPLATE_AT = PAYMENT_BODY + PaymentReplyEncoder.commandTemplateIdEncodingOffset();
    private static final int PAYMENT_MERCHANT_AT = PAYMENT_BODY + PaymentReplyEncoder.merchantIdEncodingOffset();
    private static final int PAYMENT_ID_AT = PAYMENT_BODY + PaymentReplyEncoder.paymentIdEncodingOffset();
    private static final int PAYMENT_AMOUNT_AT = PAYMENT_BODY + PaymentReplyEncoder.amountFenEncodingOffset();
    private static final int PAYMENT_POINTS_AT = PAYMENT_BODY + PaymentReplyEncoder.pointsEarnedEncodingOffset();
    private static final int PAYMENT_VOUCHER_AT = PAYMENT_BODY + PaymentReplyEncoder.voucherFenEncodingOffset();
    /*
     * A RefundReply's and a VoucherReply's code, written as the decision's number at the codec's own offset (the
     * encoder's setter takes the enum, which the decision does not hold: Decision.codeValue); the other fields through
     * the encoder.
     */
    private static final int REFUND_CODE_AT =
        MessageHeaderEncoder.ENCODED_LENGTH + RefundReplyEncoder.codeEncodingOffset();
    private static final int VOUCHER_CODE_AT =
        MessageHeaderEncoder.ENCODED_LENGTH + VoucherReplyEncoder.codeEncodingOffset();

    /** The reply buffer's array ({@link #buffer} wraps it), for the PaymentReply's direct writes. */
    private final byte[] bytes = new byte[CommandCatalog.MAX_REPLY_LENGTH];
    final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
    final MessageHeaderEncoder header = new MessageHeaderEncoder();
    private final AckEncoder ackEncoder = new AckEncoder();
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

    /**
     * A Pay's or Try's PaymentReply: with a record (the payment's), its amount, the points a Pay earned and the
     * voucher part (a refused payment's record keeps neither); without one, the command's amount and nothing else.
     */
    void tryOrPay(final long decision, final int kind, final long merchantId, final long paymentId,
        final long amountFen, final ReplySink sink)
    {
        final int codeValue = Decision.codeValue(decision);
        final int payment = Decision.record(decision);
        if (payment < 0)
        {
            payment(codeValue, kind, merchantId, paymentId, amountFen, 0, 0, sink);
            return;
        }
        payment(codeValue, kind, merchantId, paymentId, records.get(payment, Payment.AMOUNT_FEN),
            kind == PayDecoder.TEMPLATE_ID ? records.get(payment, Payment.POINTS_EARNED) : 0,
            records.get(payment, Payment.VOUCHER_FEN), sink);
    }

    /**
     * A Confirm's or Cancel's PaymentReply: with a record (the Try, a Pay it refused, or an empty rollback), its
     * amount, and the points and voucher part only on a confirmation; without one, nothing but the code.
     */
    void confirmOrCancel(final long decision, final int template, final long merchantId, final long paymentId,
        final ReplySink sink)
    {
        final int codeValue = Decision.codeValue(decision);
        final int payment = Decision.record(decision);
        if (payment < 0)
        {
            payment(codeValue, template, merchantId, paymentId, 0, 0, 0, sink);
            return;
        }
        final boolean confirmed = template == PaymentConfirmDecoder.TEMPLATE_ID && Decision.isOk(decision);
        payment(codeValue, template, merchantId, paymentId, records.get(payment, Payment.AMOUNT_FEN),
            confirmed ? records.get(payment, Payment.POINTS_EARNED) : 0,
            confirmed ? records.get(payment, Payment.VOUCHER_FEN) : 0, sink);
    }

    private void payment(
        final int codeValue,
        final int commandTemplateId,
        final long merchantId,
        final long paymentId,
        final long amountFen,
        final long pointsEarned,
        final long voucherFen,
        final ReplySink sink)
    {
        final byte[] reply = bytes;
        LONG_AT.set(reply, 0, PAYMENT_REPLY_HEADER);
        SHORT_AT.set(reply, PAYMENT_CODE_AT, (short)codeValue);
        SHORT_AT.set(reply, PAYMENT_TEMPLATE_AT, (short)commandTemplateId);
        LONG_AT.set(reply, PAYMENT_MERCHANT_AT, merchantId);
        LONG_AT.set(reply, PAYMENT_ID_AT, paymentId);
        LONG_AT.set(reply, PAYMENT_AMOUNT_AT, amountFen);
        LONG_AT.set(reply, PAYMENT_POINTS_AT, pointsEarned);
        LONG_AT.set(reply, PAYMENT_VOUCHER_AT, voucherFen);
        send(PaymentReplyEncoder.BLOCK_LENGTH, sink);
    }

    /**
     * A Refund's RefundReply, first and repeated alike, from its decision: an approved refund's split as its record
     * kept it ({@link RefundSplit}: Ledger.refund records what it moved), or unknown when it kept none (a Refund before
     * version 7); a refusal gives nothing back.
     */
    void refund(final long decision, final long merchantId, final long paymentId, final long refundId,
        final long amountFen, final ReplySink sink)
    {
        final int codeValue = Decision.codeValue(decision);
        final int refund = Decision.record(decision);
        final boolean approved = Decision.isOk(decision);
        if (approved && RefundSplit.isRecorded(records, refund))
        {
            final long voucherFen = records.get(refund, Refund.VOUCHER_FEN);
            final boolean restored = (records.get(refund, Refund.SPLIT_FLAGS) & RefundSplit.VOUCHER_RESTORED) != 0;
            refund(codeValue, merchantId, paymentId, refundId, amountFen, amountFen - voucherFen, voucherFen,
                records.get(refund, Refund.POINTS_CLAWED_BACK), restored ? BooleanType.TRUE : BooleanType.FALSE,
                sink);
        }
        else
        {
            refund(codeValue, merchantId, paymentId, refundId, amountFen, approved, sink);
        }
    }

    /**
     * A RefundReply without a known split: a refusal ({@code splitUnknown} false: nothing given back, 0) or an approved
     * refund that keeps no split (true: -1, restored null; a Refund older than schema version 7).
     */
    private void refund(
        final int codeValue,
        final long merchantId,
        final long paymentId,
        final long refundId,
        final long amountFen,
        final boolean splitUnknown,
        final ReplySink sink)
    {
        refund(codeValue, merchantId, paymentId, refundId, amountFen, splitUnknown ? -1 : 0, splitUnknown ? -1 : 0,
            splitUnknown ? -1 : 0, splitUnknown ? BooleanType.NULL_VAL : BooleanType.FALSE, sink);
    }

    private void refund(
        final int codeValue,
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
            .merchantId(merchantId)
            .paymentId(paymentId)
            .refundId(refundId)
            .amountFen(amountFen)
            .cashFen(cashFen)
            .voucherFen(voucherFen)
            .pointsClawedBack(pointsClawedBack)
            .voucherRestored(voucherRestored);
        SHORT_AT.set(bytes, REFUND_CODE_AT, (short)codeValue);
        send(refundReplyEncoder.encodedLength(), sink);
    }

    /**
     * A RedeemPoints' VoucherReply, from its decision: the voucher its redemption record holds (a refused
     * redemption's record holds none: zeros), or zeros when the decision names no record.
     */
    void voucher(final long decision, final long consumerId, final ReplySink sink)
    {
        final int codeValue = Decision.codeValue(decision);
        final int redemption = Decision.record(decision);
        if (redemption < 0)
        {
            voucher(codeValue, consumerId, 0, 0, 0, 0, sink);
            return;
        }
        voucher(codeValue, consumerId, records.get(redemption, Redemption.VOUCHER_ID),
            records.get(redemption, Redemption.VOUCHER_VALUE_FEN), records.get(redemption, Redemption.POINTS_COST),
            records.get(redemption, Redemption.VOUCHER_EXPIRES_AT_MS), sink);
    }

    private void voucher(
        final int codeValue,
        final long consumerId,
        final long voucherId,
        final long valueFen,
        final long pointsCost,
        final long expiresAtMs,
        final ReplySink sink)
    {
        voucherReplyEncoder.wrapAndApplyHeader(buffer, 0, header)
            .consumerId(consumerId)
            .voucherId(voucherId)
            .valueFen(valueFen)
            .pointsCost(pointsCost)
            .expiresAtMs(expiresAtMs);
        SHORT_AT.set(bytes, VOUCHER_CODE_AT, (short)codeValue);
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
