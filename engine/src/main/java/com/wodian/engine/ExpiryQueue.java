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
 * <p>Both arrays grow with use up to their limits without stalling the engine thread, as the other tables do
 * ({@link Growth}, docs/engine.md "Table growth"): the heap with the entries queued, the positions with the largest id
 * queued. A larger array is prepared off the engine thread ({@link ArrayPreparer}) and the old one's contents move to
 * it {@link #STEP_ENTRIES} at a time, from the top down ({@link #step()}, per add and per command); until they have,
 * indexes below {@code heapOldBelow} / {@code positionsOldBelow} are read and written in the old array. A position is
 * stored plus one, so that a zeroed array (a prepared one) reads as "nothing queued" without a fill.
 */
final class ExpiryQueue
{
    /** Strict order of two ids: true when {@code a} expires first. */
    interface Order
    {
        boolean before(int a, int b);
    }

    /** Heap entries or positions moved per step and array (4 KiB). */
    static final int STEP_ENTRIES = 1024;

    private final Order order;
    // Ids by heap position (entries 0 .. size - 1).
    private int[] heap;
    private int[] oldHeap;
    private int heapOldBelow;
    private ArrayPreparer.Prepared nextHeap;
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
        else if (nextHeap == null && size + 1 >= Growth.prepareAt(heap.length) && heap.length < entriesMax)
        {
            // Asked once per length (a queue's size goes up and down around the mark: the engine thread must not
            // allocate a request each time it passes); null, and asked again, while the array is small.
            nextHeap = ArrayPreparer.ints(Growth.grownLength(heap.length, heap.length + 1, entriesMax));
        }
        if (positionOf(id) != -1)
        {
            throw new IllegalStateException("queued twice: " + id);
        }
        setHeap(size, id);
        setPosition(id, size);
        size++;
        siftUp(size - 1);
        step();
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
            setHeap(position, last);
            setPosition(last, position);
            siftDown(position);
            siftUp(positionOf(last));
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

    private void setHeap(final int position, final int id)
    {
        if (position < heapOldBelow)
        {
            oldHeap[position] = id;
        }
        else
        {
            heap[position] = id;
        }
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
        heapOldBelow = heap.length;
        heap = ArrayPreparer.takeInts(nextHeap, Growth.grownLength(heap.length, size + 1, entriesMax));
        nextHeap = null;
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
            heapOldBelow = from;
            if (from == 0)
            {
                oldHeap = null;
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

    /** Writes the heap; the positions follow from it. */
    void writeTo(final SnapshotWriter writer)
    {
        finishMoving();
        writer.writeInts(heap, size);
    }

    void readFrom(final SnapshotReader reader)
    {
        finishMoving();
        nextHeap = null;
        nextPositions = null;
        final int[] restored = new int[entriesMax];
        size = reader.readInts(restored);
        heap = java.util.Arrays.copyOf(restored, Math.max(size, Growth.initialRows(entriesMax, reserve)));
        int idsNeeded = 0;
        for (int position = 0; position < size; position++)
        {
            if (heap[position] < 0 || heap[position] >= idsMax)
            {
                throw new IllegalStateException("snapshot expiry queue: id " + heap[position] + " at position " +
                    position + " is outside 0.." + (idsMax - 1));
            }
            idsNeeded = Math.max(idsNeeded, heap[position] + 1);
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

    private void siftUp(final int start)
    {
        int position = start;
        final int id = heapAt(position);
        while (position > 0)
        {
            final int parent = (position - 1) >>> 1;
            final int parentId = heapAt(parent);
            if (!order.before(id, parentId))
            {
                break;
            }
            setHeap(position, parentId);
            setPosition(parentId, position);
            position = parent;
        }
        setHeap(position, id);
        setPosition(id, position);
    }

    private void siftDown(final int start)
    {
        int position = start;
        final int id = heapAt(position);
        while (true)
        {
            final int left = 2 * position + 1;
            if (left >= size)
            {
                break;
            }
            final int right = left + 1;
            final int child = right < size && order.before(heapAt(right), heapAt(left)) ? right : left;
            final int childId = heapAt(child);
            if (!order.before(childId, id))
            {
                break;
            }
            setHeap(position, childId);
            setPosition(childId, position);
            position = child;
        }
        setHeap(position, id);
        setPosition(id, position);
    }
}
