package com.wodian.net.server;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.RingBuffer;
import com.wodian.engine.Engine;
import com.wodian.engine.ReplySink;
import com.wodian.net.FrameDescriptor;
import org.agrona.DirectBuffer;

/**
 * Engine stage: applies each input to the {@link Engine} in ring order (commands with their journal sequence,
 * queries as they come) and writes each reply into a claimed slot of the output ring.
 *
 * <p>Claimed slots are published only at the end of the batch, after the journal batch holding their inputs is
 * durable, which is the rule "no reply is sent before its input is in the journal":
 * <ul>
 *     <li>DEDICATED: this handler runs behind the {@link JournalHandler}'s sequence, which only advances after the
 *     journal's {@code endOfBatch()}, so every input seen here is already durable;</li>
 *     <li>COMPACT: this handler journals each input itself ({@code inlineJournal}) before applying it and calls
 *     the journal's {@code endOfBatch()} just before publishing the claimed replies.</li>
 * </ul>
 * Replies to queries wait for the same publication, so a query never reports state that is not yet durable.
 * At most {@code claimLimit} slots stay claimed and unpublished, so that a batch longer than the output ring cannot
 * deadlock on its own claims: reaching the limit flushes early (journal first, then publish).
 */
final class EngineHandler implements EventHandler<InputEvent>, ReplySink
{
    private final Engine engine;
    private final RingBuffer<OutputEvent> outputRing;
    private final JournalHandler inlineJournal;
    private final SelectorWaker waker;
    private final int claimLimit;

    private long claimedLowSequence = -1;
    private long claimedHighSequence = -1;
    private int claimedCount;
    private long currentSessionId;
    private long currentCorrelationId;

    /**
     * @param engine        the state machine, touched only by this handler's thread from now on.
     * @param outputRing    ring the sender drains.
     * @param inlineJournal the journaling stage to run inline (COMPACT), or null when it runs ahead on its own thread.
     * @param waker         wakes the thread that sends replies when it sleeps in a selector, or null.
     * @param activity      where the engine's background work (a running distribution) is reported.
     */
    private final EngineActivity activity;

    EngineHandler(
        final Engine engine,
        final RingBuffer<OutputEvent> outputRing,
        final JournalHandler inlineJournal,
        final SelectorWaker waker,
        final EngineActivity activity)
    {
        this.activity = activity;
        this.engine = engine;
        this.outputRing = outputRing;
        this.inlineJournal = inlineJournal;
        this.waker = waker;
        this.claimLimit = Math.max(1, outputRing.getBufferSize() / 2);
    }

    @Override
    public void onShutdown()
    {
        flush();
        if (null != inlineJournal)
        {
            inlineJournal.onShutdown();
        }
    }

    @Override
    public void onEvent(final InputEvent event, final long sequence, final boolean endOfBatch)
    {
        if (null != inlineJournal)
        {
            inlineJournal.journal(event);
        }

        currentSessionId = event.sessionId;
        currentCorrelationId = event.correlationId;
        switch (event.kind)
        {
            case InputEvent.KIND_COMMAND:
                engine.onCommand(event.journalSequence, event.timestampMs, event.buffer, 0, event.length, this);
                break;

            case InputEvent.KIND_QUERY:
                engine.onQuery(event.buffer, 0, event.length, this);
                break;

            case InputEvent.KIND_REJECT:
                onReply(event.buffer, 0, event.length);
                break;

            case InputEvent.KIND_CLOSE:
                claim(OutputEvent.KIND_CLOSE, event.buffer, 0, event.length);
                break;

            default:
                throw new IllegalStateException("unknown input kind " + event.kind + " at ring sequence " + sequence);
        }

        if (endOfBatch)
        {
            flush();
            activity.backgroundWork(engine.isDistributionRunning());
        }
    }

    /** Called by the engine (or for a reject) with the reply to the current input. */
    @Override
    public void onReply(final DirectBuffer buffer, final int offset, final int length)
    {
        // Session 0 is the server itself (Tick): nobody to answer.
        if (0 != currentSessionId)
        {
            claim(OutputEvent.KIND_REPLY, buffer, offset, length);
        }
    }

    private void claim(final byte kind, final DirectBuffer buffer, final int offset, final int length)
    {
        if (length > FrameDescriptor.REPLY_MESSAGE_LENGTH_MAX)
        {
            throw new IllegalStateException("reply of " + length + " bytes exceeds REPLY_MESSAGE_LENGTH_MAX " +
                FrameDescriptor.REPLY_MESSAGE_LENGTH_MAX);
        }
        if (claimedCount >= claimLimit)
        {
            flush();
        }
        final long sequence = outputRing.next();
        final OutputEvent event = outputRing.get(sequence);
        event.sessionId = currentSessionId;
        event.correlationId = currentCorrelationId;
        event.kind = kind;
        event.length = length;
        buffer.getBytes(offset, event.buffer, 0, length);

        if (claimedLowSequence < 0)
        {
            claimedLowSequence = sequence;
        }
        claimedHighSequence = sequence;
        claimedCount++;
    }

    /** Makes the journal durable (COMPACT) and then publishes every claimed reply at once. */
    private void flush()
    {
        if (null != inlineJournal)
        {
            inlineJournal.endOfBatch();
        }
        if (claimedCount > 0)
        {
            outputRing.publish(claimedLowSequence, claimedHighSequence);
            claimedLowSequence = -1;
            claimedHighSequence = -1;
            claimedCount = 0;
            if (null != waker)
            {
                waker.wakeIfSleeping();
            }
        }
    }
}
