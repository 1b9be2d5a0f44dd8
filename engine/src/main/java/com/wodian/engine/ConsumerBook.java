package com.wodian.engine;

/**
 * Consumers: wallet, holds, points, vouchers held, home merchant and flags, one 96-byte row each.
 */
public final class ConsumerBook extends RowBook
{
    static final int STRIDE = 12;
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

    ConsumerBook(final int capacity)
    {
        super(capacity, STRIDE);
    }

    int add(final long consumerId, final int homeMerchantIndex)
    {
        final int index = addRow(consumerId);
        set(index, HOME_MERCHANT_INDEX, homeMerchantIndex);
        set(index, LAST_POINTS_ENTRY, -1);
        return index;
    }

    boolean isBlocked(final int index)
    {
        return hasFlag(index, FLAGS, FLAG_BLOCKED);
    }

    void setBlocked(final int index, final boolean blocked)
    {
        setFlag(index, FLAGS, FLAG_BLOCKED, blocked);
    }
}
