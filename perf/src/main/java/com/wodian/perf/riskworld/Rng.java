package com.wodian.perf.riskworld;

/**
 * SplitMix64: a small generator whose output is fixed by its algorithm, so a seed gives the same world on every JVM.
 * Sub-streams ({@link #of}) are derived from (seed, purpose, index), so that adding a behaviour to one part of the
 * world does not shift the random numbers of every other part. Transcendental functions use {@link StrictMath},
 * whose results are specified bit for bit.
 */
final class Rng
{
    private long state;

    Rng(final long seed)
    {
        this.state = seed;
    }

    /** An independent stream for one purpose and index of one world seed. */
    static Rng of(final long seed, final long purpose, final long index)
    {
        return new Rng(mix(mix(seed ^ 0x5DEECE66DL) + purpose * 0x9E3779B97F4A7C15L + index * 0xC2B2AE3D27D4EB4FL));
    }

    static long mix(final long value)
    {
        long z = value;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    long nextLong()
    {
        state += 0x9E3779B97F4A7C15L;
        return mix(state);
    }

    /** Uniform in 0..bound-1 (bound > 0); the modulo bias is below 2^-32 for the bounds used here. */
    int nextInt(final int bound)
    {
        return (int)((nextLong() >>> 1) % bound);
    }

    /** Uniform in lo..hi inclusive. */
    long between(final long lo, final long hi)
    {
        return lo + (nextLong() >>> 1) % (hi - lo + 1);
    }

    int between(final int lo, final int hi)
    {
        return lo + nextInt(hi - lo + 1);
    }

    double nextDouble()
    {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    /** True with probability bps / 10,000. */
    boolean chanceBps(final long bps)
    {
        return nextInt(10_000) < bps;
    }

    double gaussian()
    {
        final double u1 = 1.0 - nextDouble();
        final double u2 = nextDouble();
        return StrictMath.sqrt(-2.0 * StrictMath.log(u1)) * StrictMath.cos(2.0 * StrictMath.PI * u2);
    }

    /** Log-normal around a median with the given sigma of the logarithm. */
    double logNormal(final double median, final double sigma)
    {
        return median * StrictMath.exp(sigma * gaussian());
    }

    /** Poisson count with the given mean (Knuth below 30, a rounded normal above). */
    int poisson(final double mean)
    {
        if (mean <= 0)
        {
            return 0;
        }
        if (mean > 30)
        {
            return (int)Math.max(0, StrictMath.round(mean + StrictMath.sqrt(mean) * gaussian()));
        }
        final double limit = StrictMath.exp(-mean);
        int count = 0;
        double product = nextDouble();
        while (product > limit)
        {
            count++;
            product *= nextDouble();
        }
        return count;
    }

    /** Exponential waiting time with the given mean. */
    double exponential(final double mean)
    {
        return -mean * StrictMath.log(1.0 - nextDouble());
    }

    /** An index drawn with the given non-negative weights (at least one positive). */
    int weighted(final int[] weights)
    {
        long total = 0;
        for (final int weight : weights)
        {
            total += weight;
        }
        long pick = between(0L, total - 1);
        for (int i = 0; i < weights.length; i++)
        {
            pick -= weights[i];
            if (pick < 0)
            {
                return i;
            }
        }
        return weights.length - 1;
    }
}
