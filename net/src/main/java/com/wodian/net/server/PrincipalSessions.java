package com.wodian.net.server;

import com.wodian.net.auth.CredentialStore;
import com.wodian.net.metrics.ServerCounters;
import com.wodian.protocol.sbe.ResultCode;
import com.wodian.protocol.sbe.SessionRole;

import java.util.function.Consumer;

/**
 * The POS port's sessions by identity (security review 2026-12-05 B1): a terminal or consumer identity holds at most
 * {@link GatewayConfig#sessionsPerPrincipalMax()} logged-on sessions; a logon beyond that closes the identity's oldest
 * session, with ALREADY_LOGGED_ON, so a rebooted till gets in at once and a stolen or looping credential only turns
 * over its own sessions instead of taking every slot from every merchant. Admin sessions are not capped (loadgen and
 * the tools open many; admin logons are limited by address instead). Network thread only; a logon scans the session
 * table (the logon path allocates anyway), ordinary messages never come here.
 */
final class PrincipalSessions
{
    private final SessionTable sessions;
    private final SessionClosing closing;
    private final Consumer<Session> inputEnded;
    private final ServerCounters counters;
    private final int perPrincipalMax;
    /** The credentials the sessions were last checked against, and when a rotation's grace ends next. */
    private CredentialStore checkedCredentials;
    private long nextGraceEndMs = Long.MAX_VALUE;
    /** One bounded line for closes anyone with a credential can cause at the logon rate. */
    private final RefusalWarning capCloses = new RefusalWarning("sessions per principal",
        "closing the oldest session of an identity at its {0} ({1}); {2} closed since the last such line");

    PrincipalSessions(
        final SessionTable sessions,
        final SessionClosing closing,
        final Consumer<Session> inputEnded,
        final ServerCounters counters,
        final int perPrincipalMax)
    {
        this.sessions = sessions;
        this.closing = closing;
        this.inputEnded = inputEnded;
        this.counters = counters;
        this.perPrincipalMax = perPrincipalMax;
    }

    /**
     * A session has just logged on: if its identity now holds more than the cap, its oldest other session ends.
     *
     * @param validUntilMs until when its key is valid (the end of a rotation's grace for a previous key).
     */
    void onLogon(final Session loggedOn, final long validUntilMs, final long nowMs)
    {
        nextGraceEndMs = Math.min(nextGraceEndMs, validUntilMs);
        if (0 == perPrincipalMax || SessionRole.ADMIN.value() == loggedOn.role)
        {
            return;
        }
        int others = 0;
        Session oldest = null;
        for (int i = 0, capacity = sessions.capacity(); i < capacity; i++)
        {
            final Session session = sessions.slot(i);
            if (null != session && session != loggedOn && isLoggedOnAs(session, loggedOn.role, loggedOn.principalId))
            {
                others++;
                // By session id, which grows with each accept: many connections open within one millisecond.
                if (null == oldest || session.sessionId < oldest.sessionId)
                {
                    oldest = session;
                }
            }
        }
        if (others >= perPrincipalMax)
        {
            counters.gatewayLimit(ServerCounters.GatewayLimit.PRINCIPAL_SESSIONS).incrementRelease();
            capCloses.refused(nowMs, perPrincipalMax);
            end(oldest, ResultCode.ALREADY_LOGGED_ON);
        }
    }

    /**
     * Ends every logged-on session whose credential is no longer valid: after a reload that revoked its identity or
     * rotated its key, at once, or when the rotation's grace passes (until then the old key still logs on, so its
     * sessions go on too). Called every timeout scan; does nothing unless the credentials changed or a grace ended,
     * so a scan allocates nothing in steady state (a check looks each session's identity up: it allocates).
     */
    void endRevoked(final CredentialStore credentials, final long nowMs)
    {
        if (credentials == checkedCredentials && nowMs < nextGraceEndMs)
        {
            return;
        }
        final boolean reloaded = credentials != checkedCredentials;
        checkedCredentials = credentials;
        nextGraceEndMs = Long.MAX_VALUE;
        int endedCount = 0;
        for (int i = 0, capacity = sessions.capacity(); i < capacity; i++)
        {
            final Session session = sessions.slot(i);
            if (null == session || !session.inUse || session.receiveEnded ||
                SessionGate.AUTH_DONE != session.authState)
            {
                continue;
            }
            final CredentialStore.Entry entry = credentials.find(SessionRole.get((short)session.role),
                session.principalId);
            // An admin whose kind changed (a full admin turned into a read-only operator, or back) logs on again
            // under its new rights.
            final long validUntilMs = null == entry || entry.kind() != session.adminKind ? Long.MIN_VALUE :
                entry.validUntilMs(session.storedKey);
            if (nowMs >= validUntilMs)
            {
                counters.gatewayLimit(ServerCounters.GatewayLimit.CREDENTIAL_REVOKED).incrementRelease();
                end(session, ResultCode.AUTHENTICATION_FAILED);
                endedCount++;
            }
            else
            {
                nextGraceEndMs = Math.min(nextGraceEndMs, validUntilMs);
            }
        }
        if (endedCount > 0)
        {
            WodianServer.LOG.log(System.Logger.Level.WARNING, "ended {0} logged-on sessions whose credential was " +
                "{1}", endedCount, reloaded ? "revoked or rotated (credential file reloaded)" : "rotated: grace over");
        }
    }

    /** Ends a logged-on session with {@code code}; its close is not logged (the caller counts or logs it). */
    void end(final Session session, final ResultCode code)
    {
        closing.endOnProtocolViolation(session, code);
        session.closeQuiet = true;
        inputEnded.accept(session);
    }

    private static boolean isLoggedOnAs(final Session session, final int role, final long principalId)
    {
        return session.inUse && !session.receiveEnded && SessionGate.AUTH_DONE == session.authState &&
            session.role == role && session.principalId == principalId;
    }
}
