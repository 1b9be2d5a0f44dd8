package com.wodian.journal;

import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;

/**
 * Reads back, in the same order, the primitives a {@link SnapshotOutput} was given. The store has verified the
 * payload checksum before handing it out, so a read past the end or a count larger than the target array means the
 * reader does not match the writer (a bug or another format), and throws.
 */
public final class SnapshotInput
{
    private static final int BUFFER_LENGTH = 1 << 20;

    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_LENGTH).order(SnapshotDescriptor.BYTE_ORDER);
    private long remaining;

    SnapshotInput(final FileChannel channel, final long payloadLength)
    {
        this.channel = channel;
        this.remaining = payloadLength;
        buffer.limit(0);
    }

    public long readLong()
    {
        ensure(Long.BYTES);
        return buffer.getLong();
    }

    /** Reads a count and that many values into the array. @return the count. */
    public int readLongs(final long[] values)
    {
        final int count = readCount(values.length);
        readValues(values, 0, count);
        return count;
    }

    /** Reads {@code count} values into {@code values[offset]} on, without a count (the caller framed them). */
    public void readValues(final long[] values, final int offset, final int count)
    {
        int done = 0;
        while (done < count)
        {
            ensure(Long.BYTES);
            final int chunk = Math.min(count - done, buffer.remaining() / Long.BYTES);
            buffer.asLongBuffer().get(values, offset + done, chunk);
            buffer.position(buffer.position() + chunk * Long.BYTES);
            done += chunk;
        }
    }

    /** Reads a count and that many values into the array. @return the count. */
    public int readInts(final int[] values)
    {
        final int count = readCount(values.length);
        int done = 0;
        while (done < count)
        {
            ensure(Integer.BYTES);
            final int chunk = Math.min(count - done, buffer.remaining() / Integer.BYTES);
            buffer.asIntBuffer().get(values, done, chunk);
            buffer.position(buffer.position() + chunk * Integer.BYTES);
            done += chunk;
        }
        return count;
    }

    /** Reads exactly {@code count} raw bytes. */
    public void readBytes(final byte[] bytes, final int offset, final int count)
    {
        int done = 0;
        while (done < count)
        {
            ensure(1);
            final int chunk = Math.min(count - done, buffer.remaining());
            buffer.get(bytes, offset + done, chunk);
            done += chunk;
        }
    }

    /**
     * @return payload bytes not read yet.
     */
    public long remaining()
    {
        return remaining + buffer.remaining();
    }

    private int readCount(final int capacity)
    {
        final long count = readLong();
        if (count < 0 || count > capacity)
        {
            throw new IllegalStateException("snapshot array of " + count + " values does not fit " + capacity);
        }
        return (int)count;
    }

    private void ensure(final int bytes)
    {
        if (buffer.remaining() >= bytes)
        {
            return;
        }
        buffer.compact();
        try
        {
            while (buffer.position() < bytes)
            {
                if (remaining <= 0)
                {
                    throw new UncheckedIOException(new EOFException("snapshot payload ended early"));
                }
                final int limit = (int)Math.min(buffer.remaining(), remaining);
                final ByteBuffer slice = buffer.duplicate();
                slice.limit(buffer.position() + limit);
                final int read = channel.read(slice);
                if (read < 0)
                {
                    throw new EOFException("snapshot file ended early");
                }
                buffer.position(buffer.position() + read);
                remaining -= read;
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read snapshot", ex);
        }
        buffer.flip();
    }
}
