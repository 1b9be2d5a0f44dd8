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
    private PaymentStatus lastStatus = PaymentStatus.UNKNOWN;

    /**
     * A payment as the engine's PaymentStatusQuery answers it: its consumer, amount and what of it was refunded so
     * far (all 0 when unknown).
     */
    record PaymentStatus(long consumerId, long amountFen, long refundedFen)
    {
        static final PaymentStatus UNKNOWN = new PaymentStatus(0, 0, 0);
    }

    /** Reads the statement of a merchant into this object's fields (all zero for an unknown merchant). */
    MerchantStatement read(final Engine engine, final long merchantId)
    {
        engine.onQuery(request, 0, encoder.merchantStatementQuery(request, 0, merchantId), this::onStatement);
        return this;
    }

    /** A payment's status now. */
    PaymentStatus paymentStatus(final Engine engine, final long merchantId, final long paymentId)
    {
        lastStatus = PaymentStatus.UNKNOWN;
        engine.onQuery(request, 0, encoder.paymentStatusQuery(request, 0, merchantId, paymentId), this::onStatus);
        return lastStatus;
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
        lastStatus = new PaymentStatus(status.consumerId(), status.amountFen(), status.refundedFen());
    }
}
