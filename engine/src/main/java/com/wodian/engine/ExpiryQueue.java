package com.wodian.engine;

import com.wodian.engine.table.ArrayPreparer;
import com.wodian.engine.table.Growth;
import com.wodian.engine.table.SnapshotReader;
import com.wodian.engine.table.SnapshotWriter;

/**
 * Things that expire (live holds, issued vouchers) ordered by expiry: an indexed binary min-heap of ids, so that an
 * entry can be removed in O(log n) when it ends another way. The order is given by an {@link Order} that breaks ties
 * by a key, so that it is a function of the state alone, not of the order in which entries happened to be added.
 *
 * <p>Each heap entry keeps its id's expiry beside it ({@code keys}), so that a sift compares the heap's own array and
 * reads the ids' rows (through {@link Order#before}) only when two expiries are equal. With many entries queued the
 * rows a sift passes are not in cache: a compare of two rows was two misses per heap level, and a Confirm's removal
 * from ~100,000 live holds spent most of its time there (docs/engine.md "Cache lines per hot-path command", session
 * 59). The comparisons give the same answers as {@link Order#before} alone, so the heap, its snapshot and everything
 * it orders are the same.
 *
 * <p>The arrays grow with use up to their limits without stalling the engine thread, as the other tables do
 * ({@link Growth}, docs/engine.md "Table growth"): the heap and its keys with the entries queued, the positions with
 * the largest id queued. A larger array is prepared off the engine thread ({@link ArrayPreparer}) and the old one's
 * contents move to it {@link #STEP_ENTRIES} at a time, from the top down ({@link #step()}, per add and per command);
 * until they have, indexes below {@code heapOldBelow} / {@code positionsOldBelow} are read and written in the old
 * array. A position is stored plus one, so that a zeroed array (a prepared one) reads as "nothing queued" without a
 * fill.
 */
final class ExpiryQueue
{
    /** Strict order of two ids: by expiry first, then by a key of the implementation's. */
    interface Order
    {
        /** The expiry {@link #before} orders {@code id} by first: an earlier one is before, an equal one is a tie. */
        long expiresAtMs(int id);

        /** True when {@code a} expires first, or expires in the same ms and comes first by the tie's key. */
        boolean before(int a, int b);
    }

    /** Heap entries or positions moved per step and array (4 KiB). */
    static final int STEP_ENTRIES = 1024;

    private final Order order;
    // Ids by heap position (entries 0 .. size - 1), and each one's expiry (Order.expiresAtMs) at the same position.
    private int[] heap;
    private int[] oldHeap;
    private long[] keys;
    private long[] oldKeys;
    private int heapOldBelow;
    private ArrayPreparer.Prepared nextHeap;
    private ArrayPreparer.Prepared nextKeys;
    // Heap position + 1 by id; 0: not queued.
    private int[] positions;
    private int[] oldPositions;
    private int positionsOldBelow;
    private ArrayPreparer.Prepared nextPositions;
    private int size;
    private final int entriesMax;
    private final int idsMax;
    private final boolean reserve;

    ExpiryQueue(final Order order, final int entriesMax, final int idsMax, final boolean reserve)
    {
        this.order = order;
        this.entriesMax = entriesMax;
        this.idsMax = idsMax;
        this.reserve = reserve;
        this.heap = new int[Growth.initialRows(entriesMax, reserve)];
        this.keys = new long[heap.length];
        this.positions = new int[Growth.initialRows(idsMax, reserve)];
    }

    int size()
    {
        return size;
    }

    boolean isFull()
    {
        return size == entriesMax;
    }

    /** @return the id expiring first, or -1 when there is none. */
    int peek()
    {
        return size == 0 ? -1 : heapAt(0);
    }

    void add(final int id)
    {
        if (id >= positions.length)
        {
            growPositions(id + 1);
        }
        else if (nextPositions == null && id + 1 >= Growth.prepareAt(positions.length) && positions.length < idsMax)
        {
            // Null (and asked again later) while the next array is small enough to allocate on demand.
            nextPositions = ArrayPreparer.ints(Growth.grownLength(positions.length, positions.length + 1, idsMax));
        }
        if (size == heap.length)
        {
            growHeap();
        }
        else if (size + 1 >= Growth.prepareAt(heap.length) && heap.length < entriesMax)
        {
            prepareHeap();
        }
        if (positionOf(id) != -1)
        {
            throw new IllegalStateException("queued twice: " + id);
        }
        setEntry(size, id, order.expiresAtMs(id));
        setPosition(id, size);
        size++;
        siftUp(size - 1);
        step();
    }

    /**
     * Asks for the next heap and keys arrays, each once per length (a queue's size goes up and down around the mark:
     * the engine thread must not allocate a request each time it passes); null, and asked again, while it is small.
     */
    private void prepareHeap()
    {
        final int grown = Growth.grownLength(heap.length, heap.length + 1, entriesMax);
        if (nextHeap == null)
        {
            nextHeap = ArrayPreparer.ints(grown);
        }
        if (nextKeys == null)
        {
            nextKeys = ArrayPreparer.longs(grown);
        }
    }

    /**
     * Loads the line of {@code id}'s position ahead of an {@link #add} of it (a Try's new record, which may be any of
     * the record table's: under many queued holds that line is not in cache). Changes nothing. @return the value read
     */
    int touchPosition(final int id)
    {
        return positionOf(id);
    }

    void remove(final int id)
    {
        final int position = positionOf(id);
        if (position < 0)
        {
            throw new IllegalStateException("not queued: " + id);
        }
        setPosition(id, -1);
        size--;
        if (position != size)
        {
            final int last = heapAt(size);
            setEntry(position, last, keyAt(size));
            setPosition(last, position);
            if (siftDown(position) == position)
            {
                // Moved down, it is after its new parent (a child that came up): only where it stayed can it go up.
                siftUp(position);
            }
        }
    }

    /** The id at a heap position below {@link #size()} (for checks of a loaded snapshot). */
    int idAt(final int position)
    {
        return heapAt(position);
    }

    private int heapAt(final int position)
    {
        return position < heapOldBelow ? oldHeap[position] : heap[position];
    }

    private long keyAt(final int position)
    {
        return position < heapOldBelow ? oldKeys[position] : keys[position];
    }

    private void setEntry(final int position, final int id, final long key)
    {
        if (position < heapOldBelow)
        {
            oldHeap[position] = id;
            oldKeys[position] = key;
        }
        else
        {
            heap[position] = id;
            keys[position] = key;
        }
    }

    /**
     * {@link Order#before} of id {@code a} with expiry {@code keyA} and the entry at {@code positionB}: from the keys
     * unless they are equal, so that the entry's id (a line apart from its key) is read only then.
     */
    private boolean before(final long keyA, final int a, final long keyB, final int positionB)
    {
        return keyA != keyB ? keyA < keyB : order.before(a, heapAt(positionB));
    }

    /** @return the heap position of {@code id}, or -1 when it is not queued (or beyond the positions held). */
    private int positionOf(final int id)
    {
        if (id >= positions.length)
        {
            return -1;
        }
        return (id < positionsOldBelow ? oldPositions[id] : positions[id]) - 1;
    }

    private void setPosition(final int id, final int position)
    {
        if (id < positionsOldBelow)
        {
            oldPositions[id] = position + 1;
        }
        else
        {
            positions[id] = position + 1;
        }
    }

    private void growHeap()
    {
        finishMoving();
        oldHeap = heap;
        oldKeys = keys;
        heapOldBelow = heap.length;
        final int grown = Growth.grownLength(heap.length, size + 1, entriesMax);
        heap = ArrayPreparer.takeInts(nextHeap, grown);
        keys = ArrayPreparer.takeLongs(nextKeys, grown);
        nextHeap = null;
        nextKeys = null;
    }

    private void growPositions(final int idsNeeded)
    {
        finishMoving();
        oldPositions = positions;
        positionsOldBelow = positions.length;
        positions = ArrayPreparer.takeInts(nextPositions, Growth.grownLength(positions.length, idsNeeded, idsMax));
        nextPositions = null;
    }

    /**
     * Moves up to {@link #STEP_ENTRIES} heap entries and positions of a growth to the larger arrays; per add and per
     * command. @return true while something is left to move.
     */
    boolean step()
    {
        if (heapOldBelow > 0)
        {
            final int from = Math.max(0, heapOldBelow - STEP_ENTRIES);
            System.arraycopy(oldHeap, from, heap, from, heapOldBelow - from);
            System.arraycopy(oldKeys, from, keys, from, heapOldBelow - from);
            heapOldBelow = from;
            if (from == 0)
            {
                oldHeap = null;
                oldKeys = null;
            }
        }
        if (positionsOldBelow > 0)
        {
            final int from = Math.max(0, positionsOldBelow - STEP_ENTRIES);
            System.arraycopy(oldPositions, from, positions, from, positionsOldBelow - from);
            positionsOldBelow = from;
            if (from == 0)
            {
                oldPositions = null;
            }
        }
        return heapOldBelow > 0 || positionsOldBelow > 0;
    }

    boolean moving()
    {
        return heapOldBelow > 0 || positionsOldBelow > 0;
    }

    void finishMoving()
    {
        while (step())
        {
            // bounded: each step moves entries or ends the moving
        }
    }

    /** Writes the heap; the positions and keys follow from it. */
    void writeTo(final SnapshotWriter writer)
    {
        finishMoving();
        writer.writeInts(heap, size);
    }

    void readFrom(final SnapshotReader reader)
    {
        finishMoving();
        nextHeap = null;
        nextKeys = null;
        nextPositions = null;
        final int[] restored = new int[entriesMax];
        size = reader.readInts(restored);
        heap = java.util.Arrays.copyOf(restored, Math.max(size, Growth.initialRows(entriesMax, reserve)));
        keys = new long[heap.length];
        int idsNeeded = 0;
        for (int position = 0; position < size; position++)
        {
            if (heap[position] < 0 || heap[position] >= idsMax)
            {
                throw new IllegalStateException("snapshot expiry queue: id " + heap[position] + " at position " +
                    position + " is outside 0.." + (idsMax - 1));
            }
            idsNeeded = Math.max(idsNeeded, heap[position] + 1);
            keys[position] = order.expiresAtMs(heap[position]);
        }
        if (idsNeeded > positions.length)
        {
            positions = new int[Growth.grownLength(positions.length, idsNeeded, idsMax)];
        }
        else
        {
            java.util.Arrays.fill(positions, 0);
        }
        for (int position = 0; position < size; position++)
        {
            if (positions[heap[position]] != 0)
            {
                throw new IllegalStateException("snapshot expiry queue: id " + heap[position] + " twice");
            }
            positions[heap[position]] = position + 1;
        }
    }

    /** {@link Order#before} of the entries at two positions, from their keys unless they are equal. */
    private boolean entryBefore(final int positionA, final int positionB)
    {
        final long keyA = keyAt(positionA);
        final long keyB = keyAt(positionB);
        return keyA != keyB ? keyA < keyB : order.before(heapAt(positionA), heapAt(positionB));
    }

    private void siftUp(final int start)
    {
        int position = start;
        final int id = heapAt(position);
        final long key = keyAt(position);
        while (position > 0)
        {
            final int parent = (position - 1) >>> 1;
            final long parentKey = keyAt(parent);
            if (!before(key, id, parentKey, parent))
            {
                break;
            }
            final int parentId = heapAt(parent);
            setEntry(position, parentId, parentKey);
            setPosition(parentId, position);
            position = parent;
        }
        setEntry(position, id, key);
        setPosition(id, position);
    }

    /** @return the position the entry at {@code start} ends at. */
    private int siftDown(final int start)
    {
        int position = start;
        final int id = heapAt(position);
        final long key = keyAt(position);
        while (true)
        {
            final int left = 2 * position + 1;
            if (left >= size)
            {
                break;
            }
            final int right = left + 1;
            final int child = right < size && entryBefore(right, left) ? right : left;
            final long childKey = keyAt(child);
            if (childKey != key ? childKey > key : !order.before(heapAt(child), id))
            {
                break;
            }
            final int childId = heapAt(child);
            setEntry(position, childId, childKey);
            setPosition(childId, position);
            position = child;
        }
        setEntry(position, id, key);
        setPosition(id, position);
        return position;
    }
}
