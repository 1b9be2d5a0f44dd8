package com.wodian.net.server;

import com.lmax.disruptor.EventPoller;
import com.lmax.disruptor.ExceptionHandler;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.BusySpinWaitStrategy;
import com.wodian.engine.Engine;
import com.wodian.engine.EngineConfig;
import com.wodian.net.pipeline.InputEvent;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SHARED mode's pipeline, driven by hand as the network thread's duty cycle would: it never claims more output slots
 * than the sender (on the same thread) has freed, so it cannot wait on itself, and a failing input stops it.
 */
final class InlinePipelineTest
{
    private final RingBuffer<InputEvent> inputRing =
        RingBuffer.createSingleProducer(InputEvent::newInstance, 16, new BusySpinWaitStrategy());
    private final RingBuffer<OutputEvent> outputRing =
        RingBuffer.createSingleProducer(OutputEvent::newInstance, 4, new BusySpinWaitStrategy());
    private final EventPoller<OutputEvent> outputPoller = outputRing.newPoller();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final EngineHandler engineHandler =
        new EngineHandler(new Engine(EngineConfig.small()), outputRing, null, null, new EngineActivity());

    @Test
    void shouldApplyEveryInputInOrderWithTheOutputRingSmallerThanTheBacklog() throws Exception
    {
        final InlinePipeline pipeline = newPipeline();
        for (long correlationId = 1; correlationId <= 12; correlationId++)
        {
            publishReject(correlationId, InputEvent.KIND_REJECT);
        }

        final List<Long> replied = new ArrayList<>();
        for (int cycle = 0; cycle < 100 && replied.size() < 12; cycle++)
        {
            final int applied = pipeline.doWork();
            assertTrue(applied <= 2, "a batch takes at most half the free output slots: " + applied);
            drainOutput(replied); // the sender's part of the same duty cycle
        }

        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L), replied);
        assertFalse(pipeline.hasInput());
        assertEquals(inputRing.getCursor(), pipeline.sequence().get());
        assertTrue(pipeline.isRunning());
        assertEquals(null, failure.get());
    }

    @Test
    void shouldStopApplyingAfterAFailedInput() throws Exception
    {
        final InlinePipeline pipeline = newPipeline();
        publishReject(1, InputEvent.KIND_REJECT);
        publishReject(2, (byte)99); // no such kind: the engine stage fails on it
        publishReject(3, InputEvent.KIND_REJECT);

        assertThrows(IllegalStateException.class, pipeline::doWork);

        assertNotNull(failure.get());
        assertFalse(pipeline.isRunning());
        assertEquals(0, pipeline.doWork());
        assertFalse(pipeline.hasInput());
        final List<Long> replied = new ArrayList<>();
        drainOutput(replied);
        assertEquals(List.of(), replied, "nothing of the failed batch is published");
    }

    private InlinePipeline newPipeline()
    {
        outputRing.addGatingSequences(outputPoller.getSequence());
        return new InlinePipeline(inputRing, outputRing, engineHandler, new ExceptionHandler<>()
        {
            @Override
            public void handleEventException(final Throwable ex, final long sequence, final InputEvent event)
            {
                failure.set(ex);
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
        });
    }

    private void publishReject(final long correlationId, final byte kind)
    {
        final long sequence = inputRing.next();
        final InputEvent event = inputRing.get(sequence);
        event.sessionId = 7;
        event.correlationId = correlationId;
        event.kind = kind;
        event.length = 16;
        event.buffer.setMemory(0, 16, (byte)correlationId);
        inputRing.publish(sequence);
    }

    private void drainOutput(final List<Long> replied) throws Exception
    {
        outputPoller.poll((event, sequence, endOfBatch) ->
        {
            assertEquals(OutputEvent.KIND_REPLY, event.kind);
            assertEquals((byte)event.correlationId, event.buffer.getByte(0));
            replied.add(event.correlationId);
            return true;
        });
    }
}
