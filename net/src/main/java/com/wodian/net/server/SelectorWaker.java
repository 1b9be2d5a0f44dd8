package com.wodian.net.server;

import java.lang.invoke.VarHandle;
import java.nio.channels.Selector;

/**
 * Lets the engine stage wake a network thread that sleeps in {@link Selector#select} (the {@code select} idle
 * strategy) when it publishes replies, without a system call while that thread is awake.
 *
 * <p>This is Dekker's pattern and needs a full fence on both sides: the sleeper stores {@code sleeping = true} and
 * then loads the output ring's cursor; the engine stores the cursor (a release store in the Disruptor) and then loads
 * {@code sleeping}. Without the fences either load could be satisfied before the other thread's store is visible,
 * and the sleeper would miss replies until its select timeout.
 */
final class SelectorWaker
{
    private final Selector selector;

    /** Written by the sleeping thread, read by the engine thread; volatile, and fenced as explained above. */
    private volatile boolean sleeping;

    SelectorWaker(final Selector selector)
    {
        this.selector = selector;
    }

    /** Sleeper: announce the intent to sleep; afterwards re-check for work, then sleep or call {@link #awake()}. */
    void prepareToSleep()
    {
        sleeping = true;
        VarHandle.fullFence();
    }

    /** Sleeper: back to work. */
    void awake()
    {
        sleeping = false;
    }

    /** Engine stage, after publishing replies: wake the sleeper, if it sleeps. */
    void wakeIfSleeping()
    {
        VarHandle.fullFence();
        if (sleeping)
        {
            selector.wakeup();
        }
    }
}
