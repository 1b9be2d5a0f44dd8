package com.wodian.net.server;

import org.agrona.concurrent.IdleStrategy;

/**
 * The {@code select} idle strategy of the network agents: when a duty cycle found nothing to do, the agent blocks in
 * its selector until the kernel reports a ready socket, the engine stage wakes it ({@link SelectorWaker}) or a timer
 * (the next Tick) is due. Idle costs no CPU, and a request or a reply is picked up as soon as the kernel can wake
 * the thread, instead of at the end of a backoff park. When the agent must poll (input ring full, unwritten bytes),
 * it parks briefly instead, because no socket event would tell it that the condition has passed.
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

    SelectIdleStrategy(final Waiter waiter)
    {
        this.waiter = waiter;
    }

    @Override
    public void idle(final int workCount)
    {
        if (workCount <= 0)
        {
            waiter.awaitWork();
        }
    }

    @Override
    public void idle()
    {
        waiter.awaitWork();
    }

    @Override
    public void reset()
    {
    }

    @Override
    public String alias()
    {
        return ALIAS;
    }
}
