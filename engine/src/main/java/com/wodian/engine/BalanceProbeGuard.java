package com.wodian.engine;

import com.wodian.engine.table.SnapshotReader;
import com.wodian.engine.table.SnapshotWriter;
import com.wodian.engine.table.StateHash;
import com.wodian.protocol.sbe.ResultCode;

/**
 * The balance-probing limit (engine setting BALANCE_PROBE_LIMIT; security review A2, docs/security.md). An approved
 * Try or Pay says "the consumer can pay this", a refused one ({@code INSUFFICIENT_FUNDS}) "cannot"; a Try that is then
 * cancelled or left to expire, or a Pay that is refunded, moves no money, so without a limit one terminal
 * binary-searches any consumer's exact balance (the review: 30 Try/Cancel probes). Each such answer is a probe, counted
 * per merchant–consumer pair in a window of {@link #WINDOW_MS} of input time:
 *
 * <ul>
 *   <li>a new Try or Pay refused for funds: +1;</li>
 *   <li>an approved Try: +1 when approved, -1 when it is confirmed (a Try made in the same window), so a Try that is
 *       confirmed costs nothing and one that is cancelled or expires costs one, whenever that happens;</li>
 *   <li>an approved Refund: +1 for the refunded payment's pair (a Pay and its Refund).</li>
 * </ul>
 *
 * <p>A new Try or Pay of a pair that has {@code limit} probes in its window is refused with
 * {@code RISK_BALANCE_PROBING}, and records no probe, until the window ends. An approved Pay, a confirmed Try, and the
 * repeat of a command (same key: its first reply) count nothing, so a till that sells, or retries a refused payment a
 * few times, or serves a family paying in a row, stays far below the limit. The pair is the merchant's, not the
 * terminal's, so a merchant's several terminals (or several stolen secrets of one shop) share one count.
 *
 * <p>State: a fixed-size, 4-way set-associative table of pairs (sized like the risk pair table, {@code riskPairsMax}
 * slots), its pages allocated as pairs first land in them (at most slots / 4096 allocations in the engine's life; all
 * at construction with {@code --engine-tables reserve}), so memory is bounded and every call is O(1) with no allocation
 * otherwise, no clock (input time only) and no randomness. A pair takes an empty slot of its set or one whose window
 * has ended; when all four are in a live window it takes the oldest one, and when that one is its own merchant's it
 * inherits that slot's count and window: a terminal cannot push its own counts out of a set by probing other consumers
 * there, only another merchant's events can (said in docs/security.md). Nothing is counted while the limit is 0 (the
 * default): the table stays empty and neither the snapshot's content nor the state hash changes.
 *
 * <pre>
 *   long  content (2 per slot)
 *   0     pair key + 1 ((consumerIndex &lt;&lt; 32 | merchantIndex) + 1), 0 for an empty slot
 *   1     window start (input time, ms) &lt;&lt; 16 | probes in the window (saturating at 65,535)
 * </pre>
 */
final class BalanceProbeGuard
{
    /** The window in which a pair's probes are counted: 24 hours of input time from its first probe. */
    static final long WINDOW_MS = 86_400_000L;
    /** The largest limit the setting takes. */
    static final long LIMIT_MAX = 1_000;

    private static final int WAYS = 4;
    private static final int STRIDE = 2;
    private static final int KEY = 0;
    private static final int STATE = 1;
    private static final int COUNT_BITS = 16;
    private static final long COUNT_MAX = (1L << COUNT_BITS) - 1;
    private static final int PAGE_SLOTS_LOG2 = 12;
    private static final int PAGE_SLOT_MASK = (1 << PAGE_SLOTS_LOG2) - 1;

    private final long[][] pages;
    private final int slotCount;
    private final int setMask;
    /** Probes a pair may make in a window; 0: off. Set by EngineSettings. */
    private long limit;
    /** Slots that hold a pair (a slot is never emptied, only reused). */
    private int filledSlots;

    /** @param reserve allocate every page now ({@code --engine-tables reserve}: nothing allocated while serving). */
    BalanceProbeGuard(final int pairsMax, final boolean reserve)
    {
        final int sets = Math.max(1, Integer.highestOneBit(Math.max(WAYS, pairsMax)) / WAYS);
        this.slotCount = sets * WAYS;
        this.setMask = sets - 1;
        this.pages = new long[(slotCount + PAGE_SLOT_MASK) >>> PAGE_SLOTS_LOG2][];
        for (int page = 0; reserve && page < pages.length; page++)
        {
            pages[page] = newPage();
        }
    }

    void limit(final long value)
    {
        limit = value;
    }

    boolean isOn()
    {
        return limit > 0;
    }

    /** Before a new Try or Pay is decided: the refusal when its pair has spent its probes in the window, else OK. */
    ResultCode check(final int merchantIndex, final int consumerIndex, final long nowMs)
    {
        if (limit == 0)
        {
            return ResultCode.OK;
        }
        final long key = key(merchantIndex, consumerIndex);
        return probesOf(key, slotFor(key, nowMs), nowMs) >= limit ? ResultCode.RISK_BALANCE_PROBING : ResultCode.OK;
    }

    /** A probe of the pair: a Try or Pay refused for funds, an approved Try, an approved Refund. */
    void count(final int merchantIndex, final int consumerIndex, final long nowMs)
    {
        if (limit == 0)
        {
            return;
        }
        final long key = key(merchantIndex, consumerIndex);
        final int slot = slotFor(key, nowMs);
        final long probes = probesOf(key, slot, nowMs);
        store(slot, key, probes == 0 ? nowMs : windowStartMs(slot), probes + 1);
    }

    /**
     * The slot the pair's next probe goes to: its own; else the first of its set that is empty or whose window has
     * ended; else (all four in a live window) the one whose window began first.
     */
    private int slotFor(final long key, final long nowMs)
    {
        final int found = find(key);
        if (found >= 0)
        {
            return found;
        }
        final int first = firstSlot(key);
        int oldest = first;
        for (int slot = first; slot < first + WAYS; slot++)
        {
            if (liveCount(slot, nowMs) == 0)
            {
                return slot;
            }
            if (windowStartMs(slot) < windowStartMs(oldest))
            {
                oldest = slot;
            }
        }
        return oldest;
    }

    /**
     * The pair's probes in the window when its next probe goes to {@code slot}: the slot's count when the slot is
     * the pair's own or another pair's of the same merchant (inherited, so that probing other consumers that share
     * the set never frees a merchant's count), else none.
     */
    private long probesOf(final long key, final int slot, final long nowMs)
    {
        final long held = get(slot, KEY);
        return held == key || (held != 0 && merchantOf(held) == merchantOf(key)) ? liveCount(slot, nowMs) : 0;
    }

    /** A Try of the pair made at {@code tryMs} was confirmed: its probe is taken back if it is in the window. */
    void confirmed(final int merchantIndex, final int consumerIndex, final long tryMs, final long nowMs)
    {
        if (limit == 0)
        {
            return;
        }
        final long key = key(merchantIndex, consumerIndex);
        final int slot = find(key);
        final long count = slot >= 0 ? liveCount(slot, nowMs) : 0;
        if (count > 0 && tryMs >= windowStartMs(slot))
        {
            store(slot, key, windowStartMs(slot), count - 1);
        }
    }

    private static long key(final int merchantIndex, final int consumerIndex)
    {
        return (((long)consumerIndex << 32) | merchantIndex) + 1;
    }

    private static int merchantOf(final long key)
    {
        return (int)(key - 1);
    }

    private int firstSlot(final long key)
    {
        return (int)(StateHash.fmix(key) & setMask) * WAYS;
    }

    private int find(final long key)
    {
        final int first = firstSlot(key);
        for (int slot = first; slot < first + WAYS; slot++)
        {
            if (get(slot, KEY) == key)
            {
                return slot;
            }
        }
        return -1;
    }

    /** The slot's probes in its window; 0 when empty or when the window has ended. */
    private long liveCount(final int slot, final long nowMs)
    {
        final long state = get(slot, STATE);
        return get(slot, KEY) == 0 || nowMs - (state >> COUNT_BITS) >= WINDOW_MS ? 0 : state & COUNT_MAX;
    }

    private long windowStartMs(final int slot)
    {
        return get(slot, STATE) >> COUNT_BITS;
    }

    private long get(final int slot, final int field)
    {
        final long[] page = pages[slot >>> PAGE_SLOTS_LOG2];
        return page == null ? 0 : page[(slot & PAGE_SLOT_MASK) * STRIDE + field];
    }

    private void store(final int slot, final long key, final long windowStartMs, final long count)
    {
        long[] page = pages[slot >>> PAGE_SLOTS_LOG2];
        if (page == null)
        {
            page = newPage();
            pages[slot >>> PAGE_SLOTS_LOG2] = page;
        }
        final int at = (slot & PAGE_SLOT_MASK) * STRIDE;
        if (page[at + KEY] == 0)
        {
            filledSlots++;
        }
        page[at + KEY] = key;
        page[at + STATE] = windowStartMs << COUNT_BITS | Math.min(count, COUNT_MAX);
    }

    /** Pages allocated so far (tests: under reserve, all of them at construction). */
    int pagesAllocated()
    {
        int allocated = 0;
        for (final long[] page : pages)
        {
            allocated += page == null ? 0 : 1;
        }
        return allocated;
    }

    private long[] newPage()
    {
        return new long[Math.min(slotCount, 1 << PAGE_SLOTS_LOG2) * STRIDE];
    }

    /** Folds the filled slots with their positions; an empty table (never on) leaves the hash as it was. */
    long hash(final long hash)
    {
        if (filledSlots == 0)
        {
            return hash;
        }
        long folded = StateHash.fold(hash, slotCount);
        for (int slot = nextFilled(0); slot < slotCount; slot = nextFilled(slot + 1))
        {
            folded = StateHash.fold(StateHash.fold(StateHash.fold(folded, slot), get(slot, KEY)), get(slot, STATE));
        }
        return folded;
    }

    /** From snapshot format 19: the filled slots, each as its position, key and state. */
    void writeTo(final SnapshotWriter writer)
    {
        writer.writeLong(filledSlots);
        for (int slot = nextFilled(0); slot < slotCount; slot = nextFilled(slot + 1))
        {
            writer.writeLong(slot);
            writer.writeLong(get(slot, KEY));
            writer.writeLong(get(slot, STATE));
        }
    }

    /** The first filled slot at or after {@code from}, or {@code slotCount}; pages never reached are skipped. */
    private int nextFilled(final int from)
    {
        int slot = from;
        while (slot < slotCount)
        {
            if (pages[slot >>> PAGE_SLOTS_LOG2] == null)
            {
                slot = ((slot >>> PAGE_SLOTS_LOG2) + 1) << PAGE_SLOTS_LOG2;
            }
            else if (get(slot, KEY) != 0)
            {
                return slot;
            }
            else
            {
                slot++;
            }
        }
        return slotCount;
    }

    /** Into an empty table of the same size (the snapshot's shape holds riskPairsMax). */
    void readFrom(final SnapshotReader reader)
    {
        final long filled = reader.readLong();
        if (filled < 0 || filled > slotCount)
        {
            throw new IllegalStateException("snapshot balance-probe slots " + filled + " out of 0.." + slotCount);
        }
        int previous = -1;
        for (long i = 0; i < filled; i++)
        {
            final long slot = reader.readLong();
            final long key = reader.readLong();
            final long state = reader.readLong();
            if (slot <= previous || slot >= slotCount || key <= 0 || slot / WAYS != firstSlot(key) / WAYS)
            {
                throw new IllegalStateException("snapshot balance-probe slot " + slot + " (key " + key + ", state " +
                    state + ") out of order, out of range or not in its key's set");
            }
            store((int)slot, key, state >> COUNT_BITS, state & COUNT_MAX);
            previous = (int)slot;
        }
    }
}
