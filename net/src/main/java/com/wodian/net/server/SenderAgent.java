package com.wodian.net.server;

import com.lmax.disruptor.Cursored;
import com.lmax.disruptor.EventPoller;
import com.wodian.net.FrameDescriptor;
import com.wodian.net.gateway.GatewayAgent;
import com.wodian.net.metrics.ServerCounters;
import com.wodian.net.metrics.StageLatency;
import com.wodian.net.tls.TlsConnection;
import com.wodian.protocol.sbe.LogonChallengeDecoder;
import com.wodian.protocol.sbe.MessageHeaderDecoder;
import com.wodian.protocol.sbe.ResultCode;
import org.agrona.CloseHelper;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;

import java.nio.ByteBuffer;
import java.nio.channels.Selector;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static com.wodian.net.FrameDescriptor.BYTE_ORDER;
import static com.wodian.net.FrameDescriptor.CORRELATION_ID_OFFSET;
import static com.wodian.net.FrameDescriptor.FRAME_LENGTH_OFFSET;
import static com.wodian.net.FrameDescriptor.MESSAGE_OFFSET;

/**
 * Sending half of the network: drains the output ring into each session's send buffer as frames, then writes each
 * touched session once per duty cycle, so a burst of replies costs one system call per session, not one per reply.
 *
 * <p>It never blocks and never grows: a socket that does not take its bytes keeps them in the session's fixed send
 * buffer and is retried each cycle; a client that lets the buffer fill is a slow reader and is disconnected (its
 * later replies are dropped). A session's CLOSE output is its last: the sender flushes what is left, for at most the
 * linger period, closes the socket and hands the slot back to the receiver.
 */
final class SenderAgent implements Agent, EventPoller.Handler<OutputEvent>, SelectIdleStrategy.Waiter
{
    static final String ROLE_NAME = "wodian-sender";
    private static final int TERMINAL_ROLE = com.wodian.protocol.sbe.SessionRole.TERMINAL.value();
    private static final int ADMIN_ROLE = com.wodian.protocol.sbe.SessionRole.ADMIN.value();

    /** Replies taken from the ring per duty cycle before writing, so the first ones are not held back for long. */
    private static final int POLL_LIMIT = 256;
    private static final int CLOSE_REQUEST_MSG_TYPE_ID = 1;
    /** A safety net only: the engine stage wakes the sleeping sender whenever it publishes. */
    private static final long IDLE_SELECT_TIMEOUT_MS = 100;
    /**
     * Result codes of risk declines (docs/result-codes.md): the rules' 701-712, the model's 714, the balance-probing
     * limit's 716 and the home-same-set limit's 717.
     */
    private static final int RISK_RULE_DECLINE_CODE_MIN = ResultCode.RISK_CONSUMER_VELOCITY.value();
    private static final int RISK_RULE_DECLINE_CODE_MAX = ResultCode.RISK_TERMINAL_FAILURES.value();
    private static final int RISK_MODEL_DECLINE_CODE = ResultCode.RISK_MODEL_SCORE.value();
    private static final int BALANCE_PROBING_DECLINE_CODE = ResultCode.RISK_BALANCE_PROBING.value();
    private static final int HOME_SAME_SET_DECLINE_CODE = ResultCode.RISK_HOME_SAME_SET.value();

    private final EventPoller<OutputEvent> poller;
    private final Cursored outputCursor;
    private final Selector idleSelector;
    private final SelectorWaker waker;
    private final SessionTable sessions;
    private final OneToOneRingBuffer closeRequests;
    private final NanoClock nanoClock;
    private final long closeLingerNs;
    private final Session[] writeList;
    private final ServerCounters counters;
    private final StageLatency latency;
    private final AtomicCounter replies;
    private final AtomicCounter riskDeclines;
    private final AtomicCounter connectionsClosed;
    /** Received stamps of the replies taken this duty cycle, for the "written" stage after the writes. */
    private final long[] takenReceivedNs = new long[POLL_LIMIT];
    private int takenCount;
    private final UnsafeBuffer closeRequestBuffer = new UnsafeBuffer(new byte[Long.BYTES]);
    /**
     * Replies of gateway sessions go to their gateway, by the index in the session id ({@link ServerGatewayContext}).
     */
    private GatewayAgent[] gateways = new GatewayAgent[0];
    /** Null for none (tests): admin sessions' replies complete their audit records. */
    private AdminAudit audit;
    private int writeCount;
    private int polledCount;
    private long nowNs;
    private long unknownSessionReplyCount;

    /** Written only by this agent, on a rare event; volatile so that other threads may read it as a statistic. */
    private volatile long slowReaderCount;

    /**
     * Sessions with bytes not yet written or a close pending, published for {@link WodianServer#close()} which
     * waits for it to reach zero; a volatile written only when the count changes.
     */
    private volatile int pendingSessionCount;

    /**
     * @param poller       consumer of the output ring.
     * @param outputCursor the output ring's cursor, to check for replies before sleeping.
     * @param idleSelector a selector to sleep in with the {@code select} idle strategy (DEDICATED), else null.
     * @param waker        the engine stage's handle on {@code idleSelector}, else null.
     */
    SenderAgent(
        final EventPoller<OutputEvent> poller,
        final Cursored outputCursor,
        final Selector idleSelector,
        final SelectorWaker waker,
        final SessionTable sessions,
        final OneToOneRingBuffer closeRequests,
        final NanoClock nanoClock,
        final long closeLingerMs,
        final ServerCounters counters,
        final StageLatency latency)
    {
        this.counters = counters;
        this.latency = latency;
        this.replies = counters.scalar(ServerCounters.Scalar.REPLIES);
        this.riskDeclines = counters.scalar(ServerCounters.Scalar.RISK_DECLINES);
        this.connectionsClosed = counters.scalar(ServerCounters.Scalar.CONNECTIONS_CLOSED);
        this.poller = poller;
        this.outputCursor = outputCursor;
        this.idleSelector = idleSelector;
        this.waker = waker;
        this.sessions = sessions;
        this.closeRequests = closeRequests;
        this.nanoClock = nanoClock;
        this.closeLingerNs = TimeUnit.MILLISECONDS.toNanos(closeLingerMs);
        this.writeList = new Session[sessions.capacity()];
    }

    @Override
    public String roleName()
    {
        return ROLE_NAME;
    }

    /** Before the thread starts: where replies to gateway sessions go, indexed as in their session ids. */
    void gateways(final GatewayAgent[] gateways)
    {
        this.gateways = gateways.clone();
    }

    /** Before the thread starts: where admin sessions' results are recorded. */
    void audit(final AdminAudit audit)
    {
        this.audit = audit;
    }

    @Override
    public int doWork() throws Exception
    {
        nowNs = nanoClock.nanoTime();
        polledCount = 0;
        takenCount = 0;
        poller.poll(this);
        int workCount = polledCount;
        if (writeCount > 0)
        {
            workCount += writeSessions();
        }
        if (takenCount > 0)
        {
            recordWritten();
        }
        if (pendingSessionCount != writeCount)
        {
            pendingSessionCount = writeCount;
        }
        return workCount;
    }

    @Override
    public void onClose()
    {
        if (null != idleSelector)
        {
            CloseHelper.quietClose(idleSelector);
        }
        if (unknownSessionReplyCount > 0 || slowReaderCount > 0)
        {
            WodianServer.LOG.log(System.Logger.Level.INFO, "sender: slow readers disconnected {0}, " +
                "replies for unknown sessions {1}", slowReaderCount, unknownSessionReplyCount);
        }
    }

    /** True when unwritten bytes or a lingering close need retrying: no event will announce that a socket drained. */
    boolean mustPoll()
    {
        return writeCount > 0;
    }

    /** True when replies are published that this agent has not taken yet. */
    boolean hasOutput()
    {
        return outputCursor.getCursor() > poller.getSequence().get();
    }

    /** DEDICATED mode's {@code select} idle strategy: sleep in the idle selector until the engine stage wakes it. */
    @Override
    public void awaitWork()
    {
        if (mustPoll())
        {
            LockSupport.parkNanos(ReceiverAgent.POLL_PARK_NS);
            return;
        }
        waker.prepareToSleep();
        try
        {
            if (!hasOutput())
            {
                idleSelector.select(IDLE_SELECT_TIMEOUT_MS);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        finally
        {
            waker.awake();
        }
    }

    /** Another thread: the output ring sequence this agent has taken replies up to. */
    long polledSequence()
    {
        return poller.getSequence().get();
    }

    /** Another thread: clients disconnected as slow readers so far. */
    long slowReaderCount()
    {
        return slowReaderCount;
    }

    /** Another thread: sessions still holding unwritten bytes or waiting to close. */
    int pendingSessionCount()
    {
        return pendingSessionCount;
    }

    @Override
    public boolean onEvent(final OutputEvent event, final long sequence, final boolean endOfBatch)
    {
        polledCount++;
        if (OutputEvent.KIND_REPLY == event.kind)
        {
            onReplyTaken(event);
        }
        if (ServerGatewayContext.isGatewaySession(event.sessionId))
        {
            onGatewayOutput(event);
            return polledCount < POLL_LIMIT;
        }
        final Session session = sessions.get(event.sessionId);
        if (null == session)
        {
            // Cannot happen: CLOSE is a session's last output and the slot is reused only after it. Counted, logged.
            unknownSessionReplyCount++;
            return polledCount < POLL_LIMIT;
        }
        if (ADMIN_ROLE == session.role && null != audit)
        {
            auditOutput(event);
        }

        if (OutputEvent.KIND_CLOSE == event.kind)
        {
            if (!session.sendFailed && event.length > 0)
            {
                appendFrame(session, event);
            }
            session.closeOnceFlushed = true;
            session.closeDeadlineNs = nowNs + closeLingerNs;
        }
        else if (!session.sendFailed)
        {
            appendFrame(session, event);
        }
        addToWriteList(session);
        return polledCount < POLL_LIMIT;
    }

    /**
     * A payment or redemption the risk control declined; not the operator's refusals in the same range (713 a full
     * override table, 715 a model that did not load), which are no declines.
     */
    static boolean isRiskDecline(final int code)
    {
        return (code >= RISK_RULE_DECLINE_CODE_MIN && code <= RISK_RULE_DECLINE_CODE_MAX) ||
            code == RISK_MODEL_DECLINE_CODE || code == BALANCE_PROBING_DECLINE_CODE ||
            code == HOME_SAME_SET_DECLINE_CODE;
    }

    /** An admin session's reply completes its audit record; its close ends the records left without one. */
    private void auditOutput(final OutputEvent event)
    {
        if (event.length > 0)
        {
            audit.onReply(event.sessionId, event.correlationId, event.buffer, event.length);
        }
        if (OutputEvent.KIND_CLOSE == event.kind)
        {
            audit.onSessionEnded(event.sessionId);
        }
    }

    /** Counts the reply by result code and records the stages up to now from the input's stamps. */
    private void onReplyTaken(final OutputEvent event)
    {
        replies.incrementRelease();
        if (event.length >= MessageHeaderDecoder.ENCODED_LENGTH + Short.BYTES &&
            LogonChallengeDecoder.TEMPLATE_ID != (event.buffer.getShort(2, BYTE_ORDER) & 0xFFFF))
        {
            final int code = event.buffer.getShort(MessageHeaderDecoder.ENCODED_LENGTH, BYTE_ORDER) & 0xFFFF;
            counters.onReply(code);
            if (isRiskDecline(code))
            {
                riskDeclines.incrementRelease();
            }
        }
        final long receivedNs = event.receivedNs;
        if (0 == receivedNs)
        {
            return;
        }
        latency.record(StageLatency.Stage.RECEIVED_TO_TAKEN, nowNs - receivedNs);
        if (0 != event.durableNs)
        {
            latency.record(StageLatency.Stage.RECEIVED_TO_DURABLE, event.durableNs - receivedNs);
            latency.record(StageLatency.Stage.DURABLE_TO_TAKEN, nowNs - event.durableNs);
        }
        if (takenCount < takenReceivedNs.length)
        {
            takenReceivedNs[takenCount++] = receivedNs;
        }
    }

    private void recordWritten()
    {
        final long writtenNs = nanoClock.nanoTime();
        for (int i = 0; i < takenCount; i++)
        {
            latency.record(StageLatency.Stage.TAKEN_TO_WRITTEN, writtenNs - nowNs);
            latency.record(StageLatency.Stage.RECEIVED_TO_WRITTEN, writtenNs - takenReceivedNs[i]);
        }
        takenCount = 0;
    }

    private void onGatewayOutput(final OutputEvent event)
    {
        final int index = ServerGatewayContext.gatewayIndex(event.sessionId);
        if (index >= gateways.length)
        {
            unknownSessionReplyCount++;
            return;
        }
        if (OutputEvent.KIND_CLOSE == event.kind)
        {
            gateways[index].onSessionClosed(event.sessionId, event.buffer, 0, event.length);
        }
        else
        {
            gateways[index].onReply(event.sessionId, event.correlationId, event.buffer, 0, event.length);
        }
    }

    private void appendFrame(final Session session, final OutputEvent event)
    {
        final ByteBuffer sendBuffer = session.sendBuffer;
        final int frameBytes = MESSAGE_OFFSET + event.length;
        if (sendBuffer.remaining() < frameBytes)
        {
            // Try to make room before judging the client: a burst may simply be bigger than one buffer.
            write(session);
            if (session.sendFailed)
            {
                return;
            }
            if (sendBuffer.remaining() < frameBytes)
            {
                slowReaderCount = slowReaderCount + 1;
                failSend(session);
                return;
            }
        }
        final UnsafeBuffer view = session.sendView;
        final int position = sendBuffer.position();
        view.putInt(position + FRAME_LENGTH_OFFSET, FrameDescriptor.frameLength(event.length), BYTE_ORDER);
        view.putLong(position + CORRELATION_ID_OFFSET, event.correlationId, BYTE_ORDER);
        view.putBytes(position + MESSAGE_OFFSET, event.buffer, 0, event.length);
        // The role was set at logon, before the session's first input was published: the ring orders it before us.
        if (TERMINAL_ROLE == session.role)
        {
            TerminalReplyMask.apply(view, position + MESSAGE_OFFSET, event.length);
        }
        sendBuffer.position(position + frameBytes);
    }

    private void write(final Session session)
    {
        final ByteBuffer sendBuffer = session.sendBuffer;
        final TlsConnection tls = session.tls;
        if (null != tls && !tls.isEstablished())
        {
            // The receiver ended the session before its handshake completed: nothing can be sent to this peer.
            sendBuffer.clear();
            return;
        }
        if (0 == sendBuffer.position() && (null == tls || !tls.hasPendingOutput()))
        {
            return;
        }
        sendBuffer.flip();
        try
        {
            if (null == tls)
            {
                session.channel.write(sendBuffer);
            }
            else
            {
                tls.write(session.channel, sendBuffer);
            }
            sendBuffer.compact();
        }
        catch (final IOException ex)
        {
            // The peer reset or closed: not a server fault, end the session.
            failSend(session);
        }
    }

    /** Gives up on the client: drop what is buffered and what comes later, and ask the receiver to end it. */
    private void failSend(final Session session)
    {
        session.sendFailed = true;
        session.sendBuffer.clear();
        requestClose(session);
    }

    private void requestClose(final Session session)
    {
        if (session.closeRequested || session.closeOnceFlushed)
        {
            // Already asked, or the receiver already ended the session (its CLOSE is here).
            return;
        }
        closeRequestBuffer.putLong(0, session.sessionId, BYTE_ORDER);
        // A full queue is retried from the write list; the session stays there until the request is made.
        session.closeRequested = closeRequests.write(CLOSE_REQUEST_MSG_TYPE_ID, closeRequestBuffer, 0, Long.BYTES);
    }

    private void addToWriteList(final Session session)
    {
        if (!session.inWriteList)
        {
            session.inWriteList = true;
            writeList[writeCount++] = session;
        }
    }

    private int writeSessions()
    {
        int workCount = 0;
        int keptCount = 0;
        for (int i = 0, count = writeCount; i < count; i++)
        {
            final Session session = writeList[i];
            writeList[i] = null;
            if (!session.sendFailed)
            {
                write(session);
                workCount++;
            }

            final boolean empty = 0 == session.sendBuffer.position() &&
                (null == session.tls || !session.tls.hasPendingOutput());
            if (session.closeOnceFlushed)
            {
                if (empty || session.sendFailed || nowNs - session.closeDeadlineNs >= 0)
                {
                    closeSession(session);
                    continue;
                }
            }
            else if (session.sendFailed)
            {
                requestClose(session);
                if (session.closeRequested)
                {
                    // Its CLOSE output will bring it back here.
                    session.inWriteList = false;
                    continue;
                }
            }
            else if (empty)
            {
                session.inWriteList = false;
                continue;
            }
            writeList[keptCount++] = session;
        }
        writeCount = keptCount;
        return workCount;
    }

    private void closeSession(final Session session)
    {
        connectionsClosed.incrementRelease();
        try
        {
            session.channel.close();
        }
        catch (final IOException ignore)
        {
            // The socket is being discarded either way.
        }
        if (null != session.tls)
        {
            session.tls.release();
        }
        session.releaseOnSender();
    }
}
