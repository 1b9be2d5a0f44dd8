package com.wodian.engine.risk;

import com.wodian.engine.table.PackedRing;

/**
 * When a party sells, by hour of day: 24 counters of 16 bits in six longs, then their total in a seventh. When a
 * counter would overflow, all are halved, so the profile keeps its shape and forgets slowly. The hour is the input
 * time's hour of day (UTC): only the shape relative to the party's own history matters, not the time zone.
 */
final class HourProfile
{
    static final int LONGS = 7;
    private static final long HOUR_MS = 3_600_000L;
    private static final int TOTAL = 6;

    private HourProfile()
    {
    }

    static int hourOfDay(final long nowMs)
    {
        return (int)((nowMs / HOUR_MS) % 24);
    }

    private static long counter(final long[] rows, final int base, final int hour)
    {
        return (rows[base + hour / 4] >>> ((hour % 4) * 16)) & 0xFFFF;
    }

    /** Per mille of the party's sales in this hour of day; -1 before its first sale. */
    static long sharePerMille(final long[] rows, final int base, final int hour)
    {
        final long total = rows[base + TOTAL];
        return total == 0 ? -1 : counter(rows, base, hour) * 1000 / total;
    }

    static void add(final long[] rows, final int base, final int hour)
    {
        if (counter(rows, base, hour) == 0xFFFF)
        {
            long total = 0;
            for (int i = 0; i < TOTAL; i++)
            {
                // Halve each 16-bit field: shift the long right and drop the bit that crossed a field boundary.
                rows[base + i] = (rows[base + i] >>> 1) & 0x7FFF_7FFF_7FFF_7FFFL;
                total += PackedRing.sum(rows[base + i], 16, 4);
            }
            rows[base + TOTAL] = total;
        }
        final int slot = base + hour / 4;
        rows[slot] += 1L << ((hour % 4) * 16);
        rows[base + TOTAL]++;
    }
}
