package com.wodian.engine.table;

/**
 * 64-bit mixing used for the engine's state hash (hash version {@link #VERSION}). Sequential parts (books indexed by
 * registration order) are folded in order; keyed records are combined by addition of their finished row hashes so that
 * the hash does not depend on hash-table layout, which a restore from a snapshot may lay out differently.
 *
 * <p>Version 2 (snapshot format 8): one {@link #fold} step is a multiply, a rotate and an add (~5 cycles of dependent
 * latency, was two Murmur finalisers, ~15), and the big tables ({@link #foldRange}) are folded in four independent
 * lanes, so a pass over the state runs at memory speed rather than at the latency of one long dependency chain. Each
 * step is a bijection of the running hash for a given value and of the value for a given hash, so a state that differs
 * from another in any one long always hashes differently; {@link #finish} avalanches the result.
 */
public final class StateHash
{
    /** Changes whenever the hash of a given state changes; snapshots record the format that goes with it. */
    public static final int VERSION = 2;

    private static final long MULTIPLIER = 0x9E3779B97F4A7C15L;
    private static final long INCREMENT = 0xD6E8FEB86659FD93L;
    private static final int ROTATION = 29;
    private static final long LANE_1 = 0x632BE59BD9B4E019L;
    private static final long LANE_2 = 0x85157AF5D2C0A7B3L;
    private static final long LANE_3 = 0xC2B2AE3D27D4EB4FL;
    /** Values per lane block: the lanes take consecutive values in turn. */
    private static final int LANES = 4;

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

    /** The last step of a hash that is summed or reported: avalanches a chain of {@link #fold}s. */
    public static long finish(final long hash)
    {
        return fmix(hash);
    }

    /** Order-dependent fold of one more value into a running hash: a bijection in either argument. */
    public static long fold(final long hash, final long value)
    {
        return Long.rotateLeft((hash ^ value) * MULTIPLIER, ROTATION) + INCREMENT;
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
        final int end = from + count * stride;
        return foldRange(fold(seed, count), rows, rows, from, end, end);
    }

    /**
     * As {@link #foldRows(long, long[], int, int, int)} for a table whose rows are a part of wider rows: folds, exactly
     * as if they were one table of {@code count} rows of {@code stride} values, the values {@code rows[from + r *
     * rowLongs + offset]} to {@code rows[from + r * rowLongs + offset + stride - 1]} of rows r = 0..count-1. Two books
     * that share one cache line per party (the risk package's terminal rows) hash as they did in arrays of their own.
     */
    public static long foldRowFields(final long seed, final long[] rows, final int from, final int count,
        final int rowLongs, final int offset, final int stride)
    {
        final long start = fold(seed, count);
        long a0 = start;
        long a1 = start ^ LANE_1;
        long a2 = start ^ LANE_2;
        long a3 = start ^ LANE_3;
        int position = 0;
        for (int row = 0; row < count; row++)
        {
            final int at = from + row * rowLongs + offset;
            for (int field = 0; field < stride; field++, position++)
            {
                final long value = rows[at + field];
                switch (position & (LANES - 1))
                {
                    case 0 -> a0 = fold(a0, value);
                    case 1 -> a1 = fold(a1, value);
                    case 2 -> a2 = fold(a2, value);
                    default -> a3 = fold(a3, value);
                }
            }
        }
        return fold(fold(fold(fold(start, finish(a0)), finish(a1)), finish(a2)), finish(a3));
    }

    /**
     * Folds the values at positions {@code from} (inclusive) to {@code end} (exclusive) of a table that is being moved
     * from one array to a larger one: positions below {@code split} are read from {@code below}, the others from
     * {@code above}. The result depends only on the values, never on {@code split} (pass {@code split == end} and the
     * same array twice for a table in one array).
     *
     * <p>Four lanes take consecutive values in turn (lane = (position - from) mod 4), each a chain of {@link #fold}s
     * from its own start; the four lane values are then folded, finished, into the seed.
     */
    public static long foldRange(final long seed, final long[] below, final long[] above, final int from,
        final int split, final int end)
    {
        long a0 = seed;
        long a1 = seed ^ LANE_1;
        long a2 = seed ^ LANE_2;
        long a3 = seed ^ LANE_3;
        int i = from;
        while (i < end)
        {
            if (((i - from) & (LANES - 1)) == 0 && i + LANES <= end && (i + LANES <= split || i >= split))
            {
                final long[] rows = i < split ? below : above;
                final int blockEnd = i >= split ? end - LANES : Math.min(split, end) - LANES;
                for (; i <= blockEnd; i += LANES)
                {
                    a0 = fold(a0, rows[i]);
                    a1 = fold(a1, rows[i + 1]);
                    a2 = fold(a2, rows[i + 2]);
                    a3 = fold(a3, rows[i + 3]);
                }
                continue;
            }
            // Values around a split and the last few at the end, one at a time, each to its lane.
            final long value = i < split ? below[i] : above[i];
            switch ((i - from) & (LANES - 1))
            {
                case 0 -> a0 = fold(a0, value);
                case 1 -> a1 = fold(a1, value);
                case 2 -> a2 = fold(a2, value);
                default -> a3 = fold(a3, value);
            }
            i++;
        }
        return fold(fold(fold(fold(seed, finish(a0)), finish(a1)), finish(a2)), finish(a3));
    }
}
