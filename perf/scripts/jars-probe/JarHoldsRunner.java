package com.wodian.perf;

import com.wodian.engine.EngineConfig;
import com.wodian.protocol.CommandEncoder;
import com.wodian.protocol.sbe.PaymentConfirmEncoder;
import com.wodian.protocol.sbe.PaymentTryEncoder;

import java.nio.ByteOrder;
import java.util.SplittableRandom;

/**
 * Loaded once per jar by JarsProbe (cut-probe.sh kind "holds", since session 59): Tries and Confirms only, with MANY
 * holds live, so that the expiry queue is deep and its compares read record rows that are not in cache (the warm Mix
 * keeps 8-59 holds live, six heap levels on warm rows). A ring pass is {@code 2 * live} slots, a Try and a Confirm in
 * turn; the Confirms of a pass confirm the previous pass's Tries in a random order, so about {@code live} holds are
 * live at every command (100,000 by default) and each Confirm removes one from anywhere in the queue. A Try's ttl is
 * drawn from 10..30 minutes (a new hold sorts anywhere, not always last); no hold expires, since a hold lives at most
 * two passes (25 s of the fixture's input time at 100,000). Every reply is checked OK.
 *
 * <p>The population is {@link WarmPopulation}'s (4,096 consumers, 8 merchants with two terminals each), so that the
 * misses left are the holds' own: the key table's index and rows (262,144 keys) and the queue. Before the warm pass
 * the previous pass's Tries are applied once, so that the first Confirms find their holds. {@code -Dholds.live=N
 * -Dholds.keys=N -Dholds.ttlMinMs=MS} (a ttl from MS to 30 minutes; 1800000: every ttl the same, a new hold always
 * sorts last) change it. The batch is {@link WarmPopulation.PassRing}'s, shared with {@link JarWarmMixRunner}. Only the
 * engine's public API and the fixture are used, so jars of earlier commits run it too.
 */
public final class JarHoldsRunner extends WarmPopulation.PassRing
{
    private static final int SLOT_SHIFT = WarmPopulation.SLOT_SHIFT;
    private static final int CONSUMERS = 4096;
    private static final int MERCHANTS = 8;
    private static final int LIVE = Integer.getInteger("holds.live", 100_000);
    private static final int SLOTS = 2 * LIVE;
    private static final int KEYS = Integer.getInteger("holds.keys", 262_144);
    private static final long TTL_MS_MAX = 30L * 60 * 1000;
    private static final long TTL_MS_MIN = Long.getLong("holds.ttlMinMs", 10L * 60 * 1000);
    private static final int TRY_ID_OFFSET = CommandEncoder.HEADER_LENGTH + PaymentTryEncoder.paymentIdEncodingOffset();
    private static final int CONFIRM_ID_OFFSET =
        CommandEncoder.HEADER_LENGTH + PaymentConfirmEncoder.paymentIdEncodingOffset();
    /** The first pass's ids start one pass up, so that the pass before it (its Tries applied at set-up) starts at 1. */
    private static final long FIRST_PASS_BASE = SLOTS + 1;

    private final int[] paymentIdOffsets = new int[SLOTS];
    // A slot's payment id less the pass's base: its own slot for a Try, the Try's slot less SLOTS for a Confirm.
    private final int[] paymentIdSlots = new int[SLOTS];

    private JarHoldsRunner(final WarmPopulation population)
    {
        super(population, SLOTS, FIRST_PASS_BASE);
        final SplittableRandom random = new SplittableRandom(PayRing.SEED + 3);
        final CommandEncoder encoder = new CommandEncoder();
        final long[] merchantOfTry = new long[LIVE];
        final long[] terminalOfTry = new long[LIVE];
        for (int t = 0; t < LIVE; t++)
        {
            final int slot = 2 * t;
            merchantOfTry[t] = 1 + random.nextInt(MERCHANTS);
            terminalOfTry[t] =
                EngineFixture.terminalId(merchantOfTry[t], random.nextInt(PayRing.TERMINALS_PER_MERCHANT));
            lengths[slot] = encoder.tryPayment(ring, slot << SLOT_SHIFT, merchantOfTry[t], terminalOfTry[t], 0,
                1 + random.nextInt(CONSUMERS), random.nextLong(PayRing.AMOUNT_FEN_MIN, PayRing.AMOUNT_FEN_MAX + 1),
                random.nextLong(TTL_MS_MIN, TTL_MS_MAX + 1));
            paymentIdOffsets[slot] = TRY_ID_OFFSET;
            paymentIdSlots[slot] = slot;
        }
        final int[] confirmOrder = shuffledTries(random);
        for (int c = 0; c < LIVE; c++)
        {
            final int slot = 2 * c + 1;
            final int t = confirmOrder[c];
            lengths[slot] = encoder.confirm(ring, slot << SLOT_SHIFT, merchantOfTry[t], terminalOfTry[t], 0);
            paymentIdOffsets[slot] = CONFIRM_ID_OFFSET;
            paymentIdSlots[slot] = 2 * t - SLOTS;
        }
        for (int slot = 0; slot < SLOTS; slot++)
        {
            if (lengths[slot] > 1 << SLOT_SHIFT)
            {
                throw new IllegalStateException("command longer than a ring slot: " + lengths[slot]);
            }
        }
    }

    private static int[] shuffledTries(final SplittableRandom random)
    {
        final int[] order = new int[LIVE];
        for (int t = 0; t < LIVE; t++)
        {
            order[t] = t;
        }
        for (int t = LIVE - 1; t > 0; t--)
        {
            final int other = random.nextInt(t + 1);
            final int swap = order[t];
            order[t] = order[other];
            order[other] = swap;
        }
        return order;
    }

    public static Object setUp()
    {
        final EngineConfig config = WarmPopulation.config(CONSUMERS, MERCHANTS, KEYS)
            .holdsMax(2 * LIVE)
            .ttlMsMax(TTL_MS_MAX);
        final JarHoldsRunner runner = new JarHoldsRunner(new WarmPopulation(config, MERCHANTS, CONSUMERS, SLOTS));
        runner.applyPreviousPassTries();
        // One pass of the ring: every hold of the first pass confirmed and the key table churning before any round.
        runner.population.warmUp("JarHoldsRunner", SLOTS / 64, runner);
        if (runner.population.fixture.engine().liveHoldCount() < LIVE)
        {
            throw new IllegalStateException("live holds " + runner.population.fixture.engine().liveHoldCount() +
                " < " + LIVE);
        }
        return runner;
    }

    /** Applies {@code commands} in batches; returns the fold. Checks every reply OK. */
    public static long run(final Object state, final int commands, final int batch, final boolean staged)
    {
        final JarHoldsRunner runner = (JarHoldsRunner)state;
        return runner.population.round("JarHoldsRunner", commands, batch, staged, runner);
    }

    /** The Tries the first pass's Confirms confirm, one at a time (their replies checked by the warm pass). */
    private void applyPreviousPassTries()
    {
        for (int slot = 0; slot < SLOTS; slot += 2)
        {
            stampIds(slot, FIRST_PASS_BASE - SLOTS);
            population.fixture.apply(ring, slot << SLOT_SHIFT, lengths[slot], population.replies);
        }
    }

    /** Writes slot {@code slot}'s payment id for the pass starting at {@code base}. */
    @Override
    void stampIds(final int slot, final long base)
    {
        ring.putLong((slot << SLOT_SHIFT) + paymentIdOffsets[slot], base + paymentIdSlots[slot],
            ByteOrder.LITTLE_ENDIAN);
    }
}
