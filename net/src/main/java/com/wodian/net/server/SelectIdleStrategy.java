package com.wodian.net.server;

import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NanoClock;

/**
 * The {@code select} idle strategy of the network agents: when a duty cycle found nothing to do, the agent blocks in
 * its selector until the kernel reports a ready socket, the engine stage wakes it ({@link SelectorWaker}) or a timer
 * (the next Tick) is due. Idle costs no CPU, and a request or a reply is picked up as soon as the kernel can wake
 * the thread, instead of at the end of a backoff park. When the agent must poll (input ring full, unwritten bytes),
 * it parks briefly instead, because no socket event would tell it that the condition has passed.
 *
 * <p>The {@code spin-select} variant first keeps polling (each duty cycle a non-blocking select and the ring checks)
 * for up to a spin period after the last cycle that did work, and only then blocks: a request or reply that comes
 * within the period costs no wake-up (no selector wake-up from the engine stage, no scheduler wake-up of this
 * thread), at the price of that much CPU after every burst of work.
 */
final class SelectIdleStrategy implements IdleStrategy
{
    /** A network agent that knows how to wait for its own work. */
    interface Waiter
    {
        /** Block until there may be work, or for a short while when the agent must poll. */
        void awaitWork();
    }

    static final String ALIAS = StrategyFactory.IDLE_SELECT;

    private final Waiter waiter;
    private final long spinNs;
    private final NanoClock clock;
    /** When the current run of idle cycles began (clock ns), or {@link #NOT_IDLE} after work or a sleep. */
    private long idleSinceNs = NOT_IDLE;
    private static final long NOT_IDLE = Long.MIN_VALUE;

    /** The {@code select} strategy: blocks as soon as a cycle found no work. */
    SelectIdleStrategy(final Waiter waiter)
    {
        this(waiter, 0, null);
    }

    /**
     * @param spinNs how long to keep polling after the last work before blocking; 0 blocks at once.
     * @param clock  read once per idle cycle while spinning; unused when {@code spinNs} is 0.
     */
    SelectIdleStrategy(final Waiter waiter, final long spinNs, final NanoClock clock)
    {
        this.waiter = waiter;
        this.spinNs = spinNs;
        this.clock = clock;
    }

    @Override
    public void idle(final int workCount)
    {
        if (workCount > 0)
        {
            idleSinceNs = NOT_IDLE;
            return;
        }
        idle();
    }

    @Override
    public void idle()
    {
        if (spinNs > 0)
        {
            final long nowNs = clock.nanoTime();
            if (NOT_IDLE == idleSinceNs)
            {
                idleSinceNs = nowNs;
            }
            if (nowNs - idleSinceNs < spinNs)
            {
                Thread.onSpinWait();
                return;
            }
        }
        waiter.awaitWork();
        idleSinceNs = NOT_IDLE; // woken: spin again before the next sleep
    }

    @Override
    public void reset()
    {
        idleSinceNs = NOT_IDLE;
    }

    @Override
    public String alias()
    {
        return spinNs > 0 ? StrategyFactory.IDLE_SPIN_SELECT : ALIAS;
    }
}
