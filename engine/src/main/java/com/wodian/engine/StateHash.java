package com.wodian.engine;

/**
 * 64-bit mixing used for the engine's state hash. Sequential parts (books indexed by registration order) are folded
 * in order; keyed records are combined by addition so that the hash does not depend on hash-table layout, which a
 * restore from a snapshot may lay out differently.
 */
public final class StateHash
{
    private StateHash()
    {
    }

    /** Murmur3's 64-bit finaliser: every input bit affects every output bit. */
    public static long fmix(final long value)
    {
        long k = value;
        k ^= k >>> 33;
        k *= 0xff51afd7ed558ccdL;
        k ^= k >>> 33;
        k *= 0xc4ceb9fe1a85ec53L;
        k ^= k >>> 33;
        return k;
    }

    /** Order-dependent fold of one more value into a running hash. */
    public static long fold(final long hash, final long value)
    {
        return fmix(hash * 31 + fmix(value));
    }

    /** Folds the count and the first {@code count * stride} values of a row-major table, in order. */
    public static long foldRows(final long seed, final long[] rows, final int count, final int stride)
    {
        return foldRows(seed, rows, 0, count, stride);
    }

    /**
     * As {@link #foldRows(long, long[], int, int)} for a table whose row 0 starts at {@code from} (after a padding that
     * aligns rows to cache lines): folds the {@code count * stride} values from there, not the padding.
     */
    public static long foldRows(final long seed, final long[] rows, final int from, final int count, final int stride)
    {
        long hash = fold(seed, count);
        final int end = from + count * stride;
        for (int i = from; i < end; i++)
        {
            hash = fold(hash, rows[i]);
        }
        return hash;
    }
}
