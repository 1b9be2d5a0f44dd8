package com.wodian.net.server;

import com.wodian.journal.SnapshotStore;
import com.wodian.net.metrics.CountersFile;
import com.wodian.net.metrics.ServerCounters;
import org.agrona.concurrent.status.CountersReader;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Refuses to start an empty ledger on a data directory whose journal was deleted or moved: an empty journal where the
 * last run's counters file says entries were journaled, or where snapshots of later sequences lie, is a lost journal,
 * not a new server. Without this a supervisor's restart after {@code rm -rf <data>/journal} (which the journal watch
 * stops the server for) would recover nothing (no snapshot at or below sequence 0) and serve an empty ledger.
 * A single server only: a replica group member's journal may be emptied legitimately by a truncation.
 */
final class EmptiedJournalCheck
{
    private EmptiedJournalCheck()
    {
    }

    /**
     * @param journalLastSequence the journal's last sequence as opened (a replica's journal restarted after a
     *                            snapshot install starts after the snapshot, so it is not 0).
     * @throws IOException naming what shows the directory held entries, when the journal is empty.
     */
    static void check(final Path dataDir, final long journalLastSequence, final SnapshotStore snapshots)
        throws IOException
    {
        if (journalLastSequence > 0)
        {
            return;
        }
        final long lastRunSequence = lastRunJournalSequence(dataDir);
        final long newestSnapshotSequence = newestSnapshotSequence(snapshots);
        if (lastRunSequence > 0 || newestSnapshotSequence > 0)
        {
            throw new IOException("the journal in " + dataDir.resolve(WodianServer.JOURNAL_DIR_NAME) + " is empty, " +
                "but this data directory held entries (the last run journaled up to sequence " + lastRunSequence +
                ", the newest snapshot is at sequence " + newestSnapshotSequence + "): the journal was deleted or " +
                "moved. Put it back (a single server), or re-join this node (a replica group member: remove, wipe, " +
                "--join, add); an empty ledger is not started in its place (docs/operations.md)");
        }
    }

    /** @return the journal's last sequence the previous run's counters file recorded, 0 when unknown. */
    static long lastRunJournalSequence(final Path dataDir)
    {
        if (!Files.exists(CountersFile.path(dataDir)))
        {
            return 0;
        }
        try (CountersFile file = CountersFile.open(dataDir))
        {
            final CountersReader reader = file.reader();
            final long[] value = {0};
            final String label = ServerCounters.Scalar.JOURNAL_LAST_SEQUENCE.description();
            reader.forEach((counterId, typeId, keyBuffer, counterLabel) ->
            {
                if (ServerCounters.TYPE_SCALAR == typeId && label.equals(counterLabel))
                {
                    value[0] = reader.getCounterValue(counterId);
                }
            });
            return value[0];
        }
        catch (final RuntimeException ex)
        {
            return 0; // a damaged counters file proves nothing either way
        }
    }

    private static long newestSnapshotSequence(final SnapshotStore snapshots)
    {
        long newest = 0;
        for (final SnapshotStore.SnapshotInfo info : snapshots.list())
        {
            if (info.isValid())
            {
                newest = Math.max(newest, info.journalSequence());
            }
        }
        return newest;
    }
}
