package com.wodian.net.server;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.WaitStrategy;
import com.wodian.journal.JournalWriter;
import com.wodian.net.metrics.ServerCounters;
import com.wodian.net.pipeline.InputEvent;
import com.wodian.protocol.CommandCatalog;
import org.agrona.concurrent.status.AtomicCounter;

/**
 * Journaling stage: gives each command the next journal sequence and appends it; at the end of a batch applies
 * the durability policy ({@link JournalWriter#endOfBatch()}: nothing for PAGE_CACHE, a force to disk for SYNC).
 * Queries, rejects and closes pass through untouched, so journal sequences are contiguous.
 *
 * <p>The writer is acquired by the server before any thread starts (another server on the same data directory is
 * stopped earlier still, by {@link DataDirectoryLock}: Chronicle's write lock is per entry); it binds to the thread
 * that first appends with it, this stage's, which also
 * closes it in {@link #onShutdown()}. In COMPACT mode the {@link EngineHandler} calls {@link #journal(InputEvent)}
 * and {@link #endOfBatch()} inline on its thread instead.
 */
final class JournalHandler implements EventHandler<InputEvent>
{
    private final JournalWriter writer;
    private final WaitStrategy followerSignal;
    private final AtomicCounter entries;
    private final AtomicCounter bytes;
    private final AtomicCounter batches;
    private final AtomicCounter forces;
    private final AtomicCounter forceTimeNs;
    private final AtomicCounter lastSequenceCounter;
    private final boolean forcesEachBatch;
    private Sequence ringSequence;
    private RingBuffer<InputEvent> ring;
    private long batchFirstSequence = -1;
    private long lastSequence;
    private boolean unsynced;

    /**
     * @param writer         the journal's writer, acquired by the server.
     * @param followerSignal the input ring's wait strategy, signalled when a batch is durable so that a follower
     *                       waiting on a lock (the engine stage, {@link FollowerBlockingWaitStrategy}) wakes up.
     */
    JournalHandler(
        final JournalWriter writer,
        final WaitStrategy followerSignal,
        final boolean forcesEachBatch,
        final ServerCounters counters)
    {
        this.writer = writer;
        this.followerSignal = followerSignal;
        this.forcesEachBatch = forcesEachBatch;
        this.lastSequence = writer.lastSequence();
        this.entries = counters.scalar(ServerCounters.Scalar.JOURNAL_ENTRIES);
        this.bytes = counters.scalar(ServerCounters.Scalar.JOURNAL_BYTES);
        this.batches = counters.scalar(ServerCounters.Scalar.JOURNAL_BATCHES);
        this.forces = counters.scalar(ServerCounters.Scalar.JOURNAL_FORCES);
        this.forceTimeNs = counters.scalar(ServerCounters.Scalar.JOURNAL_FORCE_TIME_NS);
        this.lastSequenceCounter = counters.scalar(ServerCounters.Scalar.JOURNAL_LAST_SEQUENCE);
        lastSequenceCounter.setRelease(lastSequence);
    }

    /**
     * DEDICATED: this stage runs on its own thread, so it may read the clock: it times each batch end and stamps
     * the batch's inputs durable ({@link InputEvent#durableNs}). Set by {@link PipelineTopology} before start.
     */
    void stampDurable(final RingBuffer<InputEvent> ring)
    {
        this.ring = ring;
    }

    /** Called by the processor when this handler runs as its own stage (DEDICATED), with the stage's sequence. */
    @Override
    public void setSequenceCallback(final Sequence sequenceCallback)
    {
        this.ringSequence = sequenceCallback;
    }

    @Override
    public void onShutdown()
    {
        try
        {
            endOfBatch(); // throws when the journal failed earlier: a failed force is never retried
        }
        finally
        {
            writer.close();
        }
    }

    @Override
    public void onEvent(final InputEvent event, final long sequence, final boolean endOfBatch)
    {
        if (batchFirstSequence < 0)
        {
            batchFirstSequence = sequence;
        }
        journal(event);
        if (endOfBatch)
        {
            if (null != ring)
            {
                endOfTimedBatch(sequence);
            }
            else
            {
                endOfBatch();
            }
            batchFirstSequence = -1;
            // Advance the stage's sequence now (the processor sets the same value after this returns), then wake
            // the follower: it may only look at the batch once it is durable, and it waits on a lock, not spinning.
            ringSequence.set(sequence);
            followerSignal.signalAllWhenBlocking();
            touchAhead(); // the engine thread has the batch; the page fault, if any, is taken here, off its path
        }
    }

    /** Pre-faults the journal page the next appends will write ({@link JournalWriter#touchAhead()}). */
    void touchAhead()
    {
        writer.touchAhead();
    }

    /** Ends the batch, times it, and stamps every input of it (still owned by this stage) with the time. */
    private void endOfTimedBatch(final long lastRingSequence)
    {
        final long startNs = System.nanoTime();
        final boolean ended = endOfBatch();
        final long durableNs = System.nanoTime();
        if (ended)
        {
            forceTimeNs.getAndAddRelease(durableNs - startNs);
        }
        for (long sequence = batchFirstSequence; sequence <= lastRingSequence; sequence++)
        {
            ring.get(sequence).durableNs = durableNs;
        }
    }

    /** Appends a command under the next journal sequence and records that sequence in the event. */
    void journal(final InputEvent event)
    {
        if (InputEvent.KIND_COMMAND == event.kind)
        {
            final long journalSequence = lastSequence + 1;
            writer.append(
                journalSequence, event.timestampMs, CommandCatalog.SCHEMA_VERSION, event.buffer, 0, event.length);
            lastSequence = journalSequence;
            event.journalSequence = journalSequence;
            unsynced = true;
            entries.incrementRelease();
            bytes.getAndAddRelease(event.length);
        }
        else
        {
            event.journalSequence = 0;
        }
    }

    /**
     * Makes everything appended so far durable by the policy; skipped when nothing was appended since.
     *
     * @return true when a batch was ended.
     */
    boolean endOfBatch()
    {
        if (!unsynced)
        {
            return false;
        }
        writer.endOfBatch();
        unsynced = false;
        batches.incrementRelease();
        if (forcesEachBatch)
        {
            forces.incrementRelease();
        }
        lastSequenceCounter.setRelease(lastSequence);
        return true;
    }
}
