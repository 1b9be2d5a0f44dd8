package com.wodian.journal.consensus;

import org.agrona.MutableDirectBuffer;

/**
 * The leader's side of snapshot install (Raft section 7, InstallSnapshot): the newest snapshot of its state machine
 * it can send to a follower that needs entries its log no longer holds, read in chunks. A snapshot is named by the
 * log index it covers; its term is the log's term at that index.
 */
public interface SnapshotSource
{
    /**
     * {@link #latestIndex()} when the source cannot tell just now (it could not look at its files): the leader then
     * sends a follower whose position it is probing nothing until its next heartbeat, rather than deciding on a
     * guess (taken for "none", a new or wiped follower would be sent every entry instead of the snapshot).
     */
    long UNKNOWN = -1;

    /**
     * @return index of the newest complete snapshot this node can send, 0 when it has none, {@link #UNKNOWN} when
     * it cannot tell just now (briefly: a source that stays unable to look answers what it last knew). It is
     * committed (a snapshot is only ever taken of committed state) and not below the log's
     * {@link ReplicaLog#startIndex()}.
     */
    long latestIndex();

    /**
     * @return length in bytes of the snapshot at {@code index}, -1 when it is no longer there (replaced by a newer
     * one and deleted): the sender then starts over with the newest.
     */
    long length(long index);

    /**
     * @return how far behind the newest snapshot a follower whose position is being probed may be before it is sent
     * the snapshot instead of the entries, even though the log still holds them (a new or wiped member, or one that
     * was down for long: a snapshot and the tail are faster than every entry); {@code Long.MAX_VALUE}: only when the
     * log no longer holds them.
     */
    default long catchUpEntriesMax()
    {
        return Long.MAX_VALUE;
    }

    /**
     * @return the most bytes one InstallSnapshot message carries.
     */
    int chunkBytes();

    /**
     * Copy {@code length} bytes of the snapshot at {@code index}, from {@code offset}, into {@code into}.
     *
     * @return false when the snapshot is no longer there.
     */
    boolean read(long index, long offset, MutableDirectBuffer into, int intoOffset, int length);

    /**
     * A follower received the whole snapshot at {@code index} and refused it (its checksum did not match what
     * arrived). The source checks its own file: while it does, and for good if the file is damaged, it offers an
     * older snapshot (or none) from {@link #latestIndex()} instead of sending the same bytes again and again.
     */
    default void refused(final long index)
    {
    }
}
