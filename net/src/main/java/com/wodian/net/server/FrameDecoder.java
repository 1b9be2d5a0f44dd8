package com.wodian.net.server;

import com.wodian.protocol.CommandCatalog;
import com.wodian.protocol.sbe.ResultCode;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

import static com.wodian.net.FrameDescriptor.BYTE_ORDER;
import static com.wodian.net.FrameDescriptor.CORRELATION_ID_LENGTH;
import static com.wodian.net.FrameDescriptor.CORRELATION_ID_OFFSET;
import static com.wodian.net.FrameDescriptor.FRAME_LENGTH_FIELD_LENGTH;
import static com.wodian.net.FrameDescriptor.MESSAGE_OFFSET;
import static com.wodian.net.FrameDescriptor.REQUEST_FRAME_LENGTH_MAX;

/**
 * Cuts a session's received bytes into frames, checks each message with {@link CommandCatalog#checkInbound}, lets
 * the {@link SessionGate} answer or authorize it, and publishes what passes to the input ring. A refused message
 * becomes a REJECT input (an ErrorReply in order with the session's other replies); a broken frame length ends the
 * session. Network thread only; allocates nothing (an admin's command, recorded by the {@link AdminAudit}, aside).
 */
final class FrameDecoder
{
    private final InputPublisher publisher;
    private final SessionGate gate;
    private final SessionClosing closing;
    /** Null for none (tests). */
    private AdminAudit audit;

    FrameDecoder(final InputPublisher publisher, final SessionGate gate, final SessionClosing closing)
    {
        this.publisher = publisher;
        this.gate = gate;
        this.closing = closing;
    }

    /** Before the thread starts: where an admin session's commands are recorded. */
    void audit(final AdminAudit audit)
    {
        this.audit = audit;
    }

    /**
     * Cuts and publishes frames. A frame length outside [8, {@code REQUEST_FRAME_LENGTH_MAX}] means the stream can
     * no longer be framed: the session ends with an ErrorReply (correlation id 0).
     *
     * @return true when a complete frame is left because the ring is full.
     */
    boolean decodeFrames(final Session session)
    {
        final ByteBuffer receiveBuffer = session.receiveBuffer;
        final UnsafeBuffer view = session.receiveView;
        final int limit = receiveBuffer.position();
        final long nowMs = publisher.timestampMs();
        int offset = 0;
        boolean framesPending = false;

        while (limit - offset >= FRAME_LENGTH_FIELD_LENGTH)
        {
            final int frameLength = view.getInt(offset, BYTE_ORDER);
            if (frameLength < CORRELATION_ID_LENGTH || frameLength > REQUEST_FRAME_LENGTH_MAX)
            {
                // A negative length is an unsigned length beyond 2 GiB: too large as well.
                closing.endOnProtocolViolation(session, frameLength >= 0 && frameLength < CORRELATION_ID_LENGTH ?
                    ResultCode.MALFORMED_MESSAGE : ResultCode.FRAME_TOO_LARGE);
                return false;
            }
            if (limit - offset < FRAME_LENGTH_FIELD_LENGTH + frameLength)
            {
                break;
            }
            if (!publisher.hasCapacity())
            {
                framesPending = true;
                break;
            }
            final int frameOffset = offset;
            offset += FRAME_LENGTH_FIELD_LENGTH + frameLength;
            if (!onFrame(session, view, frameOffset, frameLength, nowMs))
            {
                return false;
            }
        }

        if (offset > 0)
        {
            // Move the partial frame (if any) to the front; at most one frame of bytes, and only when some were used.
            receiveBuffer.limit(limit).position(offset);
            receiveBuffer.compact();
        }
        return framesPending;
    }

    /**
     * One complete frame, with room in the ring for one input.
     *
     * @return false when the frame ended the session (its later bytes are discarded).
     */
    private boolean onFrame(
        final Session session, final UnsafeBuffer view, final int frameOffset, final int frameLength, final long nowMs)
    {
        final long sessionId = session.sessionId;
        final long correlationId = view.getLong(frameOffset + CORRELATION_ID_OFFSET, BYTE_ORDER);
        final int messageOffset = frameOffset + MESSAGE_OFFSET;
        final int messageLength = frameLength - CORRELATION_ID_LENGTH;
        final ResultCode code = CommandCatalog.checkInbound(view, messageOffset, messageLength);
        if (ResultCode.OK == code)
        {
            if (null != audit)
            {
                audit.onCommand(session, correlationId, view, messageOffset, messageLength, nowMs);
            }
            final boolean forward = gate.onMessage(session, correlationId, view, messageOffset, messageLength, nowMs);
            if (session.countedUnauthenticated)
            {
                closing.releaseIfAuthenticated(session);
            }
            if (forward)
            {
                publisher.publishMessage(sessionId, correlationId, view, messageOffset, messageLength);
            }
            else if (gate.endsSession)
            {
                closing.endAfterReply(session);
                return false;
            }
            return true;
        }
        session.rejectedFrameCount++;
        session.lastFrameAtMs = nowMs;
        publisher.publishReject(sessionId, correlationId, code, templateIdOrZero(view, messageOffset, messageLength));
        if (SessionGate.AUTH_DONE != session.authState)
        {
            // Before logon a client gets one answer to a broken frame, not a conversation.
            closing.endAfterReply(session);
            return false;
        }
        return true;
    }

    private static int templateIdOrZero(final DirectBuffer buffer, final int offset, final int length)
    {
        return length >= CommandCatalog.HEADER_LENGTH ? CommandCatalog.templateId(buffer, offset) : 0;
    }
}
