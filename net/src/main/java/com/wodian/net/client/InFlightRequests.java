package com.wodian.net.client;

import java.io.IOException;

/**
 * The requests of one {@link WodianClient} sent and not answered yet, oldest first. The server answers a
 * connection's requests in order, so this is a FIFO ring rather than a map: a reply must answer the oldest entry.
 *
 * <p>Threads: senders add at the tail under the client's send lock; the receiver thread takes from the head. With
 * reconnect each entry also keeps the stream position of its frame's end, and taking it moves
 * {@link #ackedPosition()} there: the unanswered requests are then always the bytes after that position.
 */
final class InFlightRequests
{
    /** Entries at most; a power of two (slots are indexed by position modulo the capacity). */
    static final int CAPACITY = 64 * 1024;

    private final long[] correlationIds = new long[CAPACITY];
    private final ReplyListener[] listeners = new ReplyListener[CAPACITY];
    /** With reconnect: stream position of the end of each entry's frame; null without. */
    private final long[] frameEnds;

    /**
     * Next free slot. Written under the send lock after the slot is filled; volatile so that the receiver thread,
     * which reads it, sees the slot's contents.
     */
    private volatile long tail;

    /**
     * Oldest entry. Written only by the receiver thread after it has taken the entry's contents; volatile so that a
     * sender reusing the slot reads it only after that.
     */
    private volatile long head;

    /**
     * Stream position of the end of the last answered frame; written only by the receiver thread, volatile so that
     * a sender compacting its send buffer never drops bytes of a request still unanswered.
     */
    private volatile long ackedPosition;

    InFlightRequests(final boolean keepFrameEnds)
    {
        frameEnds = keepFrameEnds ? new long[CAPACITY] : null;
    }

    long count()
    {
        return tail - head;
    }

    boolean isEmpty()
    {
        return head == tail;
    }

    boolean hasFreeSlot()
    {
        return tail - head < CAPACITY;
    }

    /** Position of the oldest entry (it changes whenever one is answered). */
    long head()
    {
        return head;
    }

    long ackedPosition()
    {
        return ackedPosition;
    }

    /** Sender, under the send lock, with a free slot: a request whose frame ends at stream position frameEnd. */
    void add(final long correlationId, final ReplyListener listener, final long frameEnd)
    {
        final long slot = tail;
        final int index = index(slot);
        correlationIds[index] = correlationId;
        listeners[index] = listener;
        if (null != frameEnds)
        {
            frameEnds[index] = frameEnd;
        }
        tail = slot + 1;
    }

    /** Receiver thread, not empty: the correlation id the next reply must carry. */
    long oldestCorrelationId()
    {
        return correlationIds[index(head)];
    }

    /** Receiver thread, not empty: removes the oldest entry (its request is answered) and returns its listener. */
    ReplyListener takeOldest()
    {
        final long oldest = head;
        final int index = index(oldest);
        final ReplyListener listener = listeners[index];
        listeners[index] = null;
        if (null != frameEnds)
        {
            ackedPosition = frameEnds[index];
        }
        head = oldest + 1;
        return listener;
    }

    /**
     * Receiver thread, once the client has failed and no request can be added any more: every unanswered request
     * hears {@link ReplyListener#onFailure} (outcome unknown), oldest first, and leaves the ring.
     */
    void failAll(final IOException cause, final System.Logger log)
    {
        Error firstError = null;
        while (!isEmpty())
        {
            final long correlationId = oldestCorrelationId();
            final ReplyListener listener = takeOldest();
            try
            {
                listener.onFailure(correlationId, cause);
            }
            catch (final RuntimeException | Error ex)
            {
                // One listener's failure must not keep the later requests from hearing.
                log.log(System.Logger.Level.WARNING, "a reply listener's onFailure threw", ex);
                if (ex instanceof Error error && null == firstError)
                {
                    firstError = error;
                }
            }
        }
        if (null != firstError)
        {
            throw firstError;
        }
    }

    private static int index(final long position)
    {
        return (int)(position & (CAPACITY - 1));
    }
}
