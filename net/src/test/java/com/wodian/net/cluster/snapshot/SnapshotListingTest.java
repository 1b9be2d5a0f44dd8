package com.wodian.net.cluster.snapshot;

import com.wodian.journal.SnapshotStore;
import com.wodian.journal.consensus.SnapshotSource;
import com.wodian.net.durability.SnapshotConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Concurrency review F10, 16 and 17: which snapshot a leader offers. The refreshes of the listing run on a thread of
 * their own (here: tasks the test runs when it says, or never), the answers that decide something never wait for
 * one: the first answer, and the first after this node wrote a snapshot, list the directory on the calling thread.
 */
class SnapshotListingTest
{
    private static final long DEADLINE_NS = 30_000_000_000L;

    @TempDir
    Path dataDir;

    private final Queue<Runnable> refreshes = new ArrayDeque<>();
    private boolean listingFails;

    private SnapshotStore store()
    {
        return new SnapshotStore(dataDir.resolve(SnapshotConfig.SNAPSHOT_DIR_NAME), 10);
    }

    private SnapshotTransfer transfer()
    {
        final SnapshotListing listing = new SnapshotListing(dataDir.resolve(SnapshotConfig.SNAPSHOT_DIR_NAME),
            refreshes::add, (dir) ->
            {
                if (listingFails)
                {
                    throw new IOException("test: the directory cannot be listed");
                }
                return SnapshotListing.validSequences(dir);
            });
        return new SnapshotTransfer(dataDir, 1024, 1_000, (index) -> { }, listing);
    }

    private static void write(final SnapshotStore store, final long sequence)
    {
        store.write(sequence, -1, 1_000 + sequence, sequence / 4, (output) -> output.writeLong(sequence));
    }

    /** Review 16: the asynchronous listing answered 0 until it came in, and a wiped follower got every entry. */
    @Test
    void theFirstAnswerIsTheSnapshotAlreadyThereWithoutWaitingForARefresh()
    {
        write(store(), 120);
        try (SnapshotTransfer transfer = transfer())
        {
            assertEquals(120, transfer.latestIndex());
        }
    }

    /** The node's own snapshotter says when it wrote one: the next answer has it, no refresh needed. */
    @Test
    void aSnapshotThisNodeWroteIsAnsweredAtOnce()
    {
        final SnapshotStore store = store();
        try (SnapshotTransfer transfer = transfer())
        {
            assertEquals(0, transfer.latestIndex(), "none yet (known: the directory was listed)");
            write(store, 120);
            transfer.snapshotWritten();
            assertEquals(120, transfer.latestIndex());
            write(store, 250);
            transfer.snapshotWritten();
            assertEquals(250, transfer.latestIndex());
        }
    }

    /**
     * F10: a snapshot nobody reported (copied in by hand) is found by a refresh on the refresher, not by a listing on
     * the calling thread: until the refresh runs, the answer is the known one.
     */
    @Test
    void unreportedChangesAreFoundByARefreshOffTheCallingThread()
    {
        final SnapshotStore store = store();
        write(store, 120);
        try (SnapshotTransfer transfer = transfer())
        {
            assertEquals(120, transfer.latestIndex());
            write(store, 250);
            awaitRefresh(transfer);
            assertEquals(120, transfer.latestIndex(), "the calling thread did not list the directory itself");
            refreshes.poll().run();
            assertEquals(250, transfer.latestIndex(), "the refresh's listing is taken");
        }
    }

    /**
     * Review 17: a listing that fails is "unknown" for a couple of answers, then the last listing that worked, never
     * an exception at every later call; a refresh that works again brings the directory back.
     */
    @Test
    void aFailingListingIsUnknownBrieflyThenTheLastOneThatWorkedAndNeverThrows()
    {
        final SnapshotStore store = store();
        write(store, 120);
        try (SnapshotTransfer transfer = transfer())
        {
            assertEquals(120, transfer.latestIndex());
            listingFails = true;
            write(store, 250);
            transfer.snapshotWritten();
            for (int i = 0; i < SnapshotListing.UNKNOWN_ANSWERS_MAX; i++)
            {
                assertEquals(SnapshotSource.UNKNOWN, transfer.latestIndex(), "answer " + i);
            }
            assertEquals(120, transfer.latestIndex(), "then the last listing that worked");
            awaitRefresh(transfer);
            refreshes.poll().run(); // fails too: said, not thrown at the next calls
            assertEquals(120, transfer.latestIndex());
            assertEquals(120, transfer.latestIndex());

            listingFails = false;
            awaitRefresh(transfer);
            refreshes.poll().run();
            assertEquals(250, transfer.latestIndex(), "listed again");
        }
    }

    /** Asks until the transfer hands the refresher a listing (about a second after the last one). */
    private void awaitRefresh(final SnapshotTransfer transfer)
    {
        final long deadlineNs = System.nanoTime() + DEADLINE_NS;
        while (refreshes.isEmpty() && System.nanoTime() - deadlineNs < 0)
        {
            LockSupport.parkNanos(10_000_000);
            transfer.latestIndex();
        }
        assertEquals(1, refreshes.size(), "a refresh was handed to the refresher");
    }
}
