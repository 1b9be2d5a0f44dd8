package com.wodian.journal;

import static com.wodian.journal.JournalTestSupport.append;
import static com.wodian.journal.JournalTestSupport.entry;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A failed fdatasync is never retried. Linux reports a write-back error once per open file, so a second force can
 * succeed for pages the kernel already dropped; a writer that tried again would let the server send replies for
 * entries that are not on disk. The force here fails once and then "succeeds", as the kernel's would.
 */
class JournalForceFailureTest
{
    @TempDir
    Path dir;

    @Test
    void afterAFailedForceNothingIsReportedDurable() throws Exception
    {
        final JournalConfig config = new JournalConfig(dir).withDurabilityPolicy(DurabilityPolicy.SYNC);
        try (ChronicleJournal journal = ChronicleJournal.open(config))
        {
            final JournalWriter writer = journal.writer();
            append(writer, entry(1, 32));
            writer.endOfBatch(); // opens the file's sync channel
            final FailOnceForce channel = replaceSyncChannel(writer);

            append(writer, entry(2, 32));
            assertThrows(UncheckedIOException.class, writer::endOfBatch);
            final IllegalStateException again = assertThrows(IllegalStateException.class, writer::endOfBatch);
            assertTrue(again.getMessage().contains("failed earlier"), again.getMessage());
            assertThrows(IllegalStateException.class, () -> append(writer, entry(3, 32)));
            assertEquals(1, channel.forces, "the failed force was not tried again");
        }
    }

    private static FailOnceForce replaceSyncChannel(final JournalWriter writer) throws ReflectiveOperationException
    {
        final Field field = ChronicleJournalWriter.class.getDeclaredField("syncChannel");
        field.setAccessible(true);
        final FailOnceForce channel = new FailOnceForce((FileChannel)field.get(writer));
        field.set(writer, channel);
        return channel;
    }

    /** A file channel whose first force fails and whose later ones succeed; everything else is the real file's. */
    private static final class FailOnceForce extends FileChannel
    {
        private final FileChannel file;
        int forces;

        FailOnceForce(final FileChannel file)
        {
            this.file = file;
        }

        @Override
        public void force(final boolean metaData) throws IOException
        {
            if (0 == forces++)
            {
                throw new IOException("Input/output error (injected)");
            }
            file.force(metaData);
        }

        @Override
        public int read(final ByteBuffer dst) throws IOException
        {
            return file.read(dst);
        }

        @Override
        public long read(final ByteBuffer[] dsts, final int offset, final int length) throws IOException
        {
            return file.read(dsts, offset, length);
        }

        @Override
        public int write(final ByteBuffer src) throws IOException
        {
            return file.write(src);
        }

        @Override
        public long write(final ByteBuffer[] srcs, final int offset, final int length) throws IOException
        {
            return file.write(srcs, offset, length);
        }

        @Override
        public long position() throws IOException
        {
            return file.position();
        }

        @Override
        public FileChannel position(final long newPosition) throws IOException
        {
            file.position(newPosition);
            return this;
        }

        @Override
        public long size() throws IOException
        {
            return file.size();
        }

        @Override
        public FileChannel truncate(final long size) throws IOException
        {
            file.truncate(size);
            return this;
        }

        @Override
        public long transferTo(final long position, final long count, final WritableByteChannel target)
            throws IOException
        {
            return file.transferTo(position, count, target);
        }

        @Override
        public long transferFrom(final ReadableByteChannel src, final long position, final long count)
            throws IOException
        {
            return file.transferFrom(src, position, count);
        }

        @Override
        public int read(final ByteBuffer dst, final long position) throws IOException
        {
            return file.read(dst, position);
        }

        @Override
        public int write(final ByteBuffer src, final long position) throws IOException
        {
            return file.write(src, position);
        }

        @Override
        public MappedByteBuffer map(final MapMode mode, final long position, final long size) throws IOException
        {
            return file.map(mode, position, size);
        }

        @Override
        public FileLock lock(final long position, final long size, final boolean shared) throws IOException
        {
            return file.lock(position, size, shared);
        }

        @Override
        public FileLock tryLock(final long position, final long size, final boolean shared) throws IOException
        {
            return file.tryLock(position, size, shared);
        }

        @Override
        protected void implCloseChannel() throws IOException
        {
            file.close();
        }
    }
}
