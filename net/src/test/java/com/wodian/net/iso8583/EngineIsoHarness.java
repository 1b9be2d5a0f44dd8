package com.wodian.net.iso8583;

import com.wodian.engine.Engine;
import com.wodian.engine.EngineConfig;
import com.wodian.protocol.CommandEncoder;
import com.wodian.protocol.sbe.BooleanType;
import com.wodian.protocol.sbe.MerchantStatementReplyDecoder;
import com.wodian.protocol.sbe.MessageHeaderDecoder;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.file.Path;

/**
 * The gateway agent on its own thread in front of an engine applied in place (no journal, no ring): the ISO
 * translation and sockets under test without the server. Commands are applied on the agent's thread, as the
 * server's single ring producer would publish them.
 */
final class EngineIsoHarness implements AutoCloseable, IsoCommandSink
{
    final Engine engine = new Engine(new EngineConfig());
    final IsoGatewayAgent agent;
    private final AgentRunner runner;
    private final CommandEncoder encoder = new CommandEncoder();
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
    private long sequence;
    private volatile long appliedCommandCount;
    /** Added to the wall clock the gateway reads: a test moves the gateway's "now" to see a message as old. */
    volatile long clockOffsetMs;
    /** When not 0, the gateway's "now" instead of the wall clock: a test that must see no time pass sets it. */
    volatile long frozenNowMs;
    /** Limits the gateway counted ({@link #countLimit}), by ordinal. */
    final java.util.concurrent.atomic.AtomicLongArray limitCounts =
        new java.util.concurrent.atomic.AtomicLongArray(com.wodian.net.metrics.ServerCounters.GatewayLimit.values().length);
    /** The command budget per terminal key the gateway asks for at construction: none unless a test gives one. */
    private final int commandsPerTerminalPerSecond;
    private final int commandsPerTerminalBurst;
    /** The per-source limits the gateway asks for at construction; none unless a test gives some. */
    private final com.wodian.net.gateway.SourceLimits sourceLimits;
    /** See the constructor; 0: the default. */
    private final long handshakeTimeoutMs;

    EngineIsoHarness(final Path keysFile) throws Exception
    {
        this(IsoGatewayConfig.of("127.0.0.1", 0, keysFile));
    }

    EngineIsoHarness(final IsoGatewayConfig config) throws Exception
    {
        this(config, new com.wodian.net.gateway.SourceLimits(0, 0, 1, 1));
    }

    EngineIsoHarness(final IsoGatewayConfig config, final com.wodian.net.gateway.SourceLimits sourceLimits)
        throws Exception
    {
        this(config, sourceLimits, 0, 1);
    }

    /**
     * @param handshakeTimeoutMs the gateway's handshake timeout, which is also the eviction floor of connections that
     *                           have not authenticated (read when the gateway is made); 0: IsoCommandSink's default.
     */
    EngineIsoHarness(final IsoGatewayConfig config, final com.wodian.net.gateway.SourceLimits sourceLimits,
        final long handshakeTimeoutMs) throws Exception
    {
        this(config, sourceLimits, 0, 1, handshakeTimeoutMs);
    }

    EngineIsoHarness(final IsoGatewayConfig config, final com.wodian.net.gateway.SourceLimits sourceLimits,
        final int commandsPerTerminalPerSecond, final int commandsPerTerminalBurst) throws Exception
    {
        this(config, sourceLimits, commandsPerTerminalPerSecond, commandsPerTerminalBurst, 0);
    }

    private EngineIsoHarness(final IsoGatewayConfig config, final com.wodian.net.gateway.SourceLimits sourceLimits,
        final int commandsPerTerminalPerSecond, final int commandsPerTerminalBurst, final long handshakeTimeoutMs)
        throws Exception
    {
        this.sourceLimits = sourceLimits;
        this.commandsPerTerminalPerSecond = commandsPerTerminalPerSecond;
        this.commandsPerTerminalBurst = commandsPerTerminalBurst;
        this.handshakeTimeoutMs = handshakeTimeoutMs;
        agent = new IsoGatewayAgent(config, this);
        runner = new AgentRunner(new BackoffIdleStrategy(1, 1, 1_000, 100_000), Throwable::printStackTrace, null,
            agent);
    }

    /** Setup before {@link #start()}: merchants, terminals, consumers with money. */
    void merchant(final long merchantId)
    {
        apply(buffer, 0, encoder.registerMerchant(buffer, 0, merchantId, 10, 100, 0, 0, false));
    }

    void terminal(final long terminalId, final long merchantId)
    {
        apply(buffer, 0, encoder.registerTerminal(buffer, 0, terminalId, merchantId));
    }

    /** Also while the agent runs (synchronized with {@link #publish}, like {@link #withdrawSettlement}). */
    synchronized void consumer(final long consumerId, final long topUpFen)
    {
        apply(buffer, 0, encoder.registerConsumer(buffer, 0, consumerId, 0));
        apply(buffer, 0, encoder.topUp(buffer, 0, consumerId, 1_000_000 + consumerId, topUpFen));
    }

    /**
     * Withdraws the merchant's whole settlement balance while the agent runs (an operator emptying it between two
     * terminal requests); synchronized with {@link #publish} so the engine is only ever applied by one thread at a
     * time.
     *
     * @return the amount withdrawn.
     */
    synchronized long withdrawSettlement(final long merchantId, final long withdrawalId)
    {
        final UnsafeBuffer query = new UnsafeBuffer(new byte[64]);
        final int queryLength = encoder.merchantStatementQuery(query, 0, merchantId);
        final long[] settlementFen = new long[1];
        engine.onQuery(query, 0, queryLength, (reply, offset, length) ->
        {
            final MerchantStatementReplyDecoder statement = new MerchantStatementReplyDecoder();
            statement.wrap(reply, offset + MessageHeaderDecoder.ENCODED_LENGTH,
                MerchantStatementReplyDecoder.BLOCK_LENGTH, MerchantStatementReplyDecoder.SCHEMA_VERSION);
            settlementFen[0] = statement.settlementFen();
        });
        apply(buffer, 0, encoder.withdraw(buffer, 0, merchantId, withdrawalId, settlementFen[0]));
        return settlementFen[0];
    }

    void start()
    {
        AgentRunner.startOnThread(runner);
    }

    long appliedCommandCount()
    {
        return appliedCommandCount;
    }

    @Override
    public com.wodian.net.gateway.SourceLimits newSourceLimits()
    {
        return sourceLimits;
    }

    @Override
    public int commandsPerTerminalPerSecond()
    {
        return commandsPerTerminalPerSecond;
    }

    @Override
    public int commandsPerTerminalBurst()
    {
        return commandsPerTerminalBurst;
    }

    @Override
    public void countLimit(final com.wodian.net.metrics.ServerCounters.GatewayLimit limit)
    {
        limitCounts.incrementAndGet(limit.ordinal());
    }

    @Override
    public boolean hasCapacity()
    {
        return true;
    }

    @Override
    public synchronized void publish(
        final long sessionId, final long correlationId, final DirectBuffer command, final int offset, final int length)
    {
        appliedCommandCount = appliedCommandCount + 1;
        engine.onCommand(++sequence, System.currentTimeMillis(), command, offset, length,
            (reply, replyOffset, replyLength) -> agent.onReply(sessionId, correlationId, reply, replyOffset,
                replyLength));
    }

    @Override
    public long sessionId(final long localId)
    {
        return (1L << 62) | localId;
    }

    @Override
    public long handshakeTimeoutMs()
    {
        return handshakeTimeoutMs > 0 ? handshakeTimeoutMs : IsoCommandSink.super.handshakeTimeoutMs();
    }

    @Override
    public org.agrona.concurrent.EpochClock clock()
    {
        return () ->
        {
            final long frozen = frozenNowMs;
            return 0 != frozen ? frozen : System.currentTimeMillis() + clockOffsetMs;
        };
    }

    @Override
    public java.nio.channels.Selector sharedSelector()
    {
        return null;
    }

    private void apply(final DirectBuffer command, final int offset, final int length)
    {
        engine.onCommand(++sequence, System.currentTimeMillis(), command, offset, length, (b, o, l) -> { });
    }

    @Override
    public void close()
    {
        runner.close();
    }
}
