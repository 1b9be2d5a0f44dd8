package com.wodian.net.server;

/**
 * What the engine stage tells the receiver about work the engine does between inputs: a pool distribution advances
 * one bounded slice per input, so while one runs the receiver sends Ticks every {@link #BUSY_TICK_INTERVAL_MS}
 * instead of every tick interval, and the distribution finishes without client traffic.
 */
final class EngineActivity
{
    static final long BUSY_TICK_INTERVAL_MS = 1;

    // Written by the engine thread at the end of a batch, read by the receiver's duty cycle: a volatile is enough,
    // as a late read only delays the next Tick by one interval.
    private volatile boolean backgroundWork;

    void backgroundWork(final boolean value)
    {
        if (backgroundWork != value)
        {
            backgroundWork = value;
        }
    }

    long tickIntervalMs(final long idleTickIntervalMs)
    {
        return backgroundWork ? Math.min(BUSY_TICK_INTERVAL_MS, idleTickIntervalMs) : idleTickIntervalMs;
    }
}
