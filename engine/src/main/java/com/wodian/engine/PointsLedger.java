package com.wodian.engine;

import com.wodian.engine.table.ArrayPreparer;
import com.wodian.engine.table.Growth;
import com.wodian.engine.table.SnapshotReader;
import com.wodian.engine.table.SnapshotWriter;
import com.wodian.engine.table.StateHash;

/**
 * Every change of a points balance (earn, redeem, clawback, adjust) as an entry in a preallocated ring. Each entry
 * links to the same consumer's previous entry, so a consumer statement walks back through that consumer's recent
 * history without scanning. The ring keeps the newest {@code capacity} entries of all consumers; older history is in
 * the journal (replay reproduces it). Until the ring first fills it grows with the entries written ({@link Growth}),
 * so positions below the capacity sit at their own index and never need moving.
 *
 * <p>A growth does not stall the engine thread (as in {@link RowBook}): the larger array is allocated ahead of need
 * ({@link ArrayPreparer}), and the entries move to it {@link #STEP_LONGS} longs per append and per command
 * ({@link #step()}); until they have, entries below {@code oldEntriesBelow} are read and written in the old array.
 */
final class PointsLedger
{
    static final int STRIDE = 8;
    static final int CONSUMER_INDEX = 0;
    static final int KIND = 1;
    static final int DELTA_POINTS = 2;
    static final int BALANCE_AFTER = 3;
    static final int SEQUENCE = 4;
    static final int MERCHANT_ID = 5;
    static final int REFERENCE_ID = 6;
    static final int PREVIOUS_POSITION = 7;

    /** Longs of entries moved per step (8 KiB). */
    static final int STEP_LONGS = 1024;

    private long[] rows;
    // While the entries move to a larger array after a growth: entries below oldEntriesBelow are still in oldRows.
    private long[] oldRows;
    private int oldEntriesBelow;
    private ArrayPreparer.Prepared nextRows;
    private final int mask;
    private long nextPosition;

    PointsLedger(final int capacityAtLeast, final boolean reserve)
    {
        final int capacity = Integer.highestOneBit(Math.max(2, capacityAtLeast) * 2 - 1);
        this.rows = new long[Growth.initialRows(capacity, reserve) * STRIDE];
        this.mask = capacity - 1;
    }

    /** The ledger's, with its key, beside the consumer's points balance. @return the position of the new entry. */
    long append(
        final Ledger.Key key,
        final int consumerIndex,
        final int kind,
        final long deltaPoints,
        final long balanceAfter,
        final long sequence,
        final long merchantId,
        final long referenceId,
        final long previousPosition)
    {
        Ledger.Key.check(key);
        final long position = nextPosition++;
        if (position <= mask)
        {
            growIfFull((int)position);
        }
        final int entry = (int)(position & mask);
        final long[] rows = rowsOf(entry);
        final int base = entry * STRIDE;
        rows[base + CONSUMER_INDEX] = consumerIndex;
        rows[base + KIND] = kind;
        rows[base + DELTA_POINTS] = deltaPoints;
        rows[base + BALANCE_AFTER] = balanceAfter;
        rows[base + SEQUENCE] = sequence;
        rows[base + MERCHANT_ID] = merchantId;
        rows[base + REFERENCE_ID] = referenceId;
        rows[base + PREVIOUS_POSITION] = previousPosition;
        step();
        return position;
    }

    /** Makes room for the entry at {@code position} (below the capacity), asking for the next array at 5/8 full. */
    private void growIfFull(final int position)
    {
        final int entriesHeld = rows.length / STRIDE;
        if (position >= entriesHeld)
        {
            finishMoving();
            oldRows = rows;
            oldEntriesBelow = entriesHeld;
            rows = ArrayPreparer.takeLongs(nextRows, Growth.grownLength(entriesHeld, position + 1, mask + 1) * STRIDE);
            nextRows = null;
        }
        else if (position + 1 == Growth.prepareAt(entriesHeld) && entriesHeld <= mask)
        {
            nextRows = ArrayPreparer.longs(Growth.grownLength(entriesHeld, entriesHeld + 1, mask + 1) * STRIDE);
        }
    }

    /** The array that holds entry {@code entry} (the old one while it has not moved yet after a growth). */
    private long[] rowsOf(final int entry)
    {
        return entry < oldEntriesBelow ? oldRows : rows;
    }

    /** Moves a bounded part of a growth's entries; per append and per command. @return true while some are left. */
    boolean step()
    {
        if (oldEntriesBelow == 0)
        {
            return false;
        }
        final int from = Math.max(0, oldEntriesBelow - STEP_LONGS / STRIDE);
        System.arraycopy(oldRows, from * STRIDE, rows, from * STRIDE, (oldEntriesBelow - from) * STRIDE);
        oldEntriesBelow = from;
        if (from == 0)
        {
            oldRows = null;
        }
        return from > 0;
    }

    /** Whether a growth's entries are still moving. */
    boolean moving()
    {
        return oldEntriesBelow > 0;
    }

    private void finishMoving()
    {
        while (step())
        {
            // bounded: each step moves entries or ends the moving
        }
    }

    /** True while the entry at this position has not been overwritten by newer ones. */
    boolean isAvailable(final long position)
    {
        return position >= 0 && position < nextPosition && nextPosition - position <= mask + 1;
    }

    long get(final long position, final int field)
    {
        final int entry = (int)(position & mask);
        return rowsOf(entry)[entry * STRIDE + field];
    }

    void writeTo(final SnapshotWriter writer)
    {
        finishMoving();
        writer.writeLong(nextPosition);
        writer.writeLongs(rows, written() * STRIDE);
    }

    void readFrom(final SnapshotReader reader)
    {
        finishMoving();
        nextRows = null;
        nextPosition = reader.readLong();
        if (nextPosition < 0)
        {
            throw new IllegalStateException("snapshot points ledger position " + nextPosition);
        }
        rows = Growth.ensureRows(rows, written(), STRIDE, mask + 1);
        reader.readLongs(rows);
    }

    /** Entries in the ring: all written so far until it first fills. */
    private int written()
    {
        return (int)Math.min(nextPosition, mask + 1L);
    }

    long hash(final long seed)
    {
        if (oldEntriesBelow == 0)
        {
            return StateHash.fold(StateHash.foldRows(seed, rows, written(), STRIDE), nextPosition);
        }
        // As foldRows over the one array the entries will be in once moved (those below split are still in the old).
        final int end = written() * STRIDE;
        return StateHash.fold(StateHash.foldRange(StateHash.fold(seed, written()), oldRows, rows, 0,
            Math.min(end, oldEntriesBelow * STRIDE), end), nextPosition);
    }
}
