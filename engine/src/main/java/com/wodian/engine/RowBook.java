package com.wodian.engine;

import org.agrona.collections.Long2LongHashMap;

/**
 * Parties in registration order: one row of {@code stride} longs each (the id in field 0), in pages that never move
 * ({@link RowPages}), so a command touches one or two cache lines of a party, and an id-to-index map. Both start
 * small and grow with the parties registered, up to the limit ({@link Growth}); growing copies no row. Subclasses
 * name the fields.
 */
public abstract class RowBook
{
    static final int ID = 0;

    private final Long2LongHashMap indexById;
    final RowPages rows;
    private final int stride;
    private final int capacity;
    private int count;

    RowBook(final int capacity, final int stride, final boolean reserve)
    {
        this(capacity, stride, 0, reserve);
    }

    RowBook(final int capacity, final int stride, final int pad, final boolean reserve)
    {
        this.capacity = capacity;
        this.stride = stride;
        this.indexById = new Long2LongHashMap(tableSize(Growth.initialRows(capacity, reserve)), 0.65f, -1);
        // pad: longs before the first row of each page, that put rows on cache-line boundaries (see ConsumerBook).
        this.rows = new RowPages(stride, pad, capacity, reserve);
    }

    /** Slots for an id map holding {@code capacity} entries below its 0.65 load factor. */
    public static int tableSize(final int capacity)
    {
        return (int)Math.min(1L << 30, (long)(capacity / 0.6) + 16);
    }

    /** @return the index of the id, or -1 when unknown. */
    final int indexOf(final long id)
    {
        return (int)indexById.get(id);
    }

    final boolean isFull()
    {
        return count == capacity;
    }

    final int count()
    {
        return count;
    }

    /** Appends a row for a new id (the caller checked {@link #isFull()} and that the id is new). */
    final int addRow(final long id)
    {
        final int index = count++;
        rows.ensure(count);
        rows.set(index, ID, id);
        indexById.put(id, index);
        return index;
    }

    /**
     * Loads the id-map slot and every line of the row of {@code id}, changing nothing; returns a value folded from the
     * loads (0 when unknown) so that the JIT keeps them. Used by the batch prefetch pass.
     */
    final long prefetch(final long id)
    {
        final int index = (int)indexById.get(id);
        if (index < 0)
        {
            return 0;
        }
        final long[] page = rows.page(index);
        final int base = rows.at(index);
        long folded = page[base + stride - 1];
        for (int field = 0; field < stride; field += 8)
        {
            folded ^= page[base + field];
        }
        return folded;
    }

    final long get(final int index, final int field)
    {
        return rows.get(index, field);
    }

    final void set(final int index, final int field, final long value)
    {
        rows.set(index, field, value);
    }

    final void add(final int index, final int field, final long delta)
    {
        rows.add(index, field, delta);
    }

    final boolean hasFlag(final int index, final int flagsField, final long flag)
    {
        return (rows.get(index, flagsField) & flag) != 0;
    }

    final void setFlag(final int index, final int flagsField, final long flag, final boolean on)
    {
        final long flags = rows.get(index, flagsField);
        rows.set(index, flagsField, on ? flags | flag : flags & ~flag);
    }

    final void writeTo(final SnapshotWriter writer)
    {
        writer.writeLong(count);
        // Framed as writeLongs would frame the rows from one array without padding (padding is layout, not state).
        rows.writeTo(writer, count);
    }

    /** Restores rows written by {@link #writeTo}; the id map is rebuilt from them. */
    final void readFrom(final SnapshotReader reader)
    {
        count = (int)reader.readLong();
        if (count < 0 || count > capacity)
        {
            throw new IllegalStateException("snapshot row count " + count + " over the limit " + capacity);
        }
        rows.readFrom(reader, count);
        indexById.clear();
        for (int i = 0; i < count; i++)
        {
            indexById.put(rows.get(i, ID), i);
        }
    }

    long hash(final long seed)
    {
        return rows.foldRows(seed, count);
    }
}
