package com.wodian.tools;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code wodian status} says why a node did not answer: a node that refuses the operator's logon is not down (the
 * next step of an operator who reads "DOWN" is to restart it), and no node answering at all exits 3, not 1.
 */
class StatusDownReasonTest
{
    @Test
    void aRefusedLogonAndAClosedPortAreToldApart(@TempDir final Path dataDir) throws Exception
    {
        // A port held by a bound socket that never listens: refused for as long as the test runs (a port probed and
        // released may be taken meanwhile, e.g. by the server below binding port 0).
        try (Socket closed = new Socket(); EmbeddedServer server = bindThenStart(closed, dataDir))
        {
            final int closedPort = closed.getLocalPort();
            final CliTest.Run withoutCredentials = CliTest.wodian("status", "--peers",
                "127.0.0.1:" + server.port() + ",127.0.0.1:" + closedPort, "--timeout-ms", "30000");
            final String out = withoutCredentials.out();
            assertEquals(WodianMain.EXIT_UNREACHABLE, withoutCredentials.exitCode(), out);
            assertTrue(out.contains("127.0.0.1:" + closedPort) && out.contains("connection refused"), out);
            final String runningLine = out.lines().filter((line) -> line.startsWith("127.0.0.1:" + server.port()))
                .findFirst().orElseThrow();
            assertTrue(runningLine.contains("DOWN") && !runningLine.contains("no answer") &&
                !runningLine.contains("connection refused"), runningLine);
        }
    }

    private static EmbeddedServer bindThenStart(final Socket closed, final Path dataDir) throws Exception
    {
        closed.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        return EmbeddedServer.start(dataDir, "compact");
    }
}
