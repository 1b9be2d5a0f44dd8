package com.wodian.net.server;

import com.wodian.net.gateway.SourceLimits;
import com.wodian.protocol.sbe.ResultCode;

import java.nio.channels.SelectionKey;

/**
 * How the receiver ends a session's input, for every reason (end of stream, protocol violation, a timeout, the
 * gateway's last answer, the sender giving up): it stops reading the socket, which stays open until the sender has
 * flushed the session's last replies, and gives back the session's place in its address's count of unauthenticated
 * connections ({@link SourceLimits}). Network thread only.
 */
final class SessionClosing
{
    private final SourceLimits sourceLimits;
    private final SessionTable sessions;
    private final CommandBudgets budgets;

    SessionClosing(final SourceLimits sourceLimits, final SessionTable sessions, final CommandBudgets budgets)
    {
        this.sourceLimits = sourceLimits;
        this.sessions = sessions;
        this.budgets = budgets;
    }

    /** A connection that authenticated no longer counts against its address's limit (security review item 6). */
    void releaseIfAuthenticated(final Session session)
    {
        if (SessionGate.AUTH_DONE == session.authState)
        {
            releaseUnauthenticated(session);
        }
    }

    void releaseUnauthenticated(final Session session)
    {
        if (session.countedUnauthenticated)
        {
            session.countedUnauthenticated = false;
            sourceLimits.release(session.remoteAddress);
        }
    }

    /** Ends the session with an ErrorReply of {@code code} sent with its CLOSE; unread bytes are discarded. */
    void endOnProtocolViolation(final Session session, final ResultCode code)
    {
        session.rejectedFrameCount++;
        session.closeErrorCode = code;
        session.receiveBuffer.clear();
        endReceive(session);
    }

    /** Ends the session after the gateway's reply to its last frame; later bytes are discarded. */
    void endAfterReply(final Session session)
    {
        session.receiveBuffer.clear();
        endReceive(session);
    }

    /** Stops reading the session; its socket stays open until the sender has flushed the session's last replies. */
    void endReceive(final Session session)
    {
        releaseUnauthenticated(session);
        if (!session.receiveEnded)
        {
            sessions.onInputEnded();
            budgets.detach(session);
        }
        session.receiveEnded = true;
        final SelectionKey key = session.selectionKey;
        if (null != key)
        {
            key.cancel();
            session.selectionKey = null;
        }
    }

    /** Once the session's CLOSE is published: a line for a session that ended on an error or had frames refused. */
    static void logClose(final Session session)
    {
        if (!session.closeQuiet && (null != session.closeErrorCode || session.rejectedFrameCount > 0))
        {
            WodianServer.LOG.log(System.Logger.Level.INFO,
                "session {0} ended: error {1}, refused frames {2}",
                Long.toHexString(session.sessionId), session.closeErrorCode, session.rejectedFrameCount);
        }
    }
}
