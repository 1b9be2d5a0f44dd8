package com.wodian.net.server;

import com.wodian.journal.DurabilityPolicy;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * Settings fail at start-up with a clear message, never at the first idle moment.
 */
class ServerConfigTest
{
    @Test
    void shouldParseNamesLeniently()
    {
        assertEquals(ThreadingMode.DEDICATED, ServerProperties.parseThreadingMode(" dedicated "));
        assertEquals(DurabilityPolicy.PAGE_CACHE, ServerProperties.parseDurabilityPolicy("page-cache"));
        assertEquals(DurabilityPolicy.SYNC, ServerProperties.parseDurabilityPolicy("SYNC"));
    }

    @Test
    void shouldRefuseUnknownStrategyNames()
    {
        final IllegalArgumentException ex = assertThrows(IllegalArgumentException.class,
            () -> new ServerConfig().pipelineWaitStrategy("spinning"));
        assertEquals("unknown wait strategy 'spinning', expected one of [blocking, sleeping, yielding, busy-spin, spin-blocking]",
            ex.getMessage());
        assertThrows(IllegalArgumentException.class, () -> new ServerConfig().networkIdleStrategy("blocking"));
        for (final String name : StrategyFactory.IDLE_STRATEGY_NAMES)
        {
            if (!StrategyFactory.isSelect(name))
            {
                StrategyFactory.newIdleStrategy(name);
            }
        }
        new ServerConfig().networkIdleStrategy(StrategyFactory.IDLE_SELECT).senderIdleStrategy("select").validate();
        for (final String name : StrategyFactory.WAIT_STRATEGY_NAMES)
        {
            StrategyFactory.newWaitStrategy(name);
        }
    }

    @Test
    void shouldRefuseBadSizes()
    {
        assertThrows(IllegalArgumentException.class, () -> new ServerConfig().inputRingSize(1000).validate());
        assertThrows(IllegalArgumentException.class, () -> new ServerConfig().sendBufferLength(100).validate());
        assertThrows(IllegalArgumentException.class, () -> new ServerConfig().port(70_000).validate());
        assertThrows(IllegalArgumentException.class, () -> new ServerConfig().sessionsMax(0).validate());
        new ServerConfig().validate();
    }
}
