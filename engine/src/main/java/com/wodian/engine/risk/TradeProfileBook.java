package com.wodian.engine.risk;

import com.wodian.engine.table.SnapshotReader;
import com.wodian.engine.table.SnapshotWriter;
import com.wodian.engine.table.StateHash;

/**
 * Typical ticket ({@link AmountStats}) and hours ({@link HourProfile}) per merchant trade, learnt from every approved
 * payment at a merchant of that trade: a phone is judged against electronics shops, not against the buyer's coffees.
 */
final class TradeProfileBook
{
    static final int TRADES = 16;
    private static final int AMOUNT = 0;
    private static final int HOURS = 1;
    private static final int STRIDE = HOURS + HourProfile.LONGS;

    final long[] rows = new long[TRADES * STRIDE];

    long amount(final int trade)
    {
        return rows[trade * STRIDE + AMOUNT];
    }

    long hourSharePerMille(final int trade, final int hour)
    {
        return HourProfile.sharePerMille(rows, trade * STRIDE + HOURS, hour);
    }

    void recordPayment(final int trade, final long log16, final int hour)
    {
        final int base = trade * STRIDE;
        rows[base + AMOUNT] = AmountStats.add(rows[base + AMOUNT], log16);
        HourProfile.add(rows, base + HOURS, hour);
    }

    void writeTo(final SnapshotWriter writer)
    {
        writer.writeLongs(rows, rows.length);
    }

    void readFrom(final SnapshotReader reader)
    {
        reader.readLongs(rows);
    }

    long hash(final long seed)
    {
        return StateHash.foldRows(seed, rows, TRADES, STRIDE);
    }
}
