package com.wodian.net.server;

import com.wodian.net.gateway.GatewayAgent;
import com.wodian.net.gateway.GatewayContext;
import com.wodian.net.gateway.SourceLimits;
import com.wodian.net.metrics.ServerCounters;
import com.wodian.net.tls.TlsConnection;
import com.wodian.net.tls.TlsContext;
import com.wodian.protocol.sbe.ResultCode;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.MessageHandler;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

import static com.wodian.net.FrameDescriptor.BYTE_ORDER;

/**
 * Receiving half of the network: accepts connections ({@link SessionAdmission}), reads each session's bytes into its
 * receive buffer (through TLS when the port speaks it), has {@link FrameDecoder} cut, check and publish its frames,
 * ends sessions ({@link SessionClosing}) on end of stream, a timeout or the sender's request, and publishes each
 * session's CLOSE once its input is done. Also publishes the Tick command when no command has arrived for a tick
 * interval.
 *
 * <p>Back-pressure: a frame is published only when the ring has room. When it has none, the frame stays in the
 * session's buffer (the session goes to the backlog) and no socket is read, so clients are slowed down by TCP
 * flow control; nothing is queued beyond the fixed buffers and nothing accepted is dropped.
 *
 * <p>The selector is polled with {@link Selector#selectNow(Consumer)} and a handler created once, so a duty cycle
 * allocates nothing (no selected-key set iteration, no iterator).
 */
final class ReceiverAgent implements Agent, SelectIdleStrategy.Waiter
{
    static final String ROLE_NAME = "wodian-receiver";

    /** Park while the agent must poll (input ring full): one ring batch takes the engine about this long. */
    static final long POLL_PARK_NS = 20_000;

    private static final int CLOSE_REQUESTS_PER_CYCLE_MAX = 16;
    /** How often sessions are scanned for a passed logon or idle timeout (and an idle receiver wakes for it). */
    private static final long TIMEOUT_SCAN_INTERVAL_MS = 250;

    private final ServerSocketChannel serverChannel;
    private final Selector selector;
    private final SessionTable sessions;
    private final InputPublisher publisher;
    private final OneToOneRingBuffer closeRequests;
    private final long tickIntervalMs;
    private final EngineActivity activity;
    private final Session[] backlog;
    private final Consumer<SelectionKey> selectedKeyHandler = this::onSelectedKey;
    private final MessageHandler closeRequestHandler = this::onCloseRequest;
    private final SessionGate gate;
    private final SessionClosing closing;
    private final SessionAdmission admission;
    private final FrameDecoder decoder;
    private final PrincipalSessions principals;
    /** Plugged protocol gateways run on this thread after the native protocol's work (see {@link GatewayAgent}). */
    private GatewayAgent[] gateways = new GatewayAgent[0];
    private int backlogCount;
    private int selectWorkCount;
    private long nextTimeoutScanMs;
    /** Written only by this agent; volatile so that other threads may read it as a statistic. */
    private volatile long timedOutCount;
    /** Connections closed for a failed TLS handshake or a refused certificate (a statistic, as above). */
    private volatile long tlsRefusedCount;

    /**
     * Set by another thread ({@link WodianServer#close()}) to make this agent stop accepting and reading; volatile
     * so that the agent's thread sees it at its next duty cycle.
     */
    private volatile boolean stopRequested;

    /**
     * Set by this agent once it will publish nothing more; volatile so that the closing thread, which reads it, may
     * then treat the input ring's cursor as final.
     */
    private volatile boolean stoppedReceiving;

    ReceiverAgent(
        final ServerSocketChannel serverChannel,
        final SessionTable sessions,
        final InputPublisher publisher,
        final OneToOneRingBuffer closeRequests,
        final ServerConfig config,
        final EngineActivity activity,
        final ServerCounters counters,
        final TlsContext tlsContext) throws IOException
    {
        this.activity = activity;
        this.serverChannel = serverChannel;
        this.sessions = sessions;
        this.publisher = publisher;
        this.closeRequests = closeRequests;
        this.tickIntervalMs = config.tickIntervalMs();
        this.backlog = new Session[sessions.capacity()];
        this.gate = new SessionGate(config, publisher);
        // Per source address limits before authentication (security review item 6); network thread only.
        final SourceLimits sourceLimits = config.gateway().newSourceLimits();
        final CommandBudgets budgets = new CommandBudgets(config.gateway().commandsPerPrincipalPerSecond(),
            config.gateway().commandsPerPrincipalBurst(), sessions.capacity(), counters);
        this.closing = new SessionClosing(sourceLimits, sessions, budgets);
        this.decoder = new FrameDecoder(publisher, gate, closing);
        this.selector = Selector.open();
        this.admission = new SessionAdmission(serverChannel, selector, sessions, publisher, gate, sourceLimits, closing,
            config, counters, tlsContext, this::service);
        this.principals = new PrincipalSessions(sessions, closing, this::service, counters,
            config.gateway().sessionsPerPrincipalMax());
        gate.limits(principals, budgets);
        serverChannel.configureBlocking(false);
        serverChannel.register(selector, SelectionKey.OP_ACCEPT);
    }

    @Override
    public String roleName()
    {
        return ROLE_NAME;
    }

    /** Before the thread starts: where admin sessions' commands are recorded (docs/operations.md). */
    void audit(final AdminAudit audit)
    {
        decoder.audit(audit);
    }

    /** Before the thread starts: the gateways to run on this thread, sharing its input publisher and selector. */
    void gateways(final GatewayAgent[] gateways)
    {
        this.gateways = gateways.clone();
    }

    /** The single producer of the input ring, shared with the gateways on this thread. */
    InputPublisher publisher()
    {
        return publisher;
    }

    @Override
    public void onStart()
    {
        for (final GatewayAgent gateway : gateways)
        {
            gateway.onStart();
        }
    }

    @Override
    public int doWork() throws IOException
    {
        if (stopRequested)
        {
            if (!stoppedReceiving)
            {
                stopReceiving();
            }
            return 0;
        }

        int workCount = drainCloseRequests();
        workCount += serviceBacklog();
        workCount += tickIfDue();
        workCount += scanTimeouts();
        if (publisher.hasCapacity())
        {
            selectWorkCount = 0;
            selector.selectNow(selectedKeyHandler);
            workCount += selectWorkCount;
        }
        for (final GatewayAgent gateway : gateways)
        {
            workCount += gateway.doWork();
        }
        return workCount;
    }

    @Override
    public void onClose()
    {
        for (final GatewayAgent gateway : gateways)
        {
            try
            {
                gateway.onClose();
            }
            catch (final RuntimeException ex)
            {
                WodianServer.LOG.log(System.Logger.Level.WARNING, gateway.roleName() + " failed to close", ex);
            }
        }
        try
        {
            selector.close();
        }
        catch (final IOException ignore)
        {
            // Closing: nothing left to do with the selector.
        }
    }

    /** Another thread: stop accepting and reading at the next duty cycle (waking the agent if it sleeps). */
    void requestStop()
    {
        stopRequested = true;
        selector.wakeup();
    }

    /** The selector the {@code select} idle strategy blocks in, also woken by the engine stage in COMPACT mode. */
    Selector selector()
    {
        return selector;
    }

    /**
     * True when the agent must poll rather than wait for socket events: frames wait for ring capacity, the ring is
     * full, or the agent is stopping (its selector then has nothing more to report).
     */
    boolean mustPoll()
    {
        return backlogCount > 0 || stopRequested || !publisher.hasCapacity() || gatewaysMustPoll();
    }

    private boolean gatewaysMustPoll()
    {
        for (final GatewayAgent gateway : gateways)
        {
            if (gateway.mustPoll())
            {
                return true;
            }
        }
        return false;
    }

    /**
     * Blocks in the selector, handling ready keys as {@link #doWork()} does, until a key is ready, the selector is
     * woken, or the next Tick or timeout scan is due. Call only when {@link #mustPoll()} is false: a read needs
     * ring capacity.
     */
    void selectUntilTickDue() throws IOException
    {
        final long nowMs = publisher.timestampMs();
        final long tickDueInMs = publisher.lastCommandTimestampMs() + activity.tickIntervalMs(tickIntervalMs) - nowMs;
        // Wake for the timeout scan too: a silent connection must be closed even when nothing else happens.
        final long timeoutMs = Math.min(tickDueInMs, nextTimeoutScanMs - nowMs);
        selector.select(selectedKeyHandler, Math.max(1, timeoutMs));
    }

    /** DEDICATED mode's {@code select} idle strategy: only sockets and the Tick timer bring work to the receiver. */
    @Override
    public void awaitWork()
    {
        if (mustPoll())
        {
            LockSupport.parkNanos(POLL_PARK_NS);
            return;
        }
        try
        {
            selectUntilTickDue();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /** Another thread: true once nothing more will be published to the input ring. */
    boolean hasStoppedReceiving()
    {
        return stoppedReceiving;
    }

    private void stopReceiving() throws IOException
    {
        serverChannel.close();
        stoppedReceiving = true;
    }

    private void onSelectedKey(final SelectionKey key)
    {
        if (!key.isValid())
        {
            return;
        }
        if (key.attachment() instanceof GatewayContext.SelectionHandler)
        {
            selectWorkCount += ((GatewayContext.SelectionHandler)key.attachment()).onSelected(key);
        }
        else if (key.isAcceptable())
        {
            selectWorkCount += admission.acceptConnections();
        }
        else if (key.isReadable() || key.isWritable())
        {
            // Writable only while a TLS handshake waits for room in the socket.
            selectWorkCount += read((Session)key.attachment());
        }
    }

    private int read(final Session session)
    {
        if (session.receiveEnded)
        {
            return 0;
        }
        final ByteBuffer receiveBuffer = session.receiveBuffer;
        int bytesRead = 0;
        if (null != session.tls)
        {
            bytesRead = readTls(session);
        }
        else if (receiveBuffer.hasRemaining())
        {
            try
            {
                bytesRead = session.channel.read(receiveBuffer);
            }
            catch (final IOException ex)
            {
                // A reset connection, not a server fault: end the session like an end of stream.
                bytesRead = -1;
            }
        }
        if (bytesRead < 0)
        {
            closing.endReceive(session);
        }
        else if (bytesRead > 0)
        {
            publisher.stampReceived();
        }
        service(session);
        return bytesRead != 0 ? 1 : 0;
    }

    /**
     * A TLS session's read: the handshake until it completes (checking the client certificate's identity), then
     * decrypted bytes into the receive buffer.
     *
     * @return plaintext bytes read, 0 for none yet, -1 to end the session (peer closed, handshake failed, refused
     * certificate, broken records).
     */
    private int readTls(final Session session)
    {
        final TlsConnection tls = session.tls;
        try
        {
            if (!tls.isEstablished())
            {
                if (!tls.handshake(session.channel))
                {
                    session.selectionKey.interestOps(tls.hasPendingOutput() ?
                        SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
                    return 0;
                }
                session.selectionKey.interestOps(SelectionKey.OP_READ);
                if (!session.bindCertificate())
                {
                    return refuseTls(session, "certificate names no identity this port accepts");
                }
            }
            return session.receiveBuffer.hasRemaining() ? tls.read(session.channel, session.receiveBuffer) : 0;
        }
        catch (final IOException ex)
        {
            return refuseTls(session, ex.toString());
        }
    }

    private int refuseTls(final Session session, final String reason)
    {
        tlsRefusedCount = tlsRefusedCount + 1;
        // DEBUG: anyone can cause these, so they must not flood the log; the count is in the statistics.
        WodianServer.LOG.log(System.Logger.Level.DEBUG, "TLS connection from {0} refused: {1}",
            session.remoteAddress, reason);
        session.receiveBuffer.clear();
        return -1;
    }

    /** Connections closed for a failed TLS handshake, a refused certificate or broken records. */
    long tlsRefusedCount()
    {
        return tlsRefusedCount;
    }

    /**
     * Publishes every complete frame in the session's buffer that the ring has room for, then the session's CLOSE
     * once its input has ended and nothing is left; keeps the session in the backlog while either is pending.
     *
     * @return true when the session still has work pending.
     */
    private boolean service(final Session session)
    {
        final boolean framesPending = decoder.decodeFrames(session);
        boolean closePending = false;
        if (session.receiveEnded && !session.closePublished)
        {
            if (!framesPending && publisher.hasCapacity())
            {
                publisher.publishClose(session.sessionId, session.closeErrorCode);
                session.closePublished = true;
                SessionClosing.logClose(session);
            }
            else
            {
                closePending = true;
            }
        }
        // Decrypted bytes that did not fit the receive buffer: no socket event will announce them again.
        final boolean tlsInputWaiting = null != session.tls && !session.receiveEnded && session.tls.hasBufferedInput();
        final boolean pending = framesPending || closePending || tlsInputWaiting;
        if (pending && !session.inBacklog)
        {
            session.inBacklog = true;
            backlog[backlogCount++] = session;
        }
        return pending;
    }

    /**
     * Closes sessions whose logon or idle timeout has passed (a slowloris client that never completes a frame, a
     * dead peer, a connection that never logs on). Bounded: one
     * pass over the session table every {@link #TIMEOUT_SCAN_INTERVAL_MS}, at most one CLOSE input per session.
     */
    private int scanTimeouts()
    {
        final long nowMs = publisher.timestampMs();
        if (nowMs < nextTimeoutScanMs)
        {
            return 0;
        }
        nextTimeoutScanMs = nowMs + TIMEOUT_SCAN_INTERVAL_MS;
        if (gate.authRequired())
        {
            principals.endRevoked(gate.credentials(), nowMs);
        }
        int workCount = 0;
        for (int i = 0, capacity = sessions.capacity(); i < capacity; i++)
        {
            final Session session = sessions.slot(i);
            if (null == session || !session.inUse || session.receiveEnded || !publisher.hasCapacity())
            {
                continue;
            }
            final ResultCode timeout = gate.expired(session, nowMs);
            if (null != timeout)
            {
                timedOutCount = timedOutCount + 1;
                closing.endOnProtocolViolation(session, timeout);
                service(session);
                workCount++;
            }
        }
        return workCount;
    }

    /** Sessions closed so far for a passed logon or idle timeout. */
    long timedOutCount()
    {
        return timedOutCount;
    }

    SessionGate gate()
    {
        return gate;
    }

    /** Connections closed at accept because every session slot was taken. */
    long refusedFullCount()
    {
        return admission.refusedFullCount();
    }

    /** Connections closed at accept by the per-source limits (security review item 6). */
    long sourceRefusedCount()
    {
        return admission.sourceRefusedCount();
    }

    private int serviceBacklog()
    {
        final int count = backlogCount;
        backlogCount = 0;
        int workCount = 0;
        for (int i = 0; i < count; i++)
        {
            final Session session = backlog[i];
            backlog[i] = null;
            session.inBacklog = false;
            // service() (also through read()) re-adds a pending session at backlogCount, which is never beyond i:
            // the array stays dense.
            if (null != session.tls && !session.receiveEnded && session.tls.hasBufferedInput())
            {
                workCount += read(session);
            }
            else if (!service(session))
            {
                workCount++;
            }
        }
        return workCount;
    }

    private int tickIfDue()
    {
        final long nowMs = publisher.timestampMs();
        if (nowMs - publisher.lastCommandTimestampMs() >= activity.tickIntervalMs(tickIntervalMs) &&
            publisher.hasCapacity())
        {
            publisher.publishTick(nowMs);
            return 1;
        }
        return 0;
    }

    private int drainCloseRequests()
    {
        int workCount = 0;
        // One request publishes at most one input, so check the room before taking each.
        while (workCount < CLOSE_REQUESTS_PER_CYCLE_MAX && publisher.hasCapacity() &&
            closeRequests.read(closeRequestHandler, 1) > 0)
        {
            workCount++;
        }
        return workCount;
    }

    private void onCloseRequest(final int msgTypeId, final DirectBuffer buffer, final int index, final int length)
    {
        final Session session = sessions.get(buffer.getLong(index, BYTE_ORDER));
        if (null == session || session.closePublished)
        {
            // Stale: the session already ended and its slot may serve another connection now.
            return;
        }
        // The sender gave up on this client: its unread input would only produce replies nobody can send.
        session.receiveBuffer.clear();
        closing.endReceive(session);
        service(session);
    }
}
