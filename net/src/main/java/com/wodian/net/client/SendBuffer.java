package com.wodian.net.client;

import com.wodian.net.FrameDescriptor;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ByteChannel;

import static com.wodian.net.FrameDescriptor.BYTE_ORDER;
import static com.wodian.net.FrameDescriptor.CORRELATION_ID_OFFSET;
import static com.wodian.net.FrameDescriptor.FRAME_LENGTH_OFFSET;
import static com.wodian.net.FrameDescriptor.MESSAGE_OFFSET;

/**
 * The request frames a {@link WodianClient} sends (docs/protocol.md: length, correlation id, message) and how far the
 * current connection has been written. Positions are stream positions: bytes framed since the client started.
 * Without reconnect, written bytes are dropped at once; with reconnect they stay until their replies arrive
 * ({@link #dropAnsweredBefore}), so that a new connection can be written again from the first unanswered request.
 *
 * <p>Guarded by the client's send lock.
 */
final class SendBuffer
{
    private final boolean retain;
    private final ByteBuffer buffer;
    private final ByteBuffer writeView;
    private final UnsafeBuffer view;
    /** Stream position of index 0. */
    private long base;
    /** Stream position up to which the current connection has been written. */
    private long writtenPosition;

    SendBuffer(final int capacity, final boolean retain)
    {
        this.retain = retain;
        this.buffer = ByteBuffer.allocateDirect(capacity).order(ByteOrder.LITTLE_ENDIAN);
        this.writeView = buffer.duplicate();
        this.view = new UnsafeBuffer(buffer);
    }

    /** Bytes free for frames. */
    int remaining()
    {
        return buffer.remaining();
    }

    /**
     * Frames a message, which must fit ({@link #remaining()}).
     *
     * @return the stream position of the frame's end.
     */
    long append(final long correlationId, final DirectBuffer message, final int offset, final int length)
    {
        final int position = buffer.position();
        final int frameBytes = MESSAGE_OFFSET + length;
        view.putInt(position + FRAME_LENGTH_OFFSET, FrameDescriptor.frameLength(length), BYTE_ORDER);
        view.putLong(position + CORRELATION_ID_OFFSET, correlationId, BYTE_ORDER);
        view.putBytes(position + MESSAGE_OFFSET, message, offset, length);
        buffer.position(position + frameBytes);
        return base + position + frameBytes;
    }

    /** With reconnect: frees the room of the frames answered, those ending at or before ackedPosition. */
    void dropAnsweredBefore(final long ackedPosition)
    {
        final int position = buffer.position();
        final int answeredBytes = (int)Math.min(ackedPosition - base, position);
        if (answeredBytes > 0)
        {
            view.putBytes(0, view, answeredBytes, position - answeredBytes);
            buffer.position(position - answeredBytes);
            base += answeredBytes;
        }
    }

    /** Whether frames wait to be written to the current connection. */
    boolean hasUnwritten()
    {
        return writtenPosition - base != buffer.position();
    }

    /** Writes every frame the current connection has not had yet, blocking until the channel took them. */
    void writeTo(final ByteChannel channel) throws IOException
    {
        final int to = buffer.position();
        writeView.limit(to).position((int)(writtenPosition - base));
        while (writeView.hasRemaining())
        {
            channel.write(writeView);
        }
        writtenPosition = base + to;
        if (!retain)
        {
            buffer.clear();
            base = writtenPosition;
        }
    }

    /** A new connection: it is written from stream position (the first unanswered request) on. */
    void rewriteFrom(final long position)
    {
        writtenPosition = position;
    }

    /** The client failed: nothing more will be written. */
    void discard()
    {
        buffer.clear();
    }
}
