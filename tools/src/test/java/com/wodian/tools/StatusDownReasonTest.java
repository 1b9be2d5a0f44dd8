package com.wodian.tools;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetAddress;
import java.net.ServerSocket;
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
        final int closedPort;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress()))
        {
            closedPort = socket.getLocalPort();
        }
        try (EmbeddedServer server = EmbeddedServer.start(dataDir, "compact"))
        {
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
}
