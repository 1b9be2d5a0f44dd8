package com.wodian.tools.settlement;

import com.wodian.engine.Engine;
import com.wodian.protocol.CommandEncoder;
import com.wodian.protocol.sbe.MerchantStatementReplyDecoder;
import com.wodian.protocol.sbe.MessageHeaderDecoder;
import com.wodian.protocol.sbe.PaymentStatusReplyDecoder;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/** The engine's merchant statement and payment status, read by query (the same answers a client gets). */
final class MerchantStatement
{
    long settlementFen;
    long poolFen;
    long allianceEarningsFen;
    long salesFen;
    long salesCount;
    long refundsFen;
    long refundsCount;
    long feesFen;
    long holdsCancelledCount;
    long vouchersRedeemedFen;
    long vouchersExpiredFen;
    long withdrawnFen;

    private final CommandEncoder encoder = new CommandEncoder();
    private final UnsafeBuffer request = new UnsafeBuffer(new byte[64]);
    private final MerchantStatementReplyDecoder statement = new MerchantStatementReplyDecoder();
    private final PaymentStatusReplyDecoder status = new PaymentStatusReplyDecoder();
    private long consumerId;
    private long paymentAmountFen;
    private long paymentRefundedFen;

    /** Reads the statement of a merchant into this object's fields (all zero for an unknown merchant). */
    MerchantStatement read(final Engine engine, final long merchantId)
    {
        engine.onQuery(request, 0, encoder.merchantStatementQuery(request, 0, merchantId), this::onStatement);
        return this;
    }

    /** The consumer of a payment (0 when unknown). */
    long consumerOf(final Engine engine, final long merchantId, final long paymentId)
    {
        consumerId = 0;
        paymentAmountFen = 0;
        paymentRefundedFen = 0;
        engine.onQuery(request, 0, encoder.paymentStatusQuery(request, 0, merchantId, paymentId), this::onStatus);
        return consumerId;
    }

    /** The amount of a payment (0 when unknown); call after {@link #consumerOf}. */
    long lastPaymentAmountFen()
    {
        return paymentAmountFen;
    }

    /** What of the payment was refunded so far (0 when unknown); call after {@link #consumerOf}. */
    long lastPaymentRefundedFen()
    {
        return paymentRefundedFen;
    }

    void copyFrom(final MerchantStatement other)
    {
        settlementFen = other.settlementFen;
        poolFen = other.poolFen;
        allianceEarningsFen = other.allianceEarningsFen;
        salesFen = other.salesFen;
        salesCount = other.salesCount;
        refundsFen = other.refundsFen;
        refundsCount = other.refundsCount;
        feesFen = other.feesFen;
        holdsCancelledCount = other.holdsCancelledCount;
        vouchersRedeemedFen = other.vouchersRedeemedFen;
        vouchersExpiredFen = other.vouchersExpiredFen;
        withdrawnFen = other.withdrawnFen;
    }

    private void onStatement(final DirectBuffer buffer, final int offset, final int length)
    {
        statement.wrap(buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH,
            buffer.getShort(offset, java.nio.ByteOrder.LITTLE_ENDIAN) & 0xFFFF,
            buffer.getShort(offset + 6, java.nio.ByteOrder.LITTLE_ENDIAN) & 0xFFFF);
        settlementFen = statement.settlementFen();
        poolFen = statement.poolFen();
        allianceEarningsFen = statement.allianceEarningsFen();
        salesFen = statement.salesFen();
        salesCount = statement.salesCount();
        refundsFen = statement.refundsFen();
        refundsCount = statement.refundsCount();
        feesFen = statement.feesFen();
        holdsCancelledCount = statement.holdsCancelledCount();
        vouchersRedeemedFen = statement.vouchersRedeemedFen();
        vouchersExpiredFen = statement.vouchersExpiredFen();
        withdrawnFen = statement.withdrawnFen();
    }

    private void onStatus(final DirectBuffer buffer, final int offset, final int length)
    {
        status.wrap(buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH,
            buffer.getShort(offset, java.nio.ByteOrder.LITTLE_ENDIAN) & 0xFFFF,
            buffer.getShort(offset + 6, java.nio.ByteOrder.LITTLE_ENDIAN) & 0xFFFF);
        consumerId = status.consumerId();
        paymentAmountFen = status.amountFen();
        paymentRefundedFen = status.refundedFen();
    }
}
