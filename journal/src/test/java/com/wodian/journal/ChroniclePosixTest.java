package com.wodian.journal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import com.wodian.journal.JournalTestSupport.Entry;
import net.openhft.posix.PosixAPI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static com.wodian.journal.JournalTestSupport.append;
import static com.wodian.journal.JournalTestSupport.entry;
import static com.wodian.journal.JournalTestSupport.replayAll;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The processes run with Chronicle's no-op POSIX binding ({@link ChroniclePosix}, installed first in {@code main}):
 * the journal must need nothing from the native one. Its no-op {@code msync}, {@code open} and {@code close} throw, so
 * a journal path that reached them (a sync mode other than NONE, a background micro-touch) fails here.
 */
class ChroniclePosixTest
{
    @TempDir
    Path dir;

    @Test
    void theJournalNeedsNoNativePosixBinding()
    {
        ChroniclePosix.skipNativeBinding();
        assertTrue(PosixAPI.posix().getClass().getSimpleName().startsWith("NoOp"), PosixAPI.posix().toString());

        final JournalConfig config = new JournalConfig(dir).withDurabilityPolicy(DurabilityPolicy.SYNC);
        final List<Entry> written = new ArrayList<>();
        try (ChronicleJournal journal = ChronicleJournal.open(config))
        {
            final JournalWriter writer = journal.writer();
            for (int sequence = 1; sequence <= 2_000; sequence++)
            {
                final Entry entry = entry(sequence, 16 + (sequence * 97) % 900);
                append(writer, entry);
                written.add(entry);
                writer.touchAhead();
                if (sequence % 10 == 0)
                {
                    writer.endOfBatch(); // SYNC: forced by the writer (FileChannel.force), not by Chronicle's msync
                }
            }
            writer.endOfBatch();
            assertEquals(written, replayAll(journal, 1));
        }
        try (ChronicleJournal journal = ChronicleJournal.open(config))
        {
            assertEquals(2_000, journal.lastSequence());
            assertEquals(written, replayAll(journal, 1));
        }
    }
}
