package com.wodian.net.server;

/**
 * Fixed table of {@link Session} slots shared by the receiver (which allocates slots) and the sender (which looks
 * sessions up by id and frees slots). A slot's {@code Session} object and its buffers are created the first time
 * the slot is used and reused afterwards.
 *
 * <p>The array itself is written only by the receiver, when a slot is first used, before that session's first
 * input is published; the sender reads an element only for a session id it took from the output ring, so the ring's
 * publish/consume chain orders the read after the write (see {@link Session}).
 */
final class SessionTable
{
    private final Session[] slots;
    private final int receiveBufferLength;
    private final int sendBufferLength;
    private long connectionCount;
    private int nextSlotIndex;

    SessionTable(final int sessionsMax, final int receiveBufferLength, final int sendBufferLength)
    {
        this.slots = new Session[sessionsMax];
        this.receiveBufferLength = receiveBufferLength;
        this.sendBufferLength = sendBufferLength;
    }

    int capacity()
    {
        return slots.length;
    }

    /**
     * Receiver: finds a free slot, round-robin so that a just-freed slot rests a while, and gives it a new,
     * never-repeated session id.
     *
     * @return the session, or null when every slot is in use.
     */
    Session allocate()
    {
        final int length = slots.length;
        for (int i = 0; i < length; i++)
        {
            final int index = nextSlotIndex;
            nextSlotIndex = index + 1 == length ? 0 : index + 1;

            Session session = slots[index];
            if (null == session)
            {
                session = new Session(index, receiveBufferLength, sendBufferLength);
                slots[index] = session;
                return session;
            }
            if (!session.inUse)
            {
                return session;
            }
        }
        return null;
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

    /** Only after both agents have stopped: every session that ever existed, for closing sockets. */
    Session slot(final int index)
    {
        return slots[index];
    }
}
