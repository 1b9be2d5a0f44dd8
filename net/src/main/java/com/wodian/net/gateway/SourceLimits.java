package com.wodian.net.gateway;

import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Per source address limits on the work anyone can make a port do before authenticating (security review item 6;
 * docs/security.md, "Per-source limits before authentication"): at most {@code unauthenticatedMax} connections from
 * one address that have not logged on (so one address cannot take every slot of the port), and, on a TLS port, a
 * token bucket of handshakes per address (a handshake costs about a millisecond of the network thread's CPU, so an
 * address that opens and drops TLS connections in a loop would otherwise take that thread for itself).
 *
 * <p>A connection over either limit is closed at accept, before any handshake or read. The limits are per port and
 * used by one thread (the network thread, at accept and at a connection's logon or end); they allocate there, as the
 * logon path does. Bounded: at most {@code entriesMax} buckets are kept; a full table makes room for a new address by
 * forgetting the bucket used longest ago when it has refilled (forgetting it loses nothing), else a TLS connection from
 * an address without a bucket is refused (fail closed, as the server's {@code LogonLimiter} does). One bucket is looked
 * at, not the table: a full table no longer costs a pass over up to {@code entriesMax} buckets per new address on the
 * network thread (concurrency review 9). Every bucket used longer ago than a refill period (the burst at the rate) has
 * refilled, so a refusal means every kept address made a handshake within that period. The unauthenticated counts
 * need no bound beyond the port's connection limit: an address's entry goes when its last unauthenticated
 * connection does.
 *
 * <p>It lives with the gateway interfaces because both the server's POS port and a plugged gateway's port (ISO 8583)
 * keep a set: the server hands a gateway a fresh one ({@link GatewayContext#newSourceLimits()}).
 */
public final class SourceLimits
{
    /** The source address of an accepted connection as the limits key it (the IP address's text). */
    public static String addressOf(final java.nio.channels.SocketChannel channel) throws java.io.IOException
    {
        final java.net.SocketAddress address = channel.getRemoteAddress();
        return address instanceof java.net.InetSocketAddress ?
            ((java.net.InetSocketAddress)address).getAddress().getHostAddress() : String.valueOf(address);
    }

    /** What {@link #tryAdmit} decided. */
    public enum Admission
    {
        ADMITTED,
        /** The address holds {@code unauthenticatedMax} connections that have not authenticated. */
        TOO_MANY_UNAUTHENTICATED,
        /** The address's TLS handshakes exceed the rate (or the bucket table is full). */
        HANDSHAKE_RATE
    }

    private static final class Bucket
    {
        double tokens;
        long lastMs;
    }

    private static final class Count
    {
        int value;
    }

    private final int unauthenticatedMax;
    private final double handshakesPerMs;
    private final int handshakeBurst;
    private final int entriesMax;
    private final Map<String, Count> unauthenticated = new HashMap<>();
    /** In access order: the first is the bucket used longest ago. */
    private final LinkedHashMap<String, Bucket> buckets = new LinkedHashMap<>(16, 0.75f, true);
    private volatile long refusedCount;

    /**
     * @param unauthenticatedMax  connections per address before authentication; 0 for no limit.
     * @param handshakesPerSecond TLS handshakes per address per second, sustained; 0 for no limit.
     * @param handshakeBurst      TLS handshakes per address at once (the bucket's size).
     * @param entriesMax          buckets kept at most.
     */
    public SourceLimits(final int unauthenticatedMax, final int handshakesPerSecond, final int handshakeBurst,
        final int entriesMax)
    {
        this.unauthenticatedMax = unauthenticatedMax;
        this.handshakesPerMs = handshakesPerSecond / 1_000.0;
        this.handshakeBurst = handshakeBurst;
        this.entriesMax = entriesMax;
    }

    /**
     * Decides on a newly accepted connection; when admitted, it counts as unauthenticated until {@link #release}.
     *
     * @param tls whether the connection will start with a TLS handshake (only those take a token).
     */
    public Admission tryAdmit(final String address, final boolean tls, final long nowMs)
    {
        final Count count = unauthenticated.get(address);
        if (unauthenticatedMax > 0 && null != count && count.value >= unauthenticatedMax)
        {
            refusedCount = refusedCount + 1;
            return Admission.TOO_MANY_UNAUTHENTICATED;
        }
        if (tls && handshakesPerMs > 0 && !takeToken(address, nowMs))
        {
            refusedCount = refusedCount + 1;
            return Admission.HANDSHAKE_RATE;
        }
        final Count counted = null != count ? count : new Count();
        if (null == count)
        {
            unauthenticated.put(address, counted);
        }
        counted.value++;
        return Admission.ADMITTED;
    }

    /** The connection admitted from this address authenticated or ended: it no longer counts. Call once per admit. */
    public void release(final String address)
    {
        final Count count = unauthenticated.get(address);
        if (null != count && --count.value <= 0)
        {
            unauthenticated.remove(address);
        }
    }

    /** Connections refused at accept by these limits so far (any thread). */
    public long refusedCount()
    {
        return refusedCount;
    }

    private boolean takeToken(final String address, final long nowMs)
    {
        Bucket bucket = buckets.get(address);
        if (null == bucket)
        {
            if (buckets.size() >= entriesMax && !forgetLeastRecentIfRefilled(nowMs))
            {
                return false;
            }
            bucket = new Bucket();
            bucket.tokens = handshakeBurst;
            bucket.lastMs = nowMs;
            buckets.put(address, bucket);
        }
        else if (nowMs > bucket.lastMs)
        {
            bucket.tokens = Math.min(handshakeBurst, bucket.tokens + (nowMs - bucket.lastMs) * handshakesPerMs);
            bucket.lastMs = nowMs;
        }
        if (bucket.tokens < 1)
        {
            return false;
        }
        bucket.tokens -= 1;
        return true;
    }

    /** Drops the bucket used longest ago if it would be full by now; true when room was made. */
    private boolean forgetLeastRecentIfRefilled(final long nowMs)
    {
        final Iterator<Bucket> eldest = buckets.values().iterator();
        if (!eldest.hasNext())
        {
            return false; // a table of no entries
        }
        final Bucket bucket = eldest.next();
        if (bucket.tokens + (nowMs - bucket.lastMs) * handshakesPerMs >= handshakeBurst)
        {
            eldest.remove();
            return true;
        }
        return false;
    }
}
