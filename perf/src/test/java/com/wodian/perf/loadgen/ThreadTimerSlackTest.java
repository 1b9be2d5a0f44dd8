package com.wodian.perf.loadgen;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** The load generator's sender sets its own timer slack, and only its own (Linux only; skipped elsewhere). */
class ThreadTimerSlackTest
{
    @Test
    @Timeout(value = 30, unit = TimeUnit.SECONDS)
    void setsTheCallingThreadsSlackOnly() throws Exception
    {
        final long before = ThreadTimerSlack.current();
        assumeTrue(before != ThreadTimerSlack.UNKNOWN, "no /proc/<tid>/timerslack_ns here");
        final long wanted = before == 7_000 ? 8_000 : 7_000;
        final AtomicLong reported = new AtomicLong();
        final AtomicLong readBack = new AtomicLong();
        final Thread thread = new Thread(() ->
        {
            reported.set(ThreadTimerSlack.set(wanted));
            readBack.set(ThreadTimerSlack.current());
        });
        thread.start();
        thread.join();

        assumeTrue(reported.get() == wanted, "the kernel refused the change: " + reported.get());
        assertEquals(wanted, readBack.get(), "the thread that asked has the new slack");
        assertEquals(before, ThreadTimerSlack.current(), "other threads of the process keep theirs");
    }
}
