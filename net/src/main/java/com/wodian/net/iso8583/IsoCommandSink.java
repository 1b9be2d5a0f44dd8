package com.wodian.net.iso8583;

import org.agrona.DirectBuffer;

/**
 * Where the ISO gateway puts the commands it translated: the server's input ring, through the same publisher the
 * native gateway uses, on the same thread (the ring has a single producer). The gateway checks
 * {@link #hasCapacity()} before it takes a frame off a socket, so a full ring slows terminals down through TCP.
 */
public interface IsoCommandSink
{
    boolean hasCapacity();

    /** Publishes a well-formed command; its reply must come back through {@link IsoGatewayAgent#onReply}. */
    void publish(long sessionId, long correlationId, DirectBuffer buffer, int offset, int length);

    /** The server-wide session id of the gateway's connection {@code localId} (> 0, never reused). */
    long sessionId(long localId);

    /**
     * The selector of the thread the gateway runs on, to register its channels with; null when the gateway runs
     * alone and selects its own channels.
     */
    java.nio.channels.Selector sharedSelector();

    /** TLS key material for the gateway's port (the server's); null for clear text. */
    default com.wodian.net.tls.TlsContext tlsContext()
    {
        return null;
    }

    /**
     * How long a TLS client may take to complete its handshake before its connection is closed (the server's logon
     * timeout: on the POS port the same deadline covers the handshake and the logon).
     */
    default long handshakeTimeoutMs()
    {
        return 10_000;
    }

    /** Counts a connection refused or ended to keep a limit of the port ({@code wodian_gateway_limits_total}). */
    default void countLimit(final com.wodian.net.metrics.ServerCounters.GatewayLimit limit)
    {
    }

    /**
     * The command budget per terminal key: requests a second, sustained ({@link IsoCommandBudget}); 0 for none (the
     * default here). The server's is the POS port's budget per identity (wodian.net.commands.per.principal.*).
     */
    default int commandsPerTerminalPerSecond()
    {
        return 0;
    }

    /** Requests a terminal key may send at once before {@link #commandsPerTerminalPerSecond()} applies. */
    default int commandsPerTerminalBurst()
    {
        return 1;
    }

    /** Per source address limits before authentication for the gateway's port (docs/security.md); none here. */
    default com.wodian.net.gateway.SourceLimits newSourceLimits()
    {
        return new com.wodian.net.gateway.SourceLimits(0, 0, 1, 1);
    }

    /**
     * The gateway thread's wall clock (epoch ms): receive times for DE7's freshness check, and deadlines. Tests give
     * one they can move; the engine never reads a clock, the gateway may.
     */
    default org.agrona.concurrent.EpochClock clock()
    {
        return org.agrona.concurrent.SystemEpochClock.INSTANCE;
    }
}
