package com.wodian.net.server;

import com.wodian.protocol.sbe.ResultCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static com.wodian.net.server.ServerTestSupport.HOST;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Security review item 6: one source address cannot hold more than {@code unauthenticatedPerAddressMax} of the port's
 * connections before logging on (before, it could take every slot and keep every terminal out); one more from it is
 * closed at accept, other addresses are served, and a connection that logs on frees its place.
 */
class UnauthenticatedPerAddressTest
{
    private static final int PER_ADDRESS_MAX = 3;

    @TempDir
    Path dataDir;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void oneAddressCannotHoldMoreThanItsShareBeforeLogon() throws Exception
    {
        final ServerConfig config = ServerTestSupport.config(dataDir, ThreadingMode.COMPACT);
        // The logon timeout far beyond the test, so no connection is closed by it (outcomes, not schedules).
        config.gateway().unauthenticatedPerAddressMax(PER_ADDRESS_MAX).logonTimeoutMs(600_000)
            .idleTimeoutMs(600_000);
        final InetAddress loopback = InetAddress.getByName(HOST);
        final List<Socket> silent = new ArrayList<>();
        try (WodianServer server = WodianServer.launch(config))
        {
            for (int i = 0; i < PER_ADDRESS_MAX; i++)
            {
                silent.add(open(server, loopback));
            }
            try (Socket oneMore = open(server, loopback))
            {
                assertClosed(oneMore.getInputStream());
            }
            try (Socket elsewhere = open(server, InetAddress.getByName("127.0.0.2")))
            {
                assertEquals(ResultCode.OK, ServerTestSupport.logOn(elsewhere, ServerTestSupport.ADMIN),
                    "another address is served");
            }
            // One of the silent ones logs on: it no longer counts, so a newcomer from the address gets in.
            assertEquals(ResultCode.OK, ServerTestSupport.logOn(silent.get(0), ServerTestSupport.ADMIN));
            try (Socket next = open(server, loopback))
            {
                assertEquals(ResultCode.OK, ServerTestSupport.logOn(next, ServerTestSupport.ADMIN),
                    "a logged-on connection frees its address's place");
            }
            assertEquals(1, server.sourceRefusedCount());
        }
        finally
        {
            for (final Socket socket : silent)
            {
                socket.close();
            }
        }
    }

    private static Socket open(final WodianServer server, final InetAddress source) throws IOException
    {
        final Socket socket = new Socket(InetAddress.getByName(HOST), server.port(), source, 0);
        socket.setSoTimeout((int)ServerTestSupport.TIMEOUT_MS);
        return socket;
    }

    /** Closed by the server without an answer (end of stream or a reset), within the test's timeout. */
    private static void assertClosed(final InputStream in) throws IOException
    {
        try
        {
            assertEquals(-1, in.read(), "closed at accept, nothing answered");
        }
        catch (final SocketException reset)
        {
            // Reset by the server: closed too.
        }
    }
}
