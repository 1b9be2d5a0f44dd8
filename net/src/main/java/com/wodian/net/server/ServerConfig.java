package com.wodian.net.server;

import com.wodian.engine.EngineConfig;
import com.wodian.journal.DurabilityPolicy;
import com.wodian.net.cluster.GroupOptions;
import com.wodian.net.cluster.ReplicaGroupConfig;
import com.wodian.net.durability.SnapshotConfig;
import org.agrona.BitUtil;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SystemEpochClock;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

import static com.wodian.net.FrameDescriptor.REPLY_FRAME_BYTES_MAX;
import static com.wodian.net.FrameDescriptor.REQUEST_FRAME_BYTES_MAX;

/**
 * Settings of a {@link WodianServer}, in the style of an Aeron context: a mutable builder whose defaults come from
 * system properties ({@link Configuration}), checked once by {@link WodianServer#launch(ServerConfig)}.
 * Lengths are in bytes, times carry their unit in the name.
 */
public final class ServerConfig
{
    /**
     * Property names and defaults. Each setting can be given as a system property ({@code -Dwodian.net.port=7701});
     * the setters of {@link ServerConfig} override them.
     */
    public static final class Configuration
    {
        /** Data directory: the journal lives in {@code <dir>/journal}. */
        public static final String DATA_DIR_PROP_NAME = "wodian.data.dir";
        public static final String DATA_DIR_DEFAULT = "wodian-data";

        /** Address to bind; loopback by default so that a developer's server is not reachable from outside. */
        public static final String HOST_PROP_NAME = "wodian.net.host";
        public static final String HOST_DEFAULT = "127.0.0.1";

        /** TCP port; 0 binds an ephemeral port, read it back with {@link WodianServer#port()}. */
        public static final String PORT_PROP_NAME = "wodian.net.port";
        public static final int PORT_DEFAULT = 7701;

        /**
         * {@link ThreadingMode} name, case-insensitive. SHARED by default: on the two-core target machines one thread
         * that receives, journals, applies and sends took 0.54-0.80 of COMPACT's CPU per request and saturated
         * 1.06-1.31x higher (docs/latency.md); a replica group runs it as COMPACT.
         */
        public static final String THREADING_MODE_PROP_NAME = "wodian.threading.mode";
        public static final ThreadingMode THREADING_MODE_DEFAULT = ThreadingMode.SHARED;

        /** Journal durability policy name, case-insensitive: SYNC forces each batch to disk before any reply. */
        public static final String DURABILITY_POLICY_PROP_NAME = "wodian.journal.durability";
        public static final DurabilityPolicy DURABILITY_POLICY_DEFAULT = DurabilityPolicy.SYNC;

        /** Slots of the input ring (power of two); 8 192 x 256 B payloads is 2 MiB. */
        public static final String INPUT_RING_SIZE_PROP_NAME = "wodian.input.ring.size";
        public static final int INPUT_RING_SIZE_DEFAULT = 8192;

        /** Slots of the output ring (power of two). */
        public static final String OUTPUT_RING_SIZE_PROP_NAME = "wodian.output.ring.size";
        public static final int OUTPUT_RING_SIZE_DEFAULT = 8192;

        /**
         * Wait strategy of the input ring's consumers (the pipeline thread in COMPACT; journal and engine threads in
         * DEDICATED). See {@link StrategyFactory#WAIT_STRATEGY_NAMES}. {@code blocking} by default: no CPU while
         * idle, and a wake-up per batch, not per input. Note that in DEDICATED mode the Disruptor's blocking and
         * yielding strategies spin while the engine waits for the journal thread (the dependent sequence).
         */
        public static final String PIPELINE_WAIT_STRATEGY_PROP_NAME = "wodian.pipeline.wait.strategy";
        public static final String PIPELINE_WAIT_STRATEGY_DEFAULT = StrategyFactory.WAIT_BLOCKING;

        /**
         * Idle strategy of the network agent (COMPACT) or the receiver agent (DEDICATED). See
         * {@link StrategyFactory#IDLE_STRATEGY_NAMES}. {@code select} by default: on two cores no thread may spin,
         * and blocking in the selector picks a request up as soon as the kernel wakes the thread, where a backoff
         * park adds up to its park period (measured with perf/RoundTripLatencyMain).
         */
        public static final String NETWORK_IDLE_STRATEGY_PROP_NAME = "wodian.net.idle.strategy";
        public static final String NETWORK_IDLE_STRATEGY_DEFAULT = StrategyFactory.IDLE_SELECT;

        /** Idle strategy of the sender agent; DEDICATED only (in COMPACT the sender shares the network thread). */
        public static final String SENDER_IDLE_STRATEGY_PROP_NAME = "wodian.sender.idle.strategy";
        public static final String SENDER_IDLE_STRATEGY_DEFAULT = StrategyFactory.IDLE_SELECT;

        /** Interval of the internal Tick command that advances engine time (hold expiry) while no command arrives. */
        public static final String TICK_INTERVAL_MS_PROP_NAME = "wodian.tick.interval.ms";
        public static final long TICK_INTERVAL_MS_DEFAULT = 1000;

        /** Concurrent connections; one more is accepted and closed at once. */
        public static final String SESSIONS_MAX_PROP_NAME = "wodian.net.sessions.max";
        public static final int SESSIONS_MAX_DEFAULT = 1024;

        /** Per-session receive buffer: bytes read from the socket and not yet published to the input ring. */
        public static final String RECEIVE_BUFFER_LENGTH_PROP_NAME = "wodian.net.receive.buffer.length";
        public static final int RECEIVE_BUFFER_LENGTH_DEFAULT = 64 * 1024;

        /**
         * Per-session send buffer: replies the socket did not take yet. A client that lets more than this pile up
         * is a slow reader and is disconnected, so that it can neither block the sender nor grow memory.
         */
        public static final String SEND_BUFFER_LENGTH_PROP_NAME = "wodian.net.send.buffer.length";
        public static final int SEND_BUFFER_LENGTH_DEFAULT = 256 * 1024;

        /** SO_SNDBUF of accepted sockets; 0 leaves the operating system's default (and its auto-tuning). */
        public static final String SOCKET_SEND_BUFFER_LENGTH_PROP_NAME = "wodian.net.socket.send.buffer.length";
        public static final int SOCKET_SEND_BUFFER_LENGTH_DEFAULT = 0;

        /** SO_RCVBUF of accepted sockets; 0 leaves the operating system's default (and its auto-tuning). */
        public static final String SOCKET_RECEIVE_BUFFER_LENGTH_PROP_NAME = "wodian.net.socket.receive.buffer.length";
        public static final int SOCKET_RECEIVE_BUFFER_LENGTH_DEFAULT = 0;

        /** How long a closing session may take to flush its last replies before it is closed regardless. */
        public static final String CLOSE_LINGER_MS_PROP_NAME = "wodian.net.close.linger.ms";
        public static final long CLOSE_LINGER_MS_DEFAULT = 1000;

        /** How long {@link WodianServer#close()} waits for accepted inputs and their replies to drain. */
        public static final String SHUTDOWN_TIMEOUT_MS_PROP_NAME = "wodian.shutdown.timeout.ms";
        public static final long SHUTDOWN_TIMEOUT_MS_DEFAULT = 5000;

        /** Replica group: see {@link GroupOptions#REPLICATION_IDLE_PROP_NAME}. */
        public static final String REPLICATION_IDLE_PROP_NAME = GroupOptions.REPLICATION_IDLE_PROP_NAME;
        public static final String REPLICATION_IDLE_DEFAULT = GroupOptions.REPLICATION_IDLE_DEFAULT;

        /** Replica group: see {@link GroupOptions#COMMIT_MARK_INTERVAL_MS_PROP_NAME}. */
        public static final String COMMIT_MARK_INTERVAL_MS_PROP_NAME = GroupOptions.COMMIT_MARK_INTERVAL_MS_PROP_NAME;
        public static final long COMMIT_MARK_INTERVAL_MS_DEFAULT = GroupOptions.COMMIT_MARK_INTERVAL_MS_DEFAULT;

        /**
         * Port of the HTTP endpoint ({@code /metrics}, {@code /health/live}, {@code /health/ready}); -1 (the
         * default) for none, 0 for an ephemeral one.
         */
        public static final String METRICS_PORT_PROP_NAME = "wodian.metrics.port";
        public static final int METRICS_PORT_DEFAULT = -1;

        /** Address the HTTP endpoint binds: loopback unless an operator chooses otherwise. */
        public static final String METRICS_HOST_PROP_NAME = "wodian.metrics.host";
        public static final String METRICS_HOST_DEFAULT = "127.0.0.1";

        /**
         * Stage stamps and histograms (docs/observability.md): on by default. Off ({@code false}) only to measure
         * their cost: the receiver then reads no clock per socket read and the sender records no histogram value;
         * the counters stay.
         */
        public static final String STAGE_LATENCY_PROP_NAME = "wodian.stage.latency";

        /**
         * A file to write every stage latency interval to (an HdrHistogram interval log, one line per stage and
         * second), so that a measured window can be cut out afterwards (docs/observability.md); unset by default.
         */
        public static final String STAGE_LATENCY_LOG_PROP_NAME = "wodian.stage.latency.log";

        /**
         * Inputs run through a throwaway engine before the port opens, so that the JIT compiles the engine's hot
         * paths before live traffic ({@code EngineWarmup}); 0 (the default here; {@code wodian server} uses 50 000)
         * for none.
         */
        public static final String WARMUP_INPUTS_PROP_NAME = "wodian.warmup.inputs";
        public static final int WARMUP_INPUTS_DEFAULT = 0;

        private Configuration()
        {
        }

        public static Path dataDir()
        {
            return Paths.get(System.getProperty(DATA_DIR_PROP_NAME, DATA_DIR_DEFAULT));
        }

        public static String host()
        {
            return System.getProperty(HOST_PROP_NAME, HOST_DEFAULT);
        }

        public static int port()
        {
            return Integer.getInteger(PORT_PROP_NAME, PORT_DEFAULT);
        }

        public static ThreadingMode threadingMode()
        {
            final String name = System.getProperty(THREADING_MODE_PROP_NAME);
            return null == name ? THREADING_MODE_DEFAULT : parseThreadingMode(name);
        }

        public static DurabilityPolicy durabilityPolicy()
        {
            final String name = System.getProperty(DURABILITY_POLICY_PROP_NAME);
            return null == name ? DURABILITY_POLICY_DEFAULT : parseDurabilityPolicy(name);
        }

        public static int inputRingSize()
        {
            return Integer.getInteger(INPUT_RING_SIZE_PROP_NAME, INPUT_RING_SIZE_DEFAULT);
        }

        public static int outputRingSize()
        {
            return Integer.getInteger(OUTPUT_RING_SIZE_PROP_NAME, OUTPUT_RING_SIZE_DEFAULT);
        }

        public static String pipelineWaitStrategy()
        {
            return System.getProperty(PIPELINE_WAIT_STRATEGY_PROP_NAME, PIPELINE_WAIT_STRATEGY_DEFAULT);
        }

        public static String networkIdleStrategy()
        {
            return System.getProperty(NETWORK_IDLE_STRATEGY_PROP_NAME, NETWORK_IDLE_STRATEGY_DEFAULT);
        }

        public static String senderIdleStrategy()
        {
            return System.getProperty(SENDER_IDLE_STRATEGY_PROP_NAME, SENDER_IDLE_STRATEGY_DEFAULT);
        }

        public static long tickIntervalMs()
        {
            return Long.getLong(TICK_INTERVAL_MS_PROP_NAME, TICK_INTERVAL_MS_DEFAULT);
        }

        public static int sessionsMax()
        {
            return Integer.getInteger(SESSIONS_MAX_PROP_NAME, SESSIONS_MAX_DEFAULT);
        }

        public static int receiveBufferLength()
        {
            return Integer.getInteger(RECEIVE_BUFFER_LENGTH_PROP_NAME, RECEIVE_BUFFER_LENGTH_DEFAULT);
        }

        public static int sendBufferLength()
        {
            return Integer.getInteger(SEND_BUFFER_LENGTH_PROP_NAME, SEND_BUFFER_LENGTH_DEFAULT);
        }

        public static int socketSendBufferLength()
        {
            return Integer.getInteger(SOCKET_SEND_BUFFER_LENGTH_PROP_NAME, SOCKET_SEND_BUFFER_LENGTH_DEFAULT);
        }

        public static int socketReceiveBufferLength()
        {
            return Integer.getInteger(SOCKET_RECEIVE_BUFFER_LENGTH_PROP_NAME, SOCKET_RECEIVE_BUFFER_LENGTH_DEFAULT);
        }

        public static long closeLingerMs()
        {
            return Long.getLong(CLOSE_LINGER_MS_PROP_NAME, CLOSE_LINGER_MS_DEFAULT);
        }

        public static long shutdownTimeoutMs()
        {
            return Long.getLong(SHUTDOWN_TIMEOUT_MS_PROP_NAME, SHUTDOWN_TIMEOUT_MS_DEFAULT);
        }

        /** Parses a threading mode name such as {@code compact} or {@code DEDICATED}. */
        public static ThreadingMode parseThreadingMode(final String name)
        {
            return ThreadingMode.valueOf(name.trim().toUpperCase(Locale.ROOT));
        }

        /** Parses a durability policy name such as {@code sync}, {@code page-cache} or {@code PAGE_CACHE}. */
        public static DurabilityPolicy parseDurabilityPolicy(final String name)
        {
            return DurabilityPolicy.valueOf(name.trim().replace('-', '_').toUpperCase(Locale.ROOT));
        }
    }

    private Path dataDir = Configuration.dataDir();
    private String host = Configuration.host();
    private int port = Configuration.port();
    private ThreadingMode threadingMode = Configuration.threadingMode();
    private DurabilityPolicy durabilityPolicy = Configuration.durabilityPolicy();
    private int inputRingSize = Configuration.inputRingSize();
    private int outputRingSize = Configuration.outputRingSize();
    private String pipelineWaitStrategy = Configuration.pipelineWaitStrategy();
    private String networkIdleStrategy = Configuration.networkIdleStrategy();
    private String senderIdleStrategy = Configuration.senderIdleStrategy();
    private long tickIntervalMs = Configuration.tickIntervalMs();
    private int sessionsMax = Configuration.sessionsMax();
    private int receiveBufferLength = Configuration.receiveBufferLength();
    private int sendBufferLength = Configuration.sendBufferLength();
    private int socketSendBufferLength = Configuration.socketSendBufferLength();
    private int socketReceiveBufferLength = Configuration.socketReceiveBufferLength();
    private long closeLingerMs = Configuration.closeLingerMs();
    private long shutdownTimeoutMs = Configuration.shutdownTimeoutMs();
    private int warmupInputs = Integer.getInteger(Configuration.WARMUP_INPUTS_PROP_NAME,
        Configuration.WARMUP_INPUTS_DEFAULT);
    private int metricsPort = Integer.getInteger(Configuration.METRICS_PORT_PROP_NAME,
        Configuration.METRICS_PORT_DEFAULT);
    private String metricsHost = System.getProperty(Configuration.METRICS_HOST_PROP_NAME,
        Configuration.METRICS_HOST_DEFAULT);
    private boolean stageLatency =
        !"false".equalsIgnoreCase(System.getProperty(Configuration.STAGE_LATENCY_PROP_NAME, "true"));
    private String stageLatencyLog = System.getProperty(Configuration.STAGE_LATENCY_LOG_PROP_NAME);
    private final List<GatewayFactory> gatewayFactories = new ArrayList<>();
    private EngineConfig engineConfig;
    private SnapshotConfig snapshotConfig = new SnapshotConfig();
    private EpochClock epochClock = SystemEpochClock.INSTANCE;
    private ErrorHandler fatalErrorHandler;
    private final GatewayConfig gateway = new GatewayConfig();
    private final GroupOptions group = new GroupOptions();
    private com.wodian.net.tls.TlsSettings tls;
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
    public ServerConfig tls(final com.wodian.net.tls.TlsSettings tls)
    {
        this.tls = tls;
        return this;
    }

    public com.wodian.net.tls.TlsSettings tls()
    {
        return tls;
    }

    /** Mutual TLS between the nodes of a replica group; {@link GroupOptions#replicationTls(TlsSettings)}. */
    public ServerConfig replicationTls(final com.wodian.net.tls.TlsSettings replicationTls)
    {
        group.replicationTls(replicationTls);
        return this;
    }

    public com.wodian.net.tls.TlsSettings replicationTls()
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

    /** The clock the network thread stamps inputs with; tests may supply a controlled one. */
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
     * Called, on the failing thread, when the journal or engine stage fails (a bug or a lost disk): the stage has
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
    public ServerConfig restartHandler(final java.util.function.Consumer<String> restartHandler)
    {
        group.restartHandler(restartHandler);
        return this;
    }

    /** @return see {@link #restartHandler(java.util.function.Consumer)}; may be null. */
    public java.util.function.Consumer<String> restartHandler()
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
        if (metricsPort < -1 || metricsPort > 65535)
        {
            throw new IllegalArgumentException("metricsPort must be -1 (off) or in 0..65535: " + metricsPort);
        }
        if (gatewayFactories.size() > GatewayContext.GATEWAY_INDEX_MAX + 1)
        {
            throw new IllegalArgumentException("at most " + (GatewayContext.GATEWAY_INDEX_MAX + 1) + " gateways");
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
            ", " + threadingMode.name().toLowerCase(java.util.Locale.ROOT) +
            (null != group && ThreadingMode.SHARED == threadingMode ? " (as compact in a group)" : "") +
            " threads, durability " +
            durabilityPolicy.name().toLowerCase(java.util.Locale.ROOT) + ", logon " +
            gateway.authMode().name().toLowerCase(java.util.Locale.ROOT) +
            (null == tls ? ", clear text" + (insecure ? " (--insecure)" : "") :
            ", TLS (client certificates " + tls.clientAuth().name().toLowerCase(java.util.Locale.ROOT) + ")") +
            (null == group ? ", running alone" : ", node " + group.nodeId() + " of a group of " +
            group.groupSize() + " (" + group.ackPolicy().displayName() + ")") +
            ", snapshots " + (snapshotConfig.isEnabledFor(null != group) ? "on" : "off") +
            (gatewayFactories.isEmpty() ? "" : ", " + gatewayFactories.size() + " extra gateway(s)");
    }

    @Override
    public String toString()
    {
        return "ServerConfig{dataDir=" + dataDir + ", host=" + host + ", port=" + port +
            ", threadingMode=" + threadingMode + ", durabilityPolicy=" + durabilityPolicy +
            ", inputRingSize=" + inputRingSize + ", outputRingSize=" + outputRingSize +
            ", pipelineWaitStrategy=" + pipelineWaitStrategy + ", networkIdleStrategy=" + networkIdleStrategy +
            ", senderIdleStrategy=" + senderIdleStrategy + ", tickIntervalMs=" + tickIntervalMs +
            ", sessionsMax=" + sessionsMax + ", receiveBufferLength=" + receiveBufferLength +
            ", sendBufferLength=" + sendBufferLength + ", socketSendBufferLength=" + socketSendBufferLength +
            ", socketReceiveBufferLength=" + socketReceiveBufferLength + ", closeLingerMs=" + closeLingerMs +
            ", shutdownTimeoutMs=" + shutdownTimeoutMs + ", replicationIdle=" + group.replicationIdle() +
            ", commitMarkIntervalMs=" + group.commitMarkIntervalMs() + ", metricsPort=" + metricsPort +
            ", metricsHost=" + metricsHost + ", stageLatency=" + stageLatency + ", tls=" + tls + ", insecure=" + insecure + ", warmupInputs=" + warmupInputs + ", gateways=" + gatewayFactories.size() + ", engineConfig=" + engineConfig + ", " + gateway + ", " +
            snapshotConfig + '}';
    }
}
