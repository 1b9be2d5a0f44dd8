package com.wodian.perf;

import com.wodian.protocol.CommandEncoder;
import com.wodian.protocol.sbe.EngineSetting;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.infra.Blackhole;
import java.util.SplittableRandom;

/**
 * JarRunner's workload (EnginePayBenchmark's set-up, then batches), but in a class loader whose jar path contains
 * "quota" the engine first gets SetEngineSetting MERCHANT_KEYS_MAX (and PAYMENT_TERMINAL_BINDING 2): the same jar
 * with the settings off and on, alternated in one JVM by JarsProbe. engsec's probe, 2026-12-05.
 */
public final class JarQuotaRunner
{
    public static Object setUp()
    {
        final Blackhole bh = new Blackhole("Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.");
        final EngineFixture fixture = PayRing.populate();
        final boolean on = com.wodian.engine.Engine.class.getProtectionDomain().getCodeSource().getLocation()
            .toString().contains("quota");
        if (on)
        {
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
            final CommandEncoder encoder = new CommandEncoder();
            final ReplyCounter counter = new ReplyCounter(bh);
            fixture.apply(buffer, 0, encoder.setEngineSetting(buffer, 0, EngineSetting.MERCHANT_KEYS_MAX, 1_000_000),
                counter);
            fixture.apply(buffer, 0, encoder.setEngineSetting(buffer, 0, EngineSetting.PAYMENT_TERMINAL_BINDING, 2),
                counter);
            counter.requireAllOk("settings on");
        }
        System.out.println("JarQuotaRunner settings " + (on ? "ON" : "off"));
        final PayRing ring = new PayRing("JarQuotaRunner", fixture, new ReplyCounter(bh),
            new SplittableRandom(PayRing.SEED + 1), PayRing.uniform(PayRing.MERCHANTS), PayRing.uniform(PayRing.CONSUMERS));
        ring.warmUp();
        return ring;
    }

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
