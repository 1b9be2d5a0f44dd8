package com.wodian.net.cluster.snapshot;

import com.wodian.journal.SnapshotDescriptor;
import com.wodian.journal.SnapshotStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.file.DirectoryIteratorException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The snapshot files of this node that a leader can offer (their header checks), newest first, as the replication
 * thread knows them (concurrency review F10 and 16).
 *
 * <p>Every answer that decides something is right when it is given, whatever the threads' scheduling: the directory
 * is listed on the calling thread while no listing is known, and again after each change this node makes or is told
 * of (its snapshotter wrote a snapshot: {@link #written}, a snapshot was installed or a listed file vanished:
 * {@link #changed}). Changes nobody reports (an operator moving files, the snapshot retention) are found by a listing
 * on a thread of its own ({@code snapshot-list}) about once a second, taken at the next call: that alone keeps
 * directory listings and header reads off the replication thread in the steady state.
 *
 * <p>A listing that fails is said once and tried again: the answer is "unknown" (null) for the next
 * {@value #UNKNOWN_ANSWERS_MAX} answers in a row (a leader then decides nothing for that follower until its next
 * heartbeat), then the last listing that worked (possibly none) until one works again, tried once a second: a
 * directory that stays unreadable must not keep the leader from sending followers their entries, nor stop the node.
 *
 * <p>Only the replication thread calls it, except {@link #written}.
 */
final class SnapshotListing implements AutoCloseable
{
    private static final System.Logger LOG = System.getLogger("com.wodian.net.cluster.snapshot");

    /** Failed listings in a row answered "unknown" before the last listing that worked is answered instead. */
    static final int UNKNOWN_ANSWERS_MAX = 2;
    private static final long REFRESH_INTERVAL_NS = 1_000_000_000L;
    private static final long[] NONE = new long[0];

    /** Lists a snapshot directory: the sequences of the files whose header checks, newest first. */
    @FunctionalInterface
    interface Lister
    {
        long[] list(Path snapshotDir) throws IOException;
    }

    private final Path snapshotDir;
    private final Lister lister;
    private final Executor refresher;
    /** Ours to shut down when no refresher was given. */
    private final ExecutorService ownRefresher;
    /** Snapshots this node's snapshotter wrote: the snapshotter's thread counts, the replication thread compares. */
    private final AtomicLong writtenCount = new AtomicLong();

    private long writtenSeen;
    /** The last listing that worked (NONE before the first), newest first. */
    private long[] sequences = NONE;
    /** Whether {@link #sequences} follows every change this node knows of. */
    private boolean current;
    /** Changes known since the start: a refresh started before one of them is stale when it comes in. */
    private long changeCount;
    private int failedInARow;
    private String failureSaid;
    private long listedAtNs;
    private CompletableFuture<long[]> refresh;
    private long refreshChangeCount;

    SnapshotListing(final Path snapshotDir)
    {
        this(snapshotDir, null, SnapshotListing::validSequences);
    }

    /** @param refresher runs the once-a-second refreshes (tests); null for a thread of its own. */
    SnapshotListing(final Path snapshotDir, final Executor refresher, final Lister lister)
    {
        this.snapshotDir = snapshotDir;
        this.lister = lister;
        this.ownRefresher = null != refresher ? null : Executors.newSingleThreadExecutor((runnable) ->
        {
            final Thread thread = new Thread(runnable, "snapshot-list");
            thread.setDaemon(true);
            return thread;
        });
        this.refresher = null != refresher ? refresher : ownRefresher;
    }

    /** Any thread: this node wrote a snapshot into the directory (the next answer lists it). */
    void written()
    {
        writtenCount.incrementAndGet();
    }

    /** The directory changed in a way this node knows of (a snapshot installed, a listed file gone). */
    void changed()
    {
        changeCount++;
        current = false;
    }

    /**
     * @return the sequences of the snapshot files whose header checks, newest first (do not modify), or null when
     * unknown just now (a listing failed; see the class description).
     */
    long[] sequences()
    {
        final long written = writtenCount.get();
        if (written != writtenSeen)
        {
            writtenSeen = written;
            changed();
        }
        takeRefresh();
        final long nowNs = System.nanoTime();
        if (!current && failedInARow < UNKNOWN_ANSWERS_MAX)
        {
            listedAtNs = nowNs;
            try
            {
                took(lister.list(snapshotDir));
            }
            catch (final IOException | RuntimeException ex)
            {
                failed(ex);
                return null;
            }
        }
        if (null == refresh && nowNs - listedAtNs >= REFRESH_INTERVAL_NS)
        {
            startRefresh(nowNs);
        }
        return sequences;
    }

    private void startRefresh(final long nowNs)
    {
        listedAtNs = nowNs;
        refreshChangeCount = changeCount;
        try
        {
            refresh = CompletableFuture.supplyAsync(() ->
            {
                try
                {
                    return lister.list(snapshotDir);
                }
                catch (final IOException ex)
                {
                    throw new UncheckedIOException(ex);
                }
            }, refresher);
        }
        catch (final RejectedExecutionException ex)
        {
            refresh = null; // closing: the calling thread lists when it must
        }
    }

    /**
     * A refresh that came in replaces the listing unless this node changed the directory since it started; one that
     * failed is said (a known listing stays: the next refresh tries again).
     */
    private void takeRefresh()
    {
        if (null == refresh || !refresh.isDone())
        {
            return;
        }
        final CompletableFuture<long[]> done = refresh;
        refresh = null;
        if (done.isCompletedExceptionally())
        {
            say(done.handle((result, ex) -> null != ex.getCause() ? ex.getCause() : ex).join());
        }
        else if (refreshChangeCount == changeCount)
        {
            took(done.join());
        }
    }

    private void took(final long[] listed)
    {
        sequences = listed;
        current = true;
        failedInARow = 0;
        if (null != failureSaid)
        {
            failureSaid = null;
            LOG.log(Level.INFO, "snapshot directory " + snapshotDir + " is listed again");
        }
    }

    private void failed(final Exception ex)
    {
        failedInARow++;
        say(ex);
    }

    /** Says a failed listing, once for each new problem. */
    private void say(final Throwable problem)
    {
        final String text = String.valueOf(problem);
        if (!text.equals(failureSaid))
        {
            failureSaid = text;
            LOG.log(Level.WARNING, "cannot list snapshot directory " + snapshotDir + " (" + text + "): tried again; " +
                "until a listing works, followers are offered the snapshots of the last one that did (" +
                sequences.length + ")");
        }
    }

    /**
     * The snapshot files whose header checks, newest first (the snapshot store's own listing is not used: opening a
     * store deletes temporary files, and the snapshotter may be writing one). A file that cannot be read is left out.
     */
    static long[] validSequences(final Path snapshotDir) throws IOException
    {
        if (!Files.isDirectory(snapshotDir))
        {
            return NONE;
        }
        final List<Long> sequences = new ArrayList<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(snapshotDir,
            SnapshotDescriptor.FILE_PREFIX + "*" + SnapshotDescriptor.FILE_SUFFIX))
        {
            for (final Path file : files)
            {
                final long sequence = sequenceOf(file.getFileName().toString());
                if (sequence > 0 && valid(file, sequence))
                {
                    sequences.add(sequence);
                }
            }
        }
        catch (final DirectoryIteratorException ex)
        {
            throw ex.getCause();
        }
        sequences.sort(Comparator.reverseOrder());
        return sequences.stream().mapToLong(Long::longValue).toArray();
    }

    private static boolean valid(final Path file, final long sequence)
    {
        try
        {
            final SnapshotStore.SnapshotInfo info = SnapshotStore.inspect(file, false);
            return info.isValid() && info.journalSequence() == sequence;
        }
        catch (final RuntimeException ex)
        {
            return false; // not one to offer (concurrency review 17: it no longer fails the whole listing)
        }
    }

    /** @return the sequence a snapshot file's name says, 0 when it is not one of ours. */
    private static long sequenceOf(final String name)
    {
        try
        {
            return Long.parseLong(name.substring(SnapshotDescriptor.FILE_PREFIX.length(),
                name.length() - SnapshotDescriptor.FILE_SUFFIX.length()));
        }
        catch (final NumberFormatException | IndexOutOfBoundsException ex)
        {
            return 0;
        }
    }

    @Override
    public void close()
    {
        if (null != ownRefresher)
        {
            ownRefresher.shutdownNow();
        }
    }
}
