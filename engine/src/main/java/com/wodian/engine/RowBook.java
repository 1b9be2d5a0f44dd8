package com.wodian.engine;

import org.agrona.collections.Long2LongHashMap;

/**
 * Parties in registration order: one row of {@code stride} longs each in a single array (the id in field 0), so a
 * command touches one or two cache lines of a party, and an id-to-index map. Both start small and grow with the
 * parties registered, up to the limit ({@link Growth}). Subclasses name the fields.
 */
public abstract class RowBook
{
    static final int ID = 0;

    private final Long2LongHashMap indexById;
    long[] rows;
    private final int stride;
    // Longs before row 0: a padding that puts rows on cache-line boundaries (see ConsumerBook).
    private final int pad;
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
        this.pad = pad;
        this.indexById = new Long2LongHashMap(tableSize(Growth.initialRows(capacity, reserve)), 0.65f, -1);
        this.rows = new long[pad + Growth.initialRows(capacity, reserve) * stride];
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
        rows = Growth.ensureRows(rows, pad, count, stride, capacity);
        rows[pad + index * stride + ID] = id;
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
        final int base = pad + index * stride;
        long folded = rows[base + stride - 1];
        for (int field = 0; field < stride; field += 8)
        {
            folded ^= rows[base + field];
        }
        return folded;
    }

    final long get(final int index, final int field)
    {
        return rows[pad + index * stride + field];
    }

    final void set(final int index, final int field, final long value)
    {
        rows[pad + index * stride + field] = value;
    }

    final void add(final int index, final int field, final long delta)
    {
        rows[pad + index * stride + field] += delta;
    }

    final boolean hasFlag(final int index, final int flagsField, final long flag)
    {
        return (rows[pad + index * stride + flagsField] & flag) != 0;
    }

    final void setFlag(final int index, final int flagsField, final long flag, final boolean on)
    {
        final int at = pad + index * stride + flagsField;
        rows[at] = on ? rows[at] | flag : rows[at] & ~flag;
    }

    final void writeTo(final SnapshotWriter writer)
    {
        writer.writeLong(count);
        if (pad == 0)
        {
            writer.writeLongs(rows, count * stride);
            return;
        }
        // Framed as writeLongs would frame the rows without the padding (padding is layout, not state).
        writer.writeLong((long)count * stride);
        final int end = pad + count * stride;
        for (int i = pad; i < end; i++)
        {
            writer.writeLong(rows[i]);
        }
    }

    /** Restores rows written by {@link #writeTo}; the id map is rebuilt from them. */
    final void readFrom(final SnapshotReader reader)
    {
        count = (int)reader.readLong();
        if (count < 0 || count > capacity)
        {
            throw new IllegalStateException("snapshot row count " + count + " over the limit " + capacity);
        }
        rows = Growth.ensureRows(rows, pad, count, stride, capacity);
        if (pad == 0 ? reader.readLongs(rows) != count * stride : !readPadded(reader))
        {
            throw new IllegalStateException("snapshot rows do not match the count " + count);
        }
        indexById.clear();
        for (int i = 0; i < count; i++)
        {
            indexById.put(rows[pad + i * stride + ID], i);
        }
    }

    private boolean readPadded(final SnapshotReader reader)
    {
        if (reader.readLong() != (long)count * stride)
        {
            return false;
        }
        final int end = pad + count * stride;
        for (int i = pad; i < end; i++)
        {
            rows[i] = reader.readLong();
        }
        return true;
    }

    long hash(final long seed)
    {
        return StateHash.foldRows(seed, rows, count, stride);
    }
}
