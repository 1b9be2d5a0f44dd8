package com.wodian.engine;

/**
 * What the state hash does not cover in a loaded {@link RecordTable} (the index, the free list, the finished-key
 * FIFO), checked when a snapshot is loaded (fuzz review finding 4). A stream whose checksum is right but whose content
 * is not (a writer bug, memory damaged before the checksum was taken, a crafted file) is refused with an {@link
 * IllegalStateException} naming the structure, and recovery falls back to the journal, instead of loading and later
 * forgetting a key twice, losing a key or reusing a live record's row. Three sequential passes (the index, the rows'
 * finish times, the FIFO); the FIFO's key hashes read each finished record's key.
 */
final class RecordTableLoadChecks
{
    private RecordTableLoadChecks()
    {
    }

    static void check(final RecordTable table, final long[] index, final int[] freeRecords, final int freeCount,
        final FinishedFifo finished, final int highWater)
    {
        final long[] forgotten = checkFreeList(freeRecords, freeCount, highWater);
        checkIndex(index, forgotten, highWater, highWater - freeCount);
        checkFifo(table, finished, forgotten, highWater);
    }

    /** The free list names distinct records handed out; returns them as a set of bits for the next checks. */
    private static long[] checkFreeList(final int[] freeRecords, final int freeCount, final int highWater)
    {
        final long[] forgotten = new long[(highWater + 63) >>> 6];
        for (int i = 0; i < freeCount; i++)
        {
            final int record = freeRecords[i];
            if (record < 0 || record >= highWater || ForgottenRecordMarks.isMarked(forgotten, record))
            {
                throw new IllegalStateException("snapshot record free list: entry " + i + " names record " + record +
                    " (not handed out, of " + highWater + ", or named twice)");
            }
            forgotten[record >>> 6] |= 1L << record;
        }
        return forgotten;
    }

    /** Every index slot in use names a record handed out and not forgotten, one slot per remembered record. */
    private static void checkIndex(final long[] index, final long[] forgotten, final int highWater,
        final int remembered)
    {
        final long[] indexed = new long[forgotten.length];
        int used = 0;
        for (int slot = 0; slot < index.length; slot++)
        {
            final long entry = index[slot];
            if (entry == 0)
            {
                continue;
            }
            final int record = (int)entry - 1;
            if (record < 0 || record >= highWater || ForgottenRecordMarks.isMarked(forgotten, record) ||
                ForgottenRecordMarks.isMarked(indexed, record))
            {
                throw new IllegalStateException("snapshot record index: slot " + slot + " names record " + record +
                    " (not handed out, of " + highWater + ", forgotten or named twice)");
            }
            indexed[record >>> 6] |= 1L << record;
            used++;
        }
        if (used != remembered)
        {
            throw new IllegalStateException("snapshot record index: " + used + " slots in use for " + remembered +
                " remembered records");
        }
    }

    /**
     * The finished-key FIFO names every finished remembered record once, in finish order, each with its row's finish
     * time and key hash. Marks the records it names in {@code forgotten} (the bits are no longer needed after).
     */
    private static void checkFifo(final RecordTable table, final FinishedFifo finished, final long[] forgotten,
        final int highWater)
    {
        int finishedRecords = 0;
        for (int record = 0; record < highWater; record++)
        {
            if (!ForgottenRecordMarks.isMarked(forgotten, record) &&
                table.get(record, RecordFields.FINISHED_AT_MS) >= 0)
            {
                finishedRecords++;
            }
        }
        if (finishedRecords != finished.size())
        {
            throw new IllegalStateException("snapshot finished-key FIFO: " + finished.size() + " entries for " +
                finishedRecords + " finished records");
        }
        long previousMs = Long.MIN_VALUE;
        for (int i = 0; i < finished.size(); i++)
        {
            final int record = finished.record(i);
            final long atMs = finished.finishedAtMs(i);
            if (record < 0 || record >= highWater || ForgottenRecordMarks.isMarked(forgotten, record))
            {
                throw new IllegalStateException("snapshot finished-key FIFO: entry " + i + " names record " + record +
                    " (not handed out, of " + highWater + ", forgotten or named twice)");
            }
            forgotten[record >>> 6] |= 1L << record;
            if (atMs < 0 || atMs < previousMs || atMs != table.get(record, RecordFields.FINISHED_AT_MS) ||
                finished.hash(i) != RecordTable.hashOf(table.namespace(record),
                    table.get(record, RecordFields.KEY_OWNER_ID), table.get(record, RecordFields.KEY_REQUEST_ID)))
            {
                throw new IllegalStateException("snapshot finished-key FIFO: entry " + i + " (record " + record +
                    ", finished at " + atMs + ") is out of finish order or does not match its record");
            }
            previousMs = atMs;
        }
    }
}
