package com.wodian.net.tls;

import javax.net.ssl.SSLEngine;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;

/**
 * A client's TLS connection as a {@link ByteChannel}, over a {@link SocketChannel} in blocking or non-blocking mode:
 * {@link #read} and {@link #write} carry plaintext, as the socket's own methods would. One reading thread and one
 * writing thread (or writers under a lock) may use it at the same time.
 */
public final class TlsByteChannel implements ByteChannel
{
    private final SocketChannel channel;
    private final TlsConnection tls;

    private TlsByteChannel(final SocketChannel channel, final TlsConnection tls)
    {
        this.channel = channel;
        this.tls = tls;
    }

    /**
     * Runs the handshake on a connected socket, bounded by {@code timeoutMs}; the socket is left in the blocking mode
     * it had.
     *
     * @throws IOException the handshake failed (untrusted or expired certificate, wrong host, refused client
     *                     certificate, peer closed) or did not finish in time.
     */
    public static TlsByteChannel handshake(final SocketChannel channel, final SSLEngine engine, final long timeoutMs)
        throws IOException
    {
        final TlsConnection tls = new TlsConnection();
        tls.open(engine);
        final boolean wasBlocking = channel.isBlocking();
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        channel.configureBlocking(false);
        try (Selector selector = Selector.open())
        {
            final SelectionKey key = channel.register(selector, SelectionKey.OP_READ);
            while (!tls.handshake(channel))
            {
                final long remainingMs = TimeUnit.NANOSECONDS.toMillis(deadlineNs - System.nanoTime());
                if (remainingMs <= 0)
                {
                    throw new SocketTimeoutException("TLS handshake did not finish within " + timeoutMs + " ms");
                }
                key.interestOps(tls.hasPendingOutput() ? SelectionKey.OP_WRITE : SelectionKey.OP_READ);
                selector.select(remainingMs);
                selector.selectedKeys().clear();
            }
            key.cancel();
            selector.selectNow();
        }
        finally
        {
            if (channel.isOpen())
            {
                channel.configureBlocking(wasBlocking);
            }
        }
        return new TlsByteChannel(channel, tls);
    }

    /** The TLS connection (peer certificate, protocol). */
    public TlsConnection connection()
    {
        return tls;
    }

    @Override
    public int read(final ByteBuffer dst) throws IOException
    {
        int count = tls.read(channel, dst);
        // In blocking mode a read returns only with plaintext or at the end of the stream, like a socket's; each
        // pass has read at least one byte from the socket (a record's header, a session ticket) or ended.
        while (0 == count && channel.isBlocking() && dst.hasRemaining())
        {
            count = tls.read(channel, dst);
        }
        return count;
    }

    @Override
    public int write(final ByteBuffer src) throws IOException
    {
        int consumed = tls.write(channel, src);
        while (channel.isBlocking() && (src.hasRemaining() || tls.hasPendingOutput()))
        {
            // A blocking socket takes everything it is given; this loop only runs the next record.
            consumed += tls.write(channel, src);
        }
        return consumed;
    }

    @Override
    public boolean isOpen()
    {
        return channel.isOpen();
    }

    @Override
    public void close() throws IOException
    {
        channel.close();
    }
}
