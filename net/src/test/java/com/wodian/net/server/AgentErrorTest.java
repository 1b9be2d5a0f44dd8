package com.wodian.net.server;

import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A serving agent's thread ends on an {@link Error} (Agrona's runner rethrows it): the server's fatal handler must
 * hear of it, or the process would keep its port and heartbeat with no thread serving. An exception is counted and
 * the agent goes on, as before.
 */
class AgentErrorTest
{
    @Test
    void anErrorOnAServingAgentGoesToTheFatalHandlerAndAnExceptionDoesNot() throws Exception
    {
        final CountersManager counters = new CountersManager(
            new UnsafeBuffer(ByteBuffer.allocateDirect(64 * 1024)), new UnsafeBuffer(ByteBuffer.allocateDirect(16 * 1024)));
        final AtomicCounter errors = counters.newCounter("errors");
        final CompletableFuture<Throwable> fatal = new CompletableFuture<>();
        final OutOfMemoryError error = new OutOfMemoryError("injected");
        final AtomicInteger cycles = new AtomicInteger();
        final Agent agent = new Agent()
        {
            @Override
            public int doWork()
            {
                final int cycle = cycles.incrementAndGet();
                if (1 == cycle)
                {
                    throw new IllegalStateException("injected: counted, the agent goes on");
                }
                if (3 == cycle)
                {
                    throw error;
                }
                return 0;
            }

            @Override
            public String roleName()
            {
                return "test-agent";
            }
        };
        try (AgentRunner runner = PipelineTopology.startAgent(
            new SleepingMillisIdleStrategy(1), agent, errors, fatal::complete))
        {
            assertSame(error, fatal.get(30, TimeUnit.SECONDS));
            assertTrue(cycles.get() >= 3);
            assertEquals(2, errors.get());
        }
    }
}
