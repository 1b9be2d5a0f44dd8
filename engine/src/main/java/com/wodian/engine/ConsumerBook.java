package com.wodian.engine;

import org.agrona.collections.Long2LongHashMap;

/**
 * Consumers in registration order, one row of longs each in a single array so that a payment touches one or two
 * cache lines of consumer state. The id map is sized at start-up so it never rehashes.
 */
final class ConsumerBook
{
    static final int STRIDE = 12;
    static final int ID = 0;
    static final int WALLET_FEN = 1;
    static final int HELD_FEN = 2;
    static final int POINTS = 3;
    static final int HOME_MERCHANT_INDEX = 4;
    static final int FLAGS = 5;
    static final int CONSUMPTION_FEN = 6;
    static final int LAST_POINTS_ENTRY = 7;         // position in the PointsLedger, -1 for none
    static final int VOUCHERS_ACTIVE_COUNT = 8;
    static final int VOUCHERS_ACTIVE_FEN = 9;

    static final long FLAG_BLOCKED = 1;

    private final Long2LongHashMap indexById;
    final long[] rows;
    private final int capacity;
    private int count;

    ConsumerBook(final int capacity)
    {
        this.capacity = capacity;
        this.indexById = new Long2LongHashMap(tableSize(capacity), 0.65f, -1);
        this.rows = new long[capacity * STRIDE];
    }

    static int tableSize(final int capacity)
    {
        return (int)Math.min(1L << 30, (long)(capacity / 0.6) + 16);
    }

    /** @return the consumer's index, or -1 when unknown. */
    int indexOf(final long consumerId)
    {
        return (int)indexById.get(consumerId);
    }

    boolean isFull()
    {
        return count == capacity;
    }

    int add(final long consumerId, final int homeMerchantIndex)
    {
        final int index = count++;
        final int base = index * STRIDE;
        rows[base + ID] = consumerId;
        rows[base + HOME_MERCHANT_INDEX] = homeMerchantIndex;
        rows[base + LAST_POINTS_ENTRY] = -1;
        indexById.put(consumerId, index);
        return index;
    }

    int count()
    {
        return count;
    }

    long get(final int index, final int field)
    {
        return rows[index * STRIDE + field];
    }

    void set(final int index, final int field, final long value)
    {
        rows[index * STRIDE + field] = value;
    }

    void add(final int index, final int field, final long delta)
    {
        rows[index * STRIDE + field] += delta;
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
