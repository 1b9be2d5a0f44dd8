package com.wodian.engine.risk;

import com.wodian.engine.table.SnapshotReader;
import com.wodian.engine.table.SnapshotWriter;
import com.wodian.engine.table.StateHash;

/**
 * The snapshot and state-hash form shared by the risk tables that are fixed arrays of mostly empty words
 * ({@link SeenPairs}, {@link HomeRoutes}, {@link HomeCohorts}' pair words, {@link DormantPairs}): only the non-empty
 * words, each with its position, so a snapshot and a hash follow what was seen, not the table's size.
 */
final class SparseWords
{
    private SparseWords()
    {
    }

    /** Writes the count of non-empty words, then each as (position, word). */
    static void write(final SnapshotWriter writer, final long[] words)
    {
        int nonEmpty = 0;
        for (final long word : words)
        {
            nonEmpty += word != 0 ? 1 : 0;
        }
        writer.writeLong(nonEmpty);
        for (int i = 0; i < words.length; i++)
        {
            if (words[i] != 0)
            {
                writer.writeLong(i);
                writer.writeLong(words[i]);
            }
        }
    }

    /**
     * Reads what {@link #write} wrote into {@code words}, every other word empty.
     *
     * @param table names the table in the error for a position outside it (a damaged or foreign snapshot).
     */
    static void read(final SnapshotReader reader, final long[] words, final String table)
    {
        java.util.Arrays.fill(words, 0);
        final long nonEmpty = reader.readLong();
        for (long i = 0; i < nonEmpty; i++)
        {
            final long position = reader.readLong();
            if (position < 0 || position >= words.length)
            {
                throw new IllegalStateException(table + " word " + position + " outside the table");
            }
            words[(int)position] = reader.readLong();
        }
    }

    /** Folds each non-empty word with its position into {@code hash}. */
    static long fold(final long hash, final long[] words)
    {
        long folded = hash;
        for (int i = 0; i < words.length; i++)
        {
            if (words[i] != 0)
            {
                folded = StateHash.fold(StateHash.fold(folded, i), words[i]);
            }
        }
        return folded;
    }
}
