package com.wodian.journal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * A journal directory's {@code start-after} file: the sequence the journal's first entry follows (0, or no file: it
 * starts at 1), then lines of its writer's own (a replica group's: the term of that sequence's entry). Written into an
 * empty journal that continues after a snapshot (a replica's snapshot install, a truncation of such a journal), and
 * moved forward by retention ({@code wodian journal prune}) before it removes the journal's first files, so that
 * every reader that starts at the journal's start (verify, dump, a truncation's rewrite, settlement) knows where that
 * is instead of reading a gap as corruption.
 */
public final class JournalStartFile
{
    /** The file's name in a journal directory. */
    public static final String NAME = "start-after";

    private JournalStartFile()
    {
    }

    /**
     * Writes the start file of a journal directory that has none yet, forced.
     */
    public static void create(final Path dir, final long startSequence, final String... extraLines)
    {
        final Path file = dir.resolve(NAME);
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE))
        {
            write(channel, startSequence, extraLines);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write " + file, ex);
        }
    }

    /**
     * Moves the start forward, atomically (a temporary file forced, renamed over the old one, the directory forced):
     * a crash leaves the old start or the new one. Entries at or below the new start may still be in the journal
     * (the files are removed after this): readers pass over them.
     *
     * @throws IllegalArgumentException if {@code startSequence} is below the recorded start: a start never goes back.
     */
    public static void advance(final Path dir, final long startSequence, final String... extraLines)
    {
        final long recorded = sequence(dir);
        if (startSequence < recorded)
        {
            throw new IllegalArgumentException("journal " + dir + " starts after " + recorded + ": it cannot start " +
                "after " + startSequence);
        }
        final Path file = dir.resolve(NAME);
        final Path temporary = dir.resolve(NAME + ".tmp");
        try
        {
            try (FileChannel channel = FileChannel.open(temporary, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING))
            {
                write(channel, startSequence, extraLines);
            }
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel directory = FileChannel.open(dir, StandardOpenOption.READ))
            {
                directory.force(true);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot replace " + file, ex);
        }
    }

    /**
     * @return the file's lines, empty when there is none.
     */
    public static List<String> read(final Path dir)
    {
        final Path file = dir.resolve(NAME);
        try
        {
            return Files.exists(file) ? Files.readAllLines(file, StandardCharsets.US_ASCII) : List.of();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read " + file, ex);
        }
    }

    /**
     * @return the sequence the journal starts after: 0 when there is no start file.
     * @throws IllegalStateException if the file is damaged.
     */
    public static long sequence(final Path dir)
    {
        final List<String> lines = read(dir);
        if (lines.isEmpty())
        {
            return 0;
        }
        try
        {
            final long sequence = Long.parseLong(lines.get(0).trim());
            if (sequence < 0)
            {
                throw new NumberFormatException("negative");
            }
            return sequence;
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalStateException("journal " + dir + ": damaged " + NAME + ": " + lines.get(0), ex);
        }
    }

    private static void write(final FileChannel channel, final long startSequence, final String... extraLines)
        throws IOException
    {
        final StringBuilder text = new StringBuilder().append(startSequence).append('\n');
        for (final String line : extraLines)
        {
            text.append(line).append('\n');
        }
        final ByteBuffer bytes = ByteBuffer.wrap(text.toString().getBytes(StandardCharsets.US_ASCII));
        while (bytes.hasRemaining())
        {
            channel.write(bytes);
        }
        channel.force(true);
    }
}
