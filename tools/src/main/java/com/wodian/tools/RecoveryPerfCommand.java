package com.wodian.tools;

import com.wodian.perf.RecoveryHarness;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@link RecoveryHarness}: journal write/read speed, replay speed, recovery with and without a snapshot, stall. */
@Command(name = "recovery", description = "Journal read and replay speed, recovery time with and without a snapshot, "
    + "snapshot write time and the serving engine's service time while one is written (WODIAN_JAVA_OPTS=-Xmx6g).")
final class RecoveryPerfCommand implements Runnable
{
    @Parameters(index = "0", arity = "0..1", defaultValue = "10000000",
        description = "inputs (default: ${DEFAULT-VALUE})")
    long inputs;

    @Parameters(index = "1", arity = "0..1", defaultValue = "1000000",
        description = "consumers (default: ${DEFAULT-VALUE})")
    int consumers;

    @Parameters(index = "2", arity = "0..1", defaultValue = "1000000",
        description = "inputs after the snapshot (default: ${DEFAULT-VALUE})")
    long tail;

    @picocli.CommandLine.Option(names = "--engine-tables", defaultValue = "grow",
        description = "grow (default): engine tables grow with use; reserve: allocated at their limits at start")
    String engineTables;

    @Override
    public void run()
    {
        if (!"grow".equals(engineTables) && !"reserve".equals(engineTables))
        {
            throw new picocli.CommandLine.ParameterException(new picocli.CommandLine(this),
                "--engine-tables must be grow or reserve: " + engineTables);
        }
        try
        {
            RecoveryHarness.main(new String[]{Long.toString(inputs), Integer.toString(consumers), Long.toString(tail),
                engineTables});
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException("recovery harness failed: " + ex, ex);
        }
    }
}

/** {@link com.wodian.perf.JournalSyncHarness}: append + endOfBatch time per durability policy and batch size. */
@Command(name = "journal-sync", description = "Cost of each journal durability policy: append + sync time per batch.")
final class JournalSyncPerfCommand implements Runnable
{
    @Parameters(index = "0", arity = "0..1", defaultValue = "2000",
        description = "batches per case (default: ${DEFAULT-VALUE})")
    int batches;

    @Override
    public void run()
    {
        try
        {
            com.wodian.perf.JournalSyncHarness.main(new String[]{Integer.toString(batches)});
        }
        catch (final java.io.IOException ex)
        {
            throw new java.io.UncheckedIOException(ex);
        }
    }
}
