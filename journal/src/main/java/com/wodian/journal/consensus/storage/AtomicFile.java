package com.wodian.journal.consensus.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * Replaces a small file so that a crash at any moment leaves either the old or the new content, and returns only once
 * the new content is durable: write a temporary file beside it, fsync it, rename it over the old one, fsync the
 * directory (without the last step the rename itself may be lost).
 */
public final class AtomicFile
{
    private AtomicFile()
    {
    }

    public static void replace(final Path file, final ByteBuffer content)
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
