package com.wodian.engine.table;

/**
 * How the engine's tables grow: each starts with room for a few rows and doubles when it runs out, never beyond its
 * declared limit, so a fresh engine allocates (and the JVM zeroes) only a little, and the heap follows what is
 * stored rather than the limits. A growth is an allocation and a copy on the engine thread: rare (at most about
 * log2(limit / {@link #INITIAL_ROWS}) times per table in the engine's life, never per command once a table has
 * reached its working size) and bounded. Where a table grows depends only on how many rows it holds, a function of
 * the inputs, so a replay and a standby grow at the same inputs as the live engine.
 */
public final class Growth
{
    /** Rows a table holds before its first growth. */
    public static final int INITIAL_ROWS = 1024;

    private Growth()
    {
    }

    /**
     * The row count at which a table of {@code rowsHeld} rows asks for its next array ({@link ArrayPreparer}): 5/8
     * full, so that the allocation has the last 3/8 of the table's filling to finish off the engine thread, while the
     * heap holds the next array only for that last part.
     */
    public static int prepareAt(final int rowsHeld)
    {
        return (rowsHeld >>> 1) + (rowsHeld >>> 3) + 1;
    }

    /** Rows to allocate at start for a table of at most {@code rowsMax} rows. */
    public static int initialRows(final int rowsMax)
    {
        return Math.min(rowsMax, INITIAL_ROWS);
    }

    /**
     * Rows to allocate at start: all {@code rowsMax} when the engine reserves its tables at start
     * ({@code EngineConfig.reserveTables(boolean)}), else {@link #initialRows(int)}.
     */
    public static int initialRows(final int rowsMax, final boolean reserve)
    {
        return reserve ? rowsMax : initialRows(rowsMax);
    }

    /**
     * The length to grow to: {@code current} doubled until it holds {@code needed}, capped at {@code max}.
     *
     * @throws IllegalStateException when {@code needed} is over {@code max} (a caller checks its limit first)
     */
    public static int grownLength(final int current, final int needed, final int max)
    {
        if (needed > max)
        {
            throw new IllegalStateException("table limit " + max + " is below the " + needed + " needed");
        }
        long length = Math.max(1, current);
        while (length < needed)
        {
            length <<= 1;
        }
        return (int)Math.min(length, max);
    }

    /** {@code rows} itself when it holds {@code rowsNeeded} rows of {@code stride} longs, else a grown copy. */
    public static long[] ensureRows(final long[] rows, final int rowsNeeded, final int stride, final int rowsMax)
    {
        return ensureRows(rows, 0, rowsNeeded, stride, rowsMax);
    }

    /**
     * As {@link #ensureRows(long[], int, int, int)} for an array whose rows start after {@code padLongs} longs (a
     * padding that aligns rows to cache lines).
     */
    public static long[] ensureRows(final long[] rows, final int padLongs, final int rowsNeeded, final int stride,
        final int rowsMax)
    {
        final int rowsHeld = (rows.length - padLongs) / stride;
        if (rowsNeeded <= rowsHeld)
        {
            return rows;
        }
        final int rowsGrown = grownLength(rowsHeld, rowsNeeded, rowsMax);
        return java.util.Arrays.copyOf(rows, padLongs + rowsGrown * stride);
    }

    /** {@code values} itself when it holds {@code needed} values, else a grown copy ({@code fill} in the new part). */
    public static int[] ensure(final int[] values, final int needed, final int max, final int fill)
    {
        if (needed <= values.length)
        {
            return values;
        }
        final int[] grown = java.util.Arrays.copyOf(values, grownLength(values.length, needed, max));
        if (fill != 0)
        {
            java.util.Arrays.fill(grown, values.length, grown.length, fill);
        }
        return grown;
    }

    /** {@code values} itself when it holds {@code needed} values, else a grown copy. */
    public static long[] ensure(final long[] values, final int needed, final int max)
    {
        if (needed <= values.length)
        {
            return values;
        }
        return java.util.Arrays.copyOf(values, grownLength(values.length, needed, max));
    }
}
