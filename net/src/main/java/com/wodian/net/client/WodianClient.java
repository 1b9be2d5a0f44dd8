package com.wodian.net.client;

import com.wodian.net.FrameDescriptor;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SocketChannel;
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
 * Java client of the Wodian wire protocol (docs/protocol.md): one TCP connection, many requests in flight.
 *
 * <p>{@link #send} frames an encoded SBE message with the next correlation id (1, 2, 3, ...) into a send buffer;
 * {@link #flush()} writes it (a full buffer is written on its own). A receiver thread reads replies and hands each to
 * the listener of its request. The server answers a connection's requests in order, so in-flight requests are kept
 * in a FIFO ring rather than a map; a reply whose correlation id is not the oldest request's is a protocol error and
 * fails the connection. {@link #call} is the blocking form, for tools and tests.
 *
 * <p>{@code send}, {@code flush} and {@code call} may be called from any thread. After a connection failure or
 * {@link #close()}, they throw; waiting {@code call}s fail with the cause.
 */
public final class WodianClient implements AutoCloseable
{
    /** Requests that may be in flight at once; {@link #send} waits (flushing) while the limit is reached. */
    public static final int IN_FLIGHT_MAX = 64 * 1024;

    private static final int SEND_BUFFER_LENGTH = 64 * 1024;
    private static final int RECEIVE_BUFFER_LENGTH = 64 * 1024;
    private static final AtomicInteger CLIENT_COUNT = new AtomicInteger();

    private final SocketChannel channel;
    private final Thread receiverThread;

    /** Serialises senders: correlation ids, the in-flight ring's tail and the send buffer are guarded by it. */
    private final ReentrantLock sendLock = new ReentrantLock();
    private final ByteBuffer sendBuffer = ByteBuffer.allocateDirect(SEND_BUFFER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
    private final UnsafeBuffer sendView = new UnsafeBuffer(sendBuffer);
    private long nextCorrelationId = 1;

    private final long[] inFlightCorrelationIds = new long[IN_FLIGHT_MAX];
    private final ReplyListener[] inFlightListeners = new ReplyListener[IN_FLIGHT_MAX];

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

    /** The first cause of failure; volatile because every thread checks it. */
    private volatile IOException failure;

    /** Set by {@link #close()} on any thread; volatile so that every sender sees it at its next call. */
    private volatile boolean closed;

    private WodianClient(final SocketChannel channel)
    {
        this.channel = channel;
        receiverThread = new Thread(this::receive, "wodian-client-" + CLIENT_COUNT.incrementAndGet());
        receiverThread.setDaemon(true);
        receiverThread.start();
    }

    /**
     * Opens a connection to a Wodian server.
     *
     * @param host name or address of the server.
     * @param port its TCP port.
     * @return a connected client; {@link #close()} it.
     * @throws IOException when the connection cannot be made.
     */
    public static WodianClient connect(final String host, final int port) throws IOException
    {
        final SocketChannel channel = SocketChannel.open(new InetSocketAddress(host, port));
        try
        {
            channel.setOption(StandardSocketOptions.TCP_NODELAY, Boolean.TRUE);
        }
        catch (final IOException ex)
        {
            channel.close();
            throw ex;
        }
        return new WodianClient(channel);
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
     * @throws UncheckedIOException  when the connection has failed.
     * @throws IllegalStateException after {@link #close()}, or when called from a listener while
     *                               {@link #IN_FLIGHT_MAX} requests are in flight (it would wait for itself).
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
            awaitInFlightSlot();
            if (sendBuffer.remaining() < MESSAGE_OFFSET + length)
            {
                writeSendBuffer();
            }

            final long correlationId = nextCorrelationId++;
            final long tail = inFlightTail;
            final int index = (int)(tail & (IN_FLIGHT_MAX - 1));
            inFlightCorrelationIds[index] = correlationId;
            inFlightListeners[index] = listener;
            inFlightTail = tail + 1;

            final int position = sendBuffer.position();
            sendView.putInt(position + FRAME_LENGTH_OFFSET, FrameDescriptor.frameLength(length), BYTE_ORDER);
            sendView.putLong(position + CORRELATION_ID_OFFSET, correlationId, BYTE_ORDER);
            sendView.putBytes(position + MESSAGE_OFFSET, message, offset, length);
            sendBuffer.position(position + MESSAGE_OFFSET + length);
            return correlationId;
        }
        finally
        {
            sendLock.unlock();
        }
    }

    /**
     * Writes every buffered request to the socket, blocking until the socket took them.
     *
     * @throws UncheckedIOException when the connection has failed.
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
     * @throws IOException      when the connection failed or was closed before the reply came.
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

    private void awaitInFlightSlot()
    {
        while (inFlightTail - inFlightHead >= IN_FLIGHT_MAX)
        {
            if (Thread.currentThread() == receiverThread)
            {
                throw new IllegalStateException("in-flight limit reached inside a reply listener");
            }
            // The replies that would free a slot may be for requests still in our own buffer.
            writeSendBuffer();
            LockSupport.parkNanos(10_000);
            ensureUsable();
        }
    }

    private void writeSendBuffer()
    {
        if (0 == sendBuffer.position())
        {
            return;
        }
        sendBuffer.flip();
        try
        {
            while (sendBuffer.hasRemaining())
            {
                channel.write(sendBuffer);
            }
            sendBuffer.clear();
        }
        catch (final IOException ex)
        {
            sendBuffer.clear();
            fail(ex);
            throw new UncheckedIOException(failure);
        }
    }

    private void receive()
    {
        final ByteBuffer receiveBuffer =
            ByteBuffer.allocateDirect(RECEIVE_BUFFER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        final UnsafeBuffer view = new UnsafeBuffer(receiveBuffer);
        try
        {
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
                        throw new IOException("protocol error: frame length " + frameLength);
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
        catch (final IOException ex)
        {
            fail(ex);
        }
        catch (final RuntimeException ex)
        {
            fail(new IOException("reply handling failed", ex));
        }
    }

    private void onReply(final long correlationId, final DirectBuffer buffer, final int offset, final int length)
        throws IOException
    {
        final long head = inFlightHead;
        if (head == inFlightTail)
        {
            throw new IOException("unsolicited reply, correlation id " + correlationId + describe(buffer, offset,
                length));
        }
        final int index = (int)(head & (IN_FLIGHT_MAX - 1));
        final long expectedCorrelationId = inFlightCorrelationIds[index];
        if (correlationId != expectedCorrelationId)
        {
            throw new IOException("reply out of order: correlation id " + correlationId + ", expected " +
                expectedCorrelationId + describe(buffer, offset, length));
        }
        final ReplyListener listener = inFlightListeners[index];
        inFlightListeners[index] = null;
        inFlightHead = head + 1;
        listener.onReply(correlationId, buffer, offset, length);
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
        }
        try
        {
            channel.close();
        }
        catch (final IOException ignore)
        {
            // Already failing; the first cause is what matters.
        }

        // Under the send lock no request can be added behind this walk, and every sender sees the failure after it.
        sendLock.lock();
        try
        {
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
