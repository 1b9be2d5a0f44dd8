package com.wodian.engine.risk;

import com.wodian.engine.table.ConsumerBook;
import com.wodian.engine.table.PackedRing;

/**
 * Each consumer's behaviour profile in one 64-byte row of eight longs, indexed like {@link ConsumerBook}. Windows are
 * bucket rings packed into longs ({@link PackedRing}), all advanced from one last-seen time, so an update is a few
 * shifts and adds: O(1), no allocation.
 *
 * <pre>
 *   long  bits      content
 *   0     0..63     last time the row was advanced (input time, ms)
 *   1     0..47     payment attempts, 6 buckets x 10 s x 8 bits (the last minute)
 *         48..63    payments ever approved (history), saturating
 *   2     0..59     payment attempts, 12 buckets x 5 min x 5 bits (the last hour)
 *   3,4   0..63     amounts, 8 buckets x 3 h x 16 bits in units of 10 yuan rounded up (the last 24 h); 3 holds the
 *                   newest four buckets
 *   5     0..31     moving mean of amounts, fen x 4 (EWMA, alpha 1/8)
 *         32..63    moving mean absolute deviation, fen x 4 (EWMA, alpha 1/8)
 *   6     0..31     this half day (12 h): payments 0..11, refunds 12..23, risk strikes 24..31
 *         32..63    the previous half day, same layout
 *   7     0..31     this half hour: 16-bit hashed set of merchants (0..15), of terminals (16..31)
 *         32..63    the previous half hour, same layout
 * </pre>
 */
public final class ConsumerRiskBook
{
    static final int STRIDE = 8;
    /**
     * A consumer's two risk rows (this book's, then {@link ConsumerProfileBook}'s) are the 128-byte risk block of its
     * record in {@link ConsumerBook}, right after its money line: scoring a payment touches the two cache lines after
     * the one the payment already reads, found by the same id-map probe.
     */
    static final int ROW_LONGS = 2 * STRIDE;
    /** Longs of padding before the first row in snapshot format 4 (folded into the hash so that it did not change). */
    static final int LAST_SEEN_MS = 0;
    static final int MINUTE = 1;
    static final int HOUR = 2;
    static final int DAY_NEW = 3;
    static final int DAY_OLD = 4;
    static final int AMOUNT = 5;
    static final int HALF_DAYS = 6;
    static final int DISTINCT = 7;

    static final long MINUTE_BUCKET_MS = 10_000;
    static final long HOUR_BUCKET_MS = 300_000;
    static final long DAY_BUCKET_MS = 3 * 3_600_000L;
    static final long HALF_DAY_MS = 12 * 3_600_000L;
    static final long HALF_HOUR_MS = 1_800_000;
    static final long DAY_UNIT_FEN = 1_000;

    private static final long MINUTE_RING_MASK = PackedRing.mask(48);
    private static final int HISTORY_SHIFT = 48;
    private static final int PAYMENTS_SHIFT = 0;
    private static final int REFUNDS_SHIFT = 12;
    private static final int STRIKES_SHIFT = 24;
    private static final long UNSIGNED_32 = 0xFFFF_FFFFL;

    /**
     * The consumers' records: this package owns their risk blocks, which it reads and writes word by word
     * ({@link ConsumerBook#riskWord}; this book's row is words 0..7, {@link ConsumerProfileBook}'s 8..15).
     */
    final ConsumerBook records;

    ConsumerRiskBook(final ConsumerBook records)
    {
        this.records = records;
    }

    private long word(final int index, final int field)
    {
        return records.riskWord(index, field);
    }

    private void setWord(final int index, final int field, final long value)
    {
        records.setRiskWord(index, field, value);
    }

    /** Loads the row (one line); changes nothing. */
    long touch(final int index)
    {
        return word(index, LAST_SEEN_MS);
    }

    /** Moves every window of the row to {@code nowMs} (time never goes backwards). */
    void advance(final int index, final long nowMs)
    {
        final long last = word(index, LAST_SEEN_MS);
        if (last == nowMs)
        {
            return;
        }
        long steps = PackedRing.steps(last, nowMs, MINUTE_BUCKET_MS);
        if (steps > 0)
        {
            final long minute = word(index, MINUTE);
            setWord(index, MINUTE, (minute & ~MINUTE_RING_MASK) |
                PackedRing.advance(minute & MINUTE_RING_MASK, steps, 8, 6));
            steps = PackedRing.steps(last, nowMs, HOUR_BUCKET_MS);
            setWord(index, HOUR, PackedRing.advance(word(index, HOUR), steps, 5, 12));
            steps = PackedRing.steps(last, nowMs, DAY_BUCKET_MS);
            if (steps > 0)
            {
                advanceDay(index, steps);
            }
            steps = PackedRing.steps(last, nowMs, HALF_DAY_MS);
            setWord(index, HALF_DAYS, PackedRing.advance(word(index, HALF_DAYS), steps, 32, 2));
            steps = PackedRing.steps(last, nowMs, HALF_HOUR_MS);
            setWord(index, DISTINCT, PackedRing.advance(word(index, DISTINCT), steps, 32, 2));
        }
        setWord(index, LAST_SEEN_MS, nowMs);
    }

    /** The day ring spans two longs: a 128-bit shift by 16 bits per period. */
    private void advanceDay(final int index, final long steps)
    {
        if (steps >= 8)
        {
            setWord(index, DAY_NEW, 0);
            setWord(index, DAY_OLD, 0);
            return;
        }
        final int bits = (int)steps * 16;
        final long newer = word(index, DAY_NEW);
        if (bits >= 64)
        {
            setWord(index, DAY_OLD, newer << (bits - 64));
            setWord(index, DAY_NEW, 0);
        }
        else
        {
            setWord(index, DAY_OLD, (word(index, DAY_OLD) << bits) | (newer >>> (64 - bits)));
            setWord(index, DAY_NEW, newer << bits);
        }
    }

    long minuteCount(final int index)
    {
        return PackedRing.sum(word(index, MINUTE) & MINUTE_RING_MASK, 8, 6);
    }

    long hourCount(final int index)
    {
        return PackedRing.sum(word(index, HOUR), 5, 12);
    }

    long history(final int index)
    {
        return word(index, MINUTE) >>> HISTORY_SHIFT;
    }

    /** Approved spend in the last 24 h (rounded up to 10 yuan per payment). */
    long daySumFen(final int index)
    {
        return (PackedRing.sum(word(index, DAY_NEW), 16, 4) + PackedRing.sum(word(index, DAY_OLD), 16, 4)) *
            DAY_UNIT_FEN;
    }

    long meanFenTimes4(final int index)
    {
        return word(index, AMOUNT) & UNSIGNED_32;
    }

    long deviationFenTimes4(final int index)
    {
        return word(index, AMOUNT) >>> 32;
    }

    private long halfDays(final int index, final int shift, final int width)
    {
        final long ring = word(index, HALF_DAYS);
        return PackedRing.field(ring, shift, width) + PackedRing.field(ring, 32 + shift, width);
    }

    long payments24h(final int index)
    {
        return halfDays(index, PAYMENTS_SHIFT, 12);
    }

    long refunds24h(final int index)
    {
        return halfDays(index, REFUNDS_SHIFT, 12);
    }

    long strikes24h(final int index)
    {
        return halfDays(index, STRIKES_SHIFT, 8);
    }

    public static long merchantBit(final int merchantIndex)
    {
        return 1L << ((merchantIndex * 0x9E3779B9) >>> 28);
    }

    /** A long, not an int: bit 31 of an int would sign-extend into the previous half hour's sets. */
    public static long terminalBit(final int terminalIndex)
    {
        return 1L << (16 + ((terminalIndex * 0x85EBCA6B) >>> 28));
    }

    /**
     * Distinct merchants in the last 30..60 min, counting {@code merchantIndex} as seen now: the bits set in the
     * hashed set, a lower bound (two merchants sharing a bit count once). Never an over-estimate, so "more than t"
     * fires only when at least t + 1 merchants were really paid (a linear-counting estimate read 4 merchants as 5).
     */
    long distinctMerchantsWith(final int index, final int merchantIndex)
    {
        final long sets = word(index, DISTINCT);
        return Long.bitCount((sets | (sets >>> 32) | merchantBit(merchantIndex)) & 0xFFFF);
    }

    long distinctTerminalsWith(final int index, final int terminalIndex)
    {
        final long sets = word(index, DISTINCT);
        return Long.bitCount((sets | (sets >>> 32) | terminalBit(terminalIndex)) & 0xFFFF_0000L);
    }

    /**
     * A payment attempt that reached the risk check, approved or not: velocity counts attempts, so that a declined
     * spree stays declined instead of getting a new allowance every time the window slides.
     */
    void recordAttempt(final int index)
    {
        final long minute = word(index, MINUTE);
        setWord(index, MINUTE, (minute & ~MINUTE_RING_MASK) | PackedRing.addCurrent(minute & MINUTE_RING_MASK, 1, 8));
        setWord(index, HOUR, PackedRing.addCurrent(word(index, HOUR), 1, 5));
    }

    /** An approved payment (the row was advanced to now). */
    void recordPayment(final int index, final int merchantIndex, final int terminalIndex, final long amountFen)
    {
        final long minute = word(index, MINUTE);
        final long history = minute >>> HISTORY_SHIFT;
        setWord(index, MINUTE, (minute & MINUTE_RING_MASK) | (Math.min(history + 1, 0xFFFF) << HISTORY_SHIFT));
        setWord(index, DAY_NEW, PackedRing.addCurrent(word(index, DAY_NEW),
            (amountFen + DAY_UNIT_FEN - 1) / DAY_UNIT_FEN, 16));
        setWord(index, HALF_DAYS, PackedRing.addAt(word(index, HALF_DAYS), PAYMENTS_SHIFT, 1, 12));
        setWord(index, DISTINCT, word(index, DISTINCT) | merchantBit(merchantIndex) | terminalBit(terminalIndex));

        final long amountTimes4 = amountFen * 4;
        final long amount = word(index, AMOUNT);
        long mean = amount & UNSIGNED_32;
        long deviation = amount >>> 32;
        if (history == 0)
        {
            mean = amountTimes4;
            deviation = amountTimes4 / 2;
        }
        else
        {
            final long difference = amountTimes4 - mean;
            mean += difference >> 3;
            deviation += (Math.abs(difference) - deviation) >> 3;
        }
        mean = Math.max(0, Math.min(mean, UNSIGNED_32));
        deviation = Math.max(0, Math.min(deviation, UNSIGNED_32));
        setWord(index, AMOUNT, mean | (deviation << 32));
    }

    void recordRefund(final int index)
    {
        setWord(index, HALF_DAYS, PackedRing.addAt(word(index, HALF_DAYS), REFUNDS_SHIFT, 1, 12));
    }

    void recordStrike(final int index)
    {
        setWord(index, HALF_DAYS, PackedRing.addAt(word(index, HALF_DAYS), STRIKES_SHIFT, 1, 8));
    }
}
