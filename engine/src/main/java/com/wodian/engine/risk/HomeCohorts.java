package com.wodian.engine.risk;

import com.wodian.engine.table.Growth;
import com.wodian.engine.table.SnapshotReader;
import com.wodian.engine.table.SnapshotWriter;
import com.wodian.engine.table.StateHash;

/**
 * A ring signal that does not depend on how fast a ring pays: how much more often than chance the accounts one home
 * shop brought in found their way to this shop (feature 73, {@link RiskFeatures#HOME_COHORT_LIFT}). Counted are
 * <em>new</em> consumer–shop pairs (a consumer's first approved payment at a shop, by the consumer's hashed set of
 * merchants ever paid): per (home shop, shop) in a one-hash table of 16-bit counters, per home shop (its recruits'
 * new pairs anywhere), per shop (its new customers from anywhere), and in total. The lift is the pair's count against
 * what the two margins predict, n(H,M) x N / (n(H,.) x n(.,M)), the pointwise mutual information of the (home shop,
 * shop) table without the logarithm. An alliance cluster's or a brushing agent's accounts share their home shops and
 * all go to the same few shops, so those pairs stand far above their margins however slowly the accounts pay (a new
 * pair is counted once, not per payment); honest recruits of a shop spread over their own regular shops, and their
 * home district's shops stand only as far above chance as a district does.
 *
 * <p>Every counter decays by halving per week since it was last written (lazily: a read does not change it), so the
 * table follows the recent months, not the platform's whole history. A pair counter holds a count (bits 0..7,
 * saturating at 255) and the week it was written (bits 8..15, the input time's week modulo 256), like
 * {@link HomeRoutes}; the margins hold a count (bits 0..23, saturating) and the week (bits 24..31); the total a count
 * (bits 0..47) and the week (bits 48..55). A pair counter may be shared by several pairs (one hash, no key): a
 * shared counter reads higher, never lower. Sized at one counter per two slots of the pair table (riskPairsMax / 2,
 * at least 2^12: 1 MB for the default 2^20), plus one long per registered merchant (its two margins: as a home shop in
 * the upper 32 bits, as a shop in the lower 32), grown with the merchants.
 */
final class HomeCohorts
{
    static final int PAIR_CAP = 255;
    static final int MARGIN_CAP = (1 << 24) - 1;
    /** The lift is reported x16 and capped here (a pair 256 times above chance). */
    static final long LIFT_CAP_X16 = 4095;
    private final int countersLog2;
    private final long[] pairWords;
    private final int merchantsMax;
    private long[] margins;
    private long total;

    HomeCohorts(final int pairsMax, final int merchantsMax)
    {
        countersLog2 = Math.max(12, 64 - Long.numberOfLeadingZeros(Math.max(1L, (long)pairsMax / 2 - 1)));
        pairWords = new long[1 << (countersLog2 - 2)];
        this.merchantsMax = merchantsMax;
        margins = new long[Growth.initialRows(merchantsMax)];
    }

    /** Makes room for the margins of {@code count} merchants (they start at zero). */
    void ensure(final int count)
    {
        margins = Growth.ensureRows(margins, count, 1, merchantsMax);
    }

    private long homeMargin(final int home, final long nowMs)
    {
        return margin((int)(margins[home] >>> 32), nowMs);
    }

    private long shopMargin(final int merchant, final long nowMs)
    {
        return margin((int)margins[merchant], nowMs);
    }

    private int counter(final int home, final int merchant)
    {
        final long key = StateHash.fmix(((long)home << 32) | (merchant & 0xFFFF_FFFFL)) + 0x5DEECE66DL;
        return (int)(StateHash.fmix(key) >>> (64 - countersLog2));
    }

    private static long week(final long nowMs)
    {
        return (nowMs / HomeRoutes.WEEK_MS) & 0xFF;
    }

    private static long halved(final long count, final long writtenWeek, final long nowMs)
    {
        final long age = (week(nowMs) - writtenWeek) & 0xFF;
        return age >= 32 ? 0 : count >>> age;
    }

    private long pair(final int home, final int merchant, final long nowMs)
    {
        final int counter = counter(home, merchant);
        final long value = (pairWords[counter >>> 2] >>> ((counter & 3) << 4)) & 0xFFFF;
        return halved(value & 0xFF, value >>> 8, nowMs);
    }

    private static long margin(final int value, final long nowMs)
    {
        return halved(value & MARGIN_CAP, (value >>> 24) & 0xFF, nowMs);
    }

    private static int addToMargin(final int value, final long nowMs)
    {
        return (int)(week(nowMs) << 24 | Math.min(MARGIN_CAP, margin(value, nowMs) + 1));
    }

    private long total(final long nowMs)
    {
        return halved(total & ((1L << 48) - 1), total >>> 48, nowMs);
    }

    /**
     * The lift x16 of (home shop, shop) (capped at {@link #LIFT_CAP_X16}); -1 without a home shop. {@code paidBefore}:
     * the consumer has (probably) paid this shop already, so one of the pair's new pairs is its own and is left out.
     */
    long liftX16(final int home, final int merchant, final boolean paidBefore, final long nowMs)
    {
        if (home < 0)
        {
            return -1;
        }
        final long pair = Math.max(0, pair(home, merchant, nowMs) - (paidBefore ? 1 : 0));
        if (pair == 0)
        {
            return 0;
        }
        final long expected = (homeMargin(home, nowMs) + 1) * (shopMargin(merchant, nowMs) + 1);
        return Math.min(LIFT_CAP_X16, pair * total(nowMs) * 16 / expected);
    }

    /** Loads what {@link #liftX16} and {@link #addNewPair} read: the pair's word and both margins; changes nothing. */
    long touch(final int home, final int merchant)
    {
        return home < 0 ? 0 : pairWords[counter(home, merchant) >>> 2] ^ margins[home] ^ margins[merchant];
    }

    /** An approved payment made a new consumer–shop pair ({@code home} -1: the consumer has no home shop). */
    void addNewPair(final int home, final int merchant, final long nowMs)
    {
        total = week(nowMs) << 48 | Math.min((1L << 48) - 1, total(nowMs) + 1);
        final long shop = margins[merchant];
        margins[merchant] = (shop & 0xFFFF_FFFF_0000_0000L) | (addToMargin((int)shop, nowMs) & 0xFFFF_FFFFL);
        if (home < 0)
        {
            return;
        }
        final long asHome = margins[home];
        margins[home] = (long)addToMargin((int)(asHome >>> 32), nowMs) << 32 | (asHome & 0xFFFF_FFFFL);
        final int counter = counter(home, merchant);
        final int shift = (counter & 3) << 4;
        final int at = counter >>> 2;
        final long value = (pairWords[at] >>> shift) & 0xFFFF;
        final long count = Math.min(PAIR_CAP, halved(value & 0xFF, value >>> 8, nowMs) + 1);
        pairWords[at] = (pairWords[at] & ~(0xFFFFL << shift)) | ((week(nowMs) << 8 | count) << shift);
    }

    /** The total, the margins of the registered merchants, then the non-empty pair words with their positions. */
    void writeTo(final SnapshotWriter writer, final int merchantCount)
    {
        writer.writeLong(total);
        for (int i = 0; i < merchantCount; i++)
        {
            writer.writeLong(margins[i]);
        }
        SparseWords.write(writer, pairWords);
    }

    void readFrom(final SnapshotReader reader, final int merchantCount)
    {
        java.util.Arrays.fill(margins, 0);
        ensure(merchantCount);
        total = reader.readLong();
        for (int i = 0; i < merchantCount; i++)
        {
            margins[i] = reader.readLong();
        }
        SparseWords.read(reader, pairWords, "home-cohort");
    }

    /** Folds the total, the registered merchants' margins and the non-empty pair words with their positions. */
    long hash(final long seed, final int merchantCount)
    {
        long hash = StateHash.fold(StateHash.fold(seed, pairWords.length), total);
        for (int i = 0; i < merchantCount; i++)
        {
            hash = StateHash.fold(hash, margins[i]);
        }
        return SparseWords.fold(hash, pairWords);
    }
}
