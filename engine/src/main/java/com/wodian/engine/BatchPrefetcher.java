package com.wodian.engine;

import com.wodian.engine.RecordFields.Payment;
import com.wodian.engine.RecordFields.Redemption;
import com.wodian.engine.RecordFields.Refund;
import com.wodian.engine.RecordFields.TopUp;
import com.wodian.engine.risk.RiskControl;
import com.wodian.engine.table.ConsumerBook;
import com.wodian.protocol.CommandCatalog;
import com.wodian.protocol.sbe.MessageHeaderDecoder;
import com.wodian.protocol.sbe.PayDecoder;
import com.wodian.protocol.sbe.PaymentCancelDecoder;
import com.wodian.protocol.sbe.PaymentConfirmDecoder;
import com.wodian.protocol.sbe.PaymentState;
import com.wodian.protocol.sbe.PaymentTryDecoder;
import com.wodian.protocol.sbe.RedeemPointsDecoder;
import com.wodian.protocol.sbe.RefundDecoder;
import com.wodian.protocol.sbe.RegisterConsumerDecoder;
import com.wodian.protocol.sbe.ResultCode;
import com.wodian.protocol.sbe.TopUpDecoder;
import org.agrona.DirectBuffer;
import org.agrona.sbe.MessageDecoderFlyweight;

/**
 * The prefetch phase of a batch (TigerBeetle's prefetch, done as staged "group prefetching"): before a batch of inputs
 * is applied, the cache lines its hot-path commands will miss on are loaded, one dependency level at a time across the
 * whole batch, so that the misses of many inputs are in flight together.
 *
 * <p>Commands prefetched: Pay, Try, Confirm, Cancel, Refund, TopUp, RedeemPoints, RegisterConsumer. {@link #add}
 * decodes an input's ids into scratch arrays (no state is read). {@link #run} then makes short passes
 * over the batch; each pass issues loads whose addresses need only what the previous pass brought into cache:
 * <ol>
 *     <li>from the ids alone: the consumer's, merchant's and terminal's id-map lines, the new idempotency key's index
 *     line, the index line of the payment a Confirm, Cancel or Refund names, and the index line and record of the
 *     key the insert will forget (from the finished-key FIFO);</li>
 *     <li>from those (now cached) slots: the consumer's record (one line, three when the merchant's risk rules are
 *     on), the merchant and terminal rows, the spend pair's line (commands that settle: the consumer record's fourth
 *     line, or the pair map's line for a consumer with more than 8 pairs, {@link ConsumptionBook}); the named payment's
 *     record;</li>
 *     <li>from the record: its consumer's record and spend pair's line; for a new Try or Pay with risk rules on,
 *     the risk rows of its parties; for a RegisterConsumer, the home merchant's risk line the registration
 *     updates (not its merchant row, which a registration does not read);</li>
 *     <li>the spend pair's row; at a merchant of the alliance, the consumer's home merchant's row (its index is in the
 *     consumer record).</li>
 * </ol>
 * The loop body of each pass is short and its loads independent, so the core's out-of-order window holds the misses
 * of several inputs at once; walking each input's chain to the end before the next (what the first version did)
 * left one or two in flight. Loaded values are folded into the returned value, which the caller keeps, so the JIT
 * cannot drop the loads. It only reads. The apply pass that follows probes again (now in cache), except that it starts
 * each payment's party lookups from the indexes found here ({@link #take}), checked against the rows' ids, and it
 * does not repeat the catalog check {@link #add} ran where that check read only a header and a length that are still
 * the same ({@link #checked}): so it gives the same replies and state hash as without the prefetch.
 */
final class BatchPrefetcher
{
    /** Inputs one batch holds; later ones are not prefetched (apply in chunks of at most this many). */
    static final int CAPACITY = 256;

    private static final int CONSUMER_LINES_RISK_OFF = 1;
    private static final int CONSUMER_LINES_RISK_ON = 3;
    /** Longs of a home merchant's row that a sale's alliance share reads (up to its flags, past alliance earnings). */
    private static final int HOME_MERCHANT_FIELDS = MerchantBook.FLAGS + 1;
    /**
     * A Pay's or Try's merchant fields when it names no voucher: the head of the row up to its fees (rates, flags,
     * settlement, sales, holds) and its tail (open consumption, distribution epoch). The voucher and distribution
     * fields between them (one line of the row's five) are read by voucher sales, Confirms and refunds of voucher
     * payments and distributions, not by these ({@link Ledger}, {@link PaymentRules}).
     */
    private static final int SALE_HEAD_FIELDS = MerchantBook.FEES_FEN + 1;
    private static final int SALE_TAIL_FIRST = MerchantBook.CONSUMPTION_OPEN_FEN;

    private final ConsumerBook consumers;
    private final MerchantBook merchants;
    private final TerminalBook terminals;
    private final RecordTable records;
    private final ExpiryQueue holds;
    private final ConsumptionBook consumption;
    private final RiskControl risk;
    private final PayDecoder pay = new PayDecoder();
    private final PaymentTryDecoder paymentTry = new PaymentTryDecoder();
    private final PaymentConfirmDecoder confirm = new PaymentConfirmDecoder();
    private final PaymentCancelDecoder cancel = new PaymentCancelDecoder();
    private final RefundDecoder refund = new RefundDecoder();
    private final TopUpDecoder topUp = new TopUpDecoder();
    private final RedeemPointsDecoder redeem = new RedeemPointsDecoder();
    private final RegisterConsumerDecoder registerConsumer = new RegisterConsumerDecoder();
    /** Every message decoder above, for {@link #wrapDecodersOn}. */
    private final MessageDecoderFlyweight[] messageDecoders =
        {pay, paymentTry, confirm, cancel, refund, topUp, redeem, registerConsumer};

    // The batch: one entry per prefetched input added, in order. An id of 0 means "none".
    private final int[] keyNamespaces = new int[CAPACITY];     // the new key the input inserts (0: none)
    private final long[] keyAs = new long[CAPACITY];
    private final long[] keyBs = new long[CAPACITY];
    private final long[] namedPaymentIds = new long[CAPACITY]; // Confirm, Cancel, Refund: the payment it names
    private final long[] consumerIds = new long[CAPACITY];
    private final long[] merchantIds = new long[CAPACITY];
    private final long[] terminalIds = new long[CAPACITY];
    private final boolean[] settles = new boolean[CAPACITY];   // touches the consumer-merchant spend pair
    private final boolean[] registers = new boolean[CAPACITY]; // RegisterConsumer: merchantIds holds the home merchant
    private final boolean[] plainSales = new boolean[CAPACITY]; // a Pay or Try naming no voucher (SALE_HEAD_FIELDS)
    private final int[] merchantIndexes = new int[CAPACITY];
    private final int[] terminalIndexes = new int[CAPACITY];
    private final int[] consumerIndexes = new int[CAPACITY];
    private final int[] namedRecords = new int[CAPACITY];     // the named payment's record, or -1
    // Where each input lies: the apply pairs each input with its entry by these (take), to read the party indexes
    // the prefetch found (merchantIndexAt, terminalIndexAt, consumerIndexAt) instead of probing the id maps again.
    private final DirectBuffer[] inputBuffers = new DirectBuffer[CAPACITY];
    private final int[] inputOffsets = new int[CAPACITY];
    // What the catalog's check passed (checked): the input's length, or -1 when it failed or its template's check reads
    // more than the header (enum fields); and its header's 8 bytes.
    private final int[] checkedLengths = new int[CAPACITY];
    private final long[] checkedHeaders = new long[CAPACITY];
    private int count;
    // The batch being applied (entries of the last run): entries below appliedCount have been taken.
    private int applyingCount;
    private int appliedCount;

    BatchPrefetcher(final EngineBooks books, final RiskControl risk)
    {
        this.consumers = books.consumers;
        this.merchants = books.merchants;
        this.terminals = books.terminals;
        this.records = books.records;
        this.holds = books.holds;
        this.consumption = books.consumption;
        this.risk = risk;
    }

    /** As {@link CommandAdapter#wrapDecodersOn}: the decoders hold {@code buffer} until the next input. */
    void wrapDecodersOn(final DirectBuffer buffer)
    {
        CommandAdapter.wrapAllOn(buffer, messageDecoders);
    }

    /**
     * Adds an input to the batch: decodes the ids of a Pay, Try, Confirm, Cancel, Refund, TopUp, RedeemPoints or
     * RegisterConsumer (other inputs, and inputs that fail the catalog's checks, are skipped). Reads no state.
     *
     * @return false when the batch is full (the input is not prefetched)
     */
    boolean add(final DirectBuffer buffer, final int offset, final int length)
    {
        if (count == CAPACITY)
        {
            return false;
        }
        if (count == 0)
        {
            appliedCount = applyingCount;   // a new batch: what is left of the last one gets no party indexes
        }
        inputBuffers[count] = buffer;
        inputOffsets[count] = offset;
        if (CommandCatalog.check(buffer, offset, length) != ResultCode.OK)
        {
            checkedLengths[count] = -1;
            put(0, 0, 0, 0, 0, 0, 0, false);
            return true;
        }
        final long header = CommandCatalog.header(buffer, offset);
        final int templateId = CommandCatalog.templateId(header);
        checkedLengths[count] = CommandCatalog.checkReadsHeaderOnly(templateId) ? length : -1;
        checkedHeaders[count] = header;
        final int body = offset + MessageHeaderDecoder.ENCODED_LENGTH;
        final int block = CommandCatalog.blockLength(header);
        final int version = CommandCatalog.version(header);
        switch (templateId)
        {
            case PayDecoder.TEMPLATE_ID -> {
                pay.wrap(buffer, body, block, version);
                newPayment(pay.merchantId(), pay.terminalId(), pay.paymentId(), pay.consumerId(), pay.voucherId());
            }
            case PaymentTryDecoder.TEMPLATE_ID -> {
                paymentTry.wrap(buffer, body, block, version);
                newPayment(paymentTry.merchantId(), paymentTry.terminalId(), paymentTry.paymentId(),
                    paymentTry.consumerId(), paymentTry.voucherId());
            }
            case PaymentConfirmDecoder.TEMPLATE_ID -> {
                confirm.wrap(buffer, body, block, version);
                put(0, 0, 0, confirm.paymentId(), 0, confirm.merchantId(), confirm.terminalId(), true);
            }
            case PaymentCancelDecoder.TEMPLATE_ID -> {
                cancel.wrap(buffer, body, block, version);
                put(0, 0, 0, cancel.paymentId(), 0, cancel.merchantId(), cancel.terminalId(), false);
            }
            case RefundDecoder.TEMPLATE_ID -> {
                refund.wrap(buffer, body, block, version);
                put(Refund.NAMESPACE, refund.merchantId(), refund.refundId(), refund.paymentId(), 0,
                    refund.merchantId(), refund.terminalId(), true);
            }
            case TopUpDecoder.TEMPLATE_ID -> {
                topUp.wrap(buffer, body, block, version);
                put(TopUp.NAMESPACE, 0, topUp.externalRef(), 0, topUp.consumerId(), 0, 0, false);
            }
            case RedeemPointsDecoder.TEMPLATE_ID -> {
                redeem.wrap(buffer, body, block, version);
                put(Redemption.NAMESPACE, redeem.consumerId(), redeem.redemptionId(), 0,
                    redeem.consumerId(), redeem.merchantId(), 0, false);
            }
            case RegisterConsumerDecoder.TEMPLATE_ID -> {
                registerConsumer.wrap(buffer, body, block, version);
                put(0, 0, 0, 0, registerConsumer.consumerId(), registerConsumer.homeMerchantId(), 0, false);
                registers[count - 1] = true;
            }
            default -> put(0, 0, 0, 0, 0, 0, 0, false);   // nothing it reads is likely to miss
        }
        return true;
    }

    private void newPayment(final long merchantId, final long terminalId, final long paymentId, final long consumerId,
        final long voucherId)
    {
        put(Payment.NAMESPACE, merchantId, paymentId, 0, consumerId, merchantId, terminalId, true);
        plainSales[count - 1] = voucherId <= 0;   // as CommandAdapter.voucherIdOrNone: a version 1 message has none
    }

    private void put(final int keyNamespace, final long keyA, final long keyB, final long namedPaymentId,
        final long consumerId, final long merchantId, final long terminalId, final boolean settlesPair)
    {
        final int i = count++;
        keyNamespaces[i] = keyNamespace;
        keyAs[i] = keyA;
        keyBs[i] = keyB;
        namedPaymentIds[i] = namedPaymentId;
        consumerIds[i] = consumerId;
        merchantIds[i] = merchantId;
        terminalIds[i] = terminalId;
        settles[i] = settlesPair;
        registers[i] = false;
        plainSales[i] = false;
    }

    /** Inputs in the batch so far. */
    int size()
    {
        return count;
    }

    /**
     * The passes over the batch (see the class comment), then an empty batch. Returns a value folded from the loads.
     */
    long run()
    {
        final long folded = keyLines() ^ evictionLines() ^ partyLines() ^ partyIndexes() ^ consumerRows() ^
            pairSlots() ^ namedRecords() ^ recordParties() ^ pairRows() ^ homeMerchantRows() ^ riskLines() ^
            registrationLines();
        applyingCount = count;
        appliedCount = 0;
        count = 0;
        return folded;
    }

    /**
     * The entry of the input the engine applies now, when it is the next one of the batch last run (the same buffer
     * and offset), else -1, and then no entry of that batch is handed out any more. An entry's party indexes are
     * hints (below): the apply checks each against the row's id, so a wrong pairing costs a lookup, never a result.
     */
    int take(final DirectBuffer buffer, final int offset)
    {
        final int entry = appliedCount;
        if (entry < applyingCount && inputBuffers[entry] == buffer && inputOffsets[entry] == offset)
        {
            appliedCount = entry + 1;
            return entry;
        }
        appliedCount = applyingCount;
        return -1;
    }

    /**
     * Whether the input at {@code buffer}, {@code offset} of {@code length} bytes, taken as entry {@code entry}
     * ({@link #take}; -1: none), passed {@link CommandAdapter}'s catalog check when it was added, with a header of the
     * same 8 bytes and a template whose check reads nothing but the header and the length
     * ({@link CommandCatalog#checkReadsHeaderOnly}): the check would pass again, so the apply need not run it. Reads
     * the header (one long) and two of this entry's values; a changed header or length, or no entry, says false.
     */
    boolean checked(final int entry, final DirectBuffer buffer, final int offset, final int length)
    {
        return entry >= 0 && checkedLengths[entry] == length &&
            checkedHeaders[entry] == CommandCatalog.header(buffer, offset);
    }

    /**
     * The header of entry {@code entry}'s input as the catalog's check read it: equal to the input's own header when
     * {@link #checked} said true for it, so the apply need not read it again.
     */
    long checkedHeader(final int entry)
    {
        return checkedHeaders[entry];
    }

    /** The merchant index the prefetch found for entry {@code entry} ({@link #take}), or -1 (none, or no entry). */
    int merchantIndexAt(final int entry)
    {
        return entry < 0 ? -1 : merchantIndexes[entry];
    }

    /** The terminal index the prefetch found for entry {@code entry}, or -1. */
    int terminalIndexAt(final int entry)
    {
        return entry < 0 ? -1 : terminalIndexes[entry];
    }

    /**
     * The consumer index the prefetch found for entry {@code entry}, or -1: the consumer the command names (Try, Pay,
     * TopUp, RedeemPoints), or for a Confirm, Cancel or Refund the consumer of the payment it names (the apply uses
     * it for Pay and Try; a Confirm, Cancel or Refund reads its consumer from the payment's record).
     */
    int consumerIndexAt(final int entry)
    {
        return entry < 0 ? -1 : consumerIndexes[entry];
    }

    // Each pass is split into loops of one kind of load: a short loop body lets the core's reorder buffer hold the
    // loads of many inputs at once (measured: one loop per pass left the prefetch phase at ~500 ns per Pay).

    /** Pass 1: the new key's and the named payment's index lines (addresses from the ids alone). */
    private long keyLines()
    {
        long folded = 0;
        for (int i = 0; i < count; i++)
        {
            if (keyNamespaces[i] != 0)
            {
                folded += records.touchSlot(keyNamespaces[i], keyAs[i], keyBs[i]);
            }
        }
        for (int i = 0; i < count; i++)
        {
            if (namedPaymentIds[i] != 0)
            {
                folded += records.touchSlot(Payment.NAMESPACE, merchantIds[i], namedPaymentIds[i]);
            }
        }
        return folded;
    }

    /**
     * Pass 1: each new key is one insert, which (table full) forgets the oldest finished key, the {@code inserts}-th
     * from now: its index line and the record it frees (addresses from the finished-key FIFO).
     */
    private long evictionLines()
    {
        long folded = 0;
        int inserts = 0;
        for (int i = 0; i < count; i++)
        {
            if (keyNamespaces[i] != 0)
            {
                folded += records.touchEviction(inserts++);
            }
        }
        return folded;
    }

    /** Pass 1: the parties' id-map home lines. */
    private long partyLines()
    {
        long folded = 0;
        for (int i = 0; i < count; i++)
        {
            if (consumerIds[i] != 0)
            {
                folded += consumers.touchIdSlot(consumerIds[i]);
            }
        }
        for (int i = 0; i < count; i++)
        {
            folded += (merchantIds[i] == 0 ? 0 : merchants.touchIdSlot(merchantIds[i])) +
                (terminalIds[i] == 0 ? 0 : terminals.touchIdSlot(terminalIds[i]));
        }
        return folded;
    }

    /** Pass 2: the parties' indexes through the cached slots, and the merchant and terminal rows. */
    private long partyIndexes()
    {
        long folded = 0;
        for (int i = 0; i < count; i++)
        {
            final int merchantIndex = merchantIds[i] == 0 ? -1 : merchants.indexOf(merchantIds[i]);
            final int terminalIndex = terminalIds[i] == 0 ? -1 : terminals.indexOf(terminalIds[i]);
            merchantIndexes[i] = merchantIndex;
            terminalIndexes[i] = terminalIndex;
            consumerIndexes[i] = consumerIds[i] == 0 ? -1 : consumers.indexOf(consumerIds[i]);
            // A registration reads only its home merchant's id (above), not the row: its 5 lines would be loaded for
            // nothing (a third of a full replay's inputs are registrations).
            folded += merchantIndex < 0 || registers[i] ? 0 : plainSales[i] ?
                merchants.touchFields(merchantIndex, SALE_HEAD_FIELDS) +
                    merchants.touchFields(merchantIndex, SALE_TAIL_FIRST, MerchantBook.STRIDE) :
                merchants.touchRow(merchantIndex, MerchantBook.STRIDE / 8);
            folded += terminalIndex < 0 ? 0 : terminals.touchRow(terminalIndex, 1);
        }
        return folded;
    }

    /** Pass 2: the consumer records (one line, three when the merchant's risk rules are on). */
    private long consumerRows()
    {
        long folded = 0;
        for (int i = 0; i < count; i++)
        {
            final int consumerIndex = consumerIndexes[i];
            if (consumerIndex >= 0)
            {
                final int merchantIndex = merchantIndexes[i];
                folded += consumers.touchRow(consumerIndex, merchantIndex >= 0 && risk.isActive(merchantIndex) ?
                    CONSUMER_LINES_RISK_ON : CONSUMER_LINES_RISK_OFF);
            }
        }
        return folded;
    }

    /** Pass 2: the spend pairs' lines (commands that settle; see ConsumptionBook.touchPairSlot). */
    private long pairSlots()
    {
        long folded = 0;
        for (int i = 0; i < count; i++)
        {
            if (settles[i] && consumerIndexes[i] >= 0 && merchantIndexes[i] >= 0)
            {
                folded += consumption.touchPairSlot(consumerIndexes[i], merchantIndexes[i]);
            }
        }
        return folded;
    }

    /** Pass 2: the named payments' records (their consumer index is read in pass 3, once the lines are in). */
    private long namedRecords()
    {
        long folded = 0;
        for (int i = 0; i < count; i++)
        {
            final int record = namedPaymentIds[i] == 0 ? -1 :
                records.find(Payment.NAMESPACE, merchantIds[i], namedPaymentIds[i]);
            namedRecords[i] = record;
            folded += record < 0 ? 0 : records.touchRecordLines(record);
        }
        return folded;
    }

    /**
     * Pass 3: a named record's consumer (Confirm, Cancel, Refund): its record and spend pair's line; and a held
     * record's place in the expiry queue (Confirm, Cancel), whose line the queue's removal reads first and which is not
     * in cache under many live holds (docs/engine.md, "Cache lines per hot-path command", session 59).
     */
    private long recordParties()
    {
        long folded = 0;
        for (int i = 0; i < count; i++)
        {
            final int record = namedRecords[i];
            if (record >= 0)
            {
                final int consumerIndex = (int)records.get(record, Payment.CONSUMER_INDEX);
                consumerIndexes[i] = consumerIndex;
                folded += records.state(record) == PaymentState.HELD.value() ? holds.touchPosition(record) : 0;
                if (consumerIndex >= 0)
                {
                    folded += consumers.touchRow(consumerIndex, CONSUMER_LINES_RISK_OFF);
                    folded += merchantIndexes[i] < 0 || !settles[i] ? 0 :
                        consumption.touchPairSlot(consumerIndex, merchantIndexes[i]);
                }
            }
        }
        return folded;
    }

    /**
     * Pass 4: the lines of the consumer's home merchant's row up to its flags (commands that settle at a merchant of
     * the alliance): the alliance share of a sale reads its flags and adds to its alliance earnings. Its index comes
     * from the consumer record (pass 2 or 3), and with 10 k merchants the row is not in cache (measured: a quarter of a
     * staged Pay's apply waited on it). A sale at a merchant outside the alliance never reads the home merchant
     * ({@code Ledger.payAllianceShare} looks at the seller's flag first), so its two lines are not loaded then: the
     * seller's flags are in cache since pass 2.
     */
    private long homeMerchantRows()
    {
        long folded = 0;
        for (int i = 0; i < count; i++)
        {
            final int consumerIndex = consumerIndexes[i];
            final int merchantIndex = merchantIndexes[i];
            if (settles[i] && consumerIndex >= 0 && merchantIndex >= 0 &&
                merchants.hasFlag(merchantIndex, MerchantBook.FLAG_ALLIANCE_MEMBER))
            {
                final int homeIndex = consumers.homeMerchantIndex(consumerIndex);
                folded += homeIndex < 0 || homeIndex == merchantIndex ? 0 :
                    merchants.touchFields(homeIndex, HOME_MERCHANT_FIELDS);
            }
        }
        return folded;
    }

    /**
     * Pass 3: for a new Try or Pay at a merchant whose risk rules are on, the risk lines outside the consumer record
     * ({@link RiskControl#touchPayment}: terminal and merchant risk and profile rows, the seen-pairs word).
     */
    private long riskLines()
    {
        long folded = 0;
        for (int i = 0; i < count; i++)
        {
            final int merchantIndex = merchantIndexes[i];
            if (keyNamespaces[i] == Payment.NAMESPACE && consumerIndexes[i] >= 0 && merchantIndex >= 0 &&
                terminalIndexes[i] >= 0 && risk.isActive(merchantIndex))
            {
                folded += risk.touchPayment(consumerIndexes[i], merchantIndex, terminalIndexes[i]);
            }
        }
        return folded;
    }

    /**
     * Pass 3: for a RegisterConsumer, the home merchant's risk line that the registration updates
     * ({@link RiskControl#touchRegistration}; the home merchant's index was found in pass 2).
     */
    private long registrationLines()
    {
        long folded = 0;
        for (int i = 0; i < count; i++)
        {
            if (registers[i] && merchantIndexes[i] >= 0)
            {
                folded += risk.touchRegistration(merchantIndexes[i]);
            }
        }
        return folded;
    }

    /** Pass 4: spend pair rows; for a pair a sale will make, the pair map line it goes in. */
    private long pairRows()
    {
        long folded = 0;
        for (int i = 0; i < count; i++)
        {
            if (settles[i] && consumerIndexes[i] >= 0 && merchantIndexes[i] >= 0)
            {
                folded += consumption.touchPairRow(consumerIndexes[i], merchantIndexes[i]);
            }
        }
        return folded;
    }
}
