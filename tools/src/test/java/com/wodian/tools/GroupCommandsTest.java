package com.wodian.tools;

import com.wodian.engine.EngineConfig;
import com.wodian.journal.DurabilityPolicy;
import com.wodian.journal.consensus.ConsensusConfig;
import com.wodian.net.server.AckPolicy;
import com.wodian.net.server.GatewayConfig;
import com.wodian.net.server.ReplicaGroupConfig;
import com.wodian.net.server.ServerConfig;
import com.wodian.net.server.WodianServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * {@code wodian status}, {@code promote} and {@code demote} against a three-node group in this JVM (logons off, on
 * loopback): the table names one primary and two standbys at one state hash; a promote makes the named node primary;
 * a demote hands the role to another node.
 */
class GroupCommandsTest
{
    private static final int NODES = 3;

    private final WodianServer[] servers = new WodianServer[NODES];

    @AfterEach
    void stop()
    {
        for (final WodianServer server : servers)
        {
            if (null != server)
            {
                server.close();
            }
        }
    }

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void statusPromoteAndDemote(@TempDir final Path dir) throws Exception
    {
        final InetSocketAddress[] replication = new InetSocketAddress[NODES];
        for (int i = 0; i < NODES; i++)
        {
            replication[i] = new InetSocketAddress("127.0.0.1", freePort());
        }
        final StringBuilder peers = new StringBuilder();
        for (int i = 0; i < NODES; i++)
        {
            final ServerConfig config = new ServerConfig()
                .dataDir(dir.resolve("node" + i))
                .host("127.0.0.1")
                .port(0)
                .durabilityPolicy(DurabilityPolicy.PAGE_CACHE)
                .engineConfig(EngineConfig.small())
                .inputRingSize(1024)
                .outputRingSize(1024)
                .sessionsMax(64)
                .tickIntervalMs(3_600_000)
                .replicaGroup(new ReplicaGroupConfig("cli", i, replication, AckPolicy.QUORUM,
                    new ConsensusConfig(300, 600, 50, 256), ReplicaGroupConfig.LAGGING_ENTRIES_MAX_DEFAULT,
                    ReplicaGroupConfig.SILENT_MS_MAX_DEFAULT));
            config.gateway().authMode(GatewayConfig.AuthMode.DISABLED);
            servers[i] = WodianServer.launch(config);
            peers.append(i == 0 ? "" : ",").append("127.0.0.1:").append(servers[i].port());
        }

        awaitOnePrimary(peers.toString());
        final CliTest.Run status = CliTest.wodian("status", "--peers", peers.toString());
        assertEquals(WodianMain.EXIT_OK, status.exitCode(), status.out());
        assertEquals(2, count(status.out(), " standby "), status.out());
        final int target = (nodeIdOfPrimary(status.out()) + 1) % NODES;

        final CliTest.Run promote = CliTest.wodian("promote", "--peers", peers.toString(), "--node",
            Integer.toString(target));
        assertEquals(WodianMain.EXIT_OK, promote.exitCode(), promote.out());
        assertTrue(promote.out().contains("node " + target + " is the primary"), promote.out());

        final CliTest.Run demote = CliTest.wodian("demote", "--peers", peers.toString());
        assertEquals(WodianMain.EXIT_OK, demote.exitCode(), demote.out());
        final String after = awaitOnePrimary(peers.toString());
        assertTrue(nodeIdOfPrimary(after) != target, after);

        final CliTest.Run refused = CliTest.wodian("promote", "--peers", peers.toString(), "--node", "7");
        assertEquals(WodianMain.EXIT_REFUSED, refused.exitCode(), refused.out());
    }

    private static String awaitOnePrimary(final String peers) throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() - deadlineNs < 0)
        {
            final CliTest.Run run = CliTest.wodian("status", "--peers", peers, "--no-hash");
            if (run.exitCode() == WodianMain.EXIT_OK && count(run.out(), " PRIMARY ") == 1 &&
                count(run.out(), " standby ") == 2)
            {
                return run.out();
            }
            Thread.sleep(50);
        }
        fail("no stable primary within 30 s");
        return "";
    }

    private static int nodeIdOfPrimary(final String table)
    {
        for (final String line : table.split("\n"))
        {
            if (line.contains(" PRIMARY "))
            {
                return Integer.parseInt(line.trim().split("\\s+")[1]);
            }
        }
        return -1;
    }

    private static int count(final String text, final String needle)
    {
        int count = 0;
        for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1))
        {
            count++;
        }
        return count;
    }

    private static int freePort() throws IOException
    {
        try (ServerSocket socket = new ServerSocket(0))
        {
            return socket.getLocalPort();
        }
    }
}
