package com.wodian.journal.consensus;

import java.util.Arrays;

/**
 * A {@link ReplicaLog} in two growable arrays, standing in for the journal in simulations. "Durable" means it
 * survives a simulated crash: the simulator keeps the object and builds a new node around it.
 */
final class MemoryReplicaLog implements ReplicaLog
{
    /** What {@link #payloadAt} returns for an entry journal retention removed. */
    static final long PRUNED = Long.MIN_VALUE;

    /** What {@link #termAt} returns below the index a snapshot install started the log after: those terms are gone. */
    static final long UNKNOWN_TERM = -1;

    private long[] terms = new long[64];
    private long[] payloads = new long[64];
    private int size;
    /** Entries below this index were removed by retention: their terms stay (the term history), payloads do not. */
    private long retainedFrom = 1;

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
        return index < retainedFrom ? PRUNED : payloads[(int)index - 1];
    }

    /** Journal retention: the payloads of entries below {@code index} are gone. */
    void pruneBelow(final long index)
    {
        retainedFrom = Math.max(retainedFrom, Math.min(index, size + 1L));
    }

    long retainedFrom()
    {
        return retainedFrom;
    }

    @Override
    public long startIndex()
    {
        return retainedFrom - 1;
    }

    @Override
    public void resetToSnapshot(final long index, final long term)
    {
        if (index < 1)
        {
            throw new IllegalArgumentException("snapshot index " + index);
        }
        while (terms.length < index)
        {
            terms = Arrays.copyOf(terms, terms.length * 2);
            payloads = Arrays.copyOf(payloads, payloads.length * 2);
        }
        Arrays.fill(terms, 0, (int)index - 1, UNKNOWN_TERM);
        Arrays.fill(payloads, 0, (int)index, PRUNED);
        terms[(int)index - 1] = term;
        size = (int)index;
        retainedFrom = index + 1;
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
        if (index < retainedFrom)
        {
            throw new IllegalStateException("truncation from " + index + " below the retained entries " +
                retainedFrom + ": retention removed committed entries only, so this cuts committed ones");
        }
        size = (int)index - 1;
    }

    private void check(final long index)
    {
        if (index < 1 || index > size)
        {
            throw new IndexOutOfBoundsException("index " + index + " not in 1.." + size);
        }
    }

    /** A copy (a backup of the node's journal). */
    MemoryReplicaLog copy()
    {
        final MemoryReplicaLog copy = new MemoryReplicaLog();
        copy.terms = terms.clone();
        copy.payloads = payloads.clone();
        copy.size = size;
        copy.retainedFrom = retainedFrom;
        return copy;
    }
}
