package com.wodian.net.server;

import com.wodian.engine.Engine;
import com.wodian.engine.EngineConfig;
import com.wodian.engine.ReplySink;
import com.wodian.protocol.CommandEncoder;
import com.wodian.protocol.sbe.DistributionMode;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.FutureTask;

/**
 * Runs the engine's hot paths (Pay, Try and Confirm or Cancel, holds that expire, Refund, balance and payment-status
 * queries) on a throwaway engine before the server opens its port, so that the JIT compiles them before the first
 * client, not during live traffic. The throwaway engine never sees the real state and is dropped afterwards; nothing is
 * journaled.
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
 * {@code Ledger.settle}, ~24 s into a 50,000/s run; docs/history/latency-sessions.md "The journal's chunk crossings").
 *
 * <p>It runs before recovery replays the journal's tail, on its own thread while the journal opens ({@link #start}).
 * Its rarer inputs (registrations, top-ups, merchant rules, Ticks, payments at alliance merchants) are spread over
 * the whole run, not bunched at its start: with no C2 code to trap yet, a branch taken only while the code was still
 * interpreted is missing from the profile C2 compiles from, and the first live set-up then trapped in the command
 * switch and the batch prefetch (docs/history/engine-sessions.md, "The serving warm-up before the tail").
 */
final class EngineWarmup
{
    static final long MERCHANT_ID = 1;
    private static final long TERMINAL_ID = 1;
    /**
     * Merchants 1 to 3, each with a terminal of its id; 2 and 3 are alliance members, 1 is not, and a consumer's home
     * merchant is one of them or none ({@link #homeMerchantId}), so that the payments take the alliance share's
     * branches too (a live set-up's first payments trapped there otherwise: {@code BatchPrefetcher.homeMerchantRows},
     * {@code RecordFields.write}).
     */
    private static final int MERCHANTS = 3;
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
    /** One registry input ({@link #registryInput}) per this many inputs of the main mix. */
    static final int REGISTRY_EVERY = 32;
    private static final int REGISTRY_KINDS = 7;
    /** Top-ups' external references above the set-up's (which use the consumer id). */
    private static final long TOP_UP_REF_BASE = 1_000_000_000L;
    /** One Pay refused for funds ({@link #refusedPay}) per this many inputs of the main mix. */
    static final int REFUSED_PAY_EVERY = 16;
    /**
     * The consumer the first registry input registers ({@link #registryInput}, kind 0) and nothing ever tops up:
     * its wallet stays empty, so each of its Pays is refused for funds.
     */
    static final long UNFUNDED_CONSUMER_ID = REGISTERED_CONSUMERS + 1;
    /** Refused Pays' payment ids, above the main mix's ({@code 1_000 + i}). */
    private static final long REFUSED_PAYMENT_ID_BASE = 2_000_000_000L;
    /** Held Tries ({@link #heldTries}) once per this many inputs of the main mix, cancelled {@link #HELD_FOR} later. */
    static final int HELD_TRIES_EVERY = 64;
    /** Held Tries each time: two at one merchant, two at the next, all of one input time. */
    static final int HELD_TRIES = 4;
    /** The input of the main mix, in every {@link #HELD_TRIES_EVERY}, whose Try gets two held Tries beside it. */
    private static final int HELD_TRY_STEP = 20;
    /** Inputs of the main mix between two held Tries and their Cancels. */
    private static final int HELD_FOR = 24;
    /** Held Tries' payment ids, above the refused Pays'. */
    private static final long HELD_PAYMENT_ID_BASE = 3_000_000_000L;
    /** Expiring Tries ({@link #expiringTries}) once per this many inputs of the main mix. */
    static final int EXPIRING_TRIES_EVERY = 64;
    /** Expiring Tries each time, all of one input time: more than {@link #EXPIRIES_PER_INPUT_MAX}. */
    static final int EXPIRING_TRIES = 3;
    /**
     * The throwaway engine's bound on the holds one input's housekeeping expires (the live default is 64): below
     * {@link #EXPIRING_TRIES}, so that the housekeeping's loop also ends at its bound, and the next input continues.
     */
    static final int EXPIRIES_PER_INPUT_MAX = 2;
    /** The expiring Tries' ttl: they expire this many main-mix inputs later (the clock moves 1 ms per input). */
    private static final long EXPIRING_TTL_MS = 8;
    /** The input of the main mix, in every {@link #EXPIRING_TRIES_EVERY}, that gets the expiring Tries beside it. */
    private static final int EXPIRING_STEP = 28;
    /** Inputs of the main mix between the expiring Tries and a Confirm of one of them, long after they expired. */
    private static final int LATE_CONFIRM_AFTER = 24;
    /** Expiring Tries' payment ids, above the held Tries'. */
    private static final long EXPIRING_PAYMENT_ID_BASE = 5_000_000_000L;
    /** The colliding Pays ({@link #collidingPays}) once per this many inputs of the main mix. */
    static final int COLLIDING_PAYS_EVERY = 256;
    /** The input of the main mix, in every {@link #COLLIDING_PAYS_EVERY}, that gets the colliding Pays beside it. */
    private static final int COLLIDING_STEP = 60;
    /**
     * Two payment ids whose keys at {@link #MERCHANT_ID} have the same 32-bit hash in the engine's record index
     * ({@code RecordTable.hashOf}; found by a search, checked by EngineWarmupTest): the second one's lookup meets the
     * first one's index slot, whose hash matches and whose key does not.
     */
    static final long[] COLLIDING_PAYMENT_IDS = {4_000_046_926L, 4_000_065_140L};
    /** The consumer who makes the colliding Pays: one the set-up tops up. */
    private static final long COLLIDING_CONSUMER_ID = 1;

    private EngineWarmup()
    {
    }

    /**
     * Starts {@link #run} on a thread of its own (a daemon: a start that fails before {@link InBackground#awaitMs}
     * leaves it to finish by itself), or nothing when {@code inputCount} is not positive.
     */
    static InBackground start(final int inputCount)
    {
        final FutureTask<Long> task = new FutureTask<>(() -> run(inputCount));
        if (inputCount > 0)
        {
            final Thread thread = new Thread(task, "wodian-engine-warmup");
            thread.setDaemon(true);
            thread.start();
        }
        return new InBackground(inputCount, task);
    }

    /**
     * A warm-up running on its own thread: the server starts it first and waits for it before recovery replays the
     * journal's tail. Run after the tail (as before), its small engine's branches (tables growing, a full key table,
     * a wrapping points ledger, other reply sinks) deoptimised ~45 of the C2 methods the tail had just compiled
     * (-XX:+LogCompilation); run before it, the tail starts on compiled code and nothing deoptimises after it
     * (docs/history/engine-sessions.md, "The serving warm-up before the tail").
     *
     * @param inputCount the inputs it applies (none when not positive).
     */
    record InBackground(int inputCount, Future<Long> task)
    {
        /**
         * @return how long the warm-up took, in ms, once it is done (-1 when it ran no inputs).
         * @throws IllegalStateException when the warm-up failed or the wait was interrupted.
         */
        long awaitMs()
        {
            if (inputCount <= 0)
            {
                return -1;
            }
            try
            {
                return task.get();
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the JIT warm-up", ex);
            }
            catch (final ExecutionException ex)
            {
                throw new IllegalStateException("the JIT warm-up failed", ex.getCause());
            }
        }
    }

    /**
     * Applies {@code inputCount} inputs to a fresh small engine.
     *
     * @return how long it took, in ms.
     */
    static long run(final int inputCount)
    {
        final long startNs = System.nanoTime();
        final int secondInputs = inputCount / 4;
        runOn(inputCount - secondInputs, new ReplySink[] {ReplySink.NONE});
        runOn(secondInputs, new ReplySink[] {ReplySink.NONE, new CountingSink(), new LengthSink()});
        return (System.nanoTime() - startNs) / 1_000_000;
    }

    /**
     * The inputs applied to one fresh small engine, the replies to {@code sinks} in turn.
     *
     * <p>{@link #run} uses two engines, one after the other. The first gets most of the inputs, with one sink class,
     * and C2 compiles from it; the second starts again from an empty engine with three sink classes, so that its
     * first inputs (tables growing from their first rows, the points ledger growing to its limit, the other sinks)
     * trap in that compiled code. A branch or a receiver class that has trapped once is not compiled as a trap again
     * (the trap is recorded in the method's profile), so neither the tail nor live traffic traps there later. With
     * one engine, whose early inputs ran before any C2 code existed, the first live inputs trapped in
     * {@code ReplyPublisher.send} (class_check) and {@code PointsLedger.growIfFull} (-XX:+LogCompilation).
     */
    static void runOn(final long inputCount, final ReplySink[] sinks)
    {
        final EngineConfig config = EngineConfig.small().keysMax(KEYS_MAX).keyRetentionMs(KEY_RETENTION_MS)
            .pointsLedgerEntriesMax(POINTS_LEDGER_ENTRIES_MAX).expiriesPerCommandMax(EXPIRIES_PER_INPUT_MAX);
        final RingLikeBatch batch = new RingLikeBatch(new Engine(config));
        final CommandEncoder encoder = new CommandEncoder();
        registerParties(batch, encoder, config.amountFenMax());
        long timestampMs = batch.timestampMs;
        for (long i = 0; i < inputCount; i++)
        {
            final long consumerId = 1 + i % REGISTERED_CONSUMERS;
            final long paymentId = 1_000 + i;
            final ReplySink sink = sinks[(int)(i % sinks.length)];
            final UnsafeBuffer slot = batch.nextSlot();
            // Eight inputs at one merchant, then eight at the next (each merchant's terminal has its id).
            final long merchantId = MERCHANT_ID + (i / 8) % MERCHANTS;
            final long terminalId = merchantId;
            timestampMs++;
            switch ((int)(i % 8))
            {
                case 0, 1, 2, 3 -> batch.command(
                    encoder.pay(slot, 0, merchantId, terminalId, paymentId, consumerId, 100), timestampMs, sink);
                case 4 -> batch.command(encoder.tryPayment(slot, 0, merchantId, terminalId, paymentId, consumerId,
                    100, TTL_MS), timestampMs, sink);
                case 5 -> batch.command(
                    encoder.confirm(slot, 0, merchantId, terminalId, paymentId - 1), timestampMs, sink);
                case 6 -> batch.query(encoder.balanceQuery(slot, 0, consumerId), sink);
                default -> batch.query(encoder.paymentStatusQuery(slot, 0, merchantId, paymentId - 3),
                    sink); // the Try confirmed two inputs ago
            }
            if (i % 64 == 7)
            {
                batch.command(encoder.refund(batch.nextSlot(), 0, merchantId, terminalId, paymentId - 7, i, 10),
                    timestampMs, sink);
            }
            if (i % REGISTRY_EVERY == REGISTRY_EVERY / 2)
            {
                registryInput(batch, encoder, i / REGISTRY_EVERY, consumerId, timestampMs, sink);
            }
            if (i % REFUSED_PAY_EVERY == REFUSED_PAY_EVERY - 5 && i > REGISTRY_EVERY)
            {
                refusedPay(batch, encoder, merchantId, REFUSED_PAYMENT_ID_BASE + i, timestampMs, sink);
            }
            if (i % HELD_TRIES_EVERY == HELD_TRY_STEP)
            {
                heldTries(batch, encoder, i, false, timestampMs, sink);
            }
            else if (i % HELD_TRIES_EVERY == HELD_TRY_STEP + HELD_FOR)
            {
                heldTries(batch, encoder, i - HELD_FOR, true, timestampMs, sink);
            }
            if (i % EXPIRING_TRIES_EVERY == EXPIRING_STEP)
            {
                expiringTries(batch, encoder, i, timestampMs, sink);
            }
            else if (i % EXPIRING_TRIES_EVERY == EXPIRING_STEP + LATE_CONFIRM_AFTER)
            {
                final long tried = i - LATE_CONFIRM_AFTER;
                batch.command(encoder.confirm(batch.nextSlot(), 0, MERCHANT_ID, TERMINAL_ID,
                    EXPIRING_PAYMENT_ID_BASE + EXPIRING_TRIES * tried + tried % EXPIRING_TRIES), timestampMs, sink);
            }
            if (i % COLLIDING_PAYS_EVERY == COLLIDING_STEP)
            {
                collidingPays(batch, encoder, timestampMs, sink);
            }
        }
        batch.flush();
    }

    /**
     * Beside the main mix's Try of input {@code i} (one in {@link #HELD_TRIES_EVERY}), {@link #HELD_TRIES} more Tries
     * of the same input time, half at its merchant and half at the next, held while the main Try is confirmed at the
     * next input, and cancelled, newest first, {@link #HELD_FOR} inputs later ({@code cancel}). Without them the
     * warm-up confirmed only the newest hold, never cancelled one, and its holds never shared an expiry: a restart's
     * mixed tail (the data of perf/scripts/cold-restart-probe.sh) trapped in the removal of an older hold
     * ({@code ExpiryQueue.remove}, under {@code Ledger.confirmHold}), in the order of holds expiring in the same ms
     * ({@code RecordTable.before}, under {@code Ledger.cancelHold}) and in the batch prefetch's Cancel
     * ({@code BatchPrefetcher.add}), and threw away {@code CommandAdapter.onCommand}'s C2 code, which inlines them,
     * twice (-XX:+LogCompilation; docs/history/engine-sessions.md, "Session 50, replay").
     */
    private static void heldTries(final RingLikeBatch batch, final CommandEncoder encoder, final long i,
        final boolean cancel, final long timestampMs, final ReplySink sink)
    {
        final long consumerId = 1 + i % REGISTERED_CONSUMERS;   // the main mix's Try at input i is this consumer's
        for (int k = 0; k < HELD_TRIES; k++)
        {
            final int held = cancel ? HELD_TRIES - 1 - k : k;
            // The main mix's merchant at input i for the first half, the next merchant for the second.
            final long merchantId = MERCHANT_ID + (i / 8 + 2 * held / HELD_TRIES) % MERCHANTS;
            final long paymentId = HELD_PAYMENT_ID_BASE + HELD_TRIES * i + held;
            batch.command(cancel ? encoder.cancel(batch.nextSlot(), 0, merchantId, merchantId, paymentId) :
                encoder.tryPayment(batch.nextSlot(), 0, merchantId, merchantId, paymentId, consumerId, 100, TTL_MS),
                timestampMs, sink);
        }
    }

    /**
     * Beside the main mix's Try of input {@code i} (one in {@link #EXPIRING_TRIES_EVERY}), {@link #EXPIRING_TRIES}
     * Tries at {@link #MERCHANT_ID} with a ttl of {@link #EXPIRING_TTL_MS}, never confirmed or cancelled in time: the
     * inputs' housekeeping expires them ({@code PaymentRules.expireDueHolds}, {@link #EXPIRIES_PER_INPUT_MAX} an
     * input), and {@link #LATE_CONFIRM_AFTER} inputs later one of them is confirmed and refused (HOLD_EXPIRED).
     * Without them no hold ever expired in the warm-up (its holds' ttl is a minute, and its clock moves at most
     * ~40 s), and a restart's first live input, which expires the holds the journal's tail left, trapped in
     * {@code PaymentRules.expireDueHolds} (-XX:+LogCompilation; docs/history/engine-sessions.md, "Session 51,
     * restart").
     */
    private static void expiringTries(final RingLikeBatch batch, final CommandEncoder encoder, final long i,
        final long timestampMs, final ReplySink sink)
    {
        final long consumerId = 1 + i % REGISTERED_CONSUMERS;   // the main mix's Try at input i is this consumer's
        for (int k = 0; k < EXPIRING_TRIES; k++)
        {
            final long paymentId = EXPIRING_PAYMENT_ID_BASE + EXPIRING_TRIES * i + k;
            batch.command(encoder.tryPayment(batch.nextSlot(), 0, MERCHANT_ID, TERMINAL_ID, paymentId, consumerId, 100,
                EXPIRING_TTL_MS), timestampMs, sink);
        }
    }

    /**
     * The two Pays of {@link #COLLIDING_PAYMENT_IDS}, one after the other: new the first time and whenever the small
     * key table has forgotten them, retries otherwise; either way the second key's lookup (in the batch prefetch and
     * in the rules) passes the first key's index slot, whose 32-bit hash is the same and whose key is not. A live
     * engine's index, with ~10^6 keys, meets such a slot about once in 4,000 lookups of a new key; the warm-up's,
     * with ~4,000, never did, and the restart's tail trapped in that branch of {@code RecordTable.findIn}
     * (-XX:+LogCompilation; docs/history/engine-sessions.md, "Session 51, restart").
     */
    private static void collidingPays(final RingLikeBatch batch, final CommandEncoder encoder,
        final long timestampMs, final ReplySink sink)
    {
        for (final long paymentId : COLLIDING_PAYMENT_IDS)
        {
            batch.command(encoder.pay(batch.nextSlot(), 0, MERCHANT_ID, TERMINAL_ID, paymentId, COLLIDING_CONSUMER_ID,
                100), timestampMs, sink);
        }
    }

    /**
     * A Pay refused for funds (INSUFFICIENT_FUNDS), by the consumer whose wallet stays empty
     * ({@link #UNFUNDED_CONSUMER_ID}). Without one in the warm-up the refusal's branches (the funds check,
     * {@code PaymentRules.rejectPayment}, the result code's switch in {@code ResultCode.get}) were missing from the
     * profile C2 compiled the command path from: the first refusal for funds after a start trapped in
     * {@code PaymentRules.tryOrPay} and threw away {@code CommandAdapter.onCommand}'s C2 code, which inlines it,
     * and the command path ran in the interpreter until C2 had compiled it again (-XX:+PrintCompilation, perf;
     * docs/history/engine-sessions.md, "Restart, session 49").
     */
    private static void refusedPay(final RingLikeBatch batch, final CommandEncoder encoder, final long merchantId,
        final long paymentId, final long timestampMs, final ReplySink sink)
    {
        batch.command(encoder.pay(batch.nextSlot(), 0, merchantId, merchantId, paymentId, UNFUNDED_CONSUMER_ID, 100),
            timestampMs, sink);
    }

    /**
     * One registry input, in turn: a new consumer, a top-up, a new terminal, a new merchant, that merchant's rules,
     * a refused registration of the first merchant with other fields (a client's set-up run again), and a Tick (the
     * server's own input when there is no traffic). They are
     * spread over the whole run, not only at its start: the warm-up runs before recovery's tail, so the code C2
     * compiles from its payments (and then from the tail's) must already have seen the registry commands in its
     * profile; else the first live set-up trapped in the batch prefetch's and the command switch's branches
     * ({@code BatchPrefetcher.add}, {@code registrationLines}, {@code CommandAdapter.onCommand}; -XX:+LogCompilation).
     */
    private static void registryInput(final RingLikeBatch batch, final CommandEncoder encoder, final long n,
        final long consumerId, final long timestampMs, final ReplySink sink)
    {
        final UnsafeBuffer slot = batch.nextSlot();
        final long newMerchantId = MERCHANT_ID + MERCHANTS + n / REGISTRY_KINDS;
        switch ((int)(n % REGISTRY_KINDS))
        {
            case 0 -> batch.command(encoder.registerConsumer(slot, 0, REGISTERED_CONSUMERS + 1 + n, MERCHANT_ID),
                timestampMs, sink);
            case 1 -> batch.command(encoder.topUp(slot, 0, consumerId, TOP_UP_REF_BASE + n, 100), timestampMs, sink);
            case 2 -> batch.command(encoder.registerTerminal(slot, 0, TERMINAL_ID + MERCHANTS + n, MERCHANT_ID),
                timestampMs, sink);
            case 3 -> batch.command(encoder.registerMerchant(slot, 0, newMerchantId, 2, 300, 150, 60, true),
                timestampMs, sink);
            case 4 -> batch.command(encoder.setMerchantRules(slot, 0, newMerchantId, 2, 300, 150, 60, true,
                DistributionMode.VOUCHER, 100, 500, TTL_MS), timestampMs, sink);
            case 5 -> batch.command(encoder.registerMerchant(slot, 0, MERCHANT_ID, 2, 300, 150, 60, true),
                timestampMs, sink);
            default -> batch.command(encoder.tick(slot, 0), timestampMs, sink);
        }
    }

    /**
     * One consumer in eight has no home merchant; the others belong to one of the merchants. (The consumer paying at
     * input {@code i} is {@code 1 + i % 4096}: those with {@code id % 8} of 1 to 4 pay, the others Try or query.)
     */
    private static long homeMerchantId(final long consumerId)
    {
        return consumerId % 8 == 3 ? 0 : MERCHANT_ID + consumerId % MERCHANTS;
    }

    /** The merchants with their terminals, {@link #REGISTERED_CONSUMERS} consumers topped up with {@code topUpFen}. */
    private static void registerParties(final RingLikeBatch batch, final CommandEncoder encoder, final long topUpFen)
    {
        final long timestampMs = batch.timestampMs;
        batch.command(encoder.registerMerchant(batch.nextSlot(), 0, MERCHANT_ID, 1, 100, 0, 0, false), timestampMs,
            ReplySink.NONE);
        batch.command(encoder.registerTerminal(batch.nextSlot(), 0, TERMINAL_ID, MERCHANT_ID), timestampMs,
            ReplySink.NONE);
        for (long merchantId = MERCHANT_ID + 1; merchantId < MERCHANT_ID + MERCHANTS; merchantId++)
        {
            batch.command(encoder.registerMerchant(batch.nextSlot(), 0, merchantId, 2, 300, 150, 60, true),
                timestampMs, ReplySink.NONE);
            batch.command(encoder.registerTerminal(batch.nextSlot(), 0, merchantId, merchantId), timestampMs,
                ReplySink.NONE);
        }
        for (long consumerId = 1; consumerId <= REGISTERED_CONSUMERS; consumerId++)
        {
            batch.command(encoder.registerConsumer(batch.nextSlot(), 0, consumerId, homeMerchantId(consumerId)),
                timestampMs, ReplySink.NONE);
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
