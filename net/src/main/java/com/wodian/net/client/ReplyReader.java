package com.wodian.net.client;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ByteChannel;

import static com.wodian.net.FrameDescriptor.BYTE_ORDER;
import static com.wodian.net.FrameDescriptor.CORRELATION_ID_LENGTH;
import static com.wodian.net.FrameDescriptor.CORRELATION_ID_OFFSET;
import static com.wodian.net.FrameDescriptor.FRAME_LENGTH_FIELD_LENGTH;
import static com.wodian.net.FrameDescriptor.FRAME_LENGTH_OFFSET;
import static com.wodian.net.FrameDescriptor.MESSAGE_OFFSET;
import static com.wodian.net.FrameDescriptor.REPLY_FRAME_LENGTH_MAX;

/**
 * The reply side of a {@link WodianClient}'s connection: reads reply frames (docs/protocol.md) and hands each to the
 * listener of its request. The server answers a connection's requests in order, so a reply belongs to the oldest
 * in-flight request; any other correlation id is a protocol error, except 0, a notice from the server (such as the
 * ErrorReply of an idle timeout) before it closes. With reconnect, a "not the primary" reply answers nothing: it ends
 * the connection ({@link NotPrimaryException}) and the request stays in flight, to be re-sent at the primary.
 *
 * <p>Receiver thread only: the buffer and the decoders are reused, and only this thread takes requests from the
 * in-flight ring, so each listener hears exactly once. The client keeps the connection and what happens when reading
 * ends (reconnect, or fail).
 */
final class ReplyReader
{
    private static final System.Logger LOG = System.getLogger("com.wodian.net.client");
    private static final int RECEIVE_BUFFER_LENGTH = 64 * 1024;

    private final ByteBuffer receiveBuffer =
        ByteBuffer.allocateDirect(RECEIVE_BUFFER_LENGTH).order(ByteOrder.LITTLE_ENDIAN);
    private final UnsafeBuffer receiveView = new UnsafeBuffer(receiveBuffer);
    private final InFlightRequests inFlight;
    private final NodeCursor nodes;
    private final NotPrimaryReply notPrimaryReply;
    /** Whether the client reconnects (then a "not the primary" reply is a reason to go elsewhere, not an answer). */
    private final boolean retain;

    ReplyReader(final InFlightRequests inFlight, final NodeCursor nodes, final ClientConfig config)
    {
        this.inFlight = inFlight;
        this.nodes = nodes;
        this.notPrimaryReply = new NotPrimaryReply(config.nodes());
        this.retain = config.reconnect();
    }

    /**
     * Reads the replies of one connection, from its first byte, until reading fails: never returns normally.
     *
     * @throws ProtocolException   a frame or a reply the protocol does not allow (fails the client).
     * @throws NotPrimaryException the node is not the primary (with reconnect only).
     * @throws IOException         the connection was closed or broke.
     */
    void readReplies(final ByteChannel channel) throws IOException
    {
        final ByteBuffer receiveBuffer = this.receiveBuffer;
        final UnsafeBuffer view = receiveView;
        receiveBuffer.clear();
        while (true)
        {
            if (channel.read(receiveBuffer) < 0)
            {
                throw new IOException("connection closed by the server");
            }
            final int limit = receiveBuffer.position();
            int offset = 0;
            while (limit - offset >= FRAME_LENGTH_FIELD_LENGTH)
            {
                final int frameLength = view.getInt(offset + FRAME_LENGTH_OFFSET, BYTE_ORDER);
                if (frameLength < CORRELATION_ID_LENGTH || frameLength > REPLY_FRAME_LENGTH_MAX)
                {
                    throw new ProtocolException("protocol error: frame length " + frameLength);
                }
                if (limit - offset < FRAME_LENGTH_FIELD_LENGTH + frameLength)
                {
                    break;
                }
                onReply(view.getLong(offset + CORRELATION_ID_OFFSET, BYTE_ORDER), view, offset + MESSAGE_OFFSET,
                    frameLength - CORRELATION_ID_LENGTH);
                offset += FRAME_LENGTH_FIELD_LENGTH + frameLength;
            }
            receiveBuffer.limit(limit).position(offset);
            receiveBuffer.compact();
        }
    }

    private void onReply(final long correlationId, final DirectBuffer buffer, final int offset, final int length)
        throws IOException
    {
        if (inFlight.isEmpty())
        {
            if (0 == correlationId)
            {
                // The server's last word before it closes (an ErrorReply such as IDLE_TIMEOUT): the read fails next.
                LOG.log(System.Logger.Level.DEBUG, "server notice: {0}", describe(buffer, offset, length));
                return;
            }
            throw new ProtocolException("unsolicited reply, correlation id " + correlationId +
                describe(buffer, offset, length));
        }
        final long expectedCorrelationId = inFlight.oldestCorrelationId();
        if (correlationId != expectedCorrelationId)
        {
            if (0 == correlationId)
            {
                LOG.log(System.Logger.Level.DEBUG, "server notice: {0}", describe(buffer, offset, length));
                return;
            }
            throw new ProtocolException("reply out of order: correlation id " + correlationId + ", expected " +
                expectedCorrelationId + describe(buffer, offset, length));
        }
        if (retain && notPrimaryReply.matches(buffer, offset, length))
        {
            // Not answered: the request stays in flight and is re-sent, with its idempotency key, at the primary.
            throw new NotPrimaryException(nodes.currentName() + " is not the primary" +
                describe(buffer, offset, length), notPrimaryReply.leaderHint(length));
        }
        nodes.onAnswered();
        inFlight.takeOldest().onReply(correlationId, buffer, offset, length);
    }

    private static String describe(final DirectBuffer buffer, final int offset, final int length)
    {
        return ": " + com.wodian.protocol.MessageText.describe(buffer, offset, length);
    }
}
