package com.wodian.net.cluster.snapshot;

import com.wodian.journal.SnapshotStore;
import com.wodian.net.durability.SnapshotConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Queue;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Concurrency review F10: the newest snapshot a leader offers is found by listing the snapshot directory and reading
 * headers, which must not run on the replication thread (it stalled every link's reads for as long as the disk took).
 * The listing goes to the transfer's lister; the replication thread only takes its result. A lister that runs
 * tasks only when the test says shows where the work happens: before, the caller listed the directory itself.
 */
class SnapshotListingTest
{
    @TempDir
    Path dataDir;

    @Test
    void theDirectoryIsListedOffTheCallingThread()
    {
        final SnapshotStore store = new SnapshotStore(dataDir.resolve(SnapshotConfig.SNAPSHOT_DIR_NAME), 10);
        store.write(120, -1, 1_120, 31, (output) -> output.writeLong(120));
        final Queue<Runnable> listings = new ArrayDeque<>();
        try (SnapshotTransfer transfer = new SnapshotTransfer(dataDir, 1024, 1_000, (index) -> { }, listings::add))
        {
            assertEquals(0, transfer.latestIndex(), "nothing listed on this thread");
            assertEquals(1, listings.size(), "the listing was handed to the lister");
            assertEquals(0, transfer.latestIndex(), "one listing at a time");
            assertEquals(1, listings.size());

            listings.poll().run();
            assertEquals(120, transfer.latestIndex(), "the lister's result is taken");

            // A newer snapshot is found by a later listing (once a second), still on the lister: bounded wait.
            store.write(250, -1, 1_250, 62, (output) -> output.writeLong(250));
            final long deadlineNs = System.nanoTime() + 30_000_000_000L;
            long latest = transfer.latestIndex();
            while (250 != latest && System.nanoTime() - deadlineNs < 0)
            {
                final Runnable listing = listings.poll();
                if (null != listing)
                {
                    listing.run();
                }
                else
                {
                    java.util.concurrent.locks.LockSupport.parkNanos(10_000_000);
                }
                latest = transfer.latestIndex();
            }
            assertEquals(250, latest, "the newer snapshot, from a later listing");
        }
    }
}
