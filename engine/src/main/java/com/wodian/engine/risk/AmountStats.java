package com.wodian.engine.risk;

/**
 * Amounts on a log scale, integer only: {@link #log16} is 16 x log2 of an amount in fen (4 bits of mantissa), so a
 * ratio of amounts is a difference of logs and "ten times the usual" is 53 whatever the trade. A profile keeps a
 * moving mean and mean absolute deviation of log16 amounts (EWMA, alpha 1/8, both x16 for precision) and a count,
 * packed into one long: mean 0..15, deviation 16..31, count 32..47 (saturating).
 */
public final class AmountStats
{
    /** Value of a feature that compares with a profile that has no history yet. */
    public static final long NO_HISTORY = -1_000;

    private AmountStats()
    {
    }

    public static long log16(final long amountFen)
    {
        if (amountFen <= 1)
        {
            return 0;
        }
        final int exponent = 63 - Long.numberOfLeadingZeros(amountFen);
        final long mantissa = exponent >= 4 ? (amountFen >>> (exponent - 4)) & 15 : (amountFen << (4 - exponent)) & 15;
        return exponent * 16L + mantissa;
    }

    static long meanX16(final long packed)
    {
        return packed & 0xFFFF;
    }

    static long deviationX16(final long packed)
    {
        return (packed >>> 16) & 0xFFFF;
    }

    static long count(final long packed)
    {
        return (packed >>> 32) & 0xFFFF;
    }

    /** log16(amount) minus the profile's mean, x16; {@link #NO_HISTORY} before the first amount. */
    static long distanceX16(final long packed, final long log16)
    {
        return count(packed) == 0 ? NO_HISTORY : log16 * 16 - meanX16(packed);
    }

    /** The profile after one more amount. */
    static long add(final long packed, final long log16)
    {
        final long count = count(packed);
        long mean = meanX16(packed);
        long deviation = deviationX16(packed);
        final long valueX16 = log16 * 16;
        if (count == 0)
        {
            mean = valueX16;
            deviation = 16 * 16;
        }
        else
        {
            final long difference = valueX16 - mean;
            mean += difference >> 3;
            deviation += (Math.abs(difference) - deviation) >> 3;
        }
        mean = Math.max(0, Math.min(mean, 0xFFFF));
        deviation = Math.max(0, Math.min(deviation, 0xFFFF));
        return mean | (deviation << 16) | (Math.min(count + 1, 0xFFFF) << 32);
    }
}
