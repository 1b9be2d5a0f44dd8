package com.wodian.perf;

import com.wodian.engine.EngineConfig;
import com.wodian.protocol.CommandEncoder;
import com.wodian.protocol.sbe.PayEncoder;
import com.wodian.protocol.sbe.PaymentConfirmEncoder;
import com.wodian.protocol.sbe.PaymentTryEncoder;
import com.wodian.protocol.sbe.RefundEncoder;
import org.agrona.collections.IntArrayList;

import java.nio.ByteOrder;
import java.util.SplittableRandom;

/**
 * Loaded once per jar by JarsProbe (cut-probe.sh kind "warmmix", since session 57): {@link EngineMixBenchmark}'s mix
 * (about 40% Pay, 25% Try, 25% Confirm of the oldest open Try, 10% Refund of half a recent Pay; fresh ids on every
 * ring pass, every reply checked OK) on {@link JarWarmRunner}'s small population ({@link WarmPopulation}): 4,096
 * consumers, 8 merchants with two terminals each, 32,768 keys (the key table full and churning), a ring of 16,384
 * slots (1 MiB). So a round measures the code of the Mix's commands on warm lines, which "warm" (Pays only) does not
 * run: a cut of the Try, Confirm or Refund path shows here and not there. Refunds pick among the 2,048 most recent
 * Pays not yet refunded (EngineMixBenchmark: 10,000), so that the Pay is still remembered in the smaller key table.
 * The batch is {@link WarmPopulation.PassRing}'s, shared with {@link JarHoldsRunner}. Only the engine's public API and
 * the fixture are used, so that jars of earlier commits run it too.
 */
public final class JarWarmMixRunner extends WarmPopulation.PassRing
{
    private static final int SLOT_SHIFT = WarmPopulation.SLOT_SHIFT;
    private static final int SLOTS = 16384;
    private static final int CONSUMERS = 4096;
    private static final int MERCHANTS = 8;
    private static final int KEYS = 32768;
    private static final int HOLDS_MAX = 65536;
    private static final int REFUND_WINDOW = 2048;
    private static final long TTL_MS = 60_000;
    /** Where a command without a refundId writes its dummy one: a spare slot past the ring, so no branch. */
    private static final int DUMMY_ID_INDEX = SLOTS << SLOT_SHIFT;

    private final int[] paymentIdOffsets = new int[SLOTS];
    private final int[] refundIdIndexes = new int[SLOTS];
    private final int[] paymentIdSlots = new int[SLOTS];

    private JarWarmMixRunner(final WarmPopulation population)
    {
        super(population, SLOTS, 1);
        final RingBuilder builder = new RingBuilder();
        for (int slot = 0; slot < SLOTS; slot++)
        {
            final int kind = builder.chooseKind();
            refundIdIndexes[slot] = DUMMY_ID_INDEX;
            switch (kind)
            {
                case EngineMixBenchmark.KIND_PAY, EngineMixBenchmark.KIND_TRY -> builder.payOrTry(slot, kind);
                case EngineMixBenchmark.KIND_CONFIRM -> builder.confirm(slot);
                default -> builder.refund(slot);
            }
            if (lengths[slot] > 1 << SLOT_SHIFT)
            {
                throw new IllegalStateException("command longer than a ring slot: " + lengths[slot]);
            }
        }
    }

    public static Object setUp()
    {
        final EngineConfig config = WarmPopulation.config(CONSUMERS, MERCHANTS, KEYS)
            .holdsMax(HOLDS_MAX)
            .ttlMsMax(TTL_MS);
        // The ring's spare slot past the last holds the dummy refundIds.
        final JarWarmMixRunner runner =
            new JarWarmMixRunner(new WarmPopulation(config, MERCHANTS, CONSUMERS, SLOTS + 1));
        // Four passes of the ring: the key table full and evicting before the first round.
        runner.population.warmUp("JarWarmMixRunner", 4 * SLOTS / 64, runner);
        return runner;
    }

    /** Applies {@code commands} in batches; returns the fold. Checks every reply OK. */
    public static long run(final Object state, final int commands, final int batch, final boolean staged)
    {
        final JarWarmMixRunner runner = (JarWarmMixRunner)state;
        return runner.population.round("JarWarmMixRunner", commands, batch, staged, runner);
    }

    /** Writes slot {@code slot}'s ids for the pass starting at {@code base} (EngineMixBenchmark's scheme). */
    @Override
    void stampIds(final int slot, final long base)
    {
        ring.putLong((slot << SLOT_SHIFT) + paymentIdOffsets[slot], base + paymentIdSlots[slot],
            ByteOrder.LITTLE_ENDIAN);
        ring.putLong(refundIdIndexes[slot], base + slot, ByteOrder.LITTLE_ENDIAN);
    }

    /** One seeded random drawn in slot order (the same ring every run), the open Tries and the refundable Pays. */
    private final class RingBuilder
    {
        private final CommandEncoder encoder = new CommandEncoder();
        private final SplittableRandom random = new SplittableRandom(PayRing.SEED + 2);
        private final IntArrayList pendingTries = new IntArrayList();
        private int pendingHead = 0;
        private final IntArrayList refundablePays = new IntArrayList();
        private final long[] merchantOfSlot = new long[SLOTS];
        private final long[] terminalOfSlot = new long[SLOTS];
        private final long[] amountOfSlot = new long[SLOTS];

        /** A Confirm with no Try to confirm is a Try, a Refund with no Pay to refund a Pay. */
        int chooseKind()
        {
            final int draw = random.nextInt(100);
            final int kind = draw < 40 ? EngineMixBenchmark.KIND_PAY : draw < 65 ? EngineMixBenchmark.KIND_TRY :
                draw < 90 ? EngineMixBenchmark.KIND_CONFIRM : EngineMixBenchmark.KIND_REFUND;
            if (kind == EngineMixBenchmark.KIND_CONFIRM && pendingHead == pendingTries.size())
            {
                return EngineMixBenchmark.KIND_TRY;
            }
            return kind == EngineMixBenchmark.KIND_REFUND && refundablePays.isEmpty() ?
                EngineMixBenchmark.KIND_PAY : kind;
        }

        void payOrTry(final int slot, final int kind)
        {
            final int offset = slot << SLOT_SHIFT;
            final long merchantId = 1 + random.nextInt(MERCHANTS);
            final long terminalId = EngineFixture.terminalId(merchantId,
                random.nextInt(PayRing.TERMINALS_PER_MERCHANT));
            final long consumerId = 1 + random.nextInt(CONSUMERS);
            final long amountFen = random.nextLong(PayRing.AMOUNT_FEN_MIN, PayRing.AMOUNT_FEN_MAX + 1);
            merchantOfSlot[slot] = merchantId;
            terminalOfSlot[slot] = terminalId;
            amountOfSlot[slot] = amountFen;
            paymentIdSlots[slot] = slot;
            if (kind == EngineMixBenchmark.KIND_PAY)
            {
                lengths[slot] = encoder.pay(ring, offset, merchantId, terminalId, 0, consumerId, amountFen);
                paymentIdOffsets[slot] = CommandEncoder.HEADER_LENGTH + PayEncoder.paymentIdEncodingOffset();
                refundablePays.addInt(slot);
            }
            else
            {
                lengths[slot] = encoder.tryPayment(ring, offset, merchantId, terminalId, 0, consumerId, amountFen,
                    TTL_MS);
                paymentIdOffsets[slot] = CommandEncoder.HEADER_LENGTH + PaymentTryEncoder.paymentIdEncodingOffset();
                pendingTries.addInt(slot);
            }
        }

        void confirm(final int slot)
        {
            final int trySlot = pendingTries.getInt(pendingHead++);
            lengths[slot] = encoder.confirm(ring, slot << SLOT_SHIFT, merchantOfSlot[trySlot], terminalOfSlot[trySlot],
                0);
            paymentIdOffsets[slot] = CommandEncoder.HEADER_LENGTH + PaymentConfirmEncoder.paymentIdEncodingOffset();
            paymentIdSlots[slot] = trySlot;
        }

        void refund(final int slot)
        {
            final int offset = slot << SLOT_SHIFT;
            final int recent = Math.min(REFUND_WINDOW, refundablePays.size());
            final int paySlot = refundablePays.fastUnorderedRemove(refundablePays.size() - 1 - random.nextInt(recent));
            lengths[slot] = encoder.refund(ring, offset, merchantOfSlot[paySlot], terminalOfSlot[paySlot], 0, 0,
                amountOfSlot[paySlot] / 2);
            paymentIdOffsets[slot] = CommandEncoder.HEADER_LENGTH + RefundEncoder.paymentIdEncodingOffset();
            refundIdIndexes[slot] = offset + CommandEncoder.HEADER_LENGTH + RefundEncoder.refundIdEncodingOffset();
            paymentIdSlots[slot] = paySlot;
        }
    }
}
