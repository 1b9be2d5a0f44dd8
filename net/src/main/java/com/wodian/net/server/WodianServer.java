package com.wodian.net.server;

import com.lmax.disruptor.BatchEventProcessor;
import com.lmax.disruptor.BatchEventProcessorBuilder;
import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.EventPoller;
import com.lmax.disruptor.ExceptionHandler;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.SequenceBarrier;
import com.lmax.disruptor.WaitStrategy;
import com.wodian.engine.Engine;
import com.wodian.journal.ChronicleJournal;
import com.wodian.journal.JournalConfig;
import com.wodian.journal.JournalWriter;
import com.wodian.journal.SnapshotStore;
import com.wodian.journal.consensus.FileTermStore;
import com.wodian.journal.consensus.JournalReplicaLog;
import com.wodian.net.replication.ReplicationTransport;
import com.wodian.net.durability.EngineRecovery;
import com.wodian.net.durability.SnapshotAgent;
import com.wodian.net.durability.SnapshotConfig;
import org.agrona.BitUtil;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.ringbuffer.OneToOneRingBuffer;
import org.agrona.concurrent.ringbuffer.RingBufferDescriptor;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

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

    /** Subdirectory of {@link ServerConfig#dataDir()} that holds the journal. */
    public static final String JOURNAL_DIR_NAME = "journal";

    /** File in the data directory holding a group member's current term and vote. */
    public static final String TERM_STORE_FILE_NAME = "term-store";

    private static final int CLOSE_REQUEST_RECORD_LENGTH = 16;
    /** Recent entries a group member keeps in memory to send to its peers and to hand to the engine. */
    private static final int REPLICATION_WINDOW_ENTRIES = 1 << 14;

    private final ServerConfig config;
    private final ChronicleJournal journal;
    private final RingBuffer<InputEvent> inputRing;
    private final RingBuffer<OutputEvent> outputRing;
    private final BatchEventProcessor<InputEvent> journalProcessor;
    private final BatchEventProcessor<InputEvent> engineProcessor;
    private final SessionTable sessions;
    private final ServerSocketChannel serverChannel;
    private final ReceiverAgent receiver;
    private final SenderAgent sender;
    private final AgentRunner[] agentRunners;
    private final Thread[] stageThreads;
    private final StageFailureHandler stageFailureHandler;
    private final int port;
    private final long recoveredInputCount;
    private final SnapshotStore snapshotStore;
    private final EngineRecovery.Result recovery;
    private final SnapshotAgent snapshotAgent;
    private final AgentRunner snapshotRunner;
    private final RingBuffer<InputEvent> applyRing;
    private final ReplicationStage replicationStage;
    private final AgentRunner replicationRunner;
    private boolean closed;

    private WodianServer(final ServerConfig config) throws IOException
    {
        config.validate();
        this.config = config;
        this.stageFailureHandler = new StageFailureHandler(config.fatalErrorHandler());
        LOG.log(System.Logger.Level.INFO, "starting: {0}", config);

        // 1. State: open the journal, load the newest valid snapshot and replay the journal's tail after it (all of
        //    it when there is no snapshot), before any client can connect. A node of a replica group replays only up
        //    to its commit mark: entries after it may never have been acknowledged by the group.
        final ReplicaGroupConfig group = config.replicaGroup();
        final JournalReplicaLog replicaLog = null == group ? null : JournalReplicaLog.open(config.dataDir(),
            config.durabilityPolicy(), REPLICATION_WINDOW_ENTRIES, null);
        journal = null == group ? ChronicleJournal.open(new JournalConfig(config.dataDir().resolve(JOURNAL_DIR_NAME))
            .withDurabilityPolicy(config.durabilityPolicy())) : replicaLog.journal();
        final Engine engine;
        final JournalWriter journalWriter;
        try
        {
            snapshotStore = new SnapshotStore(config.dataDir().resolve(SnapshotConfig.SNAPSHOT_DIR_NAME),
                config.snapshotConfig().retainCount());
            recovery = recover(journal, snapshotStore, config, null == group ? Long.MAX_VALUE : replicaLog.commitMark());
            engine = recovery.engine();
            recoveredInputCount = engine.lastSequence();
            journalWriter = null == group ? journal.writer() : null;
        }
        catch (final RuntimeException ex)
        {
            if (null != replicaLog)
            {
                replicaLog.close();
            }
            else
            {
                journal.close();
            }
            throw ex;
        }

        // 2. Rings. The output ring is polled by the sender, never waited on, so it needs no signalling on publish.
        final WaitStrategy inputWaitStrategy = StrategyFactory.newWaitStrategy(config.pipelineWaitStrategy());
        inputRing = RingBuffer.createSingleProducer(InputEvent::newInstance, config.inputRingSize(),
            inputWaitStrategy);
        outputRing = RingBuffer.createSingleProducer(OutputEvent::newInstance, config.outputRingSize(),
            new BusySpinWaitStrategy());
        // In a replica group the replication stage hands the engine only what the acknowledgement policy covers.
        applyRing = null == group ? null : RingBuffer.createSingleProducer(InputEvent::newInstance,
            config.inputRingSize(), StrategyFactory.newWaitStrategy(config.pipelineWaitStrategy()));

        // 3. Network: sessions, the receiver, the sender, the sender's close requests to the receiver, and the
        //    selector the engine stage wakes when the thread that sends replies sleeps in it ("select" idle).
        final boolean dedicated = ThreadingMode.DEDICATED == config.threadingMode();
        final EventPoller<OutputEvent> outputPoller = outputRing.newPoller();
        outputRing.addGatingSequences(outputPoller.getSequence());
        sessions = new SessionTable(config.sessionsMax(), config.receiveBufferLength(), config.sendBufferLength());
        final OneToOneRingBuffer closeRequests = new OneToOneRingBuffer(new UnsafeBuffer(ByteBuffer.allocateDirect(
            BitUtil.findNextPositivePowerOfTwo(4 * config.sessionsMax() * CLOSE_REQUEST_RECORD_LENGTH) +
            RingBufferDescriptor.TRAILER_LENGTH)));
        final SelectorWaker waker;
        final Selector senderIdleSelector;
        final EngineActivity activity = new EngineActivity();
        serverChannel = ServerSocketChannel.open();
        try
        {
            serverChannel.bind(new InetSocketAddress(config.host(), config.port()));
            port = ((InetSocketAddress)serverChannel.getLocalAddress()).getPort();
            receiver = new ReceiverAgent(serverChannel, sessions,
                new InputPublisher(inputRing, config.epochClock()), closeRequests, config, activity);
            if (dedicated)
            {
                senderIdleSelector = isSelect(config.senderIdleStrategy()) ? Selector.open() : null;
                waker = null == senderIdleSelector ? null : new SelectorWaker(senderIdleSelector);
            }
            else
            {
                senderIdleSelector = null;
                waker = isSelect(config.networkIdleStrategy()) ? new SelectorWaker(receiver.selector()) : null;
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            CloseHelper.quietClose(serverChannel);
            closeJournal(replicaLog);
            throw ex;
        }
        sender = new SenderAgent(outputPoller, outputRing, senderIdleSelector, waker, sessions, closeRequests,
            new SystemNanoClock(), config.closeLingerMs());

        // 4. Journal and engine stages: two threads in DEDICATED (the engine gated on the journal's sequence),
        //    one handler doing both in COMPACT; in a replica group, the replication stage (journal, peers, commit)
        //    on its own thread and the engine behind it on the apply ring.
        final ClusterView clusterView = null == group ? null : new ClusterView();
        if (null != group)
        {
            journalProcessor = null;
            final EventPoller<InputEvent> inputPoller = inputRing.newPoller();
            inputRing.addGatingSequences(inputPoller.getSequence());
            engineProcessor = newProcessor(applyRing, applyRing.newBarrier(),
                new EngineHandler(engine, outputRing, null, waker, activity, clusterView));
            applyRing.addGatingSequences(engineProcessor.getSequence());
            final int pendingCapacity = BitUtil.findNextPositivePowerOfTwo(2 * config.inputRingSize());
            replicationStage = new ReplicationStage(group, inputPoller, applyRing, replicaLog,
                new FileTermStore(config.dataDir().resolve(TERM_STORE_FILE_NAME)),
                (log) -> new ReplicationTransport(group.nodeId(), group.groupName(), group.replicationAddresses(),
                    log::read),
                pendingCapacity, engine.lastSequence(), config.epochClock(), clusterView,
                stageFailureHandler::onFatal, LOG);
        }
        else if (dedicated)
        {
            replicationStage = null;
            journalProcessor = newProcessor(inputRing, inputRing.newBarrier(),
                new JournalHandler(journalWriter, inputWaitStrategy));
            engineProcessor = newProcessor(inputRing, inputRing.newBarrier(journalProcessor.getSequence()),
                new EngineHandler(engine, outputRing, null, waker, activity));
        }
        else
        {
            replicationStage = null;
            journalProcessor = null;
            engineProcessor = newProcessor(inputRing, inputRing.newBarrier(),
                new EngineHandler(engine, outputRing, new JournalHandler(journalWriter, inputWaitStrategy), waker,
                    activity));
        }
        if (null == group)
        {
            inputRing.addGatingSequences(engineProcessor.getSequence());
        }

        // 5. Threads, consumers first so that nothing published waits for a thread that has not started.
        replicationRunner = null == replicationStage ? null : startAgent(replicationIdleStrategy(), replicationStage);
        if (dedicated)
        {
            stageThreads = null == journalProcessor ?
                new Thread[]{ startThread(engineProcessor, "wodian-engine") } :
                new Thread[]{ startThread(journalProcessor, "wodian-journal"), startThread(engineProcessor, "wodian-engine") };
            agentRunners = new AgentRunner[]{
                startAgent(newIdleStrategy(config.senderIdleStrategy(), sender), sender),
                startAgent(newIdleStrategy(config.networkIdleStrategy(), receiver), receiver) };
        }
        else
        {
            final NetworkAgent networkAgent = new NetworkAgent(receiver, sender, waker);
            stageThreads = new Thread[]{ startThread(engineProcessor, null == group ? "wodian-pipeline" : "wodian-engine") };
            agentRunners = new AgentRunner[]{
                startAgent(newIdleStrategy(config.networkIdleStrategy(), networkAgent), networkAgent) };
        }
        // 6. The snapshotter, if enabled: a replica engine on its own thread that follows the journal; it recovers by
        //    itself (snapshot + tail) on that thread, so it does not delay the start.
        if (config.snapshotConfig().enabled())
        {
            snapshotAgent = new SnapshotAgent(journal, snapshotStore, config.engineConfig(),
                config.snapshotConfig().intervalInputs(), config.snapshotConfig().intervalMs(), config.epochClock(),
                LOG);
            snapshotRunner = startAgent(new BackoffIdleStrategy(1, 10, 1_000, TimeUnit.MILLISECONDS.toNanos(1)),
                snapshotAgent);
        }
        else
        {
            snapshotAgent = null;
            snapshotRunner = null;
        }
        warnAboutSpinningThreads(config);
        LOG.log(System.Logger.Level.INFO, "listening on {0}:{1,number,#} ({2})", config.host(), port,
            config.threadingMode());
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
        return new WodianServer(config);
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
        boolean drained = awaitUntil(receiver::hasStoppedReceiving, deadlineNs);
        final long inputCursor = inputRing.getCursor();
        if (null != replicationStage)
        {
            // In a group, inputs still waiting for the policy may never be acknowledged (no quorum): bounded wait.
            drained &= awaitUntil(() -> replicationStage.inputSequence() >= inputCursor && replicationStage.isIdle(),
                deadlineNs);
            final long applyCursor = applyRing.getCursor();
            drained &= awaitUntil(
                () -> engineProcessor.getSequence().get() >= applyCursor || !engineProcessor.isRunning(), deadlineNs);
        }
        else
        {
            drained &= awaitUntil(
                () -> engineProcessor.getSequence().get() >= inputCursor || !engineProcessor.isRunning(), deadlineNs);
        }
        final long outputCursor = outputRing.getCursor();
        drained &= awaitUntil(
            () -> sender.polledSequence() >= outputCursor && 0 == sender.pendingSessionCount(), deadlineNs);
        if (!drained)
        {
            LOG.log(System.Logger.Level.WARNING, "shutdown timeout: closing with inputs or replies still in flight");
        }

        for (final AgentRunner runner : agentRunners)
        {
            CloseHelper.quietClose(runner);
        }
        if (null != journalProcessor)
        {
            journalProcessor.halt();
        }
        engineProcessor.halt();
        for (final Thread thread : stageThreads)
        {
            joinQuietly(thread);
        }
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
        if (null != replicationRunner)
        {
            CloseHelper.quietClose(replicationRunner); // closes the transport and the journal on its thread
        }
        else
        {
            journal.close();
        }
        LOG.log(System.Logger.Level.INFO, "stopped");
    }

    private void closeJournal(final JournalReplicaLog replicaLog)
    {
        if (null != replicaLog)
        {
            replicaLog.close();
        }
        else
        {
            journal.close();
        }
    }

    private static EngineRecovery.Result recover(
        final ChronicleJournal journal, final SnapshotStore store, final ServerConfig config, final long toSequence)
    {
        final EngineRecovery.Result result = EngineRecovery.recover(journal, store, config.engineConfig(), toSequence,
            (line) -> LOG.log(System.Logger.Level.WARNING, "recovery: " + line));
        result.tailer().close();
        LOG.log(System.Logger.Level.INFO, "recovered: " + result.describe());
        return result;
    }

    private BatchEventProcessor<InputEvent> newProcessor(
        final RingBuffer<InputEvent> ring, final SequenceBarrier barrier, final EventHandler<InputEvent> handler)
    {
        final BatchEventProcessor<InputEvent> processor =
            new BatchEventProcessorBuilder().build(ring, barrier, handler);
        processor.setExceptionHandler(stageFailureHandler);
        return processor;
    }

    private static Thread startThread(final Runnable runnable, final String name)
    {
        final Thread thread = new Thread(runnable, name);
        thread.start();
        return thread;
    }

    private static AgentRunner startAgent(final IdleStrategy idleStrategy, final Agent agent)
    {
        final AgentRunner runner = new AgentRunner(idleStrategy,
            (throwable) -> LOG.log(System.Logger.Level.ERROR, agent.roleName() + " error", throwable), null, agent);
        AgentRunner.startOnThread(runner);
        return runner;
    }

    /**
     * The replication stage polls its peers' sockets and the input ring; when idle it backs off to parking.
     * {@code wodian.replication.idle=SPINS,YIELDS,MIN_PARK_US,MAX_PARK_US} (default 10,20,1,100): on two cores every
     * wake-up of an idle stage costs a few syscalls, so fewer and longer parks trade a little latency for CPU.
     */
    private static IdleStrategy replicationIdleStrategy()
    {
        final String[] values = System.getProperty("wodian.replication.idle", "10,20,1,100").split(",");
        return new BackoffIdleStrategy(Long.parseLong(values[0].trim()), Long.parseLong(values[1].trim()),
            TimeUnit.MICROSECONDS.toNanos(Long.parseLong(values[2].trim())),
            TimeUnit.MICROSECONDS.toNanos(Long.parseLong(values[3].trim())));
    }

    private static IdleStrategy newIdleStrategy(final String name, final SelectIdleStrategy.Waiter agent)
    {
        return isSelect(name) ? new SelectIdleStrategy(agent) : StrategyFactory.newIdleStrategy(name);
    }

    private static boolean isSelect(final String idleStrategyName)
    {
        return StrategyFactory.IDLE_SELECT.equals(idleStrategyName);
    }

    private static boolean awaitUntil(final BooleanSupplier condition, final long deadlineNs)
    {
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadlineNs >= 0)
            {
                return false;
            }
            try
            {
                Thread.sleep(1);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                return false;
            }
        }
        return true;
    }

    private static void joinQuietly(final Thread thread)
    {
        try
        {
            thread.join();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
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

    /**
     * A failing journal or engine stage is a bug or a lost disk, never a client's fault (input is checked before
     * the ring): log it and stop that stage, rather than skip an input and let journal and engine disagree.
     */
    private static final class StageFailureHandler implements ExceptionHandler<InputEvent>
    {
        private final ErrorHandler fatalErrorHandler;

        StageFailureHandler(final ErrorHandler fatalErrorHandler)
        {
            this.fatalErrorHandler = fatalErrorHandler;
        }

        @Override
        public void handleEventException(final Throwable ex, final long sequence, final InputEvent event)
        {
            LOG.log(System.Logger.Level.ERROR, "pipeline stage failed at ring sequence " + sequence +
                ", the server no longer processes input", ex);
            if (null != fatalErrorHandler)
            {
                fatalErrorHandler.onError(ex);
            }
            if (ex instanceof RuntimeException)
            {
                throw (RuntimeException)ex;
            }
            if (ex instanceof Error)
            {
                throw (Error)ex;
            }
            throw new IllegalStateException(ex);
        }

        /** The replication stage failed (a lost disk, a bug, an applied entry cut off the journal). */
        void onFatal(final Throwable ex)
        {
            if (null != fatalErrorHandler)
            {
                fatalErrorHandler.onError(ex);
            }
        }

        @Override
        public void handleOnStartException(final Throwable ex)
        {
            LOG.log(System.Logger.Level.ERROR, "pipeline stage failed to start, the server will not process input", ex);
            if (null != fatalErrorHandler)
            {
                fatalErrorHandler.onError(ex);
            }
            throw ex instanceof RuntimeException ? (RuntimeException)ex : new IllegalStateException(ex);
        }

        @Override
        public void handleOnShutdownException(final Throwable ex)
        {
            LOG.log(System.Logger.Level.ERROR, "pipeline stage failed to shut down", ex);
        }
    }
}
