package com.wodian.perf.loadgen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The calling thread's timer slack on Linux: how much later than asked the kernel may end a timed sleep, so that it
 * can serve several timers with one interrupt. The default is 50 µs, so {@code LockSupport.parkNanos(d)} returns
 * after d to d + 50 µs; a load generator that parks until each intended send time is then tens of microseconds late
 * for every send it waited for (docs/history/latency-sessions.md, "What the load generator's sender costs"). A thread
 * may set its own slack through {@code /proc/<tid>/timerslack_ns} (Linux 4.6 and later); elsewhere, or when the kernel
 * refuses, nothing changes and the slack is reported unknown.
 */
final class ThreadTimerSlack
{
    /** Returned when the slack could not be read (not Linux, or no such file). */
    static final long UNKNOWN = -1;

    private ThreadTimerSlack()
    {
    }

    /**
     * Asks for {@code slackNs} on the calling thread (once, before a timed loop: it allocates) and returns the slack
     * in effect afterwards, or {@link #UNKNOWN}.
     */
    static long set(final long slackNs)
    {
        final Path file = ownFile();
        if (null == file)
        {
            return UNKNOWN;
        }
        try
        {
            Files.writeString(file, Long.toString(slackNs));
        }
        catch (final IOException | SecurityException ex)
        {
            // Refused (an old kernel wants CAP_SYS_NICE): the thread keeps the slack it had, which read() reports.
        }
        return read(file);
    }

    /** The calling thread's slack in nanoseconds, or {@link #UNKNOWN}. */
    static long current()
    {
        final Path file = ownFile();
        return null == file ? UNKNOWN : read(file);
    }

    private static long read(final Path file)
    {
        try
        {
            return Long.parseLong(Files.readString(file).trim());
        }
        catch (final IOException | SecurityException | NumberFormatException ex)
        {
            return UNKNOWN;
        }
    }

    /** {@code /proc/<tid>/timerslack_ns} of the calling thread (the file exists per process directory only). */
    private static Path ownFile()
    {
        try
        {
            // "/proc/thread-self" links to "<pid>/task/<tid>"; /proc/<tid> is the thread's own directory.
            final Path self = Files.readSymbolicLink(Path.of("/proc/thread-self"));
            final Path file = Path.of("/proc", self.getFileName().toString(), "timerslack_ns");
            return Files.isRegularFile(file) ? file : null;
        }
        catch (final IOException | UnsupportedOperationException | SecurityException ex)
        {
            return null;
        }
    }
}
