package com.wodian.net.cluster.snapshot;

import com.wodian.journal.SnapshotDescriptor;
import com.wodian.journal.SnapshotStore;
import com.wodian.journal.consensus.SnapshotSink;
import com.wodian.journal.consensus.SnapshotSource;
import com.wodian.net.durability.SnapshotConfig;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.LongConsumer;
import java.util.stream.Stream;

/**
 * A group member's snapshot files as snapshot install (docs/replication.md, "Snapshot install") sends and receives
 * them, straight between the files and the replication frames: memory stays one chunk.
 *
 * <p>Sending: the newest snapshot file in the node's snapshot directory (its header checked; the name is only given
 * to complete files), read at the offsets the follower asks for. The open file stays readable if the snapshot
 * retention deletes it meanwhile. A file a follower received whole and refused is checked here, off this thread, and
 * not offered meanwhile; if its payload is damaged it is never offered again (an older one or the next one taken is).
 *
 * <p>Receiving: into {@code <data>/snapshot-install/snapshot-<index>.wsnap}, written at the offset the follower
 * expects and kept across a cut connection and a restart (the transfer resumes at its length; a torn tail is caught by
 * the whole-file check). {@link #complete} checks the header and the payload's CRC32C, forces the file and moves it
 * into the snapshot directory, where recovery finds it (before the log is reset: until then the commit mark keeps
 * recovery from using it); {@link #installed} tells the server, which restarts its pipeline on it.
 *
 * <p>Which snapshots there are: {@link SnapshotListing} (listed on this thread only when something changed).
 *
 * <p>Only the replication thread calls it, except {@link #snapshotWritten}.
 */
public final class SnapshotTransfer implements SnapshotSource, SnapshotSink, AutoCloseable
{
    private static final System.Logger LOG = System.getLogger("com.wodian.net.cluster.snapshot");

    /** Directory, in the data directory, of a snapshot being received. */
    public static final String INSTALL_DIR_NAME = "snapshot-install";

    /** Default chunk: 256 KiB, well within the transport's 1 MiB message limit. */
    public static final int CHUNK_BYTES_DEFAULT = 256 * 1024;

    private final Path snapshotDir;
    private final Path installDir;
    private final int chunkBytes;
    private final long catchUpEntriesMax;
    private final LongConsumer installedListener;

    private final SnapshotListing listing;
    /** The listing whose files the refusals below were last narrowed to. */
    private long[] refusalsKeptFor;

    private long sendingIndex;
    private FileChannel sending;

    /**
     * Snapshots a follower received whole and refused, by index, with the re-check of this node's own file (off the
     * replication thread: a large snapshot takes a while to read). Not offered while pending, nor once found damaged.
     */
    private final Map<Long, CompletableFuture<SnapshotStore.SnapshotInfo>> refusedChecks = new HashMap<>();
    private final Set<Long> damagedReported = new HashSet<>();
    private ExecutorService checker;

    private long receivingIndex;
    private FileChannel receiving;
    private long received;

    /**
     * @param catchUpEntriesMax see {@link SnapshotSource#catchUpEntriesMax()}.
     * @param installedListener told the index of each installed snapshot (the server restarts on it).
     */
    public SnapshotTransfer(
        final Path dataDir, final int chunkBytes, final long catchUpEntriesMax, final LongConsumer installedListener)
    {
        this(dataDir, chunkBytes, catchUpEntriesMax, installedListener,
            new SnapshotListing(dataDir.resolve(SnapshotConfig.SNAPSHOT_DIR_NAME)));
    }

    /** @param listing the snapshot directory's listing (tests give one that refreshes when they say). */
    SnapshotTransfer(final Path dataDir, final int chunkBytes, final long catchUpEntriesMax,
        final LongConsumer installedListener, final SnapshotListing listing)
    {
        this.listing = listing;
        this.snapshotDir = dataDir.resolve(SnapshotConfig.SNAPSHOT_DIR_NAME);
        this.installDir = dataDir.resolve(INSTALL_DIR_NAME);
        this.chunkBytes = chunkBytes;
        this.catchUpEntriesMax = catchUpEntriesMax;
        this.installedListener = installedListener;
    }

    /**
     * @return the newest snapshot whose header checks and that is not held back after a follower refused it, 0 for
     * none, {@link SnapshotSource#UNKNOWN} while the directory cannot be listed (SnapshotListing).
     */
    @Override
    public long latestIndex()
    {
        final long[] sequences = listing.sequences();
        if (null == sequences)
        {
            return UNKNOWN;
        }
        if (sequences != refusalsKeptFor)
        {
            refusalsKeptFor = sequences; // forget the refusals of files no longer there
            refusedChecks.keySet().removeIf((index) -> !listed(sequences, index));
            damagedReported.removeIf((index) -> !listed(sequences, index));
        }
        for (final long sequence : sequences)
        {
            if (offerableAfterRefusal(sequence))
            {
                return sequence;
            }
        }
        return 0;
    }

    /** Any thread: this node's snapshotter wrote a snapshot; the next {@link #latestIndex} lists it. */
    public void snapshotWritten()
    {
        listing.written();
    }

    private static boolean listed(final long[] sequences, final long index)
    {
        for (final long sequence : sequences)
        {
            if (sequence == index)
            {
                return true;
            }
        }
        return false;
    }

    @Override
    public void refused(final long index)
    {
        if (refusedChecks.containsKey(index))
        {
            return;
        }
        final Path file = snapshotDir.resolve(SnapshotDescriptor.fileName(index));
        LOG.log(Level.WARNING,
            "a follower refused snapshot " + file + " after receiving all of it: checking the file here");
        if (null == checker)
        {
            checker = Executors.newSingleThreadExecutor(runnable ->
            {
                final Thread thread = new Thread(runnable, "snapshot-check");
                thread.setDaemon(true);
                return thread;
            });
        }
        refusedChecks.put(index, CompletableFuture.supplyAsync(() -> SnapshotStore.inspect(file, true), checker));
    }

    /**
     * @return false while a refused snapshot's file is being checked here, and for good once it is found damaged
     * (said once, with the file); a file that checks is offered again (the follower's copy was what went wrong).
     */
    private boolean offerableAfterRefusal(final long index)
    {
        final CompletableFuture<SnapshotStore.SnapshotInfo> check = refusedChecks.get(index);
        if (null == check)
        {
            return true;
        }
        if (!check.isDone())
        {
            return false;
        }
        final SnapshotStore.SnapshotInfo info = check.getNow(null);
        final Path file = snapshotDir.resolve(SnapshotDescriptor.fileName(index));
        if (null != info && info.isValid() && info.journalSequence() == index)
        {
            LOG.log(Level.INFO, "snapshot " + file + " checks here: offered again (the follower's copy was damaged)");
            refusedChecks.remove(index);
            return true;
        }
        if (!damagedReported.contains(index))
        {
            damagedReported.add(index);
            LOG.log(Level.ERROR, "snapshot " + file + " is damaged (" + (null == info ? "unreadable" : info.problem()) +
                "): no longer sent to followers; an older snapshot or the next one taken is sent instead. " +
                "Move the file out of " + snapshotDir + " (docs/replication.md, \"Snapshot install\")");
        }
        return false;
    }

    @Override
    public long catchUpEntriesMax()
    {
        return catchUpEntriesMax;
    }

    @Override
    public int chunkBytes()
    {
        return chunkBytes;
    }

    @Override
    public long length(final long index)
    {
        if (index != sendingIndex || null == sending)
        {
            CloseHelper.quietClose(sending);
            sending = null;
            sendingIndex = 0;
            try
            {
                sending = FileChannel.open(snapshotDir.resolve(SnapshotDescriptor.fileName(index)),
                    StandardOpenOption.READ);
                sendingIndex = index;
            }
            catch (final IOException ex)
            {
                listing.changed(); // gone: look again for the newest
                return -1;
            }
        }
        try
        {
            return sending.size();
        }
        catch (final IOException ex)
        {
            return -1;
        }
    }

    @Override
    public boolean read(
        final long index, final long offset, final MutableDirectBuffer into, final int intoOffset, final int length)
    {
        if (length(index) < offset + length)
        {
            return false;
        }
        final ByteBuffer view = view(into, intoOffset, length);
        try
        {
            long position = offset;
            while (view.hasRemaining())
            {
                final int read = sending.read(view, position);
                if (read < 0)
                {
                    return false;
                }
                position += read;
            }
            return true;
        }
        catch (final IOException ex)
        {
            return false;
        }
    }

    @Override
    public long receive(
        final long index,
        final long term,
        final long totalLength,
        final long offset,
        final DirectBuffer buffer,
        final int bufferOffset,
        final int length)
    {
        try
        {
            if (index != receivingIndex || null == receiving)
            {
                openReceiving(index, offset == 0);
                if (null == receiving)
                {
                    return 0;
                }
            }
            if (offset == received && length > 0 && offset + length <= totalLength)
            {
                final ByteBuffer view = view(buffer, bufferOffset, length);
                long position = offset;
                while (view.hasRemaining())
                {
                    position += receiving.write(view, position);
                }
                received = position;
            }
            return received;
        }
        catch (final IOException ex)
        {
            discardReceiving();
            throw new UncheckedIOException("cannot write the snapshot being received in " + installDir, ex);
        }
    }

    /**
     * Opens the partial file of {@code index}: the one kept from before (a resumed transfer), or a new one when the
     * leader starts at 0; any other partial snapshot is deleted.
     */
    private void openReceiving(final long index, final boolean start) throws IOException
    {
        CloseHelper.quietClose(receiving);
        receiving = null;
        final Path file = installDir.resolve(SnapshotDescriptor.fileName(index));
        if (!start && !Files.exists(file))
        {
            return;
        }
        Files.createDirectories(installDir);
        try (Stream<Path> files = Files.list(installDir))
        {
            for (final Path other : files.toList())
            {
                if (!other.equals(file))
                {
                    Files.delete(other);
                }
            }
        }
        receiving = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
            StandardOpenOption.WRITE);
        receivingIndex = index;
        received = receiving.size();
    }

    @Override
    public boolean complete(final long index, final long term)
    {
        final Path file = installDir.resolve(SnapshotDescriptor.fileName(index));
        try
        {
            receiving.force(true);
            CloseHelper.quietClose(receiving);
            receiving = null;
            final SnapshotStore.SnapshotInfo info = SnapshotStore.inspect(file, true);
            if (!info.isValid() || info.journalSequence() != index)
            {
                LOG.log(Level.WARNING, "snapshot " + index + " received but refused: " +
                    (info.isValid() ? "it is of sequence " + info.journalSequence() : info.problem()));
                discardReceiving();
                return false;
            }
            Files.createDirectories(snapshotDir);
            Files.move(file, snapshotDir.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING,
                StandardCopyOption.ATOMIC_MOVE);
            forceDirectory(snapshotDir);
            receivingIndex = 0;
            received = 0;
            listing.changed();
            return true;
        }
        catch (final IOException ex)
        {
            discardReceiving();
            throw new UncheckedIOException("cannot install snapshot " + index + " from " + file, ex);
        }
    }

    @Override
    public void installed(final long index, final long term)
    {
        installedListener.accept(index);
    }

    private void discardReceiving()
    {
        CloseHelper.quietClose(receiving);
        receiving = null;
        if (receivingIndex > 0)
        {
            try
            {
                Files.deleteIfExists(installDir.resolve(SnapshotDescriptor.fileName(receivingIndex)));
            }
            catch (final IOException ex)
            {
                LOG.log(Level.WARNING, "cannot delete a refused snapshot in " + installDir + ": " + ex);
            }
        }
        receivingIndex = 0;
        received = 0;
    }

    @Override
    public void close()
    {
        listing.close();
        if (null != checker)
        {
            checker.shutdownNow();
        }
        CloseHelper.quietClose(sending);
        CloseHelper.quietClose(receiving);
        sending = null;
        receiving = null;
    }

    /** A view of a buffer's range as a ByteBuffer: one small object per chunk (not on the entries' path). */
    private static ByteBuffer view(final DirectBuffer buffer, final int offset, final int length)
    {
        final byte[] array = buffer.byteArray();
        if (null != array)
        {
            return ByteBuffer.wrap(array, buffer.wrapAdjustment() + offset, length);
        }
        final ByteBuffer view = buffer.byteBuffer().duplicate();
        final int start = buffer.wrapAdjustment() + offset;
        view.limit(start + length).position(start);
        return view;
    }

    private static void forceDirectory(final Path dir) throws IOException
    {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ))
        {
            channel.force(true);
        }
    }
}
