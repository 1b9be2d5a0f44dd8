package com.wodian.net.server;

import com.wodian.net.gateway.SourceLimits;
import com.wodian.net.metrics.ServerCounters;
import com.wodian.net.tls.TlsConnection;
import com.wodian.net.tls.TlsContext;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.function.Consumer;

/**
 * Admission of the POS port's connections: accepts them, applies the per-source limits ({@link SourceLimits}) and
 * {@code sessionsMax}, and sets an admitted connection up as a session (socket options, TLS engine,
 * {@link SessionGate#onOpen}, registration with the receiver's selector). Network thread only.
 *
 * <p>When every session is taken, the oldest connection that has not logged on and is at least
 * {@link GatewayConfig#evictionAgeMinMs()} old is closed for the newcomer, as on the ISO 8583 port; a logged-on session
 * is never evicted, and without such a connection the newcomer is refused (security review 2026-12-05 B2: 17 addresses
 * of silent connections locked every terminal out; the age floor is B8's fix: a client opening connections fast would
 * otherwise evict every terminal in the middle of its handshake). The evicted session's slot stays held until the
 * sender has closed it, so the newcomer takes one of the table's closing reserve meanwhile.
 */
final class SessionAdmission
{
    private static final int ACCEPTS_PER_CYCLE_MAX = 16;

    private final ServerSocketChannel serverChannel;
    private final Selector selector;
    private final SessionTable sessions;
    private final InputPublisher publisher;
    private final SessionGate gate;
    /** Per source address limits before authentication (security review item 6). */
    private final SourceLimits sourceLimits;
    private final SessionClosing closing;
    private final ServerCounters counters;
    /** Null on a clear-text server. */
    private final TlsContext tlsContext;
    private final int socketSendBufferLength;
    private final int socketReceiveBufferLength;
    private final long evictionAgeMinMs;
    /** The receiver's handling of a session whose input ended: publishes its CLOSE (now or from the backlog). */
    private final Consumer<Session> inputEnded;
    /** Connections closed at accept because every session slot was taken (security review 2026-12-05 B3). */
    private final RefusalWarning fullRefusals = new RefusalWarning("sessionsMax");

    SessionAdmission(
        final ServerSocketChannel serverChannel,
        final Selector selector,
        final SessionTable sessions,
        final InputPublisher publisher,
        final SessionGate gate,
        final SourceLimits sourceLimits,
        final SessionClosing closing,
        final ServerConfig config,
        final ServerCounters counters,
        final TlsContext tlsContext,
        final Consumer<Session> inputEnded)
    {
        this.serverChannel = serverChannel;
        this.selector = selector;
        this.sessions = sessions;
        this.publisher = publisher;
        this.gate = gate;
        this.sourceLimits = sourceLimits;
        this.closing = closing;
        this.counters = counters;
        this.tlsContext = tlsContext;
        this.socketSendBufferLength = config.socketSendBufferLength();
        this.socketReceiveBufferLength = config.socketReceiveBufferLength();
        this.evictionAgeMinMs = config.gateway().evictionAgeMinMs();
        this.inputEnded = inputEnded;
    }

    /** Accepts the connections waiting, at most {@link #ACCEPTS_PER_CYCLE_MAX}; returns how many. */
    int acceptConnections()
    {
        int acceptedCount = 0;
        while (acceptedCount < ACCEPTS_PER_CYCLE_MAX)
        {
            final SocketChannel channel;
            try
            {
                channel = serverChannel.accept();
            }
            catch (final IOException ex)
            {
                WodianServer.LOG.log(System.Logger.Level.WARNING, "accept failed", ex);
                break;
            }
            if (null == channel)
            {
                break;
            }
            acceptedCount++;
            openSession(channel);
        }
        return acceptedCount;
    }

    private void openSession(final SocketChannel channel)
    {
        final String address;
        try
        {
            address = SourceLimits.addressOf(channel);
        }
        catch (final IOException ex)
        {
            closeQuietly(channel); // reset before we looked at it
            return;
        }
        final SourceLimits.Admission admission = sourceLimits.tryAdmit(address, null != tlsContext,
            publisher.timestampMs());
        if (SourceLimits.Admission.ADMITTED != admission)
        {
            // DEBUG: anyone can cause these; the count is in the statistics (sourceRefusedCount).
            WodianServer.LOG.log(System.Logger.Level.DEBUG, "connection from {0} refused at accept: {1}", address,
                admission);
            counters.gatewayLimit(ServerCounters.GatewayLimit.PER_ADDRESS).incrementRelease();
            closeQuietly(channel);
            return;
        }
        final long nowMs = publisher.timestampMs();
        Session session = sessions.allocate();
        if (null != session && sessions.openCount() >= sessions.sessionsMax() && !evictForNewcomer(nowMs))
        {
            session = null; // the free slot is one of the closing reserve: not for a newcomer without an eviction
        }
        if (null == session)
        {
            sourceLimits.release(address);
            counters.gatewayLimit(ServerCounters.GatewayLimit.SESSIONS_FULL).incrementRelease();
            fullRefusals.refused(nowMs, sessions.sessionsMax());
            closeQuietly(channel);
            return;
        }
        session.openOnReceiver(sessions.nextSessionId(session), channel);
        sessions.onOpened();
        session.countedUnauthenticated = true;
        session.remoteAddress = address;
        setUp(session, channel, address);
    }

    /**
     * Every session is taken: closes the oldest connection that has not logged on, if one is old enough.
     *
     * @return true when one was closed (its place is free for the newcomer).
     */
    private boolean evictForNewcomer(final long nowMs)
    {
        Session oldest = null;
        for (int i = 0, capacity = sessions.capacity(); i < capacity; i++)
        {
            final Session session = sessions.slot(i);
            if (null != session && session.inUse && !session.receiveEnded &&
                SessionGate.AUTH_DONE != session.authState && nowMs - session.openedAtMs >= evictionAgeMinMs &&
                (null == oldest || session.sessionId < oldest.sessionId)) // ids grow with each accept
            {
                oldest = session;
            }
        }
        if (null == oldest)
        {
            return false;
        }
        // No error reply and no log line: anyone can cause evictions; they are counted.
        counters.gatewayLimit(ServerCounters.GatewayLimit.UNAUTHENTICATED_EVICTED).incrementRelease();
        closing.endAfterReply(oldest);
        inputEnded.accept(oldest);
        return true;
    }

    private void setUp(final Session session, final SocketChannel channel, final String address)
    {
        try
        {
            channel.configureBlocking(false);
            channel.setOption(StandardSocketOptions.TCP_NODELAY, Boolean.TRUE);
            if (socketSendBufferLength > 0)
            {
                channel.setOption(StandardSocketOptions.SO_SNDBUF, socketSendBufferLength);
            }
            if (socketReceiveBufferLength > 0)
            {
                channel.setOption(StandardSocketOptions.SO_RCVBUF, socketReceiveBufferLength);
            }
            if (null != tlsContext)
            {
                if (null == session.tls)
                {
                    session.tls = new TlsConnection();
                }
                session.tls.open(tlsContext.newServerEngine());
            }
            counters.scalar(ServerCounters.Scalar.CONNECTIONS_ACCEPTED).incrementRelease();
            gate.onOpen(session, address, publisher.timestampMs());
            closing.releaseIfAuthenticated(session); // authentication disabled: done at open
            session.selectionKey = channel.register(selector, SelectionKey.OP_READ, session);
        }
        catch (final IOException | RuntimeException ex)
        {
            // A RuntimeException too (a TLS engine that could not be made): the slot and the address's count go
            // back, or both would be held for good (concurrency review 8).
            closing.releaseUnauthenticated(session);
            sessions.onInputEnded();
            // Nothing was published for this session yet, so the slot can go straight back.
            WodianServer.LOG.log(System.Logger.Level.WARNING, "could not set up connection", ex);
            closeQuietly(channel);
            session.channel = null;
            session.inUse = false;
        }
    }

    /** Connections closed at accept because every session slot was taken. */
    long refusedFullCount()
    {
        return fullRefusals.count();
    }

    /** Connections closed at accept by the per-source limits (security review item 6). */
    long sourceRefusedCount()
    {
        return sourceLimits.refusedCount();
    }

    private static void closeQuietly(final SocketChannel channel)
    {
        try
        {
            channel.close();
        }
        catch (final IOException ignore)
        {
            // Nothing more can be done for a connection that failed to set up.
        }
    }
}
