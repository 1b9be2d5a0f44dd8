package com.wodian.perf.loadgen;

import com.wodian.net.client.ReplyListener;
import com.wodian.net.client.RequestChannel;
import com.wodian.net.client.WodianClient;
import com.wodian.protocol.ReplyCodes;
import com.wodian.protocol.CommandCatalog;
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
 * Open-loop load generator (wrk2-style): sends the commands of a {@link Schedule} at their intended times over
 * pipelined connections, never waiting for a reply before the next send, and records two latencies per reply in
 * HdrHistogram {@link Recorder}s:
 * <ul>
 *     <li><b>response time</b> from the <em>intended</em> send time to the reply: what a terminal that issued the
 *     command at that moment waited. A stall (server, network, GC, a late sender) counts against every command that
 *     should have been sent during it, not only the one caught in it: the coordinated-omission correction;</li>
 *     <li><b>service time</b> from the actual send to the reply: the server and the network alone.</li>
 * </ul>
 *
 * <p>Threads: {@code senderCount} sender loops (1 is the default: on 2 cores a second sender thread only takes CPU
 * from the server, see docs/performance.md); sender {@code s} owns the connections {@code c} with
 * {@code c % senderCount == s} and sends their commands in schedule order. Replies arrive on each client's receiving
 * thread. When a sender is behind schedule it sends the overdue commands back to back and flushes every
 * {@value #SENDS_PER_FLUSH_MAX} sends, so a late sender catches up in batches, as real pipelined clients do.
 *
 * <p>A third histogram holds each measured command's send lateness (intended to actual send): the load generator's
 * own share of the response time, the same for an echo and a server row at the same rate.
 *
 * <p>Per-request bookkeeping: each request's record lives in a slot of its connection ({@code correlationId & mask});
 * the sender writes its half (intended and actual send times, template) and the receiver its half (reply time,
 * result code), each followed by an atomic increment of the slot's state, whose full fence publishes the plain
 * writes before it; whichever increments second sees both halves, records the latencies and frees the slot. So a
 * reply that overtakes the sender's bookkeeping is still measured, and nothing is allocated per request.
 *
 * <p>Overload: when a connection has {@code slotsPerConnection} requests unanswered the sender waits for a free
 * slot (the latencies keep counting from the intended times); when it is more than {@code abortLagNs} behind
 * schedule it stops sending and the result says {@link LoadResult#aborted()}: the offered rate is far beyond what
 * the server sustains.
 */
public final class LoadGenerator
{
    /** Writes the commands of the schedule. */
    @FunctionalInterface
    public interface CommandGenerator
    {
        /**
         * Encodes command {@code index} of the schedule into {@code buffer} at {@code offset}. Called by the sender
         * thread that owns {@code connectionIndex}, in schedule order for that connection; state kept per
         * connection needs no synchronisation.
         *
         * @return the encoded SBE message length.
         */
        int encode(long index, int connectionIndex, MutableDirectBuffer buffer, int offset);
    }

    /** Reads the result code of a reply, on the client's receiving thread. */
    @FunctionalInterface
    public interface ReplyCodeReader
    {
        /** Wodian replies: the uint16 code after the SBE header ({@link ReplyCodes}). */
        ReplyCodeReader WODIAN = (buffer, offset, length) ->
        {
            final int code = ReplyCodes.codeOf(buffer, offset, length);
            return code == ReplyCodes.NONE ? CODE_UNKNOWN : code;
        };

        /** Echoed frames carry no result: everything counts as code 0. */
        ReplyCodeReader NONE = (buffer, offset, length) -> 0;

        int code(DirectBuffer buffer, int offset, int length);
    }

    /**
     * Sees every reply, on the client's receiving thread (the demo follows its workload with it); the buffer is only
     * valid during the call.
     */
    @FunctionalInterface
    public interface ReplyObserver
    {
        ReplyObserver NONE = (connectionIndex, commandTemplateId, buffer, offset, length) -> {};

        /**
         * @param commandTemplateId the template of the command answered, or the reply's own template when the
         *                          sender's bookkeeping for it is not visible yet (a reply that overtook it).
         */
        void onReply(int connectionIndex, int commandTemplateId, DirectBuffer buffer, int offset, int length);
    }

    /** Code recorded for a reply too short to carry one. */
    public static final int CODE_UNKNOWN = LoadResult.CODE_LIMIT - 1;

    static final long HIGHEST_TRACKABLE_NS = TimeUnit.MINUTES.toNanos(10);
    static final int SIGNIFICANT_DIGITS = 3;
    private static final long PARK_THRESHOLD_NS = 30_000;
    private static final long PARK_MARGIN_NS = 15_000;
    private static final long SENDER_TIMER_SLACK_NS = 1_000;
    private static final int SENDS_PER_FLUSH_MAX = 64;
    private static final long START_DELAY_NS = TimeUnit.MILLISECONDS.toNanos(20);
    private static final int SENT_STRIDE = 16;

    private final Schedule schedule;
    private final int senderCount;
    private final long drainTimeoutNs;
    private final long abortLagNs;
    private final CommandGenerator generator;
    private final ReplyCodeReader codeReader;
    private final ReplyObserver observer;
    private final int slotsPerConnection;
    private final Connection[] connections;

    private final Recorder responseTimeRecorder = new Recorder(HIGHEST_TRACKABLE_NS, SIGNIFICANT_DIGITS);
    private final Recorder serviceTimeRecorder = new Recorder(HIGHEST_TRACKABLE_NS, SIGNIFICANT_DIGITS);
    private final Recorder sendLatenessRecorder = new Recorder(HIGHEST_TRACKABLE_NS, SIGNIFICANT_DIGITS);
    private final AtomicLongArray countByTemplateAndCode =
        new AtomicLongArray(LoadResult.TEMPLATE_LIMIT * LoadResult.CODE_LIMIT);
    /**
     * Per sender (at index {@code sender * SENT_STRIDE}, a cache line apart): requests sent so far, published after
     * each send, so that a run that a client failure or a signal ends can still say how far it got (operator review
     * 2, C9: a sum added only at the end of a completed send loop said "0 requests sent, 38393 answered").
     */
    private final AtomicLongArray sentBySender;
    private final AtomicLong answeredCount = new AtomicLong();
    private final AtomicLong measuredAnsweredCount = new AtomicLong();
    private final AtomicLong mismatchedCount = new AtomicLong();
    private final AtomicLong lastReplyNs = new AtomicLong();
    private final AtomicLong maxLagNs = new AtomicLong();
    private final AtomicLong senderAllocatedBytes = new AtomicLong();
    private final AtomicLong senderTimerSlackNs = new AtomicLong(ThreadTimerSlack.UNKNOWN);
    private volatile boolean aborted;
    private volatile long startNs;
    private volatile long measureFromNs;
    /** When the senders finished (0: still sending, or a run that threw). */
    private volatile long lastSendAtNs;

    /**
     * @param clients            one per connection of the schedule, used by nobody else during {@link #run()}.
     * @param schedule           what to send when.
     * @param senderCount        sender threads, 1 to the number of connections.
     * @param slotsPerConnection power of two, at most {@link WodianClient#IN_FLIGHT_MAX}: requests one connection
     *                           may have unanswered before its sender waits.
     * @param drainTimeoutNs     how long to wait for outstanding replies after the last send.
     * @param abortLagNs         stop sending when this far behind schedule.
     */
    public LoadGenerator(
        final List<? extends RequestChannel> clients,
        final Schedule schedule,
        final int senderCount,
        final int slotsPerConnection,
        final long drainTimeoutNs,
        final long abortLagNs,
        final CommandGenerator generator,
        final ReplyCodeReader codeReader)
    {
        this(clients, schedule, senderCount, slotsPerConnection, drainTimeoutNs, abortLagNs, generator, codeReader,
            ReplyObserver.NONE);
    }

    /** As above, with an observer that sees every reply. */
    public LoadGenerator(
        final List<? extends RequestChannel> clients,
        final Schedule schedule,
        final int senderCount,
        final int slotsPerConnection,
        final long drainTimeoutNs,
        final long abortLagNs,
        final CommandGenerator generator,
        final ReplyCodeReader codeReader,
        final ReplyObserver observer)
    {
        if (clients.size() != schedule.connectionCount())
        {
            throw new IllegalArgumentException(clients.size() + " clients for a schedule of " +
                schedule.connectionCount() + " connections");
        }
        if (senderCount < 1 || senderCount > clients.size())
        {
            throw new IllegalArgumentException("senders must be in 1.." + clients.size() + ": " + senderCount);
        }
        if (Integer.bitCount(slotsPerConnection) != 1 || slotsPerConnection > WodianClient.IN_FLIGHT_MAX)
        {
            throw new IllegalArgumentException("slotsPerConnection must be a power of two <= " +
                WodianClient.IN_FLIGHT_MAX + ": " + slotsPerConnection);
        }
        this.schedule = schedule;
        this.senderCount = senderCount;
        this.slotsPerConnection = slotsPerConnection;
        this.drainTimeoutNs = drainTimeoutNs;
        this.abortLagNs = abortLagNs;
        this.generator = generator;
        this.codeReader = codeReader;
        this.observer = observer;
        this.sentBySender = new AtomicLongArray(senderCount * SENT_STRIDE);
        this.connections = new Connection[clients.size()];
        for (int i = 0; i < connections.length; i++)
        {
            connections[i] = new Connection(i, clients.get(i));
        }
    }

    /** Requests sent so far (also after {@link #run} threw: what a report of an aborted run can still say). */
    public long sentSoFar()
    {
        long sent = 0;
        for (int s = 0; s < senderCount; s++)
        {
            sent += sentBySender.get(s * SENT_STRIDE);
        }
        return sent;
    }

    /** Replies taken so far. */
    public long answeredSoFar()
    {
        return answeredCount.get();
    }

    /** Runs the schedule, waits for the replies (bounded by the drain timeout) and returns what was measured. */
    public LoadResult run()
    {
        // Start with an empty young generation: in steady state neither the senders nor the reply listeners allocate,
        // but the set-up (the population, the connections, these tables: megabytes) fills the first eden, whose
        // collection would otherwise fall inside the measured window and stop every thread of this JVM, the reply
        // readers included, for the pause (seen: a young pause of the load generator inside the window).
        System.gc();
        final long firstNs = System.nanoTime() + START_DELAY_NS;
        startNs = firstNs;
        measureFromNs = firstNs + schedule.warmupNs();
        final Thread[] senders = new Thread[senderCount - 1];
        final RuntimeException[] failures = new RuntimeException[senderCount];
        for (int s = 1; s < senderCount; s++)
        {
            final int senderIndex = s;
            senders[s - 1] = new Thread(() -> runSender(senderIndex, failures), "wodian-loadgen-sender-" + s);
            senders[s - 1].start();
        }
        runSender(0, failures);
        for (final Thread sender : senders)
        {
            joinUninterruptibly(sender);
        }
        for (final RuntimeException failure : failures)
        {
            if (failure != null)
            {
                throw failure;
            }
        }
        final long lastSendNs = System.nanoTime();
        lastSendAtNs = lastSendNs;

        final long drainDeadlineNs = lastSendNs + drainTimeoutNs;
        while (answeredCount.get() < sentSoFar() && System.nanoTime() < drainDeadlineNs)
        {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
        return result(aborted ? LoadResult.BEHIND_SCHEDULE : null);
    }

    /**
     * What the run measured so far, for a run that did not come to its end: {@link #run} threw (a client failed), or
     * the process is stopping (a signal) while the senders still run. Takes the latency histograms recorded so far:
     * call it once, instead of using {@link #run}'s result.
     *
     * @param stoppedBy why the run ended early, as the summary says it (e.g. "stopped by a signal").
     */
    public LoadResult resultSoFar(final String stoppedBy)
    {
        return result(stoppedBy);
    }

    private LoadResult result(final String stoppedBy)
    {
        // Replies first: each counted reply's request was counted as sent before it went out.
        final long answered = answeredCount.get();
        final long[] counts = new long[countByTemplateAndCode.length()];
        for (int i = 0; i < counts.length; i++)
        {
            counts[i] = countByTemplateAndCode.get(i);
        }
        final long sent = sentSoFar();
        final long firstNs = startNs;
        final boolean sendersDone = 0 != lastSendAtNs;
        final long lastSendNs = sendersDone ? lastSendAtNs : System.nanoTime();
        // A run stopped while sending (a failure, a signal) is measured up to now, not to its schedule's end.
        final long scheduleEndNs = sendersDone ?
            firstNs + schedule.intendedOffsetNs(schedule.commandCount() - 1) : lastSendNs;
        final long measuredSpanNs = Math.max(scheduleEndNs, lastReplyNs.get()) - measureFromNs;
        return new LoadResult(
            schedule,
            senderCount,
            schedule.commandCount(),
            sent,
            answered,
            mismatchedCount.get(),
            null != stoppedBy,
            stoppedBy,
            sent / (Math.max(1, lastSendNs - firstNs) / 1e9),
            measuredAnsweredCount.get() / (Math.max(1, measuredSpanNs) / 1e9),
            maxLagNs.get(),
            senderAllocatedBytes.get(),
            responseTimeRecorder.getIntervalHistogram(),
            serviceTimeRecorder.getIntervalHistogram(),
            counts,
            sendLatenessRecorder.getIntervalHistogram(),
            senderTimerSlackNs.get());
    }

    private void runSender(final int senderIndex, final RuntimeException[] failures)
    {
        try
        {
            send(senderIndex);
        }
        catch (final RuntimeException ex)
        {
            aborted = true;
            failures[senderIndex] = ex;
        }
    }

    /**
     * The sending loop of one sender: round {@code r} sends, for each owned connection {@code c}, command
     * {@code r * connectionCount + c}, so the owned commands go out in intended-time order.
     */
    private void send(final int senderIndex)
    {
        final int connectionCount = connections.length;
        final int ownedCount = (connectionCount - senderIndex + senderCount - 1) / senderCount;
        final Connection[] owned = new Connection[ownedCount];
        for (int k = 0; k < ownedCount; k++)
        {
            owned[k] = connections[senderIndex + k * senderCount];
        }
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[CommandCatalog.MAX_MESSAGE_LENGTH]);
        // Wake up for each send when asked, not up to 50 µs later (the default slack): see waitUntil.
        senderTimerSlackNs.set(ThreadTimerSlack.set(SENDER_TIMER_SLACK_NS));
        final long commandCount = schedule.commandCount();
        final long firstNs = startNs;
        final long allocatedBeforeBytes = threadAllocatedBytes();
        final int sentIndex = senderIndex * SENT_STRIDE;
        long lagMaxNs = 0;
        long sent = 0;
        int sendsSinceFlush = 0;
        waitUntil(firstNs);
        outer:
        for (long round = 0; ; round++)
        {
            for (final Connection connection : owned)
            {
                final long index = round * connectionCount + connection.index;
                if (index >= commandCount)
                {
                    break outer;
                }
                final long intendedNs = firstNs + schedule.intendedOffsetNs(index);
                long nowNs = System.nanoTime();
                if (nowNs < intendedNs)
                {
                    // Caught up: push out what is buffered before waiting, so nothing waits on the schedule.
                    flush(owned);
                    sendsSinceFlush = 0;
                    nowNs = waitUntil(intendedNs);
                }
                else if (sendsSinceFlush >= SENDS_PER_FLUSH_MAX)
                {
                    flush(owned);
                    sendsSinceFlush = 0;
                }
                final long lagNs = nowNs - intendedNs;
                lagMaxNs = Math.max(lagMaxNs, lagNs);
                // The volatile read also stops this sender soon after another one gave up.
                if (lagNs > abortLagNs || aborted)
                {
                    aborted = true;
                    break outer;
                }
                if (!connection.awaitSlot(owned, intendedNs))
                {
                    aborted = true;
                    break outer;
                }
                final int length = generator.encode(index, connection.index, buffer, 0);
                connection.send(buffer, length, intendedNs, intendedNs >= measureFromNs);
                sent++;
                sentBySender.lazySet(sentIndex, sent); // an ordered store: readers of a stopped run see it
                sendsSinceFlush++;
            }
        }
        flush(owned);
        senderAllocatedBytes.addAndGet(threadAllocatedBytes() - allocatedBeforeBytes);
        maxLagNs.accumulateAndGet(lagMaxNs, Math::max);
    }

    /** Bytes allocated so far by the calling thread, or 0 where the JVM does not tell. */
    private static long threadAllocatedBytes()
    {
        final java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        return threads instanceof com.sun.management.ThreadMXBean ?
            ((com.sun.management.ThreadMXBean)threads).getThreadAllocatedBytes(Thread.currentThread().getId()) : 0;
    }

    private static void flush(final Connection[] owned)
    {
        for (final Connection connection : owned)
        {
            connection.flushIfDirty();
        }
    }

    /**
     * Parks while the wait is long (2 shared cores: spinning would steal the server's CPU), spins the rest. The park
     * asks to wake {@code PARK_MARGIN_NS} early; with Linux's default 50-µs timer slack it woke up to 35 µs late
     * instead and never spun, so the sender sets its slack to {@code SENDER_TIMER_SLACK_NS} first
     * (docs/history/latency-sessions.md, "What the load generator's sender costs").
     */
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

    private static void joinUninterruptibly(final Thread thread)
    {
        boolean interrupted = false;
        while (true)
        {
            try
            {
                thread.join();
                break;
            }
            catch (final InterruptedException ex)
            {
                interrupted = true;
            }
        }
        if (interrupted)
        {
            Thread.currentThread().interrupt();
        }
    }

    private void complete(
        final long intendedNs,
        final long sentNs,
        final long repliedNs,
        final boolean measured,
        final int templateId,
        final int code)
    {
        countByTemplateAndCode.incrementAndGet(LoadResult.countIndex(templateId, code));
        if (measured)
        {
            responseTimeRecorder.recordValue(Math.min(HIGHEST_TRACKABLE_NS, Math.max(0, repliedNs - intendedNs)));
            serviceTimeRecorder.recordValue(Math.min(HIGHEST_TRACKABLE_NS, Math.max(0, repliedNs - sentNs)));
            measuredAnsweredCount.incrementAndGet();
        }
        answeredCount.incrementAndGet();
    }

    /** One connection's in-flight table and its reply listener (one object, allocated once: nothing per request). */
    private final class Connection implements ReplyListener
    {
        private static final int SENDER_DONE = 1;
        private static final int BOTH_DONE = 2;

        final int index;
        final RequestChannel client;
        private final int mask = slotsPerConnection - 1;
        private final long[] sendIds = new long[slotsPerConnection];
        private final long[] replyIds = new long[slotsPerConnection];
        private final long[] intendedNs = new long[slotsPerConnection];
        private final long[] sentNs = new long[slotsPerConnection];
        private final long[] repliedNs = new long[slotsPerConnection];
        private final boolean[] measured = new boolean[slotsPerConnection];
        private final int[] templateIds = new int[slotsPerConnection];
        private final int[] codes = new int[slotsPerConnection];
        private final AtomicIntegerArray states = new AtomicIntegerArray(slotsPerConnection);
        private final AtomicLong completed = new AtomicLong();
        private long sentCount;
        private boolean dirty;

        Connection(final int index, final RequestChannel client)
        {
            this.index = index;
            this.client = client;
        }

        /**
         * Waits until this connection has a free slot; false when the sender fell more than the abort lag behind
         * while waiting. Flushes first: the replies that free slots need the requests on the wire.
         */
        boolean awaitSlot(final Connection[] owned, final long intendedNs)
        {
            if (sentCount - completed.get() < slotsPerConnection)
            {
                return true;
            }
            flush(owned);
            while (sentCount - completed.get() >= slotsPerConnection)
            {
                if (System.nanoTime() - intendedNs > abortLagNs)
                {
                    return false;
                }
                LockSupport.parkNanos(50_000);
            }
            return true;
        }

        void flushIfDirty()
        {
            if (dirty)
            {
                client.flush();
                dirty = false;
            }
        }

        void send(final MutableDirectBuffer buffer, final int length, final long intendedNs, final boolean measured)
        {
            final int templateId = CommandCatalog.templateId(buffer, 0);
            final long sentNs = System.nanoTime();
            final long correlationId = client.send(buffer, 0, length, this);
            sentCount++;
            dirty = true;
            final int slot = (int)correlationId & mask;
            sendIds[slot] = correlationId;
            this.intendedNs[slot] = intendedNs;
            this.sentNs[slot] = sentNs;
            this.measured[slot] = measured;
            templateIds[slot] = templateId;
            if (measured)
            {
                // What coordinated-omission correction adds to this request's response time: the sender's own delay.
                sendLatenessRecorder.recordValue(Math.min(HIGHEST_TRACKABLE_NS, Math.max(0, sentNs - intendedNs)));
            }
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
            codes[slot] = codeReader.code(buffer, offset, length);
            lastReplyNs.accumulateAndGet(nowNs, Math::max);
            if (ReplyObserver.NONE != observer)
            {
                final int commandTemplateId = states.get(slot) == SENDER_DONE ?
                    templateIds[slot] : CommandCatalog.templateId(buffer, offset);
                observer.onReply(index, commandTemplateId, buffer, offset, length);
            }
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
            complete(intendedNs[slot], sentNs[slot], repliedNs[slot], measured[slot], templateIds[slot], codes[slot]);
            completed.incrementAndGet();
            // Frees the slot; the volatile write orders the reads above before a later request's writes.
            states.set(slot, 0);
        }
    }
}
