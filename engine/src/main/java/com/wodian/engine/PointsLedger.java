package com.wodian.engine;

/**
 * Every change of a points balance (earn, redeem, clawback, adjust) as an entry in a preallocated ring. Each entry
 * links to the same consumer's previous entry, so a consumer statement walks back through that consumer's recent
 * history without scanning. The ring keeps the newest {@code capacity} entries of all consumers; older history is in
 * the journal (replay reproduces it). Until the ring first fills it grows with the entries written ({@link Growth}),
 * so positions below the capacity sit at their own index and never need moving.
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

    private long[] rows;
    private final int mask;
    private long nextPosition;

    PointsLedger(final int capacityAtLeast, final boolean reserve)
    {
        final int capacity = Integer.highestOneBit(Math.max(2, capacityAtLeast) * 2 - 1);
        this.rows = new long[Growth.initialRows(capacity, reserve) * STRIDE];
        this.mask = capacity - 1;
    }

    /** @return the position of the new entry. */
    long append(
        final int consumerIndex,
        final int kind,
        final long deltaPoints,
        final long balanceAfter,
        final long sequence,
        final long merchantId,
        final long referenceId,
        final long previousPosition)
    {
        final long position = nextPosition++;
        if (position <= mask)
        {
            rows = Growth.ensureRows(rows, (int)position + 1, STRIDE, mask + 1);
        }
        final int base = (int)(position & mask) * STRIDE;
        rows[base + CONSUMER_INDEX] = consumerIndex;
        rows[base + KIND] = kind;
        rows[base + DELTA_POINTS] = deltaPoints;
        rows[base + BALANCE_AFTER] = balanceAfter;
        rows[base + SEQUENCE] = sequence;
        rows[base + MERCHANT_ID] = merchantId;
        rows[base + REFERENCE_ID] = referenceId;
        rows[base + PREVIOUS_POSITION] = previousPosition;
        return position;
    }

    /** True while the entry at this position has not been overwritten by newer ones. */
    boolean isAvailable(final long position)
    {
        return position >= 0 && position < nextPosition && nextPosition - position <= mask + 1;
    }

    long get(final long position, final int field)
    {
        return rows[(int)(position & mask) * STRIDE + field];
    }

    void writeTo(final SnapshotWriter writer)
    {
        writer.writeLong(nextPosition);
        writer.writeLongs(rows, written() * STRIDE);
    }

    void readFrom(final SnapshotReader reader)
    {
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
        return StateHash.fold(StateHash.foldRows(seed, rows, written(), STRIDE), nextPosition);
    }
}
