package com.wodian.engine;

/**
 * A task run on its own short-lived thread while the calling thread goes on with other work, then joined: a part of
 * a snapshot load that touches nothing the rest of the load touches (the consumer book's hash and id map rebuild,
 * {@link EngineState#read}). Never used on the engine thread's hot path. The task's writes are visible to the
 * caller after {@link #join} (a thread's end happens-before a join that returns), and a failure of the task is
 * thrown there.
 */
final class SideTask
{
    private final Thread thread;
    private volatile Throwable failure;

    private SideTask(final Runnable task, final String name)
    {
        thread = new Thread(() ->
        {
            try
            {
                task.run();
            }
            catch (final Throwable ex)
            {
                failure = ex;
            }
        }, name);
        thread.setDaemon(true);
    }

    /** Starts {@code task} on a new daemon thread named {@code name}. */
    static SideTask start(final Runnable task, final String name)
    {
        final SideTask side = new SideTask(task, name);
        side.thread.start();
        return side;
    }

    /**
     * Waits for the task to end (it is bounded: it does not wait on anything) and throws what it threw, if anything.
     * Keeps waiting through an interrupt, so the caller never goes on while the task still writes, and restores the
     * interrupt status afterwards.
     */
    void join()
    {
        boolean interrupted = false;
        while (true)
        {
            try
            {
                thread.join();
                break;
            }
            catch (final InterruptedException ex)
            {
                interrupted = true;
            }
        }
        if (interrupted)
        {
            Thread.currentThread().interrupt();
        }
        final Throwable thrown = failure;
        if (thrown instanceof RuntimeException)
        {
            throw (RuntimeException)thrown;
        }
        if (thrown instanceof Error)
        {
            throw (Error)thrown;
        }
        if (thrown != null)
        {
            throw new IllegalStateException(thrown);
        }
    }
}
