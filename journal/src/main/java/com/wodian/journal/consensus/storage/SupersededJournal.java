package com.wodian.journal.consensus.storage;

import com.wodian.journal.ChronicleJournal;
import com.wodian.journal.DurabilityPolicy;
import com.wodian.journal.JournalConfig;
import com.wodian.journal.JournalTailer;
import com.wodian.journal.JournalWriter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

import static com.wodian.journal.consensus.storage.JournalReplicaLog.SUPERSEDED_DIR_PREFIX;

/**
 * What a truncation or a snapshot install keeps of the journal it replaced, {@code journal.superseded-<n>}: only the
 * entries it cut off (from the cut on; a journal that starts after the entry before the cut), for forensics
 * (operator review B10: each cut tail kept a full copy of the journal, and unplanned elections piled them up until a
 * prune). The entries before the cut are in the new journal, or in the installed snapshot.
 *
 * <p>After the swap, the cut entries are copied into {@code journal.superseded-<n>.cut} and forced; the full copy is
 * renamed {@code journal.superseded-<n>.full}, the cut one takes its name, the directory is forced, the full one is
 * deleted. A crash leaves either the full copy under its name (a stray {@code .cut} is deleted at the next open), or
 * a {@code .full} beside the cut copy (deleted), or a {@code .full} alone (renamed back): {@link #recoverInterrupted}.
 * A failure keeps the full copy, said at WARNING: it costs only disk.
 */
final class SupersededJournal
{
    private static final System.Logger LOG = System.getLogger("com.wodian.journal");
    private static final String CUT_SUFFIX = ".cut";
    private static final String FULL_SUFFIX = ".full";
    private static final int COPY_BATCH_EXCERPTS = 4096;

    private SupersededJournal()
    {
    }

    /**
     * Keeps only the entries from {@code fromSequence} on in {@code journal.superseded-<number>}.
     */
    static void keepOnlyCut(final Path dataDir, final long number, final long fromSequence)
    {
        final Path superseded = dataDir.resolve(SUPERSEDED_DIR_PREFIX + number);
        final Path cut = dataDir.resolve(superseded.getFileName() + CUT_SUFFIX);
        final Path full = dataDir.resolve(superseded.getFileName() + FULL_SUFFIX);
        try
        {
            deleteRecursively(cut);
            Files.createDirectories(cut);
            ChronicleJournal.writeStartFile(cut, fromSequence - 1, "cut off");
            final long copied = copyFrom(superseded, cut, fromSequence);
            forceFiles(cut);
            Files.move(superseded, full, StandardCopyOption.ATOMIC_MOVE);
            Files.move(cut, superseded, StandardCopyOption.ATOMIC_MOVE);
            forceDirectory(dataDir);
            deleteRecursively(full);
            LOG.log(Level.INFO, "replica log " + dataDir + ": " + superseded.getFileName() + " keeps the " + copied +
                " entries cut off (from " + fromSequence + "), not the whole journal");
        }
        catch (final IOException | RuntimeException ex)
        {
            LOG.log(Level.WARNING, "replica log " + dataDir + ": could not reduce " + superseded.getFileName() +
                " to the entries cut off; it keeps the whole journal (remove it with wodian journal prune)", ex);
        }
    }

    /** Finishes or undoes a {@link #keepOnlyCut} a crash interrupted (see the class description). */
    static void recoverInterrupted(final Path dataDir)
    {
        final List<Path> entries;
        try (Stream<Path> list = Files.list(dataDir))
        {
            entries = list.filter((path) -> path.getFileName().toString().startsWith(SUPERSEDED_DIR_PREFIX)).toList();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot list " + dataDir, ex);
        }
        try
        {
            for (final Path path : entries)
            {
                final String name = path.getFileName().toString();
                if (name.endsWith(CUT_SUFFIX))
                {
                    deleteRecursively(path);
                }
                else if (name.endsWith(FULL_SUFFIX))
                {
                    final Path superseded = dataDir.resolve(name.substring(0, name.length() - FULL_SUFFIX.length()));
                    if (Files.exists(superseded))
                    {
                        deleteRecursively(path);
                    }
                    else
                    {
                        Files.move(path, superseded, StandardCopyOption.ATOMIC_MOVE);
                    }
                }
            }
            forceDirectory(dataDir);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot tidy the superseded journals of " + dataDir, ex);
        }
    }

    /** @return the number of entries copied. */
    private static long copyFrom(final Path superseded, final Path cut, final long fromSequence)
    {
        try (ChronicleJournal source = ChronicleJournal.open(new JournalConfig(superseded));
            ChronicleJournal target = ChronicleJournal.open(
                new JournalConfig(cut).withDurabilityPolicy(DurabilityPolicy.PAGE_CACHE)))
        {
            final long last = source.lastSequence();
            if (last < fromSequence)
            {
                return 0;
            }
            final JournalWriter writer = target.writer();
            try (JournalTailer tailer = source.tailer(fromSequence, -1))
            {
                while (tailer.nextSequence() <= last)
                {
                    final long read = tailer.excerptsRead();
                    tailer.poll((sequence, timestampMs, version, buffer, offset, length) ->
                        writer.append(sequence, timestampMs, version, buffer, offset, length),
                        (int)Math.min(COPY_BATCH_EXCERPTS, last - tailer.nextSequence() + 1));
                    if (tailer.excerptsRead() == read)
                    {
                        throw new IllegalStateException(superseded + " ended at " + (tailer.nextSequence() - 1) +
                            " before its last entry " + last);
                    }
                }
            }
            writer.endOfBatch();
            return last - fromSequence + 1;
        }
    }

    private static void forceFiles(final Path dir) throws IOException
    {
        try (Stream<Path> files = Files.list(dir))
        {
            for (final Path file : (Iterable<Path>)files::iterator)
            {
                if (Files.isRegularFile(file))
                {
                    try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ))
                    {
                        channel.force(true);
                    }
                }
            }
        }
        forceDirectory(dir);
    }

    private static void forceDirectory(final Path dir) throws IOException
    {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ))
        {
            channel.force(true);
        }
    }

    private static void deleteRecursively(final Path dir) throws IOException
    {
        if (!Files.exists(dir))
        {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir))
        {
            for (final Path path : paths.sorted(Comparator.reverseOrder()).toList())
            {
                Files.delete(path);
            }
        }
    }
}
