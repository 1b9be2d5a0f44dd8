package com.wodian.engine.table;

/**
 * Where {@code Engine.writeSnapshot(SnapshotWriter)} puts the engine's state: a stream of primitives. The engine knows
 * nothing of files; a caller frames, checksums and stores the stream (see docs/rules.md, "Snapshots").
 */
public interface SnapshotWriter
{
    void writeLong(long value);

    /** Writes {@code count} and then the first {@code count} values of the array. */
    void writeLongs(long[] values, int count);

    /** Writes {@code count} and then the first {@code count} values of the array. */
    void writeInts(int[] values, int count);

    /** Writes {@code count} values from {@code values[offset]} on, without a count (the caller frames them). */
    default void writeValues(final long[] values, final int offset, final int count)
    {
        for (int i = 0; i < count; i++)
        {
            writeLong(values[offset + i]);
        }
    }
}
