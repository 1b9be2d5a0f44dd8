package com.wodian.engine;

/**
 * A bit per record handed out by a {@link RecordTable}, set for those forgotten (waiting to be reused) while a full
 * pass runs (the state hash, invariant sums): the records remembered are the others, so the pass walks the pool in
 * order (sequential lines) instead of following the index's slots to rows in random order. The bits are cleared again
 * after the pass; the array grows with the pool and is kept, so a pass allocates nothing once it has grown.
 */
final class ForgottenRecordMarks
{
    private long[] marks = new long[0];

    /** Sets the bits of {@code freeRecords[0..freeCount)} in a set of at least {@code highWater} bits, returned. */
    long[] mark(final int highWater, final int[] freeRecords, final int freeCount)
    {
        final int words = (highWater + 63) >>> 6;
        if (marks.length < words)
        {
            marks = new long[words];
        }
        for (int i = 0; i < freeCount; i++)
        {
            marks[freeRecords[i] >>> 6] |= 1L << freeRecords[i];
        }
        return marks;
    }

    /** Clears what {@link #mark} set for the same free records. */
    void unmark(final int[] freeRecords, final int freeCount)
    {
        for (int i = 0; i < freeCount; i++)
        {
            marks[freeRecords[i] >>> 6] = 0;
        }
    }

    static boolean isMarked(final long[] marks, final int record)
    {
        return (marks[record >>> 6] & (1L << record)) != 0;
    }
}
