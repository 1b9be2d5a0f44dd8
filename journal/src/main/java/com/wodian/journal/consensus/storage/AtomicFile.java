package com.wodian.journal.consensus.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Replaces a small file so that a crash at any moment leaves either the old or the new content, and returns only once
 * the new content is durable: write a temporary file beside it, fsync it, rename it over the old one, fsync the
 * directory (without the last step the rename itself may be lost).
 *
 * <p>Replacements of one file are serialised within the JVM: the temporary file's name is fixed ({@code <file>.tmp},
 * so a crash leaves at most one), and two threads replacing the same file (the commit mark: the replication thread at
 * a snapshot install and the commit-mark writer thread) would otherwise write and move the same temporary file, one
 * of them failing ({@code NoSuchFileException}: the install, and the node, stopped) or both contents mixing.
 */
public final class AtomicFile
{
    private static final ConcurrentHashMap<Path, Object> LOCKS = new ConcurrentHashMap<>();

    private AtomicFile()
    {
    }

    public static void replace(final Path file, final ByteBuffer content)
    {
        synchronized (LOCKS.computeIfAbsent(file.toAbsolutePath().normalize(), (path) -> new Object()))
        {
            replaceAlone(file, content);
        }
    }

    private static void replaceAlone(final Path file, final ByteBuffer content)
    {
        final Path temporary = file.resolveSibling(file.getFileName() + ".tmp");
        try
        {
            try (FileChannel channel = FileChannel.open(temporary,
                StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING))
            {
                while (content.hasRemaining())
                {
                    channel.write(content);
                }
                channel.force(true);
            }
            Files.move(temporary, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel directory = FileChannel.open(file.toAbsolutePath().getParent(), StandardOpenOption.READ))
            {
                directory.force(true);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot replace " + file, ex);
        }
    }
}
