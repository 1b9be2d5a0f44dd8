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

import java.nio.ByteOrder;
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
public class EnginePayBatchBenchmark
{
    static final int BATCH = 64;
    static final int CONSUMERS = 1_000_000;
    static final int MERCHANTS = 10_000;
    static final int TERMINALS_PER_MERCHANT = 2;
    static final int KEYS_MAX = 2_000_000;
    static final int RING_SIZE = 1 << 20;
    static final int SLOT_SHIFT = 6;
    static final long TOP_UP_FEN = 1_000_000_000L;
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
    private long prefetched;
    private boolean prefetchOn;

    /** on: each batch is prefetched before it is applied; off: applied alone. */
    @Param({"off", "on"})
    public String prefetch;

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
        prefetchOn = "on".equals(prefetch);

        ring = new UnsafeBuffer(BufferUtil.allocateDirectAligned(RING_SIZE << SLOT_SHIFT, 64));
        final CommandEncoder encoder = new CommandEncoder();
        final SplittableRandom random = new SplittableRandom(SEED + 1);
        for (int slot = 0; slot < RING_SIZE; slot++)
        {
            final long merchantId = 1 + random.nextInt(MERCHANTS);
            final long terminalId = EngineFixture.terminalId(merchantId, random.nextInt(TERMINALS_PER_MERCHANT));
            final long consumerId = 1 + random.nextInt(CONSUMERS);
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
        replies.requireAllOk("EnginePayBatchBenchmark warm pass");
        System.out.println("EnginePayBatchBenchmark warm pass replies: " + replies.summary() + "; remembered keys " +
            fixture.engine().rememberedKeyCount());
        if (fixture.engine().rememberedKeyCount() != KEYS_MAX)
        {
            throw new IllegalStateException("record table not full after the warm pass: " +
                fixture.engine().rememberedKeyCount());
        }
        fixture.engine().verifyInvariants();
        replies.reset();
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long payBatch()
    {
        final int first = cursor;
        // The batch as the gateway filled the ring: a fresh paymentId in every slot.
        for (int i = 0; i < BATCH; i++)
        {
            ring.putLong(slotOffset(first + i) + PAYMENT_ID_OFFSET, nextPaymentId++, ByteOrder.LITTLE_ENDIAN);
        }
        if (prefetchOn)
        {
            for (int i = 0; i < BATCH; i++)
            {
                prefetched += fixture.engine().prefetch(ring, slotOffset(first + i), payLength, i);
            }
        }
        for (int i = 0; i < BATCH; i++)
        {
            fixture.apply(ring, slotOffset(first + i), payLength, replies);
        }
        cursor = (first + BATCH) & (RING_SIZE - 1);
        return prefetched;
    }

    private static int slotOffset(final int slot)
    {
        return (slot & (RING_SIZE - 1)) << SLOT_SHIFT;
    }

    private void pay()
    {
        final int offset = cursor << SLOT_SHIFT;
        ring.putLong(offset + PAYMENT_ID_OFFSET, nextPaymentId++, ByteOrder.LITTLE_ENDIAN);
        fixture.apply(ring, offset, payLength, replies);
        cursor = (cursor + 1) & (RING_SIZE - 1);
    }

    @TearDown(Level.Iteration)
    public void checkIteration()
    {
        replies.requireAllOk("EnginePayBatchBenchmark iteration");
        replies.reset();
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        fixture.engine().verifyInvariants();
    }
}
