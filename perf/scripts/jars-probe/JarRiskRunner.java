package com.wodian.perf;

import org.openjdk.jmh.infra.Blackhole;

/** As JarRunner, for EngineRiskPayBenchmark with rules "on" (jars that have EngineRiskPayBenchmark.payBatch). */
public final class JarRiskRunner
{
    public static Object setUp()
    {
        final EngineRiskPayBenchmark b = new EngineRiskPayBenchmark();
        b.rules = System.getProperty("rules", "on");
        b.setUp(new Blackhole("Today's password is swordfish. I understand instantiating Blackholes directly is dangerous."));
        return b;
    }

    public static long run(final Object state, final int payments, final int batch, final boolean staged)
    {
        final EngineRiskPayBenchmark b = (EngineRiskPayBenchmark)state;
        long folded = 0;
        for (int i = 0; i < payments / batch; i++)
        {
            if (staged) { folded += b.payBatch(batch); } else { for (int k = 0; k < batch; k++) { b.pay(); } }
        }
        b.checkIteration();
        return folded;
    }
}
