package com.wodian.engine;

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
}
