package com.wodian.engine.risk;

import com.wodian.engine.Growth;
import com.wodian.engine.PackedRing;
import com.wodian.engine.SnapshotReader;
import com.wodian.engine.SnapshotWriter;
import com.wodian.engine.StateHash;
import com.wodian.engine.TerminalBook;

/**
 * Each terminal's velocity and refusals in the last minute, one 24-byte row of three longs indexed like
 * {@link TerminalBook}.
 *
 * <pre>
 *   long  bits      content
 *   0     0..63     last time the row was advanced (input time, ms)
 *   1     0..59     payment attempts that reached the risk check, 6 buckets x 10 s x 10 bits
 *   2     0..59     payments refused for other reasons than risk (funds, vouchers, blocks), 6 x 10 s x 10 bits
 * </pre>
 */
final class TerminalRiskBook
{
    static final int STRIDE = 3;
    static final int LAST_SEEN_MS = 0;
    static final int PAYMENTS = 1;
    static final int FAILURES = 2;
    static final long BUCKET_MS = 10_000;

    // Grows with the parties registered, up to the limit (Growth).
    long[] rows;
    private final int capacity;

    TerminalRiskBook(final int capacity)
    {
        this.capacity = capacity;
        rows = new long[Growth.initialRows(capacity) * STRIDE];
    }

    /** Makes room for rows 0..{@code count - 1} (called when a party is registered). */
    void ensure(final int count)
    {
        rows = Growth.ensureRows(rows, count, STRIDE, capacity);
    }

    void advance(final int index, final long nowMs)
    {
        final int base = index * STRIDE;
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
        return PackedRing.sum(rows[index * STRIDE + PAYMENTS], 10, 6);
    }

    long minuteFailures(final int index)
    {
        return PackedRing.sum(rows[index * STRIDE + FAILURES], 10, 6);
    }

    void recordAttempt(final int index)
    {
        rows[index * STRIDE + PAYMENTS] = PackedRing.addCurrent(rows[index * STRIDE + PAYMENTS], 1, 10);
    }

    void recordFailure(final int index)
    {
        rows[index * STRIDE + FAILURES] = PackedRing.addCurrent(rows[index * STRIDE + FAILURES], 1, 10);
    }

    void writeTo(final SnapshotWriter writer, final int count)
    {
        writer.writeLongs(rows, count * STRIDE);
    }

    void readFrom(final SnapshotReader reader, final int count)
    {
        ensure(count);
        if (reader.readLongs(rows) != count * STRIDE)
        {
            throw new IllegalStateException("terminal risk rows do not match the terminal count " + count);
        }
    }

    long hash(final long seed, final int count)
    {
        return StateHash.foldRows(seed, rows, count, STRIDE);
    }
}
