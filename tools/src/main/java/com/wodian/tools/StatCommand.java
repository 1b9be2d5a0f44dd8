package com.wodian.tools;

import com.wodian.net.metrics.CountersFile;
import com.wodian.net.metrics.CountersPrinter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code wodian stat}: reads a running server's counters from its data directory, from another process, without
 * touching the server (the counters file is memory-mapped, like Aeron's CnC file read by AeronStat).
 */
@Command(name = "stat", description = "Print a server's counters from <data>/wodian-counters.dat (refreshing, or " +
    "--once). Reads the file only: the server is not contacted.")
final class StatCommand implements Callable<Integer>
{
    @Option(names = "--data", required = true, description = "the server's data directory")
    Path dataDir;

    @Option(names = "--once", description = "print one sample and exit (for scripts): status 0 when the "
        + "server runs, 3 when it does not, 1 when the file is missing or damaged")
    boolean once;

    @Option(names = "--interval-ms", description = "refresh interval (default 1000)")
    long intervalMs = 1_000;

    @Option(names = "--all", description = "also print counters that are 0 (templates and codes not seen)")
    boolean all;

    @Override
    public Integer call() throws InterruptedException
    {
        if (!Files.exists(CountersFile.path(dataDir)))
        {
            System.err.println("no counters file at " + CountersFile.path(dataDir) + " (has a server run here?)");
            return 1;
        }
        final CountersFile file;
        try
        {
            file = CountersFile.open(dataDir);
        }
        catch (final IllegalStateException ex)
        {
            System.err.println(CountersFile.path(dataDir) + ": " + ex.getMessage());
            return 1;
        }
        try (file)
        {
            return print(file);
        }
        catch (final RuntimeException ex)
        {
            // A counter's record (its label length, say) points outside the file: damaged, not ours to guess at.
            System.err.println(CountersFile.path(dataDir) + ": a counter record is damaged (" + ex.getMessage() + ")");
            return 1;
        }
    }

    /**
     * A monitoring check's answer: the server that wrote the file still runs (its process exists, when it is on this
     * machine's process table) and its heartbeat is fresh. The heartbeat alone would lie after a wall-clock step.
     */
    private static boolean isRunning(final CountersFile file)
    {
        final boolean fresh =
            System.currentTimeMillis() - file.heartbeatMs() <= CountersPrinter.STALE_HEARTBEAT_MS;
        final boolean processAlive = ProcessHandle.of(file.pid()).map(ProcessHandle::isAlive).orElse(false);
        return fresh && processAlive;
    }

    private int print(final CountersFile file) throws InterruptedException
    {
        while (true)
        {
            final String sample = CountersPrinter.format(file, System.currentTimeMillis(), all);
            if (once)
            {
                System.out.print(sample);
                System.out.flush();
                return isRunning(file) ? WodianMain.EXIT_OK : WodianMain.EXIT_UNREACHABLE;
            }
            System.out.print("\u001b[H\u001b[2J" + sample); // clear the terminal, then the sample
            System.out.flush();
            Thread.sleep(Math.max(100, intervalMs));
        }
    }
}
