package com.wodian.engine;

/**
 * Rows of {@code stride} longs kept in pages of a fixed number of rows (at most {@link #PAGE_BYTES} each), allocated
 * when first needed: row {@code r} is in page {@code r >>> pageShift} at {@link #at(int)}. A table grows by adding a
 * page, so a row never moves and growth never copies what is stored (the first page alone starts small and doubles
 * until it is a whole page, so that a small engine stays small). The page directory is sized for the limit at start
 * (a few hundred references). With {@code reserve} every page is allocated at start.
 *
 * <p>Each page starts with {@code pad} longs so that rows sit on cache lines: a page is a humongous object for the
 * G1 region sizes, and such an object starts on a region boundary.
 *
 * <p>Snapshots and the state hash see the rows as one table, in row order, as a single array would give them.
 */
final class RowPages
{
    /**
     * Bytes of rows per page (32 MiB): a humongous object in G1 for every region size, so it starts on a region
     * boundary. A humongous object takes whole regions and its header and padding spill into one more, so a page
     * wastes one region: 1/16 of a page with the 2 MiB regions of a 4-6 GiB heap (measured: 2 MiB pages took twice
     * their size in regions, and the extra heap occupancy cost G1 collections).
     */
    static final int PAGE_BYTES = 32 << 20;

    private final int stride;
    private final int pad;
    private final int rowsMax;
    private final int pageShift;
    private final int pageMask;
    private final long[][] pages;
    private int rowsHeld;

    RowPages(final int stride, final int pad, final int rowsMax, final boolean reserve)
    {
        this.stride = stride;
        this.pad = pad;
        this.rowsMax = rowsMax;
        final int pageRows = pageRows(stride);
        this.pageShift = Integer.numberOfTrailingZeros(pageRows);
        this.pageMask = pageRows - 1;
        this.pages = new long[(int)(((long)rowsMax + pageRows - 1) >>> pageShift)][];
        ensure(Growth.initialRows(rowsMax, reserve));
    }

    /** Rows per page for rows of {@code stride} longs: a power of two. */
    static int pageRows(final int stride)
    {
        return Integer.highestOneBit(Math.max(1, PAGE_BYTES / (stride * Long.BYTES)));
    }

    /** The page holding {@code row}. */
    long[] page(final int row)
    {
        return pages[row >>> pageShift];
    }

    /** Where {@code row} starts in its {@link #page(int)}. */
    int at(final int row)
    {
        return pad + (row & pageMask) * stride;
    }

    long get(final int row, final int field)
    {
        return pages[row >>> pageShift][pad + (row & pageMask) * stride + field];
    }

    void set(final int row, final int field, final long value)
    {
        pages[row >>> pageShift][pad + (row & pageMask) * stride + field] = value;
    }

    void add(final int row, final int field, final long delta)
    {
        pages[row >>> pageShift][pad + (row & pageMask) * stride + field] += delta;
    }

    int rowsHeld()
    {
        return rowsHeld;
    }

    /** Makes room for rows {@code 0..rowsNeeded-1} (at most {@code rowsMax}); what is stored stays where it is. */
    void ensure(final int rowsNeeded)
    {
        if (rowsNeeded <= rowsHeld)
        {
            return;
        }
        final int pageRows = pageMask + 1;
        if (rowsHeld < pageRows)
        {
            // The first page doubles (copied: it is small) until it is whole or holds what is needed.
            final int firstRows = Math.min(pageRows, Growth.grownLength(rowsHeld, Math.min(rowsNeeded, pageRows),
                rowsMax));
            pages[0] = null == pages[0] ? new long[pad + firstRows * stride] :
                java.util.Arrays.copyOf(pages[0], pad + firstRows * stride);
            rowsHeld = firstRows;
        }
        while (rowsHeld < rowsNeeded)
        {
            final int rows = Math.min(pageRows, rowsMax - rowsHeld);
            pages[rowsHeld >>> pageShift] = new long[pad + rows * stride];
            rowsHeld += rows;
        }
    }

    /** Writes rows {@code 0..count-1} framed as {@code writeLongs} would frame them from one array. */
    void writeTo(final SnapshotWriter writer, final int count)
    {
        writer.writeLong((long)count * stride);
        writeRows(writer, count);
    }

    /** Writes the longs of rows {@code 0..count-1} in order, unframed. */
    void writeRows(final SnapshotWriter writer, final int count)
    {
        for (int row = 0; row < count; row++)
        {
            final long[] page = page(row);
            final int at = at(row);
            for (int field = 0; field < stride; field++)
            {
                writer.writeLong(page[at + field]);
            }
        }
    }

    /**
     * Reads rows written by {@link #writeTo} (or by {@code writeLongs} from one array) into rows {@code 0..count-1}.
     *
     * @throws IllegalStateException when the stream does not hold {@code count} rows
     */
    void readFrom(final SnapshotReader reader, final int count)
    {
        final long longs = reader.readLong();
        if (longs != (long)count * stride || count > rowsMax)
        {
            throw new IllegalStateException("snapshot rows do not match the count " + count);
        }
        ensure(count);
        readRows(reader, count);
    }

    /** Reads the longs of rows {@code 0..count-1} in order, unframed (the caller made room). */
    void readRows(final SnapshotReader reader, final int count)
    {
        for (int row = 0; row < count; row++)
        {
            final long[] page = page(row);
            final int at = at(row);
            for (int field = 0; field < stride; field++)
            {
                page[at + field] = reader.readLong();
            }
        }
    }

    /** As {@link StateHash#foldRows} over rows {@code 0..count-1} of one array. */
    long foldRows(final long seed, final int count)
    {
        long hash = StateHash.fold(seed, count);
        for (int row = 0; row < count; row++)
        {
            final long[] page = page(row);
            final int at = at(row);
            for (int field = 0; field < stride; field++)
            {
                hash = StateHash.fold(hash, page[at + field]);
            }
        }
        return hash;
    }
}
