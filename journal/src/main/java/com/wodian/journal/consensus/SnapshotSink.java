package com.wodian.journal.consensus;

import org.agrona.DirectBuffer;

/**
 * The follower's side of snapshot install (Raft section 7, InstallSnapshot): receives a snapshot in chunks, in order,
 * into bounded memory (a file, in the product), keeps a partly received one across a lost connection (the leader
 * resumes at the offset this sink reports), verifies it whole, and installs it.
 *
 * <p>Install is in two steps around the log's reset, so that a crash at any point leaves either the old state or the
 * new one: {@link #complete} checks and makes the received bytes durable; the node then resets its log
 * ({@link ReplicaLog#resetToSnapshot}); {@link #installed} then puts the snapshot in place of the state machine.
 */
public interface SnapshotSink
{
    /**
     * Offer a chunk of the snapshot at {@code index}. A chunk at the offset this sink expects is kept; any other is
     * ignored. A chunk at offset 0 of another snapshot than the one partly received discards that one and starts it.
     *
     * @return the offset of the next byte wanted of the snapshot at {@code index}: {@code totalLength} once it is
     * whole; 0 when this sink holds nothing of it.
     */
    long receive(long index, long term, long totalLength, long offset, DirectBuffer buffer, int bufferOffset,
        int length);

    /**
     * All {@code totalLength} bytes of the snapshot at {@code index} are received: verify them (a checksum) and make
     * them durable.
     *
     * @return false when they do not verify: what was received is discarded, and the transfer starts again at 0.
     */
    boolean complete(long index, long term);

    /**
     * The log now starts after {@code index}: replace the state machine with the snapshot (its state as of
     * {@code index}); the commit listener is told only of entries after it from now on.
     */
    void installed(long index, long term);
}
