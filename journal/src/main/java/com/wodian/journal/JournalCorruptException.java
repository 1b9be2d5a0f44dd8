package com.wodian.journal;

/**
 * Thrown when the journal holds an entry that cannot be trusted: replay stops there rather than apply a damaged or
 * missing command. The journal is never repaired automatically except for a torn last entry (see
 * {@link ChronicleJournal}); anything else needs an operator.
 */
public final class JournalCorruptException extends RuntimeException
{
    private static final long serialVersionUID = 1L;

    /**
     * Why an entry was rejected. Checks run in this order, so the first failing one is reported.
     */
    public enum Reason
    {
        /**
         * The excerpt is shorter than the fixed entry header.
         */
        EXCERPT_TOO_SHORT,

        /**
         * The excerpt is longer than {@link JournalEntryDescriptor#MAX_ENTRY_LENGTH}.
         */
        EXCERPT_TOO_LONG,

        /**
         * The entry format version is not {@link JournalEntryDescriptor#ENTRY_FORMAT_VERSION}.
         */
        UNKNOWN_ENTRY_FORMAT_VERSION,

        /**
         * The payload length field does not match the length of the excerpt.
         */
        LENGTH_MISMATCH,

        /**
         * The stored checksum does not match the bytes.
         */
        CHECKSUM_MISMATCH,

        /**
         * The entry is intact but its sequence is not the next one: an entry is missing or repeated.
         */
        SEQUENCE_MISMATCH,

        /**
         * The two last excerpts are both damaged: more than a single torn write, so the end of the journal is unknown.
         */
        DAMAGED_TAIL
    }

    private final long chronicleIndex;
    private final long expectedSequence;
    private final long foundSequence;
    private final Reason reason;

    /**
     * @param chronicleIndex   Chronicle Queue index of the excerpt at fault.
     * @param expectedSequence sequence the excerpt should hold, or -1 when it cannot be known
     *                         ({@link Reason#DAMAGED_TAIL}).
     * @param foundSequence    sequence stored in the excerpt (not trustworthy unless the reason is
     *                         {@link Reason#SEQUENCE_MISMATCH}), or -1 when the excerpt is too short to hold one.
     * @param reason           the first check that failed.
     */
    public JournalCorruptException(
        final long chronicleIndex, final long expectedSequence, final long foundSequence, final Reason reason)
    {
        super("journal corrupt at Chronicle index 0x" + Long.toHexString(chronicleIndex) +
            ": expected sequence " + expectedSequence + ", found " + foundSequence + ": " + reason);
        this.chronicleIndex = chronicleIndex;
        this.expectedSequence = expectedSequence;
        this.foundSequence = foundSequence;
        this.reason = reason;
    }

    /**
     * @return Chronicle Queue index of the excerpt at fault (cycle in the high bits, position in cycle in the low).
     */
    public long chronicleIndex()
    {
        return chronicleIndex;
    }

    /**
     * @return sequence the excerpt should hold, or -1 when it cannot be known.
     */
    public long expectedSequence()
    {
        return expectedSequence;
    }

    /**
     * @return sequence stored in the excerpt, or -1 when the excerpt is too short to hold one.
     */
    public long foundSequence()
    {
        return foundSequence;
    }

    /**
     * @return the first check that failed.
     */
    public Reason reason()
    {
        return reason;
    }
}
