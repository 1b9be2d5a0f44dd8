package com.wodian.journal.consensus.storage;

import com.wodian.journal.consensus.TermStore;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * A {@link TermStore} in one small file, replaced atomically on every change: write a temporary file, fsync it,
 * rename it over the old one, fsync the directory. A crash at any point leaves either the old or the new values,
 * never a mix, and a value is never reported stored before it is on disk (a vote must not be forgotten).
 *
 * <p>Layout (little endian): magic int64 @0, currentTerm int64 @8, votedFor int32 @16, CRC32C of bytes 0..19
 * int32 @20. Changes happen once per election, so the cost (two fsyncs) does not matter.
 */
public final class FileTermStore implements TermStore
{
    private static final long MAGIC = 0x574F4449414E5445L; // "WODIANTE"
    private static final int LENGTH = 24;

    private final Path file;
    private long currentTerm;
    private int votedFor = NO_VOTE;

    /**
     * Opens the store, reading the stored values if the file exists.
     *
     * @throws IllegalStateException if the file exists but is damaged: a node must not guess its term or vote.
     */
    public FileTermStore(final Path file)
    {
        this.file = file;
        if (Files.exists(file))
        {
            read();
        }
    }

    @Override
    public long currentTerm()
    {
        return currentTerm;
    }

    @Override
    public int votedFor()
    {
        return votedFor;
    }

    @Override
    public void store(final long currentTerm, final int votedFor)
    {
        if (currentTerm < this.currentTerm)
        {
            throw new IllegalStateException("term must not go down: " + currentTerm + " < " + this.currentTerm);
        }
        final ByteBuffer buffer = ByteBuffer.allocate(LENGTH).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(0, MAGIC).putLong(8, currentTerm).putInt(16, votedFor);
        final CRC32C crc = new CRC32C();
        crc.update(buffer.array(), 0, 20);
        buffer.putInt(20, (int)crc.getValue());
        AtomicFile.replace(file, buffer);
        this.currentTerm = currentTerm;
        this.votedFor = votedFor;
    }

    private void read()
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
        if (bytes.length != LENGTH || buffer.getLong(0) != MAGIC)
        {
            throw new IllegalStateException(file + " is not a term file (length " + bytes.length + ")");
        }
        final CRC32C crc = new CRC32C();
        crc.update(bytes, 0, 20);
        if ((int)crc.getValue() != buffer.getInt(20))
        {
            throw new IllegalStateException(file + ": checksum mismatch, refusing to guess the term and vote");
        }
        currentTerm = buffer.getLong(8);
        votedFor = buffer.getInt(16);
    }
}
