package com.wodian.net.client;

import com.wodian.net.FrameDescriptor;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import com.wodian.net.auth.Credentials;
import com.wodian.protocol.sbe.HeartbeatEncoder;
import com.wodian.protocol.sbe.MessageHeaderEncoder;
import com.wodian.protocol.sbe.ResultCode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.channels.ByteChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.ScheduledFuture;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

import static com.wodian.net.FrameDescriptor.REQUEST_MESSAGE_LENGTH_MAX;
import static com.wodian.net.FrameDescriptor.MESSAGE_OFFSET;

/**
 * Java client of the Wodian wire protocol (docs/protocol.md): one TCP connection at a time, many requests in flight.
 *
 * <p>{@link #send} frames an encoded SBE message with the next correlation id (1, 2, 3, ...) into a send buffer;
 * {@link #flush()} writes it (a full buffer is written on its own). A receiver thread reads replies and hands each to
 * the listener of its request. The server answers a connection's requests in order, so in-flight requests are kept
 * in a FIFO ring rather than a map ({@link InFlightRequests}); a reply whose correlation id is not the oldest
 * request's is a protocol error and fails the client. {@link #call} is the blocking form, for tools and tests.
 * The framed bytes are a {@link SendBuffer}'s; reading the replies and matching each to its request is a
 * {@link ReplyReader}'s; the choice of the next node after a loss is {@link NodeCursor}'s.
 *
 * <p>Session layer (docs/security.md): making a connection (TCP, TLS when configured, the logon) is
 * {@link ClientConnection}'s job; with credentials the client logs on after connecting (challenge and proof;
 * the secret never leaves the client) and sends a Heartbeat whenever it has been silent for the heartbeat interval,
 * from one daemon thread shared by all clients.
 *
 * <p>Reconnect ({@link ClientConfig#reconnect(boolean)}): the send buffer then keeps every request's bytes until its
 * reply arrives. Because replies come in request order, the unanswered requests are always a contiguous tail of the
 * byte stream sent, starting at the end of the last answered frame. After a lost connection the receiver thread
 * connects again (the same node, then the next ones of the node list, with exponential backoff), logs on, and
 * re-sends that tail unchanged: same correlation ids, same idempotency keys, so the in-flight FIFO stays valid and the
 * server answers a command it had already applied with its first result. Only after
 * {@link ClientConfig#reconnectGiveUpMs()} without a connection does the client fail.
 *
 * <p>{@code send}, {@code flush} and {@code call} may be called from any thread; after a failure or {@link #close()}
 * they throw. Each request sent hears exactly once: its reply, or, when the client fails or closes first, an outcome
 * unknown ({@link ReplyListener#onFailure}, {@link OutcomeUnknownException}): resend it with the same key.
 */
public final class WodianClient implements AutoCloseable, RequestChannel
{
    /** Requests that may be in flight at once; {@link #send} waits (flushing) while the limit is reached. */
    public static final int IN_FLIGHT_MAX = InFlightRequests.CAPACITY;

    private static final System.Logger LOG = System.getLogger("com.wodian.net.client");
    private static final int SEND_BUFFER_LENGTH = 64 * 1024;
    /** The server's default (GatewayConfig); used until a LogonReply names another. */
    private static final long DEFAULT_HEARTBEAT_INTERVAL_MS = 10_000;
    private static final AtomicInteger CLIENT_COUNT = new AtomicInteger();
    private static final ReplyListener IGNORE_REPLY = (correlationId, buffer, offset, length) -> { };

    private final ClientConfig config;
    private final boolean retain;
    private final Thread receiverThread;

    /** The current connection; replaced by the receiver thread on reconnect (under the send lock). */
    private volatile SocketChannel channel;
    /**
     * What bytes are read from and written to: the socket itself, or its TLS layer; replaced with {@link #channel}
     * (written before it, so a reader of {@code channel} that then reads {@code io} sees the pair).
     */
    private volatile ByteChannel io;
    private final NodeCursor nodes;

    /**
     * Serialises senders: correlation ids, the in-flight ring's tail, the send buffer and its stream positions,
     * {@link #connected} and the swap of {@link #channel} are guarded by it.
     */
    private final ReentrantLock sendLock = new ReentrantLock();
    private final SendBuffer sendBuffer;
    private long nextCorrelationId = 1;
    /** Written under the send lock; volatile so that the heartbeat thread may skip a reconnecting client. */
    private volatile boolean connected;
    private long lastSendNs = System.nanoTime();

    private final InFlightRequests inFlight;

    private final ReplyProgress replyProgress = new ReplyProgress();

    /** Connections made again after a loss; volatile: a statistic read by any thread. */
    private volatile long reconnectCount;
    /** Receiver thread only. */
    private final ReplyReader replyReader;

    /** The first cause of failure; volatile because every thread checks it. */
    private volatile IOException failure;

    /** Set by {@link #close()} on any thread; volatile so that every sender sees it at its next call. */
    private volatile boolean closed;

    private volatile long merchantId;
    private final UnsafeBuffer heartbeatMessage = new UnsafeBuffer(new byte[64]);
    private final int heartbeatLength;
    /** Guarded by {@code this} (set in the constructor, cancelled by {@link #fail}). */
    private ScheduledFuture<?> heartbeatTask;

    private WodianClient(final ClientConfig config, final ClientConnection connection, final int nodeIndex)
    {
        final ClientConnection.LogonResult logon = connection.logon;
        this.config = config;
        this.nodes = new NodeCursor(config.nodes());
        nodes.connectedTo(nodeIndex);
        this.retain = config.reconnect();
        this.sendBuffer = new SendBuffer(retain ? config.retransmitBufferLength() : SEND_BUFFER_LENGTH, retain);
        this.inFlight = new InFlightRequests(retain);
        this.replyReader = new ReplyReader(inFlight, nodes, config);
        this.io = connection.io;
        this.channel = connection.channel;
        this.connected = true;
        this.heartbeatLength = MessageHeaderEncoder.ENCODED_LENGTH + new HeartbeatEncoder()
            .wrapAndApplyHeader(heartbeatMessage, 0, new MessageHeaderEncoder()).reserved(0).encodedLength();
        if (null != logon)
        {
            merchantId = logon.merchantId;
        }
        receiverThread = new Thread(this::receive, "wodian-client-" + CLIENT_COUNT.incrementAndGet());
        receiverThread.setDaemon(true);
        receiverThread.start();
        // Heartbeats also without credentials: a server with authentication disabled still closes idle sessions.
        final long intervalMs = config.heartbeatIntervalMs() > 0 ? config.heartbeatIntervalMs() :
            null != logon && logon.heartbeatIntervalMs > 0 ? logon.heartbeatIntervalMs : DEFAULT_HEARTBEAT_INTERVAL_MS;
        final long checkPeriodMs = Math.max(1, Math.min(intervalMs, config.replyTimeoutMs() > 0 ?
            config.replyTimeoutMs() : intervalMs) / 4);
        final ScheduledFuture<?> task = HeartbeatScheduler.SCHEDULER.scheduleWithFixedDelay(() ->
        {
            checkReplyProgress();
            heartbeatIfIdle(intervalMs);
        }, checkPeriodMs, checkPeriodMs, TimeUnit.MILLISECONDS);
        synchronized (this)
        {
            // The receiver thread may already have failed the client: then nobody else will cancel the task.
            heartbeatTask = task;
            if (null != failure)
            {
                task.cancel(false);
            }
        }
    }

    /**
     * Opens a connection to a Wodian server without logging on: only for a server whose authentication is
     * disabled (loopback experiments), or for tests of the session layer itself.
     *
     * @param host name or address of the server.
     * @param port its TCP port.
     * @return a connected client; {@link #close()} it.
     * @throws IOException when the connection cannot be made.
     */
    public static WodianClient connect(final String host, final int port) throws IOException
    {
        return connect(new ClientConfig().node(host, port));
    }

    /**
     * Opens a connection and logs on; no reconnect.
     *
     * @return a logged-on client; {@link #close()} it.
     * @throws IOException when the connection cannot be made or the logon is refused
     *                     ({@link LogonRefusedException}).
     */
    public static WodianClient connect(final String host, final int port, final Credentials credentials)
        throws IOException
    {
        return connect(new ClientConfig().node(host, port).credentials(credentials));
    }

    /**
     * Opens a connection to the first node of the list that answers, and logs on when credentials are set.
     *
     * @throws IOException when no node can be reached, or the logon is refused ({@link LogonRefusedException}).
     */
    public static WodianClient connect(final ClientConfig config) throws IOException
    {
        config.validate();
        IOException lastFailure = null;
        for (int i = 0; i < config.nodes().size(); i++)
        {
            try
            {
                return new WodianClient(config, ClientConnection.open(config, config.nodes().get(i)), i);
            }
            catch (final LogonRefusedException ex)
            {
                if (ResultCode.AUTHENTICATION_FAILED == ex.code())
                {
                    throw ex;
                }
                lastFailure = ex;
            }
            catch (final IOException ex)
            {
                lastFailure = ex;
            }
        }
        throw lastFailure;
    }

    /**
     * Asynchronous pipelined send of one encoded SBE message; listener is called on the client's receiver thread.
     * Returns the correlation id. Thread-safe. Buffered: call {@link #flush()} (or it flushes when the buffer fills).
     *
     * @param message  buffer holding the SBE message (header and body), e.g. written by
     *                 {@link com.wodian.protocol.CommandEncoder}.
     * @param offset   index of the message in {@code message}.
     * @param length   message length, 1 to {@link FrameDescriptor#REQUEST_MESSAGE_LENGTH_MAX}.
     * @param listener called once: with the reply, or {@link ReplyListener#onFailure} when the client fails or is
     *                 closed before the reply came (outcome unknown).
     * @return the correlation id the request was sent with.
     * @throws UncheckedIOException  when the client has failed.
     * @throws IllegalStateException after {@link #close()}, or when called from a listener while the client must
     *                               wait for replies (it would wait for itself).
     */
    public long send(final DirectBuffer message, final int offset, final int length, final ReplyListener listener)
    {
        if (length <= 0 || length > REQUEST_MESSAGE_LENGTH_MAX)
        {
            throw new IllegalArgumentException(
                "message length must be in 1.." + REQUEST_MESSAGE_LENGTH_MAX + ": " + length);
        }
        Objects.requireNonNull(listener, "listener");

        sendLock.lock();
        try
        {
            ensureUsable();
            awaitRoom(MESSAGE_OFFSET + length);
            return append(message, offset, length, listener);
        }
        finally
        {
            sendLock.unlock();
        }
    }

    /**
     * Writes every buffered request to the socket, blocking until the socket took them. While reconnecting, the
     * requests stay buffered and go out once the connection is back.
     *
     * @throws UncheckedIOException when the client has failed.
     */
    public void flush()
    {
        sendLock.lock();
        try
        {
            ensureUsable();
            writeSendBuffer();
        }
        finally
        {
            sendLock.unlock();
        }
    }

    /**
     * Blocking request/reply; returns a copy of the reply message bytes (SBE header+body).
     *
     * @param message   buffer holding the SBE message (header and body).
     * @param offset    index of the message in {@code message}.
     * @param length    message length.
     * @param timeoutMs how long to wait for the reply.
     * @return the reply message, header included.
     * @throws TimeoutException        when no reply came in time (the request may still be applied).
     * @throws OutcomeUnknownException when the client failed or was closed after the request was handed to it and
     *                                 before the reply came: the server may or may not have applied it.
     * @throws IOException             when the client had failed or was closed before the request was sent (not
     *                                 applied).
     * @throws IllegalStateException   when called from a reply listener (it would wait for itself).
     */
    public byte[] call(final DirectBuffer message, final int offset, final int length, final long timeoutMs)
        throws TimeoutException, IOException
    {
        if (Thread.currentThread() == receiverThread)
        {
            // Its reply could only be read by this thread: every reply would wait for the timeout.
            throw new IllegalStateException("call from a reply listener: use send");
        }
        final PendingCall pendingCall = new PendingCall();
        try
        {
            send(message, offset, length, pendingCall);
        }
        catch (final UncheckedIOException ex)
        {
            throw ex.getCause();
        }
        catch (final IllegalStateException ex)
        {
            throw new IOException(ex.getMessage(), ex);
        }
        try
        {
            flush();
        }
        catch (final UncheckedIOException | IllegalStateException ex)
        {
            // Some of the request's bytes may have been written before the failure.
            throw new OutcomeUnknownException(ex instanceof UncheckedIOException unchecked ? unchecked.getCause() :
                new IOException(ex.getMessage(), ex));
        }
        return pendingCall.await(timeoutMs, () -> failure);
    }

    /**
     * Closes the connection and stops the receiver thread. Requests not yet flushed are discarded; replies not yet
     * received are never delivered: their listeners hear {@link ReplyListener#onFailure} (outcome unknown) and
     * waiting {@link #call}s fail. Waits for the receiver thread, hence for those listeners: never call it holding a
     * lock a listener takes. Idempotent.
     */
    @Override
    public void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;
        fail(new IOException("client closed"));
        LockSupport.unpark(receiverThread); // out of a reconnect backoff at once
        if (Thread.currentThread() != receiverThread)
        {
            try
            {
                receiverThread.join();
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Requests sent whose replies have not arrived yet. */
    public long inFlightCount()
    {
        return inFlight.count();
    }

    /** Connections made again after a loss. */
    public long reconnectCount()
    {
        return reconnectCount;
    }

    /** The merchant of the logged-on terminal, as the server's LogonReply named it; 0 otherwise. */
    public long merchantId()
    {
        return merchantId;
    }

    /** The node currently (or last) connected to, as {@code host:port}. */
    public String node()
    {
        return nodes.currentName();
    }

    private long append(final DirectBuffer message, final int offset, final int length, final ReplyListener listener)
    {
        final long correlationId = nextCorrelationId++;
        if (inFlight.isEmpty())
        {
            replyProgress.startWaiting(System.nanoTime());
        }
        inFlight.add(correlationId, listener, sendBuffer.append(correlationId, message, offset, length));
        return correlationId;
    }

    private void ensureUsable()
    {
        if (closed)
        {
            throw new IllegalStateException("client closed");
        }
        final IOException cause = failure;
        if (null != cause)
        {
            throw new UncheckedIOException(cause);
        }
    }

    /**
     * Called under the send lock: waits until an in-flight slot and {@code frameBytes} of buffer are free. With
     * reconnect the buffer holds unanswered requests, so room comes from replies; the lock is released while
     * waiting, so that the receiver can reconnect and other threads can flush.
     */
    private void awaitRoom(final int frameBytes)
    {
        while (true)
        {
            final boolean slotFree = inFlight.hasFreeSlot();
            if (slotFree && sendBuffer.remaining() < frameBytes)
            {
                if (retain)
                {
                    sendBuffer.dropAnsweredBefore(inFlight.ackedPosition());
                }
                else
                {
                    writeSendBuffer();
                }
            }
            if (slotFree && sendBuffer.remaining() >= frameBytes)
            {
                return;
            }
            if (Thread.currentThread() == receiverThread)
            {
                throw new IllegalStateException("in-flight limit reached inside a reply listener");
            }
            // The replies that would free room may be for requests still in our own buffer.
            writeSendBuffer();
            sendLock.unlock();
            try
            {
                LockSupport.parkNanos(10_000);
            }
            finally
            {
                sendLock.lock();
            }
            ensureUsable();
        }
    }

    /** Under the send lock: writes what the current connection has not been sent yet. */
    private void writeSendBuffer()
    {
        if (!connected || !sendBuffer.hasUnwritten())
        {
            return;
        }
        try
        {
            sendBuffer.writeTo(io);
            // Per write, not per request: a pipelining sender pays for one clock read per batch.
            lastSendNs = System.nanoTime();
        }
        catch (final IOException ex)
        {
            if (retain && !closed)
            {
                // The receiver notices the closed channel and reconnects; the bytes stay buffered for the re-send.
                connected = false;
                ClientConnection.closeQuietly(channel);
                return;
            }
            sendBuffer.discard();
            fail(ex);
            throw new UncheckedIOException(failure);
        }
    }

    /**
     * Heartbeat thread: when requests are in flight and no reply has come for the reply timeout, the connection is
     * dead without knowing it (no RST from a crashed host or a partition). Closing it makes the receiver reconnect
     * and re-send (with reconnect), or fails the client.
     */
    private void checkReplyProgress()
    {
        final long timeoutMs = config.replyTimeoutMs();
        if (timeoutMs <= 0 || closed || null != failure || !connected)
        {
            replyProgress.reset();
            return;
        }
        if (replyProgress.stalled(inFlight, System.nanoTime(), timeoutMs))
        {
            final IOException cause = new IOException("no reply from " + node() + " for " + timeoutMs + " ms");
            LOG.log(System.Logger.Level.WARNING, cause.getMessage() + "; closing the connection");
            if (retain)
            {
                ClientConnection.closeQuietly(channel);
            }
            else
            {
                fail(cause);
            }
        }
    }

    private void heartbeatIfIdle(final long intervalMs)
    {
        if (closed || null != failure || System.nanoTime() - lastSendNs < TimeUnit.MILLISECONDS.toNanos(intervalMs))
        {
            return;
        }
        // Never wait on the shared heartbeat thread: a busy client is not idle anyway.
        if (!sendLock.tryLock())
        {
            return;
        }
        try
        {
            if (connected && inFlight.hasFreeSlot() && sendBuffer.remaining() >= MESSAGE_OFFSET + heartbeatLength)
            {
                append(heartbeatMessage, 0, heartbeatLength, IGNORE_REPLY);
                writeSendBuffer();
            }
        }
        catch (final RuntimeException ex)
        {
            LOG.log(System.Logger.Level.DEBUG, "heartbeat not sent", ex);
        }
        finally
        {
            sendLock.unlock();
        }
    }

    /**
     * Receiver thread: reads replies until the client fails or is closed, then tells every unanswered request. Only
     * this thread takes entries from the in-flight ring, so each listener hears exactly once.
     */
    private void receive()
    {
        try
        {
            boolean reading = true;
            while (reading)
            {
                reading = readRepliesOrReconnect();
            }
        }
        finally
        {
            fail(new IOException("client closed")); // keeps an earlier cause; sends throw from here on
            inFlight.failAll(failure, LOG);
        }
    }

    /** @return true after a reconnect, false when the client has failed. */
    private boolean readRepliesOrReconnect()
    {
        try
        {
            replyReader.readReplies(io);
            return true; // not reached: reading ends with an exception
        }
        catch (final ProtocolException ex)
        {
            fail(ex);
            return false;
        }
        catch (final IOException ex)
        {
            if (closed || !retain || null != failure)
            {
                fail(ex);
                return false;
            }
            return reconnect(ex);
        }
        catch (final RuntimeException ex)
        {
            fail(new IOException("reply handling failed", ex));
            return false;
        }
    }

    /**
     * Receiver thread, after the connection was lost: connect and log on again, then re-send every unanswered
     * request. Gives up (and fails the client) after the give-up time, or at once when the logon is refused.
     *
     * @return true when connected again.
     */
    private boolean reconnect(final IOException cause)
    {
        sendLock.lock();
        try
        {
            connected = false;
            ClientConnection.closeQuietly(channel);
        }
        finally
        {
            sendLock.unlock();
        }
        // Being sent on by a standby is routine during a failover: not worth an INFO line per hop.
        LOG.log(cause instanceof NotPrimaryException ? System.Logger.Level.DEBUG : System.Logger.Level.INFO,
            "connection to {0} lost ({1}); reconnecting", node(), cause.toString());
        nodes.onLost(cause);
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.reconnectGiveUpMs());
        long backoffMs = config.reconnectBackoffInitialMs();
        IOException lastFailure = cause;
        while (!closed)
        {
            for (int attempt = 0; attempt < nodes.nodeCount() && !closed; attempt++)
            {
                final InetSocketAddress node = nodes.next();
                try
                {
                    return resumeOn(ClientConnection.open(config, node), node);
                }
                catch (final LogonRefusedException ex)
                {
                    if (ResultCode.AUTHENTICATION_FAILED == ex.code())
                    {
                        // Wrong credentials do not get better by retrying (and retries would lock the identity).
                        fail(ex);
                        return false;
                    }
                    // Rate limited, or a node that does not take sessions now (a standby, later): try the next one.
                    lastFailure = ex;
                }
                catch (final IOException ex)
                {
                    lastFailure = ex;
                }
                if (!nodes.advance())
                {
                    attempt--; // the hinted node is not one of the configured nodes' tries
                }
            }
            if (System.nanoTime() - deadlineNs >= 0)
            {
                fail(new IOException("no connection to any node for " + config.reconnectGiveUpMs() + " ms",
                    lastFailure));
                return false;
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(backoffMs));
            backoffMs = Math.min(backoffMs * 2, config.reconnectBackoffMaxMs());
        }
        fail(new IOException("client closed"));
        return false;
    }

    /**
     * Receiver thread: makes a new connection (logged on) the client's and re-sends every unanswered request on it.
     *
     * @return true, or false when the client was closed meanwhile (the connection is closed then).
     */
    private boolean resumeOn(final ClientConnection connection, final InetSocketAddress node)
    {
        sendLock.lock();
        try
        {
            if (closed || null != failure)
            {
                ClientConnection.closeQuietly(connection.channel);
                return false;
            }
            io = connection.io;
            channel = connection.channel;
            connected = true;
            nodes.connected(node);
            if (null != connection.logon)
            {
                merchantId = connection.logon.merchantId;
            }
            // Re-send from the first unanswered request; the server answers them in order.
            sendBuffer.rewriteFrom(inFlight.ackedPosition());
            writeSendBuffer();
        }
        finally
        {
            sendLock.unlock();
        }
        reconnectCount = reconnectCount + 1;
        LOG.log(System.Logger.Level.INFO, "reconnected to {0}, re-sending {1} requests", node(), inFlightCount());
        return true;
    }

    /**
     * Records the first failure and closes the socket (which also wakes a blocked reader or writer, so the receiver
     * thread ends and fails every unanswered request: {@link InFlightRequests#failAll}). Later sends throw.
     */
    private void fail(final IOException cause)
    {
        synchronized (this)
        {
            if (null == failure)
            {
                failure = cause;
            }
            if (null != heartbeatTask)
            {
                heartbeatTask.cancel(false);
            }
        }
        ClientConnection.closeQuietly(channel);

        // Once this lock is taken, every sender sees the failure: no request is added after it.
        sendLock.lock();
        try
        {
            connected = false;
            // The receiver swaps the channel under this lock: a reconnect that read `closed` before close() set it
            // may have installed a new one after the read above; close that too, or the receiver blocks reading it.
            ClientConnection.closeQuietly(channel);
        }
        finally
        {
            sendLock.unlock();
        }
    }
}
