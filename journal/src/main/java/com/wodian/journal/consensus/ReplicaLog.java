package com.wodian.journal.consensus;

/**
 * The replicated log as the consensus rules see it: a sequence of entries indexed from 1, each with the term in which
 * a leader created it and an opaque payload reference. In the product the index is the journal sequence and the
 * payload is the journal entry itself; the consensus rules only ever look at indexes and terms.
 *
 * <p>Implementations must make an append or a truncation durable before the call returns, because a node answers
 * the leader (and so lets it acknowledge clients) right after calling them.
 */
public interface ReplicaLog extends LogEntries
{
    /**
     * @return index of the last entry, 0 when the log is empty.
     */
    long lastIndex();

    /**
     * @param index 0 to {@link #lastIndex()}.
     * @return term of the entry at {@code index}; 0 for index 0 (the empty prefix every log shares).
     */
    @Override
    long termAt(long index);

    /**
     * @param index 1 to {@link #lastIndex()}.
     * @return the payload reference of the entry at {@code index}.
     */
    @Override
    long payloadAt(long index);

    /**
     * Append one entry at {@link #lastIndex()} + 1.
     */
    void append(long term, long payload);

    /**
     * Remove the entries from {@code index} to the end: they conflict with the leader's log and were never committed.
     */
    void truncateFrom(long index);

    /**
     * @return the index the log starts after: entries {@code startIndex() + 1} to {@link #lastIndex()} are held, and
     * {@link #termAt} is known at {@code startIndex()} and above. Entries at or below it were compacted into a
     * snapshot (journal retention, or a snapshot install): a follower that needs them gets the snapshot instead. 0
     * when the whole log is held.
     */
    default long startIndex()
    {
        return 0;
    }

    /**
     * Snapshot install (Raft section 7): discard the whole log and start it after {@code index}, whose entry had
     * {@code term}: afterwards {@link #startIndex()} and {@link #lastIndex()} are {@code index} and
     * {@code termAt(index)} is {@code term}. Durable when the call returns.
     *
     * @throws UnsupportedOperationException when this log cannot (then its node never installs snapshots).
     */
    default void resetToSnapshot(final long index, final long term)
    {
        throw new UnsupportedOperationException("this replica log cannot install snapshots");
    }
}
