package com.wodian.perf;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;


/**
 * {@link EngineRiskPayBenchmark}'s workload and ring (EnginePayBenchmark's Pays, 1,000,000 consumers uniform, key table
 * full and churning, every reply checked OK, with the risk rules as {@code rules} says), applied in batches of
 * {@code batch} through the engine's staged prefetch ({@link EngineRiskPayBenchmark#payBatch}): the same commands in
 * the same order, so the two scores compare one at a time with the batch path. The score is payments per second (64
 * per invocation).
 */
public class EngineRiskPayBatchBenchmark extends EngineBenchmarkSettings
{
    static final int PAYMENTS_PER_INVOCATION = 64;

    private final EngineRiskPayBenchmark riskPay = new EngineRiskPayBenchmark();
    private long prefetched;

    /** As {@link EngineRiskPayBenchmark#rules}; {@code on} is issue 14's "rules on". */
    @Param({"off", "on", "worst", "model", "trained"})
    public String rules;

    /** Inputs per batch (divides 64). */
    @Param({"64"})
    public int batch;

    @Setup(Level.Trial)
    public void setUp(final Blackhole blackhole)
    {
        if (batch < 1 || PAYMENTS_PER_INVOCATION % batch != 0)
        {
            throw new IllegalArgumentException("batch must divide " + PAYMENTS_PER_INVOCATION + ": " + batch);
        }
        riskPay.rules = rules;
        riskPay.setUp(blackhole);
    }

    @Benchmark
    @OperationsPerInvocation(PAYMENTS_PER_INVOCATION)
    public long payBatch()
    {
        for (int paid = 0; paid < PAYMENTS_PER_INVOCATION; paid += batch)
        {
            prefetched += riskPay.payBatch(batch);
        }
        return prefetched;
    }

    @TearDown(Level.Iteration)
    public void checkIteration()
    {
        riskPay.checkIteration();
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        riskPay.tearDown();
    }
}
