package com.wodian.net.iso8583;

import com.wodian.net.gateway.SourceLimits;
import com.wodian.net.metrics.ServerCounters;
import com.wodian.net.tls.TlsConnection;
import com.wodian.net.tls.TlsContext;
import org.agrona.CloseHelper;
import org.agrona.concurrent.EpochClock;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.function.Consumer;

/**
 * Admission of the ISO 8583 port's connections, as the server's {@code SessionAdmission} is the POS port's: accepts
 * them, applies the per-source limits ({@link SourceLimits}) and the connection slots ({@link IsoConnectionSlots},
 * which evict an unauthenticated connection for a newcomer when every slot is taken), and sets an admitted
 * connection up (socket options, TLS engine, session id, handshake deadline, registration with the selector). A
 * connection counts against its address's unauthenticated limit until it authenticates ({@link #markAuthenticated})
 * or ends ({@link #releaseUnauthenticated}). Gateway thread only.
 *
 * <p>The session ids it gives connections carry the connection's slot in their low {@value #SLOT_BITS} bits (and a
 * count of accepted connections above them, so that a slot's next connection never reuses an id):
 * {@link #slotIndexOf} finds a reply's connection from its session id.
 */
final class IsoAdmission
{
    static final int SLOT_BITS = 16;
    private static final int ACCEPTS_PER_CYCLE_MAX = 16;

    private final ServerSocketChannel serverChannel;
    private final Selector selector;
    private final IsoConnectionSlots slots;
    private final IsoCommandSink sink;
    /** Null for clear text. */
    private final TlsContext tlsContext;
    /** Per source address limits before authentication (security review item 6). */
    private final SourceLimits sourceLimits;
    private final EpochClock clock;
    /** The gateway's close of a connection: cancels its key, closes its channel, releases its count here. */
    private final Consumer<IsoConnection> close;
    private long connectionCount;

    IsoAdmission(
        final ServerSocketChannel serverChannel,
        final Selector selector,
        final IsoConnectionSlots slots,
        final IsoCommandSink sink,
        final SourceLimits sourceLimits,
        final Consumer<IsoConnection> close)
    {
        this.serverChannel = serverChannel;
        this.selector = selector;
        this.slots = slots;
        this.sink = sink;
        this.tlsContext = sink.tlsContext();
        this.sourceLimits = sourceLimits;
        this.clock = sink.clock();
        this.close = close;
    }

    /** The slot of the connection a session id was given to. */
    static int slotIndexOf(final long sessionId)
    {
        return (int)(sessionId & ((1L << SLOT_BITS) - 1));
    }

    /** Accepts the connections waiting, at most {@link #ACCEPTS_PER_CYCLE_MAX}; returns how many. */
    int acceptConnections()
    {
        int acceptedCount = 0;
        for (int i = 0; i < ACCEPTS_PER_CYCLE_MAX; i++)
        {
            SocketChannel channel = null;
            IsoConnection settingUp = null;
            try
            {
                channel = serverChannel.accept();
                if (null == channel)
                {
                    break;
                }
                acceptedCount++;
                final String address = SourceLimits.addressOf(channel);
                if (SourceLimits.Admission.ADMITTED != sourceLimits.tryAdmit(address, null != tlsContext,
                    clock.time()))
                {
                    // Counted before the close: whoever sees the close finds it counted (sourceLimits.refusedCount()
                    // already is, in tryAdmit).
                    sink.countLimit(ServerCounters.GatewayLimit.ISO_PER_ADDRESS);
                    CloseHelper.quietClose(channel);
                    continue;
                }
                final IsoConnection connection = slots.take(clock.time());
                settingUp = connection;
                if (null == connection)
                {
                    sourceLimits.release(address);
                    CloseHelper.quietClose(channel);
                    continue;
                }
                open(connection, address, channel);
            }
            catch (final IOException | RuntimeException ex)
            {
                // A connection reset during accept concerns that client only; so does a TLS engine that could not be
                // made for it. Its count and slot go back at once (concurrency review 8).
                if (null != settingUp)
                {
                    close.accept(settingUp);
                }
                CloseHelper.quietClose(channel);
            }
        }
        return acceptedCount;
    }

    private void open(final IsoConnection connection, final String address, final SocketChannel channel)
        throws IOException
    {
        connection.remoteAddress = address;
        connection.countedUnauthenticated = true;
        channel.configureBlocking(false);
        channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
        channel.setOption(StandardSocketOptions.SO_KEEPALIVE, true);
        if (null != tlsContext)
        {
            if (null == connection.tls)
            {
                connection.tls = new TlsConnection();
            }
            connection.tls.open(tlsContext.newServerEngine());
        }
        connectionCount++;
        final long nowMs = clock.time();
        connection.open(sink.sessionId((connectionCount << SLOT_BITS) | connection.slotIndex), channel, nowMs);
        connection.handshakeDeadlineMs = nowMs + sink.handshakeTimeoutMs();
        connection.selectionKey = channel.register(selector, SelectionKey.OP_READ, connection);
    }

    /** The first sign that the connection is a terminal's: no longer evictable, and counted against its cap. */
    void markAuthenticated(final IsoConnection connection, final long terminalId)
    {
        if (connection.authenticated)
        {
            return;
        }
        connection.authenticated = true;
        releaseUnauthenticated(connection);
        slots.onAuthenticated(connection, terminalId);
    }

    /** The connection no longer counts against its address's unauthenticated limit (authenticated, or ended). */
    void releaseUnauthenticated(final IsoConnection connection)
    {
        if (connection.countedUnauthenticated)
        {
            connection.countedUnauthenticated = false;
            sourceLimits.release(connection.remoteAddress);
        }
    }

    /** Connections closed at accept by the per-source limits (docs/security.md). */
    long sourceRefusedCount()
    {
        return sourceLimits.refusedCount();
    }
}
