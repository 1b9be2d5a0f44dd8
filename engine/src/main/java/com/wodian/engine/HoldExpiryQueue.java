package com.wodian.engine;

/**
 * Live holds ordered by expiry: an indexed binary min-heap of record indices, so that a hold can be removed in
 * O(log n) when it is confirmed or cancelled. Ties are broken by (merchantId, paymentId) so that the order is a
 * function of the state alone, not of the order in which holds happened to be inserted.
 */
final class HoldExpiryQueue
{
    private final RecordTable records;
    private final int[] heap;
    private final int[] positionByRecord;
    private int size;

    HoldExpiryQueue(final RecordTable records, final int holdsMax, final int recordsMax)
    {
        this.records = records;
        this.heap = new int[holdsMax];
        this.positionByRecord = new int[recordsMax];
        java.util.Arrays.fill(positionByRecord, -1);
    }

    int size()
    {
        return size;
    }

    boolean isFull()
    {
        return size == heap.length;
    }

    /** @return the record of the hold expiring first, or -1 when there is none. */
    int peek()
    {
        return size == 0 ? -1 : heap[0];
    }

    void add(final int record)
    {
        if (positionByRecord[record] != -1)
        {
            throw new IllegalStateException("hold queued twice: " + record);
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
            throw new IllegalStateException("hold not queued: " + record);
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
        final long expiresA = records.get(a, RecordTable.EXPIRES_AT_MS);
        final long expiresB = records.get(b, RecordTable.EXPIRES_AT_MS);
        if (expiresA != expiresB)
        {
            return expiresA < expiresB;
        }
        final long merchantA = records.get(a, RecordTable.KEY_A);
        final long merchantB = records.get(b, RecordTable.KEY_A);
        if (merchantA != merchantB)
        {
            return merchantA < merchantB;
        }
        return records.get(a, RecordTable.KEY_B) < records.get(b, RecordTable.KEY_B);
    }
}
