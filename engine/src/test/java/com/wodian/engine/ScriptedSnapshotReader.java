package com.wodian.engine;

import com.wodian.engine.table.SnapshotReader;

/**
 * A snapshot reader for bounds tests: returns the given longs, then zeros; each counted array consumes one long as
 * its count and is left as it is (so every counted array reads as empty).
 */
public final class ScriptedSnapshotReader implements SnapshotReader
{
    private final long[] values;
    private int next;

    public ScriptedSnapshotReader(final long... values)
    {
        this.values = values;
    }

    @Override
    public long readLong()
    {
        return next < values.length ? values[next++] : 0;
    }

    @Override
    public int readLongs(final long[] into)
    {
        return (int)readLong();
    }

    @Override
    public int readInts(final int[] into)
    {
        return (int)readLong();
    }
}
