package com.wodian.net.tls;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLPeerUnverifiedException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;

/**
 * Drives one JDK {@link SSLEngine} over a non-blocking {@link SocketChannel}, with buffers allocated once and
 * reused for every later connection of the same slot: no thread per connection, nothing allocated by this class per
 * message (the JDK's engine allocates a small result object per call; see docs/security.md for the measured
 * figure).
 *
 * <p>Directions and threads. The handshake ({@link #handshake}) and {@link #read} belong to one thread (the
 * receiving side), {@link #write} to one thread (the sending side), which may be another. The engine allows a wrap
 * and an unwrap at the same time. The sending side may wrap only once {@link #isEstablished()} is true: nothing
 * is sent on a connection before its handshake completes, so the handshake's own writes cannot interleave with
 * replies. A post-handshake message that needs an answer (TLS 1.2 renegotiation, a TLS 1.3 key update) would need
 * the receiving side to write as well; it is refused and the connection ends (clients reconnect).
 */
public final class TlsConnection
{
    /** Bounds one call's loop: a handshake step takes a handful of engine calls. */
    private static final int HANDSHAKE_STEPS_MAX = 64;
    private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

    private final ByteBuffer netIn;
    private final ByteBuffer netOut;
    private final ByteBuffer appIn;
    private SSLEngine engine;
    /**
     * Written by the receiving side when the handshake completes, read by the sending side before it wraps;
     * volatile so that the sending side, on another thread, sees the completed engine state.
     */
    private volatile boolean established;
    private boolean inboundClosed;

    /** Buffers sized for the largest TLS record the JDK produces or accepts. */
    public TlsConnection()
    {
        final int packetLength = TlsBufferSizes.PACKET_LENGTH;
        netIn = ByteBuffer.allocate(packetLength);
        netOut = ByteBuffer.allocate(packetLength);
        appIn = ByteBuffer.allocate(TlsBufferSizes.APPLICATION_LENGTH);
    }

    /** Starts a new connection on this slot's buffers. */
    public void open(final SSLEngine engine) throws SSLException
    {
        this.engine = engine;
        netIn.clear();
        netOut.clear();
        appIn.clear();
        inboundClosed = false;
        established = false;
        engine.beginHandshake();
    }

    /** Forgets the engine; the buffers stay for the slot's next connection. */
    public void release()
    {
        engine = null;
        established = false;
    }

    public boolean isEstablished()
    {
        return established;
    }

    /** True while encrypted bytes wait for the socket to take them. */
    public boolean hasPendingOutput()
    {
        return netOut.position() > 0;
    }

    /** True while decrypted bytes wait for room in the caller's buffer (no socket event will announce them). */
    public boolean hasBufferedInput()
    {
        return appIn.position() > 0;
    }

    /**
     * Advances the handshake as far as the socket allows without blocking.
     *
     * @return true once the handshake is complete (then call {@link #read} at once: the peer's first application
     * bytes may already be buffered); false when it waits for the peer or for room in the socket
     * ({@link #hasPendingOutput()}).
     * @throws IOException the peer closed, or the handshake failed (bad certificate, not TLS at all, ...); the
     *                     connection is then useless and must be closed.
     */
    public boolean handshake(final SocketChannel channel) throws IOException
    {
        try
        {
            return handshakeSteps(channel);
        }
        catch (final SSLException ex)
        {
            sendAlertQuietly(channel);
            throw ex;
        }
    }

    private boolean handshakeSteps(final SocketChannel channel) throws IOException
    {
        for (int step = 0; step < HANDSHAKE_STEPS_MAX; step++)
        {
            if (!flush(channel))
            {
                return false;
            }
            switch (engine.getHandshakeStatus())
            {
                case NEED_TASK -> runDelegatedTasks();
                case NEED_WRAP -> checkOpen(engine.wrap(EMPTY, netOut));
                case NEED_UNWRAP, NEED_UNWRAP_AGAIN ->
                {
                    if (!unwrapHandshake(channel))
                    {
                        return false;
                    }
                }
                default ->
                {
                    established = true;
                    return true;
                }
            }
        }
        return false;
    }

    /** @return false when more bytes from the peer are needed and none are there yet. */
    private boolean unwrapHandshake(final SocketChannel channel) throws IOException
    {
        netIn.flip();
        final SSLEngineResult result;
        try
        {
            result = engine.unwrap(netIn, appIn);
        }
        finally
        {
            netIn.compact();
        }
        checkOpen(result);
        if (SSLEngineResult.Status.BUFFER_UNDERFLOW == result.getStatus() || 0 == result.bytesConsumed() &&
            SSLEngineResult.HandshakeStatus.NEED_UNWRAP == result.getHandshakeStatus())
        {
            final int bytesRead = channel.read(netIn);
            if (bytesRead < 0)
            {
                throw new IOException("peer closed during the TLS handshake");
            }
            return bytesRead > 0;
        }
        return true;
    }

    /**
     * Reads what the socket has, decrypts it, and moves as much plaintext as fits into {@code dst}; the rest stays
     * buffered ({@link #hasBufferedInput()}). Bounded by the bytes at hand.
     *
     * @return plaintext bytes moved, or -1 once the peer has closed and nothing is left.
     * @throws IOException broken TLS records, or a post-handshake message this class does not answer.
     */
    public int read(final SocketChannel channel, final ByteBuffer dst) throws IOException
    {
        int moved = drainApplication(dst) + unwrapBuffered(dst);
        // The socket is read only when nothing was at hand, so that a blocking channel never blocks with bytes
        // already delivered.
        if (0 == moved && dst.hasRemaining() && !inboundClosed && netIn.hasRemaining())
        {
            if (channel.read(netIn) < 0)
            {
                inboundClosed = true;
            }
            moved += unwrapBuffered(dst);
        }
        if (0 == moved && inboundClosed && !hasBufferedInput())
        {
            return -1;
        }
        return moved;
    }

    /** Decrypts the whole records already received, while {@code dst} has room. */
    private int unwrapBuffered(final ByteBuffer dst) throws IOException
    {
        int moved = 0;
        // Bounded: each pass consumes a record or stops.
        while (dst.hasRemaining() && netIn.position() > 0)
        {
            netIn.flip();
            final SSLEngineResult result;
            try
            {
                result = engine.unwrap(netIn, appIn);
            }
            finally
            {
                netIn.compact();
            }
            checkPostHandshake(result);
            moved += drainApplication(dst);
            if (SSLEngineResult.Status.CLOSED == result.getStatus())
            {
                inboundClosed = true;
                break;
            }
            if (SSLEngineResult.Status.OK != result.getStatus() || 0 == result.bytesConsumed())
            {
                break;
            }
        }
        return moved;
    }

    /**
     * Encrypts as much of {@code src} as the socket takes now.
     *
     * @return plaintext bytes consumed from {@code src}; the caller keeps the rest. Encrypted bytes the socket did
     * not take stay here ({@link #hasPendingOutput()}) and go first on the next call.
     */
    public int write(final SocketChannel channel, final ByteBuffer src) throws IOException
    {
        int consumed = 0;
        // Each pass wraps at most one record (16 KiB), so a 256 KiB buffer takes at most 16 passes.
        while (flush(channel) && src.hasRemaining())
        {
            final SSLEngineResult result = engine.wrap(src, netOut);
            checkOpen(result);
            consumed += result.bytesConsumed();
            if (0 == result.bytesConsumed() && 0 == result.bytesProduced())
            {
                break;
            }
        }
        return consumed;
    }

    /** A socket read through {@code tls}, or straight from the socket when it is null (clear text). */
    public static int read(final SocketChannel channel, final TlsConnection tls, final ByteBuffer dst)
        throws IOException
    {
        return null == tls ? channel.read(dst) : tls.read(channel, dst);
    }

    /** A socket write through {@code tls}, or straight to the socket when it is null (clear text). */
    public static int write(final SocketChannel channel, final TlsConnection tls, final ByteBuffer src)
        throws IOException
    {
        return null == tls ? channel.write(src) : tls.write(channel, src);
    }

    /**
     * For links between nodes: advances the handshake and, once it completes, checks that the peer's certificate
     * names {@code node:<expectedNodeId>} (any node id when {@code expectedNodeId} is negative).
     *
     * @return the node id the peer's certificate names once established, -1 while the handshake goes on.
     * @throws IOException the handshake failed or the certificate names no (or another) node.
     */
    public int handshakeNode(final SocketChannel channel, final int expectedNodeId) throws IOException
    {
        if (!handshake(channel))
        {
            return -1;
        }
        final PeerIdentity identity = PeerIdentity.of(peerCertificate());
        if (null == identity || !PeerIdentity.NODE.equals(identity.kind()) || identity.id() < 0 ||
            identity.id() > Integer.MAX_VALUE || expectedNodeId >= 0 && identity.id() != expectedNodeId)
        {
            throw new SSLException("peer certificate names " + identity + ", not node " +
                (expectedNodeId >= 0 ? expectedNodeId : "of this group"));
        }
        return (int)identity.id();
    }

    /** Writes pending encrypted bytes; true when none are left. */
    public boolean flush(final SocketChannel channel) throws IOException
    {
        if (0 == netOut.position())
        {
            return true;
        }
        netOut.flip();
        try
        {
            channel.write(netOut);
            return !netOut.hasRemaining();
        }
        finally
        {
            netOut.compact();
        }
    }

    /** The peer's certificate (leaf), or null when it presented none. Allocates: once per connection. */
    public X509Certificate peerCertificate()
    {
        try
        {
            final Certificate[] chain = engine.getSession().getPeerCertificates();
            return chain.length > 0 && chain[0] instanceof X509Certificate ? (X509Certificate)chain[0] : null;
        }
        catch (final SSLPeerUnverifiedException ex)
        {
            return null;
        }
    }

    /** Negotiated protocol, e.g. TLSv1.3 (for logs and tests). */
    public String protocol()
    {
        return engine.getSession().getProtocol();
    }

    private void runDelegatedTasks()
    {
        // Certificate checks and key agreement: on the calling thread, which is the agent's (no thread per
        // connection). They take about a millisecond per handshake.
        Runnable task;
        while (null != (task = engine.getDelegatedTask()))
        {
            task.run();
        }
    }

    private void checkPostHandshake(final SSLEngineResult result) throws SSLException
    {
        if (SSLEngineResult.HandshakeStatus.NEED_TASK == result.getHandshakeStatus())
        {
            runDelegatedTasks();
        }
        if (SSLEngineResult.HandshakeStatus.NEED_WRAP == engine.getHandshakeStatus())
        {
            throw new SSLException("post-handshake TLS message that needs an answer (renegotiation or key " +
                "update) is not supported: closing");
        }
    }

    private static void checkOpen(final SSLEngineResult result) throws SSLException
    {
        if (SSLEngineResult.Status.CLOSED == result.getStatus())
        {
            throw new SSLException("TLS connection closed by the peer");
        }
    }

    private int drainApplication(final ByteBuffer dst)
    {
        if (0 == appIn.position())
        {
            return 0;
        }
        appIn.flip();
        final int count = Math.min(appIn.remaining(), dst.remaining());
        final int limit = appIn.limit();
        appIn.limit(appIn.position() + count);
        dst.put(appIn);
        appIn.limit(limit);
        appIn.compact();
        return count;
    }

    /** After a failed handshake the engine holds an alert for the peer: one non-blocking attempt to send it. */
    private void sendAlertQuietly(final SocketChannel channel)
    {
        try
        {
            engine.closeOutbound();
            netOut.clear();
            engine.wrap(EMPTY, netOut);
            flush(channel);
        }
        catch (final IOException | RuntimeException ignore)
        {
            // The connection is being closed for the failure already reported.
        }
    }
}
