package com.wodian.perf;

import org.openjdk.jmh.infra.Blackhole;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.SplittableRandom;

/**
 * Pays per CPU-second of {@link EnginePayBenchmark}'s workload, one JVM, the variants alternated round by round so that
 * a loaded machine's drift hits them alike: one at a time (off) and staged batch prefetch at batches of 16, 32, 64 and
 * 128 ({@link PayBatches}). Timed by the thread's CPU clock (robust to other load; wall-clock is printed too). Then,
 * per round, staged batches of 64 with each phase timed apart (decode, prefetch passes, apply: wall clock per
 * payment). Every reply
 * is checked OK after each run.
 *
 * <pre>java -Xms4g -Xmx4g -XX:+AlwaysPreTouch -cp wodian.jar com.wodian.perf.PayBatchProbe [rounds] [payments]</pre>
 *
 * <p>{@code -Dprobe.batches=64} runs only that variant (a comma-separated list; 1 is off), e.g. under a profiler.
 * {@code -Dprobe.parties=zipf} pays {@link EnginePayZipfBenchmark}'s parties (realistic locality) instead of the
 * uniform ones.
 */
public final class PayBatchProbe
{
    /** The variants measured: 1 is one at a time (off); {@code -Dprobe.batches=64} narrows it (e.g. for a profile). */
    private static final int[] BATCHES = java.util.Arrays.stream(System.getProperty("probe.batches", "1,16,32,64,128")
        .split(",")).mapToInt(Integer::parseInt).toArray();
    private static final int PHASE_BATCH = 64;

    private PayBatchProbe()
    {
    }

    public static void main(final String[] args)
    {
        final int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        final int payments = args.length > 1 ? Integer.parseInt(args[1]) : 1 << 20;
        final Blackhole blackhole = new Blackhole(
            "Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");
        final PayRing ring = ring(System.getProperty("probe.parties", "uniform"), blackhole);
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long folded = 0;
        // A first round unreported: every variant compiled before any is measured.
        for (int round = 0; round <= rounds; round++)
        {
            final StringBuilder line = new StringBuilder(round == 0 ? "warm-up  " : "round " + round + "  ");
            for (final int batch : BATCHES)
            {
                final int mode = batch == 1 ? PayBatches.OFF : PayBatches.STAGED;
                final int runs = payments / batch;
                final long cpu0 = threads.getCurrentThreadCpuTime();
                final long wall0 = System.nanoTime();
                for (int i = 0; i < runs; i++)
                {
                    folded += PayBatches.payBatch(ring, batch, mode);
                }
                final long cpuNs = threads.getCurrentThreadCpuTime() - cpu0;
                final long wallNs = System.nanoTime() - wall0;
                ring.checkIteration();
                final long paid = (long)runs * batch;
                line.append(String.format(" %s %,d/cpu-s (%,d/s)", batch == 1 ? "off" : "staged" + batch,
                    paid * 1_000_000_000L / Math.max(1, cpuNs), paid * 1_000_000_000L / Math.max(1, wallNs)));
            }
            // Where a staged batch's time goes: the prefetch phase and the apply phase, by wall clock per payment.
            java.util.Arrays.fill(PayBatches.PHASE_NS, 0);
            final int runs = payments / PHASE_BATCH;
            for (int i = 0; i < runs; i++)
            {
                folded += PayBatches.payBatchTimed(ring, PHASE_BATCH);
            }
            ring.checkIteration();
            final long paid = (long)runs * PHASE_BATCH;
            line.append(String.format(" | staged%d per payment: decode %d ns, prefetch passes %d ns, apply %d ns",
                PHASE_BATCH, PayBatches.PHASE_NS[0] / paid, PayBatches.PHASE_NS[1] / paid,
                PayBatches.PHASE_NS[2] / paid));
            System.out.println(line);
        }
        ring.fixture.engine().verifyInvariants();
        System.out.println("fold " + (folded == 42 ? "!" : "ok"));
    }

    /** The populated engine and its ring of Pays, warmed up (uniform or zipf: {@link EnginePayZipfBenchmark}). */
    private static PayRing ring(final String parties, final Blackhole blackhole)
    {
        if ("zipf".equals(parties))
        {
            return EnginePayZipfBenchmark.zipfRing("PayBatchProbe zipf", blackhole);
        }
        if (!"uniform".equals(parties))
        {
            throw new IllegalArgumentException("probe.parties must be uniform or zipf: " + parties);
        }
        final PayRing ring = new PayRing("PayBatchProbe", PayRing.populate(), new ReplyCounter(blackhole),
            new SplittableRandom(PayRing.SEED + 1), PayRing.uniform(PayRing.MERCHANTS),
            PayRing.uniform(PayRing.CONSUMERS));
        ring.warmUp();
        return ring;
    }
}
