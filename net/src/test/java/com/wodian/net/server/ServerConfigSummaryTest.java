package com.wodian.net.server;

import com.wodian.journal.consensus.AckPolicy;
import com.wodian.net.cluster.ReplicaGroupConfig;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The start-up line a newcomer reads (issue 18 item 15): a short summary at INFO instead of the whole configuration,
 * which stays available (DEBUG).
 */
class ServerConfigSummaryTest
{
    private static final int SUMMARY_LENGTH_MAX = 240;

    @Test
    void theSummaryIsShortAndSaysWhatMatters()
    {
        final ServerConfig alone = new ServerConfig().dataDir(Path.of("/var/wodian")).host("127.0.0.1").port(7701);
        assertEquals("data /var/wodian, listening on 127.0.0.1:7701, shared threads, durability sync, logon required, " +
            "clear text, running alone, snapshots off", alone.summary());

        final InetSocketAddress[] peers = {new InetSocketAddress("127.0.0.1", 1), new InetSocketAddress("127.0.0.1", 2),
            new InetSocketAddress("127.0.0.1", 3)};
        final ServerConfig node = new ServerConfig().dataDir(Path.of("/var/wodian/n1")).port(0)
            .replicaGroup(new ReplicaGroupConfig(1, peers, AckPolicy.QUORUM));
        assertTrue(node.summary().contains("node 1 of a group of 3 (quorum)"), node.summary());
        assertTrue(node.summary().contains("shared (as compact in a group) threads"), node.summary());
        assertTrue(node.summary().contains("(any free port)"), node.summary());
        for (final ServerConfig config : new ServerConfig[]{alone, node})
        {
            assertTrue(config.summary().length() <= SUMMARY_LENGTH_MAX, config.summary());
            assertTrue(config.toString().length() > 3 * config.summary().length(), "the full configuration stays");
        }
    }
}
