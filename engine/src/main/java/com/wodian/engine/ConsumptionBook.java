package com.wodian.engine;

import com.wodian.engine.table.ArrayPreparer;
import com.wodian.engine.table.ConsumerBook;
import com.wodian.engine.table.Growth;
import com.wodian.engine.table.IdIndex;
import com.wodian.engine.table.SnapshotReader;
import com.wodian.engine.table.SnapshotWriter;
import com.wodian.engine.table.StateHash;

/**
 * Each consumer's spend at each merchant since that merchant's last pool distribution: one entry per
 * (consumer, merchant) pair, linked into a per-merchant list that a distribution walks in slices.
 *
 * <p>A distribution closes a period: it takes the open amounts as its basis while payments go on. An entry carries the
 * epoch (distribution count) of its open amount; the first change after a distribution started moves the open amount
 * to {@code FROZEN_FEN} for that distribution, so late payments count towards the next period, not this one.
 *
 * <p>Finding a pair: each consumer's record ends in a line of up to {@link ConsumerBook#PAIR_SLOTS} of its pairs
 * (filled in the order the pairs were made; after a restore, rebuilt in merchant order, so a consumer with more pairs
 * may hold another 8 of them), which the sale's consumer lookup brings next to the consumer's money line; only a
 * consumer with more pairs than that has the others found in the pair map, which holds only the pairs that do not fit
 * in their consumer's line (since 2026-12-06: a sale that makes one of a consumer's first 8 pairs then writes no random
 * line of a map as large as the pairs; docs/engine.md, "Layout, session 44"). A line fills in order and is never
 * emptied, so each pair is in exactly one of the two, and a map that does not hold it means "no such pair" only once
 * the line is full. The line and the map are an index (not hashed, not in a snapshot: rebuilt on restore).
 */
final class ConsumptionBook
{
    static final int STRIDE = 8;
    static final int CONSUMER_INDEX = 0;
    static final int OPEN_FEN = 1;
    static final int FROZEN_FEN = 2;
    static final int EPOCH = 3;
    static final int NEXT_ENTRY = 4;               // next entry of the same merchant, -1 at the end
    static final int SHARE_FLOOR_FEN = 5;          // distribution scratch: floor of the pro-rata share
    static final int SHARE_REMAINDER = 6;          // distribution scratch: remainder of the pro-rata division

    /** Entries moved per step after a growth (8 KiB). */
    static final int STEP_ENTRIES = 128;

    // Rows and the pair map grow with the pairs tracked, the per-merchant lists with the merchants (Growth). The rows
    // and the map grow in steps, as RowBook's: entries below oldRowsBelow are still in oldRows (rowsOf).
    private final IdIndex entryByPair;
    private final ConsumerBook consumers;
    private long[] rows;
    private long[] oldRows;
    private int oldRowsBelow;
    private ArrayPreparer.Prepared nextRows;
    private int[] headByMerchant;
    private int[] countByMerchant;
    private final int capacity;
    private final int merchantsMax;
    private int count;

    ConsumptionBook(final int capacity, final int merchantsMax, final ConsumerBook consumers, final boolean reserve)
    {
        this.consumers = consumers;
        this.capacity = capacity;
        this.merchantsMax = merchantsMax;
        this.entryByPair = new IdIndex(Growth.initialRows(capacity, reserve), capacity);
        this.rows = new long[Growth.initialRows(capacity, reserve) * STRIDE];
        this.headByMerchant = new int[0];
        this.countByMerchant = new int[0];
    }

    private long[] rowsOf(final int entry)
    {
        return entry < oldRowsBelow ? oldRows : rows;
    }

    private static final long HIGH_32 = 0xFFFF_FFFF_0000_0000L;

    private static long pairKey(final int consumerIndex, final int merchantIndex)
    {
        return ((long)consumerIndex << 32) | merchantIndex;
    }

    boolean isFull()
    {
        return count == capacity;
    }

    /** Pairs the rows have room for now (at most the limit): how far they have grown. */
    int rowsHeld()
    {
        return rows.length / STRIDE;
    }

    boolean hasEntry(final int consumerIndex, final int merchantIndex)
    {
        return entryOf(consumerIndex, merchantIndex) >= 0;
    }

    /** The pair's entry, or -1: from the consumer's pair line, or the pair map when the line is full. */
    private int entryOf(final int consumerIndex, final int merchantIndex)
    {
        final long tag = (long)(merchantIndex + 1) << 32;
        for (int slot = 0; slot < ConsumerBook.PAIR_SLOTS; slot++)
        {
            final long pair = consumers.pairSlot(consumerIndex, slot);
            if ((pair & HIGH_32) == tag)
            {
                return (int)pair;
            }
            if (pair == 0)
            {
                return -1;   // the line fills in order: the pair is not in it, nor in the map
            }
        }
        return entryByPair.get(pairKey(consumerIndex, merchantIndex));
    }

    /**
     * Puts a new pair in its consumer's pair line when the line has room. @return false when the line is full: the
     * pair then belongs in the map.
     */
    private boolean addToPairLine(final int consumerIndex, final int merchantIndex, final int entry)
    {
        for (int slot = 0; slot < ConsumerBook.PAIR_SLOTS; slot++)
        {
            if (consumers.pairSlot(consumerIndex, slot) == 0)
            {
                consumers.setPairSlot(consumerIndex, slot, ((long)(merchantIndex + 1) << 32) | entry);
                return true;
            }
        }
        return false;
    }

    /** Whether the consumer's pair line is full (it fills in order: its last slot is taken last). */
    private boolean pairLineFull(final int consumerIndex)
    {
        return consumers.pairSlot(consumerIndex, ConsumerBook.PAIR_SLOTS - 1) != 0;
    }

    /**
     * Batch prefetch, stage 1 for a pair: loads the consumer's pair line (see {@link BatchPrefetcher}), and the pair
     * map's home line only for a consumer whose line is full.
     */
    long touchPairSlot(final int consumerIndex, final int merchantIndex)
    {
        final long last = consumers.pairSlot(consumerIndex, ConsumerBook.PAIR_SLOTS - 1);
        return last == 0 ? last : last + entryByPair.touchHome(pairKey(consumerIndex, merchantIndex));
    }

    /**
     * Batch prefetch, stage 2 for a pair: finds it (its lines now cached) and loads its row; for a pair not tracked yet
     * (a sale makes it: {@link #newEntry}) whose consumer's line is full, the pair map's home line instead, where the
     * new pair is put (a random line: measured at a quarter of a restart's tail apply CPU when it was not loaded here,
     * docs/history/engine-sessions.md, 2026-12-05). A new pair that fits in the line needs no map line. Changes
     * nothing.
     */
    long touchPairRow(final int consumerIndex, final int merchantIndex)
    {
        final int entry = entryOf(consumerIndex, merchantIndex);
        if (entry >= 0)
        {
            return rowsOf(entry)[entry * STRIDE + OPEN_FEN];
        }
        return pairLineFull(consumerIndex) ? entryByPair.touchHome(pairKey(consumerIndex, merchantIndex)) : 0;
    }

    int head(final int merchantIndex)
    {
        return merchantIndex < headByMerchant.length ? headByMerchant[merchantIndex] : -1;
    }

    int entriesOf(final int merchantIndex)
    {
        return merchantIndex < countByMerchant.length ? countByMerchant[merchantIndex] : 0;
    }

    private void ensureMerchants(final int merchantsNeeded)
    {
        headByMerchant = Growth.ensure(headByMerchant, merchantsNeeded, merchantsMax, -1);
        countByMerchant = Growth.ensure(countByMerchant, merchantsNeeded, merchantsMax, 0);
    }

    /**
     * Adds spend (or, negative, takes back refunded spend, never below zero) to the open amount of a pair: the
     * ledger's, with its key, with the sale or the refund.
     *
     * @return the change actually applied, or {@link Long#MIN_VALUE} when a new pair is needed and the book is full.
     */
    long add(final Ledger.Key key, final int consumerIndex, final int merchantIndex, final long deltaFen,
        final long merchantEpoch)
    {
        Ledger.Key.check(key);
        int entry = entryOf(consumerIndex, merchantIndex);
        if (entry < 0)
        {
            if (deltaFen <= 0)
            {
                return 0;
            }
            if (count == capacity)
            {
                return Long.MIN_VALUE;
            }
            entry = newEntry(consumerIndex, merchantIndex, merchantEpoch);
        }
        closePeriodIfNeeded(entry, merchantEpoch);
        final long[] rows = rowsOf(entry);
        final int base = entry * STRIDE;
        final long applied = Math.max(deltaFen, -rows[base + OPEN_FEN]);
        rows[base + OPEN_FEN] += applied;
        return applied;
    }

    private int newEntry(final int consumerIndex, final int merchantIndex, final long merchantEpoch)
    {
        final int entry = count++;
        final int rowsHeld = rows.length / STRIDE;
        if (count > rowsHeld)
        {
            finishMoving();
            oldRows = rows;
            oldRowsBelow = rowsHeld;
            rows = ArrayPreparer.takeLongs(nextRows, Growth.grownLength(rowsHeld, count, capacity) * STRIDE);
            nextRows = null;
        }
        else if (count == Growth.prepareAt(rowsHeld) && rowsHeld < capacity)
        {
            nextRows = ArrayPreparer.longs(Growth.grownLength(rowsHeld, rowsHeld + 1, capacity) * STRIDE);
        }
        ensureMerchants(merchantIndex + 1);
        final int base = entry * STRIDE;
        rows[base + CONSUMER_INDEX] = consumerIndex;
        rows[base + EPOCH] = merchantEpoch;
        rows[base + NEXT_ENTRY] = headByMerchant[merchantIndex];
        headByMerchant[merchantIndex] = entry;
        countByMerchant[merchantIndex]++;
        if (!addToPairLine(consumerIndex, merchantIndex, entry))
        {
            entryByPair.put(pairKey(consumerIndex, merchantIndex), entry);
        }
        step();
        return entry;
    }

    /**
     * Grows the rows now, in one copy, to hold {@code morePairs} pairs beyond those tracked (capped at the limit), to
     * the size growth by doublings would reach for them ({@link Engine#reserveForInputs}). The pair map is left to
     * grow by doublings: it holds only the pairs beyond their consumers' lines, which an input count does not tell.
     */
    void reserveFor(final int morePairs)
    {
        finishMoving();
        final int rowsHeld = rows.length / STRIDE;
        final int rowsWanted = (int)Math.min(capacity, (long)count + morePairs);
        if (rowsWanted > rowsHeld)
        {
            rows = java.util.Arrays.copyOf(rows, Growth.grownLength(rowsHeld, rowsWanted, capacity) * STRIDE);
            nextRows = null;
        }
    }

    /**
     * Moves a bounded part of a growth (rows and pair map) to the new arrays; per new pair and per command.
     *
     * @return true while something is left to move
     */
    boolean step()
    {
        boolean left = entryByPair.step();
        if (oldRowsBelow > 0)
        {
            final int from = Math.max(0, oldRowsBelow - STEP_ENTRIES);
            System.arraycopy(oldRows, from * STRIDE, rows, from * STRIDE, (oldRowsBelow - from) * STRIDE);
            oldRowsBelow = from;
            if (from == 0)
            {
                oldRows = null;
            }
            left |= from > 0;
        }
        return left;
    }

    boolean moving()
    {
        return oldRowsBelow > 0 || entryByPair.moving();
    }

    void finishMoving()
    {
        while (step())
        {
            // bounded: each step moves entries or slots, or ends the moving
        }
    }

    /**
     * A running distribution takes entry {@code entry}'s basis: the open amount of an earlier epoch moves to the frozen
     * basis (as {@link #closePeriodIfNeeded}), which is returned and cleared (PoolDistribution's working state, not
     * money: the share is paid through {@code Ledger.payDistributionShare}).
     */
    long takeFrozenBasis(final int entry, final long merchantEpoch)
    {
        closePeriodIfNeeded(entry, merchantEpoch);
        final long[] rows = rowsOf(entry);
        final int at = entry * STRIDE + FROZEN_FEN;
        final long basis = rows[at];
        rows[at] = 0;
        return basis;
    }

    /** The pro-rata share a running distribution computed for entry {@code entry} (its working state). */
    void setShare(final int entry, final long floorFen, final long remainder)
    {
        final long[] rows = rowsOf(entry);
        rows[entry * STRIDE + SHARE_FLOOR_FEN] = floorFen;
        rows[entry * STRIDE + SHARE_REMAINDER] = remainder;
    }

    /** Moves an open amount from an earlier epoch to the frozen basis of the distribution now running. */
    private void closePeriodIfNeeded(final int entry, final long merchantEpoch)
    {
        final long[] rows = rowsOf(entry);
        final int base = entry * STRIDE;
        if (rows[base + EPOCH] < merchantEpoch)
        {
            rows[base + FROZEN_FEN] += rows[base + OPEN_FEN];
            rows[base + OPEN_FEN] = 0;
            rows[base + EPOCH] = merchantEpoch;
        }
    }

    long get(final int entry, final int field)
    {
        return rowsOf(entry)[entry * STRIDE + field];
    }

    int count()
    {
        return count;
    }

    /** Pairs held in the pair map: those that did not fit in their consumer's pair line. */
    int pairsInMap()
    {
        return entryByPair.size();
    }

    void writeTo(final SnapshotWriter writer)
    {
        finishMoving();
        writer.writeLong(count);
        writer.writeLong(headByMerchant.length);
        writer.writeLongs(rows, count * STRIDE);
        writer.writeInts(headByMerchant, headByMerchant.length);
        writer.writeInts(countByMerchant, countByMerchant.length);
    }

    /**
     * Restores what {@link #writeTo} wrote; the pair lines and the pair map are rebuilt from the rows and the
     * per-merchant lists (the map emptied, then grown as the pairs beyond full lines are put).
     */
    void readFrom(final SnapshotReader reader)
    {
        finishMoving();
        count = (int)reader.readLong();
        final int merchants = (int)reader.readLong();
        if (count < 0 || count > capacity || merchants < 0 || merchants > merchantsMax)
        {
            throw new IllegalStateException("snapshot spend pairs " + count + "/" + merchants + " over the limits");
        }
        rows = Growth.ensureRows(rows, count, STRIDE, capacity);
        headByMerchant = new int[merchants];
        countByMerchant = new int[merchants];
        reader.readLongs(rows);
        reader.readInts(headByMerchant);
        reader.readInts(countByMerchant);
        entryByPair.clear();
        for (int merchantIndex = 0; merchantIndex < headByMerchant.length; merchantIndex++)
        {
            final int listed = readList(merchantIndex);
            if (listed != countByMerchant[merchantIndex])
            {
                throw new IllegalStateException("snapshot spend pairs of merchant index " + merchantIndex + ": " +
                    countByMerchant[merchantIndex] + " counted, " + listed + " linked");
            }
        }
        entryByPair.flushStaged();
    }

    /**
     * Stages one merchant's list (entries are only ever prepended, so its length is the merchant's count) and answers
     * its length. The snapshot's payload is loaded while its checksum is still being verified beside the load
     * (SnapshotStore), so a damaged link must end the walk, not loop: a list longer than every pair, or a link out
     * of the rows, is refused and the snapshot is then passed over as damaged.
     */
    private int readList(final int merchantIndex)
    {
        int listed = 0;
        for (int entry = headByMerchant[merchantIndex]; entry >= 0; entry = (int)rows[entry * STRIDE + NEXT_ENTRY])
        {
            if (entry >= count || ++listed > count)
            {
                throw new IllegalStateException("snapshot spend pairs of merchant index " + merchantIndex +
                    " are not a list (entry " + entry + " of " + count + ")");
            }
            final long consumerIndex = rows[entry * STRIDE + CONSUMER_INDEX];
            if (consumerIndex < 0 || consumerIndex >= consumers.count())
            {
                throw new IllegalStateException("snapshot spend pair " + entry + " of merchant index " +
                    merchantIndex + " names consumer index " + consumerIndex + " of " + consumers.count());
            }
            if (!addToPairLine((int)consumerIndex, merchantIndex, entry))
            {
                entryByPair.stage(pairKey((int)consumerIndex, merchantIndex), entry);
            }
        }
        return listed;
    }

    long hash(final long seed)
    {
        if (oldRowsBelow == 0)
        {
            return StateHash.foldRows(seed, rows, count, STRIDE);
        }
        final int end = count * STRIDE; // as foldRows over the rows once moved
        return StateHash.foldRange(StateHash.fold(seed, count), oldRows, rows, 0,
            Math.min(end, oldRowsBelow * STRIDE), end);
    }
}
