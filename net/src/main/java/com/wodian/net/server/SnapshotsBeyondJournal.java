package com.wodian.net.server;

import com.wodian.journal.SnapshotStore;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Sets aside a single server's snapshots of sequences its journal does not reach. After a power cut the journal can
 * end before the newest snapshot (entries written to the page cache but never forced, under {@code page-cache}
 * durability): recovery skips such a snapshot, and the server then journals new, different entries under those
 * sequences. Left in place, the snapshot would be loaded by the next start once the journal reaches its sequence
 * again, and the engine would hold inputs the journal does not have: a state no replay gives. So, before anything new
 * is journaled, each one is renamed to {@code <name>.beyond-journal} (which no tool loads or prunes; kept as
 * evidence of what was lost) and named in the log. A single server only: a replica group member's snapshots hold
 * committed entries, which the group replicates to it again.
 */
final class SnapshotsBeyondJournal
{
    static final String SUFFIX = ".beyond-journal";

    private SnapshotsBeyondJournal()
    {
    }

    /**
     * @return the files set aside (renamed), empty when none.
     * @throws IOException when a rename fails: the start must not go on with such a snapshot in place.
     */
    static List<Path> setAside(final SnapshotStore snapshots, final long journalLastSequence,
        final System.Logger log) throws IOException
    {
        final List<Path> setAside = new ArrayList<>();
        for (final SnapshotStore.SnapshotInfo info : snapshots.list())
        {
            if (info.journalSequence() > journalLastSequence)
            {
                final Path target = info.file().resolveSibling(info.file().getFileName() + SUFFIX);
                Files.move(info.file(), target, StandardCopyOption.REPLACE_EXISTING);
                log.log(System.Logger.Level.WARNING, "snapshot at sequence " + info.journalSequence() +
                    " set aside as " + target + ": the journal ends at sequence " + journalLastSequence +
                    " (its later entries were lost, e.g. unforced writes at a power cut); recovery uses the journal " +
                    "and older snapshots, and this file is kept only as evidence (docs/operations.md)");
                setAside.add(target);
            }
        }
        return setAside;
    }
}
