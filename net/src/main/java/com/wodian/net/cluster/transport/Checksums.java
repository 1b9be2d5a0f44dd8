package com.wodian.net.cluster.transport;

import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

import org.agrona.DirectBuffer;

/**
 * CRC32C of a range of an Agrona buffer, whether it wraps an array or a direct buffer.
 */
final class Checksums
{
    private Checksums()
    {
    }

    /**
     * @param crc reused; reset here.
     * @return the CRC32C of {@code length} bytes of {@code buffer} from {@code offset}, as an int.
     */
    static int crc32c(final CRC32C crc, final DirectBuffer buffer, final int offset, final int length)
    {
        crc.reset();
        final byte[] array = buffer.byteArray();
        if (null != array)
        {
            crc.update(array, buffer.wrapAdjustment() + offset, length);
        }
        else
        {
            // One small view object per snapshot chunk (chunks are large and rare): not on the entries' path.
            final ByteBuffer view = buffer.byteBuffer().duplicate();
            final int start = buffer.wrapAdjustment() + offset;
            view.limit(start + length).position(start);
            crc.update(view);
        }
        return (int)crc.getValue();
    }
}
