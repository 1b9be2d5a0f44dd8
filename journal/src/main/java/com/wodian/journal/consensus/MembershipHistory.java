package com.wodian.journal.consensus;

import com.wodian.journal.consensus.storage.AtomicFile;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The configurations a node's log holds, as (index, configuration) pairs, plus the bootstrap configuration that holds
 * below the first of them (the group as started from its {@code --peers} list). Raft's single-server changes (thesis
 * section 4.1): a node uses the newest configuration in its log, committed or not; cutting a log suffix off goes
 * back to the one before. Kept beside the log because the log's entries are opaque to the consensus rules and may be
 * compacted away; a snapshot install replaces the pairs with the configuration at the snapshot's index.
 *
 * <p>Also the node's right to vote ({@link #mayVote}): a node that joins with an empty (wiped or new) data directory
 * has forgotten any vote it cast before, so it votes only once its log holds a configuration that names it a learner:
 * such an entry is only ever created by adding the node after it left the configuration, so any vote of a term in
 * which it might have voted before is then settled (docs/replication.md, "Membership changes").
 *
 * <p>With a file, every change is stored (atomically, fsynced) before the call returns; written before the log entry
 * it describes, and pairs past the log's end are dropped when the node opens. Changes are rare (one per membership
 * change), so the cost does not matter. Without a file (the simulation), the object itself is the durable state.
 */
public final class MembershipHistory
{
    private static final long MAGIC = 0x574F4449414E4D42L; // "WODIANMB"
    private static final int HEADER = 24;

    private final int nodeId;
    private final long bootstrap;
    private final Path file;
    private long[] indexes = new long[8];
    private long[] configurations = new long[8];
    private int size;
    private boolean mayVote;

    /**
     * @param file      null: in memory only.
     * @param bootstrap the configuration below the first stored pair.
     * @param joining   this node starts with an empty data directory and must not vote until it is added (ignored
     *                  when the file already exists).
     */
    public MembershipHistory(final int nodeId, final long bootstrap, final Path file, final boolean joining)
    {
        this.nodeId = nodeId;
        this.bootstrap = bootstrap;
        this.file = file;
        this.mayVote = !joining;
        if (file != null && Files.exists(file))
        {
            read();
        }
        else if (file != null)
        {
            store();
        }
    }

    /** In memory, every node a voter from the start. */
    public static MembershipHistory inMemory(final int nodeId, final int groupSize)
    {
        return new MembershipHistory(nodeId, Membership.allVoters(groupSize), null, false);
    }

    public long bootstrap()
    {
        return bootstrap;
    }

    /** @return the newest configuration in the log (the one in effect). */
    public long latest()
    {
        return size == 0 ? bootstrap : configurations[size - 1];
    }

    /** @return the index of the newest configuration entry, 0 when only the bootstrap configuration holds. */
    public long latestIndex()
    {
        return size == 0 ? 0 : indexes[size - 1];
    }

    /** @return the configuration in effect at {@code index} (the newest at or below it). */
    public long at(final long index)
    {
        for (int i = size - 1; i >= 0; i--)
        {
            if (indexes[i] <= index)
            {
                return configurations[i];
            }
        }
        return bootstrap;
    }

    public boolean mayVote()
    {
        return mayVote;
    }

    /** The log is about to hold {@code configuration} at {@code index}, after every stored pair. */
    public void append(final long index, final long configuration)
    {
        if (index <= latestIndex())
        {
            throw new IllegalStateException("configuration at " + index + " not after " + latestIndex());
        }
        if (size == indexes.length)
        {
            indexes = Arrays.copyOf(indexes, size * 2);
            configurations = Arrays.copyOf(configurations, size * 2);
        }
        indexes[size] = index;
        configurations[size] = configuration;
        size++;
        noteLearner(configuration);
        store();
    }

    /** The log's entries from {@code index} on are gone: so are their configurations. */
    public void truncateFrom(final long index)
    {
        int keep = size;
        while (keep > 0 && indexes[keep - 1] >= index)
        {
            keep--;
        }
        if (keep != size)
        {
            size = keep;
            store();
        }
    }

    /** Snapshot install: the log now starts after {@code index}, where {@code configuration} was in effect. */
    public void resetTo(final long index, final long configuration)
    {
        size = 0;
        indexes[0] = index;
        configurations[0] = configuration;
        size = 1;
        noteLearner(configuration);
        store();
    }

    private void noteLearner(final long configuration)
    {
        if (Membership.isLearner(configuration, nodeId))
        {
            mayVote = true;
        }
    }

    private void store()
    {
        if (file == null)
        {
            return;
        }
        final int length = HEADER + size * 16 + 4;
        final ByteBuffer buffer = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        buffer.putLong(0, MAGIC).putLong(8, bootstrap).putInt(16, size).putInt(20, mayVote ? 1 : 0);
        for (int i = 0; i < size; i++)
        {
            buffer.putLong(HEADER + i * 16, indexes[i]).putLong(HEADER + i * 16 + 8, configurations[i]);
        }
        final CRC32C crc = new CRC32C();
        crc.update(buffer.array(), 0, length - 4);
        buffer.putInt(length - 4, (int)crc.getValue());
        AtomicFile.replace(file, buffer);
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
        final int count = bytes.length >= HEADER + 4 ? buffer.getInt(16) : -1;
        if (count < 0 || bytes.length != HEADER + count * 16 + 4 || buffer.getLong(0) != MAGIC)
        {
            throw new IllegalStateException(file + " is damaged (" + bytes.length + " bytes)");
        }
        final CRC32C crc = new CRC32C();
        crc.update(bytes, 0, bytes.length - 4);
        if ((int)crc.getValue() != buffer.getInt(bytes.length - 4))
        {
            throw new IllegalStateException(file + " is damaged (checksum)");
        }
        mayVote = buffer.getInt(20) != 0;
        indexes = new long[Math.max(8, count)];
        configurations = new long[Math.max(8, count)];
        for (int i = 0; i < count; i++)
        {
            indexes[i] = buffer.getLong(HEADER + i * 16);
            configurations[i] = buffer.getLong(HEADER + i * 16 + 8);
        }
        size = count;
    }
}
