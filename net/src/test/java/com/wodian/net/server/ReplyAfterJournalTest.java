package com.wodian.net.server;

import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.EventPoller;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.wodian.engine.Engine;
import com.wodian.engine.EngineConfig;
import com.wodian.journal.JournalWriter;
import com.wodian.net.metrics.ServerCounters;
import com.wodian.net.pipeline.InputEvent;
import com.wodian.protocol.CommandEncoder;
import org.agrona.DirectBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * "Every input is journaled before it is acknowledged" and "a batch is forced before any of its replies leaves"
 * (README; {@link EngineHandler}'s rule), on the real stages with a journal writer that records each append and each
 * batch end and, at each of those calls, which replies the output ring has published by then. Kill -9 tests cannot
 * see this order (page-cache pages survive a process kill), so a stage that published before the batch end would pass
 * them all.
 *
 * <ul>
 *     <li>COMPACT and SHARED (the journal inline on the engine's thread): every reply, to a command or a query, is
 *     published only after every input appended so far was ended, also for a batch longer than the claim limit (the
 *     early flush: journal first, then publish);</li>
 *     <li>DEDICATED (the journal stage ahead of the engine stage): the stage's sequence, which gates the engine stage,
 *     moves only after the batch end.</li>
 * </ul>
 */
final class ReplyAfterJournalTest
{
    private static final long SESSION_ID = 7;
    private static final int OUTPUT_RING_SIZE = 8;

    @TempDir
    Path dir;

    /** What happened, in order: "append S", "end", "reply C" (seen published), "gate N". */
    private final List<String> log = new ArrayList<>();
    private final RingBuffer<InputEvent> inputRing =
        RingBuffer.createSingleProducer(InputEvent::newInstance, 64, new BusySpinWaitStrategy());
    private final RingBuffer<OutputEvent> outputRing =
        RingBuffer.createSingleProducer(OutputEvent::newInstance, OUTPUT_RING_SIZE, new BusySpinWaitStrategy());
    private final EventPoller<OutputEvent> outputPoller = outputRing.newPoller();
    private final CommandEncoder encoder = new CommandEncoder();
    /** Correlation id of each command -> the journal sequence it was appended under. */
    private final Map<Long, Long> journalSequenceOf = new HashMap<>();
    private ServerCounters counters;

    @BeforeEach
    void counters() throws Exception
    {
        counters = ServerCounters.create(dir, 0);
        outputRing.addGatingSequences(outputPoller.getSequence());
    }

    @AfterEach
    void close()
    {
        counters.close();
    }

    @Test
    void compactPublishesEveryReplyAfterItsBatchEndedAlsoWhenTheClaimLimitFlushesEarly() throws Exception
    {
        final JournalHandler journal = new JournalHandler(new RecordingWriter(), new BusySpinWaitStrategy(), true,
            counters);
        final EngineHandler engine =
            new EngineHandler(new Engine(EngineConfig.small()), outputRing, journal, null, new EngineActivity());
        // One batch of 11 inputs (commands and queries) against a claim limit of 4: two early flushes, then the end.
        final int count = publishInputs(11);
        for (long sequence = 0; sequence < count; sequence++)
        {
            final InputEvent event = inputRing.get(sequence);
            engine.onEvent(event, sequence, sequence == count - 1);
            recordJournalSequence(event);
            drainOutput();
        }
        assertRepliesAfterTheirBatchEnded(count, 3);
    }

    @Test
    void sharedPublishesEveryReplyAfterItsBatchEnded() throws Exception
    {
        final JournalHandler journal = new JournalHandler(new RecordingWriter(), new BusySpinWaitStrategy(), true,
            counters);
        final EngineHandler engine =
            new EngineHandler(new Engine(EngineConfig.small()), outputRing, journal, null, new EngineActivity());
        engine.claimWithoutWaiting();
        final InlinePipeline pipeline = new InlinePipeline(inputRing, outputRing, engine, new FailingHandler());
        final int count = publishInputs(11);
        for (int cycle = 0; cycle < 100 && pipeline.hasInput(); cycle++)
        {
            pipeline.doWork();
            drainOutput(); // the sender's part of the same duty cycle
        }
        for (long sequence = 0; sequence < count; sequence++)
        {
            recordJournalSequence(inputRing.get(sequence));
        }
        assertRepliesAfterTheirBatchEnded(count, 1);
    }

    @Test
    void dedicatedMovesTheEngineStagesGateOnlyAfterTheBatchEnded()
    {
        final JournalHandler journal = new JournalHandler(new RecordingWriter(), new BusySpinWaitStrategy(), true,
            counters);
        journal.stampDurable(inputRing);
        journal.setSequenceCallback(new Sequence(-1)
        {
            @Override
            public void set(final long value)
            {
                log.add("gate " + value);
                super.set(value);
            }
        });
        final int count = publishInputs(5); // commands at ring sequences 0, 1, 3, 4; a query at 2
        for (long sequence = 0; sequence < count; sequence++)
        {
            journal.onEvent(inputRing.get(sequence), sequence, sequence == 2 || sequence == count - 1);
        }
        assertEquals(List.of("append 1", "append 2", "end", "gate 2", "append 3", "append 4", "end", "gate 4"), log);
    }

    /**
     * Every reply was seen published only after the append of its command (if any) and after a batch end that follows
     * every append before it; {@code endsMin} batch ends at least (the early flushes).
     */
    private void assertRepliesAfterTheirBatchEnded(final int inputCount, final int endsMin)
    {
        int lastAppend = -1;
        int lastEnd = -1;
        int replies = 0;
        int ends = 0;
        for (int i = 0; i < log.size(); i++)
        {
            final String[] entry = log.get(i).split(" ");
            switch (entry[0])
            {
                case "append" -> lastAppend = i;
                case "end" ->
                {
                    lastEnd = i;
                    ends++;
                }
                case "reply" ->
                {
                    replies++;
                    assertTrue(lastEnd > lastAppend, "reply " + entry[1] + " published before the batch holding " +
                        log.get(lastAppend) + " ended: " + log);
                    final Long journalSequence = journalSequenceOf.get(Long.parseLong(entry[1]));
                    if (null != journalSequence)
                    {
                        final int append = log.indexOf("append " + journalSequence);
                        assertTrue(append >= 0 && append < i, "reply " + entry[1] + " before its append: " + log);
                    }
                }
                default -> fail("unexpected log entry " + log.get(i));
            }
        }
        assertEquals(inputCount, replies, "every input answered: " + log);
        assertTrue(ends >= endsMin, ends + " batch ends: " + log);
    }

    /** Commands (register merchant, terminal, consumer, top-ups) with a balance query every third input. */
    private int publishInputs(final int count)
    {
        for (int i = 0; i < count; i++)
        {
            final long sequence = inputRing.next();
            final InputEvent event = inputRing.get(sequence);
            event.sessionId = SESSION_ID;
            event.correlationId = i + 1;
            event.timestampMs = 1_700_000_000_000L + i;
            event.kind = i % 3 == 2 ? InputEvent.KIND_QUERY : InputEvent.KIND_COMMAND;
            event.length = encode(event, i);
            event.decodeHeader();
            inputRing.publish(sequence);
        }
        return count;
    }

    private int encode(final InputEvent event, final int i)
    {
        if (i % 3 == 2)
        {
            return encoder.balanceQuery(event.buffer, 0, 1001);
        }
        return switch (i)
        {
            case 0 -> encoder.registerMerchant(event.buffer, 0, 1, 10, 100, 0, 0, false);
            case 1 -> encoder.registerConsumer(event.buffer, 0, 1001, 0);
            default -> encoder.topUp(event.buffer, 0, 1001, i, 1_000);
        };
    }

    private void recordJournalSequence(final InputEvent event)
    {
        if (InputEvent.KIND_COMMAND == event.kind)
        {
            journalSequenceOf.put(event.correlationId, event.journalSequence);
        }
    }

    private void drainOutput()
    {
        try
        {
            outputPoller.poll((event, sequence, endOfBatch) ->
            {
                assertEquals(OutputEvent.KIND_REPLY, event.kind);
                log.add("reply " + event.correlationId);
                return true;
            });
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    /** Records appends and batch ends; before each, whatever the output ring has published by then. */
    private final class RecordingWriter implements JournalWriter
    {
        private long lastSequence;

        @Override
        public void append(final long sequence, final long timestampMs, final int payloadVersion,
            final DirectBuffer payload, final int offset, final int length)
        {
            drainOutput();
            log.add("append " + sequence);
            lastSequence = sequence;
        }

        @Override
        public void endOfBatch()
        {
            drainOutput();
            log.add("end");
        }

        @Override
        public long lastSequence()
        {
            return lastSequence;
        }

        @Override
        public void close()
        {
        }
    }

    private static final class FailingHandler implements com.lmax.disruptor.ExceptionHandler<InputEvent>
    {
        @Override
        public void handleEventException(final Throwable ex, final long sequence, final InputEvent event)
        {
            throw ex instanceof RuntimeException ? (RuntimeException)ex : new IllegalStateException(ex);
        }

        @Override
        public void handleOnStartException(final Throwable ex)
        {
        }

        @Override
        public void handleOnShutdownException(final Throwable ex)
        {
        }
    }
}
