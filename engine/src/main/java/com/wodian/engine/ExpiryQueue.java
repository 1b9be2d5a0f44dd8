package com.wodian.engine;

/**
 * Things that expire (live holds, issued vouchers) ordered by expiry: an indexed binary min-heap of ids, so that an
 * entry can be removed in O(log n) when it ends another way. The order is given by an {@link Order} that breaks ties
 * by a key, so that it is a function of the state alone, not of the order in which entries happened to be added.
 */
final class ExpiryQueue
{
    /** Strict order of two ids: true when {@code a} expires first. */
    interface Order
    {
        boolean before(int a, int b);
    }

    private final Order order;
    // Both grow with use up to their limits (Growth): the heap with the entries queued, the positions with the ids.
    private int[] heap;
    private int[] positionByRecord;
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
        this.positionByRecord = new int[Growth.initialRows(idsMax, reserve)];
        java.util.Arrays.fill(positionByRecord, -1);
    }

    int size()
    {
        return size;
    }

    boolean isFull()
    {
        return size == entriesMax;
    }

    /** @return the record of the hold expiring first, or -1 when there is none. */
    int peek()
    {
        return size == 0 ? -1 : heap[0];
    }

    void add(final int record)
    {
        positionByRecord = Growth.ensure(positionByRecord, record + 1, idsMax, -1);
        heap = Growth.ensure(heap, size + 1, entriesMax, 0);
        if (positionByRecord[record] != -1)
        {
            throw new IllegalStateException("queued twice: " + record);
        }
        heap[size] = record;
        positionByRecord[record] = size;
        size++;
        siftUp(size - 1);
    }

    void remove(final int record)
    {
        final int position = positionByRecord[record];
        if (position < 0)
        {
            throw new IllegalStateException("not queued: " + record);
        }
        positionByRecord[record] = -1;
        size--;
        if (position != size)
        {
            final int last = heap[size];
            heap[position] = last;
            positionByRecord[last] = position;
            siftDown(position);
            siftUp(positionByRecord[last]);
        }
    }

    /** Writes the heap; the positions follow from it. */
    void writeTo(final SnapshotWriter writer)
    {
        writer.writeInts(heap, size);
    }

    void readFrom(final SnapshotReader reader)
    {
        final int[] restored = new int[entriesMax];
        size = reader.readInts(restored);
        heap = java.util.Arrays.copyOf(restored, Math.max(size, Growth.initialRows(entriesMax, reserve)));
        java.util.Arrays.fill(positionByRecord, -1);
        for (int position = 0; position < size; position++)
        {
            positionByRecord = Growth.ensure(positionByRecord, heap[position] + 1, idsMax, -1);
            positionByRecord[heap[position]] = position;
        }
    }

    private void siftUp(final int start)
    {
        int position = start;
        final int record = heap[position];
        while (position > 0)
        {
            final int parent = (position - 1) >>> 1;
            final int parentRecord = heap[parent];
            if (!before(record, parentRecord))
            {
                break;
            }
            heap[position] = parentRecord;
            positionByRecord[parentRecord] = position;
            position = parent;
        }
        heap[position] = record;
        positionByRecord[record] = position;
    }

    private void siftDown(final int start)
    {
        int position = start;
        final int record = heap[position];
        while (true)
        {
            final int left = 2 * position + 1;
            if (left >= size)
            {
                break;
            }
            final int right = left + 1;
            final int child = right < size && before(heap[right], heap[left]) ? right : left;
            final int childRecord = heap[child];
            if (!before(childRecord, record))
            {
                break;
            }
            heap[position] = childRecord;
            positionByRecord[childRecord] = position;
            position = child;
        }
        heap[position] = record;
        positionByRecord[record] = position;
    }

    private boolean before(final int a, final int b)
    {
        return order.before(a, b);
    }
}
