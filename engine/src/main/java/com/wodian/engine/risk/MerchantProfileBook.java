package com.wodian.engine.risk;

import com.wodian.engine.table.Growth;
import com.wodian.engine.table.PackedRing;
import com.wodian.engine.table.SnapshotReader;
import com.wodian.engine.table.SnapshotWriter;
import com.wodian.engine.table.StateHash;

/**
 * What the scoring model knows of a merchant beyond {@link MerchantRiskBook}: its trade and area (RegisterMerchant),
 * typical ticket (log amounts, {@link AmountStats}) and hours ({@link HourProfile}), and per hour (this hour's and
 * the previous hour's, aligned to the clock) the consumers who paid it (a 64-bit hashed set each), its payments, the
 * sales by consumers another merchant brought in, and which merchants brought them in (32-bit hashed sets): few
 * accounts carrying a shop, or a shop living off another's recruits, show there. Row layout: the offsets below.
 */
public final class MerchantProfileBook
{
    /**
     * Trade (0..7), area code (8..39) and the share of its payments by "home avoiders" (40..55, EWMA alpha 1/32,
     * x1024): consumers from this shop's district who paid several other shops of their home shop's district and
     * never the home shop itself: the accounts of an alliance cluster.
     */
    private static final int TRADE_AREA = 0;
    private static final int SHARE_AVOIDERS = 40;
    private static final int AMOUNT = 1;
    private static final int HOURS = 2;
    private static final int LAST_MS = HOURS + HourProfile.LONGS;
    private static final int CONSUMERS = LAST_MS + 1;
    private static final int CONSUMERS_PREVIOUS = CONSUMERS + 1;
    /** payments this hour (0..15), previous (16..31); others' recruits' sales in yuan this hour (32..47), previous. */
    private static final int COUNTS = CONSUMERS_PREVIOUS + 1;
    /** Hashed sets of the merchants that brought in this merchant's customers: this hour 0..31, previous 32..63. */
    private static final int RECRUITERS = COUNTS + 1;
    /**
     * Registration time (0..47, ms) and how loyal its payers are (48..63): an EWMA (alpha 1/32) of the payers'
     * payments per merchant they ever paid (x16, capped at 1023) x64, at each approved payment. A shop whose few
     * accounts come back to it and to nowhere else stands out against this shop's own usual payers.
     */
    private static final int REGISTERED_MS = RECRUITERS + 1;
    private static final int PAYER_REPEAT = 48;
    private static final long TIME_MASK = (1L << PAYER_REPEAT) - 1;
    /** The largest payments-per-merchant (x16) the payer-repeat average learns. */
    static final long REPEAT_CAP_X16 = 1023;
    /**
     * Shares of its payments (EWMA, alpha 1/32, x1024): by consumers who paid at most two merchants ever (0..15), by
     * young accounts (16..31), by consumers whose home shop is in another area (32..47), by "locals": consumers
     * whose payments are mostly at other shops of their home shop's area (48..63).
     */
    private static final int SHARES = REGISTERED_MS + 1;
    /**
     * More shares of its payments (EWMA, x1024): scored at or above the active model's flag score (0..15, alpha
     * 1/32), the same among payments by the consumers this merchant brought in, wherever they pay (16..31, alpha
     * 1/16: a group of accounts with one home shop), "draining" payments: most of the wallet, at a shop the consumer
     * never paid, without a top-up in the last day (32..47, alpha 1/16: a fence), by its own recruits (48..63, alpha
     * 1/64).
     */
    static final int SHARES_2 = SHARES + 1;
    /**
     * The share of the wallet its new customers spend here (0..15): an EWMA (alpha 1/16) of the cash part of each
     * approved payment by a consumer who never paid this shop before, per mille of the wallet before it (capped at
     * 1,000), x64. A fence's new customers are taken-over accounts spending a large part of someone else's wallet;
     * an honest shop's new customers spend what its tickets cost (feature 77). Bits 16..63 are free.
     */
    private static final int NEW_PAYER_WALLET = SHARES_2 + 1;
    static final int STRIDE = NEW_PAYER_WALLET + 1;
    /** The largest wallet share (per mille) one new customer's payment moves feature 77 towards. */
    static final long NEW_PAYER_WALLET_CAP_PERMILLE = 1000;
    static final int SHARE_NARROW = 0;
    static final int SHARE_YOUNG = 16;
    static final int SHARE_OTHER_AREA = 32;
    static final int SHARE_LOCALS = 48;
    static final int SHARE_SUSPICIOUS = 0;
    static final int SHARE_RECRUITS_SUSPICIOUS = 16;
    static final int SHARE_DRAIN = 32;
    static final int SHARE_OWN_RECRUIT = 48;
    static final long PERIOD_MS = 3_600_000L;

    /** Linear-counting estimate of distinct consumers from the bits set in a 64-bit hashed set. */
    private static final int[] DISTINCT_ESTIMATE = new int[65];

    static
    {
        for (int bits = 0; bits < 64; bits++)
        {
            DISTINCT_ESTIMATE[bits] = (int)Math.round(-64 * StrictMath.log(1 - bits / 64.0));
        }
        DISTINCT_ESTIMATE[64] = 300;
    }

    // Grows with the parties registered, up to the limit (Growth).
    long[] rows;
    private final int capacity;

    MerchantProfileBook(final int capacity)
    {
        this.capacity = capacity;
        rows = new long[Growth.initialRows(capacity) * STRIDE];
    }

    /** Makes room for rows 0..{@code count - 1} (called when a party is registered). */
    void ensure(final int count)
    {
        rows = Growth.ensureRows(rows, count, STRIDE, capacity);
    }

    void registered(final int index, final int trade, final int areaCode, final long nowMs)
    {
        rows[index * STRIDE + TRADE_AREA] = (trade & 0xFF) | ((areaCode & 0xFFFF_FFFFL) << 8);
        rows[index * STRIDE + REGISTERED_MS] = nowMs & TIME_MASK;
    }

    long ageHours(final int index, final long nowMs)
    {
        return Math.max(0, nowMs - (rows[index * STRIDE + REGISTERED_MS] & TIME_MASK)) / 3_600_000L;
    }

    public int trade(final int index)
    {
        return (int)(rows[index * STRIDE + TRADE_AREA] & 0xFF);
    }

    public int areaCode(final int index)
    {
        return (int)(rows[index * STRIDE + TRADE_AREA] >>> 8);
    }

    /** Loads the row's lines (its first, its clock's {@link #advance} and its last); changes nothing. */
    long touch(final int index)
    {
        final int base = index * STRIDE;
        return base + STRIDE <= rows.length ? rows[base] ^ rows[base + LAST_MS] ^ rows[base + STRIDE - 1] : 0;
    }

    void advance(final int index, final long nowMs)
    {
        final int base = index * STRIDE;
        final long steps = PackedRing.steps(rows[base + LAST_MS], nowMs, PERIOD_MS);
        if (steps == 1)
        {
            rows[base + CONSUMERS_PREVIOUS] = rows[base + CONSUMERS];
            rows[base + CONSUMERS] = 0;
            rows[base + COUNTS] = (rows[base + COUNTS] << 16) & 0xFFFF_0000_FFFF_0000L;
            rows[base + RECRUITERS] <<= 32;
        }
        else if (steps > 1)
        {
            rows[base + CONSUMERS_PREVIOUS] = 0;
            rows[base + CONSUMERS] = 0;
            rows[base + COUNTS] = 0;
            rows[base + RECRUITERS] = 0;
        }
        rows[base + LAST_MS] = nowMs;
    }

    static long consumerBit(final int consumerIndex)
    {
        return 1L << ((consumerIndex * 0x85EBCA6B) >>> 26);
    }

    /** Estimated distinct consumers in this and the previous hour, counting {@code consumerIndex}. */
    long distinctConsumersWith(final int index, final int consumerIndex)
    {
        final int base = index * STRIDE;
        final long set = rows[base + CONSUMERS] | rows[base + CONSUMERS_PREVIOUS] | consumerBit(consumerIndex);
        return DISTINCT_ESTIMATE[Long.bitCount(set)];
    }

    /** Payments in this and the previous hour, plus this one. */
    long paymentsWith(final int index)
    {
        final long counts = rows[index * STRIDE + COUNTS];
        return (counts & 0xFFFF) + ((counts >>> 16) & 0xFFFF) + 1;
    }

    /** Sales (yuan) in this and the previous hour by consumers another merchant brought in. */
    long othersRecruitsYuan(final int index)
    {
        final long counts = rows[index * STRIDE + COUNTS];
        return ((counts >>> 32) & 0xFFFF) + (counts >>> 48);
    }

    static long recruiterBit(final int homeMerchantIndex)
    {
        return 1L << ((homeMerchantIndex * 0x9E3779B9) >>> 27);
    }

    long distinctRecruiters(final int index)
    {
        final long sets = rows[index * STRIDE + RECRUITERS];
        return Long.bitCount((sets | (sets >>> 32)) & 0xFFFF_FFFFL);
    }

    long share(final int index, final int shift)
    {
        return (rows[index * STRIDE + SHARES] >>> shift) & 0xFFFF;
    }

    /** Its payers' usual payments per merchant (x16): see {@link #REGISTERED_MS}. */
    long payerRepeatX16(final int index)
    {
        return (rows[index * STRIDE + REGISTERED_MS] >>> PAYER_REPEAT) >>> 6;
    }

    /** An approved payment by a consumer with {@code repeatX16} payments per merchant ever paid (before this one). */
    void recordPayerRepeat(final int index, final long repeatX16)
    {
        final int at = index * STRIDE + REGISTERED_MS;
        final long average = rows[at] >>> PAYER_REPEAT;
        final long target = Math.min(Math.max(repeatX16, 0), REPEAT_CAP_X16) << 6;
        final long next = average + ((target - average) >> 5);
        rows[at] = (rows[at] & TIME_MASK) | (next << PAYER_REPEAT);
    }

    /** Share (x1024) of its payments by home avoiders (see {@link #TRADE_AREA}). */
    long avoidersShare(final int index)
    {
        return (rows[index * STRIDE + TRADE_AREA] >>> SHARE_AVOIDERS) & 0xFFFF;
    }

    void recordAvoider(final int index, final boolean avoider)
    {
        final int at = index * STRIDE + TRADE_AREA;
        rows[at] = ewma(rows[at], SHARE_AVOIDERS, avoider, 5);
    }

    void recordShares(final int index, final boolean narrow, final boolean young, final boolean otherArea,
        final boolean local)
    {
        long shares = rows[index * STRIDE + SHARES];
        shares = ewma(shares, SHARE_NARROW, narrow);
        shares = ewma(shares, SHARE_YOUNG, young);
        shares = ewma(shares, SHARE_OTHER_AREA, otherArea);
        shares = ewma(shares, SHARE_LOCALS, local);
        rows[index * STRIDE + SHARES] = shares;
    }

    private static long ewma(final long shares, final int shift, final boolean hit)
    {
        return ewma(shares, shift, hit, 5);
    }

    /** A 16-bit EWMA share (x1024) at {@code shift} moved towards 1024 or 0 by 2^-alphaShift. */
    static long ewma(final long shares, final int shift, final boolean hit, final int alphaShift)
    {
        final long share = (shares >>> shift) & 0xFFFF;
        final long next = share + (((hit ? 1024 : 0) - share) >> alphaShift);
        return (shares & ~(0xFFFFL << shift)) | (next << shift);
    }

    long share2(final int index, final int shift)
    {
        return (rows[index * STRIDE + SHARES_2] >>> shift) & 0xFFFF;
    }

    void recordShare2(final int index, final int shift, final boolean hit, final int alphaShift)
    {
        final int at = index * STRIDE + SHARES_2;
        rows[at] = ewma(rows[at], shift, hit, alphaShift);
    }

    /** The wallet share (per mille) its new customers spent here lately: see {@link #NEW_PAYER_WALLET}. */
    long newPayerWalletPerMille(final int index)
    {
        return (rows[index * STRIDE + NEW_PAYER_WALLET] & 0xFFFF) >>> 6;
    }

    /** An approved payment by a consumer new to this shop took {@code walletPerMille} of its wallet. */
    void recordNewPayerWallet(final int index, final long walletPerMille)
    {
        final int at = index * STRIDE + NEW_PAYER_WALLET;
        final long average = rows[at] & 0xFFFF;
        final long target = Math.min(Math.max(walletPerMille, 0), NEW_PAYER_WALLET_CAP_PERMILLE) << 6;
        rows[at] = (rows[at] & ~0xFFFFL) | (average + ((target - average) >> 4));
    }

    long amount(final int index)
    {
        return rows[index * STRIDE + AMOUNT];
    }

    /** The spread of its tickets: mean absolute deviation of log16 amounts x16; NO_HISTORY before a payment. */
    long amountSpreadX16(final int index)
    {
        final long packed = rows[index * STRIDE + AMOUNT];
        return AmountStats.count(packed) == 0 ? AmountStats.NO_HISTORY : AmountStats.deviationX16(packed);
    }

    long hourSharePerMille(final int index, final int hour)
    {
        return HourProfile.sharePerMille(rows, index * STRIDE + HOURS, hour);
    }

    void recordPayment(final int index, final int consumerIndex, final int homeMerchantIndex, final long amountFen,
        final long log16, final int hour)
    {
        final int base = index * STRIDE;
        rows[base + AMOUNT] = AmountStats.add(rows[base + AMOUNT], log16);
        HourProfile.add(rows, base + HOURS, hour);
        rows[base + CONSUMERS] |= consumerBit(consumerIndex);
        long counts = PackedRing.addAt(rows[base + COUNTS], 0, 1, 16);
        if (homeMerchantIndex >= 0 && homeMerchantIndex != index)
        {
            counts = PackedRing.addAt(counts, 32, amountFen / 100, 16);
            rows[base + RECRUITERS] |= recruiterBit(homeMerchantIndex);
        }
        rows[base + COUNTS] = counts;
    }

    void writeTo(final SnapshotWriter writer, final int count)
    {
        writer.writeLongs(rows, count * STRIDE);
    }

    void readFrom(final SnapshotReader reader, final int count)
    {
        ensure(count);
        if (reader.readLongs(rows) != count * STRIDE)
        {
            throw new IllegalStateException("merchant profile rows do not match the merchant count " + count);
        }
    }

    long hash(final long seed, final int count)
    {
        return StateHash.foldRows(seed, rows, count, STRIDE);
    }
}
