package com.wodian.tools.settlement;

import com.wodian.protocol.sbe.DistributePoolDecoder;
import com.wodian.protocol.sbe.MessageHeaderDecoder;
import com.wodian.protocol.sbe.PayDecoder;
import com.wodian.protocol.sbe.PaymentCancelDecoder;
import com.wodian.protocol.sbe.PaymentConfirmDecoder;
import com.wodian.protocol.sbe.RedeemPointsDecoder;
import com.wodian.protocol.sbe.RefundDecoder;
import com.wodian.protocol.sbe.TopUpDecoder;
import com.wodian.protocol.sbe.WithdrawDecoder;
import org.agrona.DirectBuffer;

/**
 * The fields of a journal entry that the settlement reads, decoded with the generated decoders wrapped as the engine's
 * CommandAdapter wraps them: at the header's block length and with the header's (acting) version, so that a field a
 * message's version lacks reads as its null value (a version-6 Withdraw's source). Nothing is checked here: the
 * engine answers a malformed entry, and the settlement measures what it changed.
 */
final class SettlementInputs
{
    /** A Pay, PaymentConfirm, PaymentCancel or Refund. {@code consumerId}: a Pay's, else 0. */
    record Payment(int templateId, long merchantId, long terminalId, long paymentId, long consumerId, long refundId)
    {
        boolean isRefund()
        {
            return templateId == RefundDecoder.TEMPLATE_ID;
        }
    }

    /** A TopUp (party: the consumer) or a Withdraw (party: the merchant; 0 for the platform's fees). */
    record Funds(boolean topUp, long partyId, long referenceId, long amountFen, short sourceRaw)
    {
    }

    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final PayDecoder pay = new PayDecoder();
    private final PaymentConfirmDecoder confirm = new PaymentConfirmDecoder();
    private final PaymentCancelDecoder cancel = new PaymentCancelDecoder();
    private final RefundDecoder refund = new RefundDecoder();
    private final TopUpDecoder topUp = new TopUpDecoder();
    private final WithdrawDecoder withdraw = new WithdrawDecoder();
    private final RedeemPointsDecoder redeem = new RedeemPointsDecoder();
    private final DistributePoolDecoder distribute = new DistributePoolDecoder();

    /** The entry's template id; -1 when it is shorter than a message header. */
    int templateId(final DirectBuffer payload, final int offset, final int length)
    {
        return length >= MessageHeaderDecoder.ENCODED_LENGTH ? header.wrap(payload, offset).templateId() : -1;
    }

    static boolean isPayment(final int templateId)
    {
        return templateId == PayDecoder.TEMPLATE_ID || templateId == PaymentConfirmDecoder.TEMPLATE_ID ||
            templateId == PaymentCancelDecoder.TEMPLATE_ID || templateId == RefundDecoder.TEMPLATE_ID;
    }

    static boolean isFunds(final int templateId)
    {
        return templateId == TopUpDecoder.TEMPLATE_ID || templateId == WithdrawDecoder.TEMPLATE_ID;
    }

    /** A payment entry ({@link #isPayment}). */
    Payment payment(final DirectBuffer payload, final int offset)
    {
        final int templateId = header.wrap(payload, offset).templateId();
        final int body = offset + MessageHeaderDecoder.ENCODED_LENGTH;
        final int block = header.blockLength();
        final int version = header.version();
        return switch (templateId)
        {
            case PayDecoder.TEMPLATE_ID ->
            {
                pay.wrap(payload, body, block, version);
                yield new Payment(templateId, pay.merchantId(), pay.terminalId(), pay.paymentId(), pay.consumerId(), 0);
            }
            case PaymentConfirmDecoder.TEMPLATE_ID ->
            {
                confirm.wrap(payload, body, block, version);
                yield new Payment(templateId, confirm.merchantId(), confirm.terminalId(), confirm.paymentId(), 0, 0);
            }
            case PaymentCancelDecoder.TEMPLATE_ID ->
            {
                cancel.wrap(payload, body, block, version);
                yield new Payment(templateId, cancel.merchantId(), cancel.terminalId(), cancel.paymentId(), 0, 0);
            }
            case RefundDecoder.TEMPLATE_ID ->
            {
                refund.wrap(payload, body, block, version);
                yield new Payment(templateId, refund.merchantId(), refund.terminalId(), refund.paymentId(), 0,
                    refund.refundId());
            }
            default -> throw new IllegalArgumentException("template " + templateId + " is not a payment");
        };
    }

    /** A funds entry ({@link #isFunds}). */
    Funds funds(final DirectBuffer payload, final int offset)
    {
        final int templateId = header.wrap(payload, offset).templateId();
        final int body = offset + MessageHeaderDecoder.ENCODED_LENGTH;
        if (templateId == TopUpDecoder.TEMPLATE_ID)
        {
            topUp.wrap(payload, body, header.blockLength(), header.version());
            return new Funds(true, topUp.consumerId(), topUp.externalRef(), topUp.amountFen(), (short)0);
        }
        withdraw.wrap(payload, body, header.blockLength(), header.version());
        return new Funds(false, withdraw.merchantId(), withdraw.withdrawalId(), withdraw.amountFen(),
            withdraw.sourceRaw());
    }

    /** The merchant whose pool a RedeemPoints or DistributePool entry moves; 0 for any other entry. */
    long poolMerchantId(final DirectBuffer payload, final int offset, final int templateId)
    {
        final int body = offset + MessageHeaderDecoder.ENCODED_LENGTH;
        if (templateId == RedeemPointsDecoder.TEMPLATE_ID)
        {
            header.wrap(payload, offset);
            return redeem.wrap(payload, body, header.blockLength(), header.version()).merchantId();
        }
        if (templateId == DistributePoolDecoder.TEMPLATE_ID)
        {
            header.wrap(payload, offset);
            return distribute.wrap(payload, body, header.blockLength(), header.version()).merchantId();
        }
        return 0;
    }
}
