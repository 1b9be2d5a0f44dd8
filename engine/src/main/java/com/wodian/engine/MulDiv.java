package com.wodian.engine;

/**
 * Exact {@code floor(a * b / c)} and {@code (a * b) mod c} for non-negative longs with {@code b <= c}, through a
 * 128-bit product, so that pro-rata shares never overflow or round wrongly whatever the amounts. Allocation-free.
 */
final class MulDiv
{
    private static final long BASE = 1L << 32;

    private long remainder;

    private MulDiv()
    {
    }

    static MulDiv create()
    {
        return new MulDiv();
    }

    /** @return {@code floor(a * b / c)}; the remainder is then available from {@link #remainder()}. */
    long apply(final long a, final long b, final long c)
    {
        if (a < 0 || b < 0 || c <= 0 || b > c)
        {
            throw new IllegalArgumentException("mulDiv needs a, b >= 0, 0 < c, b <= c: " + a + " " + b + " " + c);
        }
        final long high = Math.multiplyHigh(a, b);
        final long low = a * b;
        if (high == 0 && low >= 0)
        {
            remainder = low % c;
            return low / c;
        }
        return divideUnsigned128(high, low, c);
    }

    long remainder()
    {
        return remainder;
    }

    /**
     * Divides the unsigned 128-bit {@code high:low} by {@code divisor} (requires {@code high < divisor}, which holds
     * because {@code b <= c}); Knuth's algorithm D for two 32-bit digits, as in Hacker's Delight ("divlu").
     */
    private long divideUnsigned128(final long high, final long low, final long divisor)
    {
        final int shift = Long.numberOfLeadingZeros(divisor);
        final long v = divisor << shift;
        final long vn1 = v >>> 32;
        final long vn0 = v & 0xFFFF_FFFFL;
        final long un32 = shift == 0 ? high : (high << shift) | (low >>> (64 - shift));
        final long un10 = low << shift;
        final long un1 = un10 >>> 32;
        final long un0 = un10 & 0xFFFF_FFFFL;

        long q1 = Long.divideUnsigned(un32, vn1);
        long rhat = un32 - q1 * vn1;
        while (Long.compareUnsigned(q1, BASE) >= 0 || Long.compareUnsigned(q1 * vn0, (rhat << 32) | un1) > 0)
        {
            q1--;
            rhat += vn1;
            if (Long.compareUnsigned(rhat, BASE) >= 0)
            {
                break;
            }
        }
        final long un21 = ((un32 << 32) | un1) - q1 * v;
        long q0 = Long.divideUnsigned(un21, vn1);
        rhat = un21 - q0 * vn1;
        while (Long.compareUnsigned(q0, BASE) >= 0 || Long.compareUnsigned(q0 * vn0, (rhat << 32) | un0) > 0)
        {
            q0--;
            rhat += vn1;
            if (Long.compareUnsigned(rhat, BASE) >= 0)
            {
                break;
            }
        }
        remainder = (((un21 << 32) | un0) - q0 * v) >>> shift;
        return (q1 << 32) | q0;
    }
}
