package com.wodian.perf;

import com.wodian.engine.EngineConfig;
import com.wodian.protocol.CommandEncoder;
import com.wodian.protocol.sbe.PayEncoder;
import com.wodian.protocol.sbe.PaymentConfirmEncoder;
import com.wodian.protocol.sbe.PaymentTryEncoder;
import com.wodian.protocol.sbe.RefundEncoder;
import org.agrona.BufferUtil;
import org.agrona.collections.IntArrayList;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.infra.Blackhole;

import java.nio.ByteOrder;
import java.util.SplittableRandom;

/**
 * The engine alone applying a realistic mix over 1,000,000 consumers and 10,000 merchants: about 40% Pay,
 * 25% Try, 25% Confirm of an earlier Try, 10% partial Refund (half) of an earlier Pay. Tries left unconfirmed at
 * the end of a ring pass expire by ttl, so hold expiry is exercised too.
 *
 * <p>The ring of {@value EnginePayBenchmark#RING_SIZE} pre-encoded commands is built in {@code @Setup}. Ids are
 * fresh on every pass: slot {@code i} of pass {@code p} uses paymentId {@code p * RING_SIZE + i + 1} (its own slot
 * for Pay and Try, its Try's slot for a Confirm, its Pay's slot for a Refund) and refundId
 * {@code p * RING_SIZE + i + 1}. The measured method writes both ids (into a spare slot when the command has no
 * refundId, so that there is no data-dependent branch) and applies the command. Every reply must be
 * OK: checked after a warm pass in set-up and after every measured iteration.
 */
public class EngineMixBenchmark extends EngineBenchmarkSettings
{
    static final int RING_SIZE = EnginePayBenchmark.RING_SIZE;
    static final int SLOT_SHIFT = EnginePayBenchmark.SLOT_SHIFT;
    static final int HOLDS_MAX = 200_000;
    static final long TTL_MS = 60_000;
    /** Refunds pick a Pay among the most recent ones not yet refunded. */
    static final int REFUND_WINDOW = 10_000;
    static final int SLOT_LENGTH = 1 << SLOT_SHIFT;
    /**
     * Where commands without a refundId write their dummy one: a spare slot past the end of the ring, so that the
     * measured method writes both ids unconditionally (no data-dependent branch).
     */
    static final int DUMMY_ID_INDEX = RING_SIZE << SLOT_SHIFT;

    static final int KIND_PAY = 0;
    static final int KIND_TRY = 1;
    static final int KIND_CONFIRM = 2;
    static final int KIND_REFUND = 3;
    static final String[] KIND_NAMES = {"Pay", "Try", "Confirm", "Refund"};

    private EngineFixture fixture;
    private UnsafeBuffer ring;
    private final int[] lengths = new int[RING_SIZE];
    private final int[] paymentIdOffsets = new int[RING_SIZE];
    private final int[] refundIdIndexes = new int[RING_SIZE];
    private final int[] paymentIdSlots = new int[RING_SIZE];
    private final int[] kindCounts = new int[KIND_NAMES.length];
    private int cursor;
    private long passBase = 1;
    private ReplyCounter replies;

    @Setup(Level.Trial)
    public void setUp(final Blackhole blackhole)
    {
        final EngineConfig config = new EngineConfig()
            .consumersMax(EnginePayBenchmark.CONSUMERS)
            .merchantsMax(EnginePayBenchmark.MERCHANTS)
            .terminalsMax(EnginePayBenchmark.MERCHANTS * EnginePayBenchmark.TERMINALS_PER_MERCHANT)
            .holdsMax(HOLDS_MAX)
            .keysMax(EnginePayBenchmark.KEYS_MAX)
            .keyRetentionMs(0)
            .ttlMsMax(TTL_MS)
            .amountFenMax(EngineConfig.AMOUNT_FEN_CEILING);
        fixture = EngineFixture.populate(config, EnginePayBenchmark.MERCHANTS,
            EnginePayBenchmark.TERMINALS_PER_MERCHANT, EnginePayBenchmark.CONSUMERS, EnginePayBenchmark.TOP_UP_FEN,
            EnginePayBenchmark.SEED);
        replies = new ReplyCounter(blackhole);
        buildRing();

        for (int i = 0; i < 2 * RING_SIZE; i++)
        {
            mix();
        }
        replies.requireAllOk("EngineMixBenchmark warm pass");
        System.out.println("EngineMixBenchmark ring: " + kindShares() + "; warm pass replies: " + replies.summary() +
            "; remembered keys " + fixture.engine().rememberedKeyCount() + ", live holds " +
            fixture.engine().liveHoldCount());
        fixture.engine().verifyInvariants();
        replies.reset();
    }

    private void buildRing()
    {
        ring = new UnsafeBuffer(BufferUtil.allocateDirectAligned((RING_SIZE + 1) << SLOT_SHIFT, 64));
        final RingBuilder builder = new RingBuilder();
        for (int slot = 0; slot < RING_SIZE; slot++)
        {
            final int kind = builder.chooseKind();
            kindCounts[kind]++;
            refundIdIndexes[slot] = DUMMY_ID_INDEX;
            switch (kind)
            {
                case KIND_PAY, KIND_TRY -> builder.payOrTry(slot, kind);
                case KIND_CONFIRM -> builder.confirm(slot);
                default -> builder.refund(slot);
            }
            if (lengths[slot] > SLOT_LENGTH)
            {
                throw new IllegalStateException("command longer than a ring slot: " + lengths[slot]);
            }
        }
    }

    /**
     * What building the ring remembers from slot to slot: one seeded random (draws in slot order, so the ring is the
     * same on every run), the Tries not yet confirmed, the Pays not yet refunded, and each Pay's and Try's parties.
     */
    private final class RingBuilder
    {
        private final CommandEncoder encoder = new CommandEncoder();
        private final SplittableRandom random = new SplittableRandom(EnginePayBenchmark.SEED + 2);
        private final IntArrayList pendingTries = new IntArrayList();
        private int pendingHead = 0;
        private final IntArrayList refundablePays = new IntArrayList();
        private final long[] merchantOfSlot = new long[RING_SIZE];
        private final long[] terminalOfSlot = new long[RING_SIZE];
        private final long[] amountOfSlot = new long[RING_SIZE];

        /**
         * 40% Pay, 25% Try, 25% Confirm, 10% Refund; a Confirm with no Try to confirm is a Try, a Refund with no Pay to
         * refund a Pay.
         */
        int chooseKind()
        {
            final int draw = random.nextInt(100);
            int kind = draw < 40 ? KIND_PAY : draw < 65 ? KIND_TRY : draw < 90 ? KIND_CONFIRM : KIND_REFUND;
            if (kind == KIND_CONFIRM && pendingHead == pendingTries.size())
            {
                kind = KIND_TRY;
            }
            if (kind == KIND_REFUND && refundablePays.isEmpty())
            {
                kind = KIND_PAY;
            }
            return kind;
        }

        /** A Pay or a Try at a random terminal for a random consumer and amount, paying under its own slot's id. */
        void payOrTry(final int slot, final int kind)
        {
            final int offset = slot << SLOT_SHIFT;
            final long merchantId = 1 + random.nextInt(EnginePayBenchmark.MERCHANTS);
            final long terminalId = EngineFixture.terminalId(merchantId,
                random.nextInt(EnginePayBenchmark.TERMINALS_PER_MERCHANT));
            final long consumerId = 1 + random.nextInt(EnginePayBenchmark.CONSUMERS);
            final long amountFen = random.nextLong(
                EnginePayBenchmark.AMOUNT_FEN_MIN, EnginePayBenchmark.AMOUNT_FEN_MAX + 1);
            merchantOfSlot[slot] = merchantId;
            terminalOfSlot[slot] = terminalId;
            amountOfSlot[slot] = amountFen;
            paymentIdSlots[slot] = slot;
            if (kind == KIND_PAY)
            {
                lengths[slot] = encoder.pay(ring, offset, merchantId, terminalId, 0, consumerId, amountFen);
                paymentIdOffsets[slot] = CommandEncoder.HEADER_LENGTH + PayEncoder.paymentIdEncodingOffset();
                refundablePays.addInt(slot);
            }
            else
            {
                lengths[slot] = encoder.tryPayment(
                    ring, offset, merchantId, terminalId, 0, consumerId, amountFen, TTL_MS);
                paymentIdOffsets[slot] =
                    CommandEncoder.HEADER_LENGTH + PaymentTryEncoder.paymentIdEncodingOffset();
                pendingTries.addInt(slot);
            }
        }

        /** Confirms the oldest Try not yet confirmed, under that Try's id. */
        void confirm(final int slot)
        {
            final int trySlot = pendingTries.getInt(pendingHead++);
            lengths[slot] = encoder.confirm(
                ring, slot << SLOT_SHIFT, merchantOfSlot[trySlot], terminalOfSlot[trySlot], 0);
            paymentIdOffsets[slot] =
                CommandEncoder.HEADER_LENGTH + PaymentConfirmEncoder.paymentIdEncodingOffset();
            paymentIdSlots[slot] = trySlot;
        }

        /** Refunds half of a Pay among the {@value #REFUND_WINDOW} most recent ones not yet refunded. */
        void refund(final int slot)
        {
            final int offset = slot << SLOT_SHIFT;
            final int recent = Math.min(REFUND_WINDOW, refundablePays.size());
            final int pick = refundablePays.size() - 1 - random.nextInt(recent);
            final int paySlot = refundablePays.fastUnorderedRemove(pick);
            lengths[slot] = encoder.refund(ring, offset, merchantOfSlot[paySlot], terminalOfSlot[paySlot],
                0, 0, amountOfSlot[paySlot] / 2);
            paymentIdOffsets[slot] = CommandEncoder.HEADER_LENGTH + RefundEncoder.paymentIdEncodingOffset();
            refundIdIndexes[slot] =
                offset + CommandEncoder.HEADER_LENGTH + RefundEncoder.refundIdEncodingOffset();
            paymentIdSlots[slot] = paySlot;
        }
    }

    @Benchmark
    public void mix()
    {
        final int slot = cursor;
        stampIds(slot, passBase);
        fixture.apply(ring, slot << SLOT_SHIFT, lengths[slot], replies);
        if (++cursor == RING_SIZE)
        {
            cursor = 0;
            passBase += RING_SIZE;
        }
    }

    /** Writes the ids of slot {@code slot}'s command for the pass starting at {@code base}. */
    private void stampIds(final int slot, final long base)
    {
        ring.putLong((slot << SLOT_SHIFT) + paymentIdOffsets[slot], base + paymentIdSlots[slot],
            ByteOrder.LITTLE_ENDIAN);
        ring.putLong(refundIdIndexes[slot], base + slot, ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * The next {@code batch} commands of the ring as one batch ({@link EngineMixBatchBenchmark}): their ids written,
     * the staged prefetch over all of them ({@link com.wodian.engine.Engine#prefetchInput}, then
     * {@link com.wodian.engine.Engine#prefetchBatch}), then applied in order: the same commands and replies as
     * {@code batch} calls of {@link #mix()}. Returns the prefetch's folded loads, for the caller to keep.
     */
    long mixBatch(final int batch)
    {
        final com.wodian.engine.Engine engine = fixture.engine();
        int slot = cursor;
        long base = passBase;
        for (int i = 0; i < batch; i++)
        {
            stampIds(slot, base);
            engine.prefetchInput(ring, slot << SLOT_SHIFT, lengths[slot]);
            if (++slot == RING_SIZE)
            {
                slot = 0;
                base += RING_SIZE;
            }
        }
        final long prefetched = engine.prefetchBatch();
        for (int i = 0; i < batch; i++)
        {
            fixture.apply(ring, cursor << SLOT_SHIFT, lengths[cursor], replies);
            if (++cursor == RING_SIZE)
            {
                cursor = 0;
                passBase += RING_SIZE;
            }
        }
        return prefetched;
    }

    @TearDown(Level.Iteration)
    public void checkIteration()
    {
        replies.requireAllOk("EngineMixBenchmark iteration");
        replies.reset();
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        fixture.engine().verifyInvariants();
    }

    /** "Pay=40.1% Try=..." of the ring as built. */
    String kindShares()
    {
        final StringBuilder text = new StringBuilder();
        for (int kind = 0; kind < KIND_NAMES.length; kind++)
        {
            text.append(kind == 0 ? "" : " ").append(KIND_NAMES[kind]).append('=')
                .append(String.format("%.1f%%", 100.0 * kindCounts[kind] / RING_SIZE));
        }
        return text.toString();
    }
}
