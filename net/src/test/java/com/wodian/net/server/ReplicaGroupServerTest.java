package com.wodian.net.server;

import com.wodian.journal.SnapshotDescriptor;
import com.wodian.journal.consensus.AckPolicy;
import com.wodian.journal.consensus.Membership;
import com.wodian.net.client.ClientConfig;
import com.wodian.net.client.WodianClient;
import com.wodian.net.cluster.ClusterView;
import com.wodian.net.cluster.stage.ReplicationStage;
import com.wodian.net.durability.SnapshotAgent;
import com.wodian.net.durability.SnapshotConfig;
import com.wodian.net.metrics.ServerCounters;
import com.wodian.net.testing.TestPorts;
import com.wodian.net.testing.group.GroupMembers;
import com.wodian.protocol.CommandEncoder;
import com.wodian.protocol.sbe.ClusterAction;
import com.wodian.protocol.sbe.ClusterControlReplyDecoder;
import com.wodian.protocol.sbe.ClusterStatusReplyDecoder;
import com.wodian.protocol.sbe.GroupAckPolicy;
import com.wodian.protocol.sbe.GroupRole;
import com.wodian.protocol.sbe.MessageHeaderDecoder;
import com.wodian.protocol.sbe.ResultCode;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.StandardOpenOption;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * A replica group of three servers in this JVM on loopback: one primary elected, standbys applying the same entries
 * (same state hash at the same index), commands to a standby answered NOT_PRIMARY and followed by the client, the
 * primary stopped and replaced with no acknowledged payment lost or applied twice, the old primary back as a standby,
 * and a planned switchover. Real-process kill -9 and link faults: tools' ReplicationFaultTest.
 */
// A backstop for each test, not a schedule: every wait inside is polled with its own 30-s deadline (two membership
// waits 120 s), and a test has up to a dozen of them, each client call another 30 s; the per-test limits of 120-240 s
// were below those sums (rev R31), so a starved runner that needed half of each wait failed on the JUnit timeout,
// without the nodes' state. A real hang is still caught here, and by Surefire's fork timeout.
@Timeout(value = 600, unit = TimeUnit.SECONDS)
class ReplicaGroupServerTest
{
    private static final int NODES = 3;

    @TempDir
    Path dir;

    private final WodianServer[] servers = new WodianServer[NODES];
    /** Nodes started as ServerMain starts them: restarting in this JVM after a snapshot install. */
    private final RestartingServer[] restartingServers = new RestartingServer[NODES];
    private final InetSocketAddress[] replicationAddresses = new InetSocketAddress[NODES];
    /** Client ports, kept across a node's restart: the client's node list names them. */
    private final int[] clientPorts = new int[NODES];
    private final CommandEncoder encoder = new CommandEncoder();
    private AckPolicy policy = AckPolicy.QUORUM;
    /** The nodes' election and heartbeat timings (a test that must not see an election sets longer ones). */
    private com.wodian.journal.consensus.ConsensusConfig consensus = GroupMembers.TEST_CONSENSUS;
    /** A node's own address book (its peers reached through a proxy); null: {@link #replicationAddresses}. */
    private final InetSocketAddress[][] addressBooks = new InetSocketAddress[NODES][];
    /** Nodes started with --join (an empty data directory that takes part once added). */
    private final boolean[] joining = new boolean[NODES];
    /** A snapshot every this many inputs on every node (0: the default interval). */
    private long snapshotEveryInputs;
    /** When above 0, every node's wall clock (entry stamps) stands still at this time. */
    private long wallClockMs;
    /** When set, every node serves its metrics endpoint (/health/ready) on an ephemeral port. */
    private boolean metricsEndpoints;
    /** When set, the nodes' links run mutual TLS with certificates of this CA (docs/replication.md). */
    private com.wodian.net.tls.TestPki pki;

    @AfterEach
    void stopAll()
    {
        for (final RestartingServer server : restartingServers)
        {
            if (null != server)
            {
                server.close();
            }
        }
        for (final WodianServer server : servers)
        {
            if (null != server)
            {
                server.close();
            }
        }
    }

    /**
     * ops2 review 2: the replication timers ran on the wall clock, so a step of it (NTP, a VM resumed) deposed the
     * primary. They run on a monotonic clock now: with every node's wall clock standing still, a primary is still
     * elected and commands are still acknowledged (before, no election timeout ever ran out: no primary).
     */
    @Test
    void theGroupElectsAndCommitsWhileTheWallClockStandsStill() throws Exception
    {
        wallClockMs = 1_800_000_000_000L;
        startGroup();
        awaitPrimary(-1);
        try (WodianClient client = groupClient())
        {
            final ServerTestSupport.Requests requests = new ServerTestSupport.Requests(client);
            requests.setUpParties();
            payAll(requests, 1_000, 5, 7);
        }
    }

    @Test
    void primaryLossLosesNoAcknowledgedPaymentAndTheGroupConverges() throws Exception
    {
        startGroup();
        final int first = awaitPrimary(-1);

        long paidFen = 0;
        try (WodianClient client = groupClient())
        {
            final ServerTestSupport.Requests requests = new ServerTestSupport.Requests(client);
            requests.setUpParties();
            paidFen += payAll(requests, 1_000, 100, 7);
            awaitConverged();

            // The primary goes away: a standby takes over and the client follows it, re-sending what was in flight.
            servers[first].close();
            servers[first] = null;
            final int second = awaitPrimary(first);
            assertNotEquals(first, second);
            paidFen += payAll(requests, 2_000, 100, 3);
            // Retrying an acknowledged payment is answered from the idempotency table, not applied again.
            assertEquals(ResultCode.OK, requests.pay(1_000, 7).code());

            // The old primary comes back on its data and rejoins as a standby.
            start(first);
            awaitConverged();
            // Rejoined: polled, since a restarted node may be a candidate until the primary's next append reaches it
            // (and may even lead by now, if the primary stalled past an election timeout on a starved machine).
            awaitTrue(() -> GroupRole.FOLLOWER.value() == roleQuietly(first) || isPrimary(first),
                "node " + first + " a standby again");
            assertEquals(100_000 - paidFen, requests.balance(ServerTestSupport.CONSUMER_ID).walletFen());

            // Planned switchover back to the first node.
            switchOverTo(first);
            paidFen += payAll(requests, 3_000, 20, 1);
            awaitConverged();
            assertEquals(100_000 - paidFen, requests.balance(ServerTestSupport.CONSUMER_ID).walletFen());
        }
    }

    @Test
    void primaryLossWithMutualTlsBetweenNodes() throws Exception
    {
        pki = com.wodian.net.tls.TestPki.create(java.nio.file.Files.createDirectories(dir.resolve("pki")));
        primaryLossLosesNoAcknowledgedPaymentAndTheGroupConverges();
    }

    /**
     * ops-review finding 4: a standby restarted under a healthy primary rejoins without an election. The other nodes
     * reach node 2 through a proxy, which refuses their dials for three of its election timeouts after its restart,
     * as a redial back-off and a slow handshake delay them: without Pre-Vote node 2 stands in a higher term meanwhile,
     * and its first answer to the primary makes the primary step down. The cut lasts until two of node 2's election
     * timeouts ran out (its pre-vote rounds: polled, not slept). Asserted: node 2 stood for no term during the cut
     * (its elections counter, read once just before the cut heals: such a stand is the higher term that deposes the
     * primary), and once caught up it follows the node that leads in the term node 2 reports (or leads itself).
     * Nothing after the heal depends on the absence of an election (rev R1, flake review item 3: a stall of the whole
     * JVM of over 2 s lets a correct group hold one, node 2 included); on a machine without stalls the primary and
     * the term stay as they were, and that is reported. Election timeouts of 2-4 s (check quorum: 2 s).
     */
    @Test
    void aRestartedStandbyRejoinsWithoutDeposingThePrimary() throws Exception
    {
        consensus = new com.wodian.journal.consensus.ConsensusConfig(2_000, 4_000, 50, 256);
        final int restarted = 2;
        System.arraycopy(GroupMembers.replicationAddresses(NODES), 0, replicationAddresses, 0, NODES);
        try (com.wodian.net.testing.group.TcpFaultProxy toRestarted =
            new com.wodian.net.testing.group.TcpFaultProxy("to" + restarted, replicationAddresses[restarted]))
        {
            for (int i = 0; i < NODES; i++)
            {
                if (i != restarted)
                {
                    addressBooks[i] = replicationAddresses.clone();
                    addressBooks[i][restarted] = new InetSocketAddress("127.0.0.1", toRestarted.port());
                }
            }
            final int[] ports = TestPorts.reserve(NODES);
            for (int i = 0; i < NODES; i++)
            {
                clientPorts[i] = ports[i];
                start(i);
            }
            // One more election right after a switchover (starved cores: CI on 8b0e5478 saw the role move on within
            // a second of a hand-over) may give the role back to the node to restart: ask again, bounded (rev R47).
            final long switchedDeadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (awaitPrimary(-1) == restarted && System.nanoTime() - switchedDeadlineNs < 0)
            {
                switchOverTo(0);
            }
            final int primary = awaitPrimary(restarted);
            try (WodianClient client = groupClient())
            {
                final ServerTestSupport.Requests requests = new ServerTestSupport.Requests(client);
                requests.setUpParties();
                payAll(requests, 1_000, 20, 1);
                awaitConverged();
                final long term = status(primary).term();

                toRestarted.cut();
                servers[restarted].close();
                servers[restarted] = null;
                start(restarted);
                // Two of node 2's election timeouts ran out: each starts a pre-vote round (or, without Pre-Vote, a
                // stand for a term).
                awaitTrue(() -> counter(restarted, ServerCounters.Scalar.PRE_VOTE_ROUNDS) +
                    counter(restarted, ServerCounters.Scalar.ELECTIONS) >= 2, "two election timeouts of node " +
                    restarted + " while the others cannot reach it");
                // Read before the heal: no pre-vote reply can reach node 2 during the cut (each direction of a link
                // is its own connection, the others' go through the proxy), so with Pre-Vote it never stands here,
                // however the threads are scheduled; without it, it stood at each timeout awaited above.
                final long stoodDuringCut = counter(restarted, ServerCounters.Scalar.ELECTIONS);
                assertEquals(0, stoodDuringCut, "node " + restarted + " stood for a term while cut off (pre-vote " +
                    "rounds " + counter(restarted, ServerCounters.Scalar.PRE_VOTE_ROUNDS) + "): the primary it " +
                    "reaches once the cut heals steps down");
                toRestarted.pass();
                payAll(requests, 2_000, 20, 1);
                awaitConverged();

                final long[] followed = new long[2];
                awaitTrue(() -> followsTheLeaderOfItsTerm(restarted, followed), "node " + restarted + " follows " +
                    "the node that leads in the term it reports (last read: leader " + followed[0] + ", term " +
                    followed[1] + ")");
                final int primaryNow = (int)followed[0];
                // The same counter of a node that led is not 0 (it stood to lead): the read above counts stands.
                awaitTrue(() -> counter(primaryNow, ServerCounters.Scalar.ELECTIONS) > 0, "elections of the primary");
                System.out.println("aRestartedStandbyRejoinsWithoutDeposingThePrimary: primary " + primary + " term " +
                    term + " before, " + primaryNow + " term " + followed[1] + " after (another node's election " +
                    "moves them only after a stall of the whole JVM)");
            }
        }
    }

    @Test
    void allPolicyDropsADeadStandbyFromTheAcknowledgementSetInsteadOfStalling() throws Exception
    {
        policy = AckPolicy.ALL;
        startGroup();
        final int primary = awaitPrimary(-1);
        final int standby = (primary + 1) % NODES;
        try (WodianClient client = groupClient())
        {
            final ServerTestSupport.Requests requests = new ServerTestSupport.Requests(client);
            requests.setUpParties();
            assertEquals(ResultCode.OK, requests.pay(1, 5).code());
            awaitConverged();

            servers[standby].close();
            servers[standby] = null;
            // Acknowledged once the silent standby leaves the set (1 s), not never.
            assertEquals(ResultCode.OK, requests.pay(2, 5).code());
            // Asked of whoever leads now: on a starved machine leadership may move to the other standby, whose
            // set also drops the silent node after its timeout.
            awaitTrue(() -> reportsOutOfQuorum(awaitPrimaryQuietly(standby), standby),
                "the primary reports the dead standby out of the acknowledgement set");

            start(standby);
            awaitConverged();
            assertEquals(100_000 - 10, requests.balance(ServerTestSupport.CONSUMER_ID).walletFen());
        }
    }

    /**
     * The {@code local} acknowledgement policy with real nodes (tests-review item 27; the simulation covers its
     * failovers): the primary reports the policy, payments are acknowledged with a standby down and with it back,
     * and the group converges to one state hash with the exact balance. (Both standbys down cannot be asserted: check
     * quorum steps the primary down within the minimum election timeout, whatever the policy.)
     */
    @Test
    void localPolicyAcknowledgesAndTheGroupConverges() throws Exception
    {
        policy = AckPolicy.LOCAL;
        // Under `local` a payment is acknowledged before any standby holds it: an election won by a standby (a
        // primary starved past a 300-ms election timeout on a loaded machine) truncates those acknowledged entries,
        // as docs/replication.md says it may. That loss is the policy's price, not this test's subject, and it made
        // the exact balance below depend on scheduling; elections here wait for seconds of silence.
        consensus = new com.wodian.journal.consensus.ConsensusConfig(5_000, 10_000, 50, 256);
        startGroup();
        final int primary = awaitPrimary(-1);
        assertEquals(GroupAckPolicy.LOCAL, status(primary).ackPolicy());
        long paidFen = 0;
        try (WodianClient client = groupClient())
        {
            final ServerTestSupport.Requests requests = new ServerTestSupport.Requests(client);
            requests.setUpParties();
            paidFen += payAll(requests, 1_000, 50, 3);
            // Every node holds every entry, and the node stopped is one that does not lead now: nothing
            // acknowledged goes with it, whoever leads.
            awaitConverged();
            final int standby = (awaitPrimary(-1) + 1) % NODES;
            servers[standby].close();
            servers[standby] = null;
            paidFen += payAll(requests, 2_000, 50, 2);
            start(standby);
            awaitConverged();
            assertEquals(100_000 - paidFen, requests.balance(ServerTestSupport.CONSUMER_ID).walletFen());
            assertEquals(ResultCode.OK, requests.pay(1_000, 3).code()); // a retry is not applied again
            assertEquals(100_000 - paidFen, requests.balance(ServerTestSupport.CONSUMER_ID).walletFen());
        }
    }

    /**
     * A standby whose term store is lost (deleted, or a partial restore) while its journal holds entries of the
     * group's terms has forgotten its votes: its restart is refused, naming the way back (docs/replication.md).
     */
    @Test
    void aStandbyWhoseTermStoreIsLostIsRefusedAtStart() throws Exception
    {
        startGroup();
        final int standby = (awaitPrimary(-1) + 1) % NODES;
        try (WodianClient client = groupClient())
        {
            final ServerTestSupport.Requests requests = new ServerTestSupport.Requests(client);
            requests.setUpParties();
            payAll(requests, 1_000, 10, 1);
            awaitConverged();
        }
        servers[standby].close();
        servers[standby] = null;
        java.nio.file.Files.delete(dir.resolve("node" + standby).resolve(WodianServer.TERM_STORE_FILE_NAME));
        final Exception refused = org.junit.jupiter.api.Assertions.assertThrows(Exception.class, () -> start(standby));
        String messages = "";
        for (Throwable cause = refused; null != cause; cause = cause.getCause())
        {
            messages += cause.getMessage() + " / ";
        }
        assertTrue(messages.contains("but the term store is at term 0") &&
            messages.contains("wodian group remove --node " + standby), messages);
    }

    /**
     * {@code /health/ready} in a replica group (docs/observability.md): a standby left alone (both other nodes
     * stopped) hears no primary and answers 503, and once the group is back and converged it answers 200 again (as a
     * standby close behind its primary, or as the primary). Load balancers and orchestrators act on the 503.
     */
    @Test
    void aStandbyThatHearsNoPrimaryIsNotReadyAndIsReadyAgainOnceTheGroupIsBack() throws Exception
    {
        metricsEndpoints = true;
        startGroup();
        final int primary = awaitPrimary(-1);
        final int standby = (primary + 1) % NODES;
        try (WodianClient client = groupClient())
        {
            new ServerTestSupport.Requests(client).setUpParties();
        }
        awaitConverged();
        awaitTrue(() -> 200 == readyStatus(standby), "node " + standby + " ready (200) behind its primary");
        // Members of the configuration, not addresses (ops review 6): the alert compares peers_connected with it.
        awaitTrue(() -> java.util.regex.Pattern.compile("(?m)^wodian_replication_members 3(\\.0)?$").matcher(
            metricsText(primary)).find(), "node " + primary + " exports wodian_replication_members 3");

        for (int i = 0; i < NODES; i++)
        {
            if (i != standby)
            {
                servers[i].close();
                servers[i] = null;
            }
        }
        awaitTrue(() -> 503 == readyStatus(standby), "node " + standby + " alone: not ready (503)");

        for (int i = 0; i < NODES; i++)
        {
            if (i != standby)
            {
                start(i);
            }
        }
        awaitConverged();
        awaitTrue(() -> 200 == readyStatus(standby), "node " + standby + " ready (200) again with the group back");
    }

    /** The node's /metrics text, or "" when it does not answer. */
    private String metricsText(final int nodeId)
    {
        try (java.io.InputStream in = new java.net.URL("http://" + ServerTestSupport.HOST + ":" +
            servers[nodeId].metricsPort() + "/metrics").openStream())
        {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            return "";
        }
    }

    /** The node's /health/ready status code, or -1 when it does not answer. */
    private int readyStatus(final int nodeId)
    {
        try
        {
            final java.net.HttpURLConnection connection = (java.net.HttpURLConnection)new java.net.URL("http://" +
                ServerTestSupport.HOST + ":" + servers[nodeId].metricsPort() +
                com.wodian.net.metrics.MetricsHttpServer.READY_PATH).openConnection();
            connection.setConnectTimeout((int)ServerTestSupport.TIMEOUT_MS);
            connection.setReadTimeout((int)ServerTestSupport.TIMEOUT_MS);
            try
            {
                return connection.getResponseCode();
            }
            finally
            {
                connection.disconnect();
            }
        }
        catch (final IOException ex)
        {
            return -1;
        }
    }

    /**
     * Snapshots are on by default in a group and taken by every node's snapshotter at committed sequences; a
     * restarted standby and a restarted primary both start from a snapshot (not the whole journal) and converge to
     * the same state hash with no acknowledged payment lost or applied twice.
     */
    @Test
    void nodesTakeSnapshotsAndRestartFromThem() throws Exception
    {
        snapshotEveryInputs = 50;
        startGroup();
        final int primary = awaitPrimary(-1);
        long paidFen = 0;
        try (WodianClient client = groupClient())
        {
            final ServerTestSupport.Requests requests = new ServerTestSupport.Requests(client);
            requests.setUpParties();
            paidFen += payAll(requests, 1_000, 150, 5);
            awaitConverged();
            for (int i = 0; i < NODES; i++)
            {
                final WodianServer server = servers[i];
                assertTrue(server.config().snapshotConfig().isEnabledFor(true));
                awaitTrue(() -> null != server.snapshotAgent() && server.snapshotAgent().snapshotCount() > 0,
                    "node " + i + " took a snapshot");
                assertTrue(server.snapshotAgent().lastSnapshot().journalSequence() <= status(i).appliedIndex(),
                    "a snapshot is at a committed and applied sequence");
            }

            // A standby, then the primary, restart from their newest snapshot plus the tail.
            final int standby = (primary + 1) % NODES;
            for (final int node : new int[] {standby, primary})
            {
                servers[node].close();
                servers[node] = null;
                paidFen += payAll(requests, (node + 1) * 10_000, 20, 1);
                start(node);
                assertTrue(null != servers[node].recovery().snapshot(), "node " + node + " started from a snapshot");
                awaitConverged();
            }
            assertEquals(100_000 - paidFen, requests.balance(ServerTestSupport.CONSUMER_ID).walletFen());
            assertEquals(ResultCode.OK, requests.pay(1_000, 5).code()); // a retry is not applied again
            assertEquals(100_000 - paidFen, requests.balance(ServerTestSupport.CONSUMER_ID).walletFen());
        }
    }

    /**
     * Snapshot install (docs/replication.md): a standby whose data directory is wiped rejoins far behind the primary's
     * newest snapshot (more than -Dwodian.replication.installBehindEntries, set low here), is sent the snapshot in
     * chunks, installs it, restarts its pipeline on it in the same process, and catches up from the journal. Outcomes
     * only: it restarted from the snapshot, every node reaches one state hash, the balance is exact, a retry is not
     * applied twice. Restarted without leaving the group and without --join (docs/replication.md says not to), it
     * names a new incarnation: the peers say they take no votes from it (its votes are forgotten ones).
     */
    @Test
    void aWipedStandbyIsRepairedByASnapshotInstall() throws Exception
    {
        snapshotEveryInputs = 50;
        System.setProperty(ReplicationStage.INSTALL_BEHIND_ENTRIES_PROPERTY, "20");
        final java.util.logging.Logger transportLog =
            java.util.logging.Logger.getLogger("com.wodian.net.cluster.transport.InboundConnections");
        final java.util.List<String> warnings = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        final java.util.logging.Handler capture = new java.util.logging.Handler()
        {
            @Override
            public void publish(final java.util.logging.LogRecord record)
            {
                warnings.add(record.getMessage());
            }

            @Override
            public void flush()
            {
            }

            @Override
            public void close()
            {
            }
        };
        transportLog.addHandler(capture);
        try
        {
            startRestartableGroup();
            final int primary = awaitPrimary(-1);
            final int standby = (primary + 1) % NODES;
            long paidFen = 0;
            try (WodianClient client = groupClient())
            {
                final ServerTestSupport.Requests requests = new ServerTestSupport.Requests(client);
                requests.setUpParties();
                paidFen += payAll(requests, 1_000, 150, 5);
                awaitConverged();
                stopAndWipe(standby);
                paidFen += payAll(requests, 5_000, 60, 1);
                final int snapshotting = primary;
                refreshServers();
                awaitTrue(() -> null != servers[snapshotting] && null != servers[snapshotting].snapshotAgent() &&
                    servers[snapshotting].snapshotAgent().snapshotCount() > 0, "the primary took a snapshot");

                startRestartable(standby);
                awaitTrue(() -> restartingServers[standby].restarts() >= 1,
                    "the wiped standby restarted on a snapshot");
                awaitConverged();
                final WodianServer repaired = restartingServers[standby].current();
                assertTrue(null != repaired.recovery().snapshot(), "it recovered from the installed snapshot");
                assertTrue(repaired.recovery().snapshot().journalSequence() > 20);
                paidFen += payAll(requests, 7_000, 10, 1);
                awaitConverged();
                assertEquals(100_000 - paidFen, requests.balance(ServerTestSupport.CONSUMER_ID).walletFen());
                assertEquals(ResultCode.OK, requests.pay(1_000, 5).code()); // a retry is not applied again
                assertEquals(100_000 - paidFen, requests.balance(ServerTestSupport.CONSUMER_ID).walletFen());
                awaitTrue(() -> warnings.stream().anyMatch(line -> line.contains("takes no votes") &&
                    line.contains("node " + standby + " came back with another data directory")),
                    "the peers say they take no votes from the wiped standby: " + warnings);
            }
        }
        finally
        {
            transportLog.removeHandler(capture);
            System.clearProperty(ReplicationStage.INSTALL_BEHIND_ENTRIES_PROPERTY);
        }
    }

    /**
     * A snapshot damaged on disk after it was written (bit rot, a torn copy) is not sent to a wiped standby again and
     * again: the standby refuses it whole, the primary checks its own file, finds it damaged, and sends its older
     * snapshot instead; the standby installs that one and catches up.
     */
    @Test
    void aDamagedSnapshotOnThePrimaryIsReplacedByAnOlderOneForTheInstall() throws Exception
    {
        snapshotEveryInputs = 50;
        // No election wanted here (no node leading stops): an election's no-op entry after the snapshots settled
        // could complete the next 50 inputs, and a newer, sound snapshot would be sent instead of the older one
        // (a primary starved past a 300-ms timeout on a loaded machine made that depend on scheduling).
        consensus = new com.wodian.journal.consensus.ConsensusConfig(5_000, 10_000, 50, 256);
        System.setProperty(ReplicationStage.INSTALL_BEHIND_ENTRIES_PROPERTY, "20");
        try
        {
            startRestartableGroup();
            final int primary = awaitPrimary(-1);
            final int standby = (primary + 1) % NODES;
            long paidFen = 0;
            try (WodianClient client = groupClient())
            {
                final ServerTestSupport.Requests requests = new ServerTestSupport.Requests(client);
                requests.setUpParties();
                paidFen += payAll(requests, 1_000, 5, 5);
                awaitConverged();
                // Wiped before the snapshots are taken: the primary's older snapshot is past every entry the
                // standby acknowledged before (a wiped voter cannot be sent less than that; see docs/replication.md).
                stopAndWipe(standby);
                paidFen += payAll(requests, 5_000, 210, 1);
                // Every live node's newest snapshot is damaged: whichever is primary when the standby comes back
                // has only its older one to send.
                long damagedIndex = Long.MAX_VALUE;
                for (int node = 0; node < NODES; node++)
                {
                    if (node != standby)
                    {
                        final long newest = awaitSnapshotsSettled(node);
                        flipPayloadByte(dir.resolve("node" + node).resolve(SnapshotConfig.SNAPSHOT_DIR_NAME)
                            .resolve(SnapshotDescriptor.fileName(newest)));
                        damagedIndex = Math.min(damagedIndex, newest);
                    }
                }

                startRestartable(standby);
                awaitTrue(() -> restartingServers[standby].restarts() >= 1,
                    "the wiped standby restarted on a snapshot");
                awaitConverged();
                final long installedIndex =
                    restartingServers[standby].current().recovery().snapshot().journalSequence();
                assertTrue(installedIndex > 20 && installedIndex < damagedIndex,
                    "installed " + installedIndex + ", the damaged one is " + damagedIndex);
                paidFen += payAll(requests, 7_000, 10, 1);
                awaitConverged();
                assertEquals(100_000 - paidFen, requests.balance(ServerTestSupport.CONSUMER_ID).walletFen());
            }
        }
        finally
        {
            System.clearProperty(ReplicationStage.INSTALL_BEHIND_ENTRIES_PROPERTY);
        }
    }

    /**
     * @return the index of a node's newest snapshot once its snapshotter has applied everything the node has and
     * holds at least two snapshots (no input arrives meanwhile, so no newer one is taken).
     */
    private long awaitSnapshotsSettled(final int node) throws Exception
    {
        refreshServers();
        final SnapshotAgent agent = servers[node].snapshotAgent();
        awaitTrue(() ->
        {
            try
            {
                return agent.snapshotCount() >= 2 && null != agent.lastSnapshot() &&
                    agent.appliedSequence() == status(node).appliedIndex() &&
                    agent.appliedSequence() - agent.lastSnapshot().journalSequence() < snapshotEveryInputs;
            }
            catch (final Exception ex)
            {
                return false;
            }
        }, "node " + node + "'s snapshots settled");
        return agent.lastSnapshot().journalSequence();
    }

    private static void flipPayloadByte(final Path snapshotFile) throws IOException
    {
        try (FileChannel channel = FileChannel.open(snapshotFile, StandardOpenOption.READ, StandardOpenOption.WRITE))
        {
            final long position = SnapshotDescriptor.HEADER_LENGTH + (channel.size() - SnapshotDescriptor.HEADER_LENGTH) / 2;
            final ByteBuffer one = ByteBuffer.allocate(1);
            channel.read(one, position);
            one.put(0, (byte)(one.get(0) ^ 0x5A)).rewind();
            channel.write(one, position);
            channel.force(true);
        }
    }

    /**
     * Replacing a node the way docs/replication.md says: remove it, wipe it, start it empty with --join, add it. It
     * neither votes nor stands until added; it joins as a learner, is repaired by a snapshot install, catches up and
     * becomes a voter; nothing acknowledged is lost or applied twice, and every node ends at one state hash.
     */
    @Test
    void aNodeIsReplacedThroughTheMembershipPath() throws Exception
    {
        snapshotEveryInputs = 50;
        System.setProperty(ReplicationStage.INSTALL_BEHIND_ENTRIES_PROPERTY, "20");
        try
        {
            startRestartableGroup();
            final int replaced = (awaitPrimary(-1) + 1) % NODES;
            long paidFen = 0;
            try (WodianClient client = groupClient())
            {
                final ServerTestSupport.Requests requests = new ServerTestSupport.Requests(client);
                requests.setUpParties();
                paidFen += payAll(requests, 1_000, 100, 5);
                changeMembership(ClusterAction.REMOVE_MEMBER, replaced);
                awaitConfiguration(Membership.without(Membership.allVoters(NODES), replaced),
                    ClusterAction.REMOVE_MEMBER, replaced);
                stopAndWipe(replaced);
                paidFen += payAll(requests, 5_000, 60, 1); // two voters: both needed
                // Every node holds a snapshot: whichever leads sends the empty node its own.
                awaitTrue(() -> allLiveNodesHoldASnapshot(), "every live node took a snapshot");
                joining[replaced] = true;
                startRestartable(replaced);
                final ClusterStatusReplyDecoder joined = status(replaced);
                assertEquals(0, joined.membershipFlags() & ClusterView.MAY_VOTE, "a joining node may not vote");
                changeMembership(ClusterAction.ADD_MEMBER, replaced);
                awaitConfiguration(Membership.allVoters(NODES), ClusterAction.ADD_MEMBER, replaced);
                awaitTrue(() -> restartingServers[replaced].restarts() >= 1, "the new node restarted on a snapshot");
                paidFen += payAll(requests, 7_000, 10, 1);
                awaitConverged();
                final ClusterStatusReplyDecoder member = status(replaced);
                assertEquals(Membership.allVoters(NODES), member.configuration());
                assertEquals(ClusterView.MAY_VOTE, member.membershipFlags() & ClusterView.MAY_VOTE);
                assertEquals(100_000 - paidFen, requests.balance(ServerTestSupport.CONSUMER_ID).walletFen());
                assertEquals(ResultCode.OK, requests.pay(1_000, 5).code()); // a retry is not applied again
                assertEquals(100_000 - paidFen, requests.balance(ServerTestSupport.CONSUMER_ID).walletFen());
            }
        }
        finally
        {
            System.clearProperty(ReplicationStage.INSTALL_BEHIND_ENTRIES_PROPERTY);
        }
    }

    private boolean allLiveNodesHoldASnapshot()
    {
        refreshServers();
        for (final WodianServer server : servers)
        {
            if (null != server && (null == server.snapshotAgent() || server.snapshotAgent().snapshotCount() == 0))
            {
                return false;
            }
        }
        return true;
    }

    /** Asks whichever node is primary for the change until one takes it (or says it is done already). */
    private void changeMembership(final ClusterAction action, final int target) throws Exception
    {
        awaitTrue(() ->
        {
            try
            {
                final ResultCode code = control(awaitPrimaryQuietly(-1), action, target).code();
                return code == ResultCode.OK || code == ResultCode.MEMBERSHIP_UNCHANGED;
            }
            catch (final Exception ex)
            {
                return false; // no primary at that moment, or it moved: ask again
            }
        }, "a primary takes membership change " + action + " of node " + target);
    }

    /**
     * The primary reports {@code configuration}, committed. A primary that took the change may lose its leadership
     * before the entry commits and take the change with it (under load an election can come at any time), so while
     * a primary shows another configuration, committed, the change is asked for again every 2 s, as `wodian group`
     * does; asking is idempotent (UNCHANGED once done, PENDING while a change is under way).
     */
    private void awaitConfiguration(final long configuration, final ClusterAction action, final int target)
        throws Exception
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        long askedNs = System.nanoTime();
        while (System.nanoTime() - deadlineNs < 0)
        {
            refreshServers();
            for (int i = 0; i < NODES; i++)
            {
                if (isPrimary(i))
                {
                    final ClusterStatusReplyDecoder status = status(i);
                    final boolean committed = (status.membershipFlags() & ClusterView.CONFIGURATION_COMMITTED) != 0;
                    if (committed && status.configuration() == configuration)
                    {
                        return;
                    }
                    if (committed && System.nanoTime() - askedNs > TimeUnit.SECONDS.toNanos(2))
                    {
                        askAgain(i, action, target);
                        askedNs = System.nanoTime();
                    }
                }
            }
            Thread.sleep(20);
        }
        fail("the primary never reported " + Membership.describe(configuration) + ", committed");
    }

    private void askAgain(final int node, final ClusterAction action, final int target)
    {
        try
        {
            control(node, action, target);
        }
        catch (final Exception ex)
        {
            // the node stopped leading or is restarting: the next round asks whoever leads then
        }
    }

    /**
     * Every node started on fresh replication and client ports, the client ports below the kernel's ephemeral range:
     * a restarted node binds its port again, which an outbound connection may hold as its local port if the kernel
     * chose it.
     */
    private void startGroup() throws IOException
    {
        System.arraycopy(GroupMembers.replicationAddresses(NODES), 0, replicationAddresses, 0, NODES);
        final int[] ports = TestPorts.reserve(NODES);
        for (int i = 0; i < NODES; i++)
        {
            clientPorts[i] = ports[i];
            start(i);
        }
    }

    /**
     * Every node restartable, on fixed client ports: with installs 20 entries behind, any standby that lags during a
     * probe may be sent a snapshot and restart on it, not only the wiped one.
     */
    private void startRestartableGroup() throws IOException
    {
        System.arraycopy(GroupMembers.replicationAddresses(NODES), 0, replicationAddresses, 0, NODES);
        final int[] ports = TestPorts.reserve(NODES);
        for (int i = 0; i < NODES; i++)
        {
            clientPorts[i] = ports[i];
            startRestartable(i);
        }
    }

    /** count payments of amountFen with ids from firstId, each acknowledged OK; the fen paid. */
    private static long payAll(final ServerTestSupport.Requests requests, final long firstId, final int count,
        final long amountFen) throws Exception
    {
        for (int i = 0; i < count; i++)
        {
            assertEquals(ResultCode.OK, requests.pay(firstId + i, amountFen).code(), "payment " + (firstId + i));
        }
        return count * amountFen;
    }

    private void startRestartable(final int nodeId) throws IOException
    {
        restartingServers[nodeId] = RestartingServer.launch(nodeConfig(nodeId), (ex) -> { });
        servers[nodeId] = restartingServers[nodeId].current();
    }

    /** The servers of restartable nodes after a restart (null while one restarts). */
    private void refreshServers()
    {
        for (int i = 0; i < NODES; i++)
        {
            if (null != restartingServers[i])
            {
                servers[i] = restartingServers[i].current();
            }
        }
    }

    /** Stops a restartable node and deletes its whole data directory, as an operator wiping a failed node would. */
    private void stopAndWipe(final int node) throws IOException
    {
        restartingServers[node].close();
        restartingServers[node] = null;
        servers[node] = null;
        deleteRecursively(dir.resolve("node" + node));
    }

    private static void deleteRecursively(final Path root) throws IOException
    {
        try (java.util.stream.Stream<Path> paths = java.nio.file.Files.walk(root))
        {
            for (final Path path : paths.sorted(java.util.Comparator.reverseOrder()).toList())
            {
                java.nio.file.Files.delete(path);
            }
        }
    }

    private void start(final int nodeId) throws IOException
    {
        servers[nodeId] = WodianServer.launch(nodeConfig(nodeId));
        clientPorts[nodeId] = servers[nodeId].port();
    }

    private ServerConfig nodeConfig(final int nodeId) throws IOException
    {
        final ServerConfig config = ServerTestSupport.config(dir.resolve("node" + nodeId), ThreadingMode.COMPACT)
            .port(clientPorts[nodeId])
            .tickIntervalMs(3_600_000)
            .replicaGroup(new com.wodian.net.cluster.ReplicaGroupConfig("test", nodeId,
                null == addressBooks[nodeId] ? replicationAddresses : addressBooks[nodeId], policy,
                consensus, com.wodian.net.cluster.ReplicaGroupConfig.LAGGING_ENTRIES_MAX_DEFAULT,
                com.wodian.net.cluster.ReplicaGroupConfig.SILENT_MS_MAX_DEFAULT).withJoining(joining[nodeId]))
            .insecure(true); // clear-text replication on loopback (security review B11)
        if (metricsEndpoints)
        {
            config.metricsPort(0);
        }
        if (wallClockMs > 0)
        {
            final long frozenMs = wallClockMs;
            config.epochClock(() -> frozenMs);
        }
        if (snapshotEveryInputs > 0)
        {
            config.snapshotConfig(new SnapshotConfig().intervalInputs(snapshotEveryInputs).retainCount(2));
        }
        if (null != pki)
        {
            try
            {
                config.replicationTls(pki.issue("node:" + nodeId));
            }
            catch (final Exception ex)
            {
                throw new IOException(ex);
            }
        }
        return config;
    }

    private WodianClient groupClient() throws IOException
    {
        // Limits above the 30-s floor of every wait here (a failover, a logon on a starved machine), not the
        // production client's 5-s logon and 30-s give-up.
        final ClientConfig config = new ClientConfig().credentials(ServerTestSupport.ADMIN).reconnect(true)
            .reconnectBackoffInitialMs(10).reconnectBackoffMaxMs(100)
            .reconnectGiveUpMs(2 * ServerTestSupport.TIMEOUT_MS)
            .connectTimeoutMs(ServerTestSupport.TIMEOUT_MS).logonTimeoutMs(ServerTestSupport.TIMEOUT_MS);
        for (final int port : clientPorts)
        {
            config.node(ServerTestSupport.HOST, port);
        }
        return WodianClient.connect(config);
    }

    private ClusterStatusReplyDecoder status(final int nodeId) throws Exception
    {
        try (WodianClient client = ServerTestSupport.connect(servers[nodeId]))
        {
            final UnsafeBuffer request = new UnsafeBuffer(new byte[64]);
            final UnsafeBuffer reply = new UnsafeBuffer(client.call(request, 0,
                encoder.clusterStatusQuery(request, 0, true), ServerTestSupport.TIMEOUT_MS));
            return new ClusterStatusReplyDecoder().wrapAndApplyHeader(reply, 0, new MessageHeaderDecoder());
        }
    }

    private ClusterControlReplyDecoder control(final int nodeId, final ClusterAction action, final int target)
        throws Exception
    {
        try (WodianClient client = ServerTestSupport.connect(servers[nodeId]))
        {
            final UnsafeBuffer request = new UnsafeBuffer(new byte[64]);
            final UnsafeBuffer reply = new UnsafeBuffer(client.call(request, 0,
                encoder.clusterControl(request, 0, action, target), ServerTestSupport.TIMEOUT_MS));
            return new ClusterControlReplyDecoder().wrapAndApplyHeader(reply, 0, new MessageHeaderDecoder());
        }
    }

    /**
     * Asks the primary to hand over to {@code target} until the target leads. The primary is looked up each time:
     * on a starved machine an election may move leadership between two steps of the test, and a node that is no
     * longer primary refuses the transfer (TRANSFER_REFUSED), which is its documented answer, not a failure.
     */
    private void switchOverTo(final int target) throws Exception
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        int refused = 0;
        while (!isPrimary(target))
        {
            if (System.nanoTime() - deadlineNs > 0)
            {
                fail("node " + target + " not primary 30 s after the switchover was asked; refusals " + refused);
            }
            final int primary = awaitPrimary(-1);
            if (primary != target)
            {
                final ResultCode code = control(primary, ClusterAction.PROMOTE, target).code();
                if (code == ResultCode.OK)
                {
                    // A transfer that does not complete within the election timeout is abandoned by the primary;
                    // give it a few times that, then ask again.
                    final long transferEndNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
                    while (!isPrimary(target) && System.nanoTime() - transferEndNs < 0)
                    {
                        Thread.sleep(20);
                    }
                }
                else
                {
                    assertEquals(ResultCode.TRANSFER_REFUSED, code);
                    refused++;
                    Thread.sleep(50);
                }
            }
        }
    }

    /** The node's role, or -1 while it does not answer. */
    private int roleQuietly(final int nodeId)
    {
        try
        {
            return null == servers[nodeId] ? -1 : status(nodeId).roleRaw();
        }
        catch (final Exception ex)
        {
            return -1;
        }
    }

    /**
     * Whether {@code nodeId}, in one status read, is a follower naming a leader and that node leads in the term
     * {@code nodeId} reported, or leads itself (won an election after a stall of the whole JVM, as any node may);
     * if so {@code leaderAndTerm} gets the leader and that term. Checked against the node named rather than against
     * a primary looked up earlier, so an election between two reads makes the caller ask again, not fail.
     */
    private boolean followsTheLeaderOfItsTerm(final int nodeId, final long[] leaderAndTerm)
    {
        try
        {
            final ClusterStatusReplyDecoder self = status(nodeId);
            final GroupRole role = self.role();
            final int leaderId = role == GroupRole.LEADER ? nodeId : self.leaderId();
            final long term = self.term();
            leaderAndTerm[0] = leaderId;
            leaderAndTerm[1] = term;
            if (role == GroupRole.LEADER)
            {
                return true;
            }
            if (role != GroupRole.FOLLOWER || leaderId < 0 || leaderId >= NODES || leaderId == nodeId ||
                null == servers[leaderId])
            {
                return false;
            }
            final ClusterStatusReplyDecoder leader = status(leaderId);
            return leader.role() == GroupRole.LEADER && leader.term() == term;
        }
        catch (final Exception ex)
        {
            return false; // no answer at that moment: ask again
        }
    }

    private boolean isPrimary(final int nodeId)
    {
        try
        {
            return null != servers[nodeId] && status(nodeId).role() == GroupRole.LEADER;
        }
        catch (final Exception ex)
        {
            return false;
        }
    }

    /** Whether {@code nodeId} answers a status query and lists {@code peerId} outside its acknowledgement set. */
    private boolean reportsOutOfQuorum(final int nodeId, final int peerId)
    {
        try
        {
            for (final ClusterStatusReplyDecoder.PeersDecoder peer : status(nodeId).peers())
            {
                if (peer.nodeId() == peerId)
                {
                    return peer.inQuorum() == 0;
                }
            }
            return false;
        }
        catch (final Exception ex)
        {
            return false;
        }
    }

    private int awaitPrimaryQuietly(final int notThis)
    {
        try
        {
            return awaitPrimary(notThis);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(ex);
        }
    }

    private int awaitPrimary(final int notThis) throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() - deadlineNs < 0)
        {
            for (int i = 0; i < NODES; i++)
            {
                if (i != notThis && isPrimary(i))
                {
                    return i;
                }
            }
            Thread.sleep(20);
        }
        fail("no primary elected within 30 s");
        return -1;
    }

    /** Every live node has applied the same index and reports the same state hash there. */
    private void awaitConverged() throws Exception
    {
        try
        {
            awaitConvergedOnce();
        }
        catch (final AssertionError ex)
        {
            throw new AssertionError(ex.getMessage() + ": " + describeNodes(), ex);
        }
    }

    /** Each node's applied and last index and state hash, for a failure message. */
    private String describeNodes()
    {
        final StringBuilder nodes = new StringBuilder();
        for (int i = 0; i < NODES; i++)
        {
            nodes.append(" node ").append(i).append(' ');
            try
            {
                final ClusterStatusReplyDecoder status = null == servers[i] ? null : status(i);
                nodes.append(null == status ? "down" : "applied " + status.appliedIndex() + " last " +
                    status.lastIndex() + " hash " + Long.toHexString(status.stateHash()));
            }
            catch (final Exception ex)
            {
                nodes.append("no status: ").append(ex);
            }
        }
        return nodes.toString();
    }

    private void awaitConvergedOnce() throws Exception
    {
        awaitTrue(() ->
        {
            try
            {
                refreshServers();
                long applied = -1;
                long hash = 0;
                for (int i = 0; i < NODES; i++)
                {
                    if (null == servers[i])
                    {
                        continue;
                    }
                    final ClusterStatusReplyDecoder status = status(i);
                    if (applied < 0)
                    {
                        applied = status.appliedIndex();
                        hash = status.stateHash();
                    }
                    else if (applied != status.appliedIndex() || hash != status.stateHash())
                    {
                        return false;
                    }
                    if (status.appliedIndex() != status.lastIndex())
                    {
                        return false;
                    }
                }
                return applied > 0;
            }
            catch (final Exception ex)
            {
                return false;
            }
        }, "all nodes at the same index and state hash");
    }

    /** One of node {@code nodeId}'s counters as its metrics thread published it (every 100 ms). */
    private long counter(final int nodeId, final ServerCounters.Scalar scalar)
    {
        return servers[nodeId].counters().scalar(scalar).get();
    }

    private static void awaitTrue(final BooleanSupplier condition, final String what) throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadlineNs >= 0)
            {
                fail("timed out waiting for: " + what);
            }
            Thread.sleep(20);
        }
    }
}
