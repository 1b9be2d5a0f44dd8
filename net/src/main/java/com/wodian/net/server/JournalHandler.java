package com.wodian.net.server;

import com.lmax.disruptor.EventHandler;
import com.wodian.journal.ChronicleJournal;
import com.wodian.journal.JournalWriter;
import com.wodian.protocol.CommandCatalog;

/**
 * Journaling stage: gives each command the next journal sequence and appends it; at the end of a batch applies
 * the durability policy ({@link JournalWriter#endOfBatch()}: nothing for PAGE_CACHE, a force to disk for SYNC).
 * Queries, rejects and closes pass through untouched, so journal sequences are contiguous.
 *
 * <p>The writer is acquired in {@link #onStart()} and released in {@link #onShutdown()}, both on the stage's own
 * thread, because a journal writer belongs to the thread that appends with it. In COMPACT mode the
 * {@link EngineHandler} calls {@link #journal(InputEvent)} and {@link #endOfBatch()} inline on its thread instead.
 */
final class JournalHandler implements EventHandler<InputEvent>
{
    private final ChronicleJournal journal;
    private JournalWriter writer;
    private long lastSequence;
    private boolean unsynced;

    JournalHandler(final ChronicleJournal journal)
    {
        this.journal = journal;
    }

    @Override
    public void onStart()
    {
        writer = journal.writer();
        lastSequence = writer.lastSequence();
    }

    @Override
    public void onShutdown()
    {
        if (null != writer)
        {
            if (unsynced)
            {
                writer.endOfBatch();
                unsynced = false;
            }
            writer.close();
            writer = null;
        }
    }

    @Override
    public void onEvent(final InputEvent event, final long sequence, final boolean endOfBatch)
    {
        journal(event);
        if (endOfBatch)
        {
            endOfBatch();
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
