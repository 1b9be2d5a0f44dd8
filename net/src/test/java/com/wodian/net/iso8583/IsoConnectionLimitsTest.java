package com.wodian.net.iso8583;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.net.Socket;
import java.nio.file.Path;
import java.security.SecureRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Security review item 5: sockets that only hold a slot of the ISO port (idle, half-open, slowloris) are closed after
 * the idle timeout, and, when every slot is taken, the oldest unauthenticated one makes room for a newcomer, so they
 * cannot lock real terminals out. The gateway's clock is moved instead of waiting.
 */
class IsoConnectionLimitsTest
{
    private static final long MERCHANT = 11;
    private static final long TERMINAL = 101;
    private static final long CONSUMER = 8001;
    private static final long DEADLINE_MS = 30_000;
    /** Past the harness's logon timeout (10 s), the age an unauthenticated connection must reach to be evicted. */
    private static final long EVICTION_FLOOR_MS = 11_000;

    @TempDir
    Path dir;

    @Test
    void idleAndSlowlorisConnectionsAreClosedAfterTheIdleTimeout() throws Exception
    {
        final byte[] key = keys();
        final IsoGatewayConfig config = IsoGatewayConfig.of("127.0.0.1", 0, dir.resolve("iso-keys"));
        try (EngineIsoHarness harness = started(config);
            Socket silent = new Socket("127.0.0.1", harness.agent.port());
            Socket slowloris = new Socket("127.0.0.1", harness.agent.port()))
        {
            // A frame that announces 60 bytes and delivers 5: partial frames are no sign of life.
            slowloris.getOutputStream().write(new byte[]{ 0, 60, 0x60, 0, 1, 0, 2 });
            slowloris.getOutputStream().flush();
            // Moves the gateway's clock past the idle timeout until both are closed (the accepts may come late).
            final long deadlineMs = System.currentTimeMillis() + DEADLINE_MS;
            while (harness.agent.idleTimeoutCount() < 2 && System.currentTimeMillis() < deadlineMs)
            {
                harness.clockOffsetMs += config.idleTimeoutMs() + 1_000;
                Thread.sleep(50);
            }
            assertClosedByServer(silent);
            assertClosedByServer(slowloris);
            assertEquals(2, harness.agent.idleTimeoutCount());
            try (JposTerminal pos = new JposTerminal("127.0.0.1", harness.agent.port(), TERMINAL, MERCHANT, key))
            {
                assertEquals("00", pos.call(pos.signed(pos.financial("0200", CONSUMER, 100, pos.nextStan(),
                    JposTerminal.nowPlusMs(harness.clockOffsetMs)))).getString(39));
            }
        }
    }

    @Test
    void fullPortEvictsTheOldestUnauthenticatedConnectionForATerminal() throws Exception
    {
        final byte[] key = keys();
        final int slots = 4;
        final IsoGatewayConfig config = IsoGatewayConfig.of("127.0.0.1", 0, dir.resolve("iso-keys"))
            .withConnectionsMax(slots);
        try (EngineIsoHarness harness = started(config))
        {
            final JposTerminal[] squatters = new JposTerminal[slots];
            try
            {
                for (int i = 0; i < slots; i++)
                {
                    // An unsigned echo is answered without authenticating: each squatter surely holds its slot.
                    squatters[i] = new JposTerminal("127.0.0.1", harness.agent.port(), TERMINAL, MERCHANT, key);
                    assertEquals("00", squatters[i].call(squatters[i].networkManagement("301", i + 1)).getString(39));
                    // A tie in ms goes to the lower slot.
                    Thread.sleep(20);
                }
                // Squatters are evicted only once older than the floor (the logon timeout): move the gateway's clock.
                harness.clockOffsetMs += EVICTION_FLOOR_MS;
                try (JposTerminal pos = new JposTerminal("127.0.0.1", harness.agent.port(), TERMINAL, MERCHANT, key))
                {
                    assertEquals("00", pos.call(pos.signed(pos.financial("0200", CONSUMER, 100, pos.nextStan(),
                        JposTerminal.now()))).getString(39), "a terminal gets a slot although squatters held all");
                    assertClosedByServer(squatters[0]);
                    assertEquals(1, harness.agent.evictedCount());

                    // The authenticated terminal is never the one evicted: more newcomers take the squatters' slots.
                    for (int i = 0; i < slots; i++)
                    {
                        new Socket("127.0.0.1", harness.agent.port()).close();
                    }
                    assertEquals("00", pos.call(pos.signed(pos.financial("0200", CONSUMER, 100, pos.nextStan(),
                        JposTerminal.now()))).getString(39), "the authenticated terminal keeps its connection");
                }
            }
            finally
            {
                for (final JposTerminal squatter : squatters)
                {
                    if (null != squatter)
                    {
                        squatter.close();
                    }
                }
            }
        }
    }

    /**
     * Security review 2026-12-05 A1: a recorded signed 0800 or 0200 sent again after the freshness window is refused
     * with a signed 63 and does not authenticate its connection, so connections that each replayed one hold no slot a
     * newcomer cannot take. Before, any MAC-valid request authenticated: the replayed bytes held every slot.
     */
    @Test
    void replayedStaleRequestsDoNotAuthenticateTheirConnections() throws Exception
    {
        final byte[] key = keys();
        final int slots = 4;
        final IsoGatewayConfig config = IsoGatewayConfig.of("127.0.0.1", 0, dir.resolve("iso-keys"))
            .withConnectionsMax(slots);
        final String twoDaysAgo = JposTerminal.nowPlusMs(-2L * 24 * 3600 * 1000);
        try (EngineIsoHarness harness = started(config))
        {
            final JposTerminal[] replayers = new JposTerminal[slots];
            try
            {
                for (int i = 0; i < slots; i++)
                {
                    replayers[i] = new JposTerminal("127.0.0.1", harness.agent.port(), TERMINAL, MERCHANT, key);
                    final org.jpos.iso.ISOMsg replayed = i % 2 == 0 ?
                        replayers[i].signed(replayers[i].networkManagement("301", 7, twoDaysAgo)) :
                        replayers[i].signed(replayers[i].financial("0200", CONSUMER, 100, 8, twoDaysAgo));
                    final org.jpos.iso.ISOMsg refused = replayers[i].call(replayed);
                    assertEquals("63", refused.getString(39), "a stale MAC-valid request is refused");
                    // Signed: an 0810 carries its MAC in DE128 (its DE70 needs the secondary bitmap), a 0210 in DE64.
                    assertTrue(i % 2 == 0 ? refused.hasField(128) : replayers[i].responseMacValid(refused),
                        "and the refusal is signed");
                    // Accepted in connection order; a tie in ms goes to the lower slot.
                    Thread.sleep(20);
                }
                harness.clockOffsetMs += EVICTION_FLOOR_MS;
                try (JposTerminal pos = new JposTerminal("127.0.0.1", harness.agent.port(), TERMINAL, MERCHANT, key))
                {
                    assertEquals("00", pos.call(pos.networkManagement("301", 9)).getString(39),
                        "a newcomer gets a slot although replayed requests held all");
                    assertEquals(1, harness.agent.evictedCount());
                }
            }
            finally
            {
                for (final JposTerminal replayer : replayers)
                {
                    if (null != replayer)
                    {
                        replayer.close();
                    }
                }
            }
        }
    }

    /**
     * Security review item 6: one source address holds at most its share of connections that have not authenticated;
     * one more from it is closed at accept (before, it took a slot until the idle timeout), a terminal from another
     * address is served.
     */
    @Test
    void oneAddressHoldsAtMostItsShareOfUnauthenticatedConnections() throws Exception
    {
        final byte[] key = keys();
        final IsoGatewayConfig config = IsoGatewayConfig.of("127.0.0.1", 0, dir.resolve("iso-keys"))
            .withConnectionsMax(8);
        final EngineIsoHarness harness = new EngineIsoHarness(config,
            new com.wodian.net.gateway.SourceLimits(2, 0, 1, 100));
        harness.merchant(MERCHANT);
        harness.terminal(TERMINAL, MERCHANT);
        harness.consumer(CONSUMER, 100_000);
        harness.start();
        final java.net.InetAddress loopback = java.net.InetAddress.getByName("127.0.0.1");
        final java.net.InetAddress other = java.net.InetAddress.getByName("127.0.0.2");
        try (harness;
            Socket first = new Socket(loopback, harness.agent.port(), other, 0);
            Socket second = new Socket(loopback, harness.agent.port(), other, 0);
            Socket third = new Socket(loopback, harness.agent.port(), other, 0))
        {
            assertClosedByServer(third);
            assertEquals(1, harness.agent.sourceRefusedCount());
            try (JposTerminal pos = new JposTerminal("127.0.0.1", harness.agent.port(), TERMINAL, MERCHANT, key))
            {
                assertEquals("00", pos.call(pos.signed(pos.financial("0200", CONSUMER, 100, pos.nextStan(),
                    JposTerminal.now()))).getString(39), "another address is served");
            }
        }
    }

    /**
     * Security review 2026-12-05 B8: a client opening connections as fast as it can no longer evicts a terminal that
     * has connected but not yet sent its first signed request (a slow link, a TLS handshake): connections younger
     * than the floor (the logon timeout) keep their slot, the churner's newcomers are refused instead. Before, each
     * newcomer took the oldest unauthenticated slot: the terminal's, before it could sign.
     */
    @Test
    void aChurningClientCannotPushOutATerminalThatHasNotSignedYet() throws Exception
    {
        final byte[] key = keys();
        final int slots = 4;
        final IsoGatewayConfig config = IsoGatewayConfig.of("127.0.0.1", 0, dir.resolve("iso-keys"))
            .withConnectionsMax(slots);
        final int churned = 3 * slots;
        final Socket[] churn = new Socket[churned];
        // The floor is the handshake timeout on the real clock: with the default 10 s, a stall of 10 s between the
        // terminal's echo and the churn's accepts made its connection old enough to evict (flake review item 6).
        // Ten minutes: what is asserted is that a connection younger than the floor keeps its slot, whatever it is.
        try (EngineIsoHarness harness = started(new EngineIsoHarness(config,
                new com.wodian.net.gateway.SourceLimits(0, 0, 1, 1), 600_000));
            JposTerminal pos = new JposTerminal("127.0.0.1", harness.agent.port(), TERMINAL, MERCHANT, key))
        {
            // An unsigned echo: the terminal's connection holds a slot and has not authenticated.
            assertEquals("00", pos.call(pos.networkManagement("301", 1)).getString(39));
            for (int i = 0; i < churned; i++)
            {
                churn[i] = new Socket("127.0.0.1", harness.agent.port());
            }
            // Every churn connection beyond the free slots has been handled (evicted someone, or been refused).
            final long deadlineMs = System.currentTimeMillis() + DEADLINE_MS;
            while (harness.agent.evictedCount() + harness.agent.refusedFullCount() < churned - (slots - 1) &&
                System.currentTimeMillis() < deadlineMs)
            {
                Thread.sleep(10);
            }
            assertEquals("00", pos.call(pos.signed(pos.financial("0200", CONSUMER, 100, pos.nextStan(),
                JposTerminal.now()))).getString(39), "the terminal signs on the connection it opened");
            assertEquals(churned - (slots - 1), harness.agent.refusedFullCount(), "the newcomers are refused");
            assertEquals(0, harness.agent.evictedCount(), "no connection younger than the floor is evicted");
        }
        finally
        {
            for (final Socket socket : churn)
            {
                if (null != socket)
                {
                    socket.close();
                }
            }
        }
    }

    /**
     * Security review 2026-12-05 B1 (ISO): one terminal key holds at most its cap of authenticated connections; one
     * more ends that terminal's oldest, so another terminal still finds a slot. Before, one key held every slot.
     */
    @Test
    void oneTerminalHoldsAtMostItsCapOfConnections() throws Exception
    {
        final IsoKeyStore store = new IsoKeyStore();
        final byte[] key = store.issueKey(TERMINAL, MERCHANT, new SecureRandom());
        final long otherTerminal = TERMINAL + 1;
        final byte[] otherKey = store.issueKey(otherTerminal, MERCHANT, new SecureRandom());
        store.save(dir.resolve("iso-keys"));
        final int slots = 4;
        final IsoGatewayConfig config = IsoGatewayConfig.of("127.0.0.1", 0, dir.resolve("iso-keys"))
            .withConnectionsMax(slots).withConnectionsPerTerminalMax(2);
        final JposTerminal[] hog = new JposTerminal[slots];
        try (EngineIsoHarness harness = started(config))
        {
            harness.terminal(otherTerminal, MERCHANT);
            for (int i = 0; i < slots; i++)
            {
                hog[i] = new JposTerminal("127.0.0.1", harness.agent.port(), TERMINAL, MERCHANT, key);
                assertEquals("00", hog[i].call(hog[i].signed(hog[i].networkManagement("301", i + 1))).getString(39));
            }
            assertClosedByServer(hog[0]);
            assertClosedByServer(hog[1]);
            assertEquals(2, harness.agent.terminalCapClosedCount());
            try (JposTerminal other = new JposTerminal("127.0.0.1", harness.agent.port(), otherTerminal, MERCHANT,
                otherKey))
            {
                assertEquals("00", other.call(other.signed(other.financial("0200", CONSUMER, 100, other.nextStan(),
                    JposTerminal.now()))).getString(39), "another terminal is served");
            }
            assertEquals("00", hog[slots - 1].call(hog[slots - 1].signed(hog[slots - 1].financial("0200", CONSUMER,
                100, 99, JposTerminal.now()))).getString(39), "the terminal's newest connection is kept");
        }
        finally
        {
            for (final JposTerminal terminal : hog)
            {
                if (null != terminal)
                {
                    terminal.close();
                }
            }
        }
    }

    private byte[] keys() throws Exception
    {
        final IsoKeyStore store = new IsoKeyStore();
        final byte[] key = store.issueKey(TERMINAL, MERCHANT, new SecureRandom());
        store.save(dir.resolve("iso-keys"));
        return key;
    }

    /** The server ends the terminal's connection: the read sees the end of stream, not its deadline. */
    private static void assertClosedByServer(final JposTerminal terminal) throws Exception
    {
        try
        {
            terminal.receive();
            org.junit.jupiter.api.Assertions.fail("no message expected");
        }
        catch (final java.net.SocketTimeoutException timeout)
        {
            org.junit.jupiter.api.Assertions.fail("not closed within the deadline");
        }
        catch (final java.io.IOException | org.jpos.iso.ISOException closed)
        {
            // End of stream or reset: closed by the server.
        }
    }

    private static EngineIsoHarness started(final IsoGatewayConfig config) throws Exception
    {
        return started(new EngineIsoHarness(config));
    }

    private static EngineIsoHarness started(final EngineIsoHarness harness)
    {
        harness.merchant(MERCHANT);
        harness.terminal(TERMINAL, MERCHANT);
        harness.consumer(CONSUMER, 100_000);
        harness.start();
        return harness;
    }

    /** The server closes the socket: the read sees the end of stream (or a reset) within the deadline. */
    private static void assertClosedByServer(final Socket socket) throws Exception
    {
        socket.setSoTimeout((int)DEADLINE_MS);
        final InputStream in = socket.getInputStream();
        try
        {
            assertEquals(-1, in.read(), "end of stream");
        }
        catch (final java.net.SocketException reset)
        {
            assertTrue(reset.getMessage().contains("reset"), reset.getMessage());
        }
    }
}
