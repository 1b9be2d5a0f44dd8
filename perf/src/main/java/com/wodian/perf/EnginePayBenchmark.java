package com.wodian.perf;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

import java.util.SplittableRandom;

/**
 * The engine alone (no journal, no network) applying single-phase Pay commands: 1,000,000 consumers, 10,000
 * merchants with two terminals each, consumer and merchant drawn uniformly at random.
 *
 * <p>The ring of commands, the full and churning key table and the reply checks: {@link PayRing}.
 */
public class EnginePayBenchmark extends EngineBenchmarkSettings
{
    // The workload's shape, named here for the benchmarks built on it (PayRing holds the set-up).
    static final int CONSUMERS = PayRing.CONSUMERS;
    static final int MERCHANTS = PayRing.MERCHANTS;
    static final int TERMINALS_PER_MERCHANT = PayRing.TERMINALS_PER_MERCHANT;
    static final int KEYS_MAX = PayRing.KEYS_MAX;
    static final int RING_SIZE = PayRing.RING_SIZE;
    static final int SLOT_SHIFT = PayRing.SLOT_SHIFT;
    static final long TOP_UP_FEN = PayRing.TOP_UP_FEN;
    static final long AMOUNT_FEN_MIN = PayRing.AMOUNT_FEN_MIN;
    static final long AMOUNT_FEN_MAX = PayRing.AMOUNT_FEN_MAX;
    static final long SEED = PayRing.SEED;

    private PayRing payments;

    @Setup(Level.Trial)
    public void setUp(final Blackhole blackhole)
    {
        payments = new PayRing("EnginePayBenchmark", PayRing.populate(), new ReplyCounter(blackhole),
            new SplittableRandom(SEED + 1), PayRing.uniform(MERCHANTS), PayRing.uniform(CONSUMERS));
        payments.warmUp();
    }

    @Benchmark
    public void pay()
    {
        payments.payNext();
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
