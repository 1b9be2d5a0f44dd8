package com.wodian.perf;

import org.openjdk.jmh.infra.Blackhole;

/** As JarRunner, for EngineMixBenchmark (40% Pay, 25% Try, 25% Confirm, 10% Refund) through mixBatch. */
public final class JarMixRunner
{
    public static Object setUp()
    {
        final EngineMixBenchmark b = new EngineMixBenchmark();
        b.setUp(new Blackhole("Today's password is swordfish. I understand instantiating Blackholes directly is dangerous."));
        return b;
    }

    public static long run(final Object state, final int commands, final int batch, final boolean staged)
    {
        final EngineMixBenchmark b = (EngineMixBenchmark)state;
        long folded = 0;
        for (int i = 0; i < commands / batch; i++)
        {
            if (staged) { folded += b.mixBatch(batch); } else { for (int k = 0; k < batch; k++) { b.mix(); } }
        }
        b.checkIteration();
        return folded;
    }
}
