package com.wodian.net.server;

import com.wodian.protocol.CommandCatalog;
import com.wodian.protocol.sbe.ResultCode;
import org.agrona.DirectBuffer;

import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;

/**
 * What a {@link GatewayAgent} may use of the server, all on the receiving thread: the input ring (through the same
 * single producer as the native protocol, so inputs keep one monotonic time order), its own session ids, and the
 * receiving thread's selector.
 *
 * <p>A gateway is trusted in process: it authenticates and authorizes its clients itself (for example by terminal
 * keys and MACs) before it publishes a command for them. The server checks each message's shape as it does for
 * native clients ({@link CommandCatalog#checkInbound}); session-layer messages (Logon, Heartbeat) are native only.
 */
public final class GatewayContext
{
    /** Marks a gateway's session id; native session ids never have it (see {@link Session}). */
    static final long GATEWAY_SESSION_BIT = 1L << 62;
    static final int GATEWAY_INDEX_SHIFT = 56;
    static final int GATEWAY_INDEX_MAX = 63;
    static final long LOCAL_ID_MASK = (1L << GATEWAY_INDEX_SHIFT) - 1;

    /** Attach one to a channel registered on {@link #selector()}: the receiver hands it that channel's keys. */
    @FunctionalInterface
    public interface SelectionHandler
    {
        /** Called on the receiving thread for a ready key; returns the work done (0 for none). */
        int onSelected(SelectionKey key);
    }

    private final int gatewayIndex;
    private final InputPublisher publisher;
    private final Selector selector;
    private final com.wodian.net.tls.TlsContext tlsContext;
    private final long handshakeTimeoutMs;
    private final GatewayConfig gatewayConfig;

    GatewayContext(final int gatewayIndex, final InputPublisher publisher, final Selector selector)
    {
        this(gatewayIndex, publisher, selector, null, new GatewayConfig());
    }

    GatewayContext(final int gatewayIndex, final InputPublisher publisher, final Selector selector,
        final com.wodian.net.tls.TlsContext tlsContext, final GatewayConfig gatewayConfig)
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

    /**
     * The server's per-source limits before authentication, a fresh set for a gateway's port (the ISO 8583 one, the
     * only gateway: its own per-address cap, 64 by default; security.md).
     */
    public SourceLimits newSourceLimits()
    {
        return gatewayConfig.newIsoSourceLimits();
    }

    /**
     * Counts one connection a gateway refused or ended to keep one of its limits, in
     * {@code wodian_gateway_limits_total{reason}}: on the receiving thread, as it happens.
     */
    public void countLimit(final com.wodian.net.metrics.ServerCounters.GatewayLimit limit)
    {
        publisher.countLimit(limit);
    }

    /**
     * The server's command budget per terminal or consumer identity (the POS port's, {@code
     * wodian.net.commands.per.principal.per.second}): messages a second, 0 for none; a gateway applies it to its own
     * identities (the ISO 8583 port: per terminal key).
     */
    public int commandsPerIdentityPerSecond()
    {
        return gatewayConfig.commandsPerPrincipalPerSecond();
    }

    /** Messages an identity may send at once before {@link #commandsPerIdentityPerSecond()} applies. */
    public int commandsPerIdentityBurst()
    {
        return gatewayConfig.commandsPerPrincipalBurst();
    }

    /** The server's logon timeout: a gateway's TLS handshake must complete within it, as on the POS port. */
    public long handshakeTimeoutMs()
    {
        return handshakeTimeoutMs;
    }

    /** The server's TLS key material, for a gateway's port to speak TLS as the POS port does; null for clear text. */
    public com.wodian.net.tls.TlsContext tlsContext()
    {
        return tlsContext;
    }

    /**
     * The server-wide session id of this gateway's connection {@code localId} (1 to 2^56-1, never reused by the
     * gateway while replies may still come): replies to inputs published under it come back to this gateway.
     */
    public long sessionId(final long localId)
    {
        if (localId <= 0 || localId > LOCAL_ID_MASK)
        {
            throw new IllegalArgumentException("local session id out of range: " + localId);
        }
        return GATEWAY_SESSION_BIT | ((long)gatewayIndex << GATEWAY_INDEX_SHIFT) | localId;
    }

    /** The gateway's own id for a session id it made with {@link #sessionId(long)}. */
    public static long localId(final long sessionId)
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

    /** True when one input can be published now; when false, keep the bytes and try again next duty cycle. */
    public boolean hasCapacity()
    {
        return publisher.hasCapacity();
    }

    /** Monotonic wall-clock time of the receiving thread (the time inputs are stamped with). */
    public long timestampMs()
    {
        return publisher.timestampMs();
    }

    /** The receiving thread's selector: register channels with a {@link SelectionHandler} as attachment. */
    public Selector selector()
    {
        return selector;
    }

    /**
     * Publishes an SBE message (header and body) for one of this gateway's sessions. A message that fails the
     * server's checks is answered with an ErrorReply through {@link GatewayAgent#onReply}, in order.
     *
     * @return {@link ResultCode#OK} when published for the engine, else the code of the ErrorReply published.
     * @throws IllegalStateException when the ring has no room: check {@link #hasCapacity()} first.
     */
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

    /**
     * Publishes a session's last input: after the replies to its earlier inputs, the gateway gets
     * {@link GatewayAgent#onSessionClosed}. Publish nothing more for the session afterwards.
     */
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
