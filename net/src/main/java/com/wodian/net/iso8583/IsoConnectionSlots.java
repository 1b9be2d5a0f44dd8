package com.wodian.net.iso8583;

import com.wodian.net.metrics.ServerCounters.GatewayLimit;

/**
 * The ISO port's connection slots and who gives one up: a newcomer takes a free slot, else the slot of the oldest
 * connection that has not authenticated and has had its chance (security review 2026-12-05 B8), else it is refused;
 * a terminal holds at most {@link IsoGatewayConfig#connectionsPerTerminalMax()} authenticated connections, a new one
 * over the cap ends that terminal's oldest (B1). The gateway agent's thread only.
 */
final class IsoConnectionSlots
{
    /** Ends a connection the way the gateway does (socket, selection key, per-source count). */
    interface Closer
    {
        void close(IsoConnection connection);
    }

    /** Counts a limit kept, in the server's metrics ({@link IsoCommandSink#countLimit}). */
    interface LimitCounter
    {
        void count(GatewayLimit limit);
    }

    /** Makes the connection of a slot the first time the slot is used. */
    interface Factory
    {
        IsoConnection newConnection(int slotIndex);
    }

    private final IsoConnection[] connections;
    private final Factory factory;
    private final Closer closer;
    private final LimitCounter limitCounter;
    private final long evictionFloorMs;
    private final int perTerminalMax;
    /** Unauthenticated connections closed to make room for a newcomer (a statistic, read by any thread). */
    private volatile long evictedCount;
    /** Newcomers closed at once: every slot authenticated or too young to be evicted (a statistic). */
    private volatile long refusedFullCount;
    /** Authenticated connections ended because their terminal opened one more than its cap (a statistic). */
    private volatile long terminalCapClosedCount;

    /**
     * @param evictionFloorMs how long an unauthenticated connection keeps its slot whatever comes: the time a
     *                        terminal has for its TLS handshake and first signed request. Younger ones are never
     *                        evicted, so a client opening connections fast only has its own newcomers refused.
     */
    IsoConnectionSlots(final int connectionsMax, final long evictionFloorMs, final int perTerminalMax,
        final Factory factory, final Closer closer, final LimitCounter limitCounter)
    {
        this.limitCounter = limitCounter;
        this.connections = new IsoConnection[connectionsMax];
        this.evictionFloorMs = evictionFloorMs;
        this.perTerminalMax = perTerminalMax;
        this.factory = factory;
        this.closer = closer;
    }

    /** Every slot, null where never used; a closed connection stays in its slot for reuse. */
    IsoConnection[] all()
    {
        return connections;
    }

    int length()
    {
        return connections.length;
    }

    /**
     * A free slot; when every slot is taken, the slot of the oldest connection that has not authenticated (no
     * fresh MAC-valid request, no terminal certificate) and is at least the eviction floor old, closed for the
     * newcomer: sockets that only hold a slot cannot lock terminals out (security review item 5), and a churning
     * client cannot push out a terminal that is still in its handshake or before its first request (B8). Null: the
     * newcomer is refused.
     */
    IsoConnection take(final long nowMs)
    {
        final IsoConnection free = free();
        if (null != free)
        {
            return free;
        }
        IsoConnection oldest = null;
        for (final IsoConnection connection : connections)
        {
            if (!connection.authenticated && nowMs - connection.openedAtMs >= evictionFloorMs &&
                (null == oldest || connection.openedAtMs - oldest.openedAtMs < 0))
            {
                oldest = connection;
            }
        }
        if (null == oldest)
        {
            refusedFullCount = refusedFullCount + 1;
            limitCounter.count(GatewayLimit.ISO_FULL);
            return null;
        }
        evictedCount = evictedCount + 1;
        limitCounter.count(GatewayLimit.ISO_UNAUTHENTICATED_EVICTED);
        closer.close(oldest);
        return oldest;
    }

    private IsoConnection free()
    {
        for (int i = 0; i < connections.length; i++)
        {
            if (null == connections[i])
            {
                connections[i] = factory.newConnection(i);
                return connections[i];
            }
            if (!connections[i].isOpen())
            {
                return connections[i];
            }
        }
        return null;
    }

    /**
     * Called once, when {@code connection} first authenticates as {@code terminalId}: when that terminal now holds
     * more authenticated connections than its cap, its oldest other ones are closed. A rebooted till that left
     * half-open connections behind gets in; a stolen key (or a buggy reconnect loop) only rotates its own
     * connections and cannot hold the port's slots against other terminals (B1).
     */
    void onAuthenticated(final IsoConnection connection, final long terminalId)
    {
        connection.terminalId = terminalId;
        if (perTerminalMax <= 0)
        {
            return;
        }
        int held = 0;
        for (final IsoConnection other : connections)
        {
            if (isTerminals(other, terminalId))
            {
                held++;
            }
        }
        for (; held > perTerminalMax; held--)
        {
            IsoConnection oldest = null;
            for (final IsoConnection other : connections)
            {
                if (other != connection && isTerminals(other, terminalId) &&
                    (null == oldest || other.openedAtMs - oldest.openedAtMs < 0))
                {
                    oldest = other;
                }
            }
            terminalCapClosedCount = terminalCapClosedCount + 1;
            limitCounter.count(GatewayLimit.ISO_TERMINAL_CONNECTIONS);
            closer.close(oldest);
        }
    }

    private static boolean isTerminals(final IsoConnection connection, final long terminalId)
    {
        return null != connection && connection.isOpen() && connection.authenticated &&
            connection.terminalId == terminalId;
    }

    long evictedCount()
    {
        return evictedCount;
    }

    long refusedFullCount()
    {
        return refusedFullCount;
    }

    long terminalCapClosedCount()
    {
        return terminalCapClosedCount;
    }
}
