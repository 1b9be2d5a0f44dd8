package com.wodian.engine.risk;

import com.wodian.engine.table.SnapshotReader;
import com.wodian.engine.table.SnapshotWriter;
import com.wodian.engine.table.StateHash;

/**
 * A ring signal: how often accounts brought in by one home shop went from one shop to the next, per (home shop,
 * previous shop, this shop), as a one-hash table of 16-bit counters of fixed size. The accounts of an alliance
 * cluster or a brushing agent share a home shop and walk the same few shops again and again, so the route of their
 * payments is worn; honest recruits of a shop spread over their own regular shops, and a route of theirs is rarely
 * walked by another recruit of the same shop.
 *
 * <p>A counter holds a count (bits 0..7, saturating at 255) and the week it was last written (bits 8..15, the input
 * time's week number modulo 256); a count halves for every week since it was written (read lazily: the stored value
 * is not changed by a read). A counter may be shared by several routes (one hash, no key): a shared counter reads
 * higher, never lower. Sized at two counters per slot of the pair table (riskPairsMax, at least 2^12): 4 MB for the
 * default 2^20. A counter untouched for 256 weeks or more can read as if younger (the week wraps).
 */
final class HomeRoutes
{
    static final long WEEK_MS = 7 * 86_400_000L;
    static final int COUNT_CAP = 255;
    private final int countersLog2;
    private final long[] words;

    HomeRoutes(final int pairsMax)
    {
        countersLog2 = Math.max(12, 64 - Long.numberOfLeadingZeros(Math.max(1L, (long)pairsMax * 2 - 1)));
        words = new long[1 << (countersLog2 - 2)];
    }

    private int counter(final int home, final int previous, final int merchant)
    {
        final long key = StateHash.fmix(((long)home << 32) | (previous & 0xFFFF_FFFFL)) + merchant;
        return (int)(StateHash.fmix(key) >>> (64 - countersLog2));
    }

    private static long week(final long nowMs)
    {
        return (nowMs / WEEK_MS) & 0xFF;
    }

    private static long decayed(final long value, final long nowMs)
    {
        final long age = (week(nowMs) - (value >>> 8)) & 0xFF;
        return age >= 8 ? 0 : (value & 0xFF) >>> age;
    }

    /**
     * The route's count now (halved per week since last written); -1 when there is no home shop or no previous shop.
     */
    long count(final int home, final int previous, final int merchant, final long nowMs)
    {
        if (home < 0 || previous < 0)
        {
            return -1;
        }
        final int counter = counter(home, previous, merchant);
        return decayed((words[counter >>> 2] >>> ((counter & 3) << 4)) & 0xFFFF, nowMs);
    }

    /** Loads the route's counter word (as {@link #count} reads it); changes nothing. */
    long touch(final int home, final int previous, final int merchant)
    {
        return home < 0 || previous < 0 ? 0 : words[counter(home, previous, merchant) >>> 2];
    }

    /** An approved payment went along the route. */
    void add(final int home, final int previous, final int merchant, final long nowMs)
    {
        if (home < 0 || previous < 0)
        {
            return;
        }
        final int counter = counter(home, previous, merchant);
        final int shift = (counter & 3) << 4;
        final int at = counter >>> 2;
        final long count = Math.min(COUNT_CAP, decayed((words[at] >>> shift) & 0xFFFF, nowMs) + 1);
        words[at] = (words[at] & ~(0xFFFFL << shift)) | ((week(nowMs) << 8 | count) << shift);
    }

    /** The non-empty words with their positions, so the snapshot follows the routes walked, not the table's size. */
    void writeTo(final SnapshotWriter writer)
    {
        SparseWords.write(writer, words);
    }

    void readFrom(final SnapshotReader reader)
    {
        SparseWords.read(reader, words, "home-routes");
    }

    /** Folds the non-empty words with their positions. */
    long hash(final long seed)
    {
        return SparseWords.fold(StateHash.fold(seed, words.length), words);
    }
}
