package com.wodian.perf;

import com.wodian.engine.Engine;
import com.wodian.protocol.CommandEncoder;
import com.wodian.protocol.sbe.PayEncoder;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.util.SplittableRandom;

/**
 * Loaded once per jar by JarsProbe (kind "warm", cut-probe.sh's default): EnginePayBenchmark's Pays (uniform parties,
 * a fresh paymentId each, every reply checked OK, the key table full and churning) on a population small enough to
 * stay in cache, so that a round measures the code of a Pay on warm lines apart from the misses of the 1 M-consumer
 * tables (there a staged Pay is ~470 ns of which ~250 ns waits for lines, and its JVM-to-JVM spread hides a few % of
 * code). Defaults: 4,096 consumers, 8 merchants with two terminals each (a consumer's spend pairs then fit in its
 * record's pair line, as most of the large workload's do), 16,384 keys; the Pays lie in a ring of 16,384 slots (1 MiB,
 * not PayRing's 64 MiB, whose stamping would be a cold stream beside warm tables). {@code -Dwarm.consumers=N
 * -Dwarm.merchants=N -Dwarm.keys=N -Dwarm.slots=N} (a power of two) change them. The population, warm pass and round
 * loop are {@link WarmPopulation}'s, shared with {@link JarWarmMixRunner}. Only the engine's public API and the fixture
 * are used, so that jars of earlier commits run it too.
 */
public final class JarWarmRunner implements WarmPopulation.Batches
{
    private static final int SLOT_SHIFT = WarmPopulation.SLOT_SHIFT;
    private static final int PAYMENT_ID_OFFSET = CommandEncoder.HEADER_LENGTH + PayEncoder.paymentIdEncodingOffset();

    private final WarmPopulation population;
    private final UnsafeBuffer ring;
    private final int slotMask;
    private final int payLength;
    private int cursor;
    private long nextPaymentId = 1;

    private JarWarmRunner(final WarmPopulation population, final int slots, final int merchants, final int consumers)
    {
        this.population = population;
        this.ring = population.ring;
        this.slotMask = slots - 1;
        final SplittableRandom random = new SplittableRandom(PayRing.SEED + 1);
        final CommandEncoder encoder = new CommandEncoder();
        int length = 0;
        for (int slot = 0; slot < slots; slot++)
        {
            final long merchantId = 1 + random.nextInt(merchants);
            final long terminalId =
                EngineFixture.terminalId(merchantId, random.nextInt(PayRing.TERMINALS_PER_MERCHANT));
            final long consumerId = 1 + random.nextInt(consumers);
            final long amountFen = random.nextLong(PayRing.AMOUNT_FEN_MIN, PayRing.AMOUNT_FEN_MAX + 1);
            length = encoder.pay(ring, slot << SLOT_SHIFT, merchantId, terminalId, 0, consumerId, amountFen);
        }
        if (length > 1 << SLOT_SHIFT)
        {
            throw new IllegalStateException("Pay longer than a ring slot: " + length);
        }
        this.payLength = length;
    }

    public static Object setUp()
    {
        final int consumers = Integer.getInteger("warm.consumers", 4096);
        final int merchants = Integer.getInteger("warm.merchants", 8);
        final int keys = Integer.getInteger("warm.keys", 16384);
        final int slots = Integer.getInteger("warm.slots", 16384);
        if (Integer.bitCount(slots) != 1)
        {
            throw new IllegalArgumentException("warm.slots must be a power of two: " + slots);
        }
        final WarmPopulation population =
            new WarmPopulation(WarmPopulation.config(consumers, merchants, keys), merchants, consumers, slots);
        final JarWarmRunner runner = new JarWarmRunner(population, slots, merchants, consumers);
        // Four times the key table: the table full and evicting before the first round, as PayRing.warmUp leaves the
        // large one.
        runner.population.warmUp("JarWarmRunner", 4 * keys / 64, runner);
        if (runner.population.fixture.engine().rememberedKeyCount() != keys)
        {
            throw new IllegalStateException("record table not full: " +
                runner.population.fixture.engine().rememberedKeyCount());
        }
        return runner;
    }

    /** Pays {@code payments} in batches; returns the fold. Checks every reply OK. */
    public static long run(final Object state, final int payments, final int batch, final boolean staged)
    {
        final JarWarmRunner runner = (JarWarmRunner)state;
        return runner.population.round("JarWarmRunner", payments, batch, staged, runner);
    }

    /** Stamps the next {@code batch} slots with fresh paymentIds, prefetches them when staged, applies them. */
    @Override
    public long batch(final int batch, final boolean staged)
    {
        final int first = cursor;
        for (int i = 0; i < batch; i++)
        {
            ring.putLong(offsetOf(first + i) + PAYMENT_ID_OFFSET, nextPaymentId++, ByteOrder.LITTLE_ENDIAN);
        }
        cursor = (first + batch) & slotMask;
        final Engine engine = population.fixture.engine();
        long prefetched = 0;
        if (staged)
        {
            for (int i = 0; i < batch; i++)
            {
                engine.prefetchInput(ring, offsetOf(first + i), payLength);
            }
            prefetched = engine.prefetchBatch();
        }
        for (int i = 0; i < batch; i++)
        {
            population.fixture.apply(ring, offsetOf(first + i), payLength, population.replies);
        }
        return prefetched;
    }

    private int offsetOf(final int slot)
    {
        return (slot & slotMask) << SLOT_SHIFT;
    }
}
