package com.wodian.engine.risk;

import com.wodian.engine.table.PackedRing;
import com.wodian.engine.table.SnapshotReader;
import com.wodian.engine.table.SnapshotWriter;
import com.wodian.engine.table.StateHash;

/**
 * Consumer–merchant pairs: small payments in the last 10 minutes and refunds in the last 12–24 hours, in a two-way
 * set-associative table of fixed size (its pages allocated as pairs reach them). A new pair takes the less recently
 * seen slot of its set, so memory stays bounded however many pairs appear; a pair pushed out loses its history (it
 * cannot hide an active burst, whose slot is the recently seen one). Layout is a pure function of the inputs, so it is
 * deterministic.
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

    // Slots live in pages allocated when a pair first lands in them: an absent page reads as empty slots, so the
    // table behaves exactly as one zeroed array of its full size while holding only the pages pairs have reached.
    // A page allocation is a rare, bounded event (at most slotCount / 4096 in the engine's life).
    private static final int PAGE_SLOTS_LOG2 = 12;
    private static final int PAGE_SLOT_MASK = (1 << PAGE_SLOTS_LOG2) - 1;
    private final long[][] pages;
    private final int slotCount;
    private final int setMask;

    PairRiskBook(final int capacity)
    {
        final int sets = Math.max(1, Integer.highestOneBit(Math.max(2, capacity) - 1));
        this.slotCount = sets * 2;
        this.pages = new long[(slotCount + PAGE_SLOT_MASK) >>> PAGE_SLOTS_LOG2][];
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

    /** Position of a slot's field within its page. */
    private static int at(final int slot, final int field)
    {
        return (slot & PAGE_SLOT_MASK) * STRIDE + field;
    }

    private long[] page(final int slot)
    {
        return pages[slot >>> PAGE_SLOTS_LOG2];
    }

    private long[] pageToWrite(final int slot)
    {
        final long[] page = pages[slot >>> PAGE_SLOTS_LOG2];
        return page != null ? page : (pages[slot >>> PAGE_SLOTS_LOG2] = newPage());
    }

    private long[] newPage()
    {
        return new long[Math.min(slotCount, 1 << PAGE_SLOTS_LOG2) * STRIDE];
    }

    /** @return the slot of the pair, or -1 when it is not tracked. */
    /** Loads the pair's set (its two slots, one line) as {@link #find} reads it; changes nothing. */
    long touch(final int consumerIndex, final int merchantIndex)
    {
        final int slot = firstSlot(key(consumerIndex, merchantIndex));
        final long[] page = page(slot);
        return page == null ? 0 : page[at(slot, KEY)];
    }

    int find(final int consumerIndex, final int merchantIndex)
    {
        final long key = key(consumerIndex, merchantIndex);
        final int slot = firstSlot(key);
        final long[] page = page(slot);
        if (page == null)
        {
            return -1;
        }
        if (page[at(slot, KEY)] == key)
        {
            return slot;
        }
        return page[at(slot + 1, KEY)] == key ? slot + 1 : -1;
    }

    /** The pair's slot, taking the less recently seen slot of its set for a new pair (a set is within one page). */
    int findOrAdd(final int consumerIndex, final int merchantIndex)
    {
        final long key = key(consumerIndex, merchantIndex);
        final int first = firstSlot(key);
        final int second = first + 1;
        final long[] page = pageToWrite(first);
        if (page[at(first, KEY)] == key)
        {
            return first;
        }
        if (page[at(second, KEY)] == key)
        {
            return second;
        }
        final int victim = page[at(second, LAST_SEEN_MS)] < page[at(first, LAST_SEEN_MS)] ? second : first;
        page[at(victim, KEY)] = key;
        page[at(victim, LAST_SEEN_MS)] = 0;
        page[at(victim, SMALL_PAYMENTS)] = 0;
        page[at(victim, REFUNDS)] = 0;
        return victim;
    }

    void advance(final int slot, final long nowMs)
    {
        final long[] page = page(slot);
        final long last = page[at(slot, LAST_SEEN_MS)];
        final long steps = PackedRing.steps(last, nowMs, BURST_BUCKET_MS);
        if (steps > 0)
        {
            page[at(slot, SMALL_PAYMENTS)] = PackedRing.advance(page[at(slot, SMALL_PAYMENTS)], steps, 8, 5);
            page[at(slot, REFUNDS)] = PackedRing.advance(page[at(slot, REFUNDS)],
                PackedRing.steps(last, nowMs, REFUND_BUCKET_MS), 8, 2);
        }
        page[at(slot, LAST_SEEN_MS)] = nowMs;
    }

    long smallPayments(final int slot)
    {
        return slot < 0 ? 0 : PackedRing.sum(page(slot)[at(slot, SMALL_PAYMENTS)], 8, 5);
    }

    long refunds(final int slot)
    {
        return slot < 0 ? 0 : PackedRing.sum(page(slot)[at(slot, REFUNDS)], 8, 2);
    }

    void recordSmallPayment(final int slot)
    {
        final long[] page = page(slot);
        page[at(slot, SMALL_PAYMENTS)] = PackedRing.addCurrent(page[at(slot, SMALL_PAYMENTS)], 1, 8);
    }

    void recordRefund(final int slot)
    {
        final long[] page = page(slot);
        page[at(slot, REFUNDS)] = PackedRing.addCurrent(page[at(slot, REFUNDS)], 1, 8);
    }

    /** The pages pairs have reached, each after a 1 (an absent page is a 0). */
    void writeTo(final SnapshotWriter writer)
    {
        writer.writeLong(pages.length);
        for (final long[] page : pages)
        {
            writer.writeLong(page == null ? 0 : 1);
            if (page != null)
            {
                writer.writeLongs(page, page.length);
            }
        }
    }

    void readFrom(final SnapshotReader reader)
    {
        if (reader.readLong() != pages.length)
        {
            throw new IllegalStateException("pair risk table of another size");
        }
        for (int i = 0; i < pages.length; i++)
        {
            pages[i] = reader.readLong() == 0 ? null : newPage();
            if (pages[i] != null && reader.readLongs(pages[i]) != pages[i].length)
            {
                throw new IllegalStateException("pair risk table of another size");
            }
        }
    }

    long hash(final long seed)
    {
        long hash = seed;
        for (int slot = 0; slot < slotCount; slot++)
        {
            final long[] page = page(slot);
            if (page != null && page[at(slot, KEY)] != 0)
            {
                hash = StateHash.fold(StateHash.fold(hash, slot), page[at(slot, KEY)]);
                hash = StateHash.fold(hash, page[at(slot, LAST_SEEN_MS)]);
                hash = StateHash.fold(hash, page[at(slot, SMALL_PAYMENTS)]);
                hash = StateHash.fold(hash, page[at(slot, REFUNDS)]);
            }
        }
        return hash;
    }
}
