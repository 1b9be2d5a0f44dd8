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
    private final int capacity;
    private int count;

    RowBook(final int capacity, final int stride)
    {
        this.capacity = capacity;
        this.stride = stride;
        this.indexById = new Long2LongHashMap(tableSize(Growth.initialRows(capacity)), 0.65f, -1);
        this.rows = new long[Growth.initialRows(capacity) * stride];
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
        rows = Growth.ensureRows(rows, count, stride, capacity);
        rows[index * stride + ID] = id;
        indexById.put(id, index);
        return index;
    }

    /**
     * Loads the id-map slot and the first and last line of the row of {@code id}, changing nothing; returns a value
     * folded from the loads (0 when unknown) so that the JIT keeps them. Used by the batch prefetch pass.
     */
    final long prefetch(final long id)
    {
        final int index = (int)indexById.get(id);
        if (index < 0)
        {
            return 0;
        }
        final int base = index * stride;
        return rows[base] ^ rows[base + stride - 1];
    }

    final long get(final int index, final int field)
    {
        return rows[index * stride + field];
    }

    final void set(final int index, final int field, final long value)
    {
        rows[index * stride + field] = value;
    }

    final void add(final int index, final int field, final long delta)
    {
        rows[index * stride + field] += delta;
    }

    final boolean hasFlag(final int index, final int flagsField, final long flag)
    {
        return (rows[index * stride + flagsField] & flag) != 0;
    }

    final void setFlag(final int index, final int flagsField, final long flag, final boolean on)
    {
        final int at = index * stride + flagsField;
        rows[at] = on ? rows[at] | flag : rows[at] & ~flag;
    }

    final void writeTo(final SnapshotWriter writer)
    {
        writer.writeLong(count);
        writer.writeLongs(rows, count * stride);
    }

    /** Restores rows written by {@link #writeTo}; the id map is rebuilt from them. */
    final void readFrom(final SnapshotReader reader)
    {
        count = (int)reader.readLong();
        if (count < 0 || count > capacity)
        {
            throw new IllegalStateException("snapshot row count " + count + " over the limit " + capacity);
        }
        rows = Growth.ensureRows(rows, count, stride, capacity);
        if (reader.readLongs(rows) != count * stride)
        {
            throw new IllegalStateException("snapshot rows do not match the count " + count);
        }
        indexById.clear();
        for (int i = 0; i < count; i++)
        {
            indexById.put(rows[i * stride + ID], i);
        }
    }

    final long hash(final long seed)
    {
        return StateHash.foldRows(seed, rows, count, stride);
    }
}
