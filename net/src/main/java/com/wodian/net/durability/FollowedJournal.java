package com.wodian.net.durability;

import com.wodian.journal.ChronicleJournal;

import java.util.function.LongSupplier;

/**
 * The journal the snapshotter follows, as another thread shares it. On a single server it is the server's journal,
 * never replaced, readable up to its writer's durable sequence: a snapshot must never hold an entry the journal can
 * still lose (an entry appended but not yet forced under {@code sync}), since after a power loss that snapshot would be
 * a state no replay of the journal gives. In a replica group the journal may hold entries the group never committed
 * (they can be cut off by a truncation, which replaces the journal): there the snapshotter may read only up to
 * {@link #readableSequence()}, an index both committed and applied, so every snapshot is taken at a journal sequence
 * that no truncation can remove, and it reads under {@link #lock()} so a truncation never closes the journal under it.
 */
public interface FollowedJournal
{
    /** Held while reading {@link #journal()}; brief (a batch of entries): the journal's owner may be waiting. */
    void lock();

    void unlock();

    /**
     * @return the journal now (call with the lock held), or null when it was closed (the server is stopping).
     */
    ChronicleJournal journal();

    /**
     * @return changes whenever {@link #journal()} was replaced: a tailer opened on an earlier one must be reopened.
     */
    long generation();

    /**
     * @return the last journal sequence the snapshotter may apply now.
     */
    long readableSequence();

    /**
     * The snapshotter wrote a snapshot of this journal (its thread; called before it counts the snapshot). In a
     * replica group the replication stage offers it to followers from its next look (concurrency review 16: that
     * look lists the snapshot directory again, so the leader's choice never waits on a background listing).
     */
    default void snapshotWritten()
    {
    }

    /**
     * A journal nobody appends to while it is followed (tests, offline tools): never replaced, every entry readable.
     */
    static FollowedJournal of(final ChronicleJournal journal)
    {
        return upTo(journal, () -> Long.MAX_VALUE);
    }

    /**
     * A single server's journal: never replaced, readable up to {@code readableSequence} (its writer's
     * {@link com.wodian.journal.JournalWriter#durableSequence()}).
     */
    static FollowedJournal upTo(final ChronicleJournal journal, final LongSupplier readableSequence)
    {
        return new FollowedJournal()
        {
            @Override
            public void lock()
            {
            }

            @Override
            public void unlock()
            {
            }

            @Override
            public ChronicleJournal journal()
            {
                return journal;
            }

            @Override
            public long generation()
            {
                return 0;
            }

            @Override
            public long readableSequence()
            {
                return readableSequence.getAsLong();
            }
        };
    }
}
