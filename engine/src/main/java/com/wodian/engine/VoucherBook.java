package com.wodian.engine;

import com.wodian.protocol.sbe.VoucherState;
import org.agrona.collections.Long2LongHashMap;

/**
 * Vouchers, with ids assigned in sequence. A slot is reused only when its voucher has ended (redeemed or expired),
 * oldest ended first, so a voucher stays queryable for as long as the space allows; live vouchers are never
 * forgotten, and issuing more live vouchers than {@code capacity} is refused ({@code LIMIT_VOUCHERS}).
 */
final class VoucherBook implements ExpiryQueue.Order
{
    static final int STRIDE = 8;
    static final int ID = 0;
    static final int CONSUMER_INDEX = 1;
    static final int MERCHANT_INDEX = 2;
    static final int VALUE_FEN = 3;
    static final int EXPIRES_AT_MS = 4;
    static final int STATE = 5;

    private static final int ISSUED = VoucherState.ISSUED.value();
    private static final int RESERVED = VoucherState.RESERVED.value();

    // The rows, the id map and the ended ring grow with the slots used, up to capacity (Growth).
    private long[] rows;
    private final Long2LongHashMap slotById;
    private final int capacity;
    private int neverUsed;
    // Ended vouchers in the order they ended (slot and id), so that the oldest is reclaimed first.
    private int[] endedSlots;
    private long[] endedIds;
    private int endedHead;
    private int endedSize;
    private int liveCount;
    private long nextId = 1;
    final ExpiryQueue expiry;

    VoucherBook(final int capacity, final boolean reserve)
    {
        this.capacity = capacity;
        this.rows = new long[Growth.initialRows(capacity, reserve) * STRIDE];
        this.slotById = new Long2LongHashMap(RowBook.tableSize(Growth.initialRows(capacity, reserve)), 0.65f, -1);
        this.endedSlots = new int[Growth.initialRows(capacity, reserve)];
        this.endedIds = new long[endedSlots.length];
        this.expiry = new ExpiryQueue(this, capacity, capacity, reserve);
    }

    /** Live vouchers that can still be issued. */
    int freeCount()
    {
        return capacity - liveCount;
    }

    /** @return the slot of a voucher id, or -1 when it was never issued or its slot was reclaimed. */
    int slotOf(final long voucherId)
    {
        return (int)slotById.get(voucherId);
    }

    /** Issues the next voucher id; the caller checked {@link #freeCount()}. @return its slot. */
    int issue(final int consumerIndex, final int merchantIndex, final long valueFen, final long expiresAtMs)
    {
        int slot = -1;
        if (neverUsed < capacity)
        {
            slot = neverUsed++;
            rows = Growth.ensureRows(rows, neverUsed, STRIDE, capacity);
        }
        else
        {
            while (slot < 0)
            {
                if (endedSize == 0)
                {
                    throw new IllegalStateException("no voucher slot although " + liveCount + " < " + capacity);
                }
                final int candidate = endedSlots[endedHead];
                final long candidateId = endedIds[endedHead];
                endedHead = (endedHead + 1) % endedSlots.length;
                endedSize--;
                // A voucher restored by a refund after it ended is live again: its stale entry is skipped.
                if (rows[candidate * STRIDE + ID] == candidateId && !isLive(candidate))
                {
                    slotById.remove(candidateId);
                    slot = candidate;
                }
            }
        }
        final long id = nextId++;
        final int base = slot * STRIDE;
        rows[base + ID] = id;
        rows[base + CONSUMER_INDEX] = consumerIndex;
        rows[base + MERCHANT_INDEX] = merchantIndex;
        rows[base + VALUE_FEN] = valueFen;
        rows[base + EXPIRES_AT_MS] = expiresAtMs;
        rows[base + STATE] = ISSUED;
        slotById.put(id, slot);
        liveCount++;
        expiry.add(slot);
        return slot;
    }

    long lastId()
    {
        return nextId - 1;
    }

    boolean isLive(final int slot)
    {
        final long state = rows[slot * STRIDE + STATE];
        return state == ISSUED || state == RESERVED;
    }

    /** ISSUED to RESERVED: a live Try pins the voucher, so it does not expire under the hold. */
    void reserve(final int slot)
    {
        expiry.remove(slot);
        rows[slot * STRIDE + STATE] = RESERVED;
    }

    /** RESERVED back to ISSUED (the caller expires it instead when its validity has passed). */
    void unreserve(final int slot)
    {
        rows[slot * STRIDE + STATE] = ISSUED;
        expiry.add(slot);
    }

    /** Ends a live voucher (REDEEMED or EXPIRED). */
    void end(final int slot, final VoucherState state)
    {
        final int base = slot * STRIDE;
        if (rows[base + STATE] == ISSUED)
        {
            expiry.remove(slot);
        }
        rows[base + STATE] = state.value();
        liveCount--;
        if (endedSize == endedSlots.length)
        {
            growEnded();
        }
        final int tail = (endedHead + endedSize) % endedSlots.length;
        endedSlots[tail] = slot;
        endedIds[tail] = rows[base + ID];
        endedSize++;
    }

    /** Doubles the ended ring (a voucher can end, be restored and end again: the ring may hold a slot twice). */
    private void growEnded()
    {
        final int length = endedSlots.length * 2;
        final int[] slots = new int[length];
        final long[] ids = new long[length];
        for (int i = 0; i < endedSize; i++)
        {
            slots[i] = endedSlots[(endedHead + i) % endedSlots.length];
            ids[i] = endedIds[(endedHead + i) % endedSlots.length];
        }
        endedSlots = slots;
        endedIds = ids;
        endedHead = 0;
    }

    /** An ended (redeemed) voucher becomes ISSUED again, for a full refund. */
    void restore(final int slot)
    {
        rows[slot * STRIDE + STATE] = ISSUED;
        liveCount++;
        expiry.add(slot);
    }

    long get(final int slot, final int field)
    {
        return rows[slot * STRIDE + field];
    }

    int state(final int slot)
    {
        return (int)rows[slot * STRIDE + STATE];
    }

    @Override
    public boolean before(final int a, final int b)
    {
        final long expiresA = rows[a * STRIDE + EXPIRES_AT_MS];
        final long expiresB = rows[b * STRIDE + EXPIRES_AT_MS];
        return expiresA != expiresB ? expiresA < expiresB : rows[a * STRIDE + ID] < rows[b * STRIDE + ID];
    }

    void writeTo(final SnapshotWriter writer)
    {
        writer.writeLong(neverUsed);
        writer.writeLong(endedSize);
        writer.writeLong(liveCount);
        writer.writeLong(nextId);
        writer.writeLongs(rows, neverUsed * STRIDE);
        for (int i = 0; i < endedSize; i++)
        {
            final int at = (endedHead + i) % endedSlots.length;
            writer.writeLong(endedSlots[at]);
            writer.writeLong(endedIds[at]);
        }
        expiry.writeTo(writer);
    }

    /** Restores what {@link #writeTo} wrote; each used slot holds one id, so the id map is rebuilt from the rows. */
    void readFrom(final SnapshotReader reader)
    {
        neverUsed = (int)reader.readLong();
        endedSize = (int)reader.readLong();
        liveCount = (int)reader.readLong();
        nextId = reader.readLong();
        if (neverUsed < 0 || neverUsed > capacity || endedSize < 0)
        {
            throw new IllegalStateException("snapshot voucher counts " + neverUsed + "/" + endedSize +
                " do not fit the limit " + capacity);
        }
        rows = Growth.ensureRows(rows, neverUsed, STRIDE, capacity);
        reader.readLongs(rows);
        endedHead = 0;
        endedSlots = new int[Math.max(endedSlots.length, Integer.highestOneBit(Math.max(1, endedSize) * 2 - 1))];
        endedIds = new long[endedSlots.length];
        for (int i = 0; i < endedSize; i++)
        {
            endedSlots[i] = (int)reader.readLong();
            endedIds[i] = reader.readLong();
        }
        expiry.readFrom(reader);
        slotById.clear();
        for (int slot = 0; slot < neverUsed; slot++)
        {
            slotById.put(rows[slot * STRIDE + ID], slot);
        }
    }

    long hash(final long seed)
    {
        long sum = 0;
        for (int slot = 0; slot < neverUsed; slot++)
        {
            long rowHash = 23;
            for (int i = 0; i < STRIDE; i++)
            {
                rowHash = StateHash.fold(rowHash, rows[slot * STRIDE + i]);
            }
            sum += StateHash.finish(rowHash);
        }
        return StateHash.fold(StateHash.fold(StateHash.fold(seed, nextId), liveCount), sum);
    }
}
