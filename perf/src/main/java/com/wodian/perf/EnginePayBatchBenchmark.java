package com.wodian.perf;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

import java.util.SplittableRandom;

/**
 * {@link EnginePayBenchmark}'s workload applied in batches, as the pipeline hands the engine a ring batch: the same
 * commands (1,000,000 consumers and 10,000 merchants with two terminals each, drawn uniformly at random; the key table
 * full and churning; every reply checked OK), so the variants differ only by how the batch is prefetched:
 * <ul>
 *     <li>{@code off}: each batch applied alone, one input at a time (what {@link EnginePayBenchmark} measures);</li>
 *     <li>{@code staged}: {@link com.wodian.engine.Engine#prefetchInput} for every input of the batch, then one
 *     {@link com.wodian.engine.Engine#prefetchBatch} (each dependency level loaded across the whole batch), then
 *     the batch applied in order;</li>
 * </ul>
 * {@code batch} is the number of inputs prefetched together (the server's chunk is
 * {@code EngineHandler.PREFETCH_CHUNK}). The ring of commands, the full and churning key table and the reply checks:
 * {@link PayRing}.
 */
public class EnginePayBatchBenchmark extends EngineBenchmarkSettings
{
    /** Payments per invocation (whole batches of {@code batch}): the score is payments per second. */
    static final int PAYMENTS_PER_INVOCATION = 128;

    private PayRing payments;
    private long prefetched;
    private int mode;

    /** off: applied alone; staged: staged prefetch of each batch, then applied. */
    @Param({"off", "staged"})
    public String prefetch;

    /** Inputs per batch. */
    @Param({"16", "32", "64", "128"})
    public int batch;

    /**
     * uniform: {@link EnginePayBenchmark}'s parties (the workload above); zipf: {@link EnginePayZipfBenchmark}'s
     * (consumers and merchants drawn from Zipf distributions, the regulars topped up), the realistic-locality variant.
     */
    @Param({"uniform"})
    public String parties;

    @Setup(Level.Trial)
    public void setUp(final Blackhole blackhole)
    {
        mode = PayBatches.mode(prefetch);
        if (batch < 1 || PAYMENTS_PER_INVOCATION % batch != 0)
        {
            throw new IllegalArgumentException("batch must divide " + PAYMENTS_PER_INVOCATION + ": " + batch);
        }
        if ("zipf".equals(parties))
        {
            payments = EnginePayZipfBenchmark.zipfRing("EnginePayBatchBenchmark zipf", blackhole);
            return;
        }
        if (!"uniform".equals(parties))
        {
            throw new IllegalArgumentException("parties must be uniform or zipf: " + parties);
        }
        payments = new PayRing("EnginePayBatchBenchmark", PayRing.populate(), new ReplyCounter(blackhole),
            new SplittableRandom(PayRing.SEED + 1), PayRing.uniform(PayRing.MERCHANTS),
            PayRing.uniform(PayRing.CONSUMERS));
        payments.warmUp();
    }

    @Benchmark
    @OperationsPerInvocation(PAYMENTS_PER_INVOCATION)
    public long payBatch()
    {
        for (int paid = 0; paid < PAYMENTS_PER_INVOCATION; paid += batch)
        {
            prefetched += PayBatches.payBatch(payments, batch, mode);
        }
        return prefetched;
    }

    @TearDown(Level.Iteration)
    public void checkIteration()
    {
        payments.checkIteration();
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        payments.fixture.engine().verifyInvariants();
    }
}
