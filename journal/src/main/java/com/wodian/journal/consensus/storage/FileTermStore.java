package com.wodian.journal.consensus.storage;

import com.wodian.journal.consensus.Membership;
import com.wodian.journal.consensus.TermStore;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

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
        final ByteBuffer buffer = ChecksummedFile.allocate(LENGTH);
        buffer.putLong(0, MAGIC).putLong(8, currentTerm).putInt(16, votedFor);
        ChecksummedFile.replace(file, buffer);
        this.currentTerm = currentTerm;
        this.votedFor = votedFor;
    }

    private void read()
    {
        final ByteBuffer buffer = ChecksummedFile.read(file, "term file", ", refusing to guess the term and vote",
            bytes -> bytes.limit() == LENGTH && bytes.getLong(0) == MAGIC);
        final long term = buffer.getLong(8);
        final int vote = buffer.getInt(16);
        // A checksum that matches values no node writes (a file restored from elsewhere, a tool's bug): refused too.
        if (term < 0 || vote < NO_VOTE || vote >= Membership.NODES_MAX)
        {
            throw new IllegalStateException(file + ": term " + term + " and vote " + vote + " are not a node's, " +
                "refusing to guess the term and vote");
        }
        currentTerm = term;
        votedFor = vote;
    }
}
