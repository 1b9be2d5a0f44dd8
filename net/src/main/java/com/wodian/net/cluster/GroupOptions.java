package com.wodian.net.cluster;

import java.net.InetSocketAddress;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Predicate;

import com.wodian.net.tls.TlsSettings;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;

/**
 * The server options that only a replica group member uses (the server's {@code ServerConfig} holds one and hands
 * its setters on): the group itself, the replication stage's idle strategy, node TLS, the commit mark interval and
 * what to do when a snapshot install needs the pipeline restarted. Validated by {@link #validate}.
 */
public final class GroupOptions
{
    /**
     * Idle strategy of the replication stage, which polls its peers' sockets and the input ring, as
     * {@code SPINS,YIELDS,MIN_PARK_US,MAX_PARK_US} of a backoff. On two cores every wake-up of an idle stage costs a
     * few system calls, so fewer and longer parks trade a little latency for CPU.
     */
    public static final String REPLICATION_IDLE_PROP_NAME = "wodian.replication.idle";
    public static final String REPLICATION_IDLE_DEFAULT = "10,20,1,100";
    /**
     * How often a member stores its commit mark when it moved (two fsyncs each time, on their own thread). A longer
     * interval means fewer fsyncs and a restart that waits longer for the primary.
     */
    public static final String COMMIT_MARK_INTERVAL_MS_PROP_NAME = "wodian.commitmark.interval.ms";
    public static final long COMMIT_MARK_INTERVAL_MS_DEFAULT = 200;

    private ReplicaGroupConfig replicaGroup;
    private String replicationIdle = System.getProperty(REPLICATION_IDLE_PROP_NAME, REPLICATION_IDLE_DEFAULT);
    private long commitMarkIntervalMs = Long.getLong(COMMIT_MARK_INTERVAL_MS_PROP_NAME,
        COMMIT_MARK_INTERVAL_MS_DEFAULT);
    private TlsSettings replicationTls;
    private com.wodian.net.cluster.transport.NodePins nodePins;
    private Consumer<String> restartHandler;

    /** Run as one node of a replica group (null: alone, the default). */
    public void replicaGroup(final ReplicaGroupConfig replicaGroup)
    {
        this.replicaGroup = replicaGroup;
    }

    public ReplicaGroupConfig replicaGroup()
    {
        return replicaGroup;
    }

    /** The replication stage's backoff, {@code SPINS,YIELDS,MIN_PARK_US,MAX_PARK_US}. */
    public void replicationIdle(final String spec)
    {
        parseBackoff(spec);
        this.replicationIdle = spec;
    }

    public String replicationIdle()
    {
        return replicationIdle;
    }

    /** The replication stage's idle strategy, parsed from {@link #replicationIdle()}. */
    public IdleStrategy newReplicationIdleStrategy()
    {
        final long[] values = parseBackoff(replicationIdle);
        return new BackoffIdleStrategy(values[0], values[1],
            TimeUnit.MICROSECONDS.toNanos(values[2]),
            TimeUnit.MICROSECONDS.toNanos(values[3]));
    }

    /** How often the commit mark is stored when it moved. */
    public void commitMarkIntervalMs(final long commitMarkIntervalMs)
    {
        this.commitMarkIntervalMs = commitMarkIntervalMs;
    }

    public long commitMarkIntervalMs()
    {
        return commitMarkIntervalMs;
    }

    /**
     * Mutual TLS between the nodes of a replica group: this node's certificate (naming {@code node:<id>}) and the CA
     * its peers' certificates chain to. Client certificates are then always required and must name the peer's
     * node id; host names are not checked (docs/replication.md).
     */
    public void replicationTls(final TlsSettings replicationTls)
    {
        this.replicationTls = null == replicationTls ? null :
            replicationTls.clientAuth(TlsSettings.ClientAuth.REQUIRED).verifyHostname(false);
    }

    public TlsSettings replicationTls()
    {
        return replicationTls;
    }

    /**
     * The peers' pinned certificates ({@code --node-pins FILE}; docs/security.md, "TLS"): with node TLS, a peer's
     * certificate must also be one the file lists for the node it names. Null (the default): any certificate of the
     * nodes' CA that names the node.
     */
    public void nodePins(final com.wodian.net.cluster.transport.NodePins nodePins)
    {
        this.nodePins = nodePins;
    }

    public com.wodian.net.cluster.transport.NodePins nodePins()
    {
        return nodePins;
    }

    /**
     * What a member does when a snapshot install (docs/replication.md, "Snapshot install") needs its pipeline
     * restarted on the installed snapshot: {@code ServerMain} closes the server and launches it again. Called on the
     * replication thread with the reason; it must not block (start a thread). Null (the default): the node stops
     * through the server's fatal error handler, and a supervisor restarts it.
     */
    public void restartHandler(final Consumer<String> restartHandler)
    {
        this.restartHandler = restartHandler;
    }

    public Consumer<String> restartHandler()
    {
        return restartHandler;
    }

    /**
     * Checks every option: the backoff, the commit mark interval, and that replication links leaving the machine
     * have node TLS unless the operator said the network is trusted ({@code insecure}).
     */
    public void validate(final boolean insecure, final Predicate<String> isLoopback)
    {
        parseBackoff(replicationIdle);
        if (commitMarkIntervalMs <= 0)
        {
            throw new IllegalArgumentException("commitMarkIntervalMs must be > 0: " + commitMarkIntervalMs);
        }
        if (null == replicaGroup || null != replicationTls || insecure)
        {
            return;
        }
        for (final InetSocketAddress address : replicaGroup.replicationAddresses())
        {
            if (null != address && !isLoopback.test(address.getHostString()))
            {
                throw new IllegalArgumentException("refusing clear-text replication to " + address + ", which is " +
                    "not a loopback address: the journal would cross the network unencrypted. Configure node TLS " +
                    "(--node-cert, --node-key, --tls-trust; docs/replication.md) or, on a network you trust, pass " +
                    "--insecure");
            }
        }
        // Loopback too (security review B11): without node TLS a member is known by its address and the group's
        // name only, so any local process that binds a stopped member's address and says hello as it receives the
        // whole journal (card numbers included, whatever the files' modes) and counts as that member's
        // acknowledgements. Tests, demos and one-host groups say so with --insecure.
        throw new IllegalArgumentException("refusing clear-text replication on loopback without --insecure: any " +
            "local process could bind a stopped member's address and receive the journal as that member. Configure " +
            "node TLS (--node-cert, --node-key, --node-trust; docs/replication.md) or, for a test or a host whose " +
            "local users you trust, pass --insecure");
    }

    private static long[] parseBackoff(final String spec)
    {
        final String[] parts = Objects.requireNonNull(spec, "replicationIdle").split(",");
        if (4 != parts.length)
        {
            throw new IllegalArgumentException("replication idle must be SPINS,YIELDS,MIN_PARK_US,MAX_PARK_US: " +
                spec);
        }
        final long[] values = new long[4];
        for (int i = 0; i < 4; i++)
        {
            values[i] = Long.parseLong(parts[i].trim());
            if (values[i] < 0)
            {
                throw new IllegalArgumentException("replication idle values must be >= 0: " + spec);
            }
        }
        if (values[2] > values[3] || 0 == values[3])
        {
            throw new IllegalArgumentException("replication idle needs 0 < MIN_PARK_US <= MAX_PARK_US: " + spec);
        }
        return values;
    }
}
