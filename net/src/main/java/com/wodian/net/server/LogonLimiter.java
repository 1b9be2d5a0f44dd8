package com.wodian.net.server;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Counts failed logons per principal (role and id) <em>at</em> a source address, and per source address, in fixed
 * windows; once a key reaches its limit, every logon for it is refused until its window ends, without even checking
 * the proof. A success clears that principal-at-address count (not the address's: one good terminal must not launder
 * a scanner's failures).
 *
 * <p>Why not per principal alone (security review item 7): then anyone could lock any terminal out of the gateway by
 * failing five logons with its id, from anywhere. Keyed by principal and address, failures from elsewhere never lock
 * the genuine terminal out; a guesser gains nothing from spreading over addresses either, because a secret is 32
 * random bytes (docs/security.md, "Rate limits and logging").
 *
 * <p>Bounded: at most {@code entriesMax} keys are tracked. When the table is full, expired windows are dropped (at
 * most ten times a window, so that a flood of logons does not walk the table at each one); if it is still full, the
 * oldest windows are forgotten. Before (concurrency review 7) a full table refused every logon until windows
 * expired, which made item 7's lock-out global: failures from a few thousand addresses locked every terminal out.
 * Forgetting the oldest lets an attacker who fills the table fail a few more times, which gains nothing against a
 * 32-byte secret. Used only by the network thread, at logon; it allocates there, which is acceptable off the payment
 * path.
 */
final class LogonLimiter
{
    private static final class Window
    {
        long startMs;
        int failureCount;
    }

    private final int principalFailuresMax;
    private final int addressFailuresMax;
    private final long windowMs;
    private final int entriesMax;
    /** Keyed by {@link #principalAtAddress}. */
    private final Map<String, Window> byPrincipal = new LinkedHashMap<>();
    private final Map<String, Window> byAddress = new LinkedHashMap<>();
    private long refusedCount;
    private long lastPurgeMs = Long.MIN_VALUE / 2;

    LogonLimiter(final int principalFailuresMax, final int addressFailuresMax, final long windowMs,
        final int entriesMax)
    {
        this.principalFailuresMax = principalFailuresMax;
        this.addressFailuresMax = addressFailuresMax;
        this.windowMs = windowMs;
        this.entriesMax = entriesMax;
    }

    static String principalKey(final int role, final long principalId)
    {
        return role + ":" + principalId;
    }

    private static String principalAtAddress(final String principalKey, final String address)
    {
        return principalKey + "@" + address;
    }

    /** True when logons for this principal from this address, or any from this address, are refused at the moment. */
    boolean isLimited(final String principalKey, final String address, final long nowMs)
    {
        final boolean limited =
            reached(byPrincipal, principalAtAddress(principalKey, address), principalFailuresMax, nowMs) ||
            reached(byAddress, address, addressFailuresMax, nowMs);
        if (limited)
        {
            refusedCount++;
        }
        return limited;
    }

    /**
     * Records a failed logon.
     *
     * @return true when it should be logged: the first failures of a window up to the limit, so an attack cannot
     * flood the log (the refusals after it are counted in {@link #refusedCount()}).
     */
    boolean onFailure(final String principalKey, final String address, final long nowMs)
    {
        makeRoom(nowMs);
        final int principalFailures = increment(byPrincipal, principalAtAddress(principalKey, address), nowMs);
        final int addressFailures = increment(byAddress, address, nowMs);
        return principalFailures <= principalFailuresMax && addressFailures <= addressFailuresMax;
    }

    void onSuccess(final String principalKey, final String address)
    {
        byPrincipal.remove(principalAtAddress(principalKey, address));
    }

    long refusedCount()
    {
        return refusedCount;
    }

    private boolean reached(final Map<String, Window> windows, final String key, final int max, final long nowMs)
    {
        final Window window = windows.get(key);
        return null != window && nowMs - window.startMs < windowMs && window.failureCount >= max;
    }

    /** Keys tracked now (tests). */
    int trackedCount()
    {
        return byPrincipal.size() + byAddress.size();
    }

    /** Room for the two keys a failure may add: expired windows dropped, then, if need be, the oldest forgotten. */
    private void makeRoom(final long nowMs)
    {
        if (byPrincipal.size() + byAddress.size() + 2 <= entriesMax)
        {
            return;
        }
        if (nowMs - lastPurgeMs >= Math.max(1, windowMs / 10))
        {
            lastPurgeMs = nowMs;
            purge(byPrincipal, nowMs);
            purge(byAddress, nowMs);
        }
        while (byPrincipal.size() + byAddress.size() + 2 > entriesMax && byPrincipal.size() + byAddress.size() > 0)
        {
            final Map<String, Window> larger = byPrincipal.size() >= byAddress.size() ? byPrincipal : byAddress;
            final Iterator<Window> eldest = larger.values().iterator();
            eldest.next();
            eldest.remove();
        }
    }

    private int increment(final Map<String, Window> windows, final String key, final long nowMs)
    {
        Window window = windows.get(key);
        if (null == window)
        {
            window = new Window();
            window.startMs = nowMs;
            windows.put(key, window);
        }
        else if (nowMs - window.startMs >= windowMs)
        {
            window.startMs = nowMs;
            window.failureCount = 0;
        }
        return ++window.failureCount;
    }

    private void purge(final Map<String, Window> windows, final long nowMs)
    {
        for (final Iterator<Window> it = windows.values().iterator(); it.hasNext(); )
        {
            if (nowMs - it.next().startMs >= windowMs)
            {
                it.remove();
            }
        }
    }
}
