package com.wodian.perf.loadgen;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * The calling thread's minor page faults so far, from Linux's {@code /proc/thread-self/stat} (its tenth field): what
 * a probe counts to see whether its appends still take the first-write faults of the journal's pages.
 */
final class ThreadFaults
{
    private static final Path STAT = Paths.get("/proc/thread-self/stat");
    /** minflt is field 10; the fields after the command name's closing parenthesis start at field 3. */
    private static final int MINFLT_AFTER_COMMAND = 10 - 3;

    private ThreadFaults()
    {
    }

    /**
     * @return the calling thread's minor page faults since it started; -1 where the file cannot be read (not Linux).
     */
    static long minorFaults()
    {
        try
        {
            return parseMinorFaults(Files.readString(STAT));
        }
        catch (final IOException | RuntimeException ex)
        {
            return -1;
        }
    }

    /** The minflt field of a {@code /proc/.../stat} line (the command name may hold spaces and parentheses). */
    static long parseMinorFaults(final String statLine)
    {
        final String[] fields = statLine.substring(statLine.lastIndexOf(')') + 2).trim().split(" ");
        return Long.parseLong(fields[MINFLT_AFTER_COMMAND]);
    }
}
