package com.wodian.net.metrics;

import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersReader;

import java.io.File;
import java.nio.MappedByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The server's counters file, {@code <data>/wodian-counters.dat}, in the manner of Aeron's CnC file: a header, then
 * the metadata and values buffers of an Agrona {@link org.agrona.concurrent.status.CountersManager}. The server
 * writes it through memory mapping; another process ({@code wodian stat}) maps it read-only and reads the counters
 * without touching the server.
 * <pre>
 *   0  int   magic 0x4E434457 ("WDCN", little-endian)
 *   4  int   layout version
 *   8  int   metadata buffer length
 *  12  int   values buffer length
 *  16  long  server process id
 *  24  long  start time, epoch ms
 *  32  long  heartbeat, epoch ms: written about once a second while the server runs
 * 128        metadata buffer, then values buffer
 * </pre>
 */
public final class CountersFile implements AutoCloseable
{
    public static final String FILE_NAME = "wodian-counters.dat";
    public static final int MAGIC = 0x4E434457;
    public static final int VERSION = 1;
    static final int MAGIC_OFFSET = 0;
    static final int VERSION_OFFSET = 4;
    static final int METADATA_LENGTH_OFFSET = 8;
    static final int VALUES_LENGTH_OFFSET = 12;
    static final int PID_OFFSET = 16;
    static final int START_TIME_OFFSET = 24;
    static final int HEARTBEAT_OFFSET = 32;
    static final int HEADER_LENGTH = 128;

    private final MappedByteBuffer mapped;
    private final UnsafeBuffer header;
    private final UnsafeBuffer metaDataBuffer;
    private final UnsafeBuffer valuesBuffer;

    private CountersFile(final MappedByteBuffer mapped)
    {
        this.mapped = mapped;
        final UnsafeBuffer whole = new UnsafeBuffer(mapped);
        final int metaDataLength = mapped.capacity() < HEADER_LENGTH ? -1 : whole.getInt(METADATA_LENGTH_OFFSET);
        final int valuesLength = mapped.capacity() < HEADER_LENGTH ? -1 : whole.getInt(VALUES_LENGTH_OFFSET);
        if (!wellFormed(whole, mapped.capacity(), metaDataLength, valuesLength))
        {
            IoUtil.unmap(mapped);
            throw new IllegalStateException("not a Wodian counters file of version " + VERSION +
                " (wrong magic or version, or buffer lengths that do not fit the file)");
        }
        this.header = new UnsafeBuffer(mapped, 0, HEADER_LENGTH);
        this.metaDataBuffer = new UnsafeBuffer(mapped, HEADER_LENGTH, metaDataLength);
        this.valuesBuffer = new UnsafeBuffer(mapped, HEADER_LENGTH + metaDataLength, valuesLength);
    }

    /**
     * The header as the server writes it: magic and version, and buffer lengths that are whole records, name the
     * same number of counters and fit the file. Nothing past the header is read before this holds.
     */
    private static boolean wellFormed(
        final UnsafeBuffer whole, final int capacity, final int metaDataLength, final int valuesLength)
    {
        return capacity >= HEADER_LENGTH &&
            MAGIC == whole.getInt(MAGIC_OFFSET) && VERSION == whole.getInt(VERSION_OFFSET) &&
            metaDataLength >= 0 && valuesLength >= 0 &&
            0 == metaDataLength % CountersReader.METADATA_LENGTH && 0 == valuesLength % CountersReader.COUNTER_LENGTH &&
            metaDataLength / CountersReader.METADATA_LENGTH == valuesLength / CountersReader.COUNTER_LENGTH &&
            HEADER_LENGTH + (long)metaDataLength + valuesLength <= capacity;
    }

    /** The file's path in a data directory. */
    public static Path path(final Path dataDir)
    {
        return dataDir.resolve(FILE_NAME);
    }

    /**
     * Creates (or replaces) the file for a server with room for {@code counterCount} counters.
     */
    public static CountersFile create(final Path dataDir, final int counterCount, final long startTimeMs)
    {
        final int valuesLength = counterCount * CountersReader.COUNTER_LENGTH;
        final int metaDataLength = counterCount * CountersReader.METADATA_LENGTH;
        final File file = path(dataDir).toFile();
        // A new file, not the old one rewritten: a `wodian stat` still mapping the last run's file keeps its values.
        IoUtil.deleteIfExists(file);
        final MappedByteBuffer mapped = IoUtil.mapNewFile(file, HEADER_LENGTH + (long)metaDataLength + valuesLength);
        final UnsafeBuffer whole = new UnsafeBuffer(mapped);
        whole.putInt(METADATA_LENGTH_OFFSET, metaDataLength);
        whole.putInt(VALUES_LENGTH_OFFSET, valuesLength);
        whole.putLong(PID_OFFSET, ProcessHandle.current().pid());
        whole.putLong(START_TIME_OFFSET, startTimeMs);
        whole.putLongVolatile(HEARTBEAT_OFFSET, startTimeMs);
        whole.putInt(VERSION_OFFSET, VERSION);
        whole.putIntVolatile(MAGIC_OFFSET, MAGIC); // last: a reader that sees the magic sees the rest of the header
        return new CountersFile(mapped);
    }

    /** Maps an existing file, from another process. */
    public static CountersFile open(final Path dataDir)
    {
        return new CountersFile(IoUtil.mapExistingFile(path(dataDir).toFile(), FILE_NAME));
    }

    UnsafeBuffer metaDataBuffer()
    {
        return metaDataBuffer;
    }

    UnsafeBuffer valuesBuffer()
    {
        return valuesBuffer;
    }

    /** A reader of the counters (labels, type ids, keys and values). */
    public CountersReader reader()
    {
        return new CountersReader(metaDataBuffer, valuesBuffer, StandardCharsets.US_ASCII);
    }

    public long pid()
    {
        return header.getLong(PID_OFFSET);
    }

    public long startTimeMs()
    {
        return header.getLong(START_TIME_OFFSET);
    }

    public long heartbeatMs()
    {
        return header.getLongVolatile(HEARTBEAT_OFFSET);
    }

    void heartbeat(final long nowMs)
    {
        header.putLongRelease(HEARTBEAT_OFFSET, nowMs);
    }

    @Override
    public void close()
    {
        IoUtil.unmap(mapped);
    }
}
