package com.wodian.engine.risk;

import com.wodian.engine.table.SnapshotReader;
import com.wodian.engine.table.SnapshotWriter;
import com.wodian.engine.table.StateHash;

/**
 * Consumer–terminal pairs that ever had an approved payment, as a one-hash bit set of fixed size: "first time at
 * this terminal" is a clear bit. A set bit may belong to another pair (the answer errs towards "seen before", never
 * towards "new"). Sized at 16 bits per slot of the pair table (riskPairsMax, at least 2^12 bits): 2 MB for the
 * default 2^20, where a million pairs make about 6% of new pairs read as seen. Bits are never cleared.
 */
final class SeenPairs
{
    private final int bitsLog2;
    private final long[] words;

    SeenPairs(final int pairsMax)
    {
        bitsLog2 = Math.max(12, 64 - Long.numberOfLeadingZeros(Math.max(1L, (long)pairsMax * 16 - 1)));
        words = new long[1 << (bitsLog2 - 6)];
    }

    private int bit(final int consumerIndex, final int terminalIndex)
    {
        final long key = ((long)consumerIndex << 32) | (terminalIndex & 0xFFFF_FFFFL);
        return (int)(StateHash.fmix(key) >>> (64 - bitsLog2));
    }

    boolean seen(final int consumerIndex, final int terminalIndex)
    {
        final int bit = bit(consumerIndex, terminalIndex);
        return (words[bit >>> 6] & (1L << bit)) != 0;
    }

    /**
     * Loads the pair's word and returns it, for a caller that only wants the line loaded: no test of the bit, so no
     * branch on a value that is still on its way from memory. Changes nothing.
     */
    long touch(final int consumerIndex, final int terminalIndex)
    {
        return words[bit(consumerIndex, terminalIndex) >>> 6];
    }

    void add(final int consumerIndex, final int terminalIndex)
    {
        final int bit = bit(consumerIndex, terminalIndex);
        words[bit >>> 6] |= 1L << bit;
    }

    /** The non-empty words with their positions, so the snapshot follows the pairs seen, not the set's size. */
    void writeTo(final SnapshotWriter writer)
    {
        SparseWords.write(writer, words);
    }

    void readFrom(final SnapshotReader reader)
    {
        SparseWords.read(reader, words, "seen-pairs");
    }

    /** Folds the non-empty words with their positions: a sparse set hashes quickly. */
    long hash(final long seed)
    {
        return SparseWords.fold(StateHash.fold(seed, words.length), words);
    }
}
