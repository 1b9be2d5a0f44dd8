package com.wodian.engine;

import com.wodian.engine.risk.RiskControl;
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
 * The prefetch phase of a batch (TigerBeetle's prefetch, done as staged "group prefetching"): before a batch of inputs
 * is applied, the cache lines its hot-path commands will miss on are loaded, one dependency level at a time across the
 * whole batch, so that the misses of many inputs are in flight together.
 *
 * <p>{@link #add} decodes an input's ids into scratch arrays (no state is read). {@link #run} then makes short passes
 * over the batch; each pass issues loads whose addresses need only what the previous pass brought into cache:
 * <ol>
 *     <li>from the ids alone: the consumer's, merchant's and terminal's id-map lines, the idempotency key's index
 *     line, and the index line and record of the key the insert will forget (from the finished-key FIFO);</li>
 *     <li>from those (now cached) slots: the consumer's record (one line, three when the merchant's risk rules are
 *     on), the merchant and terminal rows, the spend pair's map line; the Try record a Confirm, Cancel or Refund
 *     names;</li>
 *     <li>from the record: its consumer's record and spend pair's map line;</li>
 *     <li>the spend pair's row.</li>
 * </ol>
 * The loop body of each pass is short and its loads independent, so the core's out-of-order window holds the misses
 * of several inputs at once; walking each input's chain to the end before the next (what the first version did)
 * left one or two in flight. Loaded values are folded into the returned value, which the caller keeps, so the JIT
 * cannot drop the loads. It only reads: the apply pass that follows probes again (now in cache) and gives the same
 * replies and state hash as without the prefetch.
 */
final class BatchPrefetcher
{
    /** Inputs one batch holds; later ones are not prefetched (apply in chunks of at most this many). */
    static final int CAPACITY = 256;

    private static final int NEW_PAYMENT = 1;
    private static final int TWO_PHASE = 2;
    private static final int REFUND = 3;
    private static final int CONSUMER_LINES_RISK_OFF = 1;
    private static final int CONSUMER_LINES_RISK_ON = 3;

    private final ConsumerBook consumers;
    private final MerchantBook merchants;
    private final TerminalBook terminals;
    private final RecordTable records;
    private final ConsumptionBook consumption;
    private final RiskControl risk;
    private final MessageHeaderDecoder header = new MessageHeaderDecoder();
    private final PayDecoder pay = new PayDecoder();
    private final PaymentTryDecoder paymentTry = new PaymentTryDecoder();
    private final PaymentConfirmDecoder confirm = new PaymentConfirmDecoder();
    private final PaymentCancelDecoder cancel = new PaymentCancelDecoder();
    private final RefundDecoder refund = new RefundDecoder();

    // The batch: one entry per hot-path input added, in order.
    private final int[] kinds = new int[CAPACITY];
    private final long[] merchantIds = new long[CAPACITY];
    private final long[] terminalIds = new long[CAPACITY];
    private final long[] paymentIds = new long[CAPACITY];
    private final long[] consumerIds = new long[CAPACITY];     // refunds: the refund id
    private final int[] merchantIndexes = new int[CAPACITY];
    private final int[] consumerIndexes = new int[CAPACITY];
    private final int[] namedRecords = new int[CAPACITY];     // Confirm, Cancel, Refund: the payment's record or -1
    private int count;

    BatchPrefetcher(final EngineBooks books, final RiskControl risk)
    {
        this.consumers = books.consumers;
        this.merchants = books.merchants;
        this.terminals = books.terminals;
        this.records = books.records;
        this.consumption = books.consumption;
        this.risk = risk;
    }

    /**
     * Adds an input to the batch: decodes the ids of a Pay, Try, Confirm, Cancel or Refund (other inputs, and inputs
     * that fail the catalog's checks, are skipped). Reads no state.
     *
     * @return false when the batch is full (the input is not prefetched)
     */
    boolean add(final DirectBuffer buffer, final int offset, final int length)
    {
        if (count == CAPACITY)
        {
            return false;
        }
        if (CommandCatalog.check(buffer, offset, length) != ResultCode.OK)
        {
            return true;
        }
        header.wrap(buffer, offset);
        final int body = offset + MessageHeaderDecoder.ENCODED_LENGTH;
        final int block = header.blockLength();
        final int version = header.version();
        switch (header.templateId())
        {
            case PayDecoder.TEMPLATE_ID -> {
                pay.wrap(buffer, body, block, version);
                put(NEW_PAYMENT, pay.merchantId(), pay.terminalId(), pay.paymentId(), pay.consumerId());
            }
            case PaymentTryDecoder.TEMPLATE_ID -> {
                paymentTry.wrap(buffer, body, block, version);
                put(NEW_PAYMENT, paymentTry.merchantId(), paymentTry.terminalId(), paymentTry.paymentId(),
                    paymentTry.consumerId());
            }
            case PaymentConfirmDecoder.TEMPLATE_ID -> {
                confirm.wrap(buffer, body, block, version);
                put(TWO_PHASE, confirm.merchantId(), confirm.terminalId(), confirm.paymentId(), 0);
            }
            case PaymentCancelDecoder.TEMPLATE_ID -> {
                cancel.wrap(buffer, body, block, version);
                put(TWO_PHASE, cancel.merchantId(), cancel.terminalId(), cancel.paymentId(), 0);
            }
            case RefundDecoder.TEMPLATE_ID -> {
                refund.wrap(buffer, body, block, version);
                put(REFUND, refund.merchantId(), refund.terminalId(), refund.paymentId(), refund.refundId());
            }
            default -> {
                // not on the hot path: nothing to prefetch
            }
        }
        return true;
    }

    private void put(final int kind, final long merchantId, final long terminalId, final long paymentId,
        final long consumerOrRefundId)
    {
        final int i = count++;
        kinds[i] = kind;
        merchantIds[i] = merchantId;
        terminalIds[i] = terminalId;
        paymentIds[i] = paymentId;
        consumerIds[i] = consumerOrRefundId;
    }

    /** Inputs in the batch so far. */
    int size()
    {
        return count;
    }

    /** The passes over the batch (see the class comment), then an empty batch. Returns a value folded from the loads. */
    long run()
    {
        final long folded = keyLines() ^ partyRows() ^ recordParties() ^ pairRows();
        count = 0;
        return folded;
    }

    /** Pass 1: lines whose address comes from the ids alone. */
    private long keyLines()
    {
        long folded = 0;
        int inserts = 0;
        for (int i = 0; i < count; i++)
        {
            final int kind = kinds[i];
            folded += records.touchSlot(RecordTable.NAMESPACE_PAYMENT, merchantIds[i], paymentIds[i]) +
                merchants.touchIdSlot(merchantIds[i]) + terminals.touchIdSlot(terminalIds[i]);
            if (kind == NEW_PAYMENT)
            {
                folded += consumers.touchIdSlot(consumerIds[i]) + records.touchEviction(inserts++);
            }
            else if (kind == REFUND)
            {
                folded += records.touchSlot(RecordTable.NAMESPACE_REFUND, merchantIds[i], consumerIds[i]) +
                    records.touchEviction(inserts++);
            }
        }
        return folded;
    }

    /** Pass 2: through the cached slots to the rows (consumer record, merchant and terminal rows, a named record). */
    private long partyRows()
    {
        long folded = 0;
        for (int i = 0; i < count; i++)
        {
            final int merchantIndex = merchants.indexOf(merchantIds[i]);
            final int terminalIndex = terminals.indexOf(terminalIds[i]);
            merchantIndexes[i] = merchantIndex;
            folded += merchantIndex < 0 ? 0 : merchants.touchRow(merchantIndex, MerchantBook.STRIDE / 8);
            folded += terminalIndex < 0 ? 0 : terminals.touchRow(terminalIndex, 1);
            int consumerIndex = -1;
            int record = -1;
            if (kinds[i] == NEW_PAYMENT)
            {
                consumerIndex = consumers.indexOf(consumerIds[i]);
                if (consumerIndex >= 0)
                {
                    folded += consumers.touchRow(consumerIndex, merchantIndex >= 0 && risk.isActive(merchantIndex) ?
                        CONSUMER_LINES_RISK_ON : CONSUMER_LINES_RISK_OFF);
                    folded += merchantIndex < 0 ? 0 : consumption.touchPairSlot(consumerIndex, merchantIndex);
                }
            }
            else
            {
                // The record's consumer index is read in pass 3, once its lines have arrived.
                record = records.find(RecordTable.NAMESPACE_PAYMENT, merchantIds[i], paymentIds[i]);
                folded += record < 0 ? 0 : records.touchRecordLines(record);
            }
            consumerIndexes[i] = consumerIndex;
            namedRecords[i] = record;
        }
        return folded;
    }

    /** Pass 3: a named record's consumer (Confirm, Cancel, Refund): its record and spend pair's map line. */
    private long recordParties()
    {
        long folded = 0;
        for (int i = 0; i < count; i++)
        {
            final int record = namedRecords[i];
            if (record >= 0)
            {
                final int consumerIndex = (int)records.get(record, RecordTable.CONSUMER_INDEX);
                consumerIndexes[i] = consumerIndex;
                if (consumerIndex >= 0)
                {
                    folded += consumers.touchRow(consumerIndex, CONSUMER_LINES_RISK_OFF);
                    folded += merchantIndexes[i] < 0 ? 0 :
                        consumption.touchPairSlot(consumerIndex, merchantIndexes[i]);
                }
            }
        }
        return folded;
    }

    /** Pass 4: spend pair rows. */
    private long pairRows()
    {
        long folded = 0;
        for (int i = 0; i < count; i++)
        {
            if (consumerIndexes[i] >= 0 && merchantIndexes[i] >= 0)
            {
                folded += consumption.touchPairRow(consumerIndexes[i], merchantIndexes[i]);
            }
        }
        return folded;
    }
}
