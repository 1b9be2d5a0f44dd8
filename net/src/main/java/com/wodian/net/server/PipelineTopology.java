package com.wodian.net.server;

import com.wodian.net.cluster.stage.ReplicationStage;

import com.lmax.disruptor.BatchEventProcessor;
import com.lmax.disruptor.BatchEventProcessorBuilder;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.ExceptionHandler;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.SequenceBarrier;
import com.wodian.net.pipeline.InputEvent;
import org.agrona.CloseHelper;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.status.AtomicCounter;

import java.io.IOException;
import java.nio.channels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Maps the server's stages onto threads: the one place that knows the threading modes, like the threading-mode
 * switch of Aeron's media driver. {@link WodianServer} builds every stage once; this class only decides which thread
 * runs which stage, and in what order they start and stop.
 * <pre>
 *  pipeline         threads
 *  COMPACT          wodian-pipeline: the journal stage inline, then the engine stage, on one input-ring consumer
 *  DEDICATED        wodian-journal, then wodian-engine gated on the journal's sequence
 *  REPLICA_GROUP    wodian-replication (journal, peers, commit) ──apply ring──▶ wodian-engine
 *  SHARED           wodian-net: the journal stage inline, then the engine stage, between receiving and sending
 *
 *  network          threads
 *  COMPACT          wodian-net: receiver (and gateways), then sender, in one duty cycle
 *  SHARED           wodian-net: receiver (and gateways), then the pipeline ({@link InlinePipeline}), then sender
 *  DEDICATED        wodian-receiver (and gateways), wodian-sender
 * </pre>
 * The network layout follows {@link ServerConfig#threadingMode()} in every pipeline layout.
 */
final class PipelineTopology implements AutoCloseable
{
    /** How inputs go from the input ring to the engine. */
    enum PipelineLayout
    {
        COMPACT, DEDICATED, REPLICA_GROUP, SHARED;

        static PipelineLayout of(final ServerConfig config)
        {
            if (null != config.replicaGroup())
            {
                return REPLICA_GROUP;
            }
            switch (config.threadingMode())
            {
                case DEDICATED:
                    return DEDICATED;
                case SHARED:
                    return SHARED;
                default:
                    return COMPACT;
            }
        }
    }

    /**
     * How the thread that sends replies sleeps and is woken by the engine stage when idle in a selector: the
     * network thread's selector (COMPACT), a selector of the sender's own (DEDICATED), or none.
     *
     * @param senderIdleSelector the DEDICATED sender's selector, or null.
     * @param waker              what the engine stage calls after publishing replies, or null.
     */
    record Wakeup(Selector senderIdleSelector, SelectorWaker waker)
    {
        static Wakeup of(final ServerConfig config, final ReceiverAgent receiver) throws IOException
        {
            if (ThreadingMode.DEDICATED == config.threadingMode())
            {
                final Selector selector = isSelect(config.senderIdleStrategy()) ? Selector.open() : null;
                return new Wakeup(selector, null == selector ? null : new SelectorWaker(selector));
            }
            return new Wakeup(null, isSelect(config.networkIdleStrategy()) ?
                new SelectorWaker(receiver.selector()) : null);
        }
    }

    /**
     * Every stage, built once.
     *
     * @param inputRing   what the receiver (and gateways) publish to.
     * @param outputRing  what the engine stage publishes replies to and the sender drains.
     * @param applyRing   REPLICA_GROUP: what the replication stage hands the engine; else null.
     * @param journal     the journal stage; null in REPLICA_GROUP, where the replication stage journals.
     * @param replication the replication stage in REPLICA_GROUP, else null.
     */
    record Stages(
        RingBuffer<InputEvent> inputRing,
        RingBuffer<OutputEvent> outputRing,
        RingBuffer<InputEvent> applyRing,
        JournalHandler journal,
        EngineHandler engine,
        ReplicationStage replication,
        ReceiverAgent receiver,
        SenderAgent sender,
        SelectorWaker waker)
    {
    }

    /** How long a close waits for each stage thread to end (they stop within a batch unless something is wrong). */
    static final long STAGE_JOIN_TIMEOUT_MS = 10_000;

    private final PipelineLayout layout;
    private final Stages stages;
    private final BatchEventProcessor<InputEvent> journalProcessor;
    private final BatchEventProcessor<InputEvent> engineProcessor;
    private final InlinePipeline inlinePipeline;
    private final List<Thread> stageThreads = new ArrayList<>();
    private final List<AgentRunner> networkRunners = new ArrayList<>();
    private final AtomicCounter errors;
    private final Consumer<Throwable> fatal;
    private AgentRunner replicationRunner;

    private PipelineTopology(
        final ServerConfig config,
        final Stages stages,
        final ExceptionHandler<InputEvent> failureHandler,
        final Consumer<Throwable> fatal,
        final AtomicCounter errors)
    {
        this.errors = errors;
        this.fatal = fatal;
        this.layout = PipelineLayout.of(config);
        this.stages = stages;
        switch (layout)
        {
            case SHARED:
                stages.engine.journalInline(stages.journal);
                stages.engine.prefetchBatchesFrom(stages.inputRing);
                journalProcessor = null;
                engineProcessor = null;
                inlinePipeline = new InlinePipeline(stages.inputRing, stages.outputRing, stages.engine,
                    failureHandler);
                break;

            case COMPACT:
                stages.engine.journalInline(stages.journal);
                inlinePipeline = null;
                journalProcessor = null;
                engineProcessor = processor(stages.inputRing, stages.inputRing.newBarrier(), stages.engine,
                    failureHandler);
                stages.inputRing.addGatingSequences(engineProcessor.getSequence());
                stages.engine.prefetchBatchesFrom(stages.inputRing);
                break;

            case DEDICATED:
                inlinePipeline = null;
                stages.journal.stampDurable(stages.inputRing); // its own thread: it may read the clock
                journalProcessor = processor(stages.inputRing, stages.inputRing.newBarrier(), stages.journal,
                    failureHandler);
                engineProcessor = processor(stages.inputRing,
                    stages.inputRing.newBarrier(journalProcessor.getSequence()), stages.engine, failureHandler);
                stages.inputRing.addGatingSequences(engineProcessor.getSequence());
                stages.engine.prefetchBatchesFrom(stages.inputRing);
                break;

            case REPLICA_GROUP:
                // The replication stage polls the input ring and gates it with its own poller's sequence.
                inlinePipeline = null;
                journalProcessor = null;
                engineProcessor = processor(stages.applyRing, stages.applyRing.newBarrier(), stages.engine,
                    failureHandler);
                stages.applyRing.addGatingSequences(engineProcessor.getSequence());
                stages.engine.prefetchBatchesFrom(stages.applyRing);
                break;

            default:
                throw new IllegalStateException("unknown layout " + layout);
        }
    }

    /**
     * Maps the stages onto threads and starts them, consumers first so that nothing published waits for a thread
     * that has not started.
     */
    static PipelineTopology start(
        final ServerConfig config,
        final Stages stages,
        final ExceptionHandler<InputEvent> failureHandler,
        final Consumer<Throwable> fatal,
        final AtomicCounter errors)
    {
        final PipelineTopology topology = new PipelineTopology(config, stages, failureHandler, fatal, errors);
        topology.startPipeline(config);
        topology.startNetwork(config);
        return topology;
    }

    private void startPipeline(final ServerConfig config)
    {
        if (null != stages.replication)
        {
            replicationRunner = startAgent(config.newReplicationIdleStrategy(), stages.replication, errors, fatal);
        }
        if (null != journalProcessor)
        {
            stageThreads.add(startThread(journalProcessor, "wodian-journal"));
        }
        if (null != engineProcessor)
        {
            stageThreads.add(startThread(engineProcessor,
                PipelineLayout.COMPACT == layout ? "wodian-pipeline" : "wodian-engine"));
        }
    }

    private void startNetwork(final ServerConfig config)
    {
        if (ThreadingMode.DEDICATED == config.threadingMode())
        {
            networkRunners.add(startAgent(newIdleStrategy(config.senderIdleStrategy(), stages.sender),
                stages.sender, errors, fatal));
            networkRunners.add(startAgent(newIdleStrategy(config.networkIdleStrategy(), stages.receiver),
                stages.receiver, errors, fatal));
        }
        else
        {
            final NetworkAgent networkAgent =
                new NetworkAgent(stages.receiver, inlinePipeline, stages.sender, stages.waker);
            networkRunners.add(startAgent(newIdleStrategy(config.networkIdleStrategy(), networkAgent),
                networkAgent, errors, fatal));
        }
    }

    /** The layout the stages run in. */
    PipelineLayout layout()
    {
        return layout;
    }

    /**
     * Waits until every input published up to {@code inputCursor} has been applied by the engine stage (its
     * replies claimed), or the deadline passes, or the engine stage stopped.
     *
     * @return true when drained.
     */
    boolean awaitApplied(final long inputCursor, final long deadlineNs)
    {
        if (null != inlinePipeline)
        {
            return awaitUntil(() -> inlinePipeline.sequence().get() >= inputCursor || !inlinePipeline.isRunning(),
                deadlineNs);
        }
        if (null == stages.replication)
        {
            return awaitUntil(() -> engineProcessor.getSequence().get() >= inputCursor || !engineProcessor.isRunning(),
                deadlineNs);
        }
        // In a group, inputs still waiting for the policy may never be acknowledged (no quorum): bounded wait.
        // A stage that stopped (a snapshot install's restart, a failure) takes nothing more: waiting for inputs
        // published after that would only run the close into its deadline (concurrency review F8).
        boolean drained = awaitUntil(
            () -> (stages.replication.inputSequence() >= inputCursor && stages.replication.isIdle()) ||
                !stages.replication.isRunning(), deadlineNs);
        final long applyCursor = stages.applyRing.getCursor();
        drained &= awaitUntil(
            () -> engineProcessor.getSequence().get() >= applyCursor || !engineProcessor.isRunning(), deadlineNs);
        return drained;
    }

    /** Stops the network threads and the journal and engine stages; the replication stage keeps running. */
    @Override
    public void close()
    {
        // First: the sender stops below, so an engine stage waiting for an output slot must give up instead of
        // waiting for ever (its thread could then never be joined: a hung close, no exit 70).
        stages.engine.stopClaiming();
        for (final AgentRunner runner : networkRunners)
        {
            CloseHelper.quietClose(runner);
        }
        if (null != journalProcessor)
        {
            journalProcessor.halt();
        }
        if (null != engineProcessor)
        {
            engineProcessor.halt();
        }
        for (final Thread thread : stageThreads)
        {
            joinQuietly(thread);
        }
    }

    /**
     * Stops the replication stage, which closes its transport and the journal on its thread.
     *
     * @return false when there is none (the caller closes the journal).
     */
    boolean closeReplication()
    {
        if (null == replicationRunner)
        {
            return false;
        }
        CloseHelper.quietClose(replicationRunner);
        return true;
    }

    private static BatchEventProcessor<InputEvent> processor(
        final RingBuffer<InputEvent> ring,
        final SequenceBarrier barrier,
        final EventHandler<InputEvent> handler,
        final ExceptionHandler<InputEvent> failureHandler)
    {
        final BatchEventProcessor<InputEvent> processor =
            new BatchEventProcessorBuilder().build(ring, barrier, handler);
        processor.setExceptionHandler(failureHandler);
        return processor;
    }

    private static Thread startThread(final Runnable runnable, final String name)
    {
        final Thread thread = new Thread(runnable, name);
        thread.start();
        return thread;
    }

    /** Starts an agent on its own thread; its errors are logged and counted. */
    static AgentRunner startAgent(final IdleStrategy idleStrategy, final Agent agent, final AtomicCounter errors)
    {
        return startAgent(idleStrategy, agent, errors, null);
    }

    /**
     * Starts a serving agent on its own thread: its exceptions are logged and counted, and an {@link Error} (out of
     * memory, the fault of a full disk under a mapped write) also goes to {@code fatal}: Agrona's runner ends the
     * thread on an Error, and a server whose network or replication thread is gone must not look alive (port bound,
     * heartbeat fresh, ready).
     */
    static AgentRunner startAgent(
        final IdleStrategy idleStrategy, final Agent agent, final AtomicCounter errors, final Consumer<Throwable> fatal)
    {
        final AgentRunner runner = new AgentRunner(idleStrategy, (throwable) ->
        {
            errors.increment();
            WodianServer.LOG.log(System.Logger.Level.ERROR, agent.roleName() + " error", throwable);
            if (throwable instanceof Error && null != fatal)
            {
                fatal.accept(throwable);
            }
        }, null, agent);
        AgentRunner.startOnThread(runner);
        return runner;
    }

    private static IdleStrategy newIdleStrategy(final String name, final SelectIdleStrategy.Waiter agent)
    {
        if (StrategyFactory.IDLE_SPIN_SELECT.equals(name))
        {
            return new SelectIdleStrategy(agent, StrategyFactory.SPIN_NS, new SystemNanoClock());
        }
        return isSelect(name) ? new SelectIdleStrategy(agent) : StrategyFactory.newIdleStrategy(name);
    }

    private static boolean isSelect(final String idleStrategyName)
    {
        return StrategyFactory.isSelect(idleStrategyName);
    }

    static boolean awaitUntil(final BooleanSupplier condition, final long deadlineNs)
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

    /**
     * Joins a stage thread, but not for ever: a close must end (a supervisor waits for the exit; a fatal error must
     * reach exit 70). A thread still alive after the bound is named with its stack in the log and left behind.
     */
    private static void joinQuietly(final Thread thread)
    {
        try
        {
            thread.join(STAGE_JOIN_TIMEOUT_MS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive())
        {
            final Throwable where = new Throwable("stack of " + thread.getName());
            where.setStackTrace(thread.getStackTrace());
            WodianServer.LOG.log(System.Logger.Level.ERROR, "stage thread " + thread.getName() +
                " did not stop within " + STAGE_JOIN_TIMEOUT_MS + " ms; closing without it", where);
        }
    }
}
