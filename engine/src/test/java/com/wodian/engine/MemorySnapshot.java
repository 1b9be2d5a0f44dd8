package com.wodian.engine;

import com.wodian.engine.table.SnapshotReader;
import com.wodian.engine.table.SnapshotWriter;

/**
 * A snapshot stream held in memory, for tests: primitives appended to a growing long array, read back in order.
 */
public final class MemorySnapshot implements SnapshotWriter, SnapshotReader
{
    private long[] values = new long[1 << 16];
    private int writePosition;
    private int readPosition;

    private void append(final long value)
    {
        if (writePosition == values.length)
        {
            values = java.util.Arrays.copyOf(values, values.length * 2);
        }
        values[writePosition++] = value;
    }

    @Override
    public void writeLong(final long value)
    {
        append(value);
    }

    @Override
    public void writeLongs(final long[] source, final int count)
    {
        append(count);
        for (int i = 0; i < count; i++)
        {
            append(source[i]);
        }
    }

    @Override
    public void writeInts(final int[] source, final int count)
    {
        append(count);
        for (int i = 0; i < count; i++)
        {
            append(source[i]);
        }
    }

    @Override
    public long readLong()
    {
        return values[readPosition++];
    }

    /** As the file reader (SnapshotInput.readCount): a count that does not fit the target is refused. */
    private int readCount(final int capacity)
    {
        final long count = readLong();
        if (count < 0 || count > capacity)
        {
            throw new IllegalStateException("snapshot array of " + count + " values does not fit " + capacity);
        }
        return (int)count;
    }

    @Override
    public int readLongs(final long[] target)
    {
        final int count = readCount(target.length);
        for (int i = 0; i < count; i++)
        {
            target[i] = values[readPosition++];
        }
        return count;
    }

    @Override
    public int readInts(final int[] target)
    {
        final int count = readCount(target.length);
        for (int i = 0; i < count; i++)
        {
            target[i] = (int)values[readPosition++];
        }
        return count;
    }

    /** Flips one value in the middle of the stream, as a damaged file would. */
    void corrupt(final int position)
    {
        values[position] ^= 1;
    }

    int size()
    {
        return writePosition;
    }

    /** The values written so far (the array, not a copy). */
    long[] values()
    {
        return values;
    }

    /** Replaces one value of the stream, as a damaged or crafted file would. */
    void set(final int position, final long value)
    {
        values[position] = value;
    }

    /** A stream of the first {@code size} of {@code values}, ready to read. */
    static MemorySnapshot of(final long[] values, final int size)
    {
        final MemorySnapshot snapshot = new MemorySnapshot();
        snapshot.values = java.util.Arrays.copyOf(values, Math.max(size, 1));
        snapshot.writePosition = size;
        return snapshot;
    }
}
