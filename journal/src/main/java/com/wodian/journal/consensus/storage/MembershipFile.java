package com.wodian.journal.consensus.storage;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import com.wodian.journal.consensus.MembershipHistory;
import com.wodian.journal.consensus.MembershipStore;

/**
 * A node's {@link MembershipHistory} in {@code <data>/membership}, rewritten whole on every change
 * ({@link ChecksummedFile}). Layout (little endian): magic int64 @0, bootstrap configuration int64 @8, pair count
 * int32 @16, may-vote int32 @20, then count x (index int64, configuration int64), then the CRC32C. A node that joined
 * empty and has its join floor but not yet its vote ({@link MembershipHistory#leaderReached}) is written with
 * {@link #MAGIC_WITH_FLOOR} and the floor int64 @24 before the pairs; every other history in the first layout, which
 * builds before the floor read and write as they did (only a node in the middle of a join cannot be downgraded).
 */
public final class MembershipFile implements MembershipStore
{
    /** Its name in a member's data directory. */
    public static final String FILE_NAME = "membership";

    private static final long MAGIC = 0x574F4449414E4D42L; // "WODIANMB"
    private static final long MAGIC_WITH_FLOOR = 0x574F4449414E4D46L; // "WODIANMF"
    private static final int HEADER = 24;
    private static final int HEADER_WITH_FLOOR = 32;
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
        final int header = headerOf(buffer);
        final int count = buffer.getInt(16);
        final long[] indexes = new long[Math.max(8, count)];
        final long[] configurations = new long[indexes.length];
        for (int i = 0; i < count; i++)
        {
            indexes[i] = buffer.getLong(header + i * PAIR);
            configurations[i] = buffer.getLong(header + i * PAIR + 8);
        }
        return new MembershipHistory(nodeId, buffer.getLong(8), buffer.getInt(20) != 0, indexes, configurations,
            count, store, header == HEADER ? MembershipHistory.NO_FLOOR : buffer.getLong(HEADER));
    }

    @Override
    public void store(final long bootstrap, final boolean mayVote, final long joinFloor, final long[] indexes,
        final long[] configurations, final int size)
    {
        final boolean withFloor = joinFloor != MembershipHistory.NO_FLOOR;
        final int header = withFloor ? HEADER_WITH_FLOOR : HEADER;
        final ByteBuffer buffer = ChecksummedFile.allocate(header + size * PAIR + ChecksummedFile.CHECKSUM_LENGTH);
        buffer.putLong(0, withFloor ? MAGIC_WITH_FLOOR : MAGIC).putLong(8, bootstrap).putInt(16, size)
            .putInt(20, mayVote ? 1 : 0);
        if (withFloor)
        {
            buffer.putLong(HEADER, joinFloor);
        }
        for (int i = 0; i < size; i++)
        {
            buffer.putLong(header + i * PAIR, indexes[i]).putLong(header + i * PAIR + 8, configurations[i]);
        }
        ChecksummedFile.replace(file, buffer);
    }

    /** @return where the pairs start: after the floor in the second layout. */
    private static int headerOf(final ByteBuffer bytes)
    {
        return bytes.getLong(0) == MAGIC_WITH_FLOOR ? HEADER_WITH_FLOOR : HEADER;
    }

    private static boolean wellFormed(final ByteBuffer bytes)
    {
        if (bytes.limit() < HEADER + ChecksummedFile.CHECKSUM_LENGTH ||
            bytes.getLong(0) != MAGIC && bytes.getLong(0) != MAGIC_WITH_FLOOR)
        {
            return false;
        }
        final int header = headerOf(bytes);
        final int count = bytes.getInt(16);
        if (count < 0 || bytes.limit() != header + (long)count * PAIR + ChecksummedFile.CHECKSUM_LENGTH ||
            (bytes.getInt(20) & ~1) != 0 || header == HEADER_WITH_FLOOR && bytes.getLong(HEADER) < 0)
        {
            return false;
        }
        // Configurations are stored in log order: indexes go up (a history that does not would be refused later,
        // at the next configuration entry, stopping the node).
        long previousIndex = 0;
        for (int i = 0; i < count; i++)
        {
            final long index = bytes.getLong(header + i * PAIR);
            if (index <= previousIndex)
            {
                return false;
            }
            previousIndex = index;
        }
        return true;
    }
}
