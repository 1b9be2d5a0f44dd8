package com.wodian.journal;

import com.wodian.journal.JournalCorruptException.Reason;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * Reads a {@link ChronicleJournal} forward from a position, verifying every entry, for as long as the caller wants:
 * a bounded {@link #poll(JournalEntryHandler, int)} returns what is there now and can be called again when the writer
 * has appended more. Used for recovery (replay of the tail after a snapshot), by the snapshotter that follows the live
 * journal, and by a standby catching up.
 * <p>
 * Checks, in order, for every excerpt: layout version, lengths, checksum, and that the sequence is the expected one.
 * A damaged excerpt is passed over only where a torn write leaves one (see {@link ChronicleJournal}): when the next
 * intact entry carries the sequence the damaged one should have held, or while it is the last excerpt (then it stays
 * pending until the writer appends the entry that replaces it). Anything else throws
 * {@link JournalCorruptException}, naming the Chronicle index and the expected and found sequences.
 * <p>
 * One thread at a time: the tailer binds to the first thread that polls it.
 */
public final class JournalTailer implements AutoCloseable
{
    private final ExcerptTailer tailer;
    private final EntryVerifier verifier = new EntryVerifier();
    private final long deliverFromSequence;
    private long expectedSequence;
    private long lastChronicleIndex;
    private long lastTimestampMs;
    private long bytesRead;
    private long excerptsRead;
    private long damagedIndex = -1;
    private long damagedFoundSequence = -1;
    private Reason damagedReason;

    JournalTailer(
        final ExcerptTailer tailer,
        final long expectedSequence,
        final long deliverFromSequence,
        final long lastChronicleIndex)
    {
        this.tailer = tailer;
        this.expectedSequence = expectedSequence;
        this.deliverFromSequence = deliverFromSequence;
        this.lastChronicleIndex = lastChronicleIndex;
        // The tailer was positioned by the opening thread; it belongs to whichever thread polls it first.
        tailer.singleThreadedCheckReset();
    }

    /**
     * Read up to {@code limit} excerpts that are there now, verify each and deliver the entries whose sequence is at
     * least the first one this tailer was asked for.
     *
     * @param handler receives each entry; its buffer is valid only during the call.
     * @param limit   most excerpts to read in this call.
     * @return number of entries delivered; 0 when nothing new is there (or only entries before the first wanted one).
     * @throws JournalCorruptException on an entry that cannot be trusted.
     */
    public int poll(final JournalEntryHandler handler, final int limit)
    {
        int deliveredCount = 0;
        for (int readCount = 0; readCount < limit; readCount++)
        {
            try (DocumentContext context = tailer.readingDocument())
            {
                if (!context.isPresent())
                {
                    break;
                }

                final long index = context.index();
                final Reason reason = verifier.readAndVerify(context.wire().bytes());
                bytesRead += verifier.excerptLength();
                excerptsRead++;
                if (null != reason)
                {
                    if (null != damagedReason)
                    {
                        throw new JournalCorruptException(
                            damagedIndex, expectedSequence, damagedFoundSequence, damagedReason);
                    }
                    // Keep going: this is the remains of a torn write if the next excerpt re-uses its sequence.
                    damagedIndex = index;
                    damagedFoundSequence = verifier.storedSequence();
                    damagedReason = reason;
                    continue;
                }

                final long sequence = verifier.sequence();
                if (sequence != expectedSequence)
                {
                    if (null != damagedReason)
                    {
                        throw new JournalCorruptException(
                            damagedIndex, expectedSequence, damagedFoundSequence, damagedReason);
                    }
                    throw new JournalCorruptException(index, expectedSequence, sequence, Reason.SEQUENCE_MISMATCH);
                }
                damagedReason = null;
                lastChronicleIndex = index;
                lastTimestampMs = verifier.timestampMs();

                if (sequence >= deliverFromSequence)
                {
                    verifier.deliver(handler);
                    deliveredCount++;
                }
                expectedSequence++;
            }
        }
        return deliveredCount;
    }

    /**
     * @return sequence of the next entry this tailer expects.
     */
    public long nextSequence()
    {
        return expectedSequence;
    }

    /**
     * @return Chronicle index of the last intact entry read (the one before {@link #nextSequence()}), or -1 when none
     *         was read or found by the seek that positioned this tailer. A snapshot records it, so that a later seek
     *         to the same sequence goes straight there.
     */
    public long lastChronicleIndex()
    {
        return lastChronicleIndex;
    }

    /**
     * @return timestamp of the last intact entry read, 0 when none was read yet.
     */
    public long lastTimestampMs()
    {
        return lastTimestampMs;
    }

    /**
     * @return bytes of excerpts read so far, headers included: for replay speed in MB/s.
     */
    public long bytesRead()
    {
        return bytesRead;
    }

    /**
     * @return excerpts read so far, damaged ones included.
     */
    public long excerptsRead()
    {
        return excerptsRead;
    }

    /**
     * @return true when the last excerpt read was damaged and nothing has replaced it yet: at the end of a journal,
     *         the torn write that {@link ChronicleJournal#open(JournalConfig)} reports and ignores.
     */
    public boolean hasPendingDamage()
    {
        return null != damagedReason;
    }

    /**
     * Release the Chronicle tailer.
     */
    public void close()
    {
        tailer.close();
    }
}
