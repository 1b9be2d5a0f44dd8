package com.wodian.engine;

import com.wodian.protocol.CommandCatalog;
import com.wodian.protocol.sbe.MessageHeaderDecoder;
import com.wodian.protocol.sbe.PayDecoder;
import com.wodian.protocol.sbe.PaymentCancelDecoder;
import com.wodian.protocol.sbe.PaymentConfirmDecoder;
import com.wodian.protocol.sbe.PaymentTryDecoder;
import com.wodian.protocol.sbe.RefundDecoder;
import com.wodian.protocol.sbe.ResultCode;
import org.agrona.DirectBuffer;

/**
 * The first pass over a batch of inputs (TigerBeetle's prefetch phase): for each hot-path command it loads the lines
 * its apply will miss on, the consumer's id-map slot and row, the idempotency key's index slot and record, and the
 * key the insert will forget, so that the misses of a whole batch are in flight together instead of one after
 * another. It only reads: applying the batch afterwards gives the same replies and state hash as without it.
 * Inputs that fail the catalog's checks, and other commands, are skipped.
 */
final class BatchPrefetcher
{
    private final ConsumerBook consumers;
    private final RecordTable records;
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final PayDecoder pay = new PayDecoder();
    private final PaymentTryDecoder paymentTry = new PaymentTryDecoder();
    private final PaymentConfirmDecoder confirm = new PaymentConfirmDecoder();
    private final PaymentCancelDecoder cancel = new PaymentCancelDecoder();
    private final RefundDecoder refund = new RefundDecoder();

    BatchPrefetcher(final EngineBooks books)
    {
        this.consumers = books.consumers;
        this.records = books.records;
    }

    /**
     * Loads what the input will need; {@code positionInBatch} (0 for the first input of the batch) says which of the
     * coming key insertions it probably makes. Returns a value folded from the loads, for the caller to keep.
     */
    long prefetch(final DirectBuffer buffer, final int offset, final int length, final int positionInBatch)
    {
        if (CommandCatalog.check(buffer, offset, length) != ResultCode.OK)
        {
            return 0;
        }
        header.wrap(buffer, offset);
        final int body = offset + MessageHeaderDecoder.ENCODED_LENGTH;
        final int block = header.blockLength();
        final int version = header.version();
        switch (header.templateId())
        {
            case PayDecoder.TEMPLATE_ID:
                pay.wrap(buffer, body, block, version);
                return newPayment(pay.merchantId(), pay.paymentId(), pay.consumerId(), positionInBatch);
            case PaymentTryDecoder.TEMPLATE_ID:
                paymentTry.wrap(buffer, body, block, version);
                return newPayment(paymentTry.merchantId(), paymentTry.paymentId(), paymentTry.consumerId(),
                    positionInBatch);
            case PaymentConfirmDecoder.TEMPLATE_ID:
                confirm.wrap(buffer, body, block, version);
                return records.prefetch(RecordTable.NAMESPACE_PAYMENT, confirm.merchantId(), confirm.paymentId());
            case PaymentCancelDecoder.TEMPLATE_ID:
                cancel.wrap(buffer, body, block, version);
                return records.prefetch(RecordTable.NAMESPACE_PAYMENT, cancel.merchantId(), cancel.paymentId());
            case RefundDecoder.TEMPLATE_ID:
                refund.wrap(buffer, body, block, version);
                return records.prefetch(RecordTable.NAMESPACE_PAYMENT, refund.merchantId(), refund.paymentId()) ^
                    records.prefetch(RecordTable.NAMESPACE_REFUND, refund.merchantId(), refund.refundId()) ^
                    records.prefetchEviction(positionInBatch);
            default:
                return 0;
        }
    }

    private long newPayment(final long merchantId, final long paymentId, final long consumerId,
        final int positionInBatch)
    {
        return consumers.prefetch(consumerId) ^
            records.prefetch(RecordTable.NAMESPACE_PAYMENT, merchantId, paymentId) ^
            records.prefetchEviction(positionInBatch);
    }
}
