package com.wodian.perf;

import com.wodian.engine.EngineConfig;
import com.wodian.protocol.CommandEncoder;
import com.wodian.protocol.sbe.PayEncoder;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.util.SplittableRandom;

/**
 * The set-up the Pay benchmarks share ({@link EnginePayBenchmark}, {@link EnginePayBatchBenchmark},
 * {@link EnginePayZipfBenchmark}): 1,000,000 consumers, 10,000 merchants with two terminals each, and Pay commands
 * encoded into a ring of {@value #RING_SIZE} 64-byte slots (64 MiB, so that the consumers touched per pass are not all
 * cache-resident). Paying writes a fresh paymentId into the next slot, so that every payment inserts a new
 * idempotency key and, with {@code keyRetentionMs = 0} and input time advancing, evicts the oldest finished key: after
 * {@link #warmUp()} the record table is full and churning, as in production. Wallets are topped up far beyond what a
 * run spends, so every payment succeeds; the warm pass and every measured iteration check that all replies are OK.
 */
final class PayRing
{
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
    /** System property: BALANCE_PROBE_LIMIT for the Pay benchmarks (0, the default: off, as before). */
    static final String BALANCE_PROBE_LIMIT_PROPERTY = "wodian.bench.balance.probe.limit";
    static final int PROBED_PAIRS = 1 << 18;

    private static final int PAYMENT_ID_OFFSET = CommandEncoder.HEADER_LENGTH + PayEncoder.paymentIdEncodingOffset();

    /** Draws the id of a party (1..n) for the next command of the ring. */
    interface IdDraw
    {
        long next(SplittableRandom random);
    }

    final EngineFixture fixture;
    final ReplyCounter replies;
    final UnsafeBuffer ring;
    final int payLength;
    private final String name;
    private int cursor;
    private long nextPaymentId = 1;

    /** The engine with the benchmark's parties, every consumer topped up once. */
    static EngineFixture populate()
    {
        final EngineConfig config = new EngineConfig()
            .consumersMax(CONSUMERS)
            .merchantsMax(MERCHANTS)
            .terminalsMax(MERCHANTS * TERMINALS_PER_MERCHANT)
            .keysMax(KEYS_MAX)
            .keyRetentionMs(0)
            .amountFenMax(EngineConfig.AMOUNT_FEN_CEILING);
        final EngineFixture fixture =
            EngineFixture.populate(config, MERCHANTS, TERMINALS_PER_MERCHANT, CONSUMERS, TOP_UP_FEN, SEED);
        final int probeLimit = Integer.getInteger(BALANCE_PROBE_LIMIT_PROPERTY, 0);
        if (probeLimit > 0)
        {
            fillProbeTable(fixture, probeLimit);
        }
        return fixture;
    }

    /**
     * {@code -Dwodian.bench.balance.probe.limit=N} (N > 0): BALANCE_PROBE_LIMIT N (the risk baseline's 6), and a
     * quarter of the probe table's slots filled by a Try and its Cancel of {@value #PROBED_PAIRS} random pairs, so that
     * each measured Pay's look-up reads a table in use (cache misses included), not empty pages.
     */
    private static void fillProbeTable(final EngineFixture fixture, final int limit)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
        final CommandEncoder encoder = new CommandEncoder();
        final com.wodian.engine.ReplySink ignore = (reply, offset, length) -> { };
        fixture.apply(buffer, 0, encoder.setEngineSetting(buffer, 0,
            com.wodian.protocol.sbe.EngineSetting.BALANCE_PROBE_LIMIT, limit), ignore);
        final SplittableRandom random = new SplittableRandom(SEED + 7);
        for (int i = 0; i < PROBED_PAIRS; i++)
        {
            final long merchantId = 1 + random.nextInt(MERCHANTS);
            final long terminalId = EngineFixture.terminalId(merchantId, 0);
            final long paymentId = (1L << 50) + i;
            fixture.apply(buffer, 0, encoder.tryPayment(buffer, 0, merchantId, terminalId, paymentId,
                1 + random.nextInt(CONSUMERS), AMOUNT_FEN_MIN, 60_000), ignore);
            fixture.apply(buffer, 0, encoder.cancel(buffer, 0, merchantId, terminalId, paymentId), ignore);
        }
        System.out.println("balance probe limit " + limit + ": " + PROBED_PAIRS + " pairs probed once");
    }

    /** Encodes the ring: for each slot a merchant, one of its terminals, a consumer and an amount, in that order. */
    PayRing(final String name, final EngineFixture fixture, final ReplyCounter replies, final SplittableRandom random,
        final IdDraw merchants, final IdDraw consumers)
    {
        this.name = name;
        this.fixture = fixture;
        this.replies = replies;
        this.ring = new UnsafeBuffer(BufferUtil.allocateDirectAligned(RING_SIZE << SLOT_SHIFT, 64));
        final CommandEncoder encoder = new CommandEncoder();
        int length = 0;
        for (int slot = 0; slot < RING_SIZE; slot++)
        {
            final long merchantId = merchants.next(random);
            final long terminalId = EngineFixture.terminalId(merchantId, random.nextInt(TERMINALS_PER_MERCHANT));
            final long consumerId = consumers.next(random);
            final long amountFen = random.nextLong(AMOUNT_FEN_MIN, AMOUNT_FEN_MAX + 1);
            length = encoder.pay(ring, slot << SLOT_SHIFT, merchantId, terminalId, 0, consumerId, amountFen);
        }
        if (length > 1 << SLOT_SHIFT)
        {
            throw new IllegalStateException("Pay longer than a ring slot: " + length);
        }
        this.payLength = length;
    }

    /** Uniform draws of 1..n. */
    static IdDraw uniform(final int n)
    {
        return random -> 1 + random.nextInt(n);
    }

    /**
     * Two trips round the ring fill the record table (2 M keys) so that measurement starts in the evicting steady
     * state, and prove that the commands measured are successful payments.
     */
    void warmUp()
    {
        for (int i = 0; i < 2 * RING_SIZE; i++)
        {
            payNext();
        }
        replies.requireAllOk(name + " warm pass");
        System.out.println(name + " warm pass replies: " + replies.summary() + "; remembered keys " +
            fixture.engine().rememberedKeyCount());
        if (fixture.engine().rememberedKeyCount() != KEYS_MAX)
        {
            throw new IllegalStateException("record table not full after the warm pass: " +
                fixture.engine().rememberedKeyCount());
        }
        fixture.engine().verifyInvariants();
        replies.reset();
    }

    /** Applies the next slot's payment under a fresh paymentId. */
    void payNext()
    {
        final int offset = cursor << SLOT_SHIFT;
        ring.putLong(offset + PAYMENT_ID_OFFSET, nextPaymentId++, ByteOrder.LITTLE_ENDIAN);
        fixture.apply(ring, offset, payLength, replies);
        cursor = (cursor + 1) & (RING_SIZE - 1);
    }

    /** Gives the next {@code count} slots fresh paymentIds (as a gateway fills them) and returns the first slot. */
    int stampNext(final int count)
    {
        final int first = cursor;
        for (int i = 0; i < count; i++)
        {
            ring.putLong(slotOffset(first + i) + PAYMENT_ID_OFFSET, nextPaymentId++, ByteOrder.LITTLE_ENDIAN);
        }
        cursor = (first + count) & (RING_SIZE - 1);
        return first;
    }

    static int slotOffset(final int slot)
    {
        return (slot & (RING_SIZE - 1)) << SLOT_SHIFT;
    }

    void checkIteration()
    {
        replies.requireAllOk(name + " iteration");
        replies.reset();
    }
}
