package com.wodian.engine.table;

/**
 * Parties in registration order: one row of {@code stride} longs each in a single array (the id in field 0), so a
 * command touches one or two cache lines of a party, and an id-to-index map. Both start small and grow with the
 * parties registered, up to the limit ({@link Growth}). Subclasses name the fields.
 *
 * <p>A growth does not stall the engine thread: the larger array is allocated ahead of need ({@link ArrayPreparer}),
 * and the rows move to it {@link #STEP_LONGS} longs per registration and per command ({@link #step()}); until they
 * have, rows below {@code oldRowsBelow} are read and written in the old array ({@link #rowsOf(int)}).
 */
public abstract class RowBook
{
    public static final int ID = 0;

    /** Longs of rows moved per step (8 KiB). */
    public static final int STEP_LONGS = 1024;

    private final IdIndex indexById;
    private long[] rows;
    // While the rows move to a larger array after a growth: rows below oldRowsBelow are still in oldRows.
    private long[] oldRows;
    private int oldRowsBelow;
    private ArrayPreparer.Prepared nextRows;
    private final int stride;
    // Longs at the start of each row that are state (written, restored, hashed); the rest of a row (up to stride) is
    // an index derived from other books, rebuilt on restore (ConsumerBook's spend-pair line).
    private final int stateLongs;
    // Longs before row 0: a padding that puts rows on cache-line boundaries (see ConsumerBook).
    private final int pad;
    private final int capacity;
    private int count;

    protected RowBook(final int capacity, final int stride, final boolean reserve)
    {
        this(capacity, stride, 0, reserve);
    }

    protected RowBook(final int capacity, final int stride, final int pad, final boolean reserve)
    {
        this(capacity, stride, pad, stride, reserve);
    }

    /** A book whose rows end in {@code stride - stateLongs} longs that are not state (see {@link #hash}). */
    protected RowBook(final int capacity, final int stride, final int pad, final int stateLongs, final boolean reserve)
    {
        this.capacity = capacity;
        this.stride = stride;
        this.stateLongs = stateLongs;
        this.pad = pad;
        this.indexById = new IdIndex(Growth.initialRows(capacity, reserve), capacity);
        this.rows = new long[pad + Growth.initialRows(capacity, reserve) * stride];
    }

    /**
     * The array that holds row {@code index} (the old one while that row has not moved yet after a growth). Protected,
     * as are the writes below: a row is written only through the named writers of its book (a balance only with the
     * ledger's key: docs/engine.md, "One owner per concern").
     */
    protected final long[] rowsOf(final int index)
    {
        return index < oldRowsBelow ? oldRows : rows;
    }

    /** Slots for an id map holding {@code capacity} entries below its 0.65 load factor. */
    public static int tableSize(final int capacity)
    {
        return (int)Math.min(1L << 30, (long)(capacity / 0.6) + 16);
    }

    /** @return the index of the id, or -1 when unknown. */
    public final int indexOf(final long id)
    {
        return indexById.get(id);
    }

    /**
     * The index of the id, or -1, given a guess: {@code hint} when that row holds the id (the row the caller reads
     * next anyway), else the id map's answer. The map and the rows agree (a row below the count that holds an id is
     * the row the map gives for it), so the answer is the map's whatever the hint (-1: no guess).
     */
    public final int indexOf(final long id, final int hint)
    {
        return hint >= 0 && hint < count && rowsOf(hint)[pad + hint * stride + ID] == id ? hint : indexById.get(id);
    }

    public final boolean isFull()
    {
        return count == capacity;
    }

    public final int count()
    {
        return count;
    }

    /** Appends a row for a new id (the caller checked {@link #isFull()} and that the id is new). */
    protected final int addRow(final long id)
    {
        final int index = count++;
        final int rowsHeld = (rows.length - pad) / stride;
        if (count > rowsHeld)
        {
            grow(rowsHeld);
        }
        else if (count == Growth.prepareAt(rowsHeld) && rowsHeld < capacity)
        {
            nextRows = ArrayPreparer.longs(pad + Growth.grownLength(rowsHeld, rowsHeld + 1, capacity) * stride);
        }
        rows[pad + index * stride + ID] = id;
        indexById.put(id, index);
        step();
        return index;
    }

    /**
     * Gives row {@code index} a new id (the row is reused for another party: a voucher slot after its voucher ended);
     * the old id leaves the id map. The caller writes the row's other fields.
     */
    protected final void replaceId(final int index, final long newId)
    {
        indexById.replace(get(index, ID), newId, index);
        set(index, ID, newId);
    }

    /**
     * Grows the rows and the id map now, each in one copy, to hold {@code moreRows} rows beyond those held (capped at
     * the limit), to the sizes that growth by doublings would reach for them, instead of by doublings (and their copies
     * in steps) while the rows are added: for a full replay ({@code Engine.reserveConsumersFor}). Changes where rows
     * and id-map entries sit, never what they hold.
     */
    public final void reserveFor(final int moreRows)
    {
        finishMoving();
        final int rowsHeld = (rows.length - pad) / stride;
        final int rowsWanted = (int)Math.min(capacity, (long)count + moreRows);
        if (rowsWanted > rowsHeld)
        {
            rows = java.util.Arrays.copyOf(rows, pad + Growth.grownLength(rowsHeld, rowsWanted, capacity) * stride);
            nextRows = null;
        }
        indexById.reserveFor(rowsWanted);
    }

    /** Rows the book has room for now (at most the limit): how far it has grown. */
    public final int rowsHeld()
    {
        return (rows.length - pad) / stride;
    }

    private void grow(final int rowsHeld)
    {
        finishMoving();
        oldRows = rows;
        oldRowsBelow = rowsHeld;
        rows = ArrayPreparer.takeLongs(nextRows, pad + Growth.grownLength(rowsHeld, count, capacity) * stride);
        nextRows = null;
    }

    /**
     * Moves a bounded part of a growth's rows (and of the id map's growth) to the new arrays; per registration and
     * per command. @return true while something is left to move.
     */
    public final boolean step()
    {
        boolean left = indexById.step();
        if (oldRowsBelow > 0)
        {
            final int from = Math.max(0, oldRowsBelow - Math.max(1, STEP_LONGS / stride));
            System.arraycopy(oldRows, pad + from * stride, rows, pad + from * stride, (oldRowsBelow - from) * stride);
            oldRowsBelow = from;
            if (from == 0)
            {
                oldRows = null;
            }
            left |= from > 0;
        }
        return left;
    }

    public final boolean moving()
    {
        return oldRowsBelow > 0 || indexById.moving();
    }

    public final void finishMoving()
    {
        while (step())
        {
            // bounded: each step moves rows or slots, or ends the moving
        }
    }

    /** Stage 1 of the batch prefetch: loads the id map's home line of {@code id} (see {@code BatchPrefetcher}). */
    public final long touchIdSlot(final long id)
    {
        return indexById.touchHome(id);
    }

    /**
     * Loads the cache lines that the first {@code lines} x 8 longs of row {@code index} span (the whole row when it
     * has fewer), changing nothing; returns a value folded from the loads so that the JIT keeps them. Used by the
     * batch prefetch. See {@link #touchFields}.
     */
    public final long touchRow(final int index, final int lines)
    {
        return touchFields(index, Math.min(stride, lines * 8));
    }

    /**
     * Loads every cache line that longs {@code 0 .. fields - 1} of row {@code index} span, changing nothing. A row
     * need not start on a line (a long[]'s elements start 16 bytes into it and only the consumer book pads its rows
     * onto lines), so a row of 8 longs can span two lines and one of 32 five: one load every 8 longs and one of the
     * last long reach each of them. (Before, the loads were 8 longs apart from the row's start only: a terminal's
     * flags, on the next line for half the terminals, took 6% of a staged Pay's apply samples, and a merchant's last
     * two longs, spend since the last distribution and its epoch, which every sale reads, were never loaded.)
     */
    public final long touchFields(final int index, final int fields)
    {
        return touchFields(index, 0, fields);
    }

    /** As {@link #touchFields(int, int)} for longs {@code from .. to - 1} of the row (a part the command reads). */
    public final long touchFields(final int index, final int from, final int to)
    {
        final long[] rows = rowsOf(index);
        final int base = pad + index * stride;
        long folded = rows[base + to - 1];
        for (int field = from; field < to; field += 8)
        {
            folded ^= rows[base + field];
        }
        return folded;
    }

    public final long get(final int index, final int field)
    {
        return rowsOf(index)[pad + index * stride + field];
    }

    protected final void set(final int index, final int field, final long value)
    {
        rowsOf(index)[pad + index * stride + field] = value;
    }

    protected final void add(final int index, final int field, final long delta)
    {
        rowsOf(index)[pad + index * stride + field] += delta;
    }

    public final boolean hasFlag(final int index, final int flagsField, final long flag)
    {
        return (rowsOf(index)[pad + index * stride + flagsField] & flag) != 0;
    }

    protected final void setFlag(final int index, final int flagsField, final long flag, final boolean on)
    {
        final long[] rows = rowsOf(index);
        final int at = pad + index * stride + flagsField;
        rows[at] = on ? rows[at] | flag : rows[at] & ~flag;
    }

    /** The count and the rows (a book with more state overrides this and frames its rows with {@link #writeRowsTo}). */
    public void writeTo(final SnapshotWriter writer)
    {
        writer.writeLong(count);
        writeRowsTo(writer);
    }

    /** The rows as {@link #writeTo} writes them after the count, for a book that frames its count with other fields. */
    public final void writeRowsTo(final SnapshotWriter writer)
    {
        finishMoving();
        if (pad == 0)
        {
            writer.writeLongs(rows, count * stride);
            return;
        }
        // Framed as writeLongs would frame the rows without the padding (padding is layout, not state), and without
        // the longs past stateLongs (an index, rebuilt on restore): the bytes of rows of stateLongs longs.
        writer.writeLong((long)count * stateLongs);
        if (stateLongs == stride)
        {
            writer.writeValues(rows, pad, count * stride);
            return;
        }
        for (int i = 0; i < count; i++)
        {
            writer.writeValues(rows, pad + i * stride, stateLongs);
        }
    }

    /** Restores rows written by {@link #writeTo}; the id map is rebuilt from them. */
    public void readFrom(final SnapshotReader reader)
    {
        readRowsFrom(reader, reader.readLong());
    }

    /** Restores {@code rowCount} rows written by {@link #writeRowsTo}; the id map is rebuilt from them. */
    public final void readRowsFrom(final SnapshotReader reader, final long rowCount)
    {
        readRowsLeavingIdMap(reader, rowCount);
        rebuildIdMap(rows, count);
    }

    /**
     * As {@link #readFrom}, but the id map is left empty, sized for the rows, and rebuilt by the returned task, which
     * the caller runs once, on any one thread, before the book is used or hashed: the snapshot load runs it beside the
     * rest of the load ({@code EngineState.read}). It reads only the rows' ids; the map it builds is the one
     * {@link #readFrom} builds (same ids, same order).
     */
    public final Runnable readFromLeavingIdMap(final SnapshotReader reader)
    {
        readRowsLeavingIdMap(reader, reader.readLong());
        final long[] rowsRead = rows;
        final int rowsCount = count;
        return () -> rebuildIdMap(rowsRead, rowsCount);
    }

    private void readRowsLeavingIdMap(final SnapshotReader reader, final long rowCount)
    {
        finishMoving();
        if (rowCount < 0 || rowCount > capacity)
        {
            throw new IllegalStateException("snapshot row count " + rowCount + " over the limit " + capacity);
        }
        count = (int)rowCount;
        rows = Growth.ensureRows(rows, pad, count, stride, capacity);
        if (pad == 0 ? reader.readLongs(rows) != count * stride : !readPadded(reader))
        {
            throw new IllegalStateException("snapshot rows do not match the count " + count);
        }
        indexById.clearFor(count);
    }

    /** Puts the ids of rows 0 to {@code rowsCount} in the id map, emptied and sized for them. */
    private void rebuildIdMap(final long[] rowsRead, final int rowsCount)
    {
        for (int i = 0; i < rowsCount; i++)
        {
            indexById.stage(rowsRead[pad + i * stride + ID], i);
        }
        indexById.flushStaged();
    }

    private boolean readPadded(final SnapshotReader reader)
    {
        if (reader.readLong() != (long)count * stateLongs)
        {
            return false;
        }
        if (stateLongs == stride)
        {
            reader.readValues(rows, pad, count * stride);
            return true;
        }
        for (int i = 0; i < count; i++)
        {
            final int base = pad + i * stride;
            reader.readValues(rows, base, stateLongs);
            java.util.Arrays.fill(rows, base + stateLongs, base + stride, 0);
        }
        return true;
    }

    /**
     * The count and every row's longs in order, from row 0 (after the padding: padding is layout, not state), folded
     * in lanes ({@link StateHash#foldRange}); the same value whether or not rows are still moving after a growth.
     */
    public long hash(final long seed)
    {
        if (stateLongs < stride)
        {
            // The state longs of each row, folded as one table of rows of stateLongs longs (the hash of a book without
            // the index part). Folding one array is simpler than two: the moving is finished first (layout only).
            finishMoving();
            return StateHash.foldRowFields(seed, rows, pad, count, stride, 0, stateLongs);
        }
        if (oldRowsBelow == 0)
        {
            return StateHash.foldRows(seed, rows, pad, count, stride);
        }
        // As foldRows over the one array the rows will be in once moved (positions below split are still in the old).
        final int end = pad + count * stride;
        return StateHash.foldRange(StateHash.fold(seed, count), oldRows, rows, pad,
            Math.min(end, pad + oldRowsBelow * stride), end);
    }
}
