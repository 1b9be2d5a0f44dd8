package com.wodian.journal.consensus.storage;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Predicate;
import java.util.zip.CRC32C;

/**
 * The small state files of a group node (term and vote, term history, commit mark, configurations): each is written
 * whole ({@link AtomicFile}), little endian, and ends with the CRC32C of every byte before it. A file that does not
 * check out is refused, never guessed at.
 */
public final class ChecksummedFile
{
    /** The bytes of the checksum at the end of every file. */
    public static final int CHECKSUM_LENGTH = 4;

    private ChecksummedFile()
    {
    }

    /**
     * @return a little-endian buffer of {@code length} bytes (checksum included) to fill from position 0.
     */
    public static ByteBuffer allocate(final int length)
    {
        return ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
    }

    /**
     * Writes the checksum of {@code content}'s bytes 0 to limit - 4 into its last four bytes, then replaces the file
     * with bytes 0 to limit, durably, before returning.
     *
     * @param content a heap buffer from {@link #allocate} (or one like it); its position is ignored.
     */
    public static void replace(final Path file, final ByteBuffer content)
    {
        final int length = content.limit();
        final CRC32C crc = new CRC32C();
        crc.update(content.array(), content.arrayOffset(), length - CHECKSUM_LENGTH);
        content.putInt(length - CHECKSUM_LENGTH, (int)crc.getValue());
        content.position(0);
        AtomicFile.replace(file, content);
    }

    /**
     * Reads a whole file written by {@link #replace}.
     *
     * @param what      what the file holds, for the error ("term file", "commit mark").
     * @param hint      appended to the error (what the operator may do), or "".
     * @param wellFormed whether the buffer (the whole file, little endian) has the length and header of its kind.
     * @throws IllegalStateException when it is not well formed or its checksum does not match.
     */
    public static ByteBuffer read(final Path file, final String what, final String hint,
        final Predicate<ByteBuffer> wellFormed)
    {
        final byte[] bytes;
        try
        {
            bytes = Files.readAllBytes(file);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read " + file, ex);
        }
        final ByteBuffer buffer = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
        if (bytes.length < CHECKSUM_LENGTH + 4 || !wellFormed.test(buffer))
        {
            throw new IllegalStateException(file + " is not a " + what + " (length " + bytes.length + ")" + hint);
        }
        final CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - CHECKSUM_LENGTH);
        if ((int)crc.getValue() != buffer.getInt(bytes.length - CHECKSUM_LENGTH))
        {
            throw new IllegalStateException(file + ": checksum mismatch in the " + what + hint);
        }
        return buffer;
    }
}
