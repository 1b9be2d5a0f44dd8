package com.wodian.engine.risk;

import com.wodian.engine.PackedRing;
import com.wodian.engine.SnapshotReader;
import com.wodian.engine.SnapshotWriter;
import com.wodian.engine.StateHash;

/**
 * Consumer–merchant pairs: small payments in the last 10 minutes and refunds in the last 12–24 hours, in a two-way
 * set-associative table of fixed size. A new pair takes the less recently seen slot of its set, so memory stays
 * bounded however many pairs appear; a pair pushed out loses its history (it cannot hide an active burst, whose
 * slot is the recently seen one). Layout is a pure function of the inputs, so it is deterministic.
 *
 * <pre>
 *   long  content
 *   0     pair key + 1 ((consumerIndex &lt;&lt; 32 | merchantIndex) + 1), 0 for an empty slot
 *   1     last time the slot was advanced (input time, ms)
 *   2     small payments, 5 buckets x 2 min x 8 bits
 *   3     refunds, 2 buckets x 12 h x 8 bits: the same window as the consumer's refund count, so a consumer with
 *         fewer refunds than a limit cannot have a pair at or above it, and the pair need not be looked up
 * </pre>
 */
final class PairRiskBook
{
    static final int STRIDE = 4;
    static final int KEY = 0;
    static final int LAST_SEEN_MS = 1;
    static final int SMALL_PAYMENTS = 2;
    static final int REFUNDS = 3;
    static final long BURST_BUCKET_MS = 120_000;
    static final long REFUND_BUCKET_MS = ConsumerRiskBook.HALF_DAY_MS;

    final long[] slots;
    private final int setMask;

    PairRiskBook(final int capacity)
    {
        final int sets = Math.max(1, Integer.highestOneBit(Math.max(2, capacity) - 1));
        this.slots = new long[sets * 2 * STRIDE];
        this.setMask = sets - 1;
    }

    private static long key(final int consumerIndex, final int merchantIndex)
    {
        return (((long)consumerIndex << 32) | merchantIndex) + 1;
    }

    private int firstSlot(final long key)
    {
        return (int)(StateHash.fmix(key) & setMask) * 2;
    }

    /** @return the slot of the pair, or -1 when it is not tracked. */
    int find(final int consumerIndex, final int merchantIndex)
    {
        final long key = key(consumerIndex, merchantIndex);
        final int slot = firstSlot(key);
        if (slots[slot * STRIDE + KEY] == key)
        {
            return slot;
        }
        return slots[(slot + 1) * STRIDE + KEY] == key ? slot + 1 : -1;
    }

    /** The pair's slot, taking the less recently seen slot of its set for a new pair. */
    int findOrAdd(final int consumerIndex, final int merchantIndex)
    {
        final long key = key(consumerIndex, merchantIndex);
        final int first = firstSlot(key);
        final int second = first + 1;
        if (slots[first * STRIDE + KEY] == key)
        {
            return first;
        }
        if (slots[second * STRIDE + KEY] == key)
        {
            return second;
        }
        final int victim = slots[second * STRIDE + LAST_SEEN_MS] < slots[first * STRIDE + LAST_SEEN_MS] ?
            second : first;
        final int base = victim * STRIDE;
        slots[base + KEY] = key;
        slots[base + LAST_SEEN_MS] = 0;
        slots[base + SMALL_PAYMENTS] = 0;
        slots[base + REFUNDS] = 0;
        return victim;
    }

    void advance(final int slot, final long nowMs)
    {
        final int base = slot * STRIDE;
        final long last = slots[base + LAST_SEEN_MS];
        final long steps = PackedRing.steps(last, nowMs, BURST_BUCKET_MS);
        if (steps > 0)
        {
            slots[base + SMALL_PAYMENTS] = PackedRing.advance(slots[base + SMALL_PAYMENTS], steps, 8, 5);
            slots[base + REFUNDS] = PackedRing.advance(slots[base + REFUNDS],
                PackedRing.steps(last, nowMs, REFUND_BUCKET_MS), 8, 2);
        }
        slots[base + LAST_SEEN_MS] = nowMs;
    }

    long smallPayments(final int slot)
    {
        return slot < 0 ? 0 : PackedRing.sum(slots[slot * STRIDE + SMALL_PAYMENTS], 8, 5);
    }

    long refunds(final int slot)
    {
        return slot < 0 ? 0 : PackedRing.sum(slots[slot * STRIDE + REFUNDS], 8, 2);
    }

    void recordSmallPayment(final int slot)
    {
        slots[slot * STRIDE + SMALL_PAYMENTS] = PackedRing.addCurrent(slots[slot * STRIDE + SMALL_PAYMENTS], 1, 8);
    }

    void recordRefund(final int slot)
    {
        slots[slot * STRIDE + REFUNDS] = PackedRing.addCurrent(slots[slot * STRIDE + REFUNDS], 1, 8);
    }

    void writeTo(final SnapshotWriter writer)
    {
        writer.writeLongs(slots, slots.length);
    }

    void readFrom(final SnapshotReader reader)
    {
        if (reader.readLongs(slots) != slots.length)
        {
            throw new IllegalStateException("pair risk table of another size");
        }
    }

    long hash(final long seed)
    {
        long hash = seed;
        for (int slot = 0; slot < slots.length / STRIDE; slot++)
        {
            final int base = slot * STRIDE;
            if (slots[base + KEY] != 0)
            {
                hash = StateHash.fold(StateHash.fold(hash, slot), slots[base + KEY]);
                hash = StateHash.fold(hash, slots[base + LAST_SEEN_MS]);
                hash = StateHash.fold(hash, slots[base + SMALL_PAYMENTS]);
                hash = StateHash.fold(hash, slots[base + REFUNDS]);
            }
        }
        return hash;
    }
}
