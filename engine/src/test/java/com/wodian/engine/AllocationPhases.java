package com.wodian.engine;

import java.util.function.LongSupplier;

/**
 * How an engine test shows that a command path allocates nothing (README: no allocation after start-up): after a warm
 * stretch ({@link #warm}), phases of a fixed number of commands are measured on this thread, at most
 * {@value #PHASES_MAX}, until one allocates under one byte per command ({@link #measure}). As in
 * EngineBenchmarkSetupTest: which code C2 has compiled depends on the compiler threads' share of the cores, so an early
 * phase may still allocate in code not yet compiled; a real allocation per command shows in every phase.
 */
public final class AllocationPhases
{
    public static final int PHASES_MAX = 8;
    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean)java.lang.management.ManagementFactory.getThreadMXBean();

    /** Bytes this thread allocated in the last phase measured. */
    public final long allocatedBytes;
    /** How far the test's own counter moved in the last phase (what the phase exercised). */
    public final long countedInLastPhase;
    /** Phases measured, at most {@value #PHASES_MAX}. */
    public final int phases;

    private AllocationPhases(final long allocatedBytes, final long countedInLastPhase, final int phases)
    {
        this.allocatedBytes = allocatedBytes;
        this.countedInLastPhase = countedInLastPhase;
        this.phases = phases;
    }

    /** Runs {@code command} {@code commands} times, unmeasured. */
    public static void warm(final Runnable command, final int commands)
    {
        for (int i = 0; i < commands; i++)
        {
            command.run();
        }
    }

    /**
     * Measures phases of {@code phaseCommands} runs of {@code command} until one allocates fewer bytes than it has
     * commands, or {@value #PHASES_MAX} were measured; {@code counter} is read around each phase.
     */
    public static AllocationPhases measure(final Runnable command, final int phaseCommands, final LongSupplier counter)
    {
        long allocatedBytes = Long.MAX_VALUE;
        long counted = 0;
        int phases = 0;
        while (phases < PHASES_MAX && allocatedBytes >= phaseCommands)
        {
            final long countBefore = counter.getAsLong();
            final long before = THREADS.getCurrentThreadAllocatedBytes();
            warm(command, phaseCommands);
            allocatedBytes = THREADS.getCurrentThreadAllocatedBytes() - before;
            counted = counter.getAsLong() - countBefore;
            phases++;
        }
        return new AllocationPhases(allocatedBytes, counted, phases);
    }

    /** Whether the last phase allocated under one byte per command. */
    public boolean underOneBytePer(final int phaseCommands)
    {
        return allocatedBytes < phaseCommands;
    }

    /** The failure message: what the last phase allocated. */
    public String describe(final int phaseCommands, final String commandsName)
    {
        return allocatedBytes + " bytes allocated by " + phaseCommands + " " + commandsName + " in the last of " +
            phases + " phases";
    }
}
