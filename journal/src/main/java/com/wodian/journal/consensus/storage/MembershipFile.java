package com.wodian.journal.consensus.storage;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import com.wodian.journal.consensus.MembershipHistory;
import com.wodian.journal.consensus.MembershipStore;

/**
 * A node's {@link MembershipHistory} in {@code <data>/membership}, rewritten whole on every change
 * ({@link ChecksummedFile}). Layout (little endian): magic int64 @0, bootstrap configuration int64 @8, pair count
 * int32 @16, may-vote int32 @20, then count x (index int64, configuration int64), then the CRC32C.
 */
public final class MembershipFile implements MembershipStore
{
    /** Its name in a member's data directory. */
    public static final String FILE_NAME = "membership";

    private static final long MAGIC = 0x574F4449414E4D42L; // "WODIANMB"
    private static final int HEADER = 24;
    private static final int PAIR = 16;

    private final Path file;

    private MembershipFile(final Path file)
    {
        this.file = file;
    }

    /**
     * Opens the node's history: as stored when the file exists (its bootstrap configuration included: once stored it
     * is the node's for good, whatever {@code --peers} says now), else a new one that starts from
     * {@code bootstrapIfNew}.
     *
     * @param joining ignored when the file exists.
     * @throws IllegalStateException when the file exists but is damaged.
     */
    public static MembershipHistory open(final Path file, final int nodeId, final long bootstrapIfNew,
        final boolean joining)
    {
        final MembershipFile store = new MembershipFile(file);
        if (!Files.exists(file))
        {
            return new MembershipHistory(nodeId, bootstrapIfNew, store, joining);
        }
        final ByteBuffer buffer = ChecksummedFile.read(file, "membership file", "", MembershipFile::wellFormed);
        final int count = buffer.getInt(16);
        final long[] indexes = new long[Math.max(8, count)];
        final long[] configurations = new long[indexes.length];
        for (int i = 0; i < count; i++)
        {
            indexes[i] = buffer.getLong(HEADER + i * PAIR);
            configurations[i] = buffer.getLong(HEADER + i * PAIR + 8);
        }
        return new MembershipHistory(nodeId, buffer.getLong(8), buffer.getInt(20) != 0, indexes, configurations,
            count, store);
    }

    @Override
    public void store(final long bootstrap, final boolean mayVote, final long[] indexes, final long[] configurations,
        final int size)
    {
        final ByteBuffer buffer = ChecksummedFile.allocate(HEADER + size * PAIR + ChecksummedFile.CHECKSUM_LENGTH);
        buffer.putLong(0, MAGIC).putLong(8, bootstrap).putInt(16, size).putInt(20, mayVote ? 1 : 0);
        for (int i = 0; i < size; i++)
        {
            buffer.putLong(HEADER + i * PAIR, indexes[i]).putLong(HEADER + i * PAIR + 8, configurations[i]);
        }
        ChecksummedFile.replace(file, buffer);
    }

    private static boolean wellFormed(final ByteBuffer bytes)
    {
        if (bytes.limit() < HEADER + ChecksummedFile.CHECKSUM_LENGTH || bytes.getLong(0) != MAGIC)
        {
            return false;
        }
        final int count = bytes.getInt(16);
        if (count < 0 || bytes.limit() != HEADER + (long)count * PAIR + ChecksummedFile.CHECKSUM_LENGTH ||
            (bytes.getInt(20) & ~1) != 0)
        {
            return false;
        }
        // Configurations are stored in log order: indexes go up (a history that does not would be refused later,
        // at the next configuration entry, stopping the node).
        long previousIndex = 0;
        for (int i = 0; i < count; i++)
        {
            final long index = bytes.getLong(HEADER + i * PAIR);
            if (index <= previousIndex)
            {
                return false;
            }
            previousIndex = index;
        }
        return true;
    }
}
