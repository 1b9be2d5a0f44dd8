package com.wodian.perf;

import com.wodian.engine.Engine;
import com.wodian.engine.EngineConfig;
import com.wodian.engine.ReplySink;
import com.wodian.protocol.CommandEncoder;
import com.wodian.protocol.sbe.DistributionMode;
import org.HdrHistogram.Histogram;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.SplittableRandom;

/**
 * Measures the engine's per-command service time while a pool distribution over a million consumers runs in
 * slices, against the same workload with no distribution running. Engine alone, one thread: each Pay is timed with
 * {@code System.nanoTime()} around {@code Engine.onCommand} (the timer costs ~20-30 ns and is included).
 *
 * <p>Run: {@code bin/wodian perf distribution-stall [consumers] [sliceEntries]} or
 * {@code java -cp tools/target/wodian.jar com.wodian.perf.DistributionStallHarness 1000000 64}.
 */
public final class DistributionStallHarness implements ReplySink
{
    private static final long MERCHANT = 1;
    private static final long TERMINAL = 11;
    private static final int OTHER_MERCHANTS = 100;

    private final Engine engine;
    private final CommandEncoder encoder = new CommandEncoder();
    private final UnsafeBuffer command = new UnsafeBuffer(new byte[256]);
    private final int consumers;
    private long sequence;
    private long nowMs = 1_700_000_000_000L;

    private DistributionStallHarness(final int consumers, final int sliceEntries)
    {
        this.consumers = consumers;
        engine = new Engine(new EngineConfig()
            .consumersMax(consumers)
            .merchantsMax(OTHER_MERCHANTS + 1)
            .terminalsMax(OTHER_MERCHANTS + 1)
            .keysMax(4 * consumers + 1_000_000)
            .vouchersMax(consumers + 10_000)
            .consumptionPairsMax(2 * consumers + 10_000)
            .keyRetentionMs(0)
            .distributionSliceEntries(sliceEntries));
    }

    @Override
    public void onReply(final org.agrona.DirectBuffer buffer, final int offset, final int length)
    {
    }

    private void apply(final int length)
    {
        engine.onCommand(++sequence, ++nowMs, command, 0, length, this);
    }

    private void setUp()
    {
        apply(encoder.registerMerchant(command, 0, MERCHANT, 10, 500, 0, 0, true));
        apply(encoder.setMerchantRules(command, 0, MERCHANT, 10, 500, 0, 0, true, DistributionMode.VOUCHER,
            1_000, 500, 30L * 24 * 3600 * 1000));
        apply(encoder.registerTerminal(command, 0, TERMINAL, MERCHANT));
        for (int m = 2; m <= OTHER_MERCHANTS + 1; m++)
        {
            apply(encoder.registerMerchant(command, 0, m, 1, 100, 0, 0, false));
            apply(encoder.registerTerminal(command, 0, 10 * m + 1, m));
        }
        final SplittableRandom random = new SplittableRandom(11);
        for (int c = 1; c <= consumers; c++)
        {
            apply(encoder.registerConsumer(command, 0, c, 0));
            apply(encoder.topUp(command, 0, c, c, 50_000_000));
            // Every consumer spends at the distributing merchant: a distribution over all of them.
            apply(encoder.pay(command, 0, MERCHANT, TERMINAL, c, c, 100 + random.nextInt(100_000)));
        }
        engine.verifyInvariants();
    }

    /** Pays at the other merchants with random consumers, timing each command. */
    private Histogram measure(final int commands, final boolean stopWhenDistributionEnds, final long paymentIdBase)
    {
        final Histogram histogram = new Histogram(3_600_000_000_000L, 3);
        final SplittableRandom random = new SplittableRandom(paymentIdBase);
        for (int i = 0; i < commands; i++)
        {
            final long merchant = 2 + random.nextInt(OTHER_MERCHANTS);
            final int length = encoder.pay(command, 0, merchant, 10 * merchant + 1, paymentIdBase + i,
                1 + random.nextInt(consumers), 100 + random.nextInt(10_000));
            final long start = System.nanoTime();
            engine.onCommand(++sequence, ++nowMs, command, 0, length, this);
            histogram.recordValue(System.nanoTime() - start);
            if (stopWhenDistributionEnds && !engine.isDistributionRunning())
            {
                break;
            }
        }
        return histogram;
    }

    private static String describe(final Histogram h)
    {
        return String.format("count=%d p50=%.2fus p99=%.2fus p99.9=%.2fus p99.99=%.2fus max=%.2fus",
            h.getTotalCount(), h.getValueAtPercentile(50) / 1e3, h.getValueAtPercentile(99) / 1e3,
            h.getValueAtPercentile(99.9) / 1e3, h.getValueAtPercentile(99.99) / 1e3, h.getMaxValue() / 1e3);
    }

    public static void main(final String[] args)
    {
        final int consumers = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        final int slice = args.length > 1 ? Integer.parseInt(args[1]) : new EngineConfig().distributionSliceEntries();
        final DistributionStallHarness harness = new DistributionStallHarness(consumers, slice);
        long start = System.nanoTime();
        harness.setUp();
        System.out.printf("set up %d consumers in %.1f s (slice %d entries)%n", consumers,
            (System.nanoTime() - start) / 1e9, slice);

        harness.measure(2_000_000, false, 10_000_000_000L);   // warm-up
        final Histogram baseline = harness.measure(2_000_000, false, 20_000_000_000L);
        System.out.println("no distribution : " + describe(baseline));

        harness.apply(harness.encoder.distributePool(harness.command, 0, MERCHANT, 1, 0));
        start = System.nanoTime();
        final Histogram during = harness.measure(Integer.MAX_VALUE, true, 30_000_000_000L);
        final double seconds = (System.nanoTime() - start) / 1e9;
        System.out.println("distributing    : " + describe(during));
        System.out.printf("distribution over %d consumers finished after %d commands (%.1f s of engine time)%n",
            consumers, during.getTotalCount(), seconds);
        harness.engine.verifyInvariants();
    }
}
