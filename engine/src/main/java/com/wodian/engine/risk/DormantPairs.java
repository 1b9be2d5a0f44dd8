package com.wodian.engine.risk;

import com.wodian.engine.table.SnapshotReader;
import com.wodian.engine.table.SnapshotWriter;
import com.wodian.engine.table.StateHash;

/**
 * A ring signal that holds however many shops a ring spans (feature 75,
 * {@link RiskFeatures#RECIPROCAL_DORMANT_PAIRS}): per (home shop, shop), how many <em>dormant</em> accounts of the
 * home shop (at least {@link #DORMANT_AGE_HOURS} old at their payment, no point held before their first payment:
 * {@link RiskFeatures#CONSUMER_START_POINTS_LOG16} 0) paid at the shop for the first time. The feature reads the
 * reverse direction: the dormant accounts of the shop being paid that paid at the payer's home shop. An alliance
 * cluster's kept accounts pay at each other's shops, so every shop of the cluster sends dormant accounts to every
 * other one and receives them back, whether the cluster has three shops or seven; honest dormant accounts (old
 * accounts of people who shop rarely) go back less often along the same road. Measured on TRAINING seeds 28-33
 * (docs/history/risk-sessions.md, "Model v17"): single-feature AUC among dormant payers 0.754 in the TRAINING shape,
 * 0.758 with the HELD_OUT circular-flow knobs.
 *
 * <p>A counter holds a count (bits 0..7, saturating at 255) and the week it was last written (bits 8..15, the input
 * time's week modulo 256), halving per week since (lazily), as in {@link HomeRoutes}. One hash, no key: a shared
 * counter reads higher, never lower. Sized at one counter per two slots of the pair table (riskPairsMax / 2, at
 * least 2^12): 1 MB for the default 2^20.
 */
final class DormantPairs
{
    /** An account at least this old (30 days) at its payment that never held a point before paying is dormant. */
    static final long DORMANT_AGE_HOURS = 30 * 24;
    static final int COUNT_CAP = 255;
    private final int countersLog2;
    private final long[] words;

    DormantPairs(final int pairsMax)
    {
        countersLog2 = Math.max(12, 64 - Long.numberOfLeadingZeros(Math.max(1L, (long)pairsMax / 2 - 1)));
        words = new long[1 << (countersLog2 - 2)];
    }

    static boolean dormant(final long ageHours, final long startPointsLog16)
    {
        return ageHours >= DORMANT_AGE_HOURS && startPointsLog16 == 0;
    }

    private int counter(final int home, final int merchant)
    {
        final long key = StateHash.fmix(((long)home << 32) | (merchant & 0xFFFF_FFFFL)) + 0x2545F4914F6CDD1DL;
        return (int)(StateHash.fmix(key) >>> (64 - countersLog2));
    }

    private static long week(final long nowMs)
    {
        return (nowMs / HomeRoutes.WEEK_MS) & 0xFF;
    }

    private static long decayed(final long value, final long nowMs)
    {
        final long age = (week(nowMs) - (value >>> 8)) & 0xFF;
        return age >= 8 ? 0 : (value & 0xFF) >>> age;
    }

    /**
     * The dormant accounts of {@code merchant} (as a home shop) that paid at {@code home} for the first time, now;
     * -1 when the payer has no home shop or pays at it.
     */
    long reciprocal(final int home, final int merchant, final long nowMs)
    {
        if (home < 0 || home == merchant)
        {
            return -1;
        }
        final int counter = counter(merchant, home);
        return decayed((words[counter >>> 2] >>> ((counter & 3) << 4)) & 0xFFFF, nowMs);
    }

    /** Loads the word {@link #reciprocal} reads; changes nothing. */
    long touch(final int home, final int merchant)
    {
        return home < 0 || home == merchant ? 0 : words[counter(merchant, home) >>> 2];
    }

    /** A dormant account of {@code home} paid at {@code merchant} for the first time (approved). */
    void addFirstPayment(final int home, final int merchant, final long nowMs)
    {
        if (home < 0 || home == merchant)
        {
            return;
        }
        final int counter = counter(home, merchant);
        final int shift = (counter & 3) << 4;
        final int at = counter >>> 2;
        final long count = Math.min(COUNT_CAP, decayed((words[at] >>> shift) & 0xFFFF, nowMs) + 1);
        words[at] = (words[at] & ~(0xFFFFL << shift)) | ((week(nowMs) << 8 | count) << shift);
    }

    /** The non-empty words with their positions, so the snapshot follows the pairs seen, not the table's size. */
    void writeTo(final SnapshotWriter writer)
    {
        writer.writeLong(words.length);
        SparseWords.write(writer, words);
    }

    void readFrom(final SnapshotReader reader)
    {
        final long length = reader.readLong();
        if (length != words.length)
        {
            throw new IllegalStateException("dormant-pairs table of " + length + " words in the snapshot, " +
                words.length + " configured (riskPairsMax differs)");
        }
        SparseWords.read(reader, words, "dormant-pairs");
    }

    /** Folds the non-empty words with their positions. */
    long hash(final long seed)
    {
        return SparseWords.fold(StateHash.fold(seed, words.length), words);
    }
}
