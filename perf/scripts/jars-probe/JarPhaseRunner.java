package com.wodian.perf;

import org.openjdk.jmh.infra.Blackhole;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.SplittableRandom;
import com.wodian.engine.Engine;

/**
 * Loaded once per jar by JarsProbe (kind "phases"): EnginePayBenchmark's set-up, then staged batches with the prefetch
 * phase (decode and passes) and the apply timed apart by the thread's CPU clock, added to {@link #CPU_NS}, which
 * JarsProbe reads. Two clock reads per phase cost about the same in both jars (a system call each).
 */
public final class JarPhaseRunner
{
    /** Thread CPU nanoseconds of the prefetch phase (decode and passes) and of the apply, since JarsProbe zeroed it. */
    public static final long[] CPU_NS = new long[2];
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    public static Object setUp()
    {
        final Blackhole bh = new Blackhole("Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");
        final PayRing ring = new PayRing("JarPhaseRunner", PayRing.populate(), new ReplyCounter(bh),
            new SplittableRandom(PayRing.SEED + 1), PayRing.uniform(PayRing.MERCHANTS), PayRing.uniform(PayRing.CONSUMERS));
        ring.warmUp();
        return ring;
    }

    /** Pays {@code payments} in staged batches (the prefetch always on); returns the fold. Checks every reply OK. */
    public static long run(final Object state, final int payments, final int batch, final boolean staged)
    {
        final PayRing ring = (PayRing)state;
        final EngineFixture fixture = ring.fixture;
        final Engine engine = fixture.engine();
        long folded = 0;
        for (int b = 0; b < payments / batch; b++)
        {
            final int first = ring.stampNext(batch);
            final long c0 = THREADS.getCurrentThreadCpuTime();
            for (int i = 0; i < batch; i++)
            {
                engine.prefetchInput(ring.ring, PayRing.slotOffset(first + i), ring.payLength);
            }
            folded += engine.prefetchBatch();
            final long c1 = THREADS.getCurrentThreadCpuTime();
            for (int i = 0; i < batch; i++)
            {
                fixture.apply(ring.ring, PayRing.slotOffset(first + i), ring.payLength, ring.replies);
            }
            final long c2 = THREADS.getCurrentThreadCpuTime();
            CPU_NS[0] += c1 - c0;
            CPU_NS[1] += c2 - c1;
        }
        ring.checkIteration();
        return folded;
    }
}
