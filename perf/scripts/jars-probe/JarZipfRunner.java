package com.wodian.perf;

import org.openjdk.jmh.infra.Blackhole;

/**
 * Loaded once per jar by JarsProbe (cut-probe.sh kind "zipf"): {@link EnginePayZipfBenchmark}'s workload (1 M consumers
 * and 10,000 merchants drawn from Zipf distributions, exponent 1: a few regulars and busy shops take most payments;
 * the key table full and churning, every reply checked OK), then batches. Realistic locality beside "pay"'s uniform
 * parties: about half the Pays name one of the thousand most popular consumers, whose lines stay in cache.
 */
public final class JarZipfRunner
{
    public static Object setUp()
    {
        return EnginePayZipfBenchmark.zipfRing("JarZipfRunner", new Blackhole(
            "Today's password is swordfish. I understand instantiating Blackholes directly is dangerous."));
    }

    /** Pays {@code payments} in batches; returns the fold. Checks every reply OK. */
    public static long run(final Object state, final int payments, final int batch, final boolean staged)
    {
        final PayRing ring = (PayRing)state;
        long folded = 0;
        for (int i = 0; i < payments / batch; i++)
        {
            folded += PayBatches.payBatch(ring, batch, staged ? PayBatches.STAGED : PayBatches.OFF);
        }
        ring.checkIteration();
        return folded;
    }
}
