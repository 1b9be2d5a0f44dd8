package com.wodian.net.server;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The logon limiter's keys (per principal at an address, per address) and its bound (docs/security.md, "Rate limits and logging"): it tracks at most {@code entriesMax} keys
 * (principals and addresses together); when full of live windows it refuses new keys, failing closed rather than
 * forgetting a scanner, and once the windows expire they are dropped and new keys are accepted again.
 */
class LogonLimiterTest
{
    private static final long WINDOW_MS = 60_000;
    /** Three failed logons, each from its own principal and address: six keys fill it. */
    private static final int ENTRIES_MAX = 6;
    private static final int FAILURES_MAX = 5;

    /**
     * Concurrency review 7: a table full of live windows no longer refuses every logon (which made the lock-out of
     * security review item 7 global); it forgets its oldest windows and stays within its bound.
     */
    @Test
    void aFullTableForgetsItsOldestWindowsInsteadOfRefusingEveryone()
    {
        final LogonLimiter limiter = new LogonLimiter(FAILURES_MAX, FAILURES_MAX, WINDOW_MS, ENTRIES_MAX);
        final long startMs = 1_000_000;
        for (int i = 0; i < 100; i++)
        {
            limiter.onFailure(principal(i), address(i), startMs + i);
            assertTrue(limiter.trackedCount() <= ENTRIES_MAX, "bounded: " + limiter.trackedCount());
        }
        assertFalse(limiter.isLimited(principal(999), address(999), startMs + 100), "a newcomer is not refused");
        assertEquals(0, limiter.refusedCount());
    }

    @Test
    void anIdentityAtItsLimitStaysLimitedWhileTheTableHasRoom()
    {
        final LogonLimiter limiter = new LogonLimiter(FAILURES_MAX, 1_000, WINDOW_MS, 1_000);
        final long nowMs = 1_000_000;
        for (int i = 0; i < FAILURES_MAX; i++)
        {
            limiter.onFailure(principal(1), address(1), nowMs);
        }
        assertTrue(limiter.isLimited(principal(1), address(1), nowMs + 1));
        limiter.onSuccess(principal(1), address(1));
        assertFalse(limiter.isLimited(principal(1), address(1), nowMs + 2), "a success clears the identity's count");
    }

    /**
     * Security review item 7: failing logons with a terminal's id from one address limits that id from that address
     * only, so nobody can lock the genuine terminal out by failing logons for it from elsewhere.
     */
    @Test
    void failuresForAnIdLimitItFromThatAddressOnly()
    {
        final LogonLimiter limiter = new LogonLimiter(FAILURES_MAX, 1_000, WINDOW_MS, 1_000);
        final long nowMs = 1_000_000;
        for (int i = 0; i < FAILURES_MAX; i++)
        {
            assertFalse(limiter.isLimited(principal(1), address(66), nowMs + i));
            limiter.onFailure(principal(1), address(66), nowMs + i);
        }
        assertTrue(limiter.isLimited(principal(1), address(66), nowMs + FAILURES_MAX), "the failing address");
        assertFalse(limiter.isLimited(principal(1), address(7), nowMs + FAILURES_MAX), "the terminal's own address");
        limiter.onSuccess(principal(1), address(7));
        assertTrue(limiter.isLimited(principal(1), address(66), nowMs + FAILURES_MAX + 1),
            "a success elsewhere does not clear the failing address's count");
    }

    private static String principal(final int i)
    {
        return LogonLimiter.principalKey(2, 1_000 + i);
    }

    private static String address(final int i)
    {
        return "10.0.0." + i;
    }
}
