package com.wodian.journal;

import org.agrona.DirectBuffer;

/**
 * Receives the entries of a journal during {@link ChronicleJournal#replay(long, JournalEntryHandler)}.
 * <p>
 * The buffer is a reused scratch area: it is valid only for the duration of the call, so copy what must be kept.
 */
@FunctionalInterface
public interface JournalEntryHandler
{
    /**
     * Called once per verified entry, in sequence order.
     *
     * @param sequence       sequence of the entry, contiguous from 1.
     * @param timestampMs    timestamp stored with the entry, in epoch milliseconds.
     * @param payloadVersion version of the payload encoding, as given to {@link JournalWriter#append}.
     * @param payload        buffer holding the payload bytes.
     * @param offset         index of the first payload byte in {@code payload}.
     * @param length         number of payload bytes.
     */
    void onEntry(long sequence, long timestampMs, int payloadVersion, DirectBuffer payload, int offset, int length);
}
