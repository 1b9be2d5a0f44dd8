package com.wodian.net.cluster.transport;

import com.wodian.net.tls.TlsConnection;
import com.wodian.net.tls.TlsContext;
import org.agrona.CloseHelper;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;

/**
 * One peer's outbound side: the connection this node dials and only writes to (dial, TLS handshake, redial with
 * backoff), and the frames waiting for it between {@code sentPosition} and {@code writePosition} of its buffer. The
 * first frame of every connection is the hello. Its owner ({@link ReplicationTransport}) encodes messages straight
 * into {@link #buffer} at {@link #writePosition}.
 */
final class OutboundLink
{
    private static final int DISCONNECTED = 0;
    private static final int CONNECTING = 1;
    private static final int CONNECTED = 2;

    final UnsafeBuffer buffer;
    int writePosition;

    private final int peerId;
    private final int selfId;
    private final byte[] groupName;
    private final ReplicationEncoder encoder;
    private final TransportCounters counters;
    private final ByteBuffer byteBuffer;
    /** Reads on an outbound connection only show the peer closing it (or garbage). */
    private final ByteBuffer probeBuffer = ByteBuffer.allocateDirect(64);
    private InetSocketAddress address;
    private SocketChannel channel;
    /** Null for clear text ({@link #tls(TlsContext)}). */
    private TlsContext tlsContext;
    /** The peers' pinned certificates (docs/security.md, "TLS"); null: any certificate of the nodes' CA. */
    private NodePins nodePins;
    /** TLS of this link's connections (created for the first, reused). */
    private TlsConnection tls;
    private int state = DISCONNECTED;
    /** When the connection was made (the caller's clock): its TLS handshake must complete within the Hello timeout. */
    private long connectedMs;
    private long nextDialMs;
    private long reconnectDelayMs = ReplicationDescriptor.RECONNECT_DELAY_MS_MIN;
    private boolean connectedBefore;
    private long incarnationHigh;
    private long incarnationLow;
    private boolean joinedEmpty;
    private long engineLimitsDigest;
    private byte[] engineLimits = new byte[0];
    private int sentPosition;

    OutboundLink(
        final int peerId,
        final int selfId,
        final byte[] groupName,
        final InetSocketAddress address,
        final int bufferLength,
        final ReplicationEncoder encoder,
        final TransportCounters counters)
    {
        this.peerId = peerId;
        this.selfId = selfId;
        this.groupName = groupName;
        this.address = address;
        this.encoder = encoder;
        this.counters = counters;
        byteBuffer = ByteBuffer.allocateDirect(bufferLength);
        buffer = new UnsafeBuffer(byteBuffer);
    }

    void tls(final TlsContext tlsContext)
    {
        this.tlsContext = tlsContext;
    }

    void nodePins(final NodePins nodePins)
    {
        this.nodePins = nodePins;
    }

    /** The incarnation every later hello names (the next dial's). */
    void incarnation(final long high, final long low, final boolean joinedEmpty)
    {
        this.incarnationHigh = high;
        this.incarnationLow = low;
        this.joinedEmpty = joinedEmpty;
    }

    /** The engine limits every later hello names (the next dial's); 0 and empty: not known. */
    void engineLimits(final long digest, final byte[] text)
    {
        this.engineLimitsDigest = digest;
        this.engineLimits = text;
    }

    /** Where to dial from the next dial on (the current connection is kept). */
    void address(final InetSocketAddress address)
    {
        this.address = address;
    }

    /** Messages queued now may go out (once connected); a disconnected link drops them. */
    boolean acceptsMessages()
    {
        return state != DISCONNECTED;
    }

    boolean isConnected()
    {
        return state == CONNECTED && (null == tls || tls.isEstablished());
    }

    /** Moves the unsent bytes to the front when some were sent; @return whether that made room. */
    boolean compactIfSent()
    {
        if (sentPosition == 0)
        {
            return false;
        }
        buffer.putBytes(0, buffer, sentPosition, writePosition - sentPosition);
        writePosition -= sentPosition;
        sentPosition = 0;
        return true;
    }

    /**
     * Writes what is pending, as much as the socket takes without blocking.
     *
     * @return bytes written.
     */
    int flush(final long nowMs)
    {
        if (state != CONNECTED || sentPosition == writePosition && (tls == null || !tls.hasPendingOutput()) ||
            tls != null && !tls.isEstablished())
        {
            return 0;
        }
        byteBuffer.limit(writePosition).position(sentPosition);
        try
        {
            final int written = TlsConnection.write(channel, tls, byteBuffer);
            sentPosition += written;
            if (sentPosition == writePosition)
            {
                sentPosition = 0;
                writePosition = 0;
            }
            return written;
        }
        catch (final IOException ex)
        {
            disconnect(nowMs);
            return 0;
        }
    }

    /**
     * Dials when the backoff has passed, finishes a pending dial or TLS handshake, notices a peer that closed.
     *
     * @return 1 when something changed, else 0.
     */
    int poll(final long nowMs)
    {
        switch (state)
        {
            case DISCONNECTED:
                if (address != null && nowMs >= nextDialMs)
                {
                    dial(nowMs);
                    return 1;
                }
                return 0;

            case CONNECTING:
                try
                {
                    if (channel.finishConnect())
                    {
                        connected(nowMs);
                        return 1;
                    }
                }
                catch (final IOException ex)
                {
                    disconnect(nowMs);
                    return 1;
                }
                return 0;

            default:
                if (null != tls && !tls.isEstablished())
                {
                    return handshake(nowMs);
                }
                return probe(nowMs);
        }
    }

    void close()
    {
        CloseHelper.quietClose(channel);
        channel = null;
        state = DISCONNECTED;
    }

    /**
     * Nothing should arrive on an outbound connection; reading shows the peer closing it, which a writer would
     * otherwise only notice when a write fails.
     */
    private int probe(final long nowMs)
    {
        probeBuffer.clear();
        try
        {
            final int read = TlsConnection.read(channel, tls, probeBuffer);
            if (read == 0)
            {
                return 0;
            }
            if (read > 0)
            {
                counters.malformedFrames++;
            }
        }
        catch (final IOException ignore)
        {
            // reset by the peer: redial below
        }
        disconnect(nowMs);
        return 1;
    }

    private void dial(final long nowMs)
    {
        SocketChannel opened = null;
        try
        {
            opened = SocketChannel.open();
            opened.configureBlocking(false);
            opened.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channel = opened;
            sentPosition = 0;
            writePosition = encoder.encodeHello(buffer, 0, buffer.capacity(),
                ReplicationDescriptor.PROTOCOL_VERSION, selfId, peerId, groupName, incarnationHigh, incarnationLow,
                joinedEmpty, engineLimitsDigest, engineLimits);
            state = CONNECTING;
            if (opened.connect(address))
            {
                connected(nowMs);
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            // RuntimeException: an unresolved address or one the platform refuses (UnresolvedAddressException).
            channel = opened;
            disconnect(nowMs);
        }
    }

    private int handshake(final long nowMs)
    {
        if (nowMs - connectedMs > ReplicationDescriptor.HELLO_TIMEOUT_MS)
        {
            // A listener that accepted but stalls in its handshake: leave it and dial again after the backoff.
            counters.handshakesRejected++;
            disconnect(nowMs);
            return 1;
        }
        try
        {
            if (tls.handshakeNode(channel, peerId) < 0)
            {
                return 0;
            }
            if (null != nodePins && null != nodePins.refusal(peerId, tls.peerCertificate()))
            {
                // The peer's side logs nothing of ours; this node's listener logs the same refusal of the peer's
                // dial (InboundConnections), so a dial refused here is counted, not logged again.
                counters.handshakesRejected++;
                disconnect(nowMs);
            }
            return 1;
        }
        catch (final IOException ex)
        {
            counters.handshakesRejected++;
            disconnect(nowMs);
            return 1;
        }
    }

    private void connected(final long nowMs) throws IOException
    {
        if (null != tlsContext)
        {
            tls = null == tls ? new TlsConnection() : tls;
            tls.open(tlsContext.newClientEngine(address.getHostString(), address.getPort()));
        }
        connectedMs = nowMs;
        state = CONNECTED;
        reconnectDelayMs = ReplicationDescriptor.RECONNECT_DELAY_MS_MIN;
        if (connectedBefore)
        {
            counters.reconnects++;
        }
        connectedBefore = true;
    }

    private void disconnect(final long nowMs)
    {
        CloseHelper.quietClose(channel);
        channel = null;
        state = DISCONNECTED;
        sentPosition = 0;
        writePosition = 0;
        nextDialMs = nowMs + reconnectDelayMs;
        reconnectDelayMs = Math.min(2 * reconnectDelayMs, ReplicationDescriptor.RECONNECT_DELAY_MS_MAX);
    }
}
