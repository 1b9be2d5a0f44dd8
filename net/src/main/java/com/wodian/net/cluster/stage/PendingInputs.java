package com.wodian.net.cluster.stage;

import com.wodian.net.pipeline.InputEvent;
import com.wodian.protocol.CommandCatalog;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * The inputs a replica group's primary has taken from the input ring and not yet passed to the engine, in arrival
 * order: commands waiting for the acknowledgement policy (journal index only; their bytes are in the replicated log)
 * and the queries, gateway replies and closes queued behind them (with their bytes), so that every session's replies
 * keep the order of its requests. Preallocated; one thread.
 */
final class PendingInputs
{
    static final byte COMMAND = 1;
    static final byte PASS_THROUGH = 2;

    private final int mask;
    private final byte[] kinds;
    private final byte[] inputKinds;
    private final long[] indexes;
    private final long[] sessionIds;
    private final long[] correlationIds;
    private final int[] lengths;
    private final UnsafeBuffer bytes;
    private long head;
    private long tail;

    PendingInputs(final int capacity)
    {
        if (Integer.bitCount(capacity) != 1)
        {
            throw new IllegalArgumentException("capacity must be a power of two: " + capacity);
        }
        mask = capacity - 1;
        kinds = new byte[capacity];
        inputKinds = new byte[capacity];
        indexes = new long[capacity];
        sessionIds = new long[capacity];
        correlationIds = new long[capacity];
        lengths = new int[capacity];
        bytes = new UnsafeBuffer(new byte[capacity * CommandCatalog.MAX_MESSAGE_LENGTH]);
    }

    int size()
    {
        return (int)(tail - head);
    }

    int capacity()
    {
        return mask + 1;
    }

    boolean isEmpty()
    {
        return head == tail;
    }

    void addCommand(final long index, final long sessionId, final long correlationId)
    {
        final int slot = claim();
        kinds[slot] = COMMAND;
        indexes[slot] = index;
        sessionIds[slot] = sessionId;
        correlationIds[slot] = correlationId;
        lengths[slot] = 0;
    }

    /**
     * @param inputKind the {@link InputEvent} kind to hand to the engine stage (query, reject or close).
     */
    void addPassThrough(
        final byte inputKind,
        final long sessionId,
        final long correlationId,
        final DirectBuffer buffer,
        final int offset,
        final int length)
    {
        final int slot = claim();
        kinds[slot] = PASS_THROUGH;
        inputKinds[slot] = inputKind;
        indexes[slot] = 0;
        sessionIds[slot] = sessionId;
        correlationIds[slot] = correlationId;
        lengths[slot] = length;
        bytes.putBytes(slot * CommandCatalog.MAX_MESSAGE_LENGTH, buffer, offset, length);
    }

    byte headKind()
    {
        return kinds[(int)head & mask];
    }

    byte headInputKind()
    {
        return inputKinds[(int)head & mask];
    }

    long headIndex()
    {
        return indexes[(int)head & mask];
    }

    long headSessionId()
    {
        return sessionIds[(int)head & mask];
    }

    long headCorrelationId()
    {
        return correlationIds[(int)head & mask];
    }

    int headLength()
    {
        return lengths[(int)head & mask];
    }

    void copyHeadBytes(final byte[] destination)
    {
        final int slot = (int)head & mask;
        bytes.getBytes(slot * CommandCatalog.MAX_MESSAGE_LENGTH, destination, 0, lengths[slot]);
    }

    void removeHead()
    {
        head++;
    }

    /**
     * Turns every command still waiting into a gateway reply (the primary lost its role before they met the policy),
     * keeping each one's place in its session's order.
     */
    void replaceCommands(final DirectBuffer reply, final int length)
    {
        for (long position = head; position < tail; position++)
        {
            final int slot = (int)position & mask;
            if (kinds[slot] == COMMAND)
            {
                kinds[slot] = PASS_THROUGH;
                inputKinds[slot] = InputEvent.KIND_REJECT;
                lengths[slot] = length;
                bytes.putBytes(slot * CommandCatalog.MAX_MESSAGE_LENGTH, reply, 0, length);
            }
        }
    }

    private int claim()
    {
        if (tail - head > mask)
        {
            throw new IllegalStateException("pending inputs full: check free space before taking input");
        }
        return (int)tail++ & mask;
    }
}
