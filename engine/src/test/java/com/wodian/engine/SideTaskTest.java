package com.wodian.engine;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The snapshot load's side thread (the consumer id map's rebuild): its writes are seen after join, its failure too. */
class SideTaskTest
{
    @Test
    void writesOfTheTaskAreSeenAfterJoin()
    {
        final long[] written = new long[100_000];
        final SideTask task = SideTask.start(() ->
        {
            for (int i = 0; i < written.length; i++)
            {
                written[i] = i * 3L;
            }
        }, "side-task-test");
        task.join();
        final long[] expected = new long[written.length];
        for (int i = 0; i < expected.length; i++)
        {
            expected[i] = i * 3L;
        }
        assertArrayEquals(expected, written);
    }

    @Test
    void failureOfTheTaskIsThrownAtJoin()
    {
        final IllegalStateException thrown = new IllegalStateException("damaged");
        final SideTask task = SideTask.start(() ->
        {
            throw thrown;
        }, "side-task-test");
        assertSame(thrown, assertThrows(IllegalStateException.class, task::join));
    }

    @Test
    void joinWaitsThroughAnInterruptAndKeepsIt()
    {
        final boolean[] finished = new boolean[1];
        final SideTask task = SideTask.start(() ->
        {
            final long endNs = System.nanoTime() + 200_000_000L;
            while (System.nanoTime() < endNs)
            {
                Thread.onSpinWait();
            }
            finished[0] = true;
        }, "side-task-test");
        Thread.currentThread().interrupt();
        task.join();
        assertTrue(Thread.interrupted(), "the interrupt is kept");
        assertTrue(finished[0], "join returned only after the task ended");
    }
}
