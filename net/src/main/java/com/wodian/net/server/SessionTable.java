package com.wodian.net.server;

/**
 * Fixed table of {@link Session} slots shared by the receiver (which allocates slots) and the sender (which looks
 * sessions up by id and frees slots). A slot's {@code Session} object and its buffers are created when no existing
 * slot is free, and reused afterwards.
 *
 * <p>The array itself is written only by the receiver, when a slot is first used, before that session's first
 * input is published; the sender reads an element only for a session id it took from the output ring, so the ring's
 * publish/consume chain orders the read after the write (see {@link Session}).
 */
final class SessionTable
{
    /**
     * Slots beyond {@code sessionsMax} for sessions being closed: a connection evicted to admit a newcomer holds its
     * slot until the sender has closed it, so the newcomer takes one of these meanwhile (at most 16: each slot's
     * buffers are created on first use).
     */
    static final int CLOSING_RESERVE_MAX = 16;

    private final Session[] slots;
    private final int sessionsMax;
    /** Sessions accepted whose input has not ended (receiver only): what {@code sessionsMax} limits. */
    private int openCount;
    private final int receiveBufferLength;
    private final int sendBufferLength;
    private long connectionCount;
    private int nextSlotIndex;
    /** Slots 0 .. createdCount - 1 hold a session; the rest are still null. */
    private int createdCount;

    SessionTable(final int sessionsMax, final int receiveBufferLength, final int sendBufferLength)
    {
        this(sessionsMax, 0, receiveBufferLength, sendBufferLength);
    }

    /** @param closingReserve slots beyond {@code sessionsMax} for sessions being closed. */
    SessionTable(final int sessionsMax, final int closingReserve, final int receiveBufferLength,
        final int sendBufferLength)
    {
        this.slots = new Session[sessionsMax + closingReserve];
        this.sessionsMax = sessionsMax;
        this.receiveBufferLength = receiveBufferLength;
        this.sendBufferLength = sendBufferLength;
    }

    /** The closing reserve for a table of {@code sessionsMax} sessions: within the session id's slot bits. */
    static int closingReserveFor(final int sessionsMax)
    {
        return Math.max(0, Math.min(Math.min(CLOSING_RESERVE_MAX, sessionsMax),
            (int)(Session.SLOT_INDEX_MASK + 1) - sessionsMax));
    }

    /** Every slot, the closing reserve included. */
    int capacity()
    {
        return slots.length;
    }

    int sessionsMax()
    {
        return sessionsMax;
    }

    /** Receiver: sessions open (accepted, input not ended). */
    int openCount()
    {
        return openCount;
    }

    /** Receiver: a session was admitted. */
    void onOpened()
    {
        openCount++;
    }

    /** Receiver: a session's input ended (it is closing), or its set-up failed. */
    void onInputEnded()
    {
        openCount--;
    }

    /**
     * Receiver: finds a free slot and gives it a new, never-repeated session id. Slots that already hold a session
     * (and its buffers) are reused first, round-robin so that a just-freed slot rests a while; a new slot, and its
     * buffers, is created only when every existing one is in use. So the direct memory held follows the peak number
     * of open connections, not the number of connections ever accepted: a storm of refused logons must not fill
     * every slot's buffers (it once exhausted the direct-memory limit after ~4,000 short sessions).
     *
     * @return the session, or null when every slot is in use.
     */
    Session allocate()
    {
        for (int i = 0; i < createdCount; i++)
        {
            final int index = nextSlotIndex;
            nextSlotIndex = index + 1 >= createdCount ? 0 : index + 1;
            final Session session = slots[index];
            if (!session.inUse)
            {
                return session;
            }
        }
        if (createdCount == slots.length)
        {
            return null;
        }
        final Session session = new Session(createdCount, receiveBufferLength, sendBufferLength);
        slots[createdCount] = session;
        createdCount++;
        return session;
    }

    /** The number of slots that hold a session and its buffers (the peak of concurrently open connections). */
    int createdCount()
    {
        return createdCount;
    }

    /** Receiver: the id for the next connection in the given slot; never 0 (0 is the server's own session). */
    long nextSessionId(final Session session)
    {
        connectionCount++;
        return (connectionCount << Session.SLOT_INDEX_BITS) | session.slotIndex;
    }

    /**
     * Either thread: the session currently holding this id, or null when the slot has moved on to another
     * connection or was never used.
     */
    Session get(final long sessionId)
    {
        final int index = Session.slotIndex(sessionId);
        if (index >= slots.length)
        {
            return null;
        }
        final Session session = slots[index];
        return null != session && session.sessionId == sessionId ? session : null;
    }

    /**
     * A slot's session, null when never used: for the receiver (which alone writes the array), or for any thread
     * after both agents have stopped (closing sockets).
     */
    Session slot(final int index)
    {
        return slots[index];
    }
}
