package com.wodian.engine.risk;

import com.wodian.engine.table.ConsumerBook;

/**
 * What the scoring model knows of a consumer beyond {@link ConsumerRiskBook}'s windows, eight longs per consumer
 * (right after its ConsumerRiskBook row in the consumer's record; that book hashes both, ConsumerBook writes them):
 * when the account was registered (account age), when and where it last paid (time from earning points to redeeming
 * them, redeeming at the shop that issued them), its amounts on a log scale ({@link AmountStats}), its last top-up
 * (time and log amount), the trades it ever paid in (a 16-bit mask), its last redemption and the points it held
 * when it first paid.
 */
final class ConsumerProfileBook
{
    static final int STRIDE = 8;
    /**
     * Registration time (0..47, ms) and, in its upper bits, the approved payments at the consumer's own home shop
     * (48..51) and at other shops of the home shop's area (52..55), each saturating at 15: the accounts of an
     * alliance cluster pay everywhere in their home district except at the shop that brought them in; bit 56: the
     * account was registered at most {@link RiskFeatures#REGISTERED_TOGETHER_SECONDS} after another account of the
     * same home shop (feature 76); 57..60: the least feature-75 count of its approved payments so far plus one,
     * capped at {@link #RECIPROCAL_MIN_CAP} + 1 (0: no approved payment yet; feature 78); bit 61: the consumer had
     * an account event (AccountEvent, schema 13), whose times {@link AccountEventBook} keeps (features 80-86).
     */
    private static final int REGISTERED_MS = 0;
    private static final long TIME_MASK = (1L << 48) - 1;
    private static final int HOME_PAYMENTS_SHIFT = 48;
    private static final int LOCAL_OTHER_PAYMENTS_SHIFT = 52;
    private static final int REGISTERED_TOGETHER_BIT = 56;
    static final long PAYMENTS_CAP = 15;
    private static final int RECIPROCAL_MIN_SHIFT = 57;
    /** Feature 78 reads at most this (4 bits hold it plus one). */
    static final long RECIPROCAL_MIN_CAP = 14;
    private static final int ACCOUNT_EVENTS_BIT = 61;
    private static final int LAST_PAYMENT_MS = 1;
    private static final int AMOUNT = 2;
    /**
     * The last merchant paid (0..31; all ones before the first payment) and the consumer's usual area: a majority
     * vote over the areas of its payments (Boyer-Moore with a capped count, so it follows a consumer who moves):
     * candidate area 32..55 (24 bits: the administrative codes fit), count 56..63; all ones (as registered) or a
     * count of 0: no usual area yet.
     */
    private static final int LAST_MERCHANT = 3;
    private static final long AREA_MASK = 0xFF_FFFFL;
    private static final long VOTE_CAP = 7;
    private static final int LAST_TOP_UP_MS = 4;
    /**
     * log16 of the last top-up (0..15), trades paid in (16..31), share of its scored payments at or above the
     * active model's flag score (32..47, EWMA alpha 1/4, x1024), the parts of the day it ever paid in (six 4-hour
     * blocks, 48..53), the share of its payments at another shop of its home shop's area (54..63, EWMA alpha 1/4,
     * x512).
     */
    private static final int TOP_UP_TRADES = 5;
    /**
     * The last redemption's time (0..47) and, in its upper bits, the consumer's points balance just before its first
     * approved payment (log16, 48..57; bit 63 set once captured): an account that is years old but never held a
     * point (no migrated points, no welcome points) when it starts paying has no history anywhere: a dormant account,
     * bought or kept for a ring (feature 74).
     */
    private static final int LAST_REDEMPTION_MS = 6;
    private static final int START_POINTS_SHIFT = 48;
    private static final long START_POINTS_MASK = 0x3FF;
    private static final long START_POINTS_CAPTURED = Long.MIN_VALUE;
    /** Merchants ever paid: a 64-bit hashed set. */
    private static final int MERCHANTS_EVER = 7;

    /** The consumers' records: each consumer's profile row follows its risk row in the record's risk block. */
    private final ConsumerBook records;

    ConsumerProfileBook(final ConsumerRiskBook riskRows)
    {
        records = riskRows.records;
    }

    /** This book's row: words 8..15 of the consumer's risk block, after its ConsumerRiskBook row. */
    private static final int ROW = ConsumerRiskBook.STRIDE;

    private long word(final int index, final int field)
    {
        return records.riskWord(index, ROW + field);
    }

    private void setWord(final int index, final int field, final long value)
    {
        records.setRiskWord(index, ROW + field, value);
    }

    /** Loads the row (one line); changes nothing. */
    long touch(final int index)
    {
        return word(index, REGISTERED_MS);
    }

    /** {@code together}: registered right after another account of the same home shop (see REGISTERED_MS). */
    void registered(final int index, final long nowMs, final boolean together)
    {
        setWord(index, REGISTERED_MS, (nowMs & TIME_MASK) | (together ? 1L << REGISTERED_TOGETHER_BIT : 0));
        setWord(index, LAST_MERCHANT, -1);
    }

    /** The consumer had an account event: {@link AccountEventBook} holds its times (set once, never cleared). */
    void markAccountEvents(final int index)
    {
        setWord(index, REGISTERED_MS, word(index, REGISTERED_MS) | 1L << ACCOUNT_EVENTS_BIT);
    }

    boolean hasAccountEvents(final int index)
    {
        return (word(index, REGISTERED_MS) & (1L << ACCOUNT_EVENTS_BIT)) != 0;
    }

    /** 1 when the account was registered right after another account of its home shop, else 0. */
    long registeredTogether(final int index)
    {
        return (word(index, REGISTERED_MS) >>> REGISTERED_TOGETHER_BIT) & 1;
    }

    /** The consumer's home shop's index; -1 none. */
    int homeMerchantIndex(final int index)
    {
        return records.homeMerchantIndex(index);
    }

    long ageHours(final int index, final long nowMs)
    {
        return Math.max(0, nowMs - (word(index, REGISTERED_MS) & TIME_MASK)) / 3_600_000L;
    }

    /** Minutes since the last approved payment; -1 before the first. */
    long minutesSinceLastPayment(final int index, final long nowMs)
    {
        final long last = word(index, LAST_PAYMENT_MS);
        return last == 0 ? -1 : Math.max(0, nowMs - last) / 60_000L;
    }

    long lastMerchant(final int index)
    {
        return (int)word(index, LAST_MERCHANT);
    }

    /** The consumer's usual area (majority of its payments' areas); 0 when none yet. */
    int usualArea(final int index)
    {
        final long votes = word(index, LAST_MERCHANT) >>> 32;
        final long count = votes >>> 24;
        return count == 0 || count == 0xFF ? 0 : (int)(votes & AREA_MASK);
    }

    /** The usual-area vote after a payment in {@code areaCode} (0: unknown, no vote), in the upper half of a word. */
    private static long vote(final long word, final int areaCode)
    {
        long votes = word >>> 32;
        if (areaCode == 0)
        {
            return votes << 32;
        }
        long count = votes >>> 24;
        long candidate = votes & AREA_MASK;
        if (count == 0 || count == 0xFF)
        {
            candidate = areaCode & AREA_MASK;
            count = 1;
        }
        else if (candidate == (areaCode & AREA_MASK))
        {
            count = Math.min(VOTE_CAP, count + 1);
        }
        else if (--count == 0)
        {
            candidate = areaCode & AREA_MASK;
            count = 1;
        }
        votes = candidate | (count << 24);
        return votes << 32;
    }

    /** Has the consumer ever paid in this part of the day (a 4-hour block)? */
    boolean paidInDayPart(final int index, final int hour)
    {
        return (word(index, TOP_UP_TRADES) & (1L << (48 + hour / 4))) != 0;
    }

    /** Share (x1024) of its payments at another shop in its home shop's area (EWMA, alpha 1/4). */
    long localOtherShare(final int index)
    {
        return ((word(index, TOP_UP_TRADES) >>> 54) & 0x3FF) << 1;
    }

    /** Approved payments at its own home shop, saturating at {@link #PAYMENTS_CAP}. */
    long homePayments(final int index)
    {
        return (word(index, REGISTERED_MS) >>> HOME_PAYMENTS_SHIFT) & 0xF;
    }

    /** Approved payments at other shops of its home shop's area, saturating at {@link #PAYMENTS_CAP}. */
    long localOtherPayments(final int index)
    {
        return (word(index, REGISTERED_MS) >>> LOCAL_OTHER_PAYMENTS_SHIFT) & 0xF;
    }

    /**
     * The least feature-75 count (reverse dormant road to its home shop) of its approved payments so far, at most
     * {@link #RECIPROCAL_MIN_CAP}; -1 before the first.
     */
    long reciprocalMin(final int index)
    {
        return ((word(index, REGISTERED_MS) >>> RECIPROCAL_MIN_SHIFT) & 0xF) - 1;
    }

    /** The registration word after an approved payment whose feature 75 read {@code reciprocal} (-1 counts as 0). */
    static long withReciprocal(final long word, final long reciprocal)
    {
        final long stored = (word >>> RECIPROCAL_MIN_SHIFT) & 0xF;
        final long now = Math.min(Math.max(reciprocal, 0), RECIPROCAL_MIN_CAP) + 1;
        final long least = stored == 0 ? now : Math.min(stored, now);
        return (word & ~(0xFL << RECIPROCAL_MIN_SHIFT)) | (least << RECIPROCAL_MIN_SHIFT);
    }

    /** Counts a payment at its home shop ({@code atHome}) or at another shop of the home area ({@code localOther}). */
    private static long countHomeAndLocal(final long word, final boolean atHome, final boolean localOther)
    {
        long next = word;
        if (atHome && ((word >>> HOME_PAYMENTS_SHIFT) & 0xF) < PAYMENTS_CAP)
        {
            next += 1L << HOME_PAYMENTS_SHIFT;
        }
        if (localOther && ((word >>> LOCAL_OTHER_PAYMENTS_SHIFT) & 0xF) < PAYMENTS_CAP)
        {
            next += 1L << LOCAL_OTHER_PAYMENTS_SHIFT;
        }
        return next;
    }

    long amount(final int index)
    {
        return word(index, AMOUNT);
    }

    void recordTopUp(final int index, final long amountFen, final long nowMs)
    {
        setWord(index, LAST_TOP_UP_MS, nowMs);
        setWord(index, TOP_UP_TRADES, (word(index, TOP_UP_TRADES) & ~0xFFFFL) | AmountStats.log16(amountFen));
    }

    void recordRedemption(final int index, final long nowMs)
    {
        setWord(index, LAST_REDEMPTION_MS, (word(index, LAST_REDEMPTION_MS) & ~TIME_MASK) | (nowMs & TIME_MASK));
    }

    /**
     * log16 of the consumer's points balance just before its first approved payment; before that payment, of its
     * balance now. 0: it held no point (or one).
     */
    long startPointsLog16(final int index)
    {
        final long redemption = word(index, LAST_REDEMPTION_MS);
        return (redemption & START_POINTS_CAPTURED) != 0 ? (redemption >>> START_POINTS_SHIFT) & START_POINTS_MASK :
            AmountStats.log16(records.get(index, ConsumerBook.POINTS));
    }

    /** At an approved payment, before its points are earned: keeps the balance if this is the first one. */
    private static long captureStartPoints(final long word, final long points)
    {
        return (word & START_POINTS_CAPTURED) != 0 ? word : (word & TIME_MASK) | START_POINTS_CAPTURED |
            ((AmountStats.log16(points) & START_POINTS_MASK) << START_POINTS_SHIFT);
    }

    /** Minutes since the last top-up; -1 before the first. */
    long minutesSinceTopUp(final int index, final long nowMs)
    {
        final long last = word(index, LAST_TOP_UP_MS);
        return last == 0 ? -1 : Math.max(0, nowMs - last) / 60_000L;
    }

    /** log16 of the amount minus log16 of the last top-up, x16; {@link AmountStats#NO_HISTORY} before one. */
    long amountVsLastTopUpX16(final int index, final long log16)
    {
        return word(index, LAST_TOP_UP_MS) == 0 ? AmountStats.NO_HISTORY :
            (log16 - (word(index, TOP_UP_TRADES) & 0xFFFF)) * 16;
    }

    long minutesSinceRedemption(final int index, final long nowMs)
    {
        final long last = word(index, LAST_REDEMPTION_MS) & TIME_MASK;
        return last == 0 ? -1 : Math.max(0, nowMs - last) / 60_000L;
    }

    /** Trades ever paid in. */
    long tradesEver(final int index)
    {
        return Long.bitCount((word(index, TOP_UP_TRADES) >>> 16) & 0xFFFF);
    }

    /** Merchants ever paid (bits set in a 64-bit hashed set: a lower bound). */
    long merchantsEver(final int index)
    {
        return Long.bitCount(word(index, MERCHANTS_EVER));
    }

    long suspiciousShare(final int index)
    {
        return (word(index, TOP_UP_TRADES) >>> 32) & 0xFFFF;
    }

    void recordSuspicion(final int index, final boolean suspicious)
    {
        setWord(index, TOP_UP_TRADES, MerchantProfileBook.ewma(word(index, TOP_UP_TRADES), 32, suspicious, 2));
    }

    /** Has the consumer (probably) paid this merchant before? The hashed set can say yes for a new one. */
    boolean hasPaid(final int index, final int merchantIndex)
    {
        return (word(index, MERCHANTS_EVER) & merchantBit(merchantIndex)) != 0;
    }

    private static long merchantBit(final int merchantIndex)
    {
        return 1L << ((merchantIndex * 0x9E3779B9) >>> 26);
    }

    boolean paidInTrade(final int index, final int trade)
    {
        return (word(index, TOP_UP_TRADES) & (1L << (16 + (trade & 15)))) != 0;
    }

    /**
     * An approved payment at {@code merchantIndex} (in {@code areaCode}, 0 unknown), in hour of day {@code hour};
     * {@code atHome}: at its own home shop; {@code localOther}: at another shop of its home shop's area;
     * {@code reciprocal}: the payment's feature 75 (-1 at home or without a home shop).
     */
    void recordPayment(final int index, final long nowMs, final int merchantIndex, final int trade, final long log16,
        final int areaCode, final int hour, final boolean atHome, final boolean localOther, final long reciprocal)
    {
        setWord(index, REGISTERED_MS, withReciprocal(countHomeAndLocal(word(index, REGISTERED_MS), atHome,
            localOther), reciprocal));
        setWord(index, LAST_REDEMPTION_MS, captureStartPoints(word(index, LAST_REDEMPTION_MS),
            records.get(index, ConsumerBook.POINTS)));
        long trades = word(index, TOP_UP_TRADES) | (1L << (16 + (trade & 15))) | (1L << (48 + hour / 4));
        final long local = (trades >>> 54) & 0x3FF;
        final long nextLocal = local + (((localOther ? 512 : 0) - local) >> 2);
        trades = (trades & ~(0x3FFL << 54)) | (nextLocal << 54);
        setWord(index, TOP_UP_TRADES, trades);
        setWord(index, MERCHANTS_EVER, word(index, MERCHANTS_EVER) | merchantBit(merchantIndex));
        setWord(index, LAST_PAYMENT_MS, nowMs);
        setWord(index, LAST_MERCHANT, vote(word(index, LAST_MERCHANT), areaCode) | (merchantIndex & 0xFFFF_FFFFL));
        setWord(index, AMOUNT, AmountStats.add(word(index, AMOUNT), log16));
    }
}
