package com.wodian.net.server;

/**
 * A refusal anyone can cause (a connection beyond a limit): one WARNING line per refusal would let them flood the log
 * from the thread that serves everyone (security review 2026-12-05 B3). The first refusal is said at once, later ones
 * at most every {@link #INTERVAL_MS}, with how many were refused since the last line. One writer thread; the count may
 * be read by others as a statistic.
 */
final class RefusalWarning
{
    static final long INTERVAL_MS = 10_000;

    private final String limitName;
    private final String pattern;
    private volatile long count;
    private long countWarned;
    private long lastWarningMs;
    private boolean warned;

    /** @param limitName the limit that refuses, as the line names it (e.g. "sessionsMax"). */
    RefusalWarning(final String limitName)
    {
        this(limitName, "refusing connections: {0} ({1}) reached; {2} refused since the last such line");
    }

    /** @param pattern the line, with the limit's name {0}, its value {1} and the count since the last line {2}. */
    RefusalWarning(final String limitName, final String pattern)
    {
        this.limitName = limitName;
        this.pattern = pattern;
    }

    /** Counts one refusal at {@code nowMs} and logs it if no line was written in the last interval. */
    void refused(final long nowMs, final int limit)
    {
        count++;
        if (warned && nowMs - lastWarningMs < INTERVAL_MS)
        {
            return;
        }
        WodianServer.LOG.log(System.Logger.Level.WARNING, pattern, limitName, limit, count - countWarned);
        warned = true;
        lastWarningMs = nowMs;
        countWarned = count;
    }

    /** Refusals counted since start. */
    long count()
    {
        return count;
    }
}
