package com.wodian.journal;

import com.wodian.journal.ChronicleJournal.CycleFile;
import com.wodian.journal.SnapshotStore.SnapshotInfo;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * Journal retention: which journal files recovery can no longer need, and removing (or archiving) them. The rule
 * (docs/replication.md, "Journal retention"):
 * <ul>
 *     <li>a roll-cycle file may go only when every entry in it is below the <b>keep-from sequence</b>: on a single
 *     server the journal sequence of the oldest valid snapshot kept (recovery from that snapshot seeks its entry and
 *     replays every one after it, and an older valid snapshot is the fallback when a newer one is damaged); in a
 *     replica group also no higher than the lowest index any node has applied (a standby is repaired from the
 *     primary's journal after its position); with no valid snapshot, nothing goes;</li>
 *     <li>the last cycle file (the one being written) never goes;</li>
 *     <li>superseded journals ({@code journal.superseded-N}, left by truncations) are never read by recovery and go
 *     too.</li>
 * </ul>
 * Before it removes the first files it records in the journal's start file ({@link JournalStartFile}) the last
 * sequence they hold, so that every reader from the journal's start (verify, dump, a truncation's rewrite) starts
 * after it instead of reading the missing head as corruption.
 */
public final class JournalRetention
{
    /**
     * What a prune would remove, and why the rest stays.
     *
     * @param journalDir the journal's directory.
     * @param startAfter the sequence the journal's start file will name (the last one removed), or -1 to leave it:
     *                   also set with nothing to remove when the journal's first file starts after the start the file
     *                   names and a kept snapshot covers the difference (files an earlier version's prune removed
     *                   without recording it).
     */
    public record Plan(Path journalDir, long keepFromSequence, List<CycleFile> cycles, List<CycleFile> kept,
        List<Path> superseded, long startAfter)
    {
        public boolean isEmpty()
        {
            return cycles.isEmpty() && superseded.isEmpty() && startAfter < 0;
        }

        /** @return true when only the start file changes: the head was removed before, without a record. */
        public boolean repairsStart()
        {
            return cycles.isEmpty() && startAfter >= 0;
        }
    }

    private JournalRetention()
    {
    }

    /**
     * @return the journal sequence of the oldest snapshot in {@code store} whose file checks out whole (header,
     * checksum of the payload), or -1 when there is none: then nothing may be pruned.
     */
    public static long oldestValidSnapshotSequence(final SnapshotStore store)
    {
        return oldestValidSnapshotSequence(store, (info) -> true);
    }

    /**
     * @param loadable whether this build can load a snapshot whose checksums pass (its payload's format): one it
     *                 cannot load (written before an upgrade that changed the format) is no fallback for recovery, so
     *                 it may not decide what goes.
     * @return the journal sequence of the oldest snapshot that is sound and loadable, or -1 when there is none.
     */
    public static long oldestValidSnapshotSequence(final SnapshotStore store, final Predicate<SnapshotInfo> loadable)
    {
        long oldest = -1;
        for (final SnapshotInfo info : store.list())
        {
            final SnapshotInfo checked = SnapshotStore.inspect(info.file(), true);
            if (checked.isValid() && loadable.test(checked) && (oldest < 0 || checked.journalSequence() < oldest))
            {
                oldest = checked.journalSequence();
            }
        }
        return oldest;
    }

    /**
     * @param keepFromSequence the lowest sequence anything may still need; negative (no valid snapshot): keep all.
     */
    public static Plan plan(final ChronicleJournal journal, final Path dataDir, final long keepFromSequence)
    {
        final List<CycleFile> removable = new ArrayList<>();
        final List<CycleFile> kept = new ArrayList<>();
        final List<CycleFile> cycles = journal.cycleFiles();
        for (int i = 0; i < cycles.size(); i++)
        {
            final CycleFile cycle = cycles.get(i);
            final boolean last = i == cycles.size() - 1;
            final boolean removed = !last && keepFromSequence >= 0 && cycle.lastSequence() < keepFromSequence &&
                removable.size() == i; // only a prefix: never a hole in the middle of the journal
            (removed ? removable : kept).add(cycle);
        }
        return new Plan(journal.dir(), keepFromSequence, removable, kept, supersededJournals(dataDir),
            startAfter(journal, removable, kept, keepFromSequence));
    }

    private static long startAfter(final ChronicleJournal journal, final List<CycleFile> removable,
        final List<CycleFile> kept, final long keepFromSequence)
    {
        final long recorded = JournalStartFile.sequence(journal.dir());
        final long beforeFirst = kept.isEmpty() ? -1 : kept.get(0).firstSequence() - 1;
        final long after = !removable.isEmpty() ? removable.get(removable.size() - 1).lastSequence() :
            beforeFirst <= keepFromSequence ? beforeFirst : -1;
        return after > recorded ? after : -1; // files restored below the recorded start: it stays
    }

    /**
     * Records the journal's new start, then removes what {@code plan} lists, or moves it under {@code archiveDir}
     * (kept whole: the cycle files and the archive's {@code journal/start-after}, the journal's start before the first
     * prune into that archive, copied back into the journal directory with the server stopped, restore it).
     *
     * @param archiveDir       null to delete.
     * @param startExtraLines  the start file's lines after the sequence (a replica group's: the term of its entry).
     */
    public static void apply(final Plan plan, final Path archiveDir, final String... startExtraLines)
    {
        final Path journalDir = plan.journalDir();
        try
        {
            if (plan.startAfter() >= 0)
            {
                if (null != archiveDir && !plan.cycles().isEmpty())
                {
                    keepStartInArchive(journalDir, archiveDir.resolve(journalDir.getFileName()));
                }
                JournalStartFile.advance(journalDir, plan.startAfter(), startExtraLines);
            }
            for (final CycleFile cycle : plan.cycles())
            {
                if (null == archiveDir)
                {
                    Files.delete(cycle.file());
                }
                else
                {
                    move(cycle.file(),
                        archiveDir.resolve(journalDir.getFileName()).resolve(cycle.file().getFileName()));
                }
            }
            for (final Path superseded : plan.superseded())
            {
                if (null == archiveDir)
                {
                    deleteRecursively(superseded);
                }
                else
                {
                    move(superseded, archiveDir.resolve(superseded.getFileName()));
                }
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("prune failed", ex);
        }
    }

    /** The journal's start before the first prune into this archive: what a restore of all of it starts after. */
    private static void keepStartInArchive(final Path journalDir, final Path archivedJournalDir) throws IOException
    {
        Files.createDirectories(archivedJournalDir);
        if (!Files.exists(archivedJournalDir.resolve(JournalStartFile.NAME)))
        {
            final List<String> lines = JournalStartFile.read(journalDir);
            JournalStartFile.create(archivedJournalDir, JournalStartFile.sequence(journalDir),
                lines.isEmpty() ? new String[0] : lines.subList(1, lines.size()).toArray(new String[0]));
        }
    }

    private static List<Path> supersededJournals(final Path dataDir)
    {
        final List<Path> superseded = new ArrayList<>();
        if (!Files.isDirectory(dataDir))
        {
            return superseded;
        }
        try (Stream<Path> entries = Files.list(dataDir))
        {
            entries.filter(path -> Files.isDirectory(path) &&
                    path.getFileName().toString().startsWith("journal.superseded-"))
                .sorted()
                .forEach(superseded::add);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot list " + dataDir, ex);
        }
        return superseded;
    }

    private static void move(final Path from, final Path to) throws IOException
    {
        Files.createDirectories(to.getParent());
        if (Files.exists(to))
        {
            throw new IOException("will not overwrite " + to + " in the archive");
        }
        try
        {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        }
        catch (final IOException ex)
        {
            // Another file system: copy, then delete the original (a directory only when it is a plain file tree).
            if (Files.isDirectory(from))
            {
                try (Stream<Path> files = Files.walk(from))
                {
                    for (final Path file : (Iterable<Path>)files::iterator)
                    {
                        Files.copy(file, to.resolve(from.relativize(file).toString()),
                            StandardCopyOption.COPY_ATTRIBUTES);
                    }
                }
                deleteRecursively(from);
            }
            else
            {
                Files.copy(from, to, StandardCopyOption.COPY_ATTRIBUTES);
                Files.delete(from);
            }
        }
    }

    private static void deleteRecursively(final Path dir) throws IOException
    {
        try (Stream<Path> files = Files.walk(dir))
        {
            for (final Path file : (Iterable<Path>)files.sorted(Comparator.reverseOrder())::iterator)
            {
                Files.delete(file);
            }
        }
    }
}
