package com.wodian.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.util.zip.CRC32C;

/**
 * The payload of a snapshot being written: a stream of primitives, buffered, checksummed as it goes. Arrays are
 * written as their count (int64) followed by the values (int64 or int32 each), in
 * {@link SnapshotDescriptor#BYTE_ORDER}.
 * The store knows nothing of what the values mean.
 */
public final class SnapshotOutput
{
    private static final int BUFFER_LENGTH = 1 << 20;

    private final FileChannel channel;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER_LENGTH).order(SnapshotDescriptor.BYTE_ORDER);
    private final CRC32C crc = new CRC32C();
    private long length;

    SnapshotOutput(final FileChannel channel)
    {
        this.channel = channel;
    }

    public void writeLong(final long value)
    {
        ensure(Long.BYTES);
        buffer.putLong(value);
    }

    /** Writes {@code count} and then the first {@code count} values. */
    public void writeLongs(final long[] values, final int count)
    {
        writeLong(count);
        writeValues(values, 0, count);
    }

    /** Writes {@code count} values from {@code values[offset]} on, without a count (the caller framed them). */
    public void writeValues(final long[] values, final int offset, final int count)
    {
        int done = 0;
        while (done < count)
        {
            ensure(Long.BYTES);
            final int chunk = Math.min(count - done, buffer.remaining() / Long.BYTES);
            buffer.asLongBuffer().put(values, offset + done, chunk);
            buffer.position(buffer.position() + chunk * Long.BYTES);
            done += chunk;
        }
    }

    /** Writes {@code count} (as an int64) and then the first {@code count} values. */
    public void writeInts(final int[] values, final int count)
    {
        writeLong(count);
        int done = 0;
        while (done < count)
        {
            ensure(Integer.BYTES);
            final int chunk = Math.min(count - done, buffer.remaining() / Integer.BYTES);
            buffer.asIntBuffer().put(values, done, chunk);
            buffer.position(buffer.position() + chunk * Integer.BYTES);
            done += chunk;
        }
    }

    /** Writes raw bytes (no count). */
    public void writeBytes(final byte[] bytes, final int offset, final int count)
    {
        int done = 0;
        while (done < count)
        {
            ensure(1);
            final int chunk = Math.min(count - done, buffer.remaining());
            buffer.put(bytes, offset + done, chunk);
            done += chunk;
        }
    }

    /**
     * @return payload bytes written so far.
     */
    public long length()
    {
        return length + buffer.position();
    }

    void flush()
    {
        buffer.flip();
        length += buffer.remaining();
        crc.update(buffer.duplicate());
        try
        {
            while (buffer.hasRemaining())
            {
                channel.write(buffer);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write snapshot", ex);
        }
        buffer.clear();
    }

    int checksum()
    {
        return (int)crc.getValue();
    }

    private void ensure(final int bytes)
    {
        if (buffer.remaining() < bytes)
        {
            flush();
        }
    }
}
