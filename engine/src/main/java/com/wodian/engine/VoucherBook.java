package com.wodian.engine;

import com.wodian.engine.table.ArrayPreparer;
import com.wodian.engine.table.Growth;
import com.wodian.engine.table.RowBook;
import com.wodian.engine.table.SnapshotReader;
import com.wodian.engine.table.SnapshotWriter;
import com.wodian.engine.table.StateHash;
import com.wodian.protocol.sbe.VoucherState;

/**
 * Vouchers, with ids assigned in sequence. A slot is reused only when its voucher has ended (redeemed or expired),
 * oldest ended first, so a voucher stays queryable for as long as the space allows; live vouchers are never
 * forgotten, and issuing more live vouchers than {@code capacity} is refused ({@code LIMIT_VOUCHERS}).
 *
 * <p>The slots are a {@link RowBook} (one row per slot, the voucher id in field 0, an {@link IdIndex} from id to slot),
 * so they grow like the party books: the larger arrays are prepared off the engine thread and the rows and the id map
 * move in bounded steps ({@link #step()}, per issue and per command). Slots are reused only once all of them are in
 * use, i.e. after the last growth. The ended ring grows the same way while its head is at 0 (nothing is reclaimed
 * before every slot has been used, so its entries are a prefix); the expiry heap of issued vouchers is an
 * {@link ExpiryQueue}, which grows in steps too.
 *
 * <p>A voucher is money a consumer holds at a merchant: it is issued, reserved, released, ended and restored only with
 * the ledger's key ({@link Ledger.Key}).
 */
final class VoucherBook extends RowBook implements ExpiryQueue.Order
{
    static final int STRIDE = 8;
    static final int ID = 0;
    static final int CONSUMER_INDEX = 1;
    static final int MERCHANT_INDEX = 2;
    static final int VALUE_FEN = 3;
    static final int EXPIRES_AT_MS = 4;
    static final int STATE = 5;

    /** Ended-ring entries moved per step (512 x 12 bytes). */
    static final int ENDED_STEP_ENTRIES = 512;

    private static final int ISSUED = VoucherState.ISSUED.value();
    private static final int RESERVED = VoucherState.RESERVED.value();

    private final int capacity;
    // Ended vouchers in the order they ended (slot and id), so that the oldest is reclaimed first: a ring of a power
    // of two length.
    private int[] endedSlots;
    private long[] endedIds;
    private int endedHead;
    private int endedSize;
    // While the ring's entries move to larger arrays after a growth (head at 0): positions below endedOldBelow are
    // still in the old arrays.
    private int[] endedOldSlots;
    private long[] endedOldIds;
    private int endedOldBelow;
    private ArrayPreparer.Prepared endedNextSlots;
    private ArrayPreparer.Prepared endedNextIds;
    private int liveCount;
    private long nextId = 1;
    final ExpiryQueue expiry;

    VoucherBook(final int capacity, final boolean reserve)
    {
        super(capacity, STRIDE, reserve);
        this.capacity = capacity;
        this.endedSlots = new int[Integer.highestOneBit(Growth.initialRows(capacity, reserve) * 2 - 1)];
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
        return indexOf(voucherId);
    }

    /**
     * Issues the next voucher id (the ledger's, with its key); the caller checked {@link #freeCount()}.
     *
     * @return its slot
     */
    int issue(final Ledger.Key key, final int consumerIndex, final int merchantIndex, final long valueFen,
        final long expiresAtMs)
    {
        Ledger.Key.check(key);
        final long id = nextId;
        final int slot;
        if (!isFull())
        {
            slot = addRow(id);
        }
        else
        {
            slot = reclaimOldestEnded();
            replaceId(slot, id);
        }
        nextId++;
        set(slot, CONSUMER_INDEX, consumerIndex);
        set(slot, MERCHANT_INDEX, merchantIndex);
        set(slot, VALUE_FEN, valueFen);
        set(slot, EXPIRES_AT_MS, expiresAtMs);
        set(slot, STATE, ISSUED);
        liveCount++;
        expiry.add(slot);
        return slot;
    }

    /** The slot of the voucher that ended first and is still ended; its entry leaves the ring. */
    private int reclaimOldestEnded()
    {
        while (true)
        {
            if (endedSize == 0)
            {
                throw new IllegalStateException("no voucher slot although " + liveCount + " < " + capacity);
            }
            final int candidate = endedSlotAt(endedHead);
            final long candidateId = endedIdAt(endedHead);
            endedHead = (endedHead + 1) & (endedSlots.length - 1);
            endedSize--;
            // A voucher restored by a refund after it ended is live again: its stale entry is skipped.
            if (get(candidate, ID) == candidateId && !isLive(candidate))
            {
                return candidate;
            }
        }
    }

    long lastId()
    {
        return nextId - 1;
    }

    boolean isLive(final int slot)
    {
        final long state = get(slot, STATE);
        return state == ISSUED || state == RESERVED;
    }

    /** ISSUED to RESERVED: a live Try pins the voucher, so it does not expire under the hold. */
    void reserve(final Ledger.Key key, final int slot)
    {
        Ledger.Key.check(key);
        expiry.remove(slot);
        set(slot, STATE, RESERVED);
    }

    /** RESERVED back to ISSUED (the caller expires it instead when its validity has passed). */
    void unreserve(final Ledger.Key key, final int slot)
    {
        Ledger.Key.check(key);
        set(slot, STATE, ISSUED);
        expiry.add(slot);
    }

    /** Ends a live voucher (REDEEMED or EXPIRED). */
    void end(final Ledger.Key key, final int slot, final VoucherState state)
    {
        Ledger.Key.check(key);
        if (get(slot, STATE) == ISSUED)
        {
            expiry.remove(slot);
        }
        set(slot, STATE, state.value());
        liveCount--;
        if (endedSize == endedSlots.length)
        {
            growEnded();
        }
        else if (endedNextIds == null && endedSlots.length < capacity &&
            endedSize + 1 >= Growth.prepareAt(endedSlots.length))
        {
            // Ahead of a growth, off the engine thread when large: asked once per length, and only while the ring is
            // shorter than the slots (a ring of that length outgrows them only by vouchers restored and ended again;
            // asking for it anyway would allocate a doubled ring in a steady state that never uses it).
            endedNextSlots = ArrayPreparer.ints(endedSlots.length << 1);
            endedNextIds = ArrayPreparer.longs(endedSlots.length << 1);
        }
        final int tail = (endedHead + endedSize) & (endedSlots.length - 1);
        setEnded(tail, slot, get(slot, ID));
        endedSize++;
        stepEnded();
    }

    private int endedSlotAt(final int position)
    {
        return position < endedOldBelow ? endedOldSlots[position] : endedSlots[position];
    }

    private long endedIdAt(final int position)
    {
        return position < endedOldBelow ? endedOldIds[position] : endedIds[position];
    }

    private void setEnded(final int position, final int slot, final long id)
    {
        if (position < endedOldBelow)
        {
            endedOldSlots[position] = slot;
            endedOldIds[position] = id;
        }
        else
        {
            endedSlots[position] = slot;
            endedIds[position] = id;
        }
    }

    /**
     * Doubles the ended ring (a voucher can end, be restored and end again: the ring may hold a slot twice). With its
     * head at 0 (no slot reclaimed yet) the entries are a prefix and move in steps ({@link #stepEnded()}); a ring that
     * is full with its head elsewhere (every slot in use and more ended entries than the ring holds, which takes
     * vouchers restored and ended again) is copied at once.
     */
    private void growEnded()
    {
        finishMovingEnded();
        final int length = endedSlots.length << 1;
        final int[] slots = ArrayPreparer.takeInts(endedNextSlots, length);
        final long[] ids = ArrayPreparer.takeLongs(endedNextIds, length);
        endedNextSlots = null;
        endedNextIds = null;
        if (endedHead == 0)
        {
            endedOldSlots = endedSlots;
            endedOldIds = endedIds;
            endedOldBelow = endedSize;
        }
        else
        {
            for (int i = 0; i < endedSize; i++)
            {
                final int from = (endedHead + i) & (endedSlots.length - 1);
                slots[i] = endedSlots[from];
                ids[i] = endedIds[from];
            }
            endedHead = 0;
        }
        endedSlots = slots;
        endedIds = ids;
    }

    /** Moves up to {@link #ENDED_STEP_ENTRIES} ended-ring entries of a growth. @return true while some are left. */
    private boolean stepEnded()
    {
        if (endedOldBelow == 0)
        {
            return false;
        }
        final int from = Math.max(0, endedOldBelow - ENDED_STEP_ENTRIES);
        System.arraycopy(endedOldSlots, from, endedSlots, from, endedOldBelow - from);
        System.arraycopy(endedOldIds, from, endedIds, from, endedOldBelow - from);
        endedOldBelow = from;
        if (from == 0)
        {
            endedOldSlots = null;
            endedOldIds = null;
            return false;
        }
        return true;
    }

    private void finishMovingEnded()
    {
        while (stepEnded())
        {
            // bounded: each step moves entries or ends the moving
        }
    }

    /**
     * One bounded step of every growth in this book (rows, id map, ended ring, expiry heap); per command, before it.
     * @return true while something is left to move.
     */
    boolean stepAll()
    {
        final boolean rowsLeft = step();
        final boolean endedLeft = stepEnded();
        return expiry.step() | rowsLeft | endedLeft;
    }

    /** An ended (redeemed) voucher becomes ISSUED again, for a full refund. */
    void restore(final Ledger.Key key, final int slot)
    {
        Ledger.Key.check(key);
        set(slot, STATE, ISSUED);
        liveCount++;
        expiry.add(slot);
    }

    int state(final int slot)
    {
        return (int)get(slot, STATE);
    }

    /** A voucher's expiry: the vouchers' order is by it first ({@link #before}). */
    @Override
    public long expiresAtMs(final int slot)
    {
        return get(slot, EXPIRES_AT_MS);
    }

    @Override
    public boolean before(final int a, final int b)
    {
        final long expiresA = get(a, EXPIRES_AT_MS);
        final long expiresB = get(b, EXPIRES_AT_MS);
        return expiresA != expiresB ? expiresA < expiresB : get(a, ID) < get(b, ID);
    }

    @Override
    public void writeTo(final SnapshotWriter writer)
    {
        finishMovingEnded();
        writer.writeLong(count());
        writer.writeLong(endedSize);
        writer.writeLong(liveCount);
        writer.writeLong(nextId);
        writeRowsTo(writer);
        for (int i = 0; i < endedSize; i++)
        {
            final int at = (endedHead + i) & (endedSlots.length - 1);
            writer.writeLong(endedSlots[at]);
            writer.writeLong(endedIds[at]);
        }
        expiry.writeTo(writer);
    }

    /** Restores what {@link #writeTo} wrote; each used slot holds one id, so the id map is rebuilt from the rows. */
    @Override
    public void readFrom(final SnapshotReader reader)
    {
        finishMovingEnded();
        final long usedCount = reader.readLong();
        final long endedCount = reader.readLong();
        liveCount = (int)reader.readLong();
        nextId = reader.readLong();
        // Every count is bounded before it sizes an array: a snapshot's payload is loaded while its checksum is still
        // being verified beside the load (SnapshotStore.loadNewest), so a damaged count must fail here, not allocate.
        if (usedCount < 0 || usedCount > capacity || endedCount < 0 || endedCount > capacity)
        {
            throw new IllegalStateException("snapshot voucher counts " + usedCount + "/" + endedCount +
                " do not fit the limit " + capacity);
        }
        endedSize = (int)endedCount;
        readRowsFrom(reader, usedCount);
        endedHead = 0;
        endedNextSlots = null;
        endedNextIds = null;
        final int length = Integer.highestOneBit(Math.max(endedSlots.length, endedSize) * 2 - 1);
        if (length != endedSlots.length)
        {
            endedSlots = new int[length];
            endedIds = new long[length];
        }
        for (int i = 0; i < endedSize; i++)
        {
            final long slot = reader.readLong();
            if (slot < 0 || slot >= usedCount)
            {
                throw new IllegalStateException("snapshot ended-voucher ring: slot " + slot + " at " + i + " of " +
                    usedCount + " slots");
            }
            endedSlots[i] = (int)slot;
            endedIds[i] = reader.readLong();
        }
        expiry.readFrom(reader);
        checkLoaded();
    }

    /**
     * What the state hash does not cover must still be sound before the engine runs on it (fuzz-review finding 4):
     * the expiry heap holds issued vouchers of used slots, and the live count is the live slots'.
     */
    private void checkLoaded()
    {
        for (int position = 0; position < expiry.size(); position++)
        {
            final int slot = expiry.idAt(position);
            if (slot >= count() || get(slot, STATE) != ISSUED)
            {
                throw new IllegalStateException("snapshot voucher expiry queue: slot " + slot + " is not an issued " +
                    "voucher of the " + count() + " slots");
            }
        }
        int live = 0;
        for (int slot = 0; slot < count(); slot++)
        {
            live += isLive(slot) ? 1 : 0;
        }
        if (live != liveCount)
        {
            throw new IllegalStateException(
                "snapshot vouchers: " + liveCount + " live counted, " + live + " live slots");
        }
    }

    /**
     * The rows' contents, the next id and the live count; not which slot holds which voucher (a sum of row hashes)
     * nor the ended ring (which slot is reused next): the state hash of engines without VOUCHER_LAYOUT_HASH.
     */
    @Override
    public long hash(final long seed)
    {
        return StateHash.fold(StateHash.fold(StateHash.fold(seed, nextId), liveCount), rowsHashSum(false));
    }

    /**
     * As {@link #hash}, and the layout (engine setting VOUCHER_LAYOUT_HASH, det-review C3): each row's hash starts
     * from its slot, so a voucher in another slot hashes apart (clients see slots: ConsumerVouchersReply's order and
     * cursor), and the ended ring's (slot, id) entries follow in order (the order its slots are reused in), as the
     * snapshot writes them.
     */
    long hashWithLayout(final long seed)
    {
        long hash = StateHash.fold(StateHash.fold(StateHash.fold(seed, nextId), liveCount), rowsHashSum(true));
        hash = StateHash.fold(hash, endedSize);
        for (int i = 0; i < endedSize; i++)
        {
            final int at = (endedHead + i) & (endedSlots.length - 1);
            hash = StateHash.fold(StateHash.fold(hash, endedSlotAt(at)), endedIdAt(at));
        }
        return hash;
    }

    private long rowsHashSum(final boolean withSlot)
    {
        long sum = 0;
        for (int slot = 0; slot < count(); slot++)
        {
            long rowHash = withSlot ? StateHash.fold(23, slot) : 23;
            for (int i = 0; i < STRIDE; i++)
            {
                rowHash = StateHash.fold(rowHash, get(slot, i));
            }
            sum += StateHash.finish(rowHash);
        }
        return sum;
    }
}
