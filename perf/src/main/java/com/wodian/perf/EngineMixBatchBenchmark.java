package com.wodian.perf;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.util.concurrent.TimeUnit;

/**
 * {@link EngineMixBenchmark}'s workload and ring (40% Pay, 25% Try, 25% Confirm, 10% Refund over 1,000,000 consumers
 * and 10,000 merchants, key table full and churning, every reply checked OK), applied in batches of {@code batch}
 * through the engine's staged prefetch ({@link EngineMixBenchmark#mixBatch}): the same commands in the same order as
 * {@link EngineMixBenchmark}, so the two scores compare one at a time with the batch path. The score is commands per
 * second (64 per invocation).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@State(Scope.Thread)
@Threads(1)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = {
    "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
    "-Dchronicle.analytics.disable=true",
    "-Dchronicle.announcer.disable=true",
    "-Xms4g",
    "-Xmx4g",
    "-XX:+AlwaysPreTouch"})
public class EngineMixBatchBenchmark
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
