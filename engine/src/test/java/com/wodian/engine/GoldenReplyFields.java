package com.wodian.engine;

import com.wodian.protocol.sbe.BooleanType;
import com.wodian.protocol.sbe.MessageHeaderDecoder;
import com.wodian.protocol.sbe.PayDecoder;
import com.wodian.protocol.sbe.PaymentCancelDecoder;
import com.wodian.protocol.sbe.PaymentConfirmDecoder;
import com.wodian.protocol.sbe.PaymentReplyDecoder;
import com.wodian.protocol.sbe.PaymentStatusReplyDecoder;
import com.wodian.protocol.sbe.PaymentTryDecoder;
import com.wodian.protocol.sbe.RefundDecoder;
import com.wodian.protocol.sbe.RefundReplyDecoder;
import com.wodian.protocol.sbe.ResultCode;
import com.wodian.protocol.sbe.VoucherReplyDecoder;
import org.agrona.DirectBuffer;

import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Checks the reply fields the golden replies were recorded without (schema version 7: the voucher part of a payment,
 * the split of a refund) against a model built from the inputs and the recorded fields alone: a voucher's value is
 * what its VoucherReply said, a payment's voucher part is the value of the voucher its approved Pay or Try named, a
 * refund's voucher part comes back with the refund that completes the payment (a Refund of version 7 or later; an
 * older one, as all of the recording's are, keeps no split and says -1), a repeated refund says what the first did.
 */
final class GoldenReplyFields
{
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final PayDecoder pay = new PayDecoder();
    private final PaymentTryDecoder paymentTry = new PaymentTryDecoder();
    private final RefundDecoder refund = new RefundDecoder();
    private final PaymentReplyDecoder paymentReply = new PaymentReplyDecoder();
    private final RefundReplyDecoder refundReply = new RefundReplyDecoder();
    private final PaymentStatusReplyDecoder statusReply = new PaymentStatusReplyDecoder();
    private final VoucherReplyDecoder voucherReply = new VoucherReplyDecoder();

    private final Map<Long, Long> voucherValueFen = new HashMap<>();
    /** By payment key: the voucher part of an approved Pay or Try, its amount, and what was refunded of it. */
    private final Map<String, Long> paymentVoucherFen = new HashMap<>();
    private final Map<String, Long> paymentAmountFen = new HashMap<>();
    private final Map<String, Long> paymentRefundedFen = new HashMap<>();
    private final Map<String, String> refundSplits = new HashMap<>();
    int paymentsWithVoucher;
    int refundsApproved;

    /** Checks the new fields of {@code reply} to the request at {@code offset}, and updates the model. */
    void check(final DirectBuffer request, final int offset, final DirectBuffer reply, final int replyLength,
        final String where)
    {
        header.wrap(reply, 0);
        switch (header.templateId())
        {
            case VoucherReplyDecoder.TEMPLATE_ID -> onVoucherReply(reply);
            case PaymentReplyDecoder.TEMPLATE_ID -> onPaymentReply(request, offset, reply, where);
            case RefundReplyDecoder.TEMPLATE_ID -> onRefundReply(request, offset, reply, where);
            case PaymentStatusReplyDecoder.TEMPLATE_ID -> onStatusReply(reply, where);
            default ->
            {
            }
        }
    }

    private void onVoucherReply(final DirectBuffer reply)
    {
        voucherReply.wrapAndApplyHeader(reply, 0, header);
        if (voucherReply.code() == ResultCode.OK)
        {
            voucherValueFen.put(voucherReply.voucherId(), voucherReply.valueFen());
        }
    }

    private void onPaymentReply(final DirectBuffer request, final int offset, final DirectBuffer reply,
        final String where)
    {
        paymentReply.wrapAndApplyHeader(reply, 0, header);
        final String key = paymentReply.merchantId() + "/" + paymentReply.paymentId();
        final long voucherFen = paymentReply.voucherFen();
        final boolean ok = paymentReply.code() == ResultCode.OK;
        header.wrap(request, offset);
        final int template = header.templateId();
        if (!ok || template == PaymentCancelDecoder.TEMPLATE_ID)
        {
            assertEquals(0, voucherFen, where + ": a refusal or a Cancel has no voucher part");
            return;
        }
        if (template == PaymentConfirmDecoder.TEMPLATE_ID)
        {
            assertEquals(paymentVoucherFen.get(key), voucherFen, where + ": a Confirm tells its Try's voucher part");
            return;
        }
        final long voucherId = template == PayDecoder.TEMPLATE_ID ?
            pay.wrapAndApplyHeader(request, offset, header).voucherId() :
            paymentTry.wrapAndApplyHeader(request, offset, header).voucherId();
        final Long first = paymentVoucherFen.putIfAbsent(key, voucherFen);
        paymentAmountFen.putIfAbsent(key, paymentReply.amountFen());
        if (first != null)
        {
            assertEquals(first, voucherFen, where + ": a repeat tells the first voucher part");
        }
        else if (voucherId == 0)
        {
            assertEquals(0, voucherFen, where + ": no voucher, no voucher part");
        }
        else
        {
            // Vouchers of a pool distribution have no VoucherReply: then any value up to the amount.
            final Long value = voucherValueFen.get(voucherId);
            assertTrue(value == null ? voucherFen > 0 && voucherFen <= paymentReply.amountFen() : value == voucherFen,
                where + ": the voucher part is the voucher's value, " + value + ", not " + voucherFen);
            paymentsWithVoucher++;
        }
    }

    private void onRefundReply(final DirectBuffer request, final int offset, final DirectBuffer reply,
        final String where)
    {
        refundReply.wrapAndApplyHeader(reply, 0, header);
        refund.wrapAndApplyHeader(request, offset, header);
        if (refundReply.code() != ResultCode.OK)
        {
            assertSplit(0, 0, 0, BooleanType.FALSE, where + ": a refusal gives nothing back");
            return;
        }
        if (refund.actingVersion() < RefundSplit.SINCE_VERSION)
        {
            // Every refund of the recording: its record keeps no split, so it is unknown, first time and repeat.
            assertSplit(-1, -1, -1, BooleanType.NULL_VAL, where + ": a refund older than version 7");
            refundsApproved++;
            return;
        }
        final String paymentKey = refundReply.merchantId() + "/" + refundReply.paymentId();
        final String refundKey = refundReply.merchantId() + "/" + refundReply.refundId();
        final String split = refundReply.cashFen() + " " + refundReply.voucherFen() + " " +
            refundReply.pointsClawedBack() + " " + refundReply.voucherRestored();
        final String first = refundSplits.putIfAbsent(refundKey, split);
        if (first != null)
        {
            assertEquals(first, split, where + ": a repeat tells the first split");
            return;
        }
        final long amountFen = refundReply.amountFen();
        final long refundedAfter = paymentRefundedFen.merge(paymentKey, amountFen, Long::sum);
        final long voucherPart = refundedAfter == paymentAmountFen.get(paymentKey) ?
            paymentVoucherFen.get(paymentKey) : 0;
        assertEquals(voucherPart, refundReply.voucherFen(), where + ": the voucher part comes back with the last refund");
        assertEquals(amountFen - voucherPart, refundReply.cashFen(), where + ": the rest is cash");
        assertTrue(refundReply.pointsClawedBack() >= 0, where + ": points clawed back");
        assertTrue(refundReply.voucherRestored() == BooleanType.FALSE || voucherPart > 0,
            where + ": restored without a voucher part");
        refundsApproved++;
    }

    private void assertSplit(final long cashFen, final long voucherFen, final long points,
        final BooleanType restored, final String what)
    {
        assertEquals(cashFen, refundReply.cashFen(), what);
        assertEquals(voucherFen, refundReply.voucherFen(), what);
        assertEquals(points, refundReply.pointsClawedBack(), what);
        assertEquals(restored, refundReply.voucherRestored(), what);
    }

    private void onStatusReply(final DirectBuffer reply, final String where)
    {
        statusReply.wrapAndApplyHeader(reply, 0, header);
        final Long voucherFen = paymentVoucherFen.get(statusReply.merchantId() + "/" + statusReply.paymentId());
        final boolean approved = statusReply.code() == ResultCode.OK && statusReply.firstResult() == ResultCode.OK;
        assertEquals(approved && voucherFen != null ? voucherFen : 0, statusReply.voucherFen(),
            where + ": the status tells the voucher part of the approved payment");
    }
}
