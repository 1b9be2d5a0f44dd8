package com.wodian.net.server;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One server per data directory: an exclusive OS lock on {@code <data>/wodian.lock}, held from before recovery until
 * the server has stopped, with the holder's process id written in the file for the refusal's message.
 *
 * <p>Chronicle's own write lock is taken per excerpt, not for a writer's life, so it cannot stop a second server:
 * two servers on one directory would both journal entries under the same sequences, both acknowledge, and leave a
 * journal the next start refuses. The OS lock goes with the process (kill -9 included), so a stale file never blocks
 * a start.
 */
public final class DataDirectoryLock implements AutoCloseable
{
    private static final System.Logger LOG = System.getLogger("com.wodian.net.server");

    /** The lock file's name in a data directory. */
    public static final String FILE_NAME = "wodian.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private DataDirectoryLock(final FileChannel channel, final FileLock lock)
    {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Locks the directory (creating it if needed) for this process.
     *
     * @throws IOException naming the holder's process id when another server (in this or another process) holds it.
     */
    public static DataDirectoryLock acquire(final Path dataDir) throws IOException
    {
        Files.createDirectories(dataDir);
        final Path file = dataDir.resolve(FILE_NAME);
        final FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
            StandardOpenOption.WRITE);
        try
        {
            final FileLock lock = tryLock(channel);
            if (null == lock)
            {
                throw new IOException("data directory " + dataDir + " is in use by process " + holder(channel) +
                    " (" + file + " is locked): one server per data directory; stop that one first");
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)),
                0);
            return new DataDirectoryLock(channel, lock);
        }
        catch (final IOException | RuntimeException ex)
        {
            channel.close();
            throw ex;
        }
    }

    /** @return the lock, or null when another process, or another server in this one, holds it. */
    private static FileLock tryLock(final FileChannel channel) throws IOException
    {
        try
        {
            return channel.tryLock();
        }
        catch (final OverlappingFileLockException ex)
        {
            return null;
        }
    }

    private static String holder(final FileChannel channel)
    {
        try
        {
            final ByteBuffer contents = ByteBuffer.allocate(32);
            channel.read(contents, 0);
            final String pid = new String(contents.array(), 0, contents.position(), StandardCharsets.US_ASCII).trim();
            return pid.isEmpty() ? "(unknown)" : pid;
        }
        catch (final IOException ex)
        {
            return "(unknown: " + ex.getMessage() + ")";
        }
    }

    /** Releases the lock; the file stays (deleting it could race with the next server's start). */
    @Override
    public void close()
    {
        try
        {
            lock.release();
        }
        catch (final IOException ex)
        {
            // the channel's close below releases it too
        }
        finally
        {
            try
            {
                channel.close();
            }
            catch (final IOException ex)
            {
                LOG.log(Level.WARNING, "closing " + FILE_NAME + ": " + ex);
            }
        }
    }
}
