package com.wodian.engine.risk;

import com.wodian.engine.ConsumerBook;

/**
 * What the scoring model knows of a consumer beyond {@link ConsumerRiskBook}'s windows, eight longs per consumer
 * (right after its ConsumerRiskBook row in the consumer's record; that book hashes both, ConsumerBook writes them):
 * when the account was registered (account age), when and where it last paid (time from earning points to redeeming
 * them, redeeming at the shop that issued them), its amounts on a log scale ({@link AmountStats}), its last top-up
 * (time and log amount), the trades it ever paid in (a 16-bit mask) and its last redemption.
 */
final class ConsumerProfileBook
{
    static final int STRIDE = 8;
    private static final int REGISTERED_MS = 0;
    private static final int LAST_PAYMENT_MS = 1;
    private static final int AMOUNT = 2;
    private static final int LAST_MERCHANT = 3;
    private static final int LAST_TOP_UP_MS = 4;
    /**
     * log16 of the last top-up (0..15), trades paid in (16..31), share of its scored payments at or above the
     * active model's flag score (32..47, EWMA alpha 1/4, x1024).
     */
    private static final int TOP_UP_TRADES = 5;
    private static final int LAST_REDEMPTION_MS = 6;
    /** Merchants ever paid: a 64-bit hashed set. */
    private static final int MERCHANTS_EVER = 7;

    /** The consumers' records: each consumer's profile row follows its risk row in the record's risk block. */
    private final ConsumerBook records;

    ConsumerProfileBook(final ConsumerRiskBook riskRows)
    {
        records = riskRows.records;
    }

    private static int base(final int index)
    {
        return ConsumerBook.riskBase(index) + ConsumerRiskBook.STRIDE;
    }

    void registered(final int index, final long nowMs)
    {
        final long[] rows = records.recordsOf(index);
        rows[base(index) + REGISTERED_MS] = nowMs;
        rows[base(index) + LAST_MERCHANT] = -1;
    }

    long ageHours(final int index, final long nowMs)
    {
        final long[] rows = records.recordsOf(index);
        return Math.max(0, nowMs - rows[base(index) + REGISTERED_MS]) / 3_600_000L;
    }

    /** Minutes since the last approved payment; -1 before the first. */
    long minutesSinceLastPayment(final int index, final long nowMs)
    {
        final long[] rows = records.recordsOf(index);
        final long last = rows[base(index) + LAST_PAYMENT_MS];
        return last == 0 ? -1 : Math.max(0, nowMs - last) / 60_000L;
    }

    long lastMerchant(final int index)
    {
        final long[] rows = records.recordsOf(index);
        return rows[base(index) + LAST_MERCHANT];
    }

    long amount(final int index)
    {
        final long[] rows = records.recordsOf(index);
        return rows[base(index) + AMOUNT];
    }

    void recordTopUp(final int index, final long amountFen, final long nowMs)
    {
        final long[] rows = records.recordsOf(index);
        final int base = base(index);
        rows[base + LAST_TOP_UP_MS] = nowMs;
        rows[base + TOP_UP_TRADES] = (rows[base + TOP_UP_TRADES] & ~0xFFFFL) | AmountStats.log16(amountFen);
    }

    void recordRedemption(final int index, final long nowMs)
    {
        final long[] rows = records.recordsOf(index);
        rows[base(index) + LAST_REDEMPTION_MS] = nowMs;
    }

    /** Minutes since the last top-up; -1 before the first. */
    long minutesSinceTopUp(final int index, final long nowMs)
    {
        final long[] rows = records.recordsOf(index);
        final long last = rows[base(index) + LAST_TOP_UP_MS];
        return last == 0 ? -1 : Math.max(0, nowMs - last) / 60_000L;
    }

    /** log16 of the amount minus log16 of the last top-up, x16; {@link AmountStats#NO_HISTORY} before one. */
    long amountVsLastTopUpX16(final int index, final long log16)
    {
        final long[] rows = records.recordsOf(index);
        final int base = base(index);
        return rows[base + LAST_TOP_UP_MS] == 0 ? AmountStats.NO_HISTORY :
            (log16 - (rows[base + TOP_UP_TRADES] & 0xFFFF)) * 16;
    }

    long minutesSinceRedemption(final int index, final long nowMs)
    {
        final long[] rows = records.recordsOf(index);
        final long last = rows[base(index) + LAST_REDEMPTION_MS];
        return last == 0 ? -1 : Math.max(0, nowMs - last) / 60_000L;
    }

    /** Trades ever paid in. */
    long tradesEver(final int index)
    {
        final long[] rows = records.recordsOf(index);
        return Long.bitCount(rows[base(index) + TOP_UP_TRADES] >>> 16);
    }

    /** Merchants ever paid (bits set in a 64-bit hashed set: a lower bound). */
    long merchantsEver(final int index)
    {
        final long[] rows = records.recordsOf(index);
        return Long.bitCount(rows[base(index) + MERCHANTS_EVER]);
    }

    long suspiciousShare(final int index)
    {
        final long[] rows = records.recordsOf(index);
        return (rows[base(index) + TOP_UP_TRADES] >>> 32) & 0xFFFF;
    }

    void recordSuspicion(final int index, final boolean suspicious)
    {
        final long[] rows = records.recordsOf(index);
        final int at = base(index) + TOP_UP_TRADES;
        rows[at] = MerchantProfileBook.ewma(rows[at], 32, suspicious, 2);
    }

    /** Has the consumer (probably) paid this merchant before? The hashed set can say yes for a new one. */
    boolean hasPaid(final int index, final int merchantIndex)
    {
        final long[] rows = records.recordsOf(index);
        return (rows[base(index) + MERCHANTS_EVER] & merchantBit(merchantIndex)) != 0;
    }

    private static long merchantBit(final int merchantIndex)
    {
        return 1L << ((merchantIndex * 0x9E3779B9) >>> 26);
    }

    boolean paidInTrade(final int index, final int trade)
    {
        final long[] rows = records.recordsOf(index);
        return (rows[base(index) + TOP_UP_TRADES] & (1L << (16 + (trade & 15)))) != 0;
    }

    void recordPayment(final int index, final long nowMs, final int merchantIndex, final int trade, final long log16)
    {
        final long[] rows = records.recordsOf(index);
        final int base = base(index);
        rows[base + TOP_UP_TRADES] |= 1L << (16 + (trade & 15));
        rows[base + MERCHANTS_EVER] |= merchantBit(merchantIndex);
        rows[base + LAST_PAYMENT_MS] = nowMs;
        rows[base + LAST_MERCHANT] = merchantIndex;
        rows[base + AMOUNT] = AmountStats.add(rows[base + AMOUNT], log16);
    }
}
