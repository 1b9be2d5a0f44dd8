package com.wodian.net.server;

import com.wodian.journal.DurabilityPolicy;
import com.wodian.journal.JournalConfig;
import com.wodian.net.cluster.GroupOptions;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Locale;

/**
 * The system properties a {@link ServerConfig} takes its defaults from, in the style of an Aeron {@code Configuration}:
 * each setting's {@code *_PROP_NAME} and {@code *_DEFAULT}, and a reader that returns the property's value or the
 * default. Each setting can be given as a system property ({@code -Dwodian.net.port=7701}); the setters of
 * {@link ServerConfig} override them.
 */
public final class ServerProperties
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

    /**
     * With the page-cache journal, how far ahead of the appender (KiB) the metrics thread write-faults the journal
     * file's pages ({@code JournalConfig.withWriteAheadBytes}; docs/history/latency-sessions.md, "Fresh-page write
     * faults on ext4"); 0 leaves each page's first write to the network thread. A server alone; default 4096.
     */
    public static final String JOURNAL_WRITE_AHEAD_KIB_PROP_NAME = "wodian.journal.writeahead.kib";

    private ServerProperties()
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

    public static int warmupInputs()
    {
        return Integer.getInteger(WARMUP_INPUTS_PROP_NAME, WARMUP_INPUTS_DEFAULT);
    }

    public static long journalWriteAheadBytes()
    {
        return Long.getLong(JOURNAL_WRITE_AHEAD_KIB_PROP_NAME, JournalConfig.WRITE_AHEAD_BYTES_DEFAULT >> 10) << 10;
    }

    public static int metricsPort()
    {
        return Integer.getInteger(METRICS_PORT_PROP_NAME, METRICS_PORT_DEFAULT);
    }

    public static String metricsHost()
    {
        return System.getProperty(METRICS_HOST_PROP_NAME, METRICS_HOST_DEFAULT);
    }

    /** @return false only when the property says {@code false} (any case): stamps are on unless turned off. */
    public static boolean stageLatency()
    {
        return !"false".equalsIgnoreCase(System.getProperty(STAGE_LATENCY_PROP_NAME, "true"));
    }

    /** @return the interval log's file, or null for none. */
    public static String stageLatencyLog()
    {
        return System.getProperty(STAGE_LATENCY_LOG_PROP_NAME);
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
