package com.wodian.engine.risk;

import com.wodian.engine.table.Growth;
import com.wodian.engine.table.PackedRing;
import com.wodian.engine.table.SnapshotReader;
import com.wodian.engine.table.SnapshotWriter;
import com.wodian.engine.table.StateHash;

/**
 * Each terminal's velocity and refusals in the last minute, three longs indexed like {@code TerminalBook}. They are
 * the first three longs of the terminal's 64-byte risk line, whose other five are {@link TerminalProfileBook}'s: a
 * scored payment reads and updates both, so they share one line (aligned to a cache line when the array starts a
 * heap region, as a large one does) instead of two arrays' two or three partly used lines. Each book writes and hashes
 * its own longs as it did in an array of its own, so the snapshot and the state hash are unchanged.
 *
 * <pre>
 *   long  bits      content
 *   0     0..63     last time the row was advanced (input time, ms)
 *   1     0..59     payment attempts that reached the risk check, 6 buckets x 10 s x 10 bits
 *   2     0..59     payments refused for other reasons than risk (funds, vouchers, blocks), 6 x 10 s x 10 bits
 *   3..7            TerminalProfileBook's row
 * </pre>
 */
final class TerminalRiskBook
{
    /** This book's longs of a terminal's line. */
    static final int STRIDE = 3;
    /** Longs of a terminal's risk line: this book's, then {@link TerminalProfileBook#STRIDE}. */
    static final int LINE_LONGS = 8;
    /**
     * Longs before line 0: a long[]'s elements start 16 bytes into it and a large array (over half a G1 region)
     * starts on a region boundary, so 6 longs put every line on a 64-byte boundary.
     */
    static final int PAD = 6;
    static final int LAST_SEEN_MS = 0;
    static final int PAYMENTS = 1;
    static final int FAILURES = 2;
    static final long BUCKET_MS = 10_000;

    // The terminals' risk lines. Grows with the parties registered, up to the limit (Growth).
    long[] rows;
    private final int capacity;

    TerminalRiskBook(final int capacity)
    {
        this.capacity = capacity;
        rows = new long[PAD + Growth.initialRows(capacity) * LINE_LONGS];
    }

    /** Where terminal {@code index}'s line starts in {@link #rows}. */
    static int line(final int index)
    {
        return PAD + index * LINE_LONGS;
    }

    /** Makes room for the lines of terminals 0..{@code count - 1} (called when a party is registered). */
    void ensure(final int count)
    {
        rows = Growth.ensureRows(rows, PAD, count, LINE_LONGS, capacity);
    }

    /** Writes {@code count} terminals' {@code stride} longs at {@code offset} of their lines, as one table. */
    static void writeFields(final SnapshotWriter writer, final long[] rows, final int count, final int offset,
        final int stride)
    {
        writer.writeLong((long)count * stride);
        for (int index = 0; index < count; index++)
        {
            writer.writeValues(rows, line(index) + offset, stride);
        }
    }

    /** Reads what {@link #writeFields} wrote (a table of {@code count} rows of {@code stride} longs). */
    static void readFields(final SnapshotReader reader, final long[] rows, final int count, final int offset,
        final int stride, final String what)
    {
        if (reader.readLong() != (long)count * stride)
        {
            throw new IllegalStateException(what + " do not match the terminal count " + count);
        }
        for (int index = 0; index < count; index++)
        {
            reader.readValues(rows, line(index) + offset, stride);
        }
    }

    void advance(final int index, final long nowMs)
    {
        final int base = line(index);
        final long steps = PackedRing.steps(rows[base + LAST_SEEN_MS], nowMs, BUCKET_MS);
        if (steps > 0)
        {
            rows[base + PAYMENTS] = PackedRing.advance(rows[base + PAYMENTS], steps, 10, 6);
            rows[base + FAILURES] = PackedRing.advance(rows[base + FAILURES], steps, 10, 6);
        }
        rows[base + LAST_SEEN_MS] = nowMs;
    }

    long minuteCount(final int index)
    {
        return PackedRing.sum(rows[line(index) + PAYMENTS], 10, 6);
    }

    long minuteFailures(final int index)
    {
        return PackedRing.sum(rows[line(index) + FAILURES], 10, 6);
    }

    void recordAttempt(final int index)
    {
        rows[line(index) + PAYMENTS] = PackedRing.addCurrent(rows[line(index) + PAYMENTS], 1, 10);
    }

    void recordFailure(final int index)
    {
        rows[line(index) + FAILURES] = PackedRing.addCurrent(rows[line(index) + FAILURES], 1, 10);
    }

    void writeTo(final SnapshotWriter writer, final int count)
    {
        writeFields(writer, rows, count, 0, STRIDE);
    }

    void readFrom(final SnapshotReader reader, final int count)
    {
        ensure(count);
        readFields(reader, rows, count, 0, STRIDE, "terminal risk rows");
    }

    long hash(final long seed, final int count)
    {
        return StateHash.foldRowFields(seed, rows, PAD, count, LINE_LONGS, 0, STRIDE);
    }
}
