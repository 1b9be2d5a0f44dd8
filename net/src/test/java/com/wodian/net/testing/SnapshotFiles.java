package com.wodian.net.testing;

import com.wodian.journal.SnapshotDescriptor;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * Rewrites snapshot files the way an older (or newer) version of the product would have left them, for tests of what
 * the readers say about them. The file stays sound (both checksums are recomputed), so only the engine format differs.
 */
public final class SnapshotFiles
{
    private SnapshotFiles()
    {
    }

    /**
     * Sets the engine stream's format (the payload's second long, after the engine's magic) and recomputes the
     * payload's and the header's CRC32C, as {@code SnapshotStore} writes them.
     *
     * @param file   a snapshot file written by this version.
     * @param format the engine snapshot format to put in its place.
     */
    public static void rewriteEngineFormat(final Path file, final long format) throws IOException
    {
        final ByteBuffer bytes = ByteBuffer.wrap(Files.readAllBytes(file)).order(SnapshotDescriptor.BYTE_ORDER);
        final int payloadOffset = SnapshotDescriptor.HEADER_LENGTH;
        bytes.putLong(payloadOffset + Long.BYTES, format);
        final CRC32C payload = new CRC32C();
        payload.update(bytes.array(), payloadOffset, bytes.capacity() - payloadOffset);
        bytes.putInt(SnapshotDescriptor.PAYLOAD_CHECKSUM_OFFSET, (int)payload.getValue());
        final CRC32C header = new CRC32C();
        header.update(bytes.array(), 0, SnapshotDescriptor.HEADER_CHECKSUM_OFFSET);
        bytes.putInt(SnapshotDescriptor.HEADER_CHECKSUM_OFFSET, (int)header.getValue());
        Files.write(file, bytes.array());
    }
}
