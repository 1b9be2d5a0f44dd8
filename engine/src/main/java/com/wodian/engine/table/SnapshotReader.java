package com.wodian.engine.table;

/**
 * Reads back, in the same order, what a {@link SnapshotWriter} was given.
 */
public interface SnapshotReader
{
    long readLong();

    /** Reads a count and that many values into the array. @return the count. */
    int readLongs(long[] values);

    /** Reads a count and that many values into the array. @return the count. */
    int readInts(int[] values);

    /** Reads {@code count} values into {@code values[offset]} on, without a count (the writer framed them). */
    default void readValues(final long[] values, final int offset, final int count)
    {
        for (int i = 0; i < count; i++)
        {
            values[offset + i] = readLong();
        }
    }
}
