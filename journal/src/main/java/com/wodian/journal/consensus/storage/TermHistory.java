package com.wodian.journal.consensus.storage;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * The term of every journal entry without storing a term in every entry: the list of (term, first index) pairs,
 * one per term that wrote entries, in index order. {@code termAt(i)} is the term of the last pair whose first index
 * is at or below {@code i}. Kafka keeps its leader epochs the same way.
 *
 * <p>It changes only when a leader starts a term (its first entry, the no-op) and when an uncommitted suffix is cut
 * off, so each change rewrites the whole file atomically (temporary file, fsync, rename, fsync directory) before
 * returning. Layout (little endian): count int32 @0, then count × (term int64, firstIndex int64), then CRC32C int32
 * of everything before it.
 */
public final class TermHistory
{
    private final Path file;
    private long[] terms = new long[16];
    private long[] firstIndexes = new long[16];
    private int count;

    /**
     * @throws IllegalStateException if the file exists but is damaged.
     */
    public TermHistory(final Path file)
    {
        this.file = file;
        if (Files.exists(file))
        {
            read();
        }
    }

    /**
     * @return term of the entry at {@code index}; 0 for index 0 or below the first recorded term.
     */
    public long termAt(final long index)
    {
        // Binary search for the last pair with firstIndex <= index; terms are few, but this is on the replication
        // path for every AppendEntries.
        int low = 0;
        int high = count - 1;
        int found = -1;
        while (low <= high)
        {
            final int middle = (low + high) >>> 1;
            if (firstIndexes[middle] <= index)
            {
                found = middle;
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }
        return index <= 0 || found < 0 ? 0 : terms[found];
    }

    public long lastTerm()
    {
        return count == 0 ? 0 : terms[count - 1];
    }

    public int size()
    {
        return count;
    }

    /**
     * Record that entries from {@code firstIndex} on belong to {@code term}. Called before the first entry of a term
     * is appended.
     */
    public void beginTerm(final long term, final long firstIndex)
    {
        if (count > 0 && (term <= terms[count - 1] || firstIndex <= firstIndexes[count - 1]))
        {
            throw new IllegalStateException("term " + term + " at " + firstIndex + " does not follow term " +
                terms[count - 1] + " at " + firstIndexes[count - 1]);
        }
        if (count == terms.length)
        {
            terms = Arrays.copyOf(terms, count * 2);
            firstIndexes = Arrays.copyOf(firstIndexes, count * 2);
        }
        terms[count] = term;
        firstIndexes[count] = firstIndex;
        count++;
        write();
    }

    /**
     * Forget the terms of entries from {@code index} on: they were cut off the log.
     */
    public void truncateFrom(final long index)
    {
        int keep = count;
        while (keep > 0 && firstIndexes[keep - 1] >= index)
        {
            keep--;
        }
        if (keep != count)
        {
            count = keep;
            write();
        }
    }

    /**
     * Replace the whole history with one pair: entries from {@code firstIndex} on belong to {@code term} (a log that
     * starts after a snapshot at {@code firstIndex}, whose term is {@code term}; earlier indexes are not in the log).
     */
    public void resetTo(final long term, final long firstIndex)
    {
        if (count == 1 && terms[0] == term && firstIndexes[0] == firstIndex)
        {
            return;
        }
        terms[0] = term;
        firstIndexes[0] = firstIndex;
        count = 1;
        write();
    }

    private void write()
    {
        final ByteBuffer buffer = ChecksummedFile.allocate(4 + count * 16 + ChecksummedFile.CHECKSUM_LENGTH);
        buffer.putInt(0, count);
        for (int i = 0; i < count; i++)
        {
            buffer.putLong(4 + i * 16, terms[i]).putLong(12 + i * 16, firstIndexes[i]);
        }
        ChecksummedFile.replace(file, buffer);
    }

    private void read()
    {
        final ByteBuffer buffer = ChecksummedFile.read(file, "term history", "",
            bytes -> bytes.getInt(0) >= 0 && bytes.limit() == 4 + bytes.getInt(0) * 16L + 4);
        final int stored = buffer.getInt(0);
        terms = new long[Math.max(16, stored * 2)];
        firstIndexes = new long[terms.length];
        for (int i = 0; i < stored; i++)
        {
            terms[i] = buffer.getLong(4 + i * 16);
            firstIndexes[i] = buffer.getLong(12 + i * 16);
        }
        count = stored;
    }
}
