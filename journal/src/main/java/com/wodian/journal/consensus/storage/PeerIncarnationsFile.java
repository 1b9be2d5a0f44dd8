package com.wodian.journal.consensus.storage;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import com.wodian.journal.consensus.Membership;
import com.wodian.journal.consensus.PeerIncarnations;

/**
 * A node's {@link PeerIncarnations} in {@code <data>/peer-incarnations}, rewritten whole on every change
 * ({@link ChecksummedFile}). Layout (little endian): magic int64 @0, node count int32 @8, then count x (high int64,
 * low int64), then the CRC32C. A damaged file is refused like the other state files: forgetting it would let a
 * copied member back in.
 */
public final class PeerIncarnationsFile implements PeerIncarnations.Store
{
    /** The file's name in a data directory. */
    public static final String FILE_NAME = "peer-incarnations";
    private static final long MAGIC = 0x574F4449414E5049L; // "WODIANPI"
    private static final int HEADER = 12;
    private static final int PAIR = 16;

    private final Path file;

    private PeerIncarnationsFile(final Path file)
    {
        this.file = file;
    }

    /**
     * Opens the known incarnations: as stored when the file exists (ids beyond its count unknown), else none.
     *
     * @param groupSize the size of the address book ({@code --peers}); a longer stored list keeps its first ids.
     * @throws IllegalStateException when the file exists but is damaged.
     */
    public static PeerIncarnations open(final Path file, final int groupSize)
    {
        final long[] highs = new long[groupSize];
        final long[] lows = new long[groupSize];
        if (Files.exists(file))
        {
            final ByteBuffer buffer = ChecksummedFile.read(file, "peer incarnations file",
                ": restore it from the node's own copy, or remove the node from the group, wipe and re-join it",
                PeerIncarnationsFile::wellFormed);
            final int count = Math.min(groupSize, buffer.getInt(8));
            for (int i = 0; i < count; i++)
            {
                highs[i] = buffer.getLong(HEADER + i * PAIR);
                lows[i] = buffer.getLong(HEADER + i * PAIR + 8);
            }
        }
        return new PeerIncarnations(highs, lows, new PeerIncarnationsFile(file));
    }

    @Override
    public void store(final long[] highs, final long[] lows)
    {
        final ByteBuffer buffer =
            ChecksummedFile.allocate(HEADER + highs.length * PAIR + ChecksummedFile.CHECKSUM_LENGTH);
        buffer.putLong(0, MAGIC).putInt(8, highs.length);
        for (int i = 0; i < highs.length; i++)
        {
            buffer.putLong(HEADER + i * PAIR, highs[i]).putLong(HEADER + i * PAIR + 8, lows[i]);
        }
        ChecksummedFile.replace(file, buffer);
    }

    private static boolean wellFormed(final ByteBuffer bytes)
    {
        if (bytes.limit() < HEADER + ChecksummedFile.CHECKSUM_LENGTH || bytes.getLong(0) != MAGIC)
        {
            return false;
        }
        final int count = bytes.getInt(8);
        return count >= 0 && count <= Membership.NODES_MAX &&
            bytes.limit() == HEADER + (long)count * PAIR + ChecksummedFile.CHECKSUM_LENGTH;
    }
}
