package com.wodian.net.server;

import com.wodian.net.gateway.GatewayContext;
import com.wodian.net.gateway.SourceLimits;
import com.wodian.net.metrics.ServerCounters;
import com.wodian.net.tls.TlsContext;
import com.wodian.protocol.CommandCatalog;
import com.wodian.protocol.sbe.ResultCode;
import org.agrona.DirectBuffer;

import java.nio.channels.Selector;

/**
 * The server's side of a gateway's {@link GatewayContext}: one per plugged gateway, built at start-up with the
 * gateway's index, it publishes through the receiver's {@link InputPublisher} (the input ring's single producer) and
 * owns the layout of gateway session ids, by which the sender routes replies back to their gateway.
 *
 * <p>A gateway session id has bit 62 set (native session ids never have it, see {@link Session}), the gateway's
 * index in bits 56-61 and the gateway's own id for the connection in bits 0-55.
 */
final class ServerGatewayContext implements GatewayContext
{
    /** Marks a gateway's session id; native session ids never have it (see {@link Session}). */
    static final long GATEWAY_SESSION_BIT = 1L << 62;
    static final int GATEWAY_INDEX_SHIFT = 56;
    static final int GATEWAY_INDEX_MAX = 63;
    static final long LOCAL_ID_MASK = (1L << GATEWAY_INDEX_SHIFT) - 1;

    private final int gatewayIndex;
    private final InputPublisher publisher;
    private final Selector selector;
    private final TlsContext tlsContext;
    private final long handshakeTimeoutMs;
    private final GatewayConfig gatewayConfig;

    ServerGatewayContext(final int gatewayIndex, final InputPublisher publisher, final Selector selector)
    {
        this(gatewayIndex, publisher, selector, null, new GatewayConfig());
    }

    ServerGatewayContext(final int gatewayIndex, final InputPublisher publisher, final Selector selector,
        final TlsContext tlsContext, final GatewayConfig gatewayConfig)
    {
        if (gatewayIndex < 0 || gatewayIndex > GATEWAY_INDEX_MAX)
        {
            throw new IllegalArgumentException("at most " + (GATEWAY_INDEX_MAX + 1) + " gateways");
        }
        this.gatewayIndex = gatewayIndex;
        this.publisher = publisher;
        this.selector = selector;
        this.tlsContext = tlsContext;
        this.handshakeTimeoutMs = gatewayConfig.logonTimeoutMs();
        this.gatewayConfig = gatewayConfig;
    }

    /** The ISO 8583 port's limits: it is the only gateway (security.md). */
    @Override
    public SourceLimits newSourceLimits()
    {
        return gatewayConfig.newIsoSourceLimits();
    }

    @Override
    public void countLimit(final ServerCounters.GatewayLimit limit)
    {
        publisher.countLimit(limit);
    }

    @Override
    public int commandsPerIdentityPerSecond()
    {
        return gatewayConfig.commandsPerPrincipalPerSecond();
    }

    @Override
    public int commandsPerIdentityBurst()
    {
        return gatewayConfig.commandsPerPrincipalBurst();
    }

    @Override
    public long handshakeTimeoutMs()
    {
        return handshakeTimeoutMs;
    }

    @Override
    public TlsContext tlsContext()
    {
        return tlsContext;
    }

    @Override
    public long sessionId(final long localId)
    {
        if (localId <= 0 || localId > LOCAL_ID_MASK)
        {
            throw new IllegalArgumentException("local session id out of range: " + localId);
        }
        return GATEWAY_SESSION_BIT | ((long)gatewayIndex << GATEWAY_INDEX_SHIFT) | localId;
    }

    /** The gateway's own id for a session id it made with {@link #sessionId(long)}. */
    static long localId(final long sessionId)
    {
        return sessionId & LOCAL_ID_MASK;
    }

    static boolean isGatewaySession(final long sessionId)
    {
        return 0 != (sessionId & GATEWAY_SESSION_BIT);
    }

    static int gatewayIndex(final long sessionId)
    {
        return (int)((sessionId >>> GATEWAY_INDEX_SHIFT) & GATEWAY_INDEX_MAX);
    }

    @Override
    public boolean hasCapacity()
    {
        return publisher.hasCapacity();
    }

    @Override
    public long timestampMs()
    {
        return publisher.timestampMs();
    }

    @Override
    public Selector selector()
    {
        return selector;
    }

    @Override
    public ResultCode publish(
        final long sessionId, final long correlationId, final DirectBuffer buffer, final int offset, final int length)
    {
        requireOwnSession(sessionId);
        requireCapacity();
        publisher.stampReceived();
        ResultCode code = CommandCatalog.checkInbound(buffer, offset, length);
        if (ResultCode.OK == code && CommandCatalog.isSession(CommandCatalog.templateId(buffer, offset)))
        {
            code = ResultCode.UNKNOWN_MESSAGE_TYPE;
        }
        if (ResultCode.OK == code)
        {
            publisher.publishMessage(sessionId, correlationId, buffer, offset, length);
        }
        else
        {
            publisher.publishReject(sessionId, correlationId, code,
                length >= CommandCatalog.HEADER_LENGTH ? CommandCatalog.templateId(buffer, offset) : 0);
        }
        return code;
    }

    @Override
    public void publishClose(final long sessionId)
    {
        requireOwnSession(sessionId);
        requireCapacity();
        publisher.publishClose(sessionId, null);
    }

    private void requireOwnSession(final long sessionId)
    {
        if (!isGatewaySession(sessionId) || gatewayIndex(sessionId) != gatewayIndex || 0 == localId(sessionId))
        {
            throw new IllegalArgumentException("not a session id of this gateway: " + Long.toHexString(sessionId));
        }
    }

    private void requireCapacity()
    {
        if (!publisher.hasCapacity())
        {
            throw new IllegalStateException("input ring full: check hasCapacity() before publishing");
        }
    }
}
