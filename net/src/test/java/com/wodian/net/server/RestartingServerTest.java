package com.wodian.net.server;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Operator review 2 (2026-12-05), finding 1: a joining member's snapshot install can complete, and ask for the restart
 * that recovers from it, before the member's own first launch has returned. The restart must wait for that launch,
 * close its server and launch again; before, it launched a second server at once, which found the first one's data
 * directory lock and failed (the member exited 1).
 */
class RestartingServerTest
{
    private static final long TIMEOUT_MS = 30_000;

    @TempDir
    Path dataDir;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void aRestartAskedForDuringTheFirstLaunchWaitsForItAndReplacesItsServer() throws Exception
    {
        final ServerConfig config = ServerTestSupport.config(dataDir, ThreadingMode.COMPACT);
        final List<Exception> launchFailures = new CopyOnWriteArrayList<>();
        final AtomicInteger launches = new AtomicInteger();
        // Taken in the launcher: by the time launch returns, the restart may already have replaced this server.
        final java.util.concurrent.atomic.AtomicReference<WodianServer> firstServer =
            new java.util.concurrent.atomic.AtomicReference<>();
        final RestartingServer.Launcher askingForARestartInTheFirstLaunch = (launchConfig) ->
        {
            final boolean firstLaunch = launches.incrementAndGet() == 1;
            if (firstLaunch)
            {
                // As a snapshot install completing while the launch still runs: the restart is asked for first.
                launchConfig.restartHandler().accept("snapshot installed during the launch (test)");
            }
            final WodianServer launched = WodianServer.launch(launchConfig);
            if (firstLaunch)
            {
                firstServer.set(launched);
            }
            return launched;
        };
        try (RestartingServer server = RestartingServer.launch(config, launchFailures::add,
            askingForARestartInTheFirstLaunch))
        {
            final WodianServer first = firstServer.get();
            assertNotNull(first);
            final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS);
            while ((server.restarts() < 1 && launchFailures.isEmpty()) && System.nanoTime() - deadlineNs < 0)
            {
                Thread.sleep(10);
            }
            assertTrue(launchFailures.isEmpty(), "no failed launch: " + launchFailures);
            assertEquals(1, server.restarts());
            assertEquals(2, launches.get());
            assertTrue(server.current() != first, "the restart replaced the first launch's server");
            try (var client = ServerTestSupport.connect(server.current()))
            {
                new ServerTestSupport.Requests(client).setUpParties();
            }
        }
    }
}
