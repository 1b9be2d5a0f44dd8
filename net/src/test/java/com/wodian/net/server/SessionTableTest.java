package com.wodian.net.server;

import org.junit.jupiter.api.Test;

import java.util.ArrayDeque;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * The session table holds buffers for the peak of concurrently open connections, not for every connection ever
 * accepted: a reconnect storm of short sessions (refused logons) once filled every slot's direct buffers and ran
 * the server out of direct memory.
 */
class SessionTableTest
{
    private static final int SESSIONS_MAX = 1024;
    private static final int BUFFER_LENGTH = 1024;

    @Test
    void shortSessionsOneAfterAnotherReuseOneSlot()
    {
        final SessionTable table = new SessionTable(SESSIONS_MAX, BUFFER_LENGTH, BUFFER_LENGTH);
        for (int i = 0; i < 5_000; i++)
        {
            final Session session = open(table);
            assertNotNull(session, "connection " + i);
            session.releaseOnSender();
        }
        assertEquals(1, table.createdCount());
    }

    @Test
    void createsSlotsOnlyUpToThePeakOfOpenSessions()
    {
        final SessionTable table = new SessionTable(SESSIONS_MAX, BUFFER_LENGTH, BUFFER_LENGTH);
        final ArrayDeque<Session> open = new ArrayDeque<>();
        final int peak = 7;
        for (int i = 0; i < 10_000; i++)
        {
            if (open.size() == peak)
            {
                open.pollFirst().releaseOnSender();
            }
            open.addLast(open(table));
        }
        assertEquals(peak, table.createdCount());
    }

    @Test
    void refusesOnlyWhenEverySlotIsInUseAndReusesAFreedOne()
    {
        final int sessionsMax = 4;
        final SessionTable table = new SessionTable(sessionsMax, BUFFER_LENGTH, BUFFER_LENGTH);
        final Session[] sessions = new Session[sessionsMax];
        for (int i = 0; i < sessionsMax; i++)
        {
            sessions[i] = open(table);
            assertNotNull(sessions[i]);
        }
        assertNull(table.allocate());

        final long oldId = sessions[2].sessionId;
        sessions[2].releaseOnSender();
        final Session again = open(table);
        assertSame(sessions[2], again);
        assertNotEquals(oldId, again.sessionId, "a reused slot gets a new session id");
        assertNull(table.get(oldId), "an output for the old connection finds no session");
        assertSame(again, table.get(again.sessionId));
    }

    @Test
    void aFreedSlotRestsWhileAnotherFreeSlotExists()
    {
        final SessionTable table = new SessionTable(SESSIONS_MAX, BUFFER_LENGTH, BUFFER_LENGTH);
        final Session first = open(table);
        final Session second = open(table);
        first.releaseOnSender();
        second.releaseOnSender();

        final Session next = open(table);
        next.releaseOnSender();
        final Session afterThat = open(table);
        assertNotEquals(next.slotIndex, afterThat.slotIndex);
        assertEquals(2, table.createdCount());
    }

    private static Session open(final SessionTable table)
    {
        final Session session = table.allocate();
        if (null != session)
        {
            session.openOnReceiver(table.nextSessionId(session), null);
        }
        return session;
    }
}
