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
 * ({@link #POINTS_LEDGER_ENTRIES_MAX}) wraps, and its consumer book grows in place ({@link #REGISTERED_CONSUMERS}
 * registrations). Without that, C2 compiled those branches as uncommon traps and the first wrap under live traffic
 * threw the payment path's compiled code away ({@code unstable_if} at {@code PointsLedger.append} inside
 * {@code Ledger.settle}, ~24 s into a 50,000/s run; docs/latency.md "The journal's chunk crossings").
 */
final class EngineWarmup
{
    private static final long MERCHANT_ID = 1;
    private static final long TERMINAL_ID = 1;
    /** Consumers the payments cycle over (a small working set, as the hot path sees it). */
    private static final int CONSUMER_COUNT = 64;
    /** Consumers registered (and topped up) first: enough for the consumer book to grow in place a few times. */
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
        final Engine engine = new Engine(config);
        // The largest top-up the engine accepts; 100 fen payments never exhaust it.
        final long topUpFen = config.amountFenMax();
        final CommandEncoder encoder = new CommandEncoder();
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
        final ReplySink[] sinks = {ReplySink.NONE, new CountingSink(), new LengthSink()};
        long sequence = 0;
        long timestampMs = 1_000;
        final ReplySink sink0 = sinks[0];
        engine.onCommand(++sequence, timestampMs, buffer, 0,
            encoder.registerMerchant(buffer, 0, MERCHANT_ID, 1, 100, 0, 0, false), sink0);
        engine.onCommand(++sequence, timestampMs, buffer, 0,
            encoder.registerTerminal(buffer, 0, TERMINAL_ID, MERCHANT_ID), sink0);
        for (long consumerId = 1; consumerId <= REGISTERED_CONSUMERS; consumerId++)
        {
            engine.onCommand(++sequence, timestampMs, buffer, 0, encoder.registerConsumer(buffer, 0, consumerId, 0),
                sink0);
            engine.onCommand(++sequence, timestampMs, buffer, 0,
                encoder.topUp(buffer, 0, consumerId, consumerId, topUpFen), sink0);
        }
        for (long i = 0; i < inputCount; i++)
        {
            final long consumerId = 1 + i % CONSUMER_COUNT;
            final long paymentId = 1_000 + i;
            final ReplySink sink = sinks[(int)(i % sinks.length)];
            timestampMs++;
            switch ((int)(i % 8))
            {
                case 0, 1, 2, 3 -> engine.onCommand(++sequence, timestampMs, buffer, 0,
                    encoder.pay(buffer, 0, MERCHANT_ID, TERMINAL_ID, paymentId, consumerId, 100), sink);
                case 4 -> engine.onCommand(++sequence, timestampMs, buffer, 0,
                    encoder.tryPayment(buffer, 0, MERCHANT_ID, TERMINAL_ID, paymentId, consumerId, 100, TTL_MS), sink);
                case 5 -> engine.onCommand(++sequence, timestampMs, buffer, 0,
                    encoder.confirm(buffer, 0, MERCHANT_ID, TERMINAL_ID, paymentId - 1), sink);
                case 6 -> engine.onQuery(buffer, 0, encoder.balanceQuery(buffer, 0, consumerId), sink);
                default -> engine.onQuery(buffer, 0, encoder.paymentStatusQuery(buffer, 0, MERCHANT_ID,
                    paymentId - 3), sink); // the Try confirmed two inputs ago
            }
            if (i % 64 == 7)
            {
                engine.onCommand(++sequence, timestampMs, buffer, 0,
                    encoder.refund(buffer, 0, MERCHANT_ID, TERMINAL_ID, paymentId - 7, i, 10), sink);
            }
        }
        return (System.nanoTime() - startNs) / 1_000_000;
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
