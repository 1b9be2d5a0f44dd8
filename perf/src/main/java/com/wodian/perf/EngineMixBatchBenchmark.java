package com.wodian.perf;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;


/**
 * {@link EngineMixBenchmark}'s workload and ring (40% Pay, 25% Try, 25% Confirm, 10% Refund over 1,000,000 consumers
 * and 10,000 merchants, key table full and churning, every reply checked OK), applied in batches of {@code batch}
 * through the engine's staged prefetch ({@link EngineMixBenchmark#mixBatch}): the same commands in the same order as
 * {@link EngineMixBenchmark}, so the two scores compare one at a time with the batch path. The score is commands per
 * second (64 per invocation).
 */
public class EngineMixBatchBenchmark extends EngineBenchmarkSettings
{
    static final int COMMANDS_PER_INVOCATION = 64;

    private final EngineMixBenchmark mix = new EngineMixBenchmark();
    private long prefetched;

    /** Inputs per batch (divides 64). */
    @Param({"64"})
    public int batch;

    @Setup(Level.Trial)
    public void setUp(final Blackhole blackhole)
    {
        if (batch < 1 || COMMANDS_PER_INVOCATION % batch != 0)
        {
            throw new IllegalArgumentException("batch must divide " + COMMANDS_PER_INVOCATION + ": " + batch);
        }
        mix.setUp(blackhole);
    }

    @Benchmark
    @OperationsPerInvocation(COMMANDS_PER_INVOCATION)
    public long mixBatch()
    {
        for (int done = 0; done < COMMANDS_PER_INVOCATION; done += batch)
        {
            prefetched += mix.mixBatch(batch);
        }
        return prefetched;
    }

    @TearDown(Level.Iteration)
    public void checkIteration()
    {
        mix.checkIteration();
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        mix.tearDown();
    }
}
