package com.wodian.engine.table;

/**
 * A map from a long id to a row index (an int, at least 0) that only grows: open addressing with linear probing, each
 * slot a pair of longs (id, index + 1; 0 marks an empty slot, so a fresh zeroed array is an empty map), at most half
 * full. It replaces Agrona's {@code Long2LongHashMap} for the engine's tables because that map rehashes all its entries
 * at once when it grows, on the engine thread.
 *
 * <p>Here a growth does not stall: the larger slot array is allocated ahead of need ({@link ArrayPreparer}); after a
 * growth the old array's entries are copied over {@link #STEP_SLOTS} slots per {@link #step()} (per insert and per
 * command), and a lookup that misses in the new array looks in the old one until the copying is done. Entries are
 * copied, not moved, so the old array's probe runs stay whole. An id leaves the map only when {@link #replace}d by
 * another (a reused voucher slot), which finishes any copying first.
 */
public final class IdIndex
{
    /** Old slots copied per step (16 KiB). */
    public static final int STEP_SLOTS = 1024;
    /** Ids re-added together by {@link #stage}: their home slots' cache misses overlap. */
    public static final int STAGE_GROUP = 32;

    private long[] slots;
    private int mask;
    private long[] oldSlots;
    private int oldMask;
    private int oldCursor;
    private ArrayPreparer.Prepared next;
    private int size;
    private final int slotsMax;
    /** Ids waiting in {@link #stage} for their group's home slots to be loaded together. */
    private final long[] stagedIds = new long[STAGE_GROUP];
    private final int[] stagedIndexes = new int[STAGE_GROUP];
    private int staged;
    /** What the staged loads read, kept so the JIT keeps the loads. */
    private long stagedTouch;

    /** A map sized for {@code entries} ids that may grow to hold {@code entriesMax}. */
    public IdIndex(final int entries, final int entriesMax)
    {
        this.slotsMax = slotsFor(entriesMax);
        this.slots = new long[2 * slotsFor(entries)];
        this.mask = slots.length / 2 - 1;
    }

    /** Slots for {@code entries}: a power of two at least twice as many. */
    private static int slotsFor(final int entries)
    {
        return Integer.highestOneBit(Math.max(8, entries) * 2 - 1) << 1;
    }

    private static int home(final long id, final int mask)
    {
        // Fibonacci hashing: one multiply, the high bits (well mixed for ids handed out in sequence).
        return (int)((id * 0x9E3779B97F4A7C15L) >>> 32) & mask;
    }

    /** @return the index of {@code id}, or -1 when it is unknown. */
    public int get(final long id)
    {
        final int index = getIn(slots, mask, id);
        return index >= 0 || oldSlots == null ? index : getIn(oldSlots, oldMask, id);
    }

    private static int getIn(final long[] slots, final int mask, final long id)
    {
        int slot = home(id, mask);
        while (true)
        {
            final long value = slots[2 * slot + 1];
            if (value == 0)
            {
                return -1;
            }
            if (slots[2 * slot] == id)
            {
                return (int)value - 1;
            }
            slot = (slot + 1) & mask;
        }
    }

    /**
     * Loads the line of {@code id}'s home slot and returns its value slot, changing nothing: the first stage of the
     * batch prefetch (an address computed from the id alone, so a batch's loads are independent and overlap).
     */
    public long touchHome(final long id)
    {
        return slots[2 * home(id, mask) + 1];
    }

    /** Adds an id that is not in the map (the caller checked). */
    public void put(final long id, final int index)
    {
        if (2 * (size + 1) > mask + 1)
        {
            grow();
        }
        else if (size + 1 == Growth.prepareAt((mask + 1) / 2) && mask + 1 < slotsMax)
        {
            next = ArrayPreparer.longs(4 * (mask + 1));
        }
        putIn(slots, mask, id, index + 1L);
        size++;
        step();
    }

    /**
     * Adds an id that is not in the map, as {@link #put}, but in groups (snapshot restore, a million ids whose home
     * slots are random lines of a large array): a group's home slots are loaded first, one independent load each, so
     * their cache misses overlap, and then the ids are put in the order staged. Call {@link #flushStaged()} after the
     * last one. The map is the same as after the same {@link #put} calls.
     */
    public void stage(final long id, final int index)
    {
        stagedIds[staged] = id;
        stagedIndexes[staged] = index;
        if (++staged == STAGE_GROUP)
        {
            flushStaged();
        }
    }

    /** Puts the ids {@link #stage}d so far. */
    public void flushStaged()
    {
        long touch = 0;
        for (int i = 0; i < staged; i++)
        {
            touch += slots[2 * home(stagedIds[i], mask) + 1];
        }
        stagedTouch += touch;
        for (int i = 0; i < staged; i++)
        {
            put(stagedIds[i], stagedIndexes[i]);
        }
        staged = 0;
    }

    private static void putIn(final long[] slots, final int mask, final long id, final long value)
    {
        int slot = home(id, mask);
        while (slots[2 * slot + 1] != 0)
        {
            slot = (slot + 1) & mask;
        }
        slots[2 * slot] = id;
        slots[2 * slot + 1] = value;
    }

    /**
     * Gives {@code oldId}'s slot of the map to {@code newId} at {@code index} (a voucher slot reused for a new
     * voucher): {@code oldId} is removed by backward-shift deletion (the entries after it in its probe run move back,
     * so runs stay whole and no tombstone is left) and {@code newId} put; the size does not change, so nothing grows.
     * Finishes a growth's copying first (bounded; a table that reuses slots is full, so its map's last growth ended
     * long before).
     *
     * @throws IllegalStateException when {@code oldId} is not in the map.
     */
    public void replace(final long oldId, final long newId, final int index)
    {
        finishMoving();
        int hole = home(oldId, mask);
        while (slots[2 * hole] != oldId || slots[2 * hole + 1] == 0)
        {
            if (slots[2 * hole + 1] == 0)
            {
                throw new IllegalStateException("id " + oldId + " is not in the map");
            }
            hole = (hole + 1) & mask;
        }
        int next = (hole + 1) & mask;
        while (slots[2 * next + 1] != 0)
        {
            // The entry at next may fill the hole when the hole lies on its probe path, from its home up to next.
            final int homeOfNext = home(slots[2 * next], mask);
            if (((next - homeOfNext) & mask) >= ((next - hole) & mask))
            {
                slots[2 * hole] = slots[2 * next];
                slots[2 * hole + 1] = slots[2 * next + 1];
                hole = next;
            }
            next = (next + 1) & mask;
        }
        slots[2 * hole] = 0;
        slots[2 * hole + 1] = 0;
        putIn(slots, mask, newId, index + 1L);
    }

    private void grow()
    {
        finishMoving();
        oldSlots = slots;
        oldMask = mask;
        oldCursor = 0;
        slots = ArrayPreparer.takeLongs(next, 4 * (mask + 1));
        next = null;
        mask = slots.length / 2 - 1;
    }

    /**
     * Grows the slot array now, in one pass over the old one, to what growth by doublings would reach for
     * {@code entries} ids (capped at the limit), instead of by doublings while they are added.
     */
    public void reserveFor(final int entries)
    {
        finishMoving();
        final int slotsNeeded = Math.min(slotsMax, slotsFor(entries));
        if (slotsNeeded <= mask + 1)
        {
            return;
        }
        final long[] old = slots;
        slots = new long[2 * slotsNeeded];
        mask = slotsNeeded - 1;
        next = null;
        for (int slot = 0; slot < old.length; slot += 2)
        {
            if (old[slot + 1] != 0)
            {
                putIn(slots, mask, old[slot], old[slot + 1]);
            }
        }
    }

    /** Copies up to {@link #STEP_SLOTS} old slots of a growth. @return true while some are left. */
    public boolean step()
    {
        if (oldSlots == null)
        {
            return false;
        }
        final int end = Math.min(oldMask + 1, oldCursor + STEP_SLOTS);
        for (int slot = oldCursor; slot < end; slot++)
        {
            final long value = oldSlots[2 * slot + 1];
            if (value != 0)
            {
                putIn(slots, mask, oldSlots[2 * slot], value);
            }
        }
        oldCursor = end;
        if (end == oldMask + 1)
        {
            oldSlots = null;
            return false;
        }
        return true;
    }

    public boolean moving()
    {
        return oldSlots != null;
    }

    public void finishMoving()
    {
        while (step())
        {
            // bounded: each step copies slots or ends the copying
        }
    }

    public int size()
    {
        return size;
    }

    /** Empties the map, keeping its arrays. */
    public void clear()
    {
        finishMoving();
        java.util.Arrays.fill(slots, 0);
        size = 0;
    }

    /**
     * Empties the map and sizes it for {@code entries} ids at once (a snapshot being restored knows how many it will
     * add), so that adding them grows nothing: one allocation instead of a doubling, a hand-off to the preparer and a
     * copy per power of two on the way. Slots are what the map would have grown to, so later growth is unchanged.
     */
    public void clearFor(final int entries)
    {
        final int slotsNeeded = Math.min(slotsMax, slotsFor(entries));
        next = null;
        if (slotsNeeded <= mask + 1)
        {
            clear();
            return;
        }
        oldSlots = null;
        slots = new long[2 * slotsNeeded];
        mask = slotsNeeded - 1;
        size = 0;
    }
}
