package com.wodian.engine.table;

/**
 * Sliding-window counters packed into one {@code long}: {@code buckets} buckets of {@code width} bits each, the
 * current bucket in the lowest bits. Advancing by {@code steps} periods shifts older buckets up and drops those that
 * fall out of the window; adding saturates at the bucket's maximum instead of spilling into its neighbour. Pure
 * functions over primitives, so risk state stays a few longs per party and costs nothing to allocate.
 */
public final class PackedRing
{
    private PackedRing()
    {
    }

    public static long mask(final int bits)
    {
        return bits >= 64 ? -1L : (1L << bits) - 1;
    }

    /** The ring after {@code steps} more periods: buckets move up by one per period, the oldest ones are dropped. */
    public static long advance(final long ring, final long steps, final int width, final int buckets)
    {
        if (steps <= 0)
        {
            return ring;
        }
        if (steps >= buckets)
        {
            return 0;
        }
        return (ring << (steps * width)) & mask(width * buckets);
    }

    /** Adds to the current (lowest) bucket, saturating at the bucket's maximum. */
    public static long addCurrent(final long ring, final long value, final int width)
    {
        return addAt(ring, 0, value, width);
    }

    /** Adds to the field starting at bit {@code shift}, saturating at the field's maximum. */
    public static long addAt(final long ring, final int shift, final long value, final int width)
    {
        final long fieldMask = mask(width);
        final long current = (ring >>> shift) & fieldMask;
        final long next = Math.min(current + value, fieldMask);
        return (ring & ~(fieldMask << shift)) | (next << shift);
    }

    public static long field(final long ring, final int shift, final int width)
    {
        return (ring >>> shift) & mask(width);
    }

    /** Sum of all buckets. */
    public static long sum(final long ring, final int width, final int buckets)
    {
        final long fieldMask = mask(width);
        long sum = 0;
        long rest = ring;
        for (int i = 0; i < buckets; i++)
        {
            sum += rest & fieldMask;
            rest >>>= width;
        }
        return sum;
    }

    /** Periods between two times (ms) for a period length: how far a ring last touched at {@code fromMs} moves. */
    public static long steps(final long fromMs, final long toMs, final long periodMs)
    {
        return toMs / periodMs - fromMs / periodMs;
    }
}
