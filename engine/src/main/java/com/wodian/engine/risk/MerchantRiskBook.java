package com.wodian.engine.risk;

import com.wodian.engine.table.Growth;
import com.wodian.engine.table.PackedRing;
import com.wodian.engine.table.SnapshotReader;
import com.wodian.engine.table.SnapshotWriter;
import com.wodian.engine.table.StateHash;

/**
 * Each merchant's sales profile and risk counters, indexed like {@code MerchantBook}: sales in the last hour in four
 * 15-minute buckets, the part of them paid by consumers the merchant brought in (home merchant), a moving average of
 * hourly sales (EWMA, alpha 1/8, sampled every 15 minutes, a plain mean over the first eight samples), and per
 * rule the declines, flags and shadow hits at this merchant.
 */
public final class MerchantRiskBook
{
    static final int LAST_SEEN_MS = 0;
    static final int SALES_FEN = 1;                 // 1..4: newest first
    static final int OWN_SALES_FEN = 5;             // 5..8: newest first
    static final int HOURLY_AVERAGE_FEN = 9;
    /**
     * Periods seen (0..31) and, in the upper half, when an account this merchant brought in was last registered
     * (epoch seconds, 0 none): accounts registered together at one shop (feature 76).
     */
    static final int PERIODS_SEEN = 10;
    private static final long PERIODS_MASK = 0xFFFF_FFFFL;
    private static final int RECRUIT_REGISTERED_SHIFT = 32;
    static final int STATS = 11;                    // (ruleId - 1) * 3 + DECLINED / FLAGGED / SHADOW
    public static final int DECLINED = 0;
    public static final int FLAGGED = 1;
    public static final int SHADOW = 2;
    static final int STRIDE = STATS + RiskRules.RULE_COUNT * 3;

    static final int BUCKETS = 4;
    static final long BUCKET_MS = 900_000;
    /** Catch-up after a long quiet spell is bounded: after this many periods every bucket is empty anyway. */
    private static final int CATCH_UP_PERIODS_MAX = 32;
    /** Periods before the average is trusted (the volume-spike rule waits for them). */
    static final int WARM_UP_PERIODS = 8;

    // Grows with the parties registered, up to the limit (Growth).
    long[] rows;
    private final int capacity;

    MerchantRiskBook(final int capacity)
    {
        this.capacity = capacity;
        rows = new long[Growth.initialRows(capacity) * STRIDE];
    }

    /** Makes room for rows 0..{@code count - 1} (called when a party is registered). */
    void ensure(final int count)
    {
        rows = Growth.ensureRows(rows, count, STRIDE, capacity);
    }

    public void advance(final int index, final long nowMs)
    {
        final int base = index * STRIDE;
        final long last = rows[base + LAST_SEEN_MS];
        // A merchant's first sale starts its clock: periods before it are not quiet periods to average in.
        final long steps = last == 0 ? 0 : Math.min(PackedRing.steps(last, nowMs, BUCKET_MS), CATCH_UP_PERIODS_MAX);
        for (int step = 0; step < steps; step++)
        {
            final long hour = hourSales(index);
            final long periods = rows[base + PERIODS_SEEN] & PERIODS_MASK;
            // A plain mean over the first periods, then EWMA: starting the EWMA from 0 would make every young
            // merchant look like a spike.
            final long difference = hour - rows[base + HOURLY_AVERAGE_FEN];
            rows[base + HOURLY_AVERAGE_FEN] += periods < WARM_UP_PERIODS ? difference / (periods + 1) : difference >> 3;
            rows[base + PERIODS_SEEN] = (rows[base + PERIODS_SEEN] & ~PERIODS_MASK) | (periods + 1);
            for (int bucket = BUCKETS - 1; bucket > 0; bucket--)
            {
                rows[base + SALES_FEN + bucket] = rows[base + SALES_FEN + bucket - 1];
                rows[base + OWN_SALES_FEN + bucket] = rows[base + OWN_SALES_FEN + bucket - 1];
            }
            rows[base + SALES_FEN] = 0;
            rows[base + OWN_SALES_FEN] = 0;
        }
        rows[base + LAST_SEEN_MS] = nowMs;
    }

    /**
     * Loads the lines of the row a payment reads (clock, sales, average; the counters only on a hit); changes nothing.
     */
    long touch(final int index)
    {
        final int base = index * STRIDE;
        return base + PERIODS_SEEN < rows.length ? rows[base] ^ rows[base + PERIODS_SEEN] : 0;
    }

    public long hourSales(final int index)
    {
        final int base = index * STRIDE + SALES_FEN;
        return rows[base] + rows[base + 1] + rows[base + 2] + rows[base + 3];
    }

    long hourOwnSales(final int index)
    {
        final int base = index * STRIDE + OWN_SALES_FEN;
        return rows[base] + rows[base + 1] + rows[base + 2] + rows[base + 3];
    }

    public long hourlyAverage(final int index)
    {
        return rows[index * STRIDE + HOURLY_AVERAGE_FEN];
    }

    long periodsSeen(final int index)
    {
        return rows[index * STRIDE + PERIODS_SEEN] & PERIODS_MASK;
    }

    /**
     * An account this merchant brought in was registered now; returns whether the one before it was registered at
     * most {@code withinSeconds} earlier (and not later: input times may go back after a restore).
     */
    boolean recruitRegistered(final int index, final long nowMs, final long withinSeconds)
    {
        final int at = index * STRIDE + PERIODS_SEEN;
        final long previous = rows[at] >>> RECRUIT_REGISTERED_SHIFT;
        final long now = (nowMs / 1000) & PERIODS_MASK;
        rows[at] = (rows[at] & PERIODS_MASK) | (now << RECRUIT_REGISTERED_SHIFT);
        return previous != 0 && now >= previous && now - previous <= withinSeconds;
    }

    void recordSale(final int index, final long amountFen, final boolean ownConsumer)
    {
        final int base = index * STRIDE;
        rows[base + SALES_FEN] += amountFen;
        if (ownConsumer)
        {
            rows[base + OWN_SALES_FEN] += amountFen;
        }
    }

    void count(final int index, final int ruleId, final int kind)
    {
        rows[index * STRIDE + STATS + (ruleId - 1) * 3 + kind]++;
    }

    public long counter(final int index, final int ruleId, final int kind)
    {
        return rows[index * STRIDE + STATS + (ruleId - 1) * 3 + kind];
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
            throw new IllegalStateException("merchant risk rows do not match the merchant count " + count);
        }
    }

    long hash(final long seed, final int count)
    {
        return StateHash.foldRows(seed, rows, count, STRIDE);
    }
}
