package com.wodian.net.server;

import com.wodian.net.client.WodianClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static com.wodian.net.server.ServerTestSupport.HOST;
import static com.wodian.net.server.ServerTestSupport.TIMEOUT_MS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code sessionsMax} at the server (docs/security.md, "Robustness"): with every session taken, one more connection
 * is accepted and closed at once, the sessions already open keep working, and a session freed by a close is used by
 * the next connection.
 */
class SessionsMaxTest
{
    private static final int SESSIONS_MAX = 4;

    @TempDir
    Path dataDir;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void oneMoreConnectionIsClosedAtOnceAndAFreedSessionIsReused() throws Exception
    {
        final ServerConfig config = ServerTestSupport.config(dataDir, ThreadingMode.COMPACT).sessionsMax(SESSIONS_MAX);
        final List<WodianClient> clients = new ArrayList<>();
        try (WodianServer server = WodianServer.launch(config))
        {
            for (int i = 0; i < SESSIONS_MAX; i++)
            {
                clients.add(ServerTestSupport.connect(server));
            }
            new ServerTestSupport.Requests(clients.get(0)).setUpParties();

            try (Socket oneMore = new Socket(HOST, server.port()))
            {
                oneMore.setSoTimeout((int)TIMEOUT_MS);
                assertClosedWithoutAnswer(oneMore.getInputStream());
            }
            for (final WodianClient client : clients)
            {
                assertEquals(100_000, new ServerTestSupport.Requests(client).balance(ServerTestSupport.CONSUMER_ID)
                    .walletFen(), "an open session keeps working");
            }

            clients.remove(0).close();
            try (WodianClient next = connectOnceTheSessionIsFree(server))
            {
                assertEquals(100_000, new ServerTestSupport.Requests(next).balance(ServerTestSupport.CONSUMER_ID)
                    .walletFen(), "the freed session serves the next connection");
            }
        }
        finally
        {
            for (final WodianClient client : clients)
            {
                client.close();
            }
        }
    }

    /**
     * Security review 2026-12-05 B3: anyone can open connections, so refusals for sessionsMax must not write a line
     * each: many refused in a burst give one WARNING line (at most one per 10 s), which says how many were refused.
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void refusalsForSessionsMaxDoNotFloodTheLog() throws Exception
    {
        final int refusals = 20;
        final com.wodian.net.testing.LogCapture capture = com.wodian.net.testing.LogCapture.of("com.wodian.net.server");
        final List<String> lines = capture.lines();
        final ServerConfig config = ServerTestSupport.config(dataDir, ThreadingMode.COMPACT).sessionsMax(SESSIONS_MAX);
        final List<WodianClient> clients = new ArrayList<>();
        long elapsedMs = 0;
        try (capture; WodianServer server = WodianServer.launch(config))
        {
            for (int i = 0; i < SESSIONS_MAX; i++)
            {
                clients.add(ServerTestSupport.connect(server));
            }
            final long startNs = System.nanoTime();
            for (int i = 0; i < refusals; i++)
            {
                try (Socket oneMore = new Socket(HOST, server.port()))
                {
                    oneMore.setSoTimeout((int)TIMEOUT_MS);
                    assertClosedWithoutAnswer(oneMore.getInputStream());
                }
            }
            final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS);
            while (server.refusedFullCount() < refusals && System.nanoTime() - deadlineNs < 0)
            {
                Thread.sleep(10);
            }
            assertEquals(refusals, server.refusedFullCount());
            elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
        }
        finally
        {
            for (final WodianClient client : clients)
            {
                client.close();
            }
        }
        final List<String> warnings = lines.stream().filter((line) -> line.startsWith("refusing connection")).toList();
        // One line at once, then at most one per 10 s of the burst (however slow the machine made it).
        org.junit.jupiter.api.Assertions.assertTrue(warnings.size() >= 1 && warnings.size() <= 2 + elapsedMs / 10_000,
            "lines: " + warnings + " in " + elapsedMs + " ms");
        org.junit.jupiter.api.Assertions.assertTrue(warnings.get(0).contains("sessionsMax (" + SESSIONS_MAX + ")"),
            warnings.get(0));
    }

    /** The server frees a closed session on its own thread: connections closed before that are retried (bounded). */
    private static WodianClient connectOnceTheSessionIsFree(final WodianServer server) throws Exception
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(TIMEOUT_MS);
        IOException last = null;
        while (System.nanoTime() - deadlineNs < 0)
        {
            try
            {
                return ServerTestSupport.connect(server);
            }
            catch (final IOException ex)
            {
                last = ex;
                Thread.sleep(20);
            }
        }
        throw new AssertionError("no session was freed within " + TIMEOUT_MS + " ms", last);
    }

    private static void assertClosedWithoutAnswer(final InputStream in) throws IOException
    {
        try
        {
            final int read = in.read();
            assertEquals(-1, read, "the connection beyond sessionsMax is closed, not answered");
        }
        catch (final SocketTimeoutException ex)
        {
            fail("the connection beyond sessionsMax was not closed within " + TIMEOUT_MS + " ms");
        }
        catch (final java.net.SocketException reset)
        {
            // Reset by the server: closed too.
        }
    }
}
