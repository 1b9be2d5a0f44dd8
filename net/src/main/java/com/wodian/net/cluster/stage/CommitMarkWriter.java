package com.wodian.net.cluster.stage;

import com.wodian.journal.consensus.storage.CommitMark;
import com.wodian.journal.consensus.storage.JournalReplicaLog;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Stores a group member's commit mark (a lower bound of the commit index, what a restart may apply before it hears
 * from a primary) from its own thread. Storing it costs two fsyncs, which on a busy disk take tens of milliseconds:
 * the replication stage only publishes the value, so its duty cycle never waits for them. A stale mark only means a
 * restarted node waits for the primary to tell it the rest is committed.
 */
final class CommitMarkWriter implements AutoCloseable
{
    private final long intervalMs;

    private final CommitMark mark;
    private final Thread thread;
    private final System.Logger logger;
    private volatile long requested;
    private volatile boolean running = true;

    /** @param intervalMs how often the mark is stored when it moved ({@link ServerConfig#commitMarkIntervalMs()}). */
    CommitMarkWriter(final Path dataDir, final long intervalMs, final System.Logger logger)
    {
        this.intervalMs = intervalMs;
        this.mark = new CommitMark(dataDir.resolve(JournalReplicaLog.COMMIT_MARK_FILE_NAME));
        this.logger = logger;
        this.requested = mark.index();
        this.thread = new Thread(this::run, "wodian-commit-mark");
        this.thread.setDaemon(true);
        this.thread.start();
    }

    /** Called by the replication stage with a value known to be committed and applied. */
    void request(final long index)
    {
        if (index > requested)
        {
            requested = index;
        }
    }

    private void run()
    {
        while (running)
        {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(intervalMs));
            storeIfBehind();
        }
        storeIfBehind();
    }

    private void storeIfBehind()
    {
        final long index = requested;
        if (index > mark.index())
        {
            try
            {
                mark.store(index);
            }
            catch (final RuntimeException ex)
            {
                logger.log(System.Logger.Level.WARNING, "commit mark not stored", ex);
            }
        }
    }

    @Override
    public void close()
    {
        running = false;
        LockSupport.unpark(thread);
        try
        {
            thread.join(5_000);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
