package com.wodian.journal.consensus.storage;

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

import com.wodian.journal.ChronicleJournal;
import com.wodian.journal.DurabilityPolicy;
import com.wodian.journal.JournalConfig;
import com.wodian.journal.JournalEntryHandler;
import com.wodian.journal.JournalTailer;
import com.wodian.journal.JournalWriter;

import static com.wodian.journal.consensus.storage.JournalReplicaLog.JOURNAL_DIR_NAME;
import static com.wodian.journal.consensus.storage.JournalReplicaLog.REWRITE_DIR_NAME;
import static com.wodian.journal.consensus.storage.JournalReplicaLog.SUPERSEDED_DIR_PREFIX;

/**
 * The directories of a {@link JournalReplicaLog}'s truncation by rewrite (its class description, "Truncation"): the
 * new journal written into {@code journal.rewrite} and forced, the swap that keeps the old one as
 * {@code journal.superseded-<n>} and puts the rewrite in its place, and the recovery of a swap a crash interrupted.
 * A snapshot install uses the same swap with an empty rewrite that starts after the snapshot.
 *
 * <p>It owns no open journal: the log closes its journal before {@link #replaceJournal} and opens the new one after.
 * Every step allocates; it runs once per truncation or install.
 */
final class JournalRewrite
{
    private static final System.Logger LOG = System.getLogger("com.wodian.journal");

    /** Excerpts one poll of the rewrite reads: bounded, large enough to amortise the loop. */
    private static final int REWRITE_BATCH_EXCERPTS = 4096;

    private final Path dataDir;
    private final Path journalDir;
    private final Path rewriteDir;

    /**
     * @param dataDir the log's data directory, as a real path.
     */
    JournalRewrite(final Path dataDir)
    {
        this.dataDir = dataDir;
        this.journalDir = dataDir.resolve(JOURNAL_DIR_NAME);
        this.rewriteDir = dataDir.resolve(REWRITE_DIR_NAME);
    }

    /**
     * Finishes or discards a rewrite a crash interrupted: {@code journal} missing and {@code journal.rewrite} present
     * means the rewrite was complete (it is forced before the first rename) and only its rename is left; both present
     * means the truncation had not taken effect, and the rewrite is deleted.
     */
    void recoverInterrupted()
    {
        if (!Files.exists(rewriteDir))
        {
            return;
        }
        if (Files.exists(journalDir))
        {
            LOG.log(Level.WARNING, "replica log " + dataDir + ": discarding " + rewriteDir +
                " left by a truncation that did not take effect");
            deleteRecursively(rewriteDir);
        }
        else
        {
            LOG.log(Level.WARNING, "replica log " + dataDir + ": completing a truncation: " + rewriteDir + " becomes " +
                journalDir);
            move(rewriteDir, journalDir);
        }
        forceDirectory(dataDir);
    }

    /**
     * @return the number of the newest {@code journal.superseded-<n>} directory, 0 when there is none.
     */
    long highestSupersededNumber()
    {
        long highest = 0;
        try (Stream<Path> entries = Files.list(dataDir))
        {
            final List<Path> paths = entries.toList();
            for (final Path path : paths)
            {
                final String name = path.getFileName().toString();
                if (name.startsWith(SUPERSEDED_DIR_PREFIX))
                {
                    try
                    {
                        highest = Math.max(highest, Long.parseLong(name.substring(SUPERSEDED_DIR_PREFIX.length())));
                    }
                    catch (final NumberFormatException ignored)
                    {
                        // Not one of ours (renamed by an operator): it does not take a number.
                    }
                }
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot list " + dataDir, ex);
        }
        return highest;
    }

    /**
     * Snapshot install: a fresh, forced {@code journal.rewrite} that holds no entry and starts after {@code index}
     * (its start file holds the index and {@code term}).
     */
    void writeStartedAfter(final long index, final long term)
    {
        try
        {
            deleteRecursively(rewriteDir);
            Files.createDirectories(rewriteDir);
            ChronicleJournal.writeStartFile(rewriteDir, index, Long.toString(term));
            forceDirectory(rewriteDir);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot prepare " + rewriteDir, ex);
        }
    }

    /**
     * Truncation: copy the entries of {@code journal} before {@code index} (same sequence, timestamp, payload version
     * and bytes) into a fresh {@code journal.rewrite} and force all of it.
     *
     * @param start     the sequence the journal starts after: a snapshot install's, or the last one retention removed
     *                  (a prune next to the running node may have moved it since the journal was opened); the rewrite
     *                  starts after the same sequence, and the copy begins right after it.
     * @param startTerm the term of the entry at {@code start}, for the rewrite's start file.
     */
    void writeKeptEntries(final ChronicleJournal journal, final long index, final long start, final long startTerm)
    {
        deleteRecursively(rewriteDir);
        final long keptCount = index - 1;
        if (keptCount < start)
        {
            throw new IllegalStateException("truncation from " + index + " in " + journalDir + ", which starts after " +
                start + ": the entries below its start are in a snapshot and cannot be cut");
        }
        if (start > 0)
        {
            try
            {
                Files.createDirectories(rewriteDir);
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException("cannot prepare " + rewriteDir, ex);
            }
            ChronicleJournal.writeStartFile(rewriteDir, start, Long.toString(startTerm));
        }
        try (ChronicleJournal rewrite = ChronicleJournal.open(
            new JournalConfig(rewriteDir).withDurabilityPolicy(DurabilityPolicy.PAGE_CACHE)))
        {
            final JournalWriter rewriteWriter = rewrite.writer();
            if (keptCount > start)
            {
                copyEntries(journal, start, keptCount, rewriteWriter);
            }
            if (rewriteWriter.lastSequence() != keptCount)
            {
                throw new IllegalStateException("rewrite of " + journalDir + " ends at " +
                    rewriteWriter.lastSequence() + ", expected " + keptCount);
            }
        }
        forceRewrite();
    }

    /**
     * Keeps the journal as {@code journal.superseded-<number>} and puts the rewrite in its place, then forces the data
     * directory. The journal must be closed.
     */
    void replaceJournal(final long number)
    {
        move(journalDir, dataDir.resolve(SUPERSEDED_DIR_PREFIX + number));
        move(rewriteDir, journalDir);
        forceDirectory(dataDir);
    }

    /** Copies the entries {@code start + 1} to {@code keptCount}, in bounded polls. */
    private void copyEntries(
        final ChronicleJournal journal, final long start, final long keptCount, final JournalWriter rewriteWriter)
    {
        final JournalEntryHandler copier = (sequence, timestampMs, payloadVersion, buffer, offset, length) ->
            rewriteWriter.append(sequence, timestampMs, payloadVersion, buffer, offset, length);
        try (JournalTailer tailer = journal.tailer(start + 1, -1))
        {
            while (tailer.nextSequence() <= keptCount)
            {
                final long excerptsRead = tailer.excerptsRead();
                final long wanted = keptCount - tailer.nextSequence() + 1;
                tailer.poll(copier, (int)Math.min(REWRITE_BATCH_EXCERPTS, wanted));
                if (tailer.excerptsRead() == excerptsRead)
                {
                    throw new IllegalStateException("journal " + journalDir + " ended at " +
                        (tailer.nextSequence() - 1) + " while rewriting up to " + keptCount);
                }
            }
        }
    }

    /**
     * Every file, Chronicle's metadata and index pages included, then the directory: the rewrite must be complete on
     * the device before the journal is renamed away, because {@link JournalReplicaLog#open} trusts it from then on.
     */
    private void forceRewrite()
    {
        try (Stream<Path> files = Files.list(rewriteDir))
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
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot force " + rewriteDir, ex);
        }
        forceDirectory(rewriteDir);
        forceDirectory(dataDir);
    }

    private static void move(final Path from, final Path to)
    {
        try
        {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot rename " + from + " to " + to, ex);
        }
    }

    private static void forceDirectory(final Path dir)
    {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ))
        {
            channel.force(true);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot force directory " + dir, ex);
        }
    }

    private static void deleteRecursively(final Path dir)
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
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot delete " + dir, ex);
        }
    }
}
