package com.wodian.net.server;

import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.EventPoller;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.WaitStrategy;
import com.wodian.journal.JournalWarmup;
import com.wodian.journal.SnapshotStore;
import com.wodian.net.BuildIdentity;
import com.wodian.net.cluster.NodeIdentityFile;
import com.wodian.net.durability.EngineLimitsFile;
import com.wodian.net.durability.EngineRecovery;
import com.wodian.net.durability.SnapshotAgent;
import com.wodian.net.durability.SnapshotConfig;
import com.wodian.net.gateway.GatewayAgent;
import com.wodian.net.gateway.GatewayFactory;
import com.wodian.net.metrics.MetricsHttpServer;
import com.wodian.net.metrics.ServerCounters;
import com.wodian.net.metrics.StageLatency;
import com.wodian.net.pipeline.InputEvent;
import com.wodian.net.tls.TlsContext;
import com.wodian.net.tls.TlsSettings;
import org.agrona.BitUtil;
import org.agrona.CloseHelper;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The Wodian server: the whole pipeline, wired in one place.
 * <pre>
 *  clients ──TCP──▶ receiver ──▶ input ring ──▶ journal ──▶ engine ──▶ output ring ──▶ sender ──TCP──▶ clients
 *                   (frames,      (InputEvent)   (append,    (apply,     (OutputEvent)  (batch writes,
 *                    check,                       force at    claim a                    slow-reader
 *                    Tick)                        batch end)  reply slot)                disconnect)
 * </pre>
 * <ul>
 *     <li>Commands are journaled (contiguous sequences from the journal's last) and then applied; queries are not
 *     journaled and are answered in ring order; refused frames become ErrorReplies in order.</li>
 *     <li>No reply leaves before its input is durable by the journal's policy (see {@link EngineHandler}).</li>
 *     <li>Replies on a connection come back in the order of its requests: one ring, one engine thread, one output
 *     ring and one sender keep every session's order end to end.</li>
 *     <li>Threads follow the {@link ThreadingMode}; each stage's wait or idle strategy is named in
 *     {@link ServerConfig}.</li>
 *     <li>Start-up loads the newest valid snapshot and replays the journal's tail after it (the whole journal when
 *     there is none) before the port is bound, so a client never sees a state older than what was acknowledged
 *     before the restart ({@link EngineRecovery}).</li>
 *     <li>With snapshots enabled, a snapshotter ({@link SnapshotAgent}) follows the journal with a replica engine on
 *     its own thread and writes snapshots from it: the serving engine never pauses for one.</li>
 * </ul>
 * The engine's state is reachable only through the ring: ask for it with a StateHashQuery over a connection.
 */
public final class WodianServer implements AutoCloseable
{
    static final System.Logger LOG = System.getLogger("com.wodian.net.server");

    private static final long METRICS_IDLE_MS = 100;

    /** Subdirectory of {@link ServerConfig#dataDir()} that holds the journal. */
    public static final String JOURNAL_DIR_NAME = "journal";

    /** File in the data directory holding a group member's current term and vote. */
    public static final String TERM_STORE_FILE_NAME = "term-store";

    private static final int CLOSE_REQUEST_RECORD_LENGTH = 16;

    private final ServerConfig config;
    private final ServerLog log;
    private final RingBuffer<InputEvent> inputRing;
    private final RingBuffer<OutputEvent> outputRing;
    private final SessionTable sessions;
    private final ServerSocketChannel serverChannel;
    private final ReceiverAgent receiver;
    private final SenderAgent sender;
    private final PipelineTopology topology;
    private final StageFailureHandler stageFailureHandler;
    private final int port;
    private final long recoveredInputCount;
    private final SnapshotStore snapshotStore;
    private final EngineRecovery.Result recovery;
    private final SnapshotAgent snapshotAgent;
    private final AgentRunner snapshotRunner;
    private final ServerCounters counters;
    private final StageLatency stageLatency = new StageLatency();
    private final MetricsAgent metricsAgent;
    private final AgentRunner metricsRunner;
    private final MetricsHttpServer metricsHttpServer;
    private volatile boolean closed;
    /** Null on a clear-text server. */
    private final TlsContext tlsContext;
    /** Null for clear-text replication links (or no group). */
    private final TlsContext replicationTlsContext;
    private final DataDirectoryLock dataDirectoryLock;
    /** The admin audit trail's writer (docs/operations.md, "Admin audit trail"). */
    private final AdminAuditFile auditFile;
    /** The admin audit trail's pending records: those left at the stop are written NO_REPLY (review R26). */
    private final AdminAudit audit;
    /** A clock behind the journal by more than this is logged at start: less is ordinary skew between runs. */
    private static final long CLOCK_BEHIND_WARNING_MS = 1_000;

    private WodianServer(final ServerConfig config, final DataDirectoryLock dataDirectoryLock) throws IOException
    {
        this.dataDirectoryLock = dataDirectoryLock;
        this.config = config;
        // The engine's JIT warm-up on its own thread while the start opens the journal, done before recovery's tail:
        // after the tail, its throwaway engine threw away the C2 code the tail had compiled (EngineWarmup).
        final EngineWarmup.InBackground engineWarmup = EngineWarmup.start(config.warmupInputs());
        // 0. Key material before anything opens, so that a bad or expired file stops the start at once.
        this.tlsContext = loadTls(config.tls(), config.epochClock().time());
        this.replicationTlsContext = loadTls(config.replicationTls(), config.epochClock().time());
        this.stageFailureHandler = new StageFailureHandler(config.fatalErrorHandler());
        logStarting(config);

        // 1. State: open the journal (the server's own, or the replica group's log: the one choice between the two,
        //    ServerLog), load the newest valid snapshot and replay the journal's tail after it (all of it when there
        //    is no snapshot), before any client can connect. A group member replays only up to its commit mark:
        //    entries after it may never have been acknowledged by the group.
        snapshotStore = new SnapshotStore(config.dataDir().resolve(SnapshotConfig.SNAPSHOT_DIR_NAME),
            config.snapshotConfig().retainCount());
        log = openLog(config, snapshotStore);
        awaitEngineWarmUp(engineWarmup, log);
        recovery = recover(config, log, snapshotStore);
        recoveredInputCount = recovery.engine().lastSequence();
        warmUpJournal(config);
        counters = openCounters(config, recoveredInputCount);

        // 2. Rings: the input ring's wait strategy follows the layout; the output ring is polled by the sender,
        //    never waited on, so it needs no signalling on publish.
        final WaitStrategy inputWaitStrategy = inputWaitStrategy(config);
        inputRing = RingBuffer.createSingleProducer(InputEvent::newInstance, config.inputRingSize(),
            inputWaitStrategy);
        outputRing = RingBuffer.createSingleProducer(OutputEvent::newInstance, config.outputRingSize(),
            new BusySpinWaitStrategy());

        // 3. Network: sessions, the receiver and its gateways, the sender, the sender's close requests to the
        //    receiver, and how the engine stage wakes the thread that sends replies when it sleeps in a selector.
        sessions = newSessions(config);
        final OneToOneRingBuffer closeRequests = newCloseRequests(config);
        final EngineActivity activity = new EngineActivity();
        final Listener listener = listen(config, closeRequests, activity);
        serverChannel = listener.channel();
        port = listener.port();
        receiver = listener.receiver();
        sender = newSender(config, listener.wakeup(), closeRequests, listener.gateways());
        auditFile = AdminAuditFile.open(config.dataDir(), counters.scalar(ServerCounters.Scalar.ADMIN_AUDIT_DROPPED));
        audit = new AdminAudit(auditFile);
        receiver.audit(audit);
        sender.audit(audit);

        // 4. The pipeline's stages, each built once; the topology's one switch maps them onto threads and starts them.
        topology = startPipeline(config, inputWaitStrategy, activity, listener.wakeup());

        // 5. The snapshotter, if enabled (by default in a group): a replica engine on its own thread that follows the
        //    journal (in a group only up to the committed and applied index); it recovers by itself (snapshot +
        //    tail) on that thread, so it does not delay the start, and the serving engine never waits for it.
        snapshotAgent = newSnapshotAgent(config);
        snapshotRunner = startSnapshotter(snapshotAgent);

        // 6. The metrics thread: copies figures into the counters about once a second, maps the journal's next chunk
        //    before the appender needs it, and re-reads the credential and TLS files when they change (MetricsAgent).
        logStageLatencyIntervals(config.stageLatencyLog());
        metricsAgent = newMetricsAgent(listener.gateways());
        metricsRunner = PipelineTopology.startAgent(new SleepingMillisIdleStrategy(METRICS_IDLE_MS), metricsAgent,
            counters.scalar(ServerCounters.Scalar.ERRORS));
        metricsHttpServer = startMetricsHttpServer(config);
        warnAboutSpinningThreads(config);
        LOG.log(System.Logger.Level.INFO, "listening on {0}:{1,number,#} ({2}, {3})", config.host(), port,
            config.threadingMode(), topology.layout());
    }

    /** The build first, for a rolling upgrade; the whole configuration (~1,500 characters) only at DEBUG. */
    private static void logStarting(final ServerConfig config)
    {
        LOG.log(System.Logger.Level.INFO, "starting {0}: {1}", BuildIdentity.describe(), config.summary());
        LOG.log(System.Logger.Level.DEBUG, "configuration: {0}", config);
    }

    /**
     * The journal, checked against the snapshots before recovery; a check that fails closes it and stops the start.
     * A group member's journal may be emptied by a truncation (it re-joins instead), so only a lone server checks.
     */
    private static ServerLog openLog(final ServerConfig config, final SnapshotStore snapshotStore) throws IOException
    {
        final ServerLog log = ServerLog.open(config);
        try
        {
            if (!log.inReplicaGroup())
            {
                EmptiedJournalCheck.check(config.dataDir(), log.journal().lastSequence(), snapshotStore);
                SnapshotsBeyondJournal.setAside(snapshotStore, log.journal().lastSequence(), LOG);
            }
        }
        catch (final IOException ex)
        {
            log.close();
            throw ex;
        }
        return log;
    }

    /** The counters file, starting from the recovered journal position. */
    private static ServerCounters openCounters(final ServerConfig config, final long recoveredInputCount)
    {
        final ServerCounters counters = ServerCounters.create(config.dataDir(), config.epochClock().time());
        counters.scalar(ServerCounters.Scalar.JOURNAL_LAST_SEQUENCE).setRelease(recoveredInputCount);
        return counters;
    }

    /**
     * SHARED: the network thread applies what it publishes, nobody waits on the ring, so publishing signals no one.
     * Else the configured pipeline wait strategy.
     */
    private static WaitStrategy inputWaitStrategy(final ServerConfig config)
    {
        return isShared(config) ? new BusySpinWaitStrategy() :
            StrategyFactory.newWaitStrategy(config.pipelineWaitStrategy());
    }

    private static boolean isShared(final ServerConfig config)
    {
        return PipelineTopology.PipelineLayout.SHARED == PipelineTopology.PipelineLayout.of(config);
    }

    private static SessionTable newSessions(final ServerConfig config)
    {
        return new SessionTable(config.sessionsMax(), SessionTable.closingReserveFor(config.sessionsMax()),
            config.receiveBufferLength(), config.sendBufferLength());
    }

    /**
     * Builds the engine stage and the log's own stage (journal, or replication in a group), then hands every stage
     * to the topology, which chooses their threads and starts them.
     */
    private PipelineTopology startPipeline(
        final ServerConfig config,
        final WaitStrategy inputWaitStrategy,
        final EngineActivity activity,
        final PipelineTopology.Wakeup wakeup)
    {
        final EngineHandler engineHandler = new EngineHandler(recovery.engine(), outputRing, null,
            isShared(config) ? null : wakeup.waker(), activity, log.clusterView());
        log.buildStage(config, inputRing, inputWaitStrategy, recoveredInputCount, counters, replicationTlsContext,
            stageFailureHandler::onFatal);
        return PipelineTopology.start(config,
            log.stages(inputRing, outputRing, engineHandler, receiver, sender, wakeup.waker()), stageFailureHandler,
            stageFailureHandler::onFatal, counters.scalar(ServerCounters.Scalar.ERRORS));
    }

    /** The snapshotter's thread, or null without one; it backs off to 1 ms when the journal is quiet. */
    private AgentRunner startSnapshotter(final SnapshotAgent snapshotAgent)
    {
        return null == snapshotAgent ? null : PipelineTopology.startAgent(
            new BackoffIdleStrategy(1, 10, 1_000, TimeUnit.MILLISECONDS.toNanos(1)), snapshotAgent,
            counters.scalar(ServerCounters.Scalar.ERRORS));
    }

    /** The metrics thread's agent: the figures it copies, the journal chunks it maps ahead, the files it re-reads. */
    private MetricsAgent newMetricsAgent(final GatewayAgent[] gateways)
    {
        return new MetricsAgent(counters, stageLatency, config.epochClock(), inputRing, outputRing, receiver,
            sender, snapshotAgent, log.clusterView(), log.leaderSilenceMaxMs(),
            JournalFileWatch.watching(log.mapAhead(), log.watchedJournalDir(), stageFailureHandler::onFatal),
            new FileReloads(receiver.gate(), tlsContext, replicationTlsContext).gateways(gateways));
    }

    /**
     * Step 3's parts that can fail: the bound server channel, the receiver with its gateways, and how the engine
     * stage wakes the thread that sends replies.
     */
    private record Listener(
        ServerSocketChannel channel,
        int port,
        ReceiverAgent receiver,
        GatewayAgent[] gateways,
        PipelineTopology.Wakeup wakeup)
    {
    }

    /**
     * The journal's time at start: the recovered engine's, the largest stamp journaled (before the engine thread
     * starts). Inputs are never stamped earlier, so a restart with the clock behind does not journal times that go
     * backwards; the operator is told, because until the clock passes it every input gets this one time.
     */
    private long journalTimeMs(final ServerConfig config)
    {
        final long journalTimeMs = recovery.engine().nowMs();
        final long behindMs = journalTimeMs - config.epochClock().time();
        if (behindMs > CLOCK_BEHIND_WARNING_MS)
        {
            LOG.log(System.Logger.Level.WARNING, "the system clock is " + behindMs + " ms behind the journal's " +
                "last entry (" + java.time.Instant.ofEpochMilli(journalTimeMs) + "): inputs are stamped with that " +
                "time until the clock passes it (until then no hold expires and no logon or idle timeout fires); " +
                "check the clock (docs/operations.md, \"Clocks\")");
        }
        return journalTimeMs;
    }

    /** Binds the port and builds the receiver; on failure closes what the start opened so far. */
    private Listener listen(
        final ServerConfig config, final OneToOneRingBuffer closeRequests, final EngineActivity activity)
        throws IOException
    {
        final ServerSocketChannel channel = ServerSocketChannel.open();
        try
        {
            channel.bind(new InetSocketAddress(config.host(), config.port()));
            final ReceiverAgent newReceiver = new ReceiverAgent(channel, sessions, new InputPublisher(inputRing,
                config.epochClock(), counters, config.stageLatency(), journalTimeMs(config)), closeRequests, config,
                activity, counters, tlsContext);
            final GatewayAgent[] gateways = newGateways(config, newReceiver, tlsContext);
            newReceiver.gateways(gateways);
            return new Listener(channel, ((InetSocketAddress)channel.getLocalAddress()).getPort(), newReceiver,
                gateways, PipelineTopology.Wakeup.of(config, newReceiver));
        }
        catch (final IOException | RuntimeException ex)
        {
            CloseHelper.quietClose(channel);
            log.close();
            counters.close();
            if (ex instanceof java.net.BindException)
            {
                throw new IOException("cannot listen on " + config.host() + ":" + config.port() + ": " +
                    ex.getMessage() + " (another server on this host and port?)", ex);
            }
            throw ex;
        }
    }

    /** Waits for the engine's warm-up (on a throwaway engine, never the real state); on failure closes the log. */
    private static void awaitEngineWarmUp(final EngineWarmup.InBackground engineWarmup, final ServerLog log)
    {
        try
        {
            if (engineWarmup.inputCount() > 0)
            {
                LOG.log(System.Logger.Level.INFO, "JIT warm-up: {0} inputs on a throwaway engine in {1} ms",
                    engineWarmup.inputCount(), engineWarmup.awaitMs());
            }
        }
        catch (final RuntimeException ex)
        {
            log.close();
            throw ex;
        }
    }

    /** The journal's JIT warm-up before the port opens, on a throwaway journal. */
    private static void warmUpJournal(final ServerConfig config)
    {
        if (config.warmupInputs() <= 0)
        {
            return;
        }
        final long startNs = System.nanoTime();
        final long bytes = JournalWarmup.run(config.dataDir(), config.warmupInputs());
        LOG.log(System.Logger.Level.INFO, "JIT warm-up: {0} appends ({1} KiB) to a throwaway journal of small " +
            "mapped chunks in {2} ms", Math.min(config.warmupInputs(), JournalWarmup.MAX_ENTRIES), bytes / 1024,
            (System.nanoTime() - startNs) / 1_000_000);
    }

    /** The sender's requests to the receiver to close a session (room for four per session). */
    private static OneToOneRingBuffer newCloseRequests(final ServerConfig config)
    {
        return new OneToOneRingBuffer(new UnsafeBuffer(ByteBuffer.allocateDirect(
            BitUtil.findNextPositivePowerOfTwo(4 * config.sessionsMax() * CLOSE_REQUEST_RECORD_LENGTH) +
            RingBufferDescriptor.TRAILER_LENGTH)));
    }

    /** The sender drains the output ring through its own poller, which gates the ring. */
    private SenderAgent newSender(
        final ServerConfig config,
        final PipelineTopology.Wakeup wakeup,
        final OneToOneRingBuffer closeRequests,
        final GatewayAgent[] gateways)
    {
        final EventPoller<OutputEvent> outputPoller = outputRing.newPoller();
        outputRing.addGatingSequences(outputPoller.getSequence());
        final SenderAgent newSender = new SenderAgent(outputPoller, outputRing, wakeup.senderIdleSelector(),
            wakeup.waker(), sessions, closeRequests, new SystemNanoClock(), config.closeLingerMs(), counters,
            stageLatency);
        newSender.gateways(gateways);
        return newSender;
    }

    /** The snapshotter, or null when snapshots are off (they are on by default in a replica group). */
    private SnapshotAgent newSnapshotAgent(final ServerConfig config)
    {
        if (!config.snapshotConfig().isEnabledFor(log.inReplicaGroup()))
        {
            return null;
        }
        return new SnapshotAgent(log.followedBySnapshots(), snapshotStore, config.engineConfig(),
            config.snapshotConfig().intervalInputs(), config.snapshotConfig().intervalMs(), config.epochClock(), LOG);
    }

    /**
     * Loads the TLS key material, refusing an expired certificate (a message at start instead of a failed handshake
     * per client) and warning about one that expires within 30 days.
     */
    private static TlsContext loadTls(final TlsSettings settings, final long nowMs) throws IOException
    {
        if (null == settings)
        {
            return null;
        }
        try
        {
            final TlsContext context = TlsContext.load(settings);
            final String expired = context.expiredProblem(nowMs);
            if (null != expired)
            {
                throw new IOException(expired);
            }
            context.warnIfExpiringSoon(nowMs);
            return context;
        }
        catch (final java.security.GeneralSecurityException ex)
        {
            throw new IllegalArgumentException("TLS key material not usable (" + settings + "): " + ex, ex);
        }
    }

    /** The server's TLS context (for the other ports that share its key material); null on a clear-text server. */
    public TlsContext tlsContext()
    {
        return tlsContext;
    }

    /** Connections closed for a failed TLS handshake, a refused certificate or broken TLS records. */
    public long tlsRefusedCount()
    {
        return receiver.tlsRefusedCount();
    }

    /** Connections to the client port closed at accept because every session was taken (sessionsMax). */
    public long refusedFullCount()
    {
        return receiver.refusedFullCount();
    }

    /** Connections to the client port closed at accept by the per-source limits (docs/security.md). */
    public long sourceRefusedCount()
    {
        return receiver.sourceRefusedCount();
    }

    /** Connections refused or sessions ended on the client port to keep one gateway limit (docs/security.md). */
    public long gatewayLimitCount(final ServerCounters.GatewayLimit limit)
    {
        return counters.gatewayLimit(limit).get();
    }

    /** The HTTP endpoint, if asked for; a port that cannot be bound is logged, and the server runs without it. */
    private MetricsHttpServer startMetricsHttpServer(final ServerConfig config)
    {
        if (config.metricsPort() < 0)
        {
            return null;
        }
        try
        {
            // A broken auth file starts no endpoint rather than an open one (logged below, the server runs on).
            final MetricsHttpServer server = MetricsHttpServer.start(config.metricsHost(), config.metricsPort(),
                counters, stageLatency, this::isReady, tlsContext, null == config.metricsAuthFile() ? null :
                com.wodian.net.metrics.MetricsBasicAuth.load(config.metricsAuthFile()));
            LOG.log(System.Logger.Level.INFO, "metrics on {0}://{1}:{2,number,#}/metrics",
                null == tlsContext ? "http" : "https", config.metricsHost(), server.port());
            return server;
        }
        catch (final IOException | RuntimeException ex)
        {
            LOG.log(System.Logger.Level.ERROR, "metrics endpoint not started", ex);
            counters.scalar(ServerCounters.Scalar.ERRORS).increment();
            return null;
        }
    }

    /** The metrics endpoint's bound port, or -1 when it is off. */
    public int metricsPort()
    {
        return null == metricsHttpServer ? -1 : metricsHttpServer.port();
    }

    /** The protocol gateways, each with its index in its session ids, sharing the receiver's publisher. */
    private static GatewayAgent[] newGateways(final ServerConfig config, final ReceiverAgent receiver,
        final TlsContext tlsContext)
        throws IOException
    {
        final List<GatewayFactory> factories = config.gatewayFactories();
        final GatewayAgent[] gateways = new GatewayAgent[factories.size()];
        for (int i = 0; i < gateways.length; i++)
        {
            gateways[i] = factories.get(i).newGateway(
                new ServerGatewayContext(i, receiver.publisher(), receiver.selector(), tlsContext, config.gateway()));
        }
        return gateways;
    }

    /**
     * Recovers state from the journal, binds the port and starts every thread.
     *
     * @param config settings, checked before anything starts.
     * @return a running server; {@link #close()} it.
     * @throws IOException when the port cannot be bound.
     * @throws com.wodian.journal.JournalCorruptException when the journal fails its checks; the server does not
     *                                                   start on a journal it cannot trust.
     */
    public static WodianServer launch(final ServerConfig config) throws IOException
    {
        config.validate();
        // A wrong --data is refused before anything is created in it.
        NewDataDirectoryCheck.check(config.dataDir(), config.newDataDirectoryAllowed());
        // Files the server cannot run without are checked before anything is opened or recovered (seconds to minutes).
        SessionGate.requireCredentialsFile(config);
        final DataDirectoryLock lock = DataDirectoryLock.acquire(config.dataDir());
        try
        {
            if (EngineLimitsFile.recordOrCheck(config.dataDir(), config.engineConfig()))
            {
                LOG.log(System.Logger.Level.INFO, "engine limits recorded in " +
                    config.dataDir().resolve(EngineLimitsFile.FILE_NAME) + ": later starts must ask for the same");
            }
            if (null == config.replicaGroup())
            {
                NodeIdentityFile.requireNotAMember(config.dataDir());
            }
            else if (NodeIdentityFile.recordOrCheck(config.dataDir(),
                config.replicaGroup().groupName(), config.replicaGroup().nodeId(), config.replicaGroup().joining()))
            {
                LOG.log(System.Logger.Level.INFO, "node identity recorded in " +
                    config.dataDir().resolve(NodeIdentityFile.FILE_NAME));
            }
            return new WodianServer(config, lock);
        }
        catch (final IOException | RuntimeException | Error ex)
        {
            lock.close();
            throw ex;
        }
    }

    /** The bound TCP port: the configured one, or the ephemeral port the system chose for port 0. */
    public int port()
    {
        return port;
    }

    /** The settings this server runs with. */
    public ServerConfig config()
    {
        return config;
    }

    /** The journal sequence the engine was at when the server started: snapshot plus replayed tail. */
    public long recoveredInputCount()
    {
        return recoveredInputCount;
    }

    /** What start-up recovery did: the snapshot it started from (or none), the tail it replayed, the times. */
    public EngineRecovery.Result recovery()
    {
        return recovery;
    }

    /** The snapshotter, or null when {@link SnapshotConfig#enabled()} is off. */
    public SnapshotAgent snapshotAgent()
    {
        return snapshotAgent;
    }

    /** The data directory's snapshot files. */
    public SnapshotStore snapshotStore()
    {
        return snapshotStore;
    }

    /** The server's counters (also in {@code <data>/wodian-counters.dat} for other processes). */
    public ServerCounters counters()
    {
        return counters;
    }

    /** Per-stage latency histograms, readable while the server runs. */
    public StageLatency stageLatency()
    {
        return stageLatency;
    }

    /** Recovered and serving: alone or primary, or a standby close behind its primary (updated every second). */
    public boolean isReady()
    {
        return !closed && metricsAgent.isReady();
    }

    /** Clients disconnected so far for letting their replies pile up beyond the send buffer. */
    public long slowReaderDisconnectCount()
    {
        return sender.slowReaderCount();
    }

    /** Successful logons so far. */
    public long logonCount()
    {
        return receiver.gate().logonCount();
    }

    /** Failed logons so far (wrong proof or unknown identity; rate-limited attempts are not counted here). */
    public long failedLogonCount()
    {
        return receiver.gate().failedLogonCount();
    }

    /** Sessions closed so far because their logon or idle timeout passed (slowloris, dead peers). */
    public long timedOutSessionCount()
    {
        return receiver.timedOutCount();
    }

    /**
     * Stops the server cleanly: stops accepting and reading, waits (up to {@link ServerConfig#shutdownTimeoutMs()})
     * until every accepted input is journaled and applied and its reply written, then stops every thread, closes
     * every connection and closes the journal. Idempotent.
     */
    @Override
    public synchronized void close()
    {
        if (closed)
        {
            return;
        }
        closed = true;

        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(config.shutdownTimeoutMs());
        receiver.requestStop();
        boolean drained = PipelineTopology.awaitUntil(receiver::hasStoppedReceiving, deadlineNs);
        drained &= topology.awaitApplied(inputRing.getCursor(), deadlineNs);
        final long outputCursor = outputRing.getCursor();
        drained &= PipelineTopology.awaitUntil(
            () -> sender.polledSequence() >= outputCursor && 0 == sender.pendingSessionCount(), deadlineNs);
        if (!drained)
        {
            LOG.log(System.Logger.Level.WARNING, "shutdown timeout: closing with inputs or replies still in flight");
        }

        topology.close();
        audit.close(); // after the sender, which completes the last records: what is left got no reply
        auditFile.close();
        for (int i = 0; i < sessions.capacity(); i++)
        {
            final Session session = sessions.slot(i);
            if (null != session && null != session.channel)
            {
                CloseHelper.quietClose(session.channel);
            }
        }
        CloseHelper.quietClose(serverChannel);
        CloseHelper.quietClose(snapshotRunner);
        if (!topology.closeReplication()) // the replication stage closes the group's log on its own thread
        {
            log.close();
        }
        CloseHelper.quietClose(metricsHttpServer);
        CloseHelper.quietClose(metricsRunner);
        metricsAgent.update();
        LOG.log(System.Logger.Level.INFO, "stage latency since start:\n" + stageLatency.table());
        stageLatency.closeIntervalLog();
        counters.close(); // last: every thread that writes counters has stopped
        dataDirectoryLock.close();
        LOG.log(System.Logger.Level.INFO, "stopped");
    }

    /** The opt-in interval log of the stage histograms: a diagnostic, so a file that cannot be written is a warning. */
    private void logStageLatencyIntervals(final String path)
    {
        if (null == path)
        {
            return;
        }
        try
        {
            stageLatency.logIntervalsTo(path);
        }
        catch (final FileNotFoundException ex)
        {
            LOG.log(System.Logger.Level.WARNING, "cannot write the stage latency log " + path, ex);
        }
    }

    /** Snapshot and tail into the engine; a journal that fails its checks closes the log and stops the start. */
    private static EngineRecovery.Result recover(
        final ServerConfig config, final ServerLog log, final SnapshotStore store)
    {
        final EngineRecovery.Result result;
        try
        {
            result = EngineRecovery.recover(log.journal(), store, config.engineConfig(), log.recoverableSequence(),
                (line) -> LOG.log(System.Logger.Level.WARNING, "recovery: " + line));
        }
        catch (final RuntimeException ex)
        {
            log.close();
            throw ex;
        }
        result.tailer().close();
        LOG.log(System.Logger.Level.INFO, "recovered: " + result.describe());
        return result;
    }

    private static void warnAboutSpinningThreads(final ServerConfig config)
    {
        int spinningCount = StrategyFactory.isSpinning(config.networkIdleStrategy()) ? 1 : 0;
        if (StrategyFactory.isSpinning(config.pipelineWaitStrategy()))
        {
            spinningCount += ThreadingMode.DEDICATED == config.threadingMode() ? 2 : 1;
        }
        if (ThreadingMode.DEDICATED == config.threadingMode() &&
            StrategyFactory.isSpinning(config.senderIdleStrategy()))
        {
            spinningCount++;
        }
        final int cores = Runtime.getRuntime().availableProcessors();
        if (spinningCount >= cores)
        {
            LOG.log(System.Logger.Level.WARNING, "{0} spinning threads on {1} cores: they will fight for the CPU",
                spinningCount, cores);
        }
    }
}
