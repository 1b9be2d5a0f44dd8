package com.wodian.perf;

import com.wodian.engine.Engine;
import com.wodian.engine.EngineConfig;
import com.wodian.engine.ReplySink;
import com.wodian.protocol.CommandEncoder;
import com.wodian.protocol.MessageText;
import com.wodian.protocol.ReplyCodes;
import com.wodian.protocol.sbe.ResultCode;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteOrder;
import java.util.SplittableRandom;

/**
 * An engine driven directly, without journal or network, populated with merchants, terminals and topped-up
 * consumers for benchmarks. It owns the sequence and the input clock: sequences are contiguous from 1 and input time
 * advances one millisecond every {@link #COMMANDS_PER_MS} commands, so that finished keys age and the record table
 * evicts in steady state.
 *
 * <p>Ids: merchants {@code 1..merchantCount}; terminal {@code t} of merchant {@code m} is
 * {@link #terminalId(long, int)}; consumers {@code 1..consumerCount}. Every third merchant is outside the alliance;
 * every consumer has a home merchant, so alliance shares are paid on most cross-merchant sales.
 */
public final class EngineFixture
{
    /** A fixed input epoch (2024-01-01T00:00:00Z): runs are reproducible, and no clock is read. */
    public static final long START_MS = 1_704_067_200_000L;
    /** Input time advances one millisecond per this many commands (a power of two: a shift on the hot path). */
    public static final int COMMANDS_PER_MS_SHIFT = 4;
    public static final int COMMANDS_PER_MS = 1 << COMMANDS_PER_MS_SHIFT;

    private final Engine engine;
    private final int merchantCount;
    private final int terminalsPerMerchant;
    private final int consumerCount;
    private final CommandEncoder encoder = new CommandEncoder();
    private final UnsafeBuffer scratch = new UnsafeBuffer(new byte[256]);
    private final RequireOkSink requireOk = new RequireOkSink();
    private long sequence;

    private EngineFixture(
        final Engine engine, final int merchantCount, final int terminalsPerMerchant, final int consumerCount)
    {
        this.engine = engine;
        this.merchantCount = merchantCount;
        this.terminalsPerMerchant = terminalsPerMerchant;
        this.consumerCount = consumerCount;
    }

    /**
     * Builds an engine and registers the population: merchants with non-zero pool, alliance and fee rates,
     * terminals, consumers with a random home merchant, and one top-up of {@code topUpFen} per consumer.
     */
    public static EngineFixture populate(
        final EngineConfig config,
        final int merchantCount,
        final int terminalsPerMerchant,
        final int consumerCount,
        final long topUpFen,
        final long seed)
    {
        final EngineFixture fixture = new EngineFixture(
            new Engine(config), merchantCount, terminalsPerMerchant, consumerCount);
        final SplittableRandom random = new SplittableRandom(seed);
        final CommandEncoder encoder = fixture.encoder;
        final UnsafeBuffer scratch = fixture.scratch;
        for (long merchantId = 1; merchantId <= merchantCount; merchantId++)
        {
            final int length = encoder.registerMerchant(scratch, 0, merchantId,
                1 + (int)(merchantId % 10), 200, 100, 30, merchantId % 3 != 0);
            fixture.applyRequiringOk(scratch, 0, length);
            for (int t = 0; t < terminalsPerMerchant; t++)
            {
                fixture.applyRequiringOk(scratch, 0,
                    encoder.registerTerminal(scratch, 0, terminalId(merchantId, t), merchantId));
            }
        }
        for (long consumerId = 1; consumerId <= consumerCount; consumerId++)
        {
            final long homeMerchantId = 1 + random.nextInt(merchantCount);
            fixture.applyRequiringOk(scratch, 0, encoder.registerConsumer(scratch, 0, consumerId, homeMerchantId));
            fixture.applyRequiringOk(scratch, 0, encoder.topUp(scratch, 0, consumerId, consumerId, topUpFen));
        }
        fixture.engine.verifyInvariants();
        return fixture;
    }

    public static long terminalId(final long merchantId, final int terminalIndex)
    {
        return merchantId * 100 + terminalIndex + 1;
    }

    /** Input time of the command with this sequence. */
    public static long timestampMs(final long sequence)
    {
        return START_MS + (sequence >> COMMANDS_PER_MS_SHIFT);
    }

    public Engine engine()
    {
        return engine;
    }

    public int merchantCount()
    {
        return merchantCount;
    }

    public int terminalsPerMerchant()
    {
        return terminalsPerMerchant;
    }

    public int consumerCount()
    {
        return consumerCount;
    }

    /** Sequence of the last applied command. */
    public long sequence()
    {
        return sequence;
    }

    /** Input time added to every later command's: a benchmark whose accounts should not all be brand new. */
    private long skippedMs;

    /** Moves input time {@code ms} ahead for every later command (risk profiles then see accounts of that age). */
    public void skipAhead(final long ms)
    {
        skippedMs += ms;
    }

    /** Applies the next command with the next sequence and its input time. */
    public void apply(final DirectBuffer buffer, final int offset, final int length, final ReplySink sink)
    {
        final long next = ++sequence;
        engine.onCommand(next, timestampMs(next) + skippedMs, buffer, offset, length, sink);
    }

    private void applyRequiringOk(final DirectBuffer buffer, final int offset, final int length)
    {
        requireOk.command = buffer;
        requireOk.commandOffset = offset;
        requireOk.commandLength = length;
        apply(buffer, offset, length, requireOk);
    }

    /** Set-up commands must all succeed, or every number measured afterwards would be about something else. */
    private static final class RequireOkSink implements ReplySink
    {
        DirectBuffer command;
        int commandOffset;
        int commandLength;

        @Override
        public void onReply(final DirectBuffer buffer, final int offset, final int length)
        {
            if (ReplyCodes.codeAt(buffer, offset) != ResultCode.OK.value())
            {
                throw new IllegalStateException("set-up command refused: " +
                    MessageText.describe(command, commandOffset, commandLength) + " -> " +
                    MessageText.describe(buffer, offset, length));
            }
        }
    }
}
