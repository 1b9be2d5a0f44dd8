package com.wodian.net.server;

import com.wodian.net.client.WodianClient;
import com.wodian.net.metrics.ServerCounters.GatewayLimit;
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
import java.util.function.LongSupplier;

import static com.wodian.net.server.ServerTestSupport.HOST;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Security review 2026-12-05 B2: when every POS session is taken, the oldest connection that has not logged on is
 * closed to admit a newcomer (never a logged-on one), as on the ISO 8583 port. Before, 17 addresses of silent
 * connections, each within its per-address cap, locked every terminal out. Scaled down: 17 addresses from 127/8 with
 * 2 silent connections each against 32 sessions.
 */
class UnauthenticatedEvictionTest
{
    private static final int SESSIONS_MAX = 32;
    private static final int PER_ADDRESS_MAX = 2;
    private static final int ADDRESSES = 17;

    @TempDir
    Path dataDir;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void seventeenAddressesOfSilentConnectionsDoNotLockATerminalOut() throws Exception
    {
        final List<Socket> silent = new ArrayList<>();
        // Age floor 0: any connection not logged on may be evicted (the floor has its own test below).
        try (WodianServer server = WodianServer.launch(config(0)))
        {
            openSilent(server, silent);
            // 34 silent connections for 32 sessions: the last two each evicted the oldest.
            awaitCount(() -> server.gatewayLimitCount(GatewayLimit.UNAUTHENTICATED_EVICTED), 2);
            try (WodianClient terminal = ServerTestSupport.connect(server, ServerTestSupport.TERMINAL))
            {
                assertEquals(ServerTestSupport.MERCHANT_ID, terminal.merchantId(), "the genuine terminal logs on");
            }
            assertEquals(3, server.gatewayLimitCount(GatewayLimit.UNAUTHENTICATED_EVICTED));
            assertEquals(0, server.refusedFullCount());
        }
        finally
        {
            closeAll(silent);
        }
    }

    /**
     * The age floor (B8's fix, applied here): a connection younger than the floor is not evicted, so connection
     * churn cannot cut every terminal off in the middle of its handshake; the newcomer is refused instead. And a
     * logged-on session is never evicted, whatever its age.
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void connectionsYoungerThanTheFloorAndLoggedOnSessionsAreNotEvicted() throws Exception
    {
        final List<Socket> silent = new ArrayList<>();
        final List<WodianClient> loggedOn = new ArrayList<>();
        // A floor far beyond the test: no silent connection becomes evictable (outcomes, not schedules).
        try (WodianServer server = WodianServer.launch(config(600_000)))
        {
            for (int i = 0; i < 2; i++)
            {
                loggedOn.add(ServerTestSupport.connect(server));
            }
            openSilent(server, silent); // 32 - 2 admitted, the other 4 refused
            awaitCount(server::refusedFullCount, silent.size() - (SESSIONS_MAX - loggedOn.size()));
            try (Socket oneMore = open(server, InetAddress.getByName("127.0.1.1")))
            {
                assertClosed(oneMore.getInputStream());
            }
            assertEquals(0, server.gatewayLimitCount(GatewayLimit.UNAUTHENTICATED_EVICTED));
            for (int i = 0; i < loggedOn.size(); i++)
            {
                assertEquals(ResultCode.OK, new ServerTestSupport.Requests(loggedOn.get(i)).registerMerchant(1 + i),
                    "a logged-on session still works");
            }
        }
        finally
        {
            closeAll(silent);
            for (final WodianClient client : loggedOn)
            {
                client.close();
            }
        }
    }

    private ServerConfig config(final long evictionAgeMinMs)
    {
        final ServerConfig config = ServerTestSupport.config(dataDir, ThreadingMode.COMPACT).sessionsMax(SESSIONS_MAX);
        // The logon and idle timeouts far beyond the test, so no connection is closed by them.
        config.gateway().unauthenticatedPerAddressMax(PER_ADDRESS_MAX).evictionAgeMinMs(evictionAgeMinMs)
            .logonTimeoutMs(600_000).idleTimeoutMs(600_000);
        return config;
    }

    /** Two silent connections from each of 127.0.0.2 .. 127.0.0.18 (the test client logs on from 127.0.0.1). */
    private static void openSilent(final WodianServer server, final List<Socket> silent) throws IOException
    {
        for (int address = 0; address < ADDRESSES; address++)
        {
            final InetAddress source = InetAddress.getByName("127.0.0." + (2 + address));
            for (int i = 0; i < PER_ADDRESS_MAX; i++)
            {
                silent.add(open(server, source));
            }
        }
    }

    private static void awaitCount(final LongSupplier count, final long expected) throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(ServerTestSupport.TIMEOUT_MS);
        while (count.getAsLong() < expected && System.nanoTime() - deadlineNs < 0)
        {
            Thread.sleep(10);
        }
        assertEquals(expected, count.getAsLong());
    }

    private static Socket open(final WodianServer server, final InetAddress source) throws IOException
    {
        final Socket socket = new Socket(InetAddress.getByName(HOST), server.port(), source, 0);
        socket.setSoTimeout((int)ServerTestSupport.TIMEOUT_MS);
        return socket;
    }

    private static void closeAll(final List<Socket> sockets) throws IOException
    {
        for (final Socket socket : sockets)
        {
            socket.close();
        }
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
