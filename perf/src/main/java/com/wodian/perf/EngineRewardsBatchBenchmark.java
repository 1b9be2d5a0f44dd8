package com.wodian.perf;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * {@link EngineRewardsBenchmark}'s workload (Pay with every reward on, a RedeemPoints and a Pay spending its voucher in
 * every eleven operations, 1,000,000 consumers and 10,000 merchants, every reply checked OK), applied in batches of
 * {@code batch} through the engine's staged prefetch ({@link EngineRewardsBenchmark#rewardsBatch}): the same commands
 * in the same order, so the two scores compare one at a time with the batch path. The score is operations per second
 * (64 per invocation), counted as {@link EngineRewardsBenchmark} counts them.
 */
@Fork(value = 1, jvmArgsAppend = {
    "--add-exports=java.base/jdk.internal.misc=ALL-UNNAMED",
    "-Dchronicle.analytics.disable=true",
    "-Dchronicle.announcer.disable=true",
    "-Xms6g",
    "-Xmx6g",
    "-XX:+AlwaysPreTouch"})
public class EngineRewardsBatchBenchmark extends EngineBenchmarkSettings
{
    static final int OPERATIONS_PER_INVOCATION = 64;

    private final EngineRewardsBenchmark rewards = new EngineRewardsBenchmark();
    private long prefetched;

    /** Inputs per batch (divides 64). */
    @Param({"64"})
    public int batch;

    /** As {@link EngineRewardsBenchmark#tables}. */
    @Param({"reserve"})
    public String tables;

    @Setup(Level.Trial)
    public void setUp()
    {
        if (batch < 1 || OPERATIONS_PER_INVOCATION % batch != 0)
        {
            throw new IllegalArgumentException("batch must divide " + OPERATIONS_PER_INVOCATION + ": " + batch);
        }
        rewards.tables = tables;
        rewards.setUp();
        rewards.prepareBatches(batch);
    }

    @Benchmark
    @OperationsPerInvocation(OPERATIONS_PER_INVOCATION)
    public long rewardsBatch()
    {
        for (int done = 0; done < OPERATIONS_PER_INVOCATION; done += batch)
        {
            prefetched += rewards.rewardsBatch(batch);
        }
        return prefetched;
    }

    @TearDown(Level.Iteration)
    public void checkIteration()
    {
        rewards.requireAllOk("EngineRewardsBatchBenchmark iteration");
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        rewards.tearDown();
    }
}
