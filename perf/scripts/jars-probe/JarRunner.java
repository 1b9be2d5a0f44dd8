package com.wodian.perf;

import org.openjdk.jmh.infra.Blackhole;
import java.util.SplittableRandom;

/** Loaded once per jar by JarsProbe (each in its own class loader): EnginePayBenchmark's set-up, then batches. */
public final class JarRunner
{
    public static Object setUp()
    {
        final Blackhole bh = new Blackhole("Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");
        final PayRing ring = new PayRing("JarRunner", PayRing.populate(), new ReplyCounter(bh),
            new SplittableRandom(PayRing.SEED + 1), PayRing.uniform(PayRing.MERCHANTS), PayRing.uniform(PayRing.CONSUMERS));
        ring.warmUp();
        return ring;
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
