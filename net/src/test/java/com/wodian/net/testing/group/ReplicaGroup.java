package com.wodian.net.testing.group;

import com.wodian.journal.SnapshotStore;
import com.wodian.journal.consensus.storage.CommitMark;
import com.wodian.journal.consensus.storage.JournalReplicaLog;
import com.wodian.net.auth.CredentialStore;
import com.wodian.net.auth.Credentials;
import com.wodian.net.client.ClientConfig;
import com.wodian.net.client.WodianClient;
import com.wodian.net.server.GatewayConfig;
import com.wodian.net.testing.TestPorts;
import com.wodian.protocol.CommandCatalog;
import com.wodian.protocol.CommandEncoder;
import com.wodian.protocol.sbe.ClusterStatusReplyDecoder;
import com.wodian.protocol.sbe.MessageHeaderDecoder;
import com.wodian.protocol.sbe.ResultCode;
import com.wodian.protocol.sbe.SessionRole;
import com.wodian.protocol.sbe.StateHashReplyDecoder;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.CompletionService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorCompletionService;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Stream;

/**
 * A replica group of real server processes on loopback for fault-injection tests: {@value #NODES} child
 * {@code ServerMain}s, each with its own data folder, client port and replication port, all fixed for the group's
 * life so that a node restarted on its data folder comes back at the same addresses.
 *
 * <p>Replication links go through {@link TcpFaultProxy}s, one per directed link: node {@code i} dials peer {@code j}
 * through {@code proxy(i, j)} (in node i's {@code --peers} its own entry is its listen address, the others are the
 * proxies it dials), so a test can delay, blackhole or cut any link, or {@link #partition} a node from all others.
 * Client ports are not proxied: a partitioned primary still talks to its clients.
 *
 * <p>Every node shares one admin identity (the credential file is provisioned in node 0's folder and copied).
 */
public final class ReplicaGroup implements AutoCloseable
{
    public static final int NODES = 3;
    /** ClusterStatusReply roles. */
    public static final int ROLE_ALONE = com.wodian.protocol.sbe.GroupRole.ALONE.value();
    public static final int ROLE_FOLLOWER = com.wodian.protocol.sbe.GroupRole.FOLLOWER.value();
    public static final int ROLE_CANDIDATE = com.wodian.protocol.sbe.GroupRole.CANDIDATE.value();
    public static final int ROLE_LEADER = com.wodian.protocol.sbe.GroupRole.LEADER.value();
    /** The CA certificate's file name in the folder {@code wodian certs} writes. */
    public static final String CA_CERTIFICATE = "ca.pem";
    /** The nodes' own CA, as {@code wodian certs --nodes} writes it (security review item 2). */
    public static final String NODE_CA_CERTIFICATE = "node-ca.pem";
    /**
     * Connect, logon and reply limit of one status or hash poll: every caller polls (a null just retries), but a
     * just-restarted child JVM (C1 only) on two starved cores can take over a second to log on, and 30 s of polls that
     * each give up after 1 s would fail awaitLeader or awaitCaughtUp although the node is fine.
     */
    private static final long STATUS_TIMEOUT_MS = 5_000;
    /**
     * A state hash is a pass over all engine state on the engine thread: seconds for a soak's 1.8 M payments on two
     * starved cores. With a 1 s timeout every node answered nothing for two minutes at the end of the 30-minute soak
     * of 2026-12-03 (all at the same applied index; each retry queues one more pass behind the last): most likely this.
     */
    private static final long STATE_HASH_TIMEOUT_MS = 30_000;
    /**
     * Backstop of one node's start in {@link #startAll()}: above the start's own limit, plus the class-data archive
     * the first start of a test JVM builds first (one more server launch and its stop) while the others wait for it.
     */
    private static final long START_ALL_WAIT_MS = 2 * ChildServerProcess.START_TIMEOUT_MS + 60_000;

    private final Path dir;
    private final List<String> extraServerOptions;
    private final Credentials admin;
    private final int[] clientPorts = new int[NODES];
    private final int[] replicationPorts = new int[NODES];
    private final TcpFaultProxy[][] proxies = new TcpFaultProxy[NODES][NODES];
    private final ChildServerProcess[] servers = new ChildServerProcess[NODES];
    private final int[] starts = new int[NODES];
    /** JVM options of every node's next start (system properties such as wodian.replication.*). */
    private List<String> jvmOptions = List.of();
    /** The certificates of {@link #mutualTls()}; null: clear-text links. */
    private Path pki;

    /** What {@code ClusterStatusQuery} says of one node. */
    public record NodeStatus(int nodeId, int role, int leaderId, long term, long commitIndex, long appliedIndex,
                      long stateHash, long truncations)
    {
    }

    /** What {@code StateHashQuery} says of one node. */
    public record NodeHash(int nodeId, long lastSequence, long stateHash)
    {
    }

    /**
     * Provisions the folders and the proxies; {@link #startAll()} starts the processes.
     *
     * @param extraServerOptions appended to every node's arguments (e.g. {@code --ack-policy quorum}).
     */
    public ReplicaGroup(final Path dir, final List<String> extraServerOptions) throws IOException
    {
        this.dir = dir;
        this.extraServerOptions = List.copyOf(extraServerOptions);
        final int[] ports = TestPorts.reserve(2 * NODES);
        for (int i = 0; i < NODES; i++)
        {
            clientPorts[i] = ports[i];
            replicationPorts[i] = ports[NODES + i];
        }
        admin = provisionAdmin(dataDir(0));
        final Path credentials = dataDir(0).resolve(GatewayConfig.Configuration.CREDENTIALS_FILE_NAME_DEFAULT);
        for (int i = 1; i < NODES; i++)
        {
            Files.createDirectories(dataDir(i));
            Files.copy(credentials, dataDir(i).resolve(GatewayConfig.Configuration.CREDENTIALS_FILE_NAME_DEFAULT),
                StandardCopyOption.REPLACE_EXISTING);
        }
        try
        {
            for (int i = 0; i < NODES; i++)
            {
                for (int j = 0; j < NODES; j++)
                {
                    if (i != j)
                    {
                        proxies[i][j] = new TcpFaultProxy(i + "to" + j,
                            new InetSocketAddress(InetAddress.getLoopbackAddress(), replicationPorts[j]));
                    }
                }
            }
        }
        catch (final IOException ex)
        {
            closeProxies();
            throw ex;
        }
    }

    public Credentials admin()
    {
        return admin;
    }

    public Path dataDir(final int node)
    {
        return dir.resolve("node-" + node);
    }

    public int clientPort(final int node)
    {
        return clientPorts[node];
    }

    /** Every node's client address, comma-separated: the {@code --peers} of {@code wodian status} and friends. */
    public String clientAddresses()
    {
        final StringBuilder addresses = new StringBuilder();
        for (int i = 0; i < NODES; i++)
        {
            addresses.append(i == 0 ? "" : ",").append(clientAddress(i));
        }
        return addresses.toString();
    }

    /** {@code 127.0.0.1:port} of a node's client port, as {@link WodianClient#node()} writes it. */
    public String clientAddress(final int node)
    {
        return "127.0.0.1:" + clientPorts[node];
    }

    public TcpFaultProxy proxy(final int from, final int to)
    {
        return proxies[from][to];
    }

    /** Node i's {@code --peers}: its own listen address, and the proxies through which it dials the others. */
    public String peers(final int node)
    {
        final StringBuilder peers = new StringBuilder();
        for (int j = 0; j < NODES; j++)
        {
            if (j > 0)
            {
                peers.append(',');
            }
            peers.append(j).append("=127.0.0.1:").append(j == node ? replicationPorts[j] : proxies[node][j].port());
        }
        return peers.toString();
    }

    /** A client config listing every node's client port, credentials set; callers add reconnect and timeouts. */
    public ClientConfig clientConfig()
    {
        final ClientConfig config = new ClientConfig().credentials(admin);
        for (int i = 0; i < NODES; i++)
        {
            config.node("127.0.0.1", clientPorts[i]);
        }
        return config;
    }

    /**
     * Starts every node at once: a node may wait for its peers before it listens, so they cannot start one by one.
     * Each start bounds itself ({@link ChildServerProcess} fails it after its start limit, quoting the node's log), and
     * that failure is what this throws; the wait here is only a backstop above it (rev R30: a 90-s wait here expired
     * under the starts' own 120 s with a bare TimeoutException). Returns or throws only once no start is under way,
     * so that {@link #close()} finds every process that was started.
     */
    public void startAll() throws Exception
    {
        final ExecutorService executor = Executors.newFixedThreadPool(NODES);
        final CompletionService<Integer> starts = new ExecutorCompletionService<>(executor);
        try
        {
            for (int i = 0; i < NODES; i++)
            {
                final int node = i;
                starts.submit(() ->
                {
                    start(node);
                    return node;
                });
            }
            // In the order they end: the first start that fails ends the wait for the others.
            for (int ended = 0; ended < NODES; ended++)
            {
                final Future<Integer> start = starts.poll(START_ALL_WAIT_MS, TimeUnit.MILLISECONDS);
                if (null == start)
                {
                    throw new AssertionError("nodes not started within " + START_ALL_WAIT_MS + " ms: " + describe());
                }
                awaitStarted(start);
            }
        }
        finally
        {
            executor.shutdownNow(); // a start still waiting destroys its process (ChildServerProcess.launch)
            executor.awaitTermination(START_ALL_WAIT_MS, TimeUnit.MILLISECONDS);
        }
    }

    /** A start that has ended: its own failure (e.g. "server did not start within ... its log: ..."), unwrapped. */
    private static void awaitStarted(final Future<Integer> start) throws Exception
    {
        try
        {
            start.get();
        }
        catch (final ExecutionException ex)
        {
            if (ex.getCause() instanceof Exception cause)
            {
                throw cause;
            }
            if (ex.getCause() instanceof Error cause)
            {
                throw cause;
            }
            throw ex;
        }
    }

    /** Starts (or restarts) node i on its data folder and ports; returns once it listens. */
    public void start(final int node) throws IOException, InterruptedException
    {
        start(node, List.of());
    }

    /** As {@link #start(int)}, with more arguments for this start only (e.g. {@code --join}). */
    public void start(final int node, final List<String> extraArguments) throws IOException, InterruptedException
    {
        if (isAlive(node))
        {
            throw new IllegalStateException("node " + node + " is running");
        }
        final List<String> arguments = new ArrayList<>(Arrays.asList(
            "--data", dataDir(node).toString(),
            "--port", Integer.toString(clientPorts[node]),
            "--limits", "small",
            // PosLoad pays up to 1,000/s and keys live a week: the small limits' 100,000 keys ran out after 100 s
            // of a loaded machine's slow fault test (LIMIT_KEYS). A test's own --keys-max comes later and wins.
            "--keys-max", "500000",
            "--node-id", Integer.toString(node),
            "--peers", peers(node)));
        if (null == pki)
        {
            arguments.add("--insecure"); // clear-text replication on loopback (security review B11)
        }
        arguments.addAll(extraServerOptions);
        arguments.addAll(extraArguments);
        if (null != pki)
        {
            arguments.addAll(List.of("--node-cert", pki.resolve("node-" + node + ".pem").toString(),
                "--node-key", pki.resolve("node-" + node + ".key").toString(),
                "--node-trust", pki.resolve(Files.exists(pki.resolve(NODE_CA_CERTIFICATE)) ? NODE_CA_CERTIFICATE :
                    CA_CERTIFICATE).toString()));
        }
        final Path log = dir.resolve("node-" + node + "-run-" + starts[node]++ + ".log");
        servers[node] = ChildServerProcess.startWithArguments(log, jvmOptions, arguments);
    }

    /**
     * Mutual TLS between the nodes from their next start (docs/replication.md, "TLS between nodes"): {@code pki} holds
     * what {@code wodian certs --nodes 0,1,2} writes (the nodes' CA {@value #NODE_CA_CERTIFICATE}, or
     * {@value #CA_CERTIFICATE} in a folder of an older layout, and {@code node-N.pem}/{@code .key}), and each node gets
     * {@code --node-cert}, {@code --node-key} and {@code --node-trust}. Client ports stay clear (loopback).
     */
    public ReplicaGroup mutualTls(final Path certificates)
    {
        pki = certificates;
        return this;
    }

    /** JVM options for every node started from now on. */
    public void jvmOptions(final List<String> options)
    {
        this.jvmOptions = List.copyOf(options);
    }

    /** The log of node i's latest start. */
    public Path lastLog(final int node)
    {
        return dir.resolve("node-" + node + "-run-" + (starts[node] - 1) + ".log");
    }

    public boolean isAlive(final int node)
    {
        return null != servers[node] && servers[node].process.isAlive();
    }

    /** kill -9 of node i. */
    public void kill(final int node) throws InterruptedException
    {
        servers[node].kill();
    }

    /** Cuts (or blackholes) every replication link into and out of node k; client links stay up. */
    public void partition(final int node, final TcpFaultProxy.Mode mode)
    {
        for (int j = 0; j < NODES; j++)
        {
            if (j != node)
            {
                apply(proxies[node][j], mode, 0);
                apply(proxies[j][node], mode, 0);
            }
        }
    }

    /** Delays every replication link into and out of node k by delayMs each way. */
    public void slow(final int node, final long delayMs)
    {
        for (int j = 0; j < NODES; j++)
        {
            if (j != node)
            {
                apply(proxies[node][j], TcpFaultProxy.Mode.DELAY, delayMs);
                apply(proxies[j][node], TcpFaultProxy.Mode.DELAY, delayMs);
            }
        }
    }

    /** Over every proxy: directions of the replication connections so far that started with a TLS record. */
    public int tlsStreams()
    {
        return sumOverProxies(TcpFaultProxy::tlsStreams);
    }

    /** Over every proxy: directions of the replication connections so far that started with anything else. */
    public int clearStreams()
    {
        return sumOverProxies(TcpFaultProxy::clearStreams);
    }

    private int sumOverProxies(final java.util.function.ToIntFunction<TcpFaultProxy> count)
    {
        int sum = 0;
        for (int i = 0; i < NODES; i++)
        {
            for (int j = 0; j < NODES; j++)
            {
                sum += i == j ? 0 : count.applyAsInt(proxies[i][j]);
            }
        }
        return sum;
    }

    /** Every link back to PASS. */
    public void healAll()
    {
        for (int i = 0; i < NODES; i++)
        {
            for (int j = 0; j < NODES; j++)
            {
                if (i != j)
                {
                    proxies[i][j].pass();
                }
            }
        }
    }

    private static void apply(final TcpFaultProxy proxy, final TcpFaultProxy.Mode mode, final long delayMs)
    {
        switch (mode)
        {
            case PASS -> proxy.pass();
            case DELAY -> proxy.delay(delayMs);
            case BLACKHOLE -> proxy.blackhole();
            case CUT -> proxy.cut();
            default -> throw new IllegalArgumentException(mode.name());
        }
    }

    /**
     * The node's own view (ClusterStatusQuery), or null when it does not answer within the status limit. Any thread may call
     * it (a watcher thread polls a partitioned primary while the test thread waits for the failover).
     */
    public NodeStatus status(final int node)
    {
        if (!isAlive(node))
        {
            return null;
        }
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[CommandCatalog.MAX_MESSAGE_LENGTH]);
        final CommandEncoder encoder = new CommandEncoder();
        try (WodianClient client = connect(node))
        {
            final byte[] reply = client.call(buffer, 0, encoder.clusterStatusQuery(buffer, 0, false), STATUS_TIMEOUT_MS);
            final UnsafeBuffer replyBuffer = new UnsafeBuffer(reply);
            final MessageHeaderDecoder header = new MessageHeaderDecoder().wrap(replyBuffer, 0);
            if (header.templateId() != ClusterStatusReplyDecoder.TEMPLATE_ID)
            {
                return null;
            }
            final ClusterStatusReplyDecoder decoder = new ClusterStatusReplyDecoder().wrap(replyBuffer,
                MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
            if (decoder.codeRaw() != ResultCode.OK.value())
            {
                return null;
            }
            return new NodeStatus(decoder.nodeId(), decoder.roleRaw(), decoder.leaderId(), decoder.term(),
                decoder.commitIndex(), decoder.appliedIndex(), decoder.stateHash(), decoder.truncations());
        }
        catch (final IOException | TimeoutException | RuntimeException ex)
        {
            return null;
        }
    }

    /** The node's StateHashQuery answer, or null when it does not log on or answer in time. */
    public NodeHash hash(final int node)
    {
        if (!isAlive(node))
        {
            return null;
        }
        try (WodianClient client = connect(node))
        {
            return stateHash(node, client);
        }
        catch (final IOException | TimeoutException | RuntimeException ex)
        {
            return null;
        }
    }

    private WodianClient connect(final int node) throws IOException
    {
        return WodianClient.connect(new ClientConfig().node("127.0.0.1", clientPorts[node]).credentials(admin)
            .connectTimeoutMs(STATUS_TIMEOUT_MS).logonTimeoutMs(STATUS_TIMEOUT_MS));
    }

    /**
     * The leader a majority of the group agrees on: a node that says it leads in some term, with a majority of the
     * group (itself included) naming it as leader in that same term; -1 when there is none right now. A deposed
     * primary still claiming an old term, or an isolated node that keeps raising its term, is never named by a
     * majority.
     */
    public int leader()
    {
        final NodeStatus[] statuses = new NodeStatus[NODES];
        for (int i = 0; i < NODES; i++)
        {
            statuses[i] = status(i);
        }
        for (int i = 0; i < NODES; i++)
        {
            if (null != statuses[i] && statuses[i].role() == ROLE_LEADER)
            {
                int votes = 1;
                for (int j = 0; j < NODES; j++)
                {
                    final NodeStatus status = statuses[j];
                    if (j != i && null != status && status.leaderId() == i && status.term() == statuses[i].term())
                    {
                        votes++;
                    }
                }
                if (2 * votes > NODES)
                {
                    return i;
                }
            }
        }
        return -1;
    }

    /** Waits (bounded) for a leader other than {@code excluded} (-1: any). */
    public int awaitLeader(final int excluded, final long timeoutMs) throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        do
        {
            final int leader = leader();
            if (leader >= 0 && leader != excluded)
            {
                return leader;
            }
            Thread.sleep(50);
        }
        while (System.nanoTime() < deadlineNs);
        throw new AssertionError("no leader (other than node " + excluded + ") within " + timeoutMs + " ms: " +
            describe());
    }

    /**
     * Waits (bounded) until every live node answers StateHashQuery with the same last sequence and state hash;
     * returns that common answer, or fails with each node's last answer.
     */
    public NodeHash awaitSameState(final long timeoutMs) throws InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        NodeHash[] hashes;
        do
        {
            hashes = new NodeHash[NODES];
            boolean same = true;
            NodeHash first = null;
            for (int i = 0; i < NODES; i++)
            {
                if (!isAlive(i))
                {
                    continue;
                }
                hashes[i] = hash(i);
                if (null == hashes[i])
                {
                    same = false;
                    continue;
                }
                if (null == first)
                {
                    first = hashes[i];
                }
                else if (first.lastSequence() != hashes[i].lastSequence() ||
                    first.stateHash() != hashes[i].stateHash())
                {
                    same = false;
                }
            }
            if (same && null != first)
            {
                return first;
            }
            Thread.sleep(100);
        }
        while (System.nanoTime() < deadlineNs);
        throw new AssertionError("live nodes did not reach the same state within " + timeoutMs + " ms: " +
            Arrays.toString(hashes) + "\n" + describe());
    }

    private static NodeHash stateHash(final int node, final WodianClient client) throws IOException, TimeoutException
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[CommandCatalog.MAX_MESSAGE_LENGTH]);
        final byte[] reply = client.call(buffer, 0, new CommandEncoder().stateHashQuery(buffer, 0),
            STATE_HASH_TIMEOUT_MS);
        final UnsafeBuffer replyBuffer = new UnsafeBuffer(reply);
        final MessageHeaderDecoder header = new MessageHeaderDecoder().wrap(replyBuffer, 0);
        if (header.templateId() != StateHashReplyDecoder.TEMPLATE_ID)
        {
            return null;
        }
        final StateHashReplyDecoder decoder = new StateHashReplyDecoder().wrap(
            replyBuffer, MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
        return decoder.code() == ResultCode.OK ? new NodeHash(node, decoder.lastSequence(), decoder.stateHash()) : null;
    }

    /** One admin identity: its credential in the servers' file in dataDir; the secret stays in this process. */
    private static Credentials provisionAdmin(final Path dataDir) throws IOException
    {
        Files.createDirectories(dataDir);
        final CredentialStore store = new CredentialStore();
        final Credentials admin = store.provision(SessionRole.ADMIN, 1, 0, new SecureRandom());
        store.save(dataDir.resolve(GatewayConfig.Configuration.CREDENTIALS_FILE_NAME_DEFAULT));
        return admin;
    }

    /** Each node's status, for failure messages. */
    public String describe()
    {
        final StringBuilder text = new StringBuilder();
        for (int i = 0; i < NODES; i++)
        {
            text.append("node ").append(i).append(isAlive(i) ? " alive " : " down ").append(status(i)).append('\n');
        }
        return text.toString();
    }

    /** The last lines of node i's latest log, for failure messages. */
    public String logTail(final int node, final int lines)
    {
        if (null == servers[node])
        {
            return "";
        }
        try
        {
            final List<String> all = Files.readAllLines(servers[node].log, StandardCharsets.UTF_8);
            return "--- " + servers[node].log.getFileName() + " ---\n" +
                String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        }
        catch (final IOException ex)
        {
            return "(log unreadable: " + ex + ")";
        }
    }

    /** The last lines of every node's latest log, for failure messages. */
    public String logTails(final int lines)
    {
        final StringBuilder text = new StringBuilder();
        for (int i = 0; i < NODES; i++)
        {
            text.append('\n').append(logTail(i, lines));
        }
        return text.toString();
    }

    /** Whether any start of node i logged a completed snapshot install. */
    public boolean installedSnapshot(final int node) throws IOException
    {
        for (int run = 0; run < starts[node]; run++)
        {
            final Path log = dir.resolve("node-" + node + "-run-" + run + ".log");
            if (Files.exists(log) && Files.readString(log).contains("snapshot installed at sequence"))
            {
                return true;
            }
        }
        return false;
    }

    /** Valid snapshots in node i's data folder now. */
    public int validSnapshots(final int node)
    {
        final Path snapshots = dataDir(node).resolve("snapshots");
        if (!Files.isDirectory(snapshots))
        {
            return 0;
        }
        int valid = 0;
        for (final SnapshotStore.SnapshotInfo info : new SnapshotStore(snapshots, Integer.MAX_VALUE).list())
        {
            valid += info.isValid() ? 1 : 0;
        }
        return valid;
    }

    /**
     * Whether the node's stored commit mark has reached one of its valid snapshots: a restarting node recovers only
     * from a snapshot at or below its mark (entries after it may never have been acknowledged).
     */
    public boolean commitMarkReachesASnapshot(final int node)
    {
        final long mark;
        try
        {
            mark = new CommitMark(dataDir(node).resolve(JournalReplicaLog.COMMIT_MARK_FILE_NAME)).index();
        }
        catch (final RuntimeException beingWritten)
        {
            return false;
        }
        final Path snapshots = dataDir(node).resolve("snapshots");
        if (!Files.isDirectory(snapshots))
        {
            return false;
        }
        for (final SnapshotStore.SnapshotInfo info : new SnapshotStore(snapshots, Integer.MAX_VALUE).list())
        {
            if (info.isValid() && info.journalSequence() <= mark)
            {
                return true;
            }
        }
        return false;
    }

    /** Whether every running node holds at least one valid snapshot. */
    public boolean everyLiveNodeHoldsASnapshot()
    {
        for (int node = 0; node < NODES; node++)
        {
            if (isAlive(node) && validSnapshots(node) == 0)
            {
                return false;
            }
        }
        return true;
    }

    /** A wiped node (it must be down): everything in its data folder goes but the credential file it needs. */
    public void wipeKeepingCredentials(final int node) throws IOException
    {
        if (isAlive(node))
        {
            throw new IllegalStateException("node " + node + " is running");
        }
        try (Stream<Path> entries = Files.list(dataDir(node)))
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

    /** Kills every node (the data folders are temporary) and closes the proxies. */
    @Override
    public void close() throws InterruptedException
    {
        for (int i = 0; i < NODES; i++)
        {
            if (isAlive(i))
            {
                servers[i].kill();
            }
        }
        closeProxies();
    }

    private void closeProxies()
    {
        for (final TcpFaultProxy[] row : proxies)
        {
            for (final TcpFaultProxy proxy : row)
            {
                if (null != proxy)
                {
                    proxy.close();
                }
            }
        }
    }
}
