package com.wodian.perf;

import com.wodian.engine.EngineConfig;
import com.wodian.protocol.CommandEncoder;
import com.wodian.protocol.sbe.PayEncoder;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

import java.nio.ByteOrder;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * {@link EnginePayBenchmark} with realistic locality: consumers and merchants drawn from Zipf distributions (exponent
 * {@value #ZIPF_EXPONENT}: a few regulars and busy shops take most payments) instead of uniformly. Ranks are mapped to
 * ids through a fixed random permutation, so that the popular parties are scattered over the tables as registration
 * order would scatter them, not packed into the first rows. Everything else is {@link EnginePayBenchmark}'s.
 *
 * <p>The base workload: 1,000,000 consumers, 10,000 merchants with two terminals each.
 *
 * <p>Commands are encoded in {@code @Setup} into a ring of {@value #RING_SIZE} 64-byte slots (64 MiB, so that the
 * consumers touched per pass are not all cache-resident); the measured method only writes a fresh paymentId into the
 * next slot, so that every payment inserts a new idempotency key and, with {@code keyRetentionMs = 0} and input
 * time advancing, evicts the oldest finished key: the record table is full and churning in steady state, as in
 * production. Wallets are topped up far beyond what a run spends, so every payment succeeds; a warm pass in set-up
 * and every measured iteration check that all replies are OK.
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
public class EnginePayZipfBenchmark
{
    static final double ZIPF_EXPONENT = 1.0;
    static final int CONSUMERS = 1_000_000;
    static final int MERCHANTS = 10_000;
    static final int TERMINALS_PER_MERCHANT = 2;
    static final int KEYS_MAX = 2_000_000;
    static final int RING_SIZE = 1 << 20;
    static final int SLOT_SHIFT = 6;
    static final long TOP_UP_FEN = 1_000_000_000L;
    /** The most popular ranks get this many more top-ups: the first regular takes ~7% of all payments. */
    static final int REGULARS = 1_000;
    static final int REGULAR_TOP_UPS = 100;
    static final long AMOUNT_FEN_MIN = 100;
    static final long AMOUNT_FEN_MAX = 20_000;
    static final long SEED = 0x5EED_0001L;

    private static final int PAYMENT_ID_OFFSET = CommandEncoder.HEADER_LENGTH + PayEncoder.paymentIdEncodingOffset();

    private EngineFixture fixture;
    private UnsafeBuffer ring;
    private int payLength;
    private int cursor;
    private long nextPaymentId = 1;
    private ReplyCounter replies;

    @Setup(Level.Trial)
    public void setUp(final Blackhole blackhole)
    {
        final EngineConfig config = new EngineConfig()
            .consumersMax(CONSUMERS)
            .merchantsMax(MERCHANTS)
            .terminalsMax(MERCHANTS * TERMINALS_PER_MERCHANT)
            .keysMax(KEYS_MAX)
            .keyRetentionMs(0)
            .amountFenMax(EngineConfig.AMOUNT_FEN_CEILING);
        fixture = EngineFixture.populate(config, MERCHANTS, TERMINALS_PER_MERCHANT, CONSUMERS, TOP_UP_FEN, SEED);
        replies = new ReplyCounter(blackhole);

        ring = new UnsafeBuffer(BufferUtil.allocateDirectAligned(RING_SIZE << SLOT_SHIFT, 64));
        final CommandEncoder encoder = new CommandEncoder();
        final SplittableRandom random = new SplittableRandom(SEED + 1);
        final ZipfIds consumers = new ZipfIds(CONSUMERS, ZIPF_EXPONENT, random);
        final ZipfIds merchants = new ZipfIds(MERCHANTS, ZIPF_EXPONENT, random);
        topUpRegulars(consumers, encoder);
        for (int slot = 0; slot < RING_SIZE; slot++)
        {
            final long merchantId = merchants.next(random);
            final long terminalId = EngineFixture.terminalId(merchantId, random.nextInt(TERMINALS_PER_MERCHANT));
            final long consumerId = consumers.next(random);
            final long amountFen = random.nextLong(AMOUNT_FEN_MIN, AMOUNT_FEN_MAX + 1);
            payLength = encoder.pay(ring, slot << SLOT_SHIFT, merchantId, terminalId, 0, consumerId, amountFen);
        }
        if (payLength > 1 << SLOT_SHIFT)
        {
            throw new IllegalStateException("Pay longer than a ring slot: " + payLength);
        }

        // Warm pass: two trips round the ring fill the record table (2M keys) so that measurement starts in the
        // evicting steady state, and prove that the commands measured are successful payments.
        for (int i = 0; i < 2 * RING_SIZE; i++)
        {
            pay();
        }
        replies.requireAllOk("EnginePayZipfBenchmark warm pass");
        System.out.println("EnginePayZipfBenchmark warm pass replies: " + replies.summary() + "; remembered keys " +
            fixture.engine().rememberedKeyCount());
        if (fixture.engine().rememberedKeyCount() != KEYS_MAX)
        {
            throw new IllegalStateException("record table not full after the warm pass: " +
                fixture.engine().rememberedKeyCount());
        }
        fixture.engine().verifyInvariants();
        replies.reset();
    }

    /** Wallets of the regulars hold enough for every payment of a run to succeed (one top-up is capped at 1e9). */
    private void topUpRegulars(final ZipfIds consumers, final CommandEncoder encoder)
    {
        final UnsafeBuffer scratch = new UnsafeBuffer(new byte[256]);
        long externalRef = 10L * CONSUMERS;
        for (int rank = 0; rank < REGULARS; rank++)
        {
            for (int i = 0; i < REGULAR_TOP_UPS; i++)
            {
                fixture.apply(scratch, 0, encoder.topUp(scratch, 0, consumers.idOfRank(rank), externalRef++,
                    TOP_UP_FEN), replies);
            }
        }
        replies.requireAllOk("EnginePayZipfBenchmark regulars' top-ups");
        replies.reset();
    }

    @Benchmark
    public void pay()
    {
        final int offset = cursor << SLOT_SHIFT;
        ring.putLong(offset + PAYMENT_ID_OFFSET, nextPaymentId++, ByteOrder.LITTLE_ENDIAN);
        fixture.apply(ring, offset, payLength, replies);
        cursor = (cursor + 1) & (RING_SIZE - 1);
    }

    @TearDown(Level.Iteration)
    public void checkIteration()
    {
        replies.requireAllOk("EnginePayZipfBenchmark iteration");
        replies.reset();
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        fixture.engine().verifyInvariants();
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
