package com.wodian.net.testing.group;

import com.wodian.net.client.ClientConfig;
import com.wodian.net.client.WodianClient;
import com.wodian.protocol.CommandCatalog;
import com.wodian.protocol.CommandEncoder;
import com.wodian.protocol.MessageText;
import com.wodian.protocol.sbe.MessageHeaderDecoder;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.BitSet;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A POS terminal paying without pause against a replica group: pipelined Pay commands (at most {@value #WINDOW} in
 * flight) through one {@link WodianClient} that lists every node and reconnects, so it follows the primary and
 * re-sends in-flight payments with their keys after a failover.
 *
 * <p>Payment {@code id} debits consumer {@link #consumerOf(int)} by {@link #amountOf(int)}; ids are never reused for
 * another payment, so the wallets tell exactly which payments were applied and how often. A reply other than OK that
 * is not a business decline (NOT_PRIMARY or PRIMARY_LOST leaking through, SERVER_BUSY, ...) is retried by the
 * terminal with the same key, at most {@value #RETRIES_MAX} times. A client that fails (no node reachable for its
 * give-up time) is replaced, and its unanswered payments are retried the same way.
 *
 * <p>A payment counts as a success when an OK reply reached the terminal while the load ran; the success ratio is
 * successes over payments sent, minus business declines.
 */
public final class PosLoad implements AutoCloseable
{
    public static final int WINDOW = 32;
    public static final int CONSUMERS = 20;
    public static final long MERCHANT_ID = 3;
    public static final long TERMINAL_ID = 301;
    public static final long TOP_UP_FEN = 100_000_000;
    /**
     * New payments per second at most (0: as fast as the window allows). Paced so that three server JVMs, their
     * restarts and the test share two cores without the load starving the restarts; still hundreds of payments in
     * every failover window.
     */
    public static final int RATE_PER_SECOND = Integer.getInteger("wodian.replication.rate", 1_000);
    private static final int RETRIES_MAX = 5;
    private static final int PAYMENTS_MAX = 1 << 24;
    /**
     * Clients the terminal may go through (one fails after no node answered for its give-up time); a long soak's many
     * faults may need more.
     */
    private static final int CLIENTS_MAX = Integer.getInteger("wodian.replication.clientsMax", 5);
    private static final int BUSINESS_CODE_MIN = 200;
    private static final int BUSINESS_CODE_MAX = 749;

    private final ReplicaGroup group;
    /** No new payments after this; retries and replies still go on until {@link #halt}. */
    private final AtomicBoolean stop = new AtomicBoolean();
    /** Nothing more at all. */
    private final AtomicBoolean halt = new AtomicBoolean();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Thread thread;

    // Guarded by this.
    private final BitSet sent = new BitSet();
    private final BitSet acknowledged = new BitSet();
    private final BitSet declined = new BitSet();
    private final BitSet inFlight = new BitSet();
    private final BitSet gaveUp = new BitSet();
    private final ArrayDeque<Integer> retries = new ArrayDeque<>();
    private final Map<Integer, Integer> attempts = new HashMap<>();
    private final Map<Integer, Integer> errorCodes = new TreeMap<>();
    private int nextPaymentId = 1;
    private int clientsCreated;
    private int clientFailures;
    private int retriesSent;
    private long startNs;

    /** The current client; the listener reads its node. Volatile: replaced by the load thread. */
    private volatile WodianClient client;
    /** Failover watch: OK replies from a node other than {@link #watchExcludedNode} after {@link #watchFromNs}. */
    private volatile long watchFromNs;
    private volatile String watchExcludedNode;
    private volatile long firstAckAfterNs;

    public PosLoad(final ReplicaGroup group)
    {
        this.group = group;
        this.thread = new Thread(this::run, "pos-load");
    }

    public static long consumerOf(final int paymentId)
    {
        return 1 + paymentId % CONSUMERS;
    }

    public static long amountOf(final int paymentId)
    {
        return 1 + paymentId % 97;
    }

    /** The client settings of the terminal and of the test's own leader-following calls. */
    public static ClientConfig clientConfig(final ReplicaGroup group)
    {
        // Reply timeout: a partitioned primary answers nothing (it cannot reach a quorum) yet keeps the connection.
        // Connect and logon limits are generous: a just-restarted child JVM (C1 only, two shared cores) answers its
        // first logon slowly, and a dead node refuses at once on loopback (a node binds only after its recovery).
        return group.clientConfig().reconnect(true).connectTimeoutMs(5_000).logonTimeoutMs(10_000)
            .reconnectBackoffInitialMs(10).reconnectBackoffMaxMs(200).reconnectGiveUpMs(20_000).replyTimeoutMs(700);
    }

    /**
     * The reply's result code (the uint16 every reply starts with), without mapping it to the enum: codes newer than
     * this build would not map. -1 for a message that is not a reply.
     */
    public static int resultCode(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length < MessageHeaderDecoder.ENCODED_LENGTH + 2 || CommandCatalog.templateId(buffer, offset) < 100)
        {
            return -1;
        }
        return buffer.getShort(offset + MessageHeaderDecoder.ENCODED_LENGTH, ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
    }

    public void start()
    {
        startNs = System.nanoTime();
        thread.start();
    }

    public synchronized int acknowledgedCount()
    {
        return acknowledged.cardinality();
    }

    /** Waits (bounded) until more than {@code count} payments are acknowledged; false on timeout. */
    public boolean awaitAcknowledgedAbove(final int count, final long timeoutMs) throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (acknowledgedCount() <= count && System.nanoTime() < deadlineNs)
        {
            checkNotFailed();
            Thread.sleep(5);
        }
        return acknowledgedCount() > count;
    }

    /** From now on, notes the first OK reply received at or after fromNs from a node other than excludedNode. */
    public void watchFailover(final long fromNs, final String excludedNode)
    {
        firstAckAfterNs = 0;
        watchExcludedNode = excludedNode;
        watchFromNs = fromNs;
    }

    /** Waits (bounded) for the watched reply; its nanoTime, or 0 when none came in time. */
    public long awaitFirstAckAfterWatch(final long timeoutMs) throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (firstAckAfterNs == 0 && System.nanoTime() < deadlineNs)
        {
            checkNotFailed();
            Thread.sleep(1);
        }
        return firstAckAfterNs;
    }

    private void checkNotFailed()
    {
        final Throwable cause = failure.get();
        if (null != cause)
        {
            // The cause and the terminal's counts in the message: CI's summary shows only the message line.
            throw new AssertionError("POS load failed: " + cause + "; " + summary(), cause);
        }
    }

    /**
     * Stops sending, then waits (bounded) for the replies of payments in flight and for retries to be answered.
     */
    public void stopAndDrain(final long timeoutMs) throws InterruptedException
    {
        stop.set(true);
        thread.join(timeoutMs);
        halt.set(true);
        thread.join(10_000);
        checkNotFailed();
    }

    /** Stopped, and every payment sent is answered with no retry pending. */
    private synchronized boolean drained()
    {
        return stop.get() && inFlight.isEmpty() && retries.isEmpty();
    }

    @Override
    public void close() throws InterruptedException
    {
        stop.set(true);
        halt.set(true);
        thread.join(10_000);
        final WodianClient current = client;
        if (null != current)
        {
            current.close();
        }
    }

    /** Payments sent that never got an OK reply (to be retried by the test before it checks the wallets). */
    public synchronized BitSet unacknowledged()
    {
        final BitSet missing = (BitSet)sent.clone();
        missing.andNot(acknowledged);
        missing.andNot(declined);
        return missing;
    }

    public synchronized BitSet sent()
    {
        return (BitSet)sent.clone();
    }

    public synchronized int sentCount()
    {
        return sent.cardinality();
    }

    public synchronized int declinedCount()
    {
        return declined.cardinality();
    }

    /** Successes over attempts that were not declined for business reasons. */
    public synchronized double successRatio()
    {
        final int eligible = sent.cardinality() - declined.cardinality();
        return eligible == 0 ? 1.0 : (double)acknowledged.cardinality() / eligible;
    }

    public synchronized String summary()
    {
        return "payments (at most " + RATE_PER_SECOND + "/s, window " + WINDOW + ") sent " + sent.cardinality() +
            ", acknowledged " + acknowledged.cardinality() +
            ", declined (business) " + declined.cardinality() + ", gave up after retries " + gaveUp.cardinality() +
            ", never answered " + unacknowledgedCountLocked() + ", terminal retries " + retriesSent +
            ", non-OK replies by code " + errorCodes + ", clients " + clientsCreated + " (failed " +
            clientFailures + ")";
    }

    private int unacknowledgedCountLocked()
    {
        final BitSet missing = (BitSet)sent.clone();
        missing.andNot(acknowledged);
        missing.andNot(declined);
        return missing.cardinality();
    }

    private void run()
    {
        final UnsafeBuffer request = new UnsafeBuffer(new byte[CommandCatalog.MAX_MESSAGE_LENGTH]);
        final CommandEncoder encoder = new CommandEncoder();
        try
        {
            while (!halt.get() && !drained())
            {
                final WodianClient current = newClient();
                if (null == current)
                {
                    return;
                }
                final Semaphore window = new Semaphore(WINDOW);
                try
                {
                    pay(current, window, request, encoder);
                }
                catch (final RuntimeException ex)
                {
                    if (!(ex.getCause() instanceof IOException) && !(ex instanceof java.io.UncheckedIOException) &&
                        !(ex instanceof IllegalStateException))
                    {
                        throw ex;
                    }
                    // The client gave up (no node for its give-up time): retry its unanswered payments on a new one.
                    synchronized (this)
                    {
                        clientFailures++;
                        for (int id = inFlight.nextSetBit(0); id >= 0; id = inFlight.nextSetBit(id + 1))
                        {
                            retries.add(id);
                        }
                        inFlight.clear();
                    }
                    current.close();
                }
            }
            final WodianClient last = client;
            if (null != last)
            {
                last.close();
            }
        }
        catch (final Throwable ex)
        {
            failure.compareAndSet(null, ex);
        }
    }

    private WodianClient newClient() throws InterruptedException
    {
        while (!halt.get())
        {
            synchronized (this)
            {
                if (clientsCreated >= CLIENTS_MAX)
                {
                    throw new IllegalStateException("the POS client failed " + clientFailures + " times");
                }
                clientsCreated++;
            }
            try
            {
                client = WodianClient.connect(clientConfig(group));
                return client;
            }
            catch (final IOException ex)
            {
                Thread.sleep(100);
            }
        }
        return null;
    }

    private void pay(final WodianClient current, final Semaphore window, final UnsafeBuffer request,
        final CommandEncoder encoder) throws InterruptedException
    {
        while (!halt.get() && !drained())
        {
            if (!window.tryAcquire(5, TimeUnit.MILLISECONDS))
            {
                current.flush();
                continue;
            }
            final int paymentId = nextPayment();
            if (paymentId < 0)
            {
                // Ahead of the rate, or draining (only retries go out now) with no retry due.
                window.release();
                current.flush();
                Thread.sleep(1);
                continue;
            }
            if (paymentId >= PAYMENTS_MAX)
            {
                throw new AssertionError("too many payments");
            }
            final int length = encoder.pay(request, 0, MERCHANT_ID, TERMINAL_ID, paymentId, consumerOf(paymentId),
                amountOf(paymentId));
            current.send(request, 0, length, (correlationId, reply, offset, replyLength) ->
            {
                onReply(current, paymentId, reply, offset, replyLength);
                window.release();
            });
            if (window.availablePermits() == 0)
            {
                current.flush();
            }
        }
        current.flush();
    }

    /** The oldest retry due, else a new payment unless stopped or ahead of the rate (then -1). */
    private synchronized int nextPayment()
    {
        final int paymentId;
        final Integer retry = retries.poll();
        if (null != retry)
        {
            paymentId = retry;
            retriesSent++;
        }
        else if (stop.get() || RATE_PER_SECOND > 0 &&
            nextPaymentId > (System.nanoTime() - startNs) / 1_000_000L * RATE_PER_SECOND / 1_000L + 1)
        {
            return -1;
        }
        else
        {
            paymentId = nextPaymentId++;
            sent.set(paymentId);
        }
        inFlight.set(paymentId);
        attempts.merge(paymentId, 1, Integer::sum);
        return paymentId;
    }

    private void onReply(final WodianClient current, final int paymentId, final DirectBuffer reply, final int offset,
        final int length)
    {
        final long nowNs = System.nanoTime();
        final int code = resultCode(reply, offset, length);
        synchronized (this)
        {
            inFlight.clear(paymentId);
            if (code == 0)
            {
                acknowledged.set(paymentId);
                attempts.remove(paymentId); // a long soak keeps only the payments still in play
                if (watchFromNs != 0 && firstAckAfterNs == 0 && nowNs >= watchFromNs &&
                    !current.node().equals(watchExcludedNode))
                {
                    firstAckAfterNs = nowNs;
                }
                return;
            }
            errorCodes.merge(code, 1, Integer::sum);
            if (code >= BUSINESS_CODE_MIN && code <= BUSINESS_CODE_MAX)
            {
                declined.set(paymentId);
                if (failure.get() == null)
                {
                    // None expected: the wallets are far above every payment.
                    failure.compareAndSet(null, new AssertionError("payment " + paymentId + " declined: " +
                        MessageText.describe(reply, offset, length)));
                }
                return;
            }
            if (attempts.getOrDefault(paymentId, 0) < RETRIES_MAX)
            {
                retries.add(paymentId);
            }
            else
            {
                gaveUp.set(paymentId);
            }
        }
    }
}
