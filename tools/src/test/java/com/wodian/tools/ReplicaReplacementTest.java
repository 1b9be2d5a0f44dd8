package com.wodian.tools;

import com.wodian.journal.SnapshotStore;
import com.wodian.net.auth.Credentials;
import com.wodian.net.client.WodianClient;
import com.wodian.net.server.GatewayConfig;
import com.wodian.protocol.CommandCatalog;
import com.wodian.protocol.CommandEncoder;
import com.wodian.protocol.MessageText;
import com.wodian.protocol.sbe.BalanceReplyDecoder;
import com.wodian.protocol.sbe.MessageHeaderDecoder;
import com.wodian.protocol.sbe.ResultCode;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Replacing a node of a running group under load, with real processes and the operator's commands
 * (docs/replication.md, "Membership changes"): {@code wodian group remove} of the primary, kill -9, its data folder
 * wiped, restarted empty with {@code --join}, {@code wodian group add}. Payments flow throughout. It asserts outcomes
 * only: every acknowledged payment applied once (the wallets), every node at one state hash, the new node a voter that
 * was repaired by a snapshot. Who leads when, and how long each step takes, are not asserted (schedule properties are
 * the simulation's: GroupSimulation changes membership under faults).
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ReplicaReplacementTest
{
    private static final long LEADER_TIMEOUT_MS = 30_000;
    private static final long FLOW_TIMEOUT_MS = 30_000;
    private static final long CONVERGE_TIMEOUT_MS = 60_000;
    private static final long CALL_TIMEOUT_MS = 10_000;

    private final CommandEncoder encoder = new CommandEncoder();
    private final UnsafeBuffer buffer = new UnsafeBuffer(new byte[CommandCatalog.MAX_MESSAGE_LENGTH]);
    private ReplicaGroup group;
    private PosLoad pos;
    private Path secrets;

    @AfterEach
    void stop() throws Exception
    {
        if (null != pos)
        {
            pos.close();
        }
        if (null != group)
        {
            group.close();
        }
    }

    @Test
    void thePrimaryIsReplacedByAWipedNodeUnderLoad(@TempDir final Path dir) throws Exception
    {
        group = new ReplicaGroup(dir, List.of("--ack-policy", "quorum", "--snapshot-every-inputs", "300",
            "--snapshot-retain", "3"));
        group.jvmOptions(List.of("-Dwodian.replication.installBehindEntries=100"));
        secrets = dir.resolve("admin-secrets");
        Credentials.save(secrets, List.of(group.admin())); // the operator's side of the admin identity
        group.startAll();
        group.awaitLeader(-1, LEADER_TIMEOUT_MS);
        setUpParties();
        pos = new PosLoad(group);
        pos.start();
        assertTrue(pos.awaitAcknowledgedAbove(500, FLOW_TIMEOUT_MS), "payments flow\n" + group.describe());

        final int replaced = group.awaitLeader(-1, LEADER_TIMEOUT_MS);
        final CliTest.Run removed = groupCommand("remove", replaced);
        assertEquals(0, removed.exitCode(), "wodian group remove: " + removed.out() + "\n" + group.describe());
        group.kill(replaced);
        wipeKeepingCredentials(group.dataDir(replaced));
        final int ackedWithTwoVoters = pos.acknowledgedCount();
        assertTrue(pos.awaitAcknowledgedAbove(ackedWithTwoVoters + 200, FLOW_TIMEOUT_MS),
            "payments flow with two voters\n" + group.describe());

        awaitSnapshotsOnLiveNodes();
        group.start(replaced, List.of("--join"));
        final CliTest.Run added = groupCommand("add", replaced);
        assertEquals(0, added.exitCode(), "wodian group add: " + added.out() + "\n" + group.describe());
        final int ackedAfterAdd = pos.acknowledgedCount();
        assertTrue(pos.awaitAcknowledgedAbove(ackedAfterAdd + 200, FLOW_TIMEOUT_MS),
            "payments flow after the add\n" + group.describe());

        verifyAfterLoad();
        assertTrue(Files.readString(group.lastLog(replaced)).contains("snapshot installed at sequence"),
            "the wiped node was repaired by a snapshot install");
        final CliTest.Run status = CliTest.wodian("status", "--peers", group.clientAddresses(), "--credentials",
            secrets.toString(), "--no-hash");
        assertEquals(3, status.out().split("configuration: voters 0,1,2 learners - \\(committed\\)", -1).length - 1,
            "every node reports the whole group, committed:\n" + status.out());
    }

    private CliTest.Run groupCommand(final String action, final int node)
    {
        return CliTest.wodian("group", action, "--peers", group.clientAddresses(), "--node", Integer.toString(node),
            "--credentials", secrets.toString(), "--wait-ms", "120000");
    }

    private void setUpParties() throws Exception
    {
        try (WodianClient client = WodianClient.connect(PosLoad.clientConfig(group)))
        {
            requireOk(client, encoder.registerMerchant(buffer, 0, PosLoad.MERCHANT_ID, 0, 0, 0, 0, false));
            requireOk(client, encoder.registerTerminal(buffer, 0, PosLoad.TERMINAL_ID, PosLoad.MERCHANT_ID));
            for (long consumerId = 1; consumerId <= PosLoad.CONSUMERS; consumerId++)
            {
                requireOk(client, encoder.registerConsumer(buffer, 0, consumerId, PosLoad.MERCHANT_ID));
                requireOk(client, encoder.topUp(buffer, 0, consumerId, consumerId, PosLoad.TOP_UP_FEN));
            }
        }
    }

    /** Unanswered payments retried with their keys, then the wallets exact on every node at one state. */
    private void verifyAfterLoad() throws Exception
    {
        pos.stopAndDrain(CONVERGE_TIMEOUT_MS);
        final BitSet unacknowledged = pos.unacknowledged();
        try (WodianClient client = WodianClient.connect(PosLoad.clientConfig(group)))
        {
            for (int id = unacknowledged.nextSetBit(0); id >= 0; id = unacknowledged.nextSetBit(id + 1))
            {
                requireOk(client, encoder.pay(buffer, 0, PosLoad.MERCHANT_ID, PosLoad.TERMINAL_ID, id,
                    PosLoad.consumerOf(id), PosLoad.amountOf(id)));
            }
        }
        final long[] expectedFen = new long[PosLoad.CONSUMERS + 1];
        Arrays.fill(expectedFen, PosLoad.TOP_UP_FEN);
        final BitSet sent = pos.sent();
        for (int id = sent.nextSetBit(0); id >= 0; id = sent.nextSetBit(id + 1))
        {
            expectedFen[(int)PosLoad.consumerOf(id)] -= PosLoad.amountOf(id);
        }
        group.awaitSameState(CONVERGE_TIMEOUT_MS);
        for (int node = 0; node < ReplicaGroup.NODES; node++)
        {
            assertTrue(group.isAlive(node), "node " + node + " runs\n" + group.describe());
            assertWallets(node, expectedFen);
        }
        assertTrue(pos.sentCount() > 0 && pos.successRatio() >= 0.9999, pos.summary());
    }

    private void assertWallets(final int node, final long[] expectedFen) throws Exception
    {
        try (WodianClient client = WodianClient.connect("127.0.0.1", group.clientPort(node), group.admin()))
        {
            for (long consumerId = 1; consumerId <= PosLoad.CONSUMERS; consumerId++)
            {
                final BalanceReplyDecoder balance = new BalanceReplyDecoder().wrapAndApplyHeader(
                    new UnsafeBuffer(client.call(buffer, 0, encoder.balanceQuery(buffer, 0, consumerId),
                        CALL_TIMEOUT_MS)), 0, new MessageHeaderDecoder());
                assertEquals(expectedFen[(int)consumerId], balance.walletFen(), "wallet of consumer " + consumerId +
                    " on node " + node + ": every acknowledged payment once, none twice\n" + pos.summary());
            }
        }
    }

    /**
     * A command that must succeed; retried (same bytes, so same key) while a node answers NOT_PRIMARY or
     * PRIMARY_LOST, or no reply comes in time, as a client that follows the primary would.
     */
    private void requireOk(final WodianClient client, final int length) throws Exception
    {
        final byte[] message = new byte[length];
        buffer.getBytes(0, message);
        String last = "";
        for (int attempt = 0; attempt < 20; attempt++)
        {
            final byte[] reply;
            try
            {
                reply = client.call(new UnsafeBuffer(message), 0, length, CALL_TIMEOUT_MS);
            }
            catch (final TimeoutException ex)
            {
                last = "no reply in " + CALL_TIMEOUT_MS + " ms";
                continue;
            }
            final int code = PosLoad.resultCode(new UnsafeBuffer(reply), 0, reply.length);
            if (code == ResultCode.OK.value())
            {
                return;
            }
            last = MessageText.describe(new UnsafeBuffer(reply), 0, reply.length);
            if (code != ResultCode.NOT_PRIMARY.value() && code != ResultCode.PRIMARY_LOST.value())
            {
                break;
            }
            Thread.sleep(50);
        }
        fail(MessageText.describe(new UnsafeBuffer(message), 0, length) + " -> " + last);
    }

    /**
     * Waits (bounded) until every live node holds a valid snapshot, so that whichever leads sends the new node its
     * own (the learner may otherwise be caught up from the journal alone, which is correct but not what this tests).
     */
    private void awaitSnapshotsOnLiveNodes() throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(FLOW_TIMEOUT_MS);
        while (System.nanoTime() - deadlineNs < 0)
        {
            boolean all = true;
            for (int node = 0; node < ReplicaGroup.NODES; node++)
            {
                final Path snapshots = group.dataDir(node).resolve("snapshots");
                all &= !group.isAlive(node) || (Files.isDirectory(snapshots) &&
                    new SnapshotStore(snapshots, Integer.MAX_VALUE).list().stream()
                        .anyMatch(SnapshotStore.SnapshotInfo::isValid));
            }
            if (all)
            {
                return;
            }
            Thread.sleep(50);
        }
        fail("not every live node took a snapshot within " + FLOW_TIMEOUT_MS + " ms\n" + group.describe());
    }

    /** A wiped node: everything in its data folder goes but the credential file it needs to start. */
    private static void wipeKeepingCredentials(final Path dataDir) throws java.io.IOException
    {
        try (Stream<Path> entries = Files.list(dataDir))
        {
            for (final Path entry : entries.toList())
            {
                if (entry.getFileName().toString().equals(GatewayConfig.Configuration.CREDENTIALS_FILE_NAME_DEFAULT))
                {
                    continue;
                }
                try (Stream<Path> tree = Files.walk(entry))
                {
                    for (final Path path : tree.sorted(Comparator.reverseOrder()).toList())
                    {
                        Files.delete(path);
                    }
                }
            }
        }
    }
}
