package com.wodian.net.server;

import com.wodian.journal.SnapshotStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A snapshot of a sequence the journal no longer reaches (its later entries lost at a power cut) is renamed out of the
 * store before the server journals anything new under those sequences; the others stay. Concurrency review F1.
 */
class SnapshotsBeyondJournalTest
{
    private static final System.Logger LOG = System.getLogger("test");

    @TempDir
    Path dir;

    @Test
    void setsAsideOnlySnapshotsPastTheJournalsEnd() throws Exception
    {
        final SnapshotStore store = new SnapshotStore(dir, 10);
        for (long sequence = 100; sequence <= 300; sequence += 100)
        {
            final long at = sequence;
            store.write(at, -1, 1_000 + at, at * 31, (output) -> output.writeLong(at));
        }

        final List<Path> setAside = SnapshotsBeyondJournal.setAside(store, 250, LOG);

        assertEquals(1, setAside.size());
        assertTrue(setAside.get(0).getFileName().toString().endsWith(SnapshotsBeyondJournal.SUFFIX));
        assertTrue(Files.exists(setAside.get(0)), "kept as evidence");
        assertEquals(List.of(200L, 100L), store.list().stream().map(SnapshotStore.SnapshotInfo::journalSequence)
            .toList(), "the store no longer offers it to a later start");
        assertEquals(List.of(), SnapshotsBeyondJournal.setAside(store, 300, LOG), "nothing twice, nothing in reach");
    }
}
