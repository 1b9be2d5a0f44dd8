package com.wodian.journal.consensus.storage;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A persisted lower bound of the commit index: every entry up to it is known to be committed, so a node restarting
 * may apply the journal up to it before it hears from a leader. Raft itself keeps the commit index in memory only;
 * storing a value that lags behind the real one is always safe, which is why the node stores it when it likes (every
 * few hundred milliseconds, say), not on every commit.
 *
 * <p>One small file replaced atomically on every change (see {@link AtomicFile}): a crash leaves the old or the new
 * value. Layout (little endian): magic int64 @0, commitIndex int64 @8, CRC32C of bytes 0..15 int32 @16.
 */
public final class CommitMark
{
    private static final long MAGIC = 0x574F4449414E434DL; // "WODIANCM"
    private static final int INDEX_OFFSET = 8;
    private static final int LENGTH = 20;

    private final Path file;
    private final ByteBuffer scratch = ChecksummedFile.allocate(LENGTH);
    private long index;

    /**
     * Opens the mark, reading the stored value if the file exists; 0 when it does not.
     *
     * @throws IllegalStateException if the file exists but is damaged. The mark is only a lower bound, so deleting
     *                               the file is safe; the node then learns the commit index from the leader.
     */
    public CommitMark(final Path file)
    {
        this.file = file;
        if (Files.exists(file))
        {
            read();
        }
    }

    /**
     * @return the stored commit index, 0 when none was stored.
     */
    public long index()
    {
        return index;
    }

    /**
     * Store a new value, durably, before returning. A value at or below the stored one changes nothing: the commit
     * index never goes down, so the stored value already implies it.
     *
     * @param index a commit index, 0 or more.
     */
    public void store(final long index)
    {
        if (index < 0)
        {
            throw new IllegalArgumentException("commit index " + index + " is negative");
        }
        if (index <= this.index)
        {
            return;
        }
        scratch.clear();
        scratch.putLong(0, MAGIC).putLong(INDEX_OFFSET, index);
        ChecksummedFile.replace(file, scratch);
        this.index = index;
    }

    private void read()
    {
        final ByteBuffer buffer = ChecksummedFile.read(file, "commit mark", "; it is only a lower bound of the " +
            "commit index, so deleting it is safe", bytes -> bytes.limit() == LENGTH && bytes.getLong(0) == MAGIC);
        final long stored = buffer.getLong(INDEX_OFFSET);
        if (stored < 0)
        {
            throw new IllegalStateException(file + ": negative commit index " + stored);
        }
        index = stored;
    }
}
