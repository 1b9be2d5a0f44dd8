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

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * {@link EnginePayBenchmark}'s workload applied in batches of {@value #BATCH}, as the pipeline hands the engine a
 * ring batch: with {@code prefetch=on} each batch first goes through {@link com.wodian.engine.Engine#prefetch} (the
 * loads of every payment of the batch issued together), then is applied in order; {@code off} applies it alone.
 * Same commands, same replies (every reply is checked OK), so the two differ only by the prefetch pass.
 *
 * <p>The workload, as in {@link EnginePayBenchmark}: 1,000,000 consumers, 10,000
 * merchants with two terminals each, consumer and merchant drawn uniformly at random.
 *
 * <p>The ring of commands, the full and churning key table and the reply checks: {@link PayRing}.
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
public class EnginePayBatchBenchmark
{
    static final int BATCH = 64;

    private PayRing payments;
    private long prefetched;
    private boolean prefetchOn;

    /** on: each batch is prefetched before it is applied; off: applied alone. */
    @Param({"off", "on"})
    public String prefetch;

    @Setup(Level.Trial)
    public void setUp(final Blackhole blackhole)
    {
        prefetchOn = "on".equals(prefetch);
        payments = new PayRing("EnginePayBatchBenchmark", PayRing.populate(), new ReplyCounter(blackhole),
            new SplittableRandom(PayRing.SEED + 1), PayRing.uniform(PayRing.MERCHANTS),
            PayRing.uniform(PayRing.CONSUMERS));
        payments.warmUp();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long payBatch()
    {
        // The batch as the gateway filled the ring: a fresh paymentId in every slot.
        final int first = payments.stampNext(BATCH);
        final EngineFixture fixture = payments.fixture;
        if (prefetchOn)
        {
            for (int i = 0; i < BATCH; i++)
            {
                prefetched += fixture.engine().prefetch(payments.ring, PayRing.slotOffset(first + i),
                    payments.payLength, i);
            }
        }
        for (int i = 0; i < BATCH; i++)
        {
            fixture.apply(payments.ring, PayRing.slotOffset(first + i), payments.payLength, payments.replies);
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
