package com.wodian.journal.consensus.storage;

import com.wodian.journal.consensus.EntryView;
import org.agrona.concurrent.UnsafeBuffer;

import static com.wodian.journal.JournalEntryDescriptor.MAX_PAYLOAD_LENGTH;

/**
 * The newest entries of a {@link JournalReplicaLog} kept in memory, so that the leader replicates what it just
 * appended without reading the journal back. A ring of {@code windowEntries} preallocated slots of
 * {@link com.wodian.journal.JournalEntryDescriptor#MAX_PAYLOAD_LENGTH} bytes each: the entry at index {@code i} lives
 * in slot {@code i % windowEntries}, and the slot remembers which index it holds, so a slot overwritten by a newer
 * entry (or cleared by a truncation) is never mistaken for an older one. Nothing is allocated after construction.
 */
final class EntryWindow
{
    private final int windowEntries;
    private final long[] slotIndexes;
    private final long[] slotTimestampsMs;
    private final int[] slotPayloadVersions;
    private final int[] slotLengths;
    private final UnsafeBuffer windowBuffer;

    /**
     * @param windowEntries how many of the newest entries are kept; the bytes take one array of
     *                      {@code windowEntries * MAX_PAYLOAD_LENGTH}.
     */
    EntryWindow(final int windowEntries)
    {
        this.windowEntries = windowEntries;
        slotIndexes = new long[windowEntries];
        slotTimestampsMs = new long[windowEntries];
        slotPayloadVersions = new int[windowEntries];
        slotLengths = new int[windowEntries];
        windowBuffer = new UnsafeBuffer(new byte[windowEntries * MAX_PAYLOAD_LENGTH]);
    }

    /**
     * Copies the entry at {@code index} into its slot, replacing whatever the slot held.
     *
     * @param length the payload's length, already checked to be at most {@code MAX_PAYLOAD_LENGTH}.
     */
    void put(final long index, final EntryView view, final int length)
    {
        final int slot = slotOf(index);
        view.buffer.getBytes(view.offset, windowBuffer, slot * MAX_PAYLOAD_LENGTH, length);
        slotTimestampsMs[slot] = view.timestampMs;
        slotPayloadVersions[slot] = view.payloadVersion;
        slotLengths[slot] = length;
        slotIndexes[slot] = index;
    }

    /**
     * Points {@code into} at the entry at {@code index} if the window still holds it; the view's bytes stay valid
     * until that slot is written again.
     *
     * @return false when the slot holds another index (the entry is older than the window, or was cut off).
     */
    boolean read(final long index, final EntryView into)
    {
        final int slot = slotOf(index);
        if (slotIndexes[slot] != index)
        {
            return false;
        }
        into.set(slotTimestampsMs[slot], slotPayloadVersions[slot], windowBuffer, slot * MAX_PAYLOAD_LENGTH,
            slotLengths[slot]);
        return true;
    }

    /**
     * Forgets every entry above {@code lastIndex}: they were cut off or replaced, and new entries at those indexes
     * come from new appends.
     */
    void forgetAbove(final long lastIndex)
    {
        for (int slot = 0; slot < windowEntries; slot++)
        {
            if (slotIndexes[slot] > lastIndex)
            {
                slotIndexes[slot] = 0;
            }
        }
    }

    private int slotOf(final long index)
    {
        return (int)(index % windowEntries);
    }
}
