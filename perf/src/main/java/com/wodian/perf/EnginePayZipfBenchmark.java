package com.wodian.perf;

import com.wodian.protocol.CommandEncoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

import java.util.SplittableRandom;

/**
 * {@link EnginePayBenchmark} with realistic locality: consumers and merchants drawn from Zipf distributions (exponent
 * {@value #ZIPF_EXPONENT}: a few regulars and busy shops take most payments) instead of uniformly. Ranks are mapped to
 * ids through a fixed random permutation, so that the popular parties are scattered over the tables as registration
 * order would scatter them, not packed into the first rows. Everything else is {@link EnginePayBenchmark}'s.
 *
 * <p>The base workload: 1,000,000 consumers, 10,000 merchants with two terminals each.
 *
 * <p>The ring of commands, the full and churning key table and the reply checks: {@link PayRing}.
 */
public class EnginePayZipfBenchmark extends EngineBenchmarkSettings
{
    static final double ZIPF_EXPONENT = 1.0;
    /** The most popular ranks get this many more top-ups: the first regular takes ~7% of all payments. */
    static final int REGULARS = 1_000;
    static final int REGULAR_TOP_UPS = 100;

    private PayRing payments;

    @Setup(Level.Trial)
    public void setUp(final Blackhole blackhole)
    {
        payments = zipfRing("EnginePayZipfBenchmark", blackhole);
    }

    /** This benchmark's populated engine and ring, warmed up (also {@link EnginePayBatchBenchmark}'s zipf variant). */
    static PayRing zipfRing(final String name, final Blackhole blackhole)
    {
        final EngineFixture fixture = PayRing.populate();
        final ReplyCounter replies = new ReplyCounter(blackhole);
        final SplittableRandom random = new SplittableRandom(PayRing.SEED + 1);
        final ZipfIds consumers = new ZipfIds(PayRing.CONSUMERS, ZIPF_EXPONENT, random);
        final ZipfIds merchants = new ZipfIds(PayRing.MERCHANTS, ZIPF_EXPONENT, random);
        topUpRegulars(fixture, replies, consumers);
        final PayRing payments = new PayRing(name, fixture, replies, random, merchants::next, consumers::next);
        payments.warmUp();
        return payments;
    }

    /** Wallets of the regulars hold enough for every payment of a run to succeed (one top-up is capped at 1e9). */
    private static void topUpRegulars(final EngineFixture fixture, final ReplyCounter replies, final ZipfIds consumers)
    {
        final CommandEncoder encoder = new CommandEncoder();
        final UnsafeBuffer scratch = new UnsafeBuffer(new byte[256]);
        long externalRef = 10L * PayRing.CONSUMERS;
        for (int rank = 0; rank < REGULARS; rank++)
        {
            for (int i = 0; i < REGULAR_TOP_UPS; i++)
            {
                fixture.apply(scratch, 0, encoder.topUp(scratch, 0, consumers.idOfRank(rank), externalRef++,
                    PayRing.TOP_UP_FEN), replies);
            }
        }
        replies.requireAllOk("EnginePayZipfBenchmark regulars' top-ups");
        replies.reset();
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

    /** Ids 1..n drawn with probability proportional to 1 / rank^exponent, ranks scattered over ids. */
    static final class ZipfIds
    {
        private final double[] cumulative;
        private final int[] idByRank;

        ZipfIds(final int n, final double exponent, final SplittableRandom random)
        {
            cumulative = new double[n];
            double sum = 0;
            for (int rank = 0; rank < n; rank++)
            {
                sum += 1.0 / Math.pow(rank + 1, exponent);
                cumulative[rank] = sum;
            }
            for (int rank = 0; rank < n; rank++)
            {
                cumulative[rank] /= sum;
            }
            idByRank = new int[n];
            for (int rank = 0; rank < n; rank++)
            {
                idByRank[rank] = rank + 1;
            }
            for (int rank = n - 1; rank > 0; rank--)
            {
                final int other = random.nextInt(rank + 1);
                final int id = idByRank[rank];
                idByRank[rank] = idByRank[other];
                idByRank[other] = id;
            }
        }

        long idOfRank(final int rank)
        {
            return idByRank[rank];
        }

        long next(final SplittableRandom random)
        {
            int rank = java.util.Arrays.binarySearch(cumulative, random.nextDouble());
            rank = rank >= 0 ? rank : -rank - 1;
            return idByRank[Math.min(rank, idByRank.length - 1)];
        }
    }
}
