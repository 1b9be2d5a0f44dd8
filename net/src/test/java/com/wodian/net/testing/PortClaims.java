package com.wodian.net.testing;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.BitSet;

/**
 * Ports claimed for the life of this JVM, refused to every other JVM on the host that claims through the same file.
 * A claim is an exclusive lock on the file's byte at the port's offset: the kernel drops it when the JVM exits, however
 * it exits (a killed test run leaves no stale claim), and two test runs at once (two CIs on one machine) no longer
 * hand the same port to two servers (s58: both failed ReplicationFaultTlsTest with "Address already in use").
 *
 * <p>The channel is never closed, and this JVM must open no other channel on the file: POSIX record locks belong to
 * the process, and closing any descriptor of the file releases all of them.
 */
final class PortClaims
{
    private static final int PORTS = 65_536;

    private final Path file;
    private final FileChannel channel;
    /** Ports this object holds: the cheap answer for its own, and the only record when the file cannot be opened. */
    private final BitSet held = new BitSet(PORTS);

    PortClaims(final Path file)
    {
        this.file = file;
        this.channel = openOrNull(file);
    }

    /** @return true when this JVM now holds {@code port}; false when this object or another claimant holds it. */
    synchronized boolean claim(final int port)
    {
        if (held.get(port))
        {
            return false;
        }
        if (null != channel && !lockByte(port))
        {
            return false;
        }
        held.set(port);
        return true;
    }

    private boolean lockByte(final int port)
    {
        try
        {
            final FileLock lock = channel.tryLock(port, 1, false);
            return null != lock; // kept by the channel until this JVM exits
        }
        catch (final OverlappingFileLockException ex)
        {
            return false; // another channel of this JVM on the same file holds it (a second PortClaims in a test)
        }
        catch (final IOException ex) // a file system without record locks: as before the claims, this JVM only
        {
            System.err.println("PortClaims: cannot lock byte " + port + " of " + file + " (" + ex + ")");
            return true;
        }
    }

    private static FileChannel openOrNull(final Path file)
    {
        try
        {
            return FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        }
        catch (final IOException | UnsupportedOperationException ex)
        {
            System.err.println("PortClaims: cannot open " + file + " (" + ex + "); ports are kept distinct within "
                + "this JVM only");
            return null;
        }
    }
}
