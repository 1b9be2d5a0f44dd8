package com.wodian.journal;

import org.agrona.DirectBuffer;

/**
 * Appends entries to a journal. One instance per writing thread: it is not thread-safe, and the thread that first
 * appends is the only one that may use it afterwards.
 */
public interface JournalWriter extends JournalMapAhead, AutoCloseable
{
    /**
     * Append one entry. Does not allocate in steady state.
     *
     * @param sequence       must be {@link #lastSequence()} + 1, otherwise {@link IllegalStateException} is thrown:
     *                       a gap or a repeat is a bug in the caller.
     * @param timestampMs    timestamp of the command, in epoch milliseconds; stored, never interpreted.
     * @param payloadVersion version of the payload encoding, 0 to 65535.
     * @param payload        buffer holding the payload bytes.
     * @param offset         index of the first payload byte in {@code payload}.
     * @param length         number of payload bytes, 0 to {@link JournalEntryDescriptor#MAX_PAYLOAD_LENGTH}.
     * @throws IllegalArgumentException if the length or the payload version is out of range.
     */
    void append(long sequence, long timestampMs, int payloadVersion, DirectBuffer payload, int offset, int length);

    /**
     * Called at the end of a Disruptor batch: applies the {@link DurabilityPolicy} to everything appended so far
     * (PAGE_CACHE: nothing; SYNC: force the written data to the storage device).
     */
    void endOfBatch();

    /**
     * Called by the writing thread when it has nothing to append and is about to idle: makes the page that the next
     * appends will write resident and writable now, so that its page fault is not taken inside an append. A first
     * write to a page of the mapped file costs tens of microseconds on a virtual machine (measured: a paced append's
     * service time has p50 0.4 us but p99 about 20 us and p99.9 about 50 us, one entry in ~57 opening a new page);
     * taken while idle it delays no entry. Cheap when the page is already touched; never blocks. Default: nothing.
     */
    default void touchAhead()
    {
    }

    /**
     * {@inheritDoc} Maps, and grows the file for, the chunk after the one {@link #touchAhead()} last saw being written;
     * with {@link DurabilityPolicy#PAGE_CACHE}, also write-faults the pages up to
     * {@link JournalConfig#writeAheadBytes()} past that position (a compare-and-swap of 0 with 0 per page, which
     * changes no byte), so that the writing thread finds them writable. Default: nothing.
     */
    @Override
    default boolean mapAhead()
    {
        return false;
    }

    /**
     * @return sequence of the last entry in the journal, 0 when it is empty.
     */
    long lastSequence();

    /**
     * Safe to call from any thread.
     *
     * @return sequence of the last entry as durable as the {@link DurabilityPolicy} makes it: appended by a finished
     * {@link #endOfBatch()} (PAGE_CACHE) or forced to the device by one (SYNC); 0 when none. A reader that must never
     * hold an entry the journal can still lose (the snapshotter: a snapshot of a lost entry would be a state that
     * no replay gives) follows this, not {@link #lastSequence()}. Default: {@link #lastSequence()}, for writers
     * used by their own thread only.
     */
    default long durableSequence()
    {
        return lastSequence();
    }

    /**
     * Release the underlying appender. Entries already appended stay in the journal.
     */
    void close();
}
