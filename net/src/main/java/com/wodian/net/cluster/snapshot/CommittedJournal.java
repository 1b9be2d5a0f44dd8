package com.wodian.net.cluster.snapshot;

import com.wodian.journal.ChronicleJournal;
import com.wodian.journal.consensus.storage.JournalReplicaLog;
import com.wodian.net.durability.FollowedJournal;

import java.util.function.LongSupplier;

/**
 * A group member's journal as the snapshotter follows it: readable up to the replication stage's committed and
 * applied index, under the replica log's reader lock (a truncation replaces the journal, and its count is the
 * generation).
 */
public final class CommittedJournal implements FollowedJournal
{
    private final JournalReplicaLog log;
    private final LongSupplier committedAppliedIndex;
    private final Runnable snapshotWritten;

    public CommittedJournal(final JournalReplicaLog log, final LongSupplier committedAppliedIndex)
    {
        this(log, committedAppliedIndex, () -> { });
    }

    /** @param snapshotWritten told of each snapshot the snapshotter wrote (the replication stage's snapshot source). */
    public CommittedJournal(
        final JournalReplicaLog log, final LongSupplier committedAppliedIndex, final Runnable snapshotWritten)
    {
        this.log = log;
        this.committedAppliedIndex = committedAppliedIndex;
        this.snapshotWritten = snapshotWritten;
    }

    @Override
    public void snapshotWritten()
    {
        snapshotWritten.run();
    }

    @Override
    public void lock()
    {
        log.readerLock().lock();
    }

    @Override
    public void unlock()
    {
        log.readerLock().unlock();
    }

    @Override
    public ChronicleJournal journal()
    {
        return log.journalForReader();
    }

    @Override
    public long generation()
    {
        return log.truncationCount();
    }

    @Override
    public long readableSequence()
    {
        return committedAppliedIndex.getAsLong();
    }
}
