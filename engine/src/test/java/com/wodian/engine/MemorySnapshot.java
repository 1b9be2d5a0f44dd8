package com.wodian.engine;

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

    @Override
    public int readLongs(final long[] target)
    {
        final int count = (int)readLong();
        for (int i = 0; i < count; i++)
        {
            target[i] = values[readPosition++];
        }
        return count;
    }

    @Override
    public int readInts(final int[] target)
    {
        final int count = (int)readLong();
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
}
