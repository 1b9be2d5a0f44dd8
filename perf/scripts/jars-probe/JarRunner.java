package com.wodian.perf;

import org.openjdk.jmh.infra.Blackhole;
import java.util.SplittableRandom;

/**
 * Loaded once per jar by JarsProbe (each in its own class loader): EnginePayBenchmark's set-up, then batches.
 * {@code -DscatterIds=true}: the same population and Pays, but consumer i (1..N) registered and paid for under the id
 * {@link #scatter}(i) instead of i, so the ids are no run (the consumer book's id run then holds one id, every other
 * lookup goes through the id map as before the run).
 */
public final class JarRunner
{
    public static Object setUp()
    {
        final Blackhole bh = new Blackhole("Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");
        final boolean scattered = Boolean.getBoolean("scatterIds");
        final PayRing ring = new PayRing("JarRunner", scattered ? populateScattered() : PayRing.populate(),
            new ReplyCounter(bh), new SplittableRandom(PayRing.SEED + 1), PayRing.uniform(PayRing.MERCHANTS),
            scattered ? (random) -> scatter(1 + random.nextInt(PayRing.CONSUMERS)) :
                PayRing.uniform(PayRing.CONSUMERS));
        ring.warmUp();
        return ring;
    }

    /** A fixed mix of a consumer number into a positive id (splitmix64's finalizer, top bit dropped). */
    public static long scatter(final long consumer)
    {
        long z = consumer * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return (z ^ (z >>> 31)) >>> 1;
    }

    /** PayRing.populate's engine and parties with each consumer under its scattered id (checked distinct). */
    private static EngineFixture populateScattered()
    {
        final java.util.HashSet<Long> ids = new java.util.HashSet<>();
        for (int c = 1; c <= PayRing.CONSUMERS; c++)
        {
            if (scatter(c) == 0 || !ids.add(scatter(c)))
            {
                throw new IllegalStateException("scattered id of consumer " + c + " repeats");
            }
        }
        final com.wodian.engine.EngineConfig config = new com.wodian.engine.EngineConfig()
            .consumersMax(PayRing.CONSUMERS).merchantsMax(PayRing.MERCHANTS)
            .terminalsMax(PayRing.MERCHANTS * PayRing.TERMINALS_PER_MERCHANT).keysMax(PayRing.KEYS_MAX)
            .keyRetentionMs(0).amountFenMax(com.wodian.engine.EngineConfig.AMOUNT_FEN_CEILING);
        final EngineFixture fixture;
        try
        {
            final java.lang.reflect.Constructor<EngineFixture> made = EngineFixture.class.getDeclaredConstructor(
                com.wodian.engine.Engine.class, int.class, int.class, int.class);
            made.setAccessible(true);
            fixture = made.newInstance(new com.wodian.engine.Engine(config), PayRing.MERCHANTS,
                PayRing.TERMINALS_PER_MERCHANT, PayRing.CONSUMERS);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new IllegalStateException(ex);
        }
        final com.wodian.protocol.CommandEncoder encoder = new com.wodian.protocol.CommandEncoder();
        final org.agrona.concurrent.UnsafeBuffer scratch = new org.agrona.concurrent.UnsafeBuffer(new byte[256]);
        final com.wodian.engine.ReplySink ignore = (reply, offset, length) -> { };
        final SplittableRandom random = new SplittableRandom(PayRing.SEED);
        for (long merchantId = 1; merchantId <= PayRing.MERCHANTS; merchantId++)
        {
            fixture.apply(scratch, 0, encoder.registerMerchant(scratch, 0, merchantId, 1 + (int)(merchantId % 10), 200,
                100, 30, merchantId % 3 != 0), ignore);
            for (int t = 0; t < PayRing.TERMINALS_PER_MERCHANT; t++)
            {
                fixture.apply(scratch, 0, encoder.registerTerminal(scratch, 0, EngineFixture.terminalId(merchantId, t),
                    merchantId), ignore);
            }
        }
        for (long c = 1; c <= PayRing.CONSUMERS; c++)
        {
            final long homeMerchantId = 1 + random.nextInt(PayRing.MERCHANTS);
            fixture.apply(scratch, 0, encoder.registerConsumer(scratch, 0, scatter(c), homeMerchantId), ignore);
            fixture.apply(scratch, 0, encoder.topUp(scratch, 0, scatter(c), c, PayRing.TOP_UP_FEN), ignore);
        }
        System.out.println("consumers registered under scattered ids, e.g. 1 -> " + scatter(1));
        return fixture;   // warmUp checks that every Pay is paid: a consumer left unregistered would fail it
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
