package com.wodian.engine;

import com.wodian.engine.RecordFields.Distribution;
import com.wodian.engine.table.ConsumerBook;
import com.wodian.engine.table.SnapshotReader;
import com.wodian.engine.table.SnapshotWriter;
import com.wodian.engine.table.StateHash;
import com.wodian.protocol.sbe.DistributionMode;
import com.wodian.protocol.sbe.PaymentState;

/**
 * One pool distribution running in bounded slices: {@link #step(int, long)} does at most a given number of entry
 * visits and is called before each input, so a distribution over a million consumers never stalls payments and,
 * being driven by inputs only, replays identically.
 *
 * <p>Shares are pro rata to each consumer's spend in the closed period, with the largest-remainder method: every
 * consumer gets {@code floor(P * c / S)}; the {@code k = P - sum(floor)} fen left go one each to the k largest
 * remainders, ties by ascending consumer id. The k-th largest remainder is found by a radix select (12 bits per pass
 * over the merchant's entries), ties by a second radix select over consumer ids when needed; a last pass pays.
 */
final class PoolDistribution
{
    private static final int PHASE_IDLE = 0;
    private static final int PHASE_SHARES = 1;
    private static final int PHASE_SELECT_REMAINDER = 2;
    private static final int PHASE_SELECT_TIE_ID = 3;
    private static final int PHASE_PAY = 4;

    private static final int DIGIT_BITS = 12;
    private static final int BUCKETS = 1 << DIGIT_BITS;

    private final ConsumerBook consumers;
    private final ConsumptionBook consumption;
    private final RecordTable records;
    private final Ledger ledger;
    private final EngineSettings settings;
    private final MulDiv mulDiv = MulDiv.create();
    private final long[] histogram = new long[BUCKETS];

    private int phase = PHASE_IDLE;
    private int record = -1;
    private int merchantIndex;
    private long epoch;
    private int head;
    private int cursor;
    private long amountFen;
    private long basisFen;
    private long floorSumFen;
    private boolean voucherMode;
    private long voucherValidityMs;

    // Radix select state: find the value at rank `wanted` (1 = largest remainder / smallest id) among candidates
    // whose bits above `shift + DIGIT_BITS` equal `prefix`.
    private int shift;
    private long prefix;
    private long wanted;
    private long remainderThreshold;
    private long tiesWanted;
    private long tiesAtThreshold;
    private long tieIdThreshold;

    PoolDistribution(final EngineBooks books, final Ledger ledger, final EngineSettings settings)
    {
        this.settings = settings;
        this.consumers = books.consumers;
        this.consumption = books.consumption;
        this.records = books.records;
        this.ledger = ledger;
    }

    boolean isRunning()
    {
        return phase != PHASE_IDLE;
    }

    /**
     * Starts paying {@code amountFen} (already moved from the pool to the merchant's pool-in-distribution) over the
     * spend {@code basisFen} of the period just closed ({@code epoch} is the new epoch of the merchant).
     */
    void start(
        final int record,
        final int merchantIndex,
        final long epoch,
        final long amountFen,
        final long basisFen,
        final boolean voucherMode,
        final long voucherValidityMs)
    {
        this.record = record;
        this.merchantIndex = merchantIndex;
        this.epoch = epoch;
        this.amountFen = amountFen;
        this.basisFen = basisFen;
        this.voucherMode = voucherMode;
        this.voucherValidityMs = voucherValidityMs;
        this.floorSumFen = 0;
        this.head = consumption.head(merchantIndex);
        this.cursor = head;
        this.phase = PHASE_SHARES;
    }

    /** Advances by at most {@code budget} entry visits. */
    void step(final int budget, final long nowMs)
    {
        int visits = 0;
        while (phase != PHASE_IDLE && visits < budget)
        {
            if (cursor < 0)
            {
                endOfPass(nowMs);
                continue;
            }
            final int entry = cursor;
            cursor = (int)consumption.get(entry, ConsumptionBook.NEXT_ENTRY);
            visits++;
            switch (phase)
            {
                case PHASE_SHARES:
                    computeShare(entry);
                    break;
                case PHASE_SELECT_REMAINDER:
                    countRemainderDigit(entry);
                    break;
                case PHASE_SELECT_TIE_ID:
                    countTieIdDigit(entry);
                    break;
                default:
                    pay(entry, nowMs);
                    break;
            }
        }
    }

    private void computeShare(final int entry)
    {
        final long basis = consumption.takeFrozenBasis(entry, epoch);
        final long floor = basis == 0 ? 0 : mulDiv.apply(amountFen, basis, basisFen);
        final long remainder = basis == 0 ? -1 : mulDiv.remainder();   // -1: not a recipient of any extra fen
        consumption.setShare(entry, floor, remainder);
        floorSumFen += floor;
    }

    private void countRemainderDigit(final int entry)
    {
        final long remainder = consumption.get(entry, ConsumptionBook.SHARE_REMAINDER);
        if (remainder >= 0 && highBits(remainder) == prefix)
        {
            histogram[(int)((remainder >>> shift) & (BUCKETS - 1))]++;
        }
    }

    private void countTieIdDigit(final int entry)
    {
        if (consumption.get(entry, ConsumptionBook.SHARE_REMAINDER) == remainderThreshold)
        {
            final long id = consumerId(entry);
            if (highBits(id) == prefix)
            {
                histogram[(int)((id >>> shift) & (BUCKETS - 1))]++;
            }
        }
    }

    /** The bits above the current digit (Java shifts count modulo 64, hence the guard). */
    private long highBits(final long value)
    {
        final int bits = shift + DIGIT_BITS;
        return bits >= 64 ? 0 : value >>> bits;
    }

    private void endOfPass(final long nowMs)
    {
        cursor = head;
        switch (phase)
        {
            case PHASE_SHARES -> endOfSharesPass();
            case PHASE_SELECT_REMAINDER -> endOfRemainderPass();
            case PHASE_SELECT_TIE_ID -> endOfTieIdPass();
            default -> finish(nowMs);
        }
    }

    private void endOfSharesPass()
    {
        final long extraFen = amountFen - floorSumFen;
        if (extraFen == 0)
        {
            remainderThreshold = Long.MAX_VALUE;
            phase = PHASE_PAY;
        }
        else
        {
            wanted = extraFen;
            beginSelect(64 - Long.numberOfLeadingZeros(basisFen));
            phase = PHASE_SELECT_REMAINDER;
        }
    }

    private void endOfRemainderPass()
    {
        // Largest first: walk buckets from the top until the wanted rank falls inside one.
        int bucket = BUCKETS - 1;
        while (histogram[bucket] < wanted)
        {
            wanted -= histogram[bucket];
            bucket--;
        }
        final long bucketCount = histogram[bucket];
        prefix = (prefix << DIGIT_BITS) | bucket;
        if (shift != 0)
        {
            nextDigit();
            return;
        }
        remainderThreshold = prefix;
        tiesWanted = wanted;
        tiesAtThreshold = bucketCount;
        if (tiesWanted == tiesAtThreshold)
        {
            tieIdThreshold = Long.MAX_VALUE;
            phase = PHASE_PAY;
        }
        else
        {
            wanted = tiesWanted;
            beginSelectFrom(63);
            phase = PHASE_SELECT_TIE_ID;
        }
    }

    private void endOfTieIdPass()
    {
        // Smallest ids first.
        int idBucket = 0;
        while (histogram[idBucket] < wanted)
        {
            wanted -= histogram[idBucket];
            idBucket++;
        }
        prefix = (prefix << DIGIT_BITS) | idBucket;
        if (shift == 0)
        {
            tieIdThreshold = prefix;
            phase = PHASE_PAY;
        }
        else
        {
            nextDigit();
        }
    }

    private void beginSelect(final int significantBits)
    {
        beginSelectFrom(Math.max(significantBits, 1));
    }

    /** Starts a radix select over values below 2^bits, most significant digit first. */
    private void beginSelectFrom(final int bits)
    {
        final int digits = (bits + DIGIT_BITS - 1) / DIGIT_BITS;
        shift = (digits - 1) * DIGIT_BITS;
        prefix = 0;
        java.util.Arrays.fill(histogram, 0);
    }

    private void nextDigit()
    {
        shift -= DIGIT_BITS;
        java.util.Arrays.fill(histogram, 0);
    }

    private void pay(final int entry, final long nowMs)
    {
        final long remainder = consumption.get(entry, ConsumptionBook.SHARE_REMAINDER);
        long share = consumption.get(entry, ConsumptionBook.SHARE_FLOOR_FEN);
        if (remainder >= 0 && (remainder > remainderThreshold ||
            (remainder == remainderThreshold && consumerId(entry) <= tieIdThreshold)))
        {
            share++;
        }
        consumption.setShare(entry, 0, 0);
        if (share == 0)
        {
            return;
        }
        final int consumerIndex = (int)consumption.get(entry, ConsumptionBook.CONSUMER_INDEX);
        ledger.payDistributionShare(merchantIndex, consumerIndex, share, voucherMode,
            settings.voucherExpiryMs(nowMs, voucherValidityMs));
        records.set(record, Distribution.DISTRIBUTED_FEN, records.get(record, Distribution.DISTRIBUTED_FEN) + share);
        records.set(record, Distribution.RECIPIENTS_PAID, records.get(record, Distribution.RECIPIENTS_PAID) + 1);
    }

    private void finish(final long nowMs)
    {
        if (records.get(record, Distribution.DISTRIBUTED_FEN) != amountFen)
        {
            throw new IllegalStateException("distribution paid " + records.get(record, Distribution.DISTRIBUTED_FEN) +
                " of " + amountFen);
        }
        records.setState(record, PaymentState.CONFIRMED.value());
        records.finish(record, nowMs);
        phase = PHASE_IDLE;
        record = -1;
    }

    private long consumerId(final int entry)
    {
        return consumers.get((int)consumption.get(entry, ConsumptionBook.CONSUMER_INDEX), ConsumerBook.ID);
    }

    static boolean isVoucherMode(final long distributionMode)
    {
        return distributionMode != DistributionMode.WALLET_REBATE.value();
    }

    void writeTo(final SnapshotWriter writer)
    {
        final long[] state = {phase, record, merchantIndex, epoch, head, cursor, amountFen, basisFen, floorSumFen,
            voucherMode ? 1 : 0, voucherValidityMs, shift, prefix, wanted, remainderThreshold, tiesWanted,
            tiesAtThreshold, tieIdThreshold};
        writer.writeLongs(state, state.length);
        writer.writeLongs(histogram, histogram.length);
    }

    void readFrom(final SnapshotReader reader)
    {
        final long[] state = new long[18];
        if (reader.readLongs(state) != state.length)
        {
            throw new IllegalStateException("snapshot of a distribution has the wrong length");
        }
        phase = (int)state[0];
        record = (int)state[1];
        merchantIndex = (int)state[2];
        epoch = state[3];
        head = (int)state[4];
        cursor = (int)state[5];
        amountFen = state[6];
        basisFen = state[7];
        floorSumFen = state[8];
        voucherMode = state[9] == 1;
        voucherValidityMs = state[10];
        shift = (int)state[11];
        prefix = state[12];
        wanted = state[13];
        remainderThreshold = state[14];
        tiesWanted = state[15];
        tiesAtThreshold = state[16];
        tieIdThreshold = state[17];
        reader.readLongs(histogram);
    }

    long hash(final long seed)
    {
        long hash = StateHash.fold(seed, phase);
        hash = StateHash.fold(hash, record);
        hash = StateHash.fold(hash, cursor);
        hash = StateHash.fold(hash, floorSumFen);
        hash = StateHash.fold(hash, shift);
        hash = StateHash.fold(hash, prefix);
        hash = StateHash.fold(hash, wanted);
        hash = StateHash.fold(hash, remainderThreshold);
        return StateHash.fold(hash, tieIdThreshold);
    }
}
