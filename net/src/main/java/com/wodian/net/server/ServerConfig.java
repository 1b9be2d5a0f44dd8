package com.wodian.net.server;

import com.wodian.engine.EngineConfig;
import com.wodian.journal.DurabilityPolicy;
import com.wodian.net.cluster.GroupOptions;
import com.wodian.net.cluster.ReplicaGroupConfig;
import com.wodian.net.durability.SnapshotConfig;
import com.wodian.net.gateway.GatewayAgent;
import com.wodian.net.gateway.GatewayFactory;
import com.wodian.net.tls.TlsSettings;
import org.agrona.BitUtil;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SystemEpochClock;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Consumer;

import static com.wodian.net.FrameDescriptor.REPLY_FRAME_BYTES_MAX;
import static com.wodian.net.FrameDescriptor.REQUEST_FRAME_BYTES_MAX;

/**
 * Settings of a {@link WodianServer}, in the style of an Aeron context: a mutable builder whose defaults come from
 * system properties ({@link ServerProperties}), checked once by {@link WodianServer#launch(ServerConfig)}.
 * Lengths are in bytes, times carry their unit in the name.
 */
public final class ServerConfig
{
    private Path dataDir = ServerProperties.dataDir();
    private boolean newDataDirectoryAllowed = true;
    private String host = ServerProperties.host();
    private int port = ServerProperties.port();
    private ThreadingMode threadingMode = ServerProperties.threadingMode();
    private DurabilityPolicy durabilityPolicy = ServerProperties.durabilityPolicy();
    private int inputRingSize = ServerProperties.inputRingSize();
    private int outputRingSize = ServerProperties.outputRingSize();
    private String pipelineWaitStrategy = ServerProperties.pipelineWaitStrategy();
    private String networkIdleStrategy = ServerProperties.networkIdleStrategy();
    private String senderIdleStrategy = ServerProperties.senderIdleStrategy();
    private long tickIntervalMs = ServerProperties.tickIntervalMs();
    private int sessionsMax = ServerProperties.sessionsMax();
    private int receiveBufferLength = ServerProperties.receiveBufferLength();
    private int sendBufferLength = ServerProperties.sendBufferLength();
    private int socketSendBufferLength = ServerProperties.socketSendBufferLength();
    private int socketReceiveBufferLength = ServerProperties.socketReceiveBufferLength();
    private long closeLingerMs = ServerProperties.closeLingerMs();
    private long shutdownTimeoutMs = ServerProperties.shutdownTimeoutMs();
    private int warmupInputs = ServerProperties.warmupInputs();
    private long journalWriteAheadBytes = ServerProperties.journalWriteAheadBytes();
    private int metricsPort = ServerProperties.metricsPort();
    private String metricsHost = ServerProperties.metricsHost();
    private java.nio.file.Path metricsAuthFile;
    private boolean stageLatency = ServerProperties.stageLatency();
    private String stageLatencyLog = ServerProperties.stageLatencyLog();
    private final List<GatewayFactory> gatewayFactories = new ArrayList<>();
    private EngineConfig engineConfig;
    private SnapshotConfig snapshotConfig = new SnapshotConfig();
    private EpochClock epochClock = SystemEpochClock.INSTANCE;
    private ErrorHandler fatalErrorHandler;
    private final GatewayConfig gateway = new GatewayConfig();
    private final GroupOptions group = new GroupOptions();
    private TlsSettings tls;
    private boolean insecure;

    /** The options a replica group member uses (the setters below hand on to it). */
    public GroupOptions group()
    {
        return group;
    }

    /** Run as one node of a replica group (null: alone, the default); {@link GroupOptions#replicaGroup}. */
    public ServerConfig replicaGroup(final ReplicaGroupConfig replicaGroup)
    {
        group.replicaGroup(replicaGroup);
        return this;
    }

    public ReplicaGroupConfig replicaGroup()
    {
        return group.replicaGroup();
    }

    /**
     * @param allowed true (this API's default): a start may begin a new, empty ledger in any directory without a
     *                journal, creating it if needed; false ({@link ServerMain} without {@code --init} or
     *                {@code --join}): only in an existing directory that holds nothing but provisioned files
     *                ({@link NewDataDirectoryCheck}).
     */
    public ServerConfig newDataDirectoryAllowed(final boolean allowed)
    {
        this.newDataDirectoryAllowed = allowed;
        return this;
    }

    public boolean newDataDirectoryAllowed()
    {
        return newDataDirectoryAllowed;
    }

    public ServerConfig dataDir(final Path dataDir)
    {
        this.dataDir = Objects.requireNonNull(dataDir, "dataDir");
        return this;
    }

    public Path dataDir()
    {
        return dataDir;
    }

    public ServerConfig host(final String host)
    {
        this.host = Objects.requireNonNull(host, "host");
        return this;
    }

    public String host()
    {
        return host;
    }

    public ServerConfig port(final int port)
    {
        this.port = port;
        return this;
    }

    public int port()
    {
        return port;
    }

    public ServerConfig threadingMode(final ThreadingMode threadingMode)
    {
        this.threadingMode = Objects.requireNonNull(threadingMode, "threadingMode");
        return this;
    }

    public ThreadingMode threadingMode()
    {
        return threadingMode;
    }

    public ServerConfig durabilityPolicy(final DurabilityPolicy durabilityPolicy)
    {
        this.durabilityPolicy = Objects.requireNonNull(durabilityPolicy, "durabilityPolicy");
        return this;
    }

    public DurabilityPolicy durabilityPolicy()
    {
        return durabilityPolicy;
    }

    public ServerConfig inputRingSize(final int inputRingSize)
    {
        this.inputRingSize = inputRingSize;
        return this;
    }

    public int inputRingSize()
    {
        return inputRingSize;
    }

    public ServerConfig outputRingSize(final int outputRingSize)
    {
        this.outputRingSize = outputRingSize;
        return this;
    }

    public int outputRingSize()
    {
        return outputRingSize;
    }

    public ServerConfig pipelineWaitStrategy(final String name)
    {
        this.pipelineWaitStrategy = StrategyFactory.checkWaitStrategyName(name);
        return this;
    }

    public String pipelineWaitStrategy()
    {
        return pipelineWaitStrategy;
    }

    public ServerConfig networkIdleStrategy(final String name)
    {
        this.networkIdleStrategy = StrategyFactory.checkIdleStrategyName(name);
        return this;
    }

    public String networkIdleStrategy()
    {
        return networkIdleStrategy;
    }

    public ServerConfig senderIdleStrategy(final String name)
    {
        this.senderIdleStrategy = StrategyFactory.checkIdleStrategyName(name);
        return this;
    }

    public String senderIdleStrategy()
    {
        return senderIdleStrategy;
    }

    public ServerConfig tickIntervalMs(final long tickIntervalMs)
    {
        this.tickIntervalMs = tickIntervalMs;
        return this;
    }

    public long tickIntervalMs()
    {
        return tickIntervalMs;
    }

    public ServerConfig sessionsMax(final int sessionsMax)
    {
        this.sessionsMax = sessionsMax;
        return this;
    }

    public int sessionsMax()
    {
        return sessionsMax;
    }

    public ServerConfig receiveBufferLength(final int receiveBufferLength)
    {
        this.receiveBufferLength = receiveBufferLength;
        return this;
    }

    public int receiveBufferLength()
    {
        return receiveBufferLength;
    }

    public ServerConfig sendBufferLength(final int sendBufferLength)
    {
        this.sendBufferLength = sendBufferLength;
        return this;
    }

    public int sendBufferLength()
    {
        return sendBufferLength;
    }

    public ServerConfig socketSendBufferLength(final int socketSendBufferLength)
    {
        this.socketSendBufferLength = socketSendBufferLength;
        return this;
    }

    public int socketSendBufferLength()
    {
        return socketSendBufferLength;
    }

    public ServerConfig socketReceiveBufferLength(final int socketReceiveBufferLength)
    {
        this.socketReceiveBufferLength = socketReceiveBufferLength;
        return this;
    }

    public int socketReceiveBufferLength()
    {
        return socketReceiveBufferLength;
    }

    public ServerConfig closeLingerMs(final long closeLingerMs)
    {
        this.closeLingerMs = closeLingerMs;
        return this;
    }

    public long closeLingerMs()
    {
        return closeLingerMs;
    }

    public ServerConfig shutdownTimeoutMs(final long shutdownTimeoutMs)
    {
        this.shutdownTimeoutMs = shutdownTimeoutMs;
        return this;
    }

    public long shutdownTimeoutMs()
    {
        return shutdownTimeoutMs;
    }

    /** Replica group: the replication stage's backoff; {@link GroupOptions#replicationIdle(String)}. */
    public ServerConfig replicationIdle(final String spec)
    {
        group.replicationIdle(spec);
        return this;
    }

    public String replicationIdle()
    {
        return group.replicationIdle();
    }

    /** The replication stage's idle strategy, parsed from {@link #replicationIdle()}. */
    IdleStrategy newReplicationIdleStrategy()
    {
        return group.newReplicationIdleStrategy();
    }

    /** Inputs to run through a throwaway engine before the port opens (JIT warm-up); 0 for none. */
    public ServerConfig warmupInputs(final int warmupInputs)
    {
        this.warmupInputs = warmupInputs;
        return this;
    }

    public int warmupInputs()
    {
        return warmupInputs;
    }

    /**
     * Page-cache journal of a server alone: bytes ahead of the appender whose pages the metrics thread write-faults
     * ({@code JournalConfig.withWriteAheadBytes}); 0 for none.
     */
    public ServerConfig journalWriteAheadBytes(final long journalWriteAheadBytes)
    {
        this.journalWriteAheadBytes = journalWriteAheadBytes;
        return this;
    }

    public long journalWriteAheadBytes()
    {
        return journalWriteAheadBytes;
    }

    /** Port of the metrics and health endpoint: -1 for none (the default), 0 for an ephemeral one. */
    public ServerConfig metricsPort(final int metricsPort)
    {
        this.metricsPort = metricsPort;
        return this;
    }

    public int metricsPort()
    {
        return metricsPort;
    }

    /** Stage stamps and histograms on (the default) or off, to measure their cost. */
    public ServerConfig stageLatency(final boolean stageLatency)
    {
        this.stageLatency = stageLatency;
        return this;
    }

    public boolean stageLatency()
    {
        return stageLatency;
    }

    /** A file for the stage latency interval log, or null for none (the default). */
    public ServerConfig stageLatencyLog(final String path)
    {
        this.stageLatencyLog = path;
        return this;
    }

    public String stageLatencyLog()
    {
        return stageLatencyLog;
    }

    /** Address the metrics endpoint binds (default loopback). */
    /**
     * A file whose first line is {@code user:password}: the metrics endpoint then asks every request for HTTP basic
     * authentication with it (security review item 16); null (the default) for none.
     */
    public ServerConfig metricsAuthFile(final java.nio.file.Path metricsAuthFile)
    {
        this.metricsAuthFile = metricsAuthFile;
        return this;
    }

    public java.nio.file.Path metricsAuthFile()
    {
        return metricsAuthFile;
    }

    public ServerConfig metricsHost(final String metricsHost)
    {
        this.metricsHost = Objects.requireNonNull(metricsHost, "metricsHost");
        return this;
    }

    public String metricsHost()
    {
        return metricsHost;
    }

    /**
     * TLS on the POS port (and the other ports that leave the machine, see docs/security.md); null for clear text,
     * which a server bound to anything but loopback refuses unless {@link #insecure(boolean)} is set.
     */
    public ServerConfig tls(final TlsSettings tls)
    {
        this.tls = tls;
        return this;
    }

    public TlsSettings tls()
    {
        return tls;
    }

    /** Mutual TLS between the nodes of a replica group; {@link GroupOptions#replicationTls(TlsSettings)}. */
    public ServerConfig replicationTls(final TlsSettings replicationTls)
    {
        group.replicationTls(replicationTls);
        return this;
    }

    public TlsSettings replicationTls()
    {
        return group.replicationTls();
    }

    /** Allows clear text on a non-loopback address: the operator says explicitly that the network is trusted. */
    public ServerConfig insecure(final boolean insecure)
    {
        this.insecure = insecure;
        return this;
    }

    public boolean insecure()
    {
        return insecure;
    }

    /** Replica group: how often the commit mark is stored when it moved. */
    public ServerConfig commitMarkIntervalMs(final long commitMarkIntervalMs)
    {
        group.commitMarkIntervalMs(commitMarkIntervalMs);
        return this;
    }

    public long commitMarkIntervalMs()
    {
        return group.commitMarkIntervalMs();
    }

    /**
     * Adds a protocol gateway (for example ISO 8583) built at start-up and run on the receiving thread beside the
     * native protocol; see {@link GatewayAgent}. At most 64.
     */
    public ServerConfig addGateway(final GatewayFactory factory)
    {
        gatewayFactories.add(Objects.requireNonNull(factory, "factory"));
        return this;
    }

    public List<GatewayFactory> gatewayFactories()
    {
        return List.copyOf(gatewayFactories);
    }

    /** Engine limits; {@code new EngineConfig()} (sized for a million consumers, about 1 GiB of heap) when unset. */
    public ServerConfig engineConfig(final EngineConfig engineConfig)
    {
        this.engineConfig = Objects.requireNonNull(engineConfig, "engineConfig");
        return this;
    }

    public EngineConfig engineConfig()
    {
        if (null == engineConfig)
        {
            engineConfig = new EngineConfig();
        }
        return engineConfig;
    }

    /** Snapshot settings (the snapshotter is off unless enabled there). */
    public ServerConfig snapshotConfig(final SnapshotConfig snapshotConfig)
    {
        this.snapshotConfig = Objects.requireNonNull(snapshotConfig, "snapshotConfig");
        return this;
    }

    public SnapshotConfig snapshotConfig()
    {
        return snapshotConfig;
    }

    /** The clock the network thread stamps inputs with; tests may supply a controlled one. */
    public ServerConfig epochClock(final EpochClock epochClock)
    {
        this.epochClock = Objects.requireNonNull(epochClock, "epochClock");
        return this;
    }

    public EpochClock epochClock()
    {
        return epochClock;
    }

    /**
     * Called, on the failing thread, when the journal, engine or replication stage fails (a bug, a lost disk, a
     * peer's message no check foresaw): the stage has
     * stopped and the server no longer processes input. The failure is logged first in any case. A process should
     * exit (ServerMain does, with status 70) so that a supervisor restarts it and recovery replays the journal.
     */
    public ServerConfig fatalErrorHandler(final ErrorHandler fatalErrorHandler)
    {
        this.fatalErrorHandler = Objects.requireNonNull(fatalErrorHandler, "fatalErrorHandler");
        return this;
    }

    /** The fatal error handler, or null when only logging is wanted (tests, embedded use). */
    public ErrorHandler fatalErrorHandler()
    {
        return fatalErrorHandler;
    }

    /** Replica group: restart on an installed snapshot; {@link GroupOptions#restartHandler}. */
    public ServerConfig restartHandler(final Consumer<String> restartHandler)
    {
        group.restartHandler(restartHandler);
        return this;
    }

    /** @return see {@link #restartHandler(Consumer)}; may be null. */
    public Consumer<String> restartHandler()
    {
        return group.restartHandler();
    }

    /** Session-layer settings: authentication, logon limits, timeouts (docs/security.md). */
    public GatewayConfig gateway()
    {
        return gateway;
    }

    /** Checks every setting; called by {@link WodianServer#launch(ServerConfig)}. */
    void validate()
    {
        gateway.validate(host);
        if (null == tls && !insecure && !GatewayConfig.isLoopback(host))
        {
            throw new IllegalArgumentException("refusing to serve in clear text on " + host + ", which is not a " +
                "loopback address: payments would cross the network unencrypted. Configure TLS (--tls-cert, " +
                "--tls-key; docs/security.md) or, on a network you trust, pass --insecure");
        }
        group.validate(insecure, GatewayConfig::isLoopback);
        if (null == tls && !insecure && metricsPort >= 0 && !GatewayConfig.isLoopback(metricsHost))
        {
            throw new IllegalArgumentException("refusing to serve metrics in clear text on " + metricsHost +
                ", which is not a loopback address: configure TLS (--tls-cert, --tls-key) or pass --insecure");
        }
        snapshotConfig.validate();
        if (port < 0 || port > 65535)
        {
            throw new IllegalArgumentException("port must be in 0..65535: " + port);
        }
        requirePowerOfTwo(inputRingSize, "inputRingSize");
        requirePowerOfTwo(outputRingSize, "outputRingSize");
        StrategyFactory.checkWaitStrategyName(pipelineWaitStrategy);
        StrategyFactory.checkIdleStrategyName(networkIdleStrategy);
        StrategyFactory.checkIdleStrategyName(senderIdleStrategy);
        if (tickIntervalMs <= 0)
        {
            throw new IllegalArgumentException("tickIntervalMs must be > 0: " + tickIntervalMs);
        }
        if (sessionsMax <= 0 || sessionsMax > Session.SLOT_INDEX_MASK + 1)
        {
            throw new IllegalArgumentException("sessionsMax must be in 1.." + (Session.SLOT_INDEX_MASK + 1) + ": " +
                sessionsMax);
        }
        if (receiveBufferLength < REQUEST_FRAME_BYTES_MAX)
        {
            throw new IllegalArgumentException("receiveBufferLength must be >= " + REQUEST_FRAME_BYTES_MAX + ": " +
                receiveBufferLength);
        }
        if (sendBufferLength < REPLY_FRAME_BYTES_MAX)
        {
            throw new IllegalArgumentException("sendBufferLength must be >= " + REPLY_FRAME_BYTES_MAX + ": " +
                sendBufferLength);
        }
        if (socketSendBufferLength < 0 || socketReceiveBufferLength < 0)
        {
            throw new IllegalArgumentException("socket buffer lengths must be >= 0 (0: system default)");
        }
        if (closeLingerMs < 0 || shutdownTimeoutMs < 0)
        {
            throw new IllegalArgumentException("closeLingerMs and shutdownTimeoutMs must be >= 0");
        }
        if (warmupInputs < 0)
        {
            throw new IllegalArgumentException("warmupInputs must be >= 0: " + warmupInputs);
        }
        if (journalWriteAheadBytes < 0)
        {
            throw new IllegalArgumentException("journalWriteAheadBytes must be >= 0: " + journalWriteAheadBytes);
        }
        if (metricsPort < -1 || metricsPort > 65535)
        {
            throw new IllegalArgumentException("metricsPort must be -1 (off) or in 0..65535: " + metricsPort);
        }
        if (gatewayFactories.size() > ServerGatewayContext.GATEWAY_INDEX_MAX + 1)
        {
            throw new IllegalArgumentException("at most " + (ServerGatewayContext.GATEWAY_INDEX_MAX + 1) + " gateways");
        }
    }

    private static void requirePowerOfTwo(final int value, final String name)
    {
        if (value < 2 || !BitUtil.isPowerOfTwo(value))
        {
            throw new IllegalArgumentException(name + " must be a power of two >= 2: " + value);
        }
    }

    /**
     * What a newcomer needs from the start-up line, on one short line: where the data is, where it listens, thread
     * layout, durability, logons, group membership, snapshots. The whole configuration is {@link #toString()}, logged
     * at DEBUG (docs/performance.md lists every setting).
     */
    public String summary()
    {
        final ReplicaGroupConfig group = this.group.replicaGroup();
        return "data " + dataDir + ", listening on " + host + ':' + (0 == port ? "(any free port)" : port) +
            ", " + threadingMode.name().toLowerCase(Locale.ROOT) +
            (null != group && ThreadingMode.SHARED == threadingMode ? " (as compact in a group)" : "") +
            " threads, durability " +
            durabilityPolicy.name().toLowerCase(Locale.ROOT) + ", logon " +
            gateway.authMode().name().toLowerCase(Locale.ROOT) +
            (null == tls ? ", clear text" + (insecure ? " (--insecure)" : "") :
            ", TLS (client certificates " + tls.clientAuth().name().toLowerCase(Locale.ROOT) + ")") +
            (null == group ? ", running alone" : ", node " + group.nodeId() + " of a group of " +
            Long.bitCount(group.idsWithAddress()) + " (" + group.ackPolicy().displayName() + ")") +
            ", snapshots " + (snapshotConfig.isEnabledFor(null != group) ? "on" : "off") +
            (gatewayFactories.isEmpty() ? "" : ", " + gatewayFactories.size() + " extra gateway(s)");
    }

    @Override
    public String toString()
    {
        return "ServerConfig{dataDir=" + dataDir + ", newDataDirectoryAllowed=" + newDataDirectoryAllowed +
            ", host=" + host + ", port=" + port +
            ", threadingMode=" + threadingMode + ", durabilityPolicy=" + durabilityPolicy +
            ", inputRingSize=" + inputRingSize + ", outputRingSize=" + outputRingSize +
            ", pipelineWaitStrategy=" + pipelineWaitStrategy + ", networkIdleStrategy=" + networkIdleStrategy +
            ", senderIdleStrategy=" + senderIdleStrategy + ", tickIntervalMs=" + tickIntervalMs +
            ", sessionsMax=" + sessionsMax + ", receiveBufferLength=" + receiveBufferLength +
            ", sendBufferLength=" + sendBufferLength + ", socketSendBufferLength=" + socketSendBufferLength +
            ", socketReceiveBufferLength=" + socketReceiveBufferLength + ", closeLingerMs=" + closeLingerMs +
            ", shutdownTimeoutMs=" + shutdownTimeoutMs + ", replicationIdle=" + group.replicationIdle() +
            ", commitMarkIntervalMs=" + group.commitMarkIntervalMs() + ", metricsPort=" + metricsPort +
            ", metricsHost=" + metricsHost + ", stageLatency=" + stageLatency + ", tls=" + tls +
            ", insecure=" + insecure + ", warmupInputs=" + warmupInputs + ", gateways=" + gatewayFactories.size() +
            ", engineConfig=" + engineConfig + ", " + gateway + ", " + snapshotConfig + '}';
    }
}
