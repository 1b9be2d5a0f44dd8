package com.wodian.journal;

import static com.wodian.journal.SnapshotDescriptor.BYTE_ORDER;
import static com.wodian.journal.SnapshotDescriptor.CHRONICLE_INDEX_OFFSET;
import static com.wodian.journal.SnapshotDescriptor.FILE_PREFIX;
import static com.wodian.journal.SnapshotDescriptor.FILE_SUFFIX;
import static com.wodian.journal.SnapshotDescriptor.FORMAT_VERSION;
import static com.wodian.journal.SnapshotDescriptor.FORMAT_VERSION_OFFSET;
import static com.wodian.journal.SnapshotDescriptor.HEADER_CHECKSUM_OFFSET;
import static com.wodian.journal.SnapshotDescriptor.HEADER_LENGTH;
import static com.wodian.journal.SnapshotDescriptor.HEADER_LENGTH_OFFSET;
import static com.wodian.journal.SnapshotDescriptor.JOURNAL_SEQUENCE_OFFSET;
import static com.wodian.journal.SnapshotDescriptor.MAGIC;
import static com.wodian.journal.SnapshotDescriptor.MAGIC_OFFSET;
import static com.wodian.journal.SnapshotDescriptor.PAYLOAD_CHECKSUM_OFFSET;
import static com.wodian.journal.SnapshotDescriptor.PAYLOAD_LENGTH_OFFSET;
import static com.wodian.journal.SnapshotDescriptor.STATE_HASH_OFFSET;
import static com.wodian.journal.SnapshotDescriptor.TEMP_SUFFIX;
import static com.wodian.journal.SnapshotDescriptor.TIMESTAMP_OFFSET;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.zip.CRC32C;

/**
 * A directory of snapshot files ({@link SnapshotDescriptor}): written atomically, listed newest first, verified
 * before use, loaded newest-valid-first with fallback to an older one, and pruned to the newest
 * {@link #retainCount()}. The store knows bytes, not business rules: what the payload means is the caller's.
 *
 * <h2>Atomic write</h2>
 * A snapshot is written to {@code <name>.tmp}, forced to the device, renamed to its final name, and the directory is
 * forced, so that after a crash of the process or the machine a snapshot file either is complete or does not exist
 * (a stale {@code .tmp} is deleted when the store opens). The checksums still guard against the media.
 *
 * <h2>Threads</h2>
 * Writes come from one thread at a time (the snapshotter); listing, inspecting and loading may run on any thread.
 */
public final class SnapshotStore
{
    /** Snapshots kept unless {@link #SnapshotStore(Path, int)} says otherwise. */
    public static final int RETAIN_COUNT_DEFAULT = 3;

    private final Path dir;
    private final int retainCount;

    /**
     * What one snapshot file holds, as far as its header says, and what the checks found.
     *
     * @param file            the file.
     * @param journalSequence the journal sequence the state corresponds to (from the name when the header is bad).
     * @param chronicleIndex  Chronicle index of that entry, -1 when unknown.
     * @param timestampMs     the state's time (the engine's: its largest entry timestamp so far).
     * @param stateHash       state hash recorded by the writer.
     * @param payloadLength   payload bytes.
     * @param fileLength      bytes of the whole file.
     * @param problem         null when the header is sound (and the payload too, if it was checked), else why not.
     */
    public record SnapshotInfo(
        Path file,
        long journalSequence,
        long chronicleIndex,
        long timestampMs,
        long stateHash,
        long payloadLength,
        long fileLength,
        String problem)
    {
        /**
         * @return true when no check failed.
         */
        public boolean isValid()
        {
            return null == problem;
        }
    }

    /**
     * Writes a payload into a {@link SnapshotOutput}.
     */
    @FunctionalInterface
    public interface PayloadWriter
    {
        void write(SnapshotOutput output);
    }

    /**
     * Turns a payload into the caller's state; throws when the payload does not fit (another shape, a hash that does
     * not match), which makes {@link #loadNewest} try an older snapshot. Under {@link #loadNewest} the payload's
     * checksum is still being verified while the loader reads, so a loader must bound everything it allocates by its
     * own limits.
     */
    @FunctionalInterface
    public interface PayloadLoader<T>
    {
        T load(SnapshotInfo info, SnapshotInput input);
    }

    /**
     * A snapshot that was loaded, and the state it gave.
     */
    public record Loaded<T>(SnapshotInfo info, T state)
    {
    }

    /**
     * Open (and create) a snapshot directory, deleting what an interrupted write left behind.
     *
     * @param dir         directory of the snapshot files.
     * @param retainCount snapshots kept by {@link #prune()}, at least 1.
     */
    public SnapshotStore(final Path dir, final int retainCount)
    {
        this(dir, retainCount, true);
    }

    /**
     * Open (and create) a snapshot directory.
     *
     * @param dir         directory of the snapshot files.
     * @param retainCount snapshots kept by {@link #prune()}, at least 1.
     * @param removeTemps whether to delete what an interrupted write left behind: only a store that writes (the
     *                    server's own, an offline take that holds the data directory) may; a reader next to a running
     *                    server would delete the snapshot its snapshotter is writing.
     */
    public SnapshotStore(final Path dir, final int retainCount, final boolean removeTemps)
    {
        if (retainCount < 1)
        {
            throw new IllegalArgumentException("retainCount must be >= 1: " + retainCount);
        }
        this.retainCount = retainCount;
        try
        {
            this.dir = Files.createDirectories(dir);
            if (removeTemps)
            {
                try (DirectoryStream<Path> temps = Files.newDirectoryStream(dir, FILE_PREFIX + "*" + TEMP_SUFFIX))
                {
                    for (final Path temp : temps)
                    {
                        Files.deleteIfExists(temp);
                    }
                }
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot open snapshot directory " + dir, ex);
        }
    }

    /**
     * @return the directory of the snapshot files.
     */
    public Path dir()
    {
        return dir;
    }

    /**
     * @return how many snapshots {@link #prune()} keeps.
     */
    public int retainCount()
    {
        return retainCount;
    }

    /**
     * Write a snapshot atomically (see the class description) and prune older ones beyond the retain count.
     *
     * @param journalSequence journal sequence the state corresponds to.
     * @param chronicleIndex  Chronicle index of that entry, or -1.
     * @param timestampMs     the state's time (the engine's: its largest entry timestamp so far).
     * @param stateHash       state hash of the state.
     * @param payloadWriter   writes the state.
     * @return what was written.
     */
    public SnapshotInfo write(
        final long journalSequence,
        final long chronicleIndex,
        final long timestampMs,
        final long stateHash,
        final PayloadWriter payloadWriter)
    {
        final Path file = dir.resolve(SnapshotDescriptor.fileName(journalSequence));
        final Path temp = dir.resolve(file.getFileName() + TEMP_SUFFIX);
        final long payloadLength;
        try
        {
            try (FileChannel channel = FileChannel.open(temp,
                StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE))
            {
                channel.position(HEADER_LENGTH);
                final SnapshotOutput output = new SnapshotOutput(channel);
                payloadWriter.write(output);
                output.flush();
                payloadLength = output.length();

                final ByteBuffer header = ByteBuffer.allocate(HEADER_LENGTH).order(BYTE_ORDER);
                header.putLong(MAGIC_OFFSET, MAGIC)
                    .putInt(FORMAT_VERSION_OFFSET, FORMAT_VERSION)
                    .putInt(HEADER_LENGTH_OFFSET, HEADER_LENGTH)
                    .putLong(JOURNAL_SEQUENCE_OFFSET, journalSequence)
                    .putLong(CHRONICLE_INDEX_OFFSET, chronicleIndex)
                    .putLong(TIMESTAMP_OFFSET, timestampMs)
                    .putLong(STATE_HASH_OFFSET, stateHash)
                    .putLong(PAYLOAD_LENGTH_OFFSET, payloadLength)
                    .putInt(PAYLOAD_CHECKSUM_OFFSET, output.checksum())
                    .putInt(HEADER_CHECKSUM_OFFSET, headerChecksum(header));
                while (header.hasRemaining())
                {
                    channel.write(header, header.position());
                }
                channel.force(true);
            }
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            forceDirectory();
        }
        catch (final IOException ex)
        {
            deleteQuietly(temp);
            throw new UncheckedIOException("cannot write snapshot " + file, ex);
        }
        catch (final RuntimeException ex)
        {
            deleteQuietly(temp);
            throw ex;
        }

        prune();
        return new SnapshotInfo(file, journalSequence, chronicleIndex, timestampMs, stateHash, payloadLength,
            HEADER_LENGTH + payloadLength, null);
    }

    /**
     * @return the snapshot files, newest (highest journal sequence) first, with their headers checked (not their
     *         payloads: see {@link #inspect(Path, boolean)}).
     */
    public List<SnapshotInfo> list()
    {
        final List<SnapshotInfo> infos = new ArrayList<>();
        for (final Path file : files())
        {
            infos.add(inspect(file, false));
        }
        return infos;
    }

    /**
     * Read and check a snapshot file's header and, if asked, its payload checksum.
     *
     * @param file         the file.
     * @param checkPayload whether to read the whole payload and check its CRC32C.
     * @return what the header says, and the first problem found, if any.
     */
    public static SnapshotInfo inspect(final Path file, final boolean checkPayload)
    {
        final long nameSequence = sequenceOfName(file.getFileName().toString());
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
        {
            final long fileLength = channel.size();
            final ByteBuffer header = ByteBuffer.allocate(HEADER_LENGTH).order(BYTE_ORDER);
            while (header.hasRemaining() && channel.read(header) >= 0)
            {
                // Read until the header is complete or the file ends.
            }
            if (header.hasRemaining())
            {
                return broken(file, nameSequence, fileLength, "file of " + fileLength + " bytes is shorter than " +
                    "the " + HEADER_LENGTH + "-byte header");
            }
            if (header.getLong(MAGIC_OFFSET) != MAGIC)
            {
                return broken(file, nameSequence, fileLength, "not a snapshot file (bad magic)");
            }
            if (header.getInt(HEADER_CHECKSUM_OFFSET) != headerChecksum(header))
            {
                return broken(file, nameSequence, fileLength, "header checksum mismatch");
            }
            if (header.getInt(FORMAT_VERSION_OFFSET) != FORMAT_VERSION)
            {
                return broken(file, nameSequence, fileLength, "format version " +
                    header.getInt(FORMAT_VERSION_OFFSET) + ", this code reads " + FORMAT_VERSION);
            }
            final long payloadLength = header.getLong(PAYLOAD_LENGTH_OFFSET);
            String problem = null;
            if (HEADER_LENGTH + payloadLength != fileLength)
            {
                problem = "file is " + fileLength + " bytes, header says " + (HEADER_LENGTH + payloadLength);
            }
            else if (checkPayload && header.getInt(PAYLOAD_CHECKSUM_OFFSET) != payloadChecksum(channel, payloadLength))
            {
                problem = "payload checksum mismatch";
            }
            else if (nameSequence != header.getLong(JOURNAL_SEQUENCE_OFFSET))
            {
                problem = "file name says sequence " + nameSequence + ", header says " +
                    header.getLong(JOURNAL_SEQUENCE_OFFSET);
            }
            return new SnapshotInfo(file, header.getLong(JOURNAL_SEQUENCE_OFFSET),
                header.getLong(CHRONICLE_INDEX_OFFSET), header.getLong(TIMESTAMP_OFFSET),
                header.getLong(STATE_HASH_OFFSET), payloadLength, fileLength, problem);
        }
        catch (final IOException ex)
        {
            return broken(file, nameSequence, -1, "cannot read: " + ex);
        }
    }

    /**
     * Load the newest snapshot that is valid, not newer than {@code maxJournalSequence}, and accepted by the loader;
     * each one passed over is reported with its reason. The payload's checksum (a pass over the whole file) is
     * computed on a second thread while the loader reads the payload, and a state loaded from a payload whose
     * checksum fails is dropped and the snapshot reported as damaged: the same outcome as checking first, without the
     * checksum pass in the load's time. The loader may therefore see a damaged payload; it must bound what it
     * allocates by its own limits (the engine's reader checks every count against its limits).
     *
     * @param maxJournalSequence last sequence of the journal: a snapshot beyond it cannot be continued by a replay.
     * @param loader             turns the payload into state; throws to reject it.
     * @param reporter           receives one line per snapshot passed over.
     * @return the loaded snapshot, or null when none could be loaded (then recovery replays the journal from 1).
     */
    public <T> Loaded<T> loadNewest(
        final long maxJournalSequence, final PayloadLoader<T> loader, final Consumer<String> reporter)
    {
        for (final Path file : files())
        {
            // The header, the length and the name first (cheap); the payload's checksum, a pass over the whole file,
            // runs on a second thread while the payload is loaded here, and decides before the state is returned.
            final SnapshotInfo info = inspect(file, false);
            if (!info.isValid())
            {
                reporter.accept("snapshot " + file.getFileName() + " skipped: " + info.problem());
                continue;
            }
            if (info.journalSequence() > maxJournalSequence)
            {
                reporter.accept("snapshot " + file.getFileName() + " skipped: sequence " + info.journalSequence() +
                    " is beyond the journal's last " + maxJournalSequence);
                continue;
            }
            final java.util.concurrent.FutureTask<String> payloadCheck = checkPayloadAside(file);
            try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
            {
                channel.position(HEADER_LENGTH);
                final SnapshotInput input = new SnapshotInput(channel, info.payloadLength());
                final T state = loader.load(info, input);
                if (input.remaining() != 0)
                {
                    throw new IllegalStateException(input.remaining() + " payload bytes left unread");
                }
                final String payloadProblem = await(payloadCheck);
                if (null != payloadProblem)
                {
                    // Loaded from a damaged payload: the state is dropped, as if the check had come first.
                    reporter.accept("snapshot " + file.getFileName() + " skipped: " + payloadProblem);
                    continue;
                }
                return new Loaded<>(info, state);
            }
            catch (final IOException | RuntimeException ex)
            {
                // A damaged payload is named as such (what the loader tripped over then is a consequence); a
                // loader's refusal (IllegalStateException) is a sentence meant for the operator; anything else is
                // unexpected and keeps its type in the line.
                final String payloadProblem = await(payloadCheck);
                reporter.accept("snapshot " + file.getFileName() + " skipped: " + (null != payloadProblem ?
                    payloadProblem : "cannot load: " +
                    (ex instanceof IllegalStateException ? ex.getMessage() : ex.toString())));
            }
            catch (final Error error)
            {
                // Thrown while reading a damaged payload (a count that passed the loader's checks but not the heap,
                // say): that is the damage, named as before; from a sound payload it propagates, as it always did.
                final String payloadProblem = await(payloadCheck);
                if (null == payloadProblem)
                {
                    throw error;
                }
                reporter.accept("snapshot " + file.getFileName() + " skipped: " + payloadProblem);
            }
        }
        return null;
    }

    /** Starts the full check of a snapshot file ({@link #inspect} with the payload) on a thread of its own. */
    private static java.util.concurrent.FutureTask<String> checkPayloadAside(final Path file)
    {
        final java.util.concurrent.FutureTask<String> check = new java.util.concurrent.FutureTask<>(() ->
        {
            final SnapshotInfo checked = inspect(file, true);
            return checked.isValid() ? null : checked.problem();
        });
        final Thread thread = new Thread(check, "wodian-snapshot-check");
        thread.setDaemon(true);
        thread.start();
        return check;
    }

    /** The problem the payload check found, or null: waits for it. */
    private static String await(final java.util.concurrent.FutureTask<String> check)
    {
        try
        {
            return check.get();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return "payload not checked: interrupted";
        }
        catch (final java.util.concurrent.ExecutionException ex)
        {
            return "payload not checked: " + ex.getCause();
        }
    }

    /**
     * Open a snapshot's payload for reading, for tools. Nothing is checked here: pass a snapshot whose checksum was
     * verified when it was inspected ({@link #loadNewest} instead verifies it beside the load).
     */
    public static <T> T load(final SnapshotInfo info, final PayloadLoader<T> loader)
    {
        try (FileChannel channel = FileChannel.open(info.file(), StandardOpenOption.READ))
        {
            channel.position(HEADER_LENGTH);
            return loader.load(info, new SnapshotInput(channel, info.payloadLength()));
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read snapshot " + info.file(), ex);
        }
    }

    /**
     * Delete all but the newest {@link #retainCount()} snapshot files.
     *
     * @return the number of files deleted.
     */
    public int prune()
    {
        final List<Path> files = files();
        int deletedCount = 0;
        for (int i = retainCount; i < files.size(); i++)
        {
            deleteQuietly(files.get(i));
            deletedCount++;
        }
        return deletedCount;
    }

    /**
     * @return the journal sequence of the oldest snapshot kept, 0 when there is none: a journal's entries up to it are
     *         no longer needed for this node's own recovery (a standby or an audit may still want them).
     */
    public long oldestRetainedSequence()
    {
        final List<Path> files = files();
        return files.isEmpty() ? 0 : sequenceOfName(files.get(files.size() - 1).getFileName().toString());
    }

    private List<Path> files()
    {
        final List<Path> files = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir, FILE_PREFIX + "*" + FILE_SUFFIX))
        {
            for (final Path file : stream)
            {
                if (sequenceOfName(file.getFileName().toString()) >= 0)
                {
                    files.add(file);
                }
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot list snapshot directory " + dir, ex);
        }
        files.sort(Comparator.comparingLong((Path file) -> sequenceOfName(file.getFileName().toString())).reversed());
        return files;
    }

    private static long sequenceOfName(final String name)
    {
        if (!name.startsWith(FILE_PREFIX) || !name.endsWith(FILE_SUFFIX))
        {
            return -1;
        }
        try
        {
            return Long.parseLong(name.substring(FILE_PREFIX.length(), name.length() - FILE_SUFFIX.length()));
        }
        catch (final NumberFormatException ex)
        {
            return -1;
        }
    }

    private static SnapshotInfo broken(final Path file, final long nameSequence, final long fileLength,
        final String problem)
    {
        return new SnapshotInfo(file, nameSequence, -1, 0, 0, 0, fileLength, problem);
    }

    private static int headerChecksum(final ByteBuffer header)
    {
        final CRC32C crc = new CRC32C();
        crc.update(header.array(), 0, HEADER_CHECKSUM_OFFSET);
        return (int)crc.getValue();
    }

    private static int payloadChecksum(final FileChannel channel, final long payloadLength) throws IOException
    {
        final CRC32C crc = new CRC32C();
        final ByteBuffer buffer = ByteBuffer.allocateDirect(1 << 20);
        long position = HEADER_LENGTH;
        final long end = HEADER_LENGTH + payloadLength;
        while (position < end)
        {
            buffer.clear();
            buffer.limit((int)Math.min(buffer.capacity(), end - position));
            final int read = channel.read(buffer, position);
            if (read < 0)
            {
                break;
            }
            buffer.flip();
            crc.update(buffer);
            position += read;
        }
        return (int)crc.getValue();
    }

    private void forceDirectory() throws IOException
    {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ))
        {
            channel.force(true);
        }
    }

    private static void deleteQuietly(final Path file)
    {
        try
        {
            Files.deleteIfExists(file);
        }
        catch (final IOException ignore)
        {
            // Best effort: a leftover file is found and handled again on the next prune or open.
        }
    }
}
