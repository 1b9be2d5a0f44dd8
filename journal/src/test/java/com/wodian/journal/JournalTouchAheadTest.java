package com.wodian.journal;

import static com.wodian.journal.JournalTestSupport.append;
import static com.wodian.journal.JournalTestSupport.entry;
import static com.wodian.journal.JournalTestSupport.replayAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.wodian.journal.JournalTestSupport.Entry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link JournalWriter#touchAhead()}: bound to Chronicle's page toucher, and touching between appends (as the server
 * does while idle) changes no entry.
 */
class JournalTouchAheadTest
{
    @TempDir
    Path dir;

    @Test
    void touchAheadIsBoundToChroniclesPageToucher()
    {
        // If a Chronicle upgrade renames or removes microTouch(), touchAhead() silently becomes a no-op and the
        // page faults come back into the appends: this test says so instead.
        assertTrue(ChronicleJournalWriter.touchAheadSupported());
    }

    @Test
    void touchingBetweenAppendsChangesNoEntry()
    {
        final JournalConfig config = new JournalConfig(dir).withDurabilityPolicy(DurabilityPolicy.PAGE_CACHE);
        final List<Entry> written = new ArrayList<>();
        try (ChronicleJournal journal = ChronicleJournal.open(config))
        {
            final JournalWriter writer = journal.writer();
            writer.touchAhead(); // before the first append: nothing mapped yet, nothing to do
            // ~3,000 entries of every size class cross several hundred pages; touch after each, sometimes twice.
            for (int sequence = 1; sequence <= 3_000; sequence++)
            {
                final int payloadLength = 16 + (sequence * 97) % (JournalEntryDescriptor.MAX_PAYLOAD_LENGTH - 15);
                final Entry entry = entry(sequence, payloadLength);
                append(writer, entry);
                written.add(entry);
                writer.touchAhead();
                if (sequence % 7 == 0)
                {
                    writer.endOfBatch();
                    writer.touchAhead();
                }
            }
            writer.endOfBatch();
            assertEquals(written, replayAll(journal, 1));
        }
        try (ChronicleJournal journal = ChronicleJournal.open(config))
        {
            assertEquals(3_000, journal.lastSequence());
            assertEquals(written, replayAll(journal, 1));
        }
    }
}
