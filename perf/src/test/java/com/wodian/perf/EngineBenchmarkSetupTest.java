package com.wodian.perf;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openjdk.jmh.infra.Blackhole;

import java.util.concurrent.TimeUnit;

/**
 * The JMH benchmarks' own set-up and checks, run once without JMH: population, ring, the warm pass that must be all
 * OK, a stretch of measured operations, the per-iteration all-OK check and the final invariants. Keeps a broken
 * benchmark (one that would measure refusals) from reaching a measurement run.
 */
class EngineBenchmarkSetupTest
{
    private static final String BLACKHOLE_CHALLENGE =
        "Today's password is swordfish. I understand instantiating Blackholes directly is dangerous.";
    private static final int OPERATIONS = 200_000;

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void payBenchmarkMeasuresSuccessfulPayments()
    {
        final EnginePayBenchmark benchmark = new EnginePayBenchmark();
        benchmark.setUp(new Blackhole(BLACKHOLE_CHALLENGE));
        for (int i = 0; i < OPERATIONS; i++)
        {
            benchmark.pay();
        }
        benchmark.checkIteration();
        benchmark.tearDown();
    }

    @Test
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void mixBenchmarkMeasuresSuccessfulCommands()
    {
        final EngineMixBenchmark benchmark = new EngineMixBenchmark();
        benchmark.setUp(new Blackhole(BLACKHOLE_CHALLENGE));
        for (int i = 0; i < OPERATIONS; i++)
        {
            benchmark.mix();
        }
        benchmark.checkIteration();
        benchmark.tearDown();
    }
}
