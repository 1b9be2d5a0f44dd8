package com.wodian.tools;

import com.wodian.engine.EngineConfig;
import com.wodian.journal.ChronicleJournal;
import com.wodian.journal.DurabilityPolicy;
import com.wodian.journal.JournalConfig;
import com.wodian.journal.consensus.AckPolicy;
import com.wodian.journal.consensus.storage.CommitMark;
import com.wodian.journal.consensus.storage.JournalReplicaLog;
import com.wodian.net.client.ClientConfig;
import com.wodian.net.client.WodianClient;
import com.wodian.net.cluster.NodeIdentityFile;
import com.wodian.net.server.GatewayConfig;
import com.wodian.net.server.ServerConfig;
import com.wodian.net.server.WodianServer;
import com.wodian.net.testing.group.GroupMembers;
import com.wodian.protocol.ReplyCodes;
import com.wodian.protocol.CommandCatalog;
import com.wodian.protocol.CommandEncoder;
import com.wodian.protocol.sbe.MessageHeaderDecoder;
import com.wodian.protocol.sbe.PayDecoder;
import com.wodian.protocol.sbe.ResultCode;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Operator review 7, end to end on loopback: a group of three takes payments and is lost whole (every node stopped);
 * {@code wodian group recover} on one survivor's directory cuts the entries it does not know committed (here the
 * last payment: its commit mark is set just below it), makes it a group of one under a new group name, and it then
 * serves alone with the payments it kept; a lost node is rebuilt as a new server ({@code --join}, {@code group add})
 * and reaches the same state; a lost node's old directory is refused by the new group. Outcomes only.
 */
class GroupRecoverTest
{
    private static final int NODES = 3;
    private static final long MERCHANT = 1;
    private static final long TERMINAL = 10;
    private static final long CONSUMER = 100;
    private static final int PAYMENTS = 5;
    private static final String WAIT_MS = "30000";

    private final WodianServer[] servers = new WodianServer[NODES];
    private InetSocketAddress[] replication;

    @AfterEach
    void stop()
    {
        for (int i = 0; i < NODES; i++)
        {
            stopNode(i);
        }
    }

    @Test
    // A backstop above the sum of the polled 30-s waits inside, not a schedule.
    @Timeout(value = 300, unit = TimeUnit.SECONDS)
    void aSurvivorBecomesAGroupOfOneAndTheOthersAreRebuilt(@TempDir final Path dir) throws Exception
    {
        replication = GroupMembers.replicationAddresses(NODES);
        for (int i = 0; i < NODES; i++)
        {
            servers[i] = start(dir, i, "east", false);
        }
        try (WodianClient client = WodianClient.connect(clientConfig(allClientAddresses())))
        {
            setUpAndPay(client);
        }
        final int survivor = 2;
        awaitCommitted(survivor);
        for (int i = 0; i < NODES; i++)
        {
            stopNode(i); // the whole group is lost; node 2's directory survives
        }
        final Path data = dir.resolve("node" + survivor);
        final long lastPay = lastPaySequence(data);
        Files.delete(data.resolve(JournalReplicaLog.COMMIT_MARK_FILE_NAME));
        new CommitMark(data.resolve(JournalReplicaLog.COMMIT_MARK_FILE_NAME)).store(lastPay - 1);

        final CliTest.Run wrongNode = CliTest.wodian("group", "recover", "--data", data.toString(), "--node-id", "1");
        assertEquals(WodianMain.EXIT_REFUSED, wrongNode.exitCode(), wrongNode.out());
        final String identity = Files.readString(data.resolve(NodeIdentityFile.FILE_NAME));
        final CliTest.Run dryRun = CliTest.wodian("group", "recover", "--data", data.toString(), "--node-id", "2",
            "--dry-run");
        assertEquals(WodianMain.EXIT_OK, dryRun.exitCode(), dryRun.out());
        assertTrue(dryRun.out().contains("would cut entries " + lastPay + "-"), dryRun.out());
        assertEquals(identity, Files.readString(data.resolve(NodeIdentityFile.FILE_NAME)), "a dry run changes nothing");

        final CliTest.Run recovered = CliTest.wodian("group", "recover", "--data", data.toString(), "--node-id", "2");
        assertEquals(WodianMain.EXIT_OK, recovered.exitCode(), recovered.out());
        assertTrue(recovered.out().contains("cut entries " + lastPay + "-") &&
            recovered.out().contains("'east' -> 'east.2'"), recovered.out());
        assertTrue(Files.readString(data.resolve(GroupRecoverCommand.LOG_FILE_NAME)).contains("cut entries"));

        servers[survivor] = start(dir, survivor, "east.2", false);
        final CliTest.Run alone = awaitPrimary(clientAddress(survivor));
        assertTrue(alone.out().contains("configuration: voters 2 learners - (committed)"), alone.out());
        try (WodianClient client = WodianClient.connect(clientConfig(clientAddress(survivor))))
        {
            assertEquals(ResultCode.OK, paymentStatus(client, 1_000 + PAYMENTS - 1), "a committed payment is kept");
            assertEquals(ResultCode.PAYMENT_NOT_FOUND, paymentStatus(client, 1_000 + PAYMENTS),
                "the payment beyond the commit mark is cut");
            assertEquals(ResultCode.OK, pay(client, 2_000), "the group of one serves");
        }

        wipe(dir.resolve("node0"));
        servers[0] = start(dir, 0, "east.2", true);
        final String peers = clientAddress(survivor) + "," + clientAddress(0);
        final CliTest.Run added = CliTest.wodian("group", "add", "--peers", peers, "--node", "0", "--wait-ms",
            "120000", "--timeout-ms", WAIT_MS);
        assertEquals(WodianMain.EXIT_OK, added.exitCode(), added.out());
        assertTrue(awaitSameStateHash(peers), "the rebuilt node reaches the survivor's state");

        final IOException stale = assertThrows(IOException.class, () -> start(dir, 1, "east.2", false),
            "a lost node's old directory is refused by the new group");
        assertTrue(stale.getMessage().contains("group east"), stale.getMessage());
    }

    private WodianServer start(final Path dir, final int node, final String group, final boolean joining)
        throws IOException
    {
        final ServerConfig config = new ServerConfig()
            .dataDir(dir.resolve("node" + node))
            .host("127.0.0.1")
            .port(0)
            .durabilityPolicy(DurabilityPolicy.PAGE_CACHE)
            .engineConfig(EngineConfig.small())
            .inputRingSize(1024)
            .outputRingSize(1024)
            .sessionsMax(64)
            .tickIntervalMs(3_600_000)
            .replicaGroup(GroupMembers.member(group, node, replication, AckPolicy.QUORUM).withJoining(joining))
            .insecure(true); // clear-text replication on loopback (security review B11)
        config.gateway().authMode(GatewayConfig.AuthMode.DISABLED);
        return WodianServer.launch(config);
    }

    private void stopNode(final int node)
    {
        if (null != servers[node])
        {
            servers[node].close();
            servers[node] = null;
        }
    }

    private String clientAddress(final int node)
    {
        return "127.0.0.1:" + servers[node].port();
    }

    private String allClientAddresses()
    {
        return clientAddress(0) + "," + clientAddress(1) + "," + clientAddress(2);
    }

    /** 30 s to connect, log on and for each reply; follows NOT_PRIMARY to the primary. */
    private static ClientConfig clientConfig(final String nodes)
    {
        return new ClientConfig().nodes(nodes).reconnect(true).reconnectGiveUpMs(30_000).connectTimeoutMs(30_000)
            .logonTimeoutMs(30_000).replyTimeoutMs(30_000);
    }

    private static void setUpAndPay(final WodianClient client) throws Exception
    {
        final CommandEncoder encoder = new CommandEncoder();
        final UnsafeBuffer command = new UnsafeBuffer(new byte[CommandCatalog.MAX_MESSAGE_LENGTH]);
        assertEquals(ResultCode.OK, call(client, command,
            encoder.registerMerchant(command, 0, MERCHANT, 0, 0, 0, 0, false)));
        assertEquals(ResultCode.OK, call(client, command, encoder.registerTerminal(command, 0, TERMINAL, MERCHANT)));
        assertEquals(ResultCode.OK, call(client, command, encoder.registerConsumer(command, 0, CONSUMER, 1)));
        assertEquals(ResultCode.OK, call(client, command, encoder.topUp(command, 0, CONSUMER, 1, 1_000_000)));
        for (int i = 1; i <= PAYMENTS; i++)
        {
            assertEquals(ResultCode.OK, pay(client, 1_000 + i));
        }
    }

    private static ResultCode pay(final WodianClient client, final long paymentId) throws Exception
    {
        final UnsafeBuffer command = new UnsafeBuffer(new byte[CommandCatalog.MAX_MESSAGE_LENGTH]);
        return call(client, command, new CommandEncoder().pay(command, 0, MERCHANT, TERMINAL, paymentId, 100,
            CONSUMER));
    }

    private static ResultCode paymentStatus(final WodianClient client, final long paymentId) throws Exception
    {
        final UnsafeBuffer command = new UnsafeBuffer(new byte[CommandCatalog.MAX_MESSAGE_LENGTH]);
        return call(client, command, new CommandEncoder().paymentStatusQuery(command, 0, MERCHANT, paymentId));
    }

    private static ResultCode call(final WodianClient client, final UnsafeBuffer command, final int length)
        throws Exception
    {
        final byte[] reply = client.call(command, 0, length, 30_000);
        return ReplyCodes.resultCodeOf(new UnsafeBuffer(reply), 0, reply.length);
    }

    private static CliTest.Run awaitPrimary(final String peers) throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        CliTest.Run status = CliTest.wodian("status", "--peers", peers, "--no-hash", "--timeout-ms", WAIT_MS);
        while (!status.out().contains(" PRIMARY ") && System.nanoTime() - deadlineNs < 0)
        {
            Thread.sleep(100);
            status = CliTest.wodian("status", "--peers", peers, "--no-hash", "--timeout-ms", WAIT_MS);
        }
        return status;
    }

    /** Waits (bounded) until the survivor knows every entry of the primary committed and applied it. */
    private void awaitCommitted(final int survivor) throws InterruptedException
    {
        final String peers = allClientAddresses();
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() - deadlineNs < 0)
        {
            final CliTest.Run status = CliTest.wodian("status", "--peers", peers, "--no-hash", "--timeout-ms",
                WAIT_MS);
            final long[] primary = row(status.out(), " PRIMARY ");
            final long[] node = row(status.out(), clientAddress(survivor) + " ");
            if (null != primary && null != node && node[2] >= primary[0])
            {
                return;
            }
            Thread.sleep(100);
        }
        fail("node " + survivor + " did not apply the primary's entries within 30 s");
    }

    /** @return last, commit and applied index of the status row that contains {@code marker}, or null. */
    private static long[] row(final String table, final String marker)
    {
        for (final String line : table.split("\n"))
        {
            final String[] columns = line.trim().split("\\s+");
            if (!line.startsWith(" ") && line.contains(marker) && columns.length >= 8)
            {
                return new long[] {Long.parseLong(columns[5]), Long.parseLong(columns[6]),
                    Long.parseLong(columns[7])};
            }
        }
        return null;
    }

    /** Both nodes at one applied index with one state hash (bounded wait; idle, so they meet). */
    private static boolean awaitSameStateHash(final String peers) throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() - deadlineNs < 0)
        {
            final String table = CliTest.wodian("status", "--peers", peers, "--timeout-ms", WAIT_MS).out();
            final String[] addresses = peers.split(",");
            final String a = hashAt(table, addresses[0]);
            if (null != a && a.equals(hashAt(table, addresses[1])))
            {
                return true;
            }
            Thread.sleep(200);
        }
        return false;
    }

    /** @return "applied/hash" of the row of {@code address}, or null. */
    private static String hashAt(final String table, final String address)
    {
        for (final String line : table.split("\n"))
        {
            final String[] columns = line.trim().split("\\s+");
            if (line.startsWith(address + " ") && columns.length >= 11)
            {
                return columns[7] + "/" + columns[10];
            }
        }
        return null;
    }

    /** @return the journal sequence of the last Pay in the directory's journal. */
    private static long lastPaySequence(final Path data)
    {
        final long[] last = {-1};
        try (ChronicleJournal journal = ChronicleJournal.open(new JournalConfig(data.resolve("journal"))))
        {
            journal.replayFrom(1, -1, (sequence, timestampMs, version, buffer, offset, length) ->
            {
                if (new MessageHeaderDecoder().wrap(buffer, offset).templateId() == PayDecoder.TEMPLATE_ID)
                {
                    last[0] = sequence;
                }
            });
        }
        assertTrue(last[0] > 0, "a Pay in the journal");
        return last[0];
    }

    private static void wipe(final Path dir) throws IOException
    {
        try (Stream<Path> files = Files.walk(dir))
        {
            for (final Path file : files.sorted(Comparator.reverseOrder()).toList())
            {
                Files.delete(file);
            }
        }
    }
}
