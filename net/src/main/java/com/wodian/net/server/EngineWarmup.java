package com.wodian.net.server;

import com.wodian.engine.Engine;
import com.wodian.engine.EngineConfig;
import com.wodian.engine.ReplySink;
import com.wodian.protocol.CommandEncoder;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Runs the engine's hot paths (Pay, Try and Confirm, Refund, balance and payment-status queries) on a throwaway
 * engine before the server opens its port, so that the JIT compiles them before the first client, not during live
 * traffic. The throwaway engine never sees the real state and is dropped afterwards; nothing is journaled.
 *
 * <p>The replies go to three sinks of three classes in turn, none of them the live one (the engine stage). With a
 * single sink class the JIT compiled the engine's reply call as a guarded inline of that class, and the first live
 * reply failed the guard: an uncommon trap ({@code class_check} in {@code ReplyPublisher.send}, seen four times in
 * the first seconds of a 5,000/s run with {@code -XX:+LogCompilation}) threw the payment path's compiled code away
 * during live traffic. A call site that has seen three classes is compiled as a virtual call, which the live sink
 * then takes without a trap.
 *
 * <p>The throwaway engine's tables are small on purpose, so that the branches a live server takes only after hours
 * run here too: its key table ({@link #KEYS_MAX}) fills and forgets its oldest keys, its points ledger
 * ({@link #POINTS_LEDGER_ENTRIES_MAX}) wraps, and its consumer book and pair table grow in place
 * ({@link #REGISTERED_CONSUMERS} consumers). Inputs reach it as the engine stage hands them over: each in a buffer of
 * its own, a batch at a time through the prefetch phase ({@link RingLikeBatch}). Without that, C2 compiled those
 * branches as uncommon traps and the first wrap under live traffic
 * threw the payment path's compiled code away ({@code unstable_if} at {@code PointsLedger.append} inside
 * {@code Ledger.settle}, ~24 s into a 50,000/s run; docs/latency.md "The journal's chunk crossings").
 */
final class EngineWarmup
{
    private static final long MERCHANT_ID = 1;
    private static final long TERMINAL_ID = 1;
    /**
     * Consumers registered (and topped up) first, and the payments cycle over: enough for the consumer book and the
     * consumer-merchant pair table to grow in place a few times (the live pair table's first growth trapped in the
     * batch prefetch's pair lookup before).
     */
    static final int REGISTERED_CONSUMERS = 4_096;
    /** Far fewer keys than the warm-up's payments: the key table is full and churning for most of it. */
    static final int KEYS_MAX = 4_096;
    /** Far fewer entries than the warm-up's points movements: the ledger wraps many times. */
    static final int POINTS_LEDGER_ENTRIES_MAX = 4_096;
    /** Keys finished this long ago (input time; the warm-up's clock moves 1 ms per input) may be forgotten. */
    static final long KEY_RETENTION_MS = 1_000;
    private static final long TTL_MS = 60_000;

    private EngineWarmup()
    {
    }

    /**
     * Applies {@code inputCount} inputs to a fresh small engine.
     *
     * @return how long it took, in ms.
     */
    static long run(final int inputCount)
    {
        final long startNs = System.nanoTime();
        final EngineConfig config = EngineConfig.small().keysMax(KEYS_MAX).keyRetentionMs(KEY_RETENTION_MS)
            .pointsLedgerEntriesMax(POINTS_LEDGER_ENTRIES_MAX);
        final RingLikeBatch batch = new RingLikeBatch(new Engine(config));
        final CommandEncoder encoder = new CommandEncoder();
        final ReplySink[] sinks = {ReplySink.NONE, new CountingSink(), new LengthSink()};
        registerParties(batch, encoder, config.amountFenMax());
        long timestampMs = batch.timestampMs;
        for (long i = 0; i < inputCount; i++)
        {
            final long consumerId = 1 + i % REGISTERED_CONSUMERS;
            final long paymentId = 1_000 + i;
            final ReplySink sink = sinks[(int)(i % sinks.length)];
            final UnsafeBuffer slot = batch.nextSlot();
            timestampMs++;
            switch ((int)(i % 8))
            {
                case 0, 1, 2, 3 -> batch.command(
                    encoder.pay(slot, 0, MERCHANT_ID, TERMINAL_ID, paymentId, consumerId, 100), timestampMs, sink);
                case 4 -> batch.command(encoder.tryPayment(slot, 0, MERCHANT_ID, TERMINAL_ID, paymentId, consumerId,
                    100, TTL_MS), timestampMs, sink);
                case 5 -> batch.command(
                    encoder.confirm(slot, 0, MERCHANT_ID, TERMINAL_ID, paymentId - 1), timestampMs, sink);
                case 6 -> batch.query(encoder.balanceQuery(slot, 0, consumerId), sink);
                default -> batch.query(encoder.paymentStatusQuery(slot, 0, MERCHANT_ID, paymentId - 3),
                    sink); // the Try confirmed two inputs ago
            }
            if (i % 64 == 7)
            {
                batch.command(encoder.refund(batch.nextSlot(), 0, MERCHANT_ID, TERMINAL_ID, paymentId - 7, i, 10),
                    timestampMs, sink);
            }
        }
        batch.flush();
        return (System.nanoTime() - startNs) / 1_000_000;
    }

    /** The merchant, its terminal, and {@link #REGISTERED_CONSUMERS} consumers topped up with {@code topUpFen}. */
    private static void registerParties(final RingLikeBatch batch, final CommandEncoder encoder, final long topUpFen)
    {
        final long timestampMs = batch.timestampMs;
        batch.command(encoder.registerMerchant(batch.nextSlot(), 0, MERCHANT_ID, 1, 100, 0, 0, false), timestampMs,
            ReplySink.NONE);
        batch.command(encoder.registerTerminal(batch.nextSlot(), 0, TERMINAL_ID, MERCHANT_ID), timestampMs,
            ReplySink.NONE);
        for (long consumerId = 1; consumerId <= REGISTERED_CONSUMERS; consumerId++)
        {
            batch.command(encoder.registerConsumer(batch.nextSlot(), 0, consumerId, 0), timestampMs, ReplySink.NONE);
            batch.command(encoder.topUp(batch.nextSlot(), 0, consumerId, consumerId, topUpFen), timestampMs,
                ReplySink.NONE);
        }
    }

    /**
     * Hands the engine its commands the way the server's engine stage does: each input in a buffer of its own (as
     * each ring slot has one; with a single buffer the decoders' "another buffer" branch was never taken and the
     * first live input trapped in {@code MessageHeaderDecoder.wrap}), {@link #SLOTS} at a time through the prefetch
     * phase ({@link Engine#prefetchInput}, {@link Engine#prefetchBatch}) and then applied in order. A query first
     * applies what is pending, so that it answers from the state its inputs' order gives.
     */
    private static final class RingLikeBatch
    {
        static final int SLOTS = 16;
        private final Engine engine;
        private final UnsafeBuffer[] slots = new UnsafeBuffer[SLOTS];
        private final int[] lengths = new int[SLOTS];
        private final long[] timestampsMs = new long[SLOTS];
        private final ReplySink[] sinks = new ReplySink[SLOTS];
        private int pending;
        private long sequence;
        /** The prefetch loads, folded so that the JIT keeps them; never read for a decision. */
        private long folded;
        final long timestampMs = 1_000;

        RingLikeBatch(final Engine engine)
        {
            this.engine = engine;
            for (int i = 0; i < SLOTS; i++)
            {
                slots[i] = new UnsafeBuffer(new byte[256]);
            }
        }

        /** The buffer the next input is to be encoded into. */
        UnsafeBuffer nextSlot()
        {
            return slots[pending];
        }

        void command(final int length, final long inputTimestampMs, final ReplySink sink)
        {
            engine.prefetchInput(slots[pending], 0, length);
            lengths[pending] = length;
            timestampsMs[pending] = inputTimestampMs;
            sinks[pending] = sink;
            if (++pending == SLOTS)
            {
                flush();
            }
        }

        void query(final int length, final ReplySink sink)
        {
            final UnsafeBuffer slot = slots[pending]; // encoded in the next free slot, which flush() leaves alone
            flush();
            engine.onQuery(slot, 0, length, sink);
        }

        void flush()
        {
            folded += engine.prefetchBatch();
            for (int i = 0; i < pending; i++)
            {
                engine.onCommand(++sequence, timestampsMs[i], slots[i], 0, lengths[i], sinks[i]);
            }
            pending = 0;
        }
    }

    /** A second sink class for the warm-up's reply call sites: counts replies. */
    private static final class CountingSink implements ReplySink
    {
        private long replyCount;

        @Override
        public void onReply(final DirectBuffer buffer, final int offset, final int length)
        {
            replyCount++;
        }
    }

    /** A third sink class: reads each reply's length, as the live sink copies it. */
    private static final class LengthSink implements ReplySink
    {
        private long replyBytes;

        @Override
        public void onReply(final DirectBuffer buffer, final int offset, final int length)
        {
            replyBytes += length;
        }
    }
}
