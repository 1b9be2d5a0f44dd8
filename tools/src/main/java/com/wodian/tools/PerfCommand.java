package com.wodian.tools;

import com.wodian.perf.DistributionStallHarness;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** The perf harnesses that are plain programs (the JMH benchmarks run through {@code wodian jmh}). */
@Command(name = "perf", description = "Run a perf harness (JMH benchmarks: see 'jmh').",
    subcommands = {PerfCommand.DistributionStall.class, RecoveryPerfCommand.class, JournalSyncPerfCommand.class})
public final class PerfCommand implements Runnable
{
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run()
    {
        throw new CommandLine.ParameterException(spec.commandLine(), "name a harness (distribution-stall)");
    }

    /** {@link DistributionStallHarness}: Pay service time while a pool distribution runs in slices. */
    @Command(name = "distribution-stall",
        description = "Engine service time of Pay while a pool distribution over many consumers runs in slices.")
    static final class DistributionStall implements Runnable
    {
        @Parameters(index = "0", arity = "0..1", defaultValue = "1000000",
            description = "consumers (default: ${DEFAULT-VALUE})")
        int consumers;

        @Parameters(index = "1", arity = "0..1", description = "entries per distribution slice (default: the engine's)")
        Integer sliceEntries;

        @Override
        public void run()
        {
            DistributionStallHarness.main(sliceEntries == null ?
                new String[] {Integer.toString(consumers)} :
                new String[] {Integer.toString(consumers), Integer.toString(sliceEntries)});
        }
    }
}
