package com.wodian.net.gateway;

import com.wodian.net.metrics.ServerCounters;
import com.wodian.net.tls.TlsContext;
import com.wodian.protocol.CommandCatalog;
import com.wodian.protocol.sbe.ResultCode;
import org.agrona.DirectBuffer;

import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;

/**
 * What a {@link GatewayAgent} may use of the server, all on the receiving thread: the input ring (through the same
 * single producer as the native protocol, so inputs keep one monotonic time order), its own session ids, and the
 * receiving thread's selector. The server implements it (com.wodian.net.server); a gateway sees only this interface,
 * so that a gateway's package and the server's depend on this package and never on each other.
 *
 * <p>A gateway is trusted in process: it authenticates and authorizes its clients itself (for example by terminal
 * keys and MACs) before it publishes a command for them. The server checks each message's shape as it does for
 * native clients ({@link CommandCatalog#checkInbound}); session-layer messages (Logon, Heartbeat) are native only.
 */
public interface GatewayContext
{
    /** Attach one to a channel registered on {@link #selector()}: the receiver hands it that channel's keys. */
    @FunctionalInterface
    interface SelectionHandler
    {
        /** Called on the receiving thread for a ready key; returns the work done (0 for none). */
        int onSelected(SelectionKey key);
    }

    /**
     * The server's per-source limits before authentication, a fresh set for a gateway's port (the ISO 8583 one, the
     * only gateway: its own per-address cap, 64 by default; security.md).
     */
    SourceLimits newSourceLimits();

    /**
     * Counts one connection a gateway refused or ended to keep one of its limits, in
     * {@code wodian_gateway_limits_total{reason}}: on the receiving thread, as it happens.
     */
    void countLimit(ServerCounters.GatewayLimit limit);

    /**
     * The server's command budget per terminal or consumer identity (the POS port's, {@code
     * wodian.net.commands.per.principal.per.second}): messages a second, 0 for none; a gateway applies it to its own
     * identities (the ISO 8583 port: per terminal key).
     */
    int commandsPerIdentityPerSecond();

    /** Messages an identity may send at once before {@link #commandsPerIdentityPerSecond()} applies. */
    int commandsPerIdentityBurst();

    /** The server's logon timeout: a gateway's TLS handshake must complete within it, as on the POS port. */
    long handshakeTimeoutMs();

    /** The server's TLS key material, for a gateway's port to speak TLS as the POS port does; null for clear text. */
    TlsContext tlsContext();

    /**
     * The server-wide session id of this gateway's connection {@code localId} (1 to 2^56-1, never reused by the
     * gateway while replies may still come): replies to inputs published under it come back to this gateway.
     *
     * @throws IllegalArgumentException when {@code localId} is out of that range.
     */
    long sessionId(long localId);

    /** True when one input can be published now; when false, keep the bytes and try again next duty cycle. */
    boolean hasCapacity();

    /** Monotonic wall-clock time of the receiving thread (the time inputs are stamped with). */
    long timestampMs();

    /** The receiving thread's selector: register channels with a {@link SelectionHandler} as attachment. */
    Selector selector();

    /**
     * Publishes an SBE message (header and body) for one of this gateway's sessions. A message that fails the
     * server's checks is answered with an ErrorReply through {@link GatewayAgent#onReply}, in order.
     *
     * @return {@link ResultCode#OK} when published for the engine, else the code of the ErrorReply published.
     * @throws IllegalArgumentException when {@code sessionId} is not one of this gateway's.
     * @throws IllegalStateException    when the ring has no room: check {@link #hasCapacity()} first.
     */
    ResultCode publish(long sessionId, long correlationId, DirectBuffer buffer, int offset, int length);

    /**
     * Publishes a session's last input: after the replies to its earlier inputs, the gateway gets
     * {@link GatewayAgent#onSessionClosed}. Publish nothing more for the session afterwards.
     *
     * @throws IllegalArgumentException when {@code sessionId} is not one of this gateway's.
     * @throws IllegalStateException    when the ring has no room: check {@link #hasCapacity()} first.
     */
    void publishClose(long sessionId);
}
