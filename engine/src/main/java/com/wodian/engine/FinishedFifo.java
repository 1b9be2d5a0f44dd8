package com.wodian.engine;

import com.wodian.engine.table.ArrayPreparer;
import com.wodian.engine.table.Growth;
import com.wodian.engine.table.SnapshotReader;
import com.wodian.engine.table.SnapshotWriter;

/**
 * The finished records of the {@link RecordTable} in finish order, with each one's finish time and key hash beside it,
 * so that forgetting the oldest reads no record row. A ring of a power-of-two length that doubles when full.
 *
 * <p>Growth does not stall the engine: the larger arrays are prepared ahead by {@link ArrayPreparer}, and the entries
 * move to them a few at a time ({@link #step()}, called per insert and per command). While they move, positions below
 * {@code oldBelow} are read from the old arrays. A ring only grows while its head is at position 0 (nothing is
 * forgotten before the key table is full), so the entries form a prefix and keep their positions; a ring that is full
 * with its head elsewhere (the key table full and churning) is copied at once, as before.
 */
final class FinishedFifo
{
    /** Entries moved per step: 512 x 16 bytes. */
    static final int STEP_ENTRIES = 512;

    private int[] records;
    private long[] atMs;
    private int[] hashes;
    private int mask;
    private int head;
    private int size;
    private int[] oldRecords;
    private long[] oldAtMs;
    private int[] oldHashes;
    private int oldBelow;
    private ArrayPreparer.Prepared nextRecords;
    private ArrayPreparer.Prepared nextAtMs;
    private ArrayPreparer.Prepared nextHashes;
    // The ring never holds more (the key table's limit), so it never grows past the power of two that holds these.
    private final int entriesMax;

    FinishedFifo(final int length, final int entriesMax)
    {
        this.entriesMax = entriesMax;
        allocate(length);
    }

    private void allocate(final int length)
    {
        records = new int[length];
        atMs = new long[length];
        hashes = new int[length];
        mask = length - 1;
        head = 0;
    }

    int size()
    {
        return size;
    }

    int length()
    {
        return records.length;
    }

    void add(final int record, final long finishedAtMs, final int hash)
    {
        if (size == records.length)
        {
            grow();
        }
        final int tail = (head + size) & mask;
        records[tail] = record;
        atMs[tail] = finishedAtMs;
        hashes[tail] = hash;
        size++;
        if (size == Growth.prepareAt(records.length) && records.length < entriesMax)
        {
            final int next = records.length << 1;
            nextRecords = ArrayPreparer.ints(next);
            nextAtMs = ArrayPreparer.longs(next);
            nextHashes = ArrayPreparer.ints(next);
        }
        step();
    }

    /** The record {@code ahead} places after the oldest (0: the oldest); the caller checks {@code ahead < size}. */
    int record(final int ahead)
    {
        final int position = (head + ahead) & mask;
        return position < oldBelow ? oldRecords[position] : records[position];
    }

    int hash(final int ahead)
    {
        final int position = (head + ahead) & mask;
        return position < oldBelow ? oldHashes[position] : hashes[position];
    }

    long finishedAtMs(final int ahead)
    {
        final int position = (head + ahead) & mask;
        return position < oldBelow ? oldAtMs[position] : atMs[position];
    }

    void removeOldest()
    {
        head = (head + 1) & mask;
        size--;
    }

    private void grow()
    {
        finishMigration();
        final int length = records.length << 1;
        final int[] grownRecords = ArrayPreparer.takeInts(nextRecords, length);
        final long[] grownAtMs = ArrayPreparer.takeLongs(nextAtMs, length);
        final int[] grownHashes = ArrayPreparer.takeInts(nextHashes, length);
        nextRecords = null;
        nextAtMs = null;
        nextHashes = null;
        if (head == 0)
        {
            oldRecords = records;
            oldAtMs = atMs;
            oldHashes = hashes;
            oldBelow = size;
        }
        else
        {
            for (int i = 0; i < size; i++)
            {
                final int from = (head + i) & mask;
                grownRecords[i] = records[from];
                grownAtMs[i] = atMs[from];
                grownHashes[i] = hashes[from];
            }
            head = 0;
        }
        records = grownRecords;
        atMs = grownAtMs;
        hashes = grownHashes;
        mask = length - 1;
    }

    /**
     * Grows the ring now, in one copy, to the power of two that holds {@code entries} (capped at the key table's
     * limit), with the entries moved to its start in order ({@link RecordTable#reserveFor}).
     */
    void reserveFor(final int entries)
    {
        finishMigration();
        final int wanted = Math.min(entries, entriesMax);
        int length = records.length;
        while (length < wanted)
        {
            length <<= 1;
        }
        if (length == records.length)
        {
            return;
        }
        rotateToStart();
        records = java.util.Arrays.copyOf(records, length);
        atMs = java.util.Arrays.copyOf(atMs, length);
        hashes = java.util.Arrays.copyOf(hashes, length);
        mask = length - 1;
        nextRecords = null;
        nextAtMs = null;
        nextHashes = null;
    }

    /** Moves up to {@link #STEP_ENTRIES} entries of a growth to the new arrays. @return true while some are left. */
    boolean step()
    {
        if (oldBelow == 0)
        {
            return false;
        }
        final int from = Math.max(0, oldBelow - STEP_ENTRIES);
        final int count = oldBelow - from;
        System.arraycopy(oldRecords, from, records, from, count);
        System.arraycopy(oldAtMs, from, atMs, from, count);
        System.arraycopy(oldHashes, from, hashes, from, count);
        oldBelow = from;
        if (from == 0)
        {
            oldRecords = null;
            oldAtMs = null;
            oldHashes = null;
            return false;
        }
        return true;
    }

    boolean moving()
    {
        return oldBelow > 0;
    }

    void finishMigration()
    {
        while (step())
        {
            // bounded: each step moves entries or ends the migration
        }
    }

    /** Writes the entries in order (moving them to the start of the ring first, without allocating). */
    void writeTo(final SnapshotWriter writer)
    {
        finishMigration();
        rotateToStart();
        writer.writeInts(records, size);
        writer.writeLongs(atMs, size);
        writer.writeInts(hashes, size);
    }

    /** Restores {@code count} entries written by {@link #writeTo} into this (fresh) ring. */
    void readFrom(final SnapshotReader reader, final int count)
    {
        finishMigration();
        int length = records.length;
        while (length < count)
        {
            length <<= 1;
        }
        allocate(length);
        size = count;
        reader.readInts(records);
        reader.readLongs(atMs);
        reader.readInts(hashes);
    }

    /** Moves the entries to the start of the ring, in order, without allocating (three reversals). */
    private void rotateToStart()
    {
        final int length = records.length;
        if (head == 0)
        {
            return;
        }
        reverse(0, head - 1);
        reverse(head, length - 1);
        reverse(0, length - 1);
        head = 0;
    }

    private void reverse(final int from, final int to)
    {
        for (int i = from, j = to; i < j; i++, j--)
        {
            final int record = records[i];
            records[i] = records[j];
            records[j] = record;
            final long finishedAtMs = atMs[i];
            atMs[i] = atMs[j];
            atMs[j] = finishedAtMs;
            final int hash = hashes[i];
            hashes[i] = hashes[j];
            hashes[j] = hash;
        }
    }
}
