package com.wodian.perf.loadgen;

/**
 * The open-loop send schedule of one run, fixed before the first send: command {@code i} is intended to leave at
 * {@code startNs + intendedOffsetNs(i)} on connection {@code i % connectionCount}, whatever happens to earlier
 * commands. Nothing at run time moves an intended time: a sender that falls behind sends the overdue commands at
 * once, and their response times are measured from these intended times (the coordinated-omission correction).
 *
 * <p>The intended times are a pure function of the index (uniform spacing of {@code 1 / rate}) rather than a stored
 * array, so a 500,000/s schedule of a minute costs no memory and no cache misses, and every sender thread computes
 * the same times without sharing anything.
 */
public final class Schedule
{
    private final double ratePerSecond;
    private final long durationNs;
    private final long warmupNs;
    private final int connectionCount;
    private final long commandCount;
    private final double periodNs;

    /**
     * @param ratePerSecond   offered rate over all connections together.
     * @param durationNs      length of the whole schedule, warm-up included.
     * @param warmupNs        commands intended in the first {@code warmupNs} are sent and answered but their
     *                        latencies are not recorded (JIT, page faults, connection warm-up).
     * @param connectionCount connections the commands are spread over, round-robin.
     */
    public Schedule(final double ratePerSecond, final long durationNs, final long warmupNs, final int connectionCount)
    {
        if (!(ratePerSecond > 0) || durationNs <= 0 || warmupNs < 0 || warmupNs >= durationNs || connectionCount < 1)
        {
            throw new IllegalArgumentException("need rate > 0, 0 <= warmup < duration and >= 1 connection: rate=" +
                ratePerSecond + " durationNs=" + durationNs + " warmupNs=" + warmupNs + " connections=" +
                connectionCount);
        }
        this.ratePerSecond = ratePerSecond;
        this.durationNs = durationNs;
        this.warmupNs = warmupNs;
        this.connectionCount = connectionCount;
        this.commandCount = Math.max(1, (long)(ratePerSecond * durationNs / 1e9));
        this.periodNs = 1e9 / ratePerSecond;
    }

    public double ratePerSecond()
    {
        return ratePerSecond;
    }

    public long durationNs()
    {
        return durationNs;
    }

    public long warmupNs()
    {
        return warmupNs;
    }

    public int connectionCount()
    {
        return connectionCount;
    }

    /** Commands in the whole schedule, warm-up included. */
    public long commandCount()
    {
        return commandCount;
    }

    /** Intended send time of command {@code index}, relative to the start of the run. */
    public long intendedOffsetNs(final long index)
    {
        return (long)(index * periodNs);
    }

    /** Connection that carries command {@code index}. */
    public int connectionIndex(final long index)
    {
        return (int)(index % connectionCount);
    }

    /** Whether command {@code index} falls in the warm-up (sent, not recorded). */
    public boolean isWarmup(final long index)
    {
        return intendedOffsetNs(index) < warmupNs;
    }

    @Override
    public String toString()
    {
        return String.format(java.util.Locale.ROOT, "%.0f/s for %.1f s (%.1f s warm-up) on %d connections",
            ratePerSecond, durationNs / 1e9, warmupNs / 1e9, connectionCount);
    }
}
