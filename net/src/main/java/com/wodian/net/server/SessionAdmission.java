package com.wodian.net.server;

import com.wodian.net.metrics.ServerCounters;
import com.wodian.net.tls.TlsConnection;
import com.wodian.net.tls.TlsContext;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * Admission of the POS port's connections: accepts them, applies the per-source limits ({@link SourceLimits}) and
 * the session table's capacity, and sets an admitted connection up as a session (socket options, TLS engine,
 * {@link SessionGate#onOpen}, registration with the receiver's selector). Network thread only.
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
        final TlsContext tlsContext)
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
            closeQuietly(channel);
            return;
        }
        final Session session = sessions.allocate();
        if (null == session)
        {
            sourceLimits.release(address);
            fullRefusals.refused(publisher.timestampMs(), sessions.capacity());
            closeQuietly(channel);
            return;
        }
        session.openOnReceiver(sessions.nextSessionId(session), channel);
        session.countedUnauthenticated = true;
        session.remoteAddress = address;
        setUp(session, channel, address);
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
