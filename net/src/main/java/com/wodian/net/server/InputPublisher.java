package com.wodian.net.server;

import com.lmax.disruptor.RingBuffer;
import com.wodian.net.pipeline.InputEvent;
import com.wodian.protocol.CommandCatalog;
import com.wodian.protocol.CommandEncoder;
import com.wodian.protocol.sbe.ErrorReplyEncoder;
import com.wodian.protocol.sbe.MessageHeaderEncoder;
import com.wodian.protocol.sbe.ResultCode;
import com.wodian.net.metrics.ServerCounters;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.EpochClock;

/**
 * The single producer of the input ring, used only by the network (receiver) thread. It stamps every input with a
 * wall-clock time that never goes backwards, even if the system clock does, nor below the journal's time at start
 * (a server restarted with its clock behind its journal), so the journal's timestamps are monotonic across restarts
 * and replay sees the same time the live run saw. A forward step of the clock is stamped as it comes
 * (docs/operations.md, "Clocks").
 *
 * <p>It never blocks: callers check {@link #hasCapacity()} first and leave bytes in the socket while the ring is
 * full (back-pressure to the client through TCP) instead of queueing or dropping anything.
 */
final class InputPublisher
{
    private final RingBuffer<InputEvent> inputRing;
    private final EpochClock epochClock;
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final ErrorReplyEncoder errorReplyEncoder = new ErrorReplyEncoder();
    private final CommandEncoder commandEncoder = new CommandEncoder();
    private final ServerCounters counters;
    private final boolean stampsReceived;
    private long lastTimestampMs;
    private long lastCommandTimestampMs;
    private long receivedNs;

    InputPublisher(final RingBuffer<InputEvent> inputRing, final EpochClock epochClock, final ServerCounters counters)
    {
        this(inputRing, epochClock, counters, true, 0);
    }

    /**
     * @param stampsReceived false: inputs carry no received stamp (0), so no stage is timed
     *                       ({@link ServerConfig#stageLatency()}).
     * @param journalTimeMs  the journal's time at start (the recovered engine's, the largest stamp journaled): no
     *                       input is stamped earlier.
     */
    InputPublisher(
        final RingBuffer<InputEvent> inputRing,
        final EpochClock epochClock,
        final ServerCounters counters,
        final boolean stampsReceived,
        final long journalTimeMs)
    {
        this.stampsReceived = stampsReceived;
        this.inputRing = inputRing;
        this.epochClock = epochClock;
        this.counters = counters;
        this.lastTimestampMs = journalTimeMs;
        // The first Tick is due one interval after start, not at once: a restart must not change state by itself.
        lastCommandTimestampMs = timestampMs();
    }

    /** Counts one connection a gateway refused or ended to keep a limit (the publishing thread's, as its inputs). */
    void countLimit(final ServerCounters.GatewayLimit limit)
    {
        counters.gatewayLimit(limit).incrementRelease();
    }

    /** True when at least one input can be published without waiting. */
    boolean hasCapacity()
    {
        return inputRing.hasAvailableCapacity(1);
    }

    /** Monotonic wall-clock time: the clock, or the last stamp when the clock went backwards. */
    long timestampMs()
    {
        final long nowMs = epochClock.time();
        if (nowMs > lastTimestampMs)
        {
            lastTimestampMs = nowMs;
        }
        return lastTimestampMs;
    }

    /**
     * The receiving thread read new bytes: the inputs published from now on carry this time as their
     * {@link InputEvent#receivedNs} (one clock read per read, not per input).
     */
    void stampReceived()
    {
        if (stampsReceived)
        {
            receivedNs = System.nanoTime();
        }
    }

    /** Time of the last command published, client or Tick; drives the Tick interval. */
    long lastCommandTimestampMs()
    {
        return lastCommandTimestampMs;
    }

    /** Publishes a message that passed {@link CommandCatalog#check}, as a command or a query by its template. */
    void publishMessage(
        final long sessionId, final long correlationId, final DirectBuffer buffer, final int offset, final int length)
    {
        final long sequence = inputRing.next();
        final InputEvent event = headed(sequence, sessionId, correlationId, timestampMs());
        event.length = length;
        buffer.getBytes(offset, event.buffer, 0, length);
        event.decodeHeader();
        final boolean command = CommandCatalog.isCommand(event.templateId);
        counters.onInput(event.templateId);
        event.kind = command ? InputEvent.KIND_COMMAND : InputEvent.KIND_QUERY;
        if (command)
        {
            lastCommandTimestampMs = event.timestampMs;
        }
        inputRing.publish(sequence);
    }

    /** Publishes an ErrorReply for a refused frame, sequenced behind the session's earlier inputs. */
    void publishReject(final long sessionId, final long correlationId, final ResultCode code, final int templateId)
    {
        final long sequence = inputRing.next();
        final InputEvent event = headed(sequence, sessionId, correlationId, timestampMs());
        event.kind = InputEvent.KIND_REJECT;
        event.length = encodeErrorReply(event, code, templateId);
        event.decodeHeader();
        counters.scalar(ServerCounters.Scalar.INPUTS_REFUSED).incrementRelease();
        inputRing.publish(sequence);
    }

    /**
     * Publishes a reply the gateway made (a session-layer reply), sequenced behind the session's earlier inputs so
     * that it reaches the client in request order.
     */
    void publishGatewayReply(
        final long sessionId, final long correlationId, final DirectBuffer buffer, final int offset, final int length)
    {
        final long sequence = inputRing.next();
        final InputEvent event = headed(sequence, sessionId, correlationId, timestampMs());
        event.kind = InputEvent.KIND_REJECT;
        event.length = length;
        buffer.getBytes(offset, event.buffer, 0, length);
        event.decodeHeader();
        inputRing.publish(sequence);
    }

    /**
     * Publishes the last input of a session; with an {@code errorCode} (null for none) an ErrorReply with
     * correlation id 0 is sent before the socket is closed.
     */
    void publishClose(final long sessionId, final ResultCode errorCode)
    {
        final long sequence = inputRing.next();
        final InputEvent event = headed(sequence, sessionId, 0, timestampMs());
        event.kind = InputEvent.KIND_CLOSE;
        event.length = null == errorCode ? 0 : encodeErrorReply(event, errorCode, 0);
        event.decodeHeader();
        inputRing.publish(sequence);
    }

    /** Publishes the server's own Tick command (session 0, reply dropped) so engine time advances without traffic. */
    void publishTick(final long nowMs)
    {
        final long sequence = inputRing.next();
        final InputEvent event = headed(sequence, 0, 0, nowMs);
        event.kind = InputEvent.KIND_COMMAND;
        event.length = commandEncoder.tick(event.buffer, 0);
        lastCommandTimestampMs = nowMs;
        event.decodeHeader();
        inputRing.publish(sequence);
    }

    /**
     * The claimed slot at {@code sequence} with the fields every input carries set: who sent it, its stamp, the
     * receive time of the read it came in, and no journal sequence or durable time yet (later stages set them).
     */
    private InputEvent headed(final long sequence, final long sessionId, final long correlationId,
        final long timestampMs)
    {
        final InputEvent event = inputRing.get(sequence);
        event.sessionId = sessionId;
        event.correlationId = correlationId;
        event.timestampMs = timestampMs;
        event.journalSequence = 0;
        event.receivedNs = receivedNs;
        event.durableNs = 0;
        return event;
    }

    private int encodeErrorReply(final InputEvent event, final ResultCode code, final int templateId)
    {
        return com.wodian.protocol.ErrorReplies.encode(errorReplyEncoder, headerEncoder, event.buffer, 0, code,
            templateId);
    }
}
