package com.wodian.net.server;

import com.lmax.disruptor.ExceptionHandler;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.wodian.net.pipeline.InputEvent;

/**
 * SHARED mode's pipeline: the journal and engine stages ({@link EngineHandler} with its journal inline) run on the
 * network thread, in its duty cycle between receiving and sending ({@link NetworkAgent}). A request then crosses no
 * thread inside the server: no lock signal to a pipeline thread, no selector wake-up back, no context switch; on two
 * cores shared with other work those hand-offs cost more CPU than the engine's own work.
 *
 * <p>The rules of the other layouts hold unchanged: inputs are applied in ring order, each batch is made durable by
 * the journal's {@code endOfBatch()} before its replies are published, and a failing stage stops applying (the input
 * ring then fills and back-pressures the clients) instead of skipping an input.
 *
 * <p>The engine stage must never wait for output-ring capacity here, since the sender that frees it runs on this same
 * thread: a batch takes at most half the output ring's free slots (an input has one reply), and the engine stage
 * claims without waiting ({@link EngineHandler#claimWithoutWaiting()}), failing loudly rather than deadlocking.
 */
final class InlinePipeline
{
    private final RingBuffer<InputEvent> inputRing;
    private final RingBuffer<?> outputRing;
    private final EngineHandler engine;
    private final ExceptionHandler<InputEvent> failureHandler;
    /** This stage's position in the input ring, which gates the receiver. */
    private final Sequence sequence = new Sequence(-1);
    /** Set by this thread when the stage failed; read by the closing thread. */
    private volatile boolean failed;

    InlinePipeline(
        final RingBuffer<InputEvent> inputRing,
        final RingBuffer<?> outputRing,
        final EngineHandler engine,
        final ExceptionHandler<InputEvent> failureHandler)
    {
        this.inputRing = inputRing;
        this.outputRing = outputRing;
        this.engine = engine;
        this.failureHandler = failureHandler;
        engine.claimWithoutWaiting();
        inputRing.addGatingSequences(sequence);
    }

    /** This stage's sequence in the input ring (the last input applied). */
    Sequence sequence()
    {
        return sequence;
    }

    /** False once the stage failed: it applies nothing more. */
    boolean isRunning()
    {
        return !failed;
    }

    /** True when inputs are published that this stage has not applied yet. */
    boolean hasInput()
    {
        return !failed && inputRing.getCursor() > sequence.get();
    }

    /**
     * Applies the inputs published so far, as one batch (bounded by the output ring's free slots).
     *
     * @return the number of inputs applied.
     */
    int doWork()
    {
        if (failed)
        {
            return 0;
        }
        final long first = sequence.get() + 1;
        final long available = inputRing.getCursor(); // one producer: its publish moves the cursor
        final long count = Math.min(available - first + 1, outputRing.remainingCapacity() / 2);
        if (count <= 0)
        {
            return 0;
        }
        final long last = first + count - 1;
        long current = first;
        try
        {
            engine.onBatchStart(count, available - first + 1);
            for (; current <= last; current++)
            {
                engine.onEvent(inputRing.get(current), current, current == last);
            }
        }
        catch (final Throwable ex)
        {
            failed = true;
            failureHandler.handleEventException(ex, current, inputRing.get(current));
        }
        sequence.set(last);
        return (int)count;
    }

    /**
     * On the network thread just before it sleeps (nothing read, applied or left to write): the journal's next page
     * is pre-faulted now rather than inside the next request's append.
     */
    void onIdle()
    {
        if (failed)
        {
            return;
        }
        try
        {
            engine.touchJournalAhead();
        }
        catch (final Throwable ex)
        {
            // A journal that cannot map its next page (a full disk) fails the stage once, not on every idle pass.
            failed = true;
            failureHandler.handleEventException(ex, sequence.get(), inputRing.get(sequence.get() + 1));
        }
    }

    /** On the network thread as it stops: the engine stage's last flush, and the journal's close. */
    void onShutdown()
    {
        engine.onShutdown();
    }
}
