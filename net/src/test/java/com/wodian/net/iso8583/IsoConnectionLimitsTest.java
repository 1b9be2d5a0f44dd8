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
            final Socket[] squatters = new Socket[slots];
            try
            {
                for (int i = 0; i < slots; i++)
                {
                    squatters[i] = new Socket("127.0.0.1", harness.agent.port());
                    // Accepted in connection order (the listen backlog is FIFO); a tie in ms goes to the lower slot.
                    Thread.sleep(20);
                }
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
                for (final Socket squatter : squatters)
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
            new com.wodian.net.server.SourceLimits(2, 0, 1, 100));
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

    private byte[] keys() throws Exception
    {
        final IsoKeyStore store = new IsoKeyStore();
        final byte[] key = store.issueKey(TERMINAL, MERCHANT, new SecureRandom());
        store.save(dir.resolve("iso-keys"));
        return key;
    }

    private static EngineIsoHarness started(final IsoGatewayConfig config) throws Exception
    {
        final EngineIsoHarness harness = new EngineIsoHarness(config);
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
