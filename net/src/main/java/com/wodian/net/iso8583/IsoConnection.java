package com.wodian.net.iso8583;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * One terminal connection: fixed receive and send buffers and a ring of {@link IsoExchange} slots in request order,
 * all created once per slot and reused for later connections. Owned by the gateway agent's thread only.
 */
final class IsoConnection implements IsoKeyHandler
{
    /** Reads a connection's socket; the gateway agent's. */
    interface ReadHandler
    {
        int onReadable(IsoConnection connection);
    }

    final int slotIndex;
    private final ReadHandler readHandler;
    final ByteBuffer receiveBuffer;
    final ByteBuffer sendBuffer;
    final IsoExchange[] exchanges;
    long sessionId;
    SocketChannel channel;
    /** TLS state of this slot's connections (created for the first one, reused); null on a clear-text port. */
    com.wodian.net.tls.TlsConnection tls;
    /** TLS: when the handshake must have completed (wall clock, ms), else the connection is closed. */
    long handshakeDeadlineMs;
    /**
     * TLS: the terminal id the client certificate names (DE41 of every request must equal it), or 0 when the client
     * presented no certificate.
     */
    long certifiedTerminalId;
    /**
     * Wall clock (ms) of the last sign of a live peer: the accept, a whole request that was accepted (MAC-valid, or an
     * approved 0800), or response bytes the socket took. Partial frames and refused requests do not count, so a
     * slowloris, a half-open or a never-reading peer reaches the idle timeout.
     */
    long lastActivityMs;
    /**
     * When the connection was accepted (wall clock, ms): the oldest unauthenticated one is evicted first, and only
     * once it is older than the eviction floor; a terminal's oldest authenticated one goes first over its cap.
     */
    long openedAtMs;
    /**
     * True once the connection sent a MAC-valid request or presented a terminal certificate: such a connection is
     * never evicted to make room for a newcomer.
     */
    boolean authenticated;
    /** The terminal the connection first authenticated as (DE41 or its certificate); 0 before. */
    long terminalId;
    /** Source address, set at accept; the connection counts against its limit until it authenticates or ends. */
    String remoteAddress;
    boolean countedUnauthenticated;
    SelectionKey selectionKey;
    int head;
    int count;
    long nextCorrelationId;
    /** A whole frame is in the receive buffer, waiting for a free exchange slot or room in the input ring. */
    boolean completeFrameWaiting;

    IsoConnection(
        final int slotIndex, final IsoGatewayConfig config, final int responseLengthMax, final ReadHandler readHandler)
    {
        this.slotIndex = slotIndex;
        this.readHandler = readHandler;
        receiveBuffer = ByteBuffer.allocateDirect(NacFrameDescriptor.LENGTH_FIELD_LENGTH + config.frameLengthMax())
            .order(ByteOrder.BIG_ENDIAN);
        sendBuffer = ByteBuffer.allocateDirect(config.inFlightMax() *
            (NacFrameDescriptor.MESSAGE_OFFSET + responseLengthMax)).order(ByteOrder.BIG_ENDIAN);
        exchanges = new IsoExchange[config.inFlightMax()];
        for (int i = 0; i < exchanges.length; i++)
        {
            exchanges[i] = new IsoExchange(config.frameLengthMax(), responseLengthMax);
        }
    }

    @Override
    public int onSelected(final SelectionKey key)
    {
        // Writable only while a TLS handshake waits for room in the socket.
        return key.isValid() && (key.isReadable() || key.isWritable()) ? readHandler.onReadable(this) : 0;
    }

    boolean isOpen()
    {
        return null != channel;
    }

    void open(final long sessionId, final SocketChannel channel, final long nowMs)
    {
        this.sessionId = sessionId;
        this.channel = channel;
        lastActivityMs = nowMs;
        openedAtMs = nowMs;
        authenticated = false;
        terminalId = 0;
        receiveBuffer.clear();
        sendBuffer.clear();
        for (final IsoExchange exchange : exchanges)
        {
            exchange.reset();
        }
        head = 0;
        count = 0;
        nextCorrelationId = 1;
        completeFrameWaiting = false;
        handshakeDeadlineMs = 0;
        certifiedTerminalId = 0;
    }

    boolean hasFreeExchange()
    {
        return count < exchanges.length;
    }

    /** Takes the next slot in request order; check {@link #hasFreeExchange()} first. */
    IsoExchange claim()
    {
        final IsoExchange exchange = exchanges[(head + count) % exchanges.length];
        count++;
        exchange.reset();
        exchange.correlationId = nextCorrelationId++;
        return exchange;
    }

    IsoExchange oldest()
    {
        return 0 == count ? null : exchanges[head];
    }

    void releaseOldest()
    {
        exchanges[head].reset();
        head = (head + 1) % exchanges.length;
        count--;
    }

    /** The waiting exchange a reply belongs to, or null (a reply for a connection that has since been reused). */
    IsoExchange waiting(final long correlationId)
    {
        for (int i = 0; i < count; i++)
        {
            final IsoExchange exchange = exchanges[(head + i) % exchanges.length];
            if (exchange.state == IsoExchange.STATE_WAITING && exchange.correlationId == correlationId)
            {
                return exchange;
            }
        }
        return null;
    }
}
