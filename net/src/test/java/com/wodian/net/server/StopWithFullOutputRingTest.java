package com.wodian.net.server;

import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.wodian.engine.Engine;
import com.wodian.engine.EngineConfig;
import com.wodian.net.pipeline.InputEvent;
import com.wodian.protocol.CommandEncoder;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An engine stage whose output ring is full while the server stops (the sender ended on an Error, or the drain timed
 * out under load) must not wait for ever for a slot nobody will free: once the closing thread calls
 * {@link EngineHandler#stopClaiming()}, it drops the rest of its replies (their inputs are journaled: a client's retry
 * with the same key gets the recorded result) and finishes its batch, so that its thread can be joined and the
 * process can exit. Before, the stage parked in the Disruptor's {@code next()} for ever and the close hung
 * (concurrency review F2, 2026-12-05).
 */
final class StopWithFullOutputRingTest
{
    private static final int OUTPUT_RING_SIZE = 8;
    private static final int INPUTS = 20;

    @Test
    void aStageWaitingForAFullOutputRingFinishesItsBatchOnceStopping() throws Exception
    {
        final RingBuffer<InputEvent> inputRing =
            RingBuffer.createSingleProducer(InputEvent::newInstance, 32, new BusySpinWaitStrategy());
        final RingBuffer<OutputEvent> outputRing =
            RingBuffer.createSingleProducer(OutputEvent::newInstance, OUTPUT_RING_SIZE, new BusySpinWaitStrategy());
        outputRing.addGatingSequences(new Sequence(-1)); // a sender that never polls again
        final EngineHandler engine =
            new EngineHandler(new Engine(EngineConfig.small()), outputRing, null, null, new EngineActivity());
        publishCommands(inputRing);

        final Throwable[] failure = new Throwable[1];
        final Thread stage = new Thread(() ->
        {
            try
            {
                for (long sequence = 0; sequence < INPUTS; sequence++)
                {
                    engine.onEvent(inputRing.get(sequence), sequence, sequence == INPUTS - 1);
                }
            }
            catch (final Throwable ex)
            {
                failure[0] = ex;
            }
        }, "test-engine-stage");
        stage.start();

        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (outputRing.remainingCapacity() > 0 && System.nanoTime() < deadlineNs)
        {
            Thread.sleep(1);
        }
        assertEquals(0, outputRing.remainingCapacity(), "the stage filled the output ring");
        assertTrue(stage.isAlive(), "20 replies do not fit in 8 slots: the stage waits for a slot");

        engine.stopClaiming();
        stage.join(TimeUnit.SECONDS.toMillis(30));

        assertFalse(stage.isAlive(), "the stage finished its batch after stopClaiming()");
        assertNull(failure[0]);
        assertEquals(INPUTS - OUTPUT_RING_SIZE, engine.droppedAtStop(), "every reply without a slot was dropped");
        assertEquals(OUTPUT_RING_SIZE - 1, outputRing.getCursor(), "the slots it had claimed were published");
    }

    private static void publishCommands(final RingBuffer<InputEvent> inputRing)
    {
        final CommandEncoder encoder = new CommandEncoder();
        for (int i = 0; i < INPUTS; i++)
        {
            final long sequence = inputRing.next();
            final InputEvent event = inputRing.get(sequence);
            event.sessionId = 7;
            event.correlationId = i + 1;
            event.timestampMs = 1_700_000_000_000L + i;
            event.kind = InputEvent.KIND_COMMAND;
            event.journalSequence = i + 1; // as the journal stage ahead of it sets it (DEDICATED)
            event.length = switch (i)
            {
                case 0 -> encoder.registerMerchant(event.buffer, 0, 1, 10, 100, 0, 0, false);
                case 1 -> encoder.registerConsumer(event.buffer, 0, 1001, 0);
                default -> encoder.topUp(event.buffer, 0, 1001, i, 1_000);
            };
            event.decodeHeader();
            inputRing.publish(sequence);
        }
    }
}
