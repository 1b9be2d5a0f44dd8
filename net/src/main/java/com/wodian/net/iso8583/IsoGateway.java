package com.wodian.net.iso8583;

import com.wodian.net.gateway.GatewayContext;
import com.wodian.net.gateway.GatewayFactory;
import org.agrona.DirectBuffer;

import java.nio.channels.Selector;

/**
 * Plugs the ISO 8583 gateway into the server: {@code serverConfig.addGateway(IsoGateway.factory(isoConfig))}. The
 * agent then runs on the server's receiving thread, registers its sockets on that thread's selector and publishes
 * into the server's input ring through the {@link GatewayContext}.
 */
public final class IsoGateway
{
    private IsoGateway()
    {
    }

    public static GatewayFactory factory(final IsoGatewayConfig config)
    {
        return (context) -> new IsoGatewayAgent(config, new ContextSink(context));
    }

    /** The server's side of {@link IsoCommandSink}. */
    private static final class ContextSink implements IsoCommandSink
    {
        private final GatewayContext context;

        ContextSink(final GatewayContext context)
        {
            this.context = context;
        }

        @Override
        public boolean hasCapacity()
        {
            return context.hasCapacity();
        }

        @Override
        public void publish(final long sessionId, final long correlationId, final DirectBuffer buffer, final int offset,
            final int length)
        {
            // A refused command comes back as an ErrorReply through onReply, in order: its code becomes DE39.
            context.publish(sessionId, correlationId, buffer, offset, length);
        }

        @Override
        public long sessionId(final long localId)
        {
            return context.sessionId(localId);
        }

        @Override
        public Selector sharedSelector()
        {
            return context.selector();
        }

        @Override
        public com.wodian.net.tls.TlsContext tlsContext()
        {
            return context.tlsContext();
        }

        @Override
        public long handshakeTimeoutMs()
        {
            return context.handshakeTimeoutMs();
        }

        @Override
        public com.wodian.net.gateway.SourceLimits newSourceLimits()
        {
            return context.newSourceLimits();
        }

        @Override
        public int commandsPerTerminalPerSecond()
        {
            return context.commandsPerIdentityPerSecond();
        }

        @Override
        public int commandsPerTerminalBurst()
        {
            return context.commandsPerIdentityBurst();
        }

        @Override
        public void countLimit(final com.wodian.net.metrics.ServerCounters.GatewayLimit limit)
        {
            context.countLimit(limit);
        }
    }
}
