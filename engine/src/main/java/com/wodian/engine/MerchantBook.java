package com.wodian.engine;

import org.agrona.collections.Long2LongHashMap;

/**
 * Merchants in registration order: balances, rules and statement counters in one row of longs each.
 */
final class MerchantBook
{
    static final int STRIDE = 32;
    static final int ID = 0;
    static final int SETTLEMENT_FEN = 1;
    static final int POOL_FEN = 2;
    static final int ALLIANCE_EARNINGS_FEN = 3;
    static final int POINTS_PER_YUAN = 4;
    static final int POOL_RATE_BPS = 5;
    static final int ALLIANCE_SHARE_BPS = 6;
    static final int PLATFORM_FEE_BPS = 7;
    static final int FLAGS = 8;
    static final int SALES_COUNT = 9;
    static final int SALES_FEN = 10;
    static final int REFUNDS_COUNT = 11;
    static final int REFUNDS_FEN = 12;
    static final int WITHDRAWN_FEN = 13;
    static final int HOLDS_LIVE_COUNT = 14;
    static final int HOLDS_LIVE_FEN = 15;
    static final int HOLDS_EXPIRED_COUNT = 16;
    static final int HOLDS_EXPIRED_FEN = 17;
    static final int HOLDS_CANCELLED_COUNT = 18;
    static final int FEES_FEN = 19;
    static final int DISTRIBUTION_MODE = 20;        // DistributionMode value
    static final int VOUCHER_POINTS_COST = 21;      // 0: no voucher rule
    static final int VOUCHER_VALUE_FEN = 22;
    static final int VOUCHER_VALIDITY_MS = 23;
    static final int VOUCHERS_OUTSTANDING_FEN = 24; // liability: issued or reserved, not yet redeemed or expired
    static final int VOUCHERS_ISSUED_COUNT = 25;
    static final int VOUCHERS_REDEEMED_FEN = 26;
    static final int VOUCHERS_EXPIRED_FEN = 27;
    static final int DISTRIBUTED_FEN = 28;
    static final int POOL_IN_DISTRIBUTION_FEN = 29;
    static final int CONSUMPTION_OPEN_FEN = 30;     // consumers' spend since the last distribution started
    static final int DISTRIBUTION_EPOCH = 31;       // number of distributions started

    static final long FLAG_BLOCKED = 1;
    static final long FLAG_ALLIANCE_MEMBER = 2;

    private final Long2LongHashMap indexById;
    final long[] rows;
    private final int capacity;
    private int count;

    MerchantBook(final int capacity)
    {
        this.capacity = capacity;
        this.indexById = new Long2LongHashMap(ConsumerBook.tableSize(capacity), 0.65f, -1);
        this.rows = new long[capacity * STRIDE];
    }

    /** @return the merchant's index, or -1 when unknown. */
    int indexOf(final long merchantId)
    {
        return (int)indexById.get(merchantId);
    }

    boolean isFull()
    {
        return count == capacity;
    }

    int add(final long merchantId)
    {
        final int index = count++;
        rows[index * STRIDE + ID] = merchantId;
        indexById.put(merchantId, index);
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

    boolean hasFlag(final int index, final long flag)
    {
        return (rows[index * STRIDE + FLAGS] & flag) != 0;
    }

    void setFlag(final int index, final long flag, final boolean on)
    {
        final int at = index * STRIDE + FLAGS;
        rows[at] = on ? rows[at] | flag : rows[at] & ~flag;
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
