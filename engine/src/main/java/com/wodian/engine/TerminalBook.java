package com.wodian.engine;

import org.agrona.collections.Long2LongHashMap;

/**
 * POS terminals in registration order, each bound to exactly one merchant for life.
 */
final class TerminalBook
{
    static final int STRIDE = 4;
    static final int ID = 0;
    static final int MERCHANT_INDEX = 1;
    static final int FLAGS = 2;

    static final long FLAG_BLOCKED = 1;

    private final Long2LongHashMap indexById;
    final long[] rows;
    private final int capacity;
    private int count;

    TerminalBook(final int capacity)
    {
        this.capacity = capacity;
        this.indexById = new Long2LongHashMap(ConsumerBook.tableSize(capacity), 0.65f, -1);
        this.rows = new long[capacity * STRIDE];
    }

    /** @return the terminal's index, or -1 when unknown. */
    int indexOf(final long terminalId)
    {
        return (int)indexById.get(terminalId);
    }

    boolean isFull()
    {
        return count == capacity;
    }

    int add(final long terminalId, final int merchantIndex)
    {
        final int index = count++;
        final int base = index * STRIDE;
        rows[base + ID] = terminalId;
        rows[base + MERCHANT_INDEX] = merchantIndex;
        indexById.put(terminalId, index);
        return index;
    }

    int merchantIndex(final int index)
    {
        return (int)rows[index * STRIDE + MERCHANT_INDEX];
    }

    boolean isBlocked(final int index)
    {
        return (rows[index * STRIDE + FLAGS] & FLAG_BLOCKED) != 0;
    }

    void setBlocked(final int index, final boolean blocked)
    {
        final int at = index * STRIDE + FLAGS;
        rows[at] = blocked ? rows[at] | FLAG_BLOCKED : rows[at] & ~FLAG_BLOCKED;
    }

    int count()
    {
        return count;
    }

    void writeTo(final SnapshotWriter writer)
    {
        writer.writeLong(count);
        writer.writeLongs(rows, count * STRIDE);
    }

    /** Restores rows written by {@link #writeTo}; the id map is rebuilt from them. */
    void readFrom(final SnapshotReader reader)
    {
        count = (int)reader.readLong();
        if (reader.readLongs(rows) != count * STRIDE)
        {
            throw new IllegalStateException("snapshot rows do not match the count " + count);
        }
        indexById.clear();
        for (int i = 0; i < count; i++)
        {
            indexById.put(rows[i * STRIDE + ID], i);
        }
    }

    long hash(final long seed)
    {
        return StateHash.foldRows(seed, rows, count, STRIDE);
    }
}
