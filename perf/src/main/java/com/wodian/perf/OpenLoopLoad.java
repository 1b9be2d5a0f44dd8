package com.wodian.perf;

import com.wodian.net.client.ReplyListener;
import com.wodian.net.client.WodianClient;
import com.wodian.protocol.CommandCatalog;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicIntegerArray;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Open-loop load: sends commands at a fixed offered rate, whatever the server does, and measures latency corrected
 * for coordinated omission.
 *
 * <p>Command {@code i} has the intended send time {@code t0 + i / rate}, fixed before the run. The calling thread
 * sends each command as soon as its time has come; when it falls behind (a slow server pushing back, a GC pause, a
 * late wake-up) it sends the overdue commands at once instead of skipping or delaying the schedule. Two times are
 * recorded per reply:
 * <ul>
 *     <li><b>response time</b> from the <em>intended</em> send time to the reply: what a terminal that issued the
 *     command at that moment would have waited. A stall therefore counts against every command that should have
 *     been sent during it, not only the one caught in it (Gil Tene's coordinated-omission correction);</li>
 *     <li><b>service time</b> from the actual send to the reply: the server and network alone.</li>
 * </ul>
 * Commands are spread round-robin over the connections: command {@code i} goes to connection {@code i % n}, so a
 * generator that sends a Try and later its Confirm on the same connection gets them in order.
 *
 * <p>Threads: {@link #run()} is the only sender; replies arrive on the clients' receiving threads. Each request's
 * record lives in a slot of its connection ({@code correlationId & mask}); the sender writes its half (send times,
 * template) and the receiver its half (reply time, code), each followed by an atomic increment of the slot's state,
 * whose full fence publishes the plain writes before it: whichever increments second sees both halves, records the
 * latencies and frees the slot. So a reply that overtakes the sender's bookkeeping is still measured. Histograms
 * are HdrHistogram {@link Recorder}s, safe for concurrent writers.
 */
public final class OpenLoopLoad
{
    /** Writes the commands of the schedule. Called on the sending thread only, in schedule order. */
    @FunctionalInterface
    public interface CommandGenerator
    {
        /**
         * Encodes command {@code index} (0-based, in schedule order) into {@code buffer} at {@code offset}.
         *
         * @return the encoded SBE message length.
         */
        int encode(long index, int connectionIndex, MutableDirectBuffer buffer, int offset);
    }

    /** Sees every reply, on the client's receiving thread; the buffer is only valid during the call. */
    @FunctionalInterface
    public interface ReplyObserver
    {
        ReplyObserver NONE = (connectionIndex, commandTemplateId, buffer, offset, length) -> {};

        void onReply(int connectionIndex, int commandTemplateId, DirectBuffer buffer, int offset, int length);
    }

    private static final long HIGHEST_TRACKABLE_NS = TimeUnit.MINUTES.toNanos(5);
    private static final int SIGNIFICANT_DIGITS = 3;
    private static final long PARK_THRESHOLD_NS = 30_000;
    private static final long PARK_MARGIN_NS = 15_000;
    private static final int SENDS_PER_FLUSH_MAX = 64;
    private static final int TEMPLATE_LIMIT = 128;
    private static final int CODE_LIMIT = 1024;

    private final List<WodianClient> clients;
    private final double ratePerSecond;
    private final long durationNs;
    private final long warmupNs;
    private final long drainTimeoutNs;
    private final CommandGenerator generator;
    private final ReplyObserver observer;
    private final int slotsPerConnection;
    private final Connection[] connections;

    private final Recorder responseTimeRecorder = new Recorder(HIGHEST_TRACKABLE_NS, SIGNIFICANT_DIGITS);
    private final Recorder serviceTimeRecorder = new Recorder(HIGHEST_TRACKABLE_NS, SIGNIFICANT_DIGITS);
    private final AtomicLongArray countByTemplateAndCode = new AtomicLongArray(TEMPLATE_LIMIT * CODE_LIMIT);
    private final AtomicLong answeredCount = new AtomicLong();
    private final AtomicLong mismatchedCount = new AtomicLong();
    private final AtomicLong lastReplyNs = new AtomicLong();
    private volatile long measureFromNs = Long.MAX_VALUE;

    /**
     * @param clients            connections to spread the load over, in use by nobody else during {@link #run()}.
     * @param ratePerSecond      offered rate over all connections together.
     * @param durationNs         length of the whole schedule, warm-up included.
     * @param warmupNs           commands intended in the first {@code warmupNs} are sent and counted but their
     *                           latencies are not recorded (JIT and connection warm-up).
     * @param drainTimeoutNs     how long to wait for outstanding replies after the last send.
     * @param slotsPerConnection power of two: the most requests one connection may have unanswered; more is an error
     *                           (the server is not keeping up at all).
     */
    public OpenLoopLoad(
        final List<WodianClient> clients,
        final double ratePerSecond,
        final long durationNs,
        final long warmupNs,
        final long drainTimeoutNs,
        final int slotsPerConnection,
        final CommandGenerator generator,
        final ReplyObserver observer)
    {
        if (clients.isEmpty())
        {
            throw new IllegalArgumentException("no connections");
        }
        if (!(ratePerSecond > 0) || durationNs <= 0 || warmupNs < 0 || warmupNs >= durationNs)
        {
            throw new IllegalArgumentException("need rate > 0 and 0 <= warmup < duration: rate=" + ratePerSecond +
                " durationNs=" + durationNs + " warmupNs=" + warmupNs);
        }
        if (Integer.bitCount(slotsPerConnection) != 1)
        {
            throw new IllegalArgumentException("slotsPerConnection must be a power of two: " + slotsPerConnection);
        }
        this.clients = List.copyOf(clients);
        this.ratePerSecond = ratePerSecond;
        this.durationNs = durationNs;
        this.warmupNs = warmupNs;
        this.drainTimeoutNs = drainTimeoutNs;
        this.slotsPerConnection = slotsPerConnection;
        this.generator = generator;
        this.observer = observer;
        this.connections = new Connection[clients.size()];
        for (int i = 0; i < connections.length; i++)
        {
            connections[i] = new Connection(i, this.clients.get(i));
        }
    }

    /** Runs the schedule on the calling thread, waits for the replies (bounded) and returns what was measured. */
    public Result run()
    {
        final long commandCount = Math.max(1, (long)(ratePerSecond * durationNs / 1e9));
        final double periodNs = 1e9 / ratePerSecond;
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[CommandCatalog.MAX_MESSAGE_LENGTH]);
        final int connectionCount = connections.length;

        final long startNs = System.nanoTime();
        measureFromNs = startNs + warmupNs;
        long maxLagNs = 0;
        int sendsSinceFlush = 0;
        for (long index = 0; index < commandCount; index++)
        {
            final long intendedNs = startNs + (long)(index * periodNs);
            long nowNs = System.nanoTime();
            if (nowNs < intendedNs)
            {
                // Caught up: push out what is buffered before waiting, so nothing waits on the schedule.
                flushAll();
                sendsSinceFlush = 0;
                nowNs = waitUntil(intendedNs);
            }
            else if (sendsSinceFlush >= SENDS_PER_FLUSH_MAX)
            {
                flushAll();
                sendsSinceFlush = 0;
            }
            maxLagNs = Math.max(maxLagNs, nowNs - intendedNs);

            final Connection connection = connections[(int)(index % connectionCount)];
            final int length = generator.encode(index, connection.index, buffer, 0);
            connection.send(buffer, length, intendedNs);
            sendsSinceFlush++;
        }
        flushAll();
        final long lastSendNs = System.nanoTime();

        final long drainDeadlineNs = lastSendNs + drainTimeoutNs;
        while (answeredCount.get() < commandCount && System.nanoTime() < drainDeadlineNs)
        {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }

        final long[] counts = new long[countByTemplateAndCode.length()];
        for (int i = 0; i < counts.length; i++)
        {
            counts[i] = countByTemplateAndCode.get(i);
        }
        final long answered = answeredCount.get();
        return new Result(
            commandCount,
            answered,
            mismatchedCount.get(),
            commandCount / ((lastSendNs - startNs) / 1e9),
            answered / ((Math.max(lastReplyNs.get(), startNs + 1) - startNs) / 1e9),
            ratePerSecond,
            maxLagNs,
            responseTimeRecorder.getIntervalHistogram(),
            serviceTimeRecorder.getIntervalHistogram(),
            counts);
    }

    private void flushAll()
    {
        for (final Connection connection : connections)
        {
            connection.client.flush();
        }
    }

    /** Parks while the wait is long (2 shared cores: spinning would steal the server's CPU), spins the rest. */
    private static long waitUntil(final long deadlineNs)
    {
        long nowNs;
        while ((nowNs = System.nanoTime()) < deadlineNs)
        {
            final long remainingNs = deadlineNs - nowNs;
            if (remainingNs > PARK_THRESHOLD_NS)
            {
                LockSupport.parkNanos(remainingNs - PARK_MARGIN_NS);
            }
            else
            {
                Thread.onSpinWait();
            }
        }
        return nowNs;
    }

    private void complete(
        final long intendedNs, final long sentNs, final long repliedNs, final int templateId, final int code)
    {
        countByTemplateAndCode.incrementAndGet(
            (templateId & (TEMPLATE_LIMIT - 1)) * CODE_LIMIT + (code & (CODE_LIMIT - 1)));
        if (intendedNs >= measureFromNs)
        {
            responseTimeRecorder.recordValue(Math.min(HIGHEST_TRACKABLE_NS, Math.max(0, repliedNs - intendedNs)));
            serviceTimeRecorder.recordValue(Math.min(HIGHEST_TRACKABLE_NS, Math.max(0, repliedNs - sentNs)));
        }
        answeredCount.incrementAndGet();
    }

    /** One connection's in-flight table and its reply listener (one object, allocated once: nothing per request). */
    private final class Connection implements ReplyListener
    {
        private static final int SENDER_DONE = 1;
        private static final int BOTH_DONE = 2;

        final int index;
        final WodianClient client;
        private final int mask = slotsPerConnection - 1;
        private final long[] sendIds = new long[slotsPerConnection];
        private final long[] replyIds = new long[slotsPerConnection];
        private final long[] intendedNs = new long[slotsPerConnection];
        private final long[] sentNs = new long[slotsPerConnection];
        private final long[] repliedNs = new long[slotsPerConnection];
        private final int[] templateIds = new int[slotsPerConnection];
        private final int[] codes = new int[slotsPerConnection];
        private final AtomicIntegerArray states = new AtomicIntegerArray(slotsPerConnection);
        private final AtomicLong completed = new AtomicLong();
        private long sentCount;

        Connection(final int index, final WodianClient client)
        {
            this.index = index;
            this.client = client;
        }

        void send(final MutableDirectBuffer buffer, final int length, final long intendedNs)
        {
            if (sentCount - completed.get() >= slotsPerConnection)
            {
                throw new IllegalStateException("connection " + index + " has " + slotsPerConnection +
                    " requests unanswered: the server is not keeping up with the offered rate");
            }
            final int templateId = CommandCatalog.templateId(buffer, 0);
            final long sentNs = System.nanoTime();
            final long correlationId = client.send(buffer, 0, length, this);
            sentCount++;
            final int slot = (int)correlationId & mask;
            sendIds[slot] = correlationId;
            this.intendedNs[slot] = intendedNs;
            this.sentNs[slot] = sentNs;
            templateIds[slot] = templateId;
            if (states.incrementAndGet(slot) == BOTH_DONE)
            {
                finish(slot);
            }
        }

        @Override
        public void onReply(final long correlationId, final DirectBuffer buffer, final int offset, final int length)
        {
            final long nowNs = System.nanoTime();
            final int slot = (int)correlationId & mask;
            replyIds[slot] = correlationId;
            repliedNs[slot] = nowNs;
            codes[slot] = length >= CommandCatalog.HEADER_LENGTH + 2 ? EngineFixture.replyCode(buffer, offset) : 0xFFFF;
            lastReplyNs.accumulateAndGet(nowNs, Math::max);
            // The template of the command: the sender's half may not be written yet, so the observer is told the
            // reply's own template when the command's is unknown.
            final int commandTemplateId = states.get(slot) == SENDER_DONE ?
                templateIds[slot] : CommandCatalog.templateId(buffer, offset);
            observer.onReply(index, commandTemplateId, buffer, offset, length);
            if (states.incrementAndGet(slot) == BOTH_DONE)
            {
                finish(slot);
            }
        }

        private void finish(final int slot)
        {
            if (sendIds[slot] != replyIds[slot])
            {
                mismatchedCount.incrementAndGet();
            }
            complete(intendedNs[slot], sentNs[slot], repliedNs[slot], templateIds[slot], codes[slot]);
            completed.incrementAndGet();
            // Frees the slot; the volatile write orders the reads above before a later request's writes.
            states.set(slot, 0);
        }
    }

    /** What a run measured. Latencies in nanoseconds. */
    public static final class Result
    {
        private final long sentCount;
        private final long answeredCount;
        private final long mismatchedCount;
        private final double achievedSendRatePerSecond;
        private final double achievedReplyRatePerSecond;
        private final double offeredRatePerSecond;
        private final long maxSendLagNs;
        private final Histogram responseTimeNs;
        private final Histogram serviceTimeNs;
        private final long[] countByTemplateAndCode;

        Result(
            final long sentCount,
            final long answeredCount,
            final long mismatchedCount,
            final double achievedSendRatePerSecond,
            final double achievedReplyRatePerSecond,
            final double offeredRatePerSecond,
            final long maxSendLagNs,
            final Histogram responseTimeNs,
            final Histogram serviceTimeNs,
            final long[] countByTemplateAndCode)
        {
            this.sentCount = sentCount;
            this.answeredCount = answeredCount;
            this.mismatchedCount = mismatchedCount;
            this.achievedSendRatePerSecond = achievedSendRatePerSecond;
            this.achievedReplyRatePerSecond = achievedReplyRatePerSecond;
            this.offeredRatePerSecond = offeredRatePerSecond;
            this.maxSendLagNs = maxSendLagNs;
            this.responseTimeNs = responseTimeNs;
            this.serviceTimeNs = serviceTimeNs;
            this.countByTemplateAndCode = countByTemplateAndCode;
        }

        public long sentCount()
        {
            return sentCount;
        }

        public long answeredCount()
        {
            return answeredCount;
        }

        /** Replies whose correlation id did not match the request in their slot: must be 0. */
        public long mismatchedCount()
        {
            return mismatchedCount;
        }

        public double offeredRatePerSecond()
        {
            return offeredRatePerSecond;
        }

        /** Commands sent per second of the sending phase. */
        public double achievedSendRatePerSecond()
        {
            return achievedSendRatePerSecond;
        }

        /** Replies per second, from the first send to the last reply. */
        public double achievedReplyRatePerSecond()
        {
            return achievedReplyRatePerSecond;
        }

        /** How far behind its schedule the sender ever was. */
        public long maxSendLagNs()
        {
            return maxSendLagNs;
        }

        public Histogram responseTimeNs()
        {
            return responseTimeNs;
        }

        public Histogram serviceTimeNs()
        {
            return serviceTimeNs;
        }

        /** Replies to commands of this template with this result code. */
        public long count(final int commandTemplateId, final int code)
        {
            if (commandTemplateId < 0 || commandTemplateId >= TEMPLATE_LIMIT || code < 0 || code >= CODE_LIMIT)
            {
                return 0;
            }
            return countByTemplateAndCode[commandTemplateId * CODE_LIMIT + code];
        }

        /** Replies with this result code, over all templates. */
        public long countOfCode(final int code)
        {
            long total = 0;
            for (int template = 0; template < TEMPLATE_LIMIT; template++)
            {
                total += count(template, code);
            }
            return total;
        }

        /** "p50=..." line of a latency histogram in microseconds. */
        public static String percentiles(final Histogram histogram)
        {
            return String.format("p50=%s p99=%s p99.9=%s p99.99=%s max=%s (n=%d)",
                micros(histogram.getValueAtPercentile(50)),
                micros(histogram.getValueAtPercentile(99)),
                micros(histogram.getValueAtPercentile(99.9)),
                micros(histogram.getValueAtPercentile(99.99)),
                micros(histogram.getMaxValue()),
                histogram.getTotalCount());
        }

        private static String micros(final long nanos)
        {
            return nanos >= 10_000_000 ? String.format("%.1fms", nanos / 1e6) : String.format("%.1fus", nanos / 1e3);
        }
    }
}
