package com.wodian.net.client;

import com.wodian.net.FrameDescriptor;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import com.wodian.net.auth.Credentials;
import com.wodian.protocol.sbe.ErrorReplyDecoder;
import com.wodian.protocol.sbe.HeartbeatEncoder;
import com.wodian.protocol.sbe.MessageHeaderDecoder;
import com.wodian.protocol.sbe.MessageHeaderEncoder;
import com.wodian.protocol.sbe.ResultCode;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ByteChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

import static com.wodian.net.FrameDescriptor.BYTE_ORDER;
import static com.wodian.net.FrameDescriptor.CORRELATION_ID_LENGTH;
import static com.wodian.net.FrameDescriptor.CORRELATION_ID_OFFSET;
import static com.wodian.net.FrameDescriptor.FRAME_LENGTH_FIELD_LENGTH;
import static com.wodian.net.FrameDescriptor.FRAME_LENGTH_OFFSET;
import static com.wodian.net.FrameDescriptor.REQUEST_MESSAGE_LENGTH_MAX;
import static com.wodian.net.FrameDescriptor.MESSAGE_OFFSET;
import static com.wodian.net.FrameDescriptor.REPLY_FRAME_LENGTH_MAX;

/**
 * Java client of the Wodian wire protocol (docs/protocol.md): one TCP connection at a time, many requests in flight.
 *
 * <p>{@link #send} frames an encoded SBE message with the next correlation id (1, 2, 3, ...) into a send buffer;
 * {@link #flush()} writes it (a full buffer is written on its own). A receiver thread reads replies and hands each to
 * the listener of its request. The server answers a connection's requests in order, so in-flight requests are kept
 * in a FIFO ring rather than a map; a reply whose correlation id is not the oldest request's is a protocol error and
 * fails the client. {@link #call} is the blocking form, for tools and tests.
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
 * <p>{@code send}, {@code flush} and {@code call} may be called from any thread. After a failure or {@link #close()},
 * they throw; waiting {@code call}s fail with the cause.
 */
public final class WodianClient implements AutoCloseable, RequestChannel
{
    /** Requests that may be in flight at once; {@link #send} waits (flushing) while the limit is reached. */
    public static final int IN_FLIGHT_MAX = 64 * 1024;

    private static final System.Logger LOG = System.getLogger("com.wodian.net.client");
    private static final int SEND_BUFFER_LENGTH = 64 * 1024;
    /** The server's default (GatewayConfig); used until a LogonReply names another. */
    private static final long DEFAULT_HEARTBEAT_INTERVAL_MS = 10_000;
    private static final int RECEIVE_BUFFER_LENGTH = 64 * 1024;
    private static final AtomicInteger CLIENT_COUNT = new AtomicInteger();
    private static final ReplyListener IGNORE_REPLY = (correlationId, buffer, offset, length) -> { };

    private final ClientConfig config;
    private final boolean retain;
    private final Thread receiverThread;
    private final ByteBuffer receiveBuffer =
        ByteBuffer.allocateDirect(RECEIVE_BUFFER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
    private final UnsafeBuffer receiveView = new UnsafeBuffer(receiveBuffer);

    /** The current connection; replaced by the receiver thread on reconnect (under the send lock). */
    private volatile SocketChannel channel;
    /**
     * What bytes are read from and written to: the socket itself, or its TLS layer; replaced with {@link #channel}
     * (written before it, so a reader of {@code channel} that then reads {@code io} sees the pair).
     */
    private volatile ByteChannel io;
    private int nodeIndex;

    /**
     * Serialises senders: correlation ids, the in-flight ring's tail, the send buffer and its stream positions,
     * {@link #connected} and the swap of {@link #channel} are guarded by it.
     */
    private final ReentrantLock sendLock = new ReentrantLock();
    private final ByteBuffer sendBuffer;
    private final ByteBuffer writeView;
    private final UnsafeBuffer sendView;
    private long nextCorrelationId = 1;
    /** Stream position (bytes sent since the client started) of {@code sendBuffer} index 0. */
    private long bufferBase;
    /** Stream position up to which the current connection has been written. */
    private long writtenPosition;
    /** Written under the send lock; volatile so that the heartbeat thread may skip a reconnecting client. */
    private volatile boolean connected;
    private long lastSendNs = System.nanoTime();

    private final long[] inFlightCorrelationIds = new long[IN_FLIGHT_MAX];
    private final ReplyListener[] inFlightListeners = new ReplyListener[IN_FLIGHT_MAX];
    /** With reconnect: stream position of the end of each in-flight frame. */
    private final long[] inFlightEnds;

    /**
     * Next free in-flight slot. Written under {@link #sendLock} after the slot is filled; volatile so that the
     * receiver thread, which reads it, sees the slot's contents.
     */
    private volatile long inFlightTail;

    /**
     * Oldest in-flight slot. Written only by the receiver thread after it has taken the slot's contents; volatile
     * so that a sender reusing the slot reads it only after that.
     */
    private volatile long inFlightHead;

    /**
     * Stream position of the end of the last answered frame; written only by the receiver thread, volatile so that
     * a sender compacting the send buffer never drops bytes of a request still unanswered.
     */
    private volatile long ackedPosition;

    /**
     * When the in-flight queue last went from empty to non-empty; written by senders (under the send lock), read by
     * the heartbeat thread, hence volatile. With {@link #progressHead} and {@link #progressNs} (heartbeat thread
     * only) it detects a connection that stopped answering without closing (a dead peer behind a silent network).
     */
    private volatile long waitingSinceNs;
    private long progressHead = -1;
    private long progressNs;

    /** Connections made again after a loss; volatile: a statistic read by any thread. */
    private volatile long reconnectCount;
    /** Receiver thread: NOT_PRIMARY answers in a row, for the back-off while a group elects its primary. */
    private int notPrimaryStreak;
    /** Receiver thread: a primary reached through a leader hint that is not one of the configured nodes, else null. */
    private volatile InetSocketAddress connectedNode;
    private final MessageHeaderDecoder replyHeader = new MessageHeaderDecoder();
    private final ErrorReplyDecoder errorReply = new ErrorReplyDecoder();
    private static final long NOT_PRIMARY_BACKOFF_MAX_MS = 50;

    /** The first cause of failure; volatile because every thread checks it. */
    private volatile IOException failure;

    /** Set by {@link #close()} on any thread; volatile so that every sender sees it at its next call. */
    private volatile boolean closed;

    private volatile long merchantId;
    private final UnsafeBuffer heartbeatMessage = new UnsafeBuffer(new byte[64]);
    private final int heartbeatLength;
    /** Guarded by {@code this} (set in the constructor, cancelled by {@link #fail}). */
    private ScheduledFuture<?> heartbeatTask;

    private WodianClient(
        final ClientConfig config, final ClientConnection connection)
    {
        final ClientConnection.LogonResult logon = connection.logon;
        this.config = config;
        this.retain = config.reconnect();
        this.sendBuffer = ByteBuffer.allocateDirect(retain ? config.retransmitBufferLength() : SEND_BUFFER_LENGTH)
            .order(ByteOrder.LITTLE_ENDIAN);
        this.writeView = sendBuffer.duplicate();
        this.sendView = new UnsafeBuffer(sendBuffer);
        this.inFlightEnds = retain ? new long[IN_FLIGHT_MAX] : null;
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
        final ScheduledFuture<?> task = Heartbeats.SCHEDULER.scheduleWithFixedDelay(() ->
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
                final ClientConnection connection = ClientConnection.open(config, config.nodes().get(i));
                final WodianClient client = new WodianClient(config, connection);
                client.nodeIndex = i;
                return client;
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
     * @param listener called once with the reply.
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
     * @throws TimeoutException when no reply came in time (the request may still be applied).
     * @throws IOException      when the client failed or was closed before the reply came.
     */
    public byte[] call(final DirectBuffer message, final int offset, final int length, final long timeoutMs)
        throws TimeoutException, IOException
    {
        final PendingCall pendingCall = new PendingCall();
        try
        {
            send(message, offset, length, pendingCall);
            flush();
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
            return pendingCall.reply.get(timeoutMs, TimeUnit.MILLISECONDS);
        }
        catch (final ExecutionException ex)
        {
            throw ex.getCause() instanceof IOException ? (IOException)ex.getCause() : new IOException(ex.getCause());
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new InterruptedIOException("interrupted while waiting for a reply");
        }
        catch (final TimeoutException ex)
        {
            final IOException cause = failure;
            if (null != cause)
            {
                throw cause;
            }
            throw ex;
        }
    }

    /**
     * Closes the connection and stops the receiver thread. Requests not yet flushed are discarded; replies not yet
     * received are never delivered, and waiting {@link #call}s fail. Idempotent.
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
        return inFlightTail - inFlightHead;
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
        final InetSocketAddress node = null != connectedNode ? connectedNode : config.nodes().get(nodeIndex);
        return node.getHostString() + ':' + node.getPort();
    }

    /**
     * Receiver thread: where a NOT_PRIMARY reply said the primary is (its leader hint), or null when it named none.
     * A hinted address that is one of the configured nodes moves {@link #nodeIndex} there instead.
     */
    private InetSocketAddress leaderHint(final int length)
    {
        if (replyHeader.blockLength() < ErrorReplyDecoder.BLOCK_LENGTH ||
            length < MessageHeaderDecoder.ENCODED_LENGTH + ErrorReplyDecoder.BLOCK_LENGTH || errorReply.leaderId() < 0 ||
            errorReply.leaderPort() <= 0 || errorReply.leaderPort() > 0xFFFF)
        {
            return null;
        }
        final String host = errorReply.leaderHost();
        if (host.isEmpty())
        {
            return null;
        }
        final InetSocketAddress hinted = InetSocketAddress.createUnresolved(host, errorReply.leaderPort());
        for (int i = 0; i < config.nodes().size(); i++)
        {
            final InetSocketAddress node = config.nodes().get(i);
            if (node.getPort() == hinted.getPort() && node.getHostString().equals(host))
            {
                return node;
            }
        }
        return hinted;
    }

    private long append(final DirectBuffer message, final int offset, final int length, final ReplyListener listener)
    {
        final long correlationId = nextCorrelationId++;
        final long tail = inFlightTail;
        if (tail == inFlightHead)
        {
            waitingSinceNs = System.nanoTime();
        }
        final int index = (int)(tail & (IN_FLIGHT_MAX - 1));
        final int position = sendBuffer.position();
        final int frameBytes = MESSAGE_OFFSET + length;
        inFlightCorrelationIds[index] = correlationId;
        inFlightListeners[index] = listener;
        if (retain)
        {
            inFlightEnds[index] = bufferBase + position + frameBytes;
        }
        inFlightTail = tail + 1;

        sendView.putInt(position + FRAME_LENGTH_OFFSET, FrameDescriptor.frameLength(length), BYTE_ORDER);
        sendView.putLong(position + CORRELATION_ID_OFFSET, correlationId, BYTE_ORDER);
        sendView.putBytes(position + MESSAGE_OFFSET, message, offset, length);
        sendBuffer.position(position + frameBytes);
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
            final boolean slotFree = inFlightTail - inFlightHead < IN_FLIGHT_MAX;
            if (slotFree && sendBuffer.remaining() < frameBytes)
            {
                if (retain)
                {
                    compactAnswered();
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

    /** Drops the answered requests from the front of the send buffer (reconnect mode). */
    private void compactAnswered()
    {
        final int position = sendBuffer.position();
        final int answeredBytes = (int)Math.min(ackedPosition - bufferBase, position);
        if (answeredBytes > 0)
        {
            sendView.putBytes(0, sendView, answeredBytes, position - answeredBytes);
            sendBuffer.position(position - answeredBytes);
            bufferBase += answeredBytes;
        }
    }

    /** Under the send lock: writes what the current connection has not been sent yet. */
    private void writeSendBuffer()
    {
        final int to = sendBuffer.position();
        final int from = (int)(writtenPosition - bufferBase);
        if (!connected || from == to)
        {
            return;
        }
        writeView.limit(to).position(from);
        try
        {
            while (writeView.hasRemaining())
            {
                io.write(writeView);
            }
            writtenPosition = bufferBase + to;
            // Per write, not per request: a pipelining sender pays for one clock read per batch.
            lastSendNs = System.nanoTime();
            if (!retain)
            {
                sendBuffer.clear();
                bufferBase = writtenPosition;
            }
        }
        catch (final IOException ex)
        {
            if (retain && !closed)
            {
                // The receiver notices the closed channel and reconnects; the bytes stay buffered for the re-send.
                connected = false;
                closeQuietly(channel);
                return;
            }
            sendBuffer.clear();
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
            progressHead = -1;
            return;
        }
        final long nowNs = System.nanoTime();
        final long head = inFlightHead;
        if (head != progressHead || head == inFlightTail)
        {
            progressHead = head;
            progressNs = nowNs;
            return;
        }
        final long sinceNs = Math.max(progressNs, waitingSinceNs);
        if (nowNs - sinceNs > TimeUnit.MILLISECONDS.toNanos(timeoutMs))
        {
            progressNs = nowNs;
            final IOException cause = new IOException("no reply from " + node() + " for " + timeoutMs + " ms");
            LOG.log(System.Logger.Level.WARNING, cause.getMessage() + "; closing the connection");
            if (retain)
            {
                closeQuietly(channel);
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
            if (connected && inFlightTail - inFlightHead < IN_FLIGHT_MAX &&
                sendBuffer.remaining() >= MESSAGE_OFFSET + heartbeatLength)
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

    private void receive()
    {
        while (true)
        {
            try
            {
                readReplies();
            }
            catch (final ProtocolException ex)
            {
                fail(ex);
                return;
            }
            catch (final IOException ex)
            {
                if (closed || !retain || null != failure)
                {
                    fail(ex);
                    return;
                }
                if (!reconnect(ex))
                {
                    return;
                }
            }
            catch (final RuntimeException ex)
            {
                fail(new IOException("reply handling failed", ex));
                return;
            }
        }
    }

    private void readReplies() throws IOException
    {
        final ByteBuffer receiveBuffer = this.receiveBuffer;
        final UnsafeBuffer view = receiveView;
        final ByteChannel channel = this.io;
        receiveBuffer.clear();
        while (true)
        {
            if (channel.read(receiveBuffer) < 0)
            {
                throw new IOException("connection closed by the server");
            }
            final int limit = receiveBuffer.position();
            int offset = 0;
            while (limit - offset >= FRAME_LENGTH_FIELD_LENGTH)
            {
                final int frameLength = view.getInt(offset + FRAME_LENGTH_OFFSET, BYTE_ORDER);
                if (frameLength < CORRELATION_ID_LENGTH || frameLength > REPLY_FRAME_LENGTH_MAX)
                {
                    throw new ProtocolException("protocol error: frame length " + frameLength);
                }
                if (limit - offset < FRAME_LENGTH_FIELD_LENGTH + frameLength)
                {
                    break;
                }
                onReply(view.getLong(offset + CORRELATION_ID_OFFSET, BYTE_ORDER), view, offset + MESSAGE_OFFSET,
                    frameLength - CORRELATION_ID_LENGTH);
                offset += FRAME_LENGTH_FIELD_LENGTH + frameLength;
            }
            receiveBuffer.limit(limit).position(offset);
            receiveBuffer.compact();
        }
    }

    private void onReply(final long correlationId, final DirectBuffer buffer, final int offset, final int length)
        throws IOException
    {
        final long head = inFlightHead;
        if (head == inFlightTail)
        {
            if (0 == correlationId)
            {
                // The server's last word before it closes (an ErrorReply such as IDLE_TIMEOUT): the read fails next.
                LOG.log(System.Logger.Level.DEBUG, "server notice: {0}", describe(buffer, offset, length));
                return;
            }
            throw new ProtocolException("unsolicited reply, correlation id " + correlationId +
                describe(buffer, offset, length));
        }
        final int index = (int)(head & (IN_FLIGHT_MAX - 1));
        final long expectedCorrelationId = inFlightCorrelationIds[index];
        if (correlationId != expectedCorrelationId)
        {
            if (0 == correlationId)
            {
                LOG.log(System.Logger.Level.DEBUG, "server notice: {0}", describe(buffer, offset, length));
                return;
            }
            throw new ProtocolException("reply out of order: correlation id " + correlationId + ", expected " +
                expectedCorrelationId + describe(buffer, offset, length));
        }
        if (retain && isNotPrimary(buffer, offset, length))
        {
            // Not answered: the request stays in flight and is re-sent, with its idempotency key, at the primary.
            throw new NotPrimaryException(node() + " is not the primary" + describe(buffer, offset, length),
                leaderHint(length));
        }
        notPrimaryStreak = 0;
        final ReplyListener listener = inFlightListeners[index];
        inFlightListeners[index] = null;
        if (retain)
        {
            ackedPosition = inFlightEnds[index];
        }
        inFlightHead = head + 1;
        listener.onReply(correlationId, buffer, offset, length);
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
            closeQuietly(channel);
        }
        finally
        {
            sendLock.unlock();
        }
        // Being sent on by a standby is routine during a failover: not worth an INFO line per hop.
        LOG.log(cause instanceof NotPrimaryException ? System.Logger.Level.DEBUG : System.Logger.Level.INFO,
            "connection to {0} lost ({1}); reconnecting", node(), cause.toString());
        InetSocketAddress hintedNode = null;
        if (cause instanceof NotPrimaryException notPrimary && null != notPrimary.leader)
        {
            // The node named the primary: go straight there (one of our nodes, or an address we were not given).
            final int index = config.nodes().indexOf(notPrimary.leader);
            if (index >= 0)
            {
                nodeIndex = index;
            }
            else
            {
                hintedNode = notPrimary.leader;
            }
            notPrimaryStreak = 0;
        }
        else if (cause instanceof NotPrimaryException)
        {
            // Move on to the next node; while the group elects a primary every node says so: back off a little.
            nodeIndex = (nodeIndex + 1) % config.nodes().size();
            notPrimaryStreak++;
            if (notPrimaryStreak >= config.nodes().size())
            {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(
                    Math.min(NOT_PRIMARY_BACKOFF_MAX_MS, 5L * (notPrimaryStreak - config.nodes().size() + 1))));
            }
        }
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.reconnectGiveUpMs());
        long backoffMs = config.reconnectBackoffInitialMs();
        IOException lastFailure = cause;
        while (!closed)
        {
            final int nodeCount = config.nodes().size();
            for (int attempt = 0; attempt < nodeCount && !closed; attempt++)
            {
                final InetSocketAddress node = null != hintedNode ?
                    new InetSocketAddress(hintedNode.getHostString(), hintedNode.getPort()) :
                    config.nodes().get(nodeIndex);
                try
                {
                    final ClientConnection connection = ClientConnection.open(config, node);
                    final ClientConnection.LogonResult logon = connection.logon;
                    sendLock.lock();
                    try
                    {
                        if (closed)
                        {
                            closeQuietly(connection.channel);
                            return false;
                        }
                        io = connection.io;
                        channel = connection.channel;
                        connected = true;
                        connectedNode = null != hintedNode ? node : null;
                        if (null != logon)
                        {
                            merchantId = logon.merchantId;
                        }
                        // Re-send from the first unanswered request; the server answers them in order.
                        writtenPosition = ackedPosition;
                        writeSendBuffer();
                    }
                    finally
                    {
                        sendLock.unlock();
                    }
                    reconnectCount = reconnectCount + 1;
                    LOG.log(System.Logger.Level.INFO, "reconnected to {0}, re-sending {1} requests", node(),
                        inFlightCount());
                    return true;
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
                if (null != hintedNode)
                {
                    hintedNode = null; // tried once; then the configured nodes as before
                    attempt--;
                    continue;
                }
                nodeIndex = (nodeIndex + 1) % nodeCount;
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

    private boolean isNotPrimary(final DirectBuffer buffer, final int offset, final int length)
    {
        // Only code and templateId are needed: a server of schema version 3 sends the 4-byte block without a hint.
        if (length < MessageHeaderDecoder.ENCODED_LENGTH + ErrorReplyDecoder.leaderIdEncodingOffset())
        {
            return false;
        }
        replyHeader.wrap(buffer, offset);
        if (replyHeader.templateId() != ErrorReplyDecoder.TEMPLATE_ID)
        {
            return false;
        }
        errorReply.wrap(buffer, offset + MessageHeaderDecoder.ENCODED_LENGTH, replyHeader.blockLength(),
            replyHeader.version());
        final ResultCode code = errorReply.code();
        return ResultCode.NOT_PRIMARY == code || ResultCode.PRIMARY_LOST == code;
    }

    private static String describe(final DirectBuffer buffer, final int offset, final int length)
    {
        return ": " + com.wodian.protocol.MessageText.describe(buffer, offset, length);
    }

    /**
     * Records the first failure, closes the socket (which also wakes a blocked reader or writer) and fails every
     * waiting {@link #call}. Later sends throw.
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
        closeQuietly(channel);

        // Under the send lock no request can be added behind this walk, and every sender sees the failure after it.
        sendLock.lock();
        try
        {
            connected = false;
            for (long i = inFlightHead, tail = inFlightTail; i < tail; i++)
            {
                final ReplyListener listener = inFlightListeners[(int)(i & (IN_FLIGHT_MAX - 1))];
                if (listener instanceof PendingCall)
                {
                    ((PendingCall)listener).reply.completeExceptionally(failure);
                }
            }
        }
        finally
        {
            sendLock.unlock();
        }
    }

    private static void closeQuietly(final SocketChannel channel)
    {
        if (null != channel)
        {
            try
            {
                channel.close();
            }
            catch (final IOException ignore)
            {
                // Already failing or replacing it; the first cause is what matters.
            }
        }
    }

    /** The shared daemon thread that sends heartbeats for idle clients; created on first use. */
    private static final class Heartbeats
    {
        static final ScheduledExecutorService SCHEDULER = Executors.newSingleThreadScheduledExecutor((runnable) ->
        {
            final Thread thread = new Thread(runnable, "wodian-client-heartbeat");
            thread.setDaemon(true);
            return thread;
        });
    }

    /** The listener behind {@link #call}: copies the reply and completes a future. */
    private static final class PendingCall implements ReplyListener
    {
        final CompletableFuture<byte[]> reply = new CompletableFuture<>();

        @Override
        public void onReply(final long correlationId, final DirectBuffer buffer, final int offset, final int length)
        {
            final byte[] copy = new byte[length];
            buffer.getBytes(offset, copy);
            reply.complete(copy);
        }
    }
}
