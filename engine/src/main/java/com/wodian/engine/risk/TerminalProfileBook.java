package com.wodian.engine.risk;

import com.wodian.engine.table.PackedRing;
import com.wodian.engine.table.SnapshotReader;
import com.wodian.engine.table.SnapshotWriter;
import com.wodian.engine.table.StateHash;

/**
 * What the scoring model knows of a terminal beyond {@link TerminalRiskBook}'s minute windows, three longs per
 * terminal: distinct consumers in the last 10..20 minutes (two 32-bit hashed sets, this period's in bits 0..31), the
 * share of its payments that were a consumer's first at this terminal (EWMA, alpha 1/16, x1024), and its amounts on
 * a log scale ({@link AmountStats}), so that amounts far below its usual stand out; and the shares of its payments by
 * young accounts (under two days) and by consumers from another area than the shop's (EWMA, alpha 1/16, x1024).
 * The five longs are the last five of the terminal's risk line, after {@link TerminalRiskBook}'s three (one line per
 * terminal for both: see there); written and hashed as a table of their own.
 */
final class TerminalProfileBook
{
    static final int STRIDE = 5;
    static final long PERIOD_MS = 600_000;
    private static final int LAST_MS = 0;
    private static final int CONSUMERS = 1;
    private static final int NEW_PAIR_SHARE = 2;
    private static final int AMOUNT = 3;
    /** young-account share (0..15), other-area share (16..31), scored at or above the flag score (32..47). */
    private static final int SHARES = 4;

    /** The terminals' risk lines ({@link TerminalRiskBook} grows them: read {@code lines.rows} afresh each time). */
    private final TerminalRiskBook lines;

    TerminalProfileBook(final TerminalRiskBook lines)
    {
        this.lines = lines;
    }

    /** Where terminal {@code index}'s row starts in its line. */
    private static int base(final int index)
    {
        return TerminalRiskBook.line(index) + TerminalRiskBook.STRIDE;
    }

    void advance(final int index, final long nowMs)
    {
        final long[] rows = lines.rows;
        final int base = base(index);
        final long steps = PackedRing.steps(rows[base + LAST_MS], nowMs, PERIOD_MS);
        if (steps > 0)
        {
            rows[base + CONSUMERS] = PackedRing.advance(rows[base + CONSUMERS], steps, 32, 2);
        }
        rows[base + LAST_MS] = nowMs;
    }

    static long consumerBit(final int consumerIndex)
    {
        return 1L << ((consumerIndex * 0x9E3779B9) >>> 27);
    }

    /** Distinct consumers (bits set: a lower bound), counting {@code consumerIndex} as seen now. */
    long distinctConsumersWith(final int index, final int consumerIndex)
    {
        final long sets = lines.rows[base(index) + CONSUMERS];
        return Long.bitCount((sets | (sets >>> 32) | consumerBit(consumerIndex)) & 0xFFFF_FFFFL);
    }

    long newPairShare(final int index)
    {
        return lines.rows[base(index) + NEW_PAIR_SHARE];
    }

    long amount(final int index)
    {
        return lines.rows[base(index) + AMOUNT];
    }

    long youngShare(final int index)
    {
        return lines.rows[base(index) + SHARES] & 0xFFFF;
    }

    long foreignShare(final int index)
    {
        return (lines.rows[base(index) + SHARES] >>> 16) & 0xFFFF;
    }

    long suspiciousShare(final int index)
    {
        return (lines.rows[base(index) + SHARES] >>> 32) & 0xFFFF;
    }

    /** Every scored payment: was it at or above the active model's flag score (EWMA, alpha 1/16)? */
    void recordSuspicion(final int index, final boolean suspicious)
    {
        final long[] rows = lines.rows;
        final int at = base(index) + SHARES;
        rows[at] = MerchantProfileBook.ewma(rows[at], 32, suspicious, 4);
    }

    void recordPayment(final int index, final int consumerIndex, final boolean firstTimePair, final long log16,
        final boolean young, final boolean foreign)
    {
        final long[] rows = lines.rows;
        final int base = base(index);
        final long shares = rows[base + SHARES];
        final long youngShare = shares & 0xFFFF;
        final long foreignShare = (shares >>> 16) & 0xFFFF;
        rows[base + SHARES] = (shares & ~0xFFFF_FFFFL) | (youngShare + (((young ? 1024 : 0) - youngShare) >> 4)) |
            ((foreignShare + (((foreign ? 1024 : 0) - foreignShare) >> 4)) << 16);
        rows[base + CONSUMERS] |= consumerBit(consumerIndex);
        final long share = rows[base + NEW_PAIR_SHARE];
        rows[base + NEW_PAIR_SHARE] = share + (((firstTimePair ? 1024 : 0) - share) >> 4);
        rows[base + AMOUNT] = AmountStats.add(rows[base + AMOUNT], log16);
    }

    void writeTo(final SnapshotWriter writer, final int count)
    {
        TerminalRiskBook.writeFields(writer, lines.rows, count, TerminalRiskBook.STRIDE, STRIDE);
    }

    /** After {@link TerminalRiskBook#readFrom}, which made room for the lines. */
    void readFrom(final SnapshotReader reader, final int count)
    {
        TerminalRiskBook.readFields(reader, lines.rows, count, TerminalRiskBook.STRIDE, STRIDE,
            "terminal profile rows");
    }

    long hash(final long seed, final int count)
    {
        return StateHash.foldRowFields(seed, lines.rows, TerminalRiskBook.PAD, count, TerminalRiskBook.LINE_LONGS,
            TerminalRiskBook.STRIDE, STRIDE);
    }
}
