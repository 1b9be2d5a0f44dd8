package com.wodian.net.iso8583;

import com.wodian.net.gateway.GatewayAgent;
import com.wodian.net.tls.PeerIdentity;
import com.wodian.net.tls.TlsConnection;
import com.wodian.net.tls.TlsContext;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.collections.Long2ObjectHashMap;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.util.function.Consumer;

/**
 * The ISO 8583 gateway: one more gateway agent of the server, next to the native one (docs/iso8583.md). It accepts
 * terminal connections ({@link IsoAdmission}), cuts NACChannel frames, lets {@link IsoTranslator} turn each request
 * into an engine command, publishes it through the server's {@link IsoCommandSink} and, when the reply comes back
 * through {@link #onReply}, writes the ISO response with the request's TPDU swapped. It runs on the thread that owns
 * the input ring's producer; replies may be handed over from another thread (one at a time) through a fixed queue
 * ({@link IsoReplyQueue}), and re-read terminal keys from the metrics thread ({@link IsoKeyReload}).
 *
 * <p>Bounded everywhere: a connection has {@link IsoGatewayConfig#inFlightMax()} requests in processing at most,
 * and leaves further frames in its socket (TCP back-pressure) while its slots or the ring are full.
 */
public final class IsoGatewayAgent implements GatewayAgent
{
    static final String ROLE_NAME = "wodian-iso8583";
    private static final int RESPONSE_LENGTH_MAX = 256;
    /** How often connections are checked for a TLS handshake past its deadline. */
    private static final long HANDSHAKE_SCAN_INTERVAL_MS = 100;
    /** How often connections are checked for idleness: one pass over the slots, at most connectionsMax each. */
    private static final long IDLE_SCAN_INTERVAL_MS = 1_000;

    private final IsoGatewayConfig config;
    private final IsoCommandSink sink;
    private final ServerSocketChannel serverChannel;
    private final Selector selector;
    private final IsoConnectionSlots slots;
    /** {@link #slots}' array, for the loops over every connection. */
    private final IsoConnection[] connections;
    private final IsoTranslator translator;
    private final IsoCommandBudget budget;
    private final IsoReplyQueue replies;
    private final IsoKeyReload keyReload;
    private final UnsafeBuffer command = new UnsafeBuffer(new byte[256]);
    private final UnsafeBuffer frameView = new UnsafeBuffer(0, 0);
    private final Consumer<SelectionKey> selectedKeyHandler = this::onSelectedKey;
    private final IsoKeyHandler acceptHandler = (key) -> acceptConnections();
    private final boolean ownSelector;
    private final int port;
    private long nextHandshakeScanMs;
    private long nextIdleScanMs;
    /** Connections closed for the idle timeout (any thread, a statistic). */
    private volatile long idleTimeoutCount;
    /** Connections closed because their TLS handshake did not complete in time (any thread, a statistic). */
    private volatile long handshakeTimeoutCount;
    private int workCount;
    private volatile long requestCount;
    private volatile long closedForProtocolCount;
    /** Connections ended for a failed TLS handshake or broken TLS records (any thread, a statistic). */
    private volatile long tlsRefusedCount;
    /** Null for clear text. */
    private final TlsContext tlsContext;
    /** Accepts connections and keeps the per-source limits before authentication; this thread only. */
    private final IsoAdmission admission;
    private final org.agrona.concurrent.EpochClock clock;
    /** The clock read once per duty cycle: the receive time of every frame taken in that cycle. */
    private long cycleNowMs;

    public IsoGatewayAgent(final IsoGatewayConfig config, final IsoCommandSink sink) throws IOException
    {
        this.config = config;
        this.sink = sink;
        this.tlsContext = sink.tlsContext();
        keyReload = new IsoKeyReload(config.keysFile());
        budget = new IsoCommandBudget(sink.commandsPerTerminalPerSecond(), sink.commandsPerTerminalBurst(),
            sink::countLimit);
        translator = new IsoTranslator(keyReload.load(), config.preAuthTtlMs(), config.transmissionTimeWindowMs(),
            budget, keyReload.newPanTokenizer());
        clock = sink.clock();
        slots = new IsoConnectionSlots(config.connectionsMax(), sink.handshakeTimeoutMs(),
            config.connectionsPerTerminalMax(),
            (slotIndex) -> new IsoConnection(slotIndex, config, RESPONSE_LENGTH_MAX, this::onReadable), this::close,
            sink::countLimit);
        connections = slots.all();
        replies = new IsoReplyQueue(config.connectionsMax() * config.inFlightMax(), this::onReplyRecord);
        ownSelector = null == sink.sharedSelector();
        selector = ownSelector ? Selector.open() : sink.sharedSelector();
        serverChannel = ServerSocketChannel.open();
        admission = new IsoAdmission(serverChannel, selector, slots, sink, sink.newSourceLimits(), this::close);
        try
        {
            serverChannel.bind(new InetSocketAddress(config.host(), config.port()));
            serverChannel.configureBlocking(false);
            serverChannel.register(selector, SelectionKey.OP_ACCEPT, acceptHandler);
            port = ((InetSocketAddress)serverChannel.getLocalAddress()).getPort();
        }
        catch (final IOException | RuntimeException ex)
        {
            CloseHelper.quietClose(serverChannel);
            if (ownSelector)
            {
                CloseHelper.quietClose(selector);
            }
            throw ex;
        }
    }

    /** The bound port (the ephemeral one when configured with 0). */
    public int port()
    {
        return port;
    }

    /** Requests taken off sockets so far (any thread, a statistic). */
    public long requestCount()
    {
        return requestCount;
    }

    /** Connections ended for bytes that were not an ISO request (any thread, a statistic). */
    public long closedForProtocolCount()
    {
        return closedForProtocolCount;
    }

    @Override
    public String roleName()
    {
        return ROLE_NAME;
    }

    /**
     * Hands over the engine's reply to a command this gateway published. Called by one thread at a time (the
     * server's reply stage); keeps only the template id, result code and a PaymentReply's amount (a completion's
     * response says what was captured), which is all a response needs.
     */
    @Override
    public void onReply(
        final long sessionId, final long correlationId, final DirectBuffer buffer, final int offset, final int length)
    {
        replies.offer(sessionId, correlationId, buffer, offset, length);
        if (!ownSelector)
        {
            // The response is written on the receiving thread, which may be asleep in its selector.
            selector.wakeup();
        }
    }

    /** Nothing to do: the gateway never publishes a session's close (replies to a closed connection are dropped). */
    @Override
    public void onSessionClosed(final long sessionId, final DirectBuffer buffer, final int offset, final int length)
    {
    }

    /** True while replies wait to be turned into responses or frames wait in a buffer: do not sleep. */
    @Override
    public boolean mustPoll()
    {
        if (replies.hasReplies())
        {
            return true;
        }
        for (final IsoConnection connection : connections)
        {
            // A partial frame waits for the socket (the selector wakes for it); a complete one waits for room.
            if (null != connection && connection.isOpen() &&
                (connection.completeFrameWaiting || connection.sendBuffer.position() > 0 ||
                null != connection.tls && (connection.tls.hasBufferedInput() || connection.tls.hasPendingOutput())))
            {
                return true;
            }
        }
        return false;
    }

    @Override
    public int doWork() throws IOException
    {
        workCount = 0;
        cycleNowMs = clock.time();
        replies.drain();
        if (ownSelector)
        {
            selector.selectNow(selectedKeyHandler);
        }
        for (final IsoConnection connection : connections)
        {
            if (null != connection && connection.isOpen())
            {
                serviceFrames(connection);
                if (null != connection.tls && connection.isOpen() && !connection.completeFrameWaiting &&
                    connection.tls.hasBufferedInput())
                {
                    // Decrypted bytes that did not fit the receive buffer: no socket event announces them again.
                    onReadable(connection);
                    serviceFrames(connection);
                }
                if (connection.isOpen())
                {
                    flush(connection);
                }
            }
        }
        closeStalledHandshakes(cycleNowMs);
        closeIdleConnections(cycleNowMs);
        final Long2ObjectHashMap<IsoKeyStore.TerminalKey> reloadedKeys = keyReload.takeReloaded();
        if (null != reloadedKeys)
        {
            translator.keys(reloadedKeys);
        }
        return workCount;
    }

    @Override
    public void onClose()
    {
        for (final IsoConnection connection : connections)
        {
            if (null != connection && connection.isOpen())
            {
                close(connection);
            }
        }
        CloseHelper.quietClose(serverChannel);
        if (ownSelector)
        {
            CloseHelper.quietClose(selector);
        }
    }

    private void onSelectedKey(final SelectionKey key)
    {
        workCount += ((IsoKeyHandler)key.attachment()).onSelected(key);
    }

    /** One reply from {@link #replies}, on this thread; false keeps it for the next duty cycle. */
    private boolean onReplyRecord(
        final long sessionId, final long correlationId, final int templateId, final int code, final long amountFen)
    {
        if (!sink.hasCapacity())
        {
            // A purchase reversal may need to publish its Refund: keep the reply until the ring has room.
            return false;
        }
        workCount++;
        final IsoConnection connection = connections[IsoAdmission.slotIndexOf(sessionId) % connections.length];
        if (null == connection || connection.sessionId != sessionId || !connection.isOpen())
        {
            return true;
        }
        final IsoExchange exchange = connection.waiting(correlationId);
        if (null != exchange)
        {
            final int action = translator.onReply(exchange, templateId, code, amountFen, command);
            if (action == IsoTranslator.ACTION_PUBLISH)
            {
                sink.publish(sessionId, exchange.correlationId, command, 0, translator.commandLength());
            }
        }
        return true;
    }

    private int acceptConnections()
    {
        return admission.acceptConnections();
    }

    private int onReadable(final IsoConnection connection)
    {
        if (!connection.isOpen())
        {
            return 0;
        }
        if (null != connection.tls)
        {
            return readTls(connection);
        }
        try
        {
            if (connection.channel.read(connection.receiveBuffer) < 0)
            {
                close(connection);
            }
            return 1;
        }
        catch (final IOException ex)
        {
            close(connection);
            return 1;
        }
    }

    /** The handshake until it completes, then decrypted bytes into the receive buffer. */
    private int readTls(final IsoConnection connection)
    {
        final TlsConnection tls = connection.tls;
        try
        {
            if (!tls.isEstablished())
            {
                if (!tls.handshake(connection.channel))
                {
                    connection.selectionKey.interestOps(tls.hasPendingOutput() ?
                        SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
                    return 1;
                }
                connection.selectionKey.interestOps(SelectionKey.OP_READ);
                if (!bindCertificate(connection))
                {
                    tlsRefusedCount = tlsRefusedCount + 1;
                    close(connection);
                    return 1;
                }
            }
            if (connection.receiveBuffer.hasRemaining() &&
                tls.read(connection.channel, connection.receiveBuffer) < 0)
            {
                close(connection);
            }
        }
        catch (final IOException ex)
        {
            tlsRefusedCount = tlsRefusedCount + 1;
            close(connection);
        }
        return 1;
    }

    /**
     * Once per connection, when its handshake completes: a client certificate must name a terminal, and binds the
     * connection to it (every request's DE41 must name that terminal); a certificate that names another kind of
     * identity (node, admin, consumer) or none is refused. No certificate: the MAC alone authenticates requests.
     */
    private boolean bindCertificate(final IsoConnection connection)
    {
        final java.security.cert.X509Certificate certificate = connection.tls.peerCertificate();
        if (null == certificate)
        {
            return true;
        }
        final PeerIdentity identity = PeerIdentity.of(certificate);
        if (null == identity || !PeerIdentity.TERMINAL.equals(identity.kind()) || identity.id() <= 0)
        {
            return false;
        }
        connection.certifiedTerminalId = identity.id();
        admission.markAuthenticated(connection, identity.id());
        return true;
    }

    /** TLS connections whose handshake passed its deadline (a client stalled mid-handshake) are closed. */
    private void closeStalledHandshakes(final long nowMs)
    {
        if (null == tlsContext || nowMs < nextHandshakeScanMs)
        {
            return;
        }
        nextHandshakeScanMs = nowMs + HANDSHAKE_SCAN_INTERVAL_MS;
        for (final IsoConnection connection : connections)
        {
            if (null != connection && connection.isOpen() && !connection.tls.isEstablished() &&
                nowMs - connection.handshakeDeadlineMs >= 0)
            {
                handshakeTimeoutCount = handshakeTimeoutCount + 1;
                close(connection);
            }
        }
    }

    /**
     * Connections with no sign of life for the idle timeout are closed: nothing else would ever free the slot of a
     * half-open, idle, slowloris or never-reading peer. One pass over the slots a second.
     */
    private void closeIdleConnections(final long nowMs)
    {
        if (nowMs < nextIdleScanMs)
        {
            return;
        }
        nextIdleScanMs = nowMs + IDLE_SCAN_INTERVAL_MS;
        final long idleTimeoutMs = config.idleTimeoutMs();
        for (final IsoConnection connection : connections)
        {
            if (null != connection && connection.isOpen() && nowMs - connection.lastActivityMs >= idleTimeoutMs)
            {
                idleTimeoutCount = idleTimeoutCount + 1;
                close(connection);
            }
        }
    }

    /** Financial requests refused for their terminal key's command budget (DE39 91, not journaled). */
    public long commandBudgetRefusedCount()
    {
        return budget.refusedCount();
    }

    /** Connections closed for the idle timeout ({@link IsoGatewayConfig#idleTimeoutMs()}). */
    public long idleTimeoutCount()
    {
        return idleTimeoutCount;
    }

    /** Connections closed at accept by the per-source limits (docs/security.md). */
    public long sourceRefusedCount()
    {
        return admission.sourceRefusedCount();
    }

    /** Unauthenticated connections closed to make room for a newcomer when every slot was taken. */
    public long evictedCount()
    {
        return slots.evictedCount();
    }

    /**
     * Newcomers closed at once because every slot held an authenticated connection or one younger than the eviction
     * floor (the logon timeout).
     */
    public long refusedFullCount()
    {
        return slots.refusedFullCount();
    }

    /** Authenticated connections ended because their terminal opened more than its cap. */
    public long terminalCapClosedCount()
    {
        return slots.terminalCapClosedCount();
    }

    /** Connections closed because their TLS handshake did not complete within the logon timeout. */
    public long handshakeTimeoutCount()
    {
        return handshakeTimeoutCount;
    }

    /** Connections ended for a failed TLS handshake or broken TLS records. */
    public long tlsRefusedCount()
    {
        return tlsRefusedCount;
    }

    /** Cuts complete frames off the receive buffer while there are request slots and ring capacity. */
    private void serviceFrames(final IsoConnection connection)
    {
        final ByteBuffer receive = connection.receiveBuffer;
        int offset = 0;
        final int limit = receive.position();
        connection.completeFrameWaiting = false;
        while (limit - offset >= NacFrameDescriptor.LENGTH_FIELD_LENGTH)
        {
            final int frameLength = receive.getShort(offset) & 0xFFFF;
            if (frameLength < NacFrameDescriptor.TPDU_LENGTH + Iso87Layout.MTI_LENGTH ||
                frameLength > config.frameLengthMax())
            {
                closeForProtocol(connection);
                return;
            }
            if (limit - offset < NacFrameDescriptor.LENGTH_FIELD_LENGTH + frameLength)
            {
                break;
            }
            if (!connection.hasFreeExchange() || !sink.hasCapacity())
            {
                connection.completeFrameWaiting = true;
                break;
            }
            if (!onFrame(connection, receive, offset + NacFrameDescriptor.LENGTH_FIELD_LENGTH, frameLength))
            {
                closeForProtocol(connection);
                return;
            }
            offset += NacFrameDescriptor.LENGTH_FIELD_LENGTH + frameLength;
        }
        if (offset > 0)
        {
            receive.flip().position(offset);
            receive.compact();
        }
    }

    /** One frame: TPDU + ISO message. False when the connection must end (not an ISO request). */
    private boolean onFrame(final IsoConnection connection, final ByteBuffer receive, final int frameOffset,
        final int frameLength)
    {
        workCount++;
        requestCount = requestCount + 1;
        final IsoExchange exchange = connection.claim();
        frameView.wrap(receive, frameOffset, frameLength);
        frameView.getBytes(0, exchange.tpdu, 0, NacFrameDescriptor.TPDU_LENGTH);
        exchange.requestLength = frameLength - NacFrameDescriptor.TPDU_LENGTH;
        frameView.getBytes(NacFrameDescriptor.TPDU_LENGTH, exchange.request, 0, exchange.requestLength);
        final int action = translator.onRequest(exchange, command, connection.certifiedTerminalId, cycleNowMs);
        if (action == IsoTranslator.ACTION_CLOSE)
        {
            return false;
        }
        if (exchange.authenticated)
        {
            // A MAC-valid request within the freshness window: a recorded one sent again later is not (A1, 2026-12-05).
            admission.markAuthenticated(connection, exchange.terminalId);
            connection.lastActivityMs = cycleNowMs;
        }
        else if (IsoResponseCodes.APPROVED == exchange.de39)
        {
            // An approved 0800 (echo test, sign-on) keeps a connection alive without authenticating it.
            connection.lastActivityMs = cycleNowMs;
        }
        if (action == IsoTranslator.ACTION_PUBLISH)
        {
            exchange.state = IsoExchange.STATE_WAITING;
            sink.publish(connection.sessionId, exchange.correlationId, command, 0, translator.commandLength());
        }
        return true;
    }

    /** Writes the responses that are ready, in request order, then the socket. */
    private void flush(final IsoConnection connection)
    {
        final ByteBuffer send = connection.sendBuffer;
        IsoExchange exchange = connection.oldest();
        while (null != exchange && exchange.state == IsoExchange.STATE_READY &&
            send.remaining() >= NacFrameDescriptor.MESSAGE_OFFSET + exchange.responseLength)
        {
            final int at = send.position();
            send.putShort(at, (short)(NacFrameDescriptor.TPDU_LENGTH + exchange.responseLength));
            frameView.wrap(send);
            NacFrameDescriptor.putSwappedTpdu(exchange.tpdu, frameView, at + NacFrameDescriptor.TPDU_OFFSET);
            frameView.putBytes(at + NacFrameDescriptor.MESSAGE_OFFSET, exchange.response, 0, exchange.responseLength);
            send.position(at + NacFrameDescriptor.MESSAGE_OFFSET + exchange.responseLength);
            connection.releaseOldest();
            exchange = connection.oldest();
        }
        final TlsConnection tls = connection.tls;
        if (send.position() == 0 && (null == tls || !tls.hasPendingOutput()))
        {
            return;
        }
        send.flip();
        try
        {
            final int before = send.remaining();
            if (null == tls)
            {
                connection.channel.write(send);
            }
            else
            {
                tls.write(connection.channel, send);
            }
            if (send.remaining() < before)
            {
                // The peer is reading: a slow terminal is not idle, one that never reads is.
                connection.lastActivityMs = cycleNowMs;
            }
            workCount++;
        }
        catch (final IOException ex)
        {
            send.clear();
            close(connection);
            return;
        }
        send.compact();
    }

    private void closeForProtocol(final IsoConnection connection)
    {
        closedForProtocolCount = closedForProtocolCount + 1;
        // Answers already made still go out before the connection ends.
        flush(connection);
        if (connection.isOpen())
        {
            close(connection);
        }
    }

    private void close(final IsoConnection connection)
    {
        admission.releaseUnauthenticated(connection);
        if (null != connection.selectionKey)
        {
            connection.selectionKey.cancel();
            connection.selectionKey = null;
        }
        CloseHelper.quietClose(connection.channel);
        connection.channel = null;
        connection.sessionId = 0;
    }

    /**
     * {@inheritDoc} The key file ({@link IsoKeyReload}): a stat about once a second and, on a change, a read and parse
     * here, off the network thread; the keys are installed on the gateway's thread at its next duty cycle.
     */
    @Override
    public void reloadFilesIfChanged(final long nowMs)
    {
        keyReload.reloadIfChanged(nowMs);
    }
}
