package com.wodian.net.server;

import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.Sequence;
import com.lmax.disruptor.WaitStrategy;
import com.wodian.journal.JournalWriter;
import com.wodian.protocol.CommandCatalog;

/**
 * Journaling stage: gives each command the next journal sequence and appends it; at the end of a batch applies
 * the durability policy ({@link JournalWriter#endOfBatch()}: nothing for PAGE_CACHE, a force to disk for SYNC).
 * Queries, rejects and closes pass through untouched, so journal sequences are contiguous.
 *
 * <p>The writer is acquired by the server before any thread starts, so that a journal locked by another process fails
 * the start-up instead of a stage; it binds to the thread that first appends with it, this stage's, which also
 * closes it in {@link #onShutdown()}. In COMPACT mode the {@link EngineHandler} calls {@link #journal(InputEvent)}
 * and {@link #endOfBatch()} inline on its thread instead.
 */
final class JournalHandler implements EventHandler<InputEvent>
{
    private final JournalWriter writer;
    private final WaitStrategy followerSignal;
    private Sequence ringSequence;
    private long lastSequence;
    private boolean unsynced;

    /**
     * @param writer         the journal's writer, acquired by the server.
     * @param followerSignal the input ring's wait strategy, signalled when a batch is durable so that a follower
     *                       waiting on a lock (the engine stage, {@link FollowerBlockingWaitStrategy}) wakes up.
     */
    JournalHandler(final JournalWriter writer, final WaitStrategy followerSignal)
    {
        this.writer = writer;
        this.followerSignal = followerSignal;
        this.lastSequence = writer.lastSequence();
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
        endOfBatch();
        writer.close();
    }

    @Override
    public void onEvent(final InputEvent event, final long sequence, final boolean endOfBatch)
    {
        journal(event);
        if (endOfBatch)
        {
            endOfBatch();
            // Advance the stage's sequence now (the processor sets the same value after this returns), then wake
            // the follower: it may only look at the batch once it is durable, and it waits on a lock, not spinning.
            ringSequence.set(sequence);
            followerSignal.signalAllWhenBlocking();
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
        }
        else
        {
            event.journalSequence = 0;
        }
    }

    /** Makes everything appended so far durable by the policy; skipped when nothing was appended since. */
    void endOfBatch()
    {
        if (unsynced)
        {
            writer.endOfBatch();
            unsynced = false;
        }
    }
}
