package com.wodian.net.server;

import com.wodian.journal.JournalMapAhead;
import org.agrona.ErrorHandler;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Stops a single server whose journal is deleted, moved or replaced under it while it runs. Linux keeps an unlinked
 * file alive for the process that has it open: appends and fdatasync go on succeeding, every client hears OK, and
 * the entries are gone at the next start. Once a second (on the metrics thread, beside the journal's map-ahead) it
 * checks that the journal directory is the one opened and that the roll file it saw newest last time is still there,
 * the same file; if not, the fatal handler stops the server (exit 70) so that nothing more is acknowledged.
 *
 * <p>{@code wodian journal prune} never removes the file being written, so it does not trip this. A replica group's
 * journal is replaced legitimately by a truncation or a snapshot install, so a group member is not watched this way.
 */
final class JournalFileWatch implements JournalMapAhead
{
    private static final String CYCLE_FILE_SUFFIX = ".cq4";

    private final JournalMapAhead mapAhead;
    private final Path journalDir;
    private final Object journalDirKey;
    private final ErrorHandler fatal;
    private Path newestFile;
    private Object newestFileKey;
    private boolean failed;

    private JournalFileWatch(
        final JournalMapAhead mapAhead, final Path journalDir, final Object journalDirKey, final ErrorHandler fatal)
    {
        this.mapAhead = mapAhead;
        this.journalDir = journalDir;
        this.journalDirKey = journalDirKey;
        this.fatal = fatal;
    }

    /**
     * @param journalDir the single server's journal directory; null (a group member): {@code mapAhead} as it is.
     */
    static JournalMapAhead watching(final JournalMapAhead mapAhead, final Path journalDir, final ErrorHandler fatal)
    {
        if (null == journalDir)
        {
            return mapAhead;
        }
        return new JournalFileWatch(mapAhead, journalDir, fileKey(journalDir), fatal);
    }

    @Override
    public boolean mapAhead()
    {
        final boolean mapped = mapAhead.mapAhead();
        if (!failed)
        {
            final String problem = check();
            if (null != problem)
            {
                failed = true;
                fatal.onError(new IllegalStateException(problem + ": stopping so that nothing more is acknowledged " +
                    "into a file that will not survive a restart (nothing under the data directory may be deleted, " +
                    "moved or replaced while the server runs; docs/durability.md)"));
            }
        }
        return mapped;
    }

    /** @return what is wrong with the journal's files, or null. */
    String check()
    {
        final Object dirKey = fileKey(journalDir);
        if (null == dirKey || !dirKey.equals(journalDirKey))
        {
            return "the journal directory " + journalDir + " was deleted, moved or replaced while the server ran";
        }
        if (null != newestFile && !Objects.equals(newestFileKey, fileKey(newestFile)))
        {
            return "the journal file " + newestFile + " was deleted or replaced while the server ran";
        }
        newestFile = newestCycleFile();
        newestFileKey = null == newestFile ? null : fileKey(newestFile);
        return null;
    }

    private Path newestCycleFile()
    {
        try (Stream<Path> files = Files.list(journalDir))
        {
            return files.filter((file) -> file.getFileName().toString().endsWith(CYCLE_FILE_SUFFIX))
                .max(Path::compareTo).orElse(null);
        }
        catch (final IOException ex)
        {
            return null; // gone meanwhile: the next check names it
        }
    }

    private static Object fileKey(final Path path)
    {
        try
        {
            return Files.readAttributes(path, BasicFileAttributes.class).fileKey();
        }
        catch (final IOException ex)
        {
            return null;
        }
    }
}
