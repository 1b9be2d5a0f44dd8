package com.wodian.journal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JournalWarmupTest
{
    @Test
    void crossesManyChunksOfAThrowawayJournalAndLeavesNothingBehind(@TempDir final Path dataDir) throws Exception
    {
        final Path stale = Files.createDirectories(dataDir.resolve(JournalWarmup.DIR_NAME).resolve("left-over"));
        Files.writeString(stale.resolve("x.cq4"), "from a crashed start");

        final long bytes = JournalWarmup.run(dataDir, 5_000);

        assertTrue(bytes >= 4 * JournalWarmup.BLOCK_SIZE_BYTES, "5,000 entries span several small chunks: " + bytes);
        assertFalse(Files.exists(dataDir.resolve(JournalWarmup.DIR_NAME)));
    }

    @Test
    void aServersWholeWarmUpCountFitsTheThrowawayIndexGeometry(@TempDir final Path dataDir)
    {
        // Chronicle refuses more than indexCount^2 * indexSpacing entries in one file: the cap must stay below it.
        assertTrue(JournalWarmup.MAX_ENTRIES <=
            (long)JournalWarmup.INDEX_COUNT * JournalWarmup.INDEX_COUNT * JournalWarmup.INDEX_SPACING);

        final long bytes = JournalWarmup.run(dataDir, Integer.MAX_VALUE);

        assertTrue(bytes >= 8 * JournalWarmup.BLOCK_SIZE_BYTES && bytes < 4 * JournalWarmup.MAX_ENTRIES *
            JournalEntryDescriptor.MAX_ENTRY_LENGTH, "bytes " + bytes);
    }

    @Test
    void theRealJournalBesideItIsUntouched(@TempDir final Path dataDir) throws Exception
    {
        final Path journalDir = dataDir.resolve("journal");
        final org.agrona.concurrent.UnsafeBuffer payload = new org.agrona.concurrent.UnsafeBuffer(new byte[8]);
        try (ChronicleJournal journal = ChronicleJournal.open(new JournalConfig(journalDir)))
        {
            journal.writer().append(1, 0, 0, payload, 0, 8);
            journal.writer().endOfBatch();
        }

        JournalWarmup.run(dataDir, 2_000);

        try (ChronicleJournal journal = ChronicleJournal.open(new JournalConfig(journalDir)))
        {
            assertTrue(1 == journal.lastSequence(), "last sequence " + journal.lastSequence());
        }
    }
}
