package com.wodian.journal.consensus;

/**
 * Read access to a run of log entries by index: the terms and payload handles an AppendEntries carries. The leader's
 * log is one (the outbox reads the entries it sends straight from it); a received AppendEntries is another (the
 * decoder reads them from the frame). Lets messages travel without per-message arrays.
 */
public interface LogEntries
{
    /**
     * @return term of the entry at {@code index}.
     */
    long termAt(long index);

    /**
     * @return the payload handle of the entry at {@code index} (what it means is up to the log: a journal index, an
     * offset into a received frame).
     */
    long payloadAt(long index);

    /**
     * @return the configuration the entry at {@code index} carries ({@link Membership}), {@link Membership#NONE} for
     * an ordinary entry. By default read from the payload (the simulation's entries); the product's received frames
     * decode it from the entry's bytes.
     */
    default long configurationAt(final long index)
    {
        return Membership.configurationOfPayload(payloadAt(index));
    }
}
