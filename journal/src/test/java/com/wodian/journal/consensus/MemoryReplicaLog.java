package com.wodian.journal.consensus;

import java.util.Arrays;

/**
 * A {@link ReplicaLog} in two growable arrays, standing in for the journal in simulations. "Durable" means it
 * survives a simulated crash: the simulator keeps the object and builds a new node around it.
 */
final class MemoryReplicaLog implements ReplicaLog
{
    private long[] terms = new long[64];
    private long[] payloads = new long[64];
    private int size;

    @Override
    public long lastIndex()
    {
        return size;
    }

    @Override
    public long termAt(final long index)
    {
        if (index == 0)
        {
            return 0;
        }
        check(index);
        return terms[(int)index - 1];
    }

    @Override
    public long payloadAt(final long index)
    {
        check(index);
        return payloads[(int)index - 1];
    }

    @Override
    public void append(final long term, final long payload)
    {
        if (size > 0 && term < terms[size - 1])
        {
            throw new IllegalStateException("term went down: " + term + " after " + terms[size - 1]);
        }
        if (size == terms.length)
        {
            terms = Arrays.copyOf(terms, size * 2);
            payloads = Arrays.copyOf(payloads, size * 2);
        }
        terms[size] = term;
        payloads[size] = payload;
        size++;
    }

    @Override
    public void truncateFrom(final long index)
    {
        check(index);
        size = (int)index - 1;
    }

    private void check(final long index)
    {
        if (index < 1 || index > size)
        {
            throw new IndexOutOfBoundsException("index " + index + " not in 1.." + size);
        }
    }
}
