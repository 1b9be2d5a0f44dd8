package com.wodian.net.server;

import com.lmax.disruptor.EventPoller;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.WaitStrategy;
import com.wodian.journal.ChronicleJournal;
import com.wodian.journal.DurabilityPolicy;
import com.wodian.journal.JournalConfig;
import com.wodian.journal.JournalMapAhead;
import com.wodian.journal.JournalWriter;
import com.wodian.journal.consensus.storage.FileTermStore;
import com.wodian.journal.consensus.storage.JournalReplicaLog;
import com.wodian.net.cluster.ClusterView;
import com.wodian.net.cluster.ReplicaGroupConfig;
import com.wodian.net.cluster.snapshot.CommittedJournal;
import com.wodian.net.cluster.stage.ReplicationStage;
import com.wodian.net.cluster.transport.ReplicationTransport;
import com.wodian.net.durability.EngineLimits;
import com.wodian.net.durability.FollowedJournal;
import com.wodian.net.metrics.ServerCounters;
import com.wodian.net.pipeline.InputEvent;
import com.wodian.net.tls.TlsContext;
import org.agrona.BitUtil;
import org.agrona.ErrorHandler;

import java.nio.file.Path;

/**
 * Where the server's inputs become durable, chosen once at start by {@link #open}: a journal of the server's own,
 * appended by the journal stage ({@link Alone}), or a replica group's log, appended, replicated and committed by the
 * replication stage, which hands committed inputs to the engine on an apply ring ({@link Group}). Everything the two
 * differ in is answered here (how far recovery may replay, which stage journals, what the snapshotter follows, what
 * the metrics thread maps ahead, how readiness is judged, how the log closes), so {@link WodianServer} wires one
 * pipeline and {@link PipelineTopology} maps it onto threads.
 */
abstract class ServerLog
{
    /** Recent entries a group member keeps in memory to send to its peers and to hand to the engine. */
    static final int REPLICATION_WINDOW_ENTRIES = 1 << 14;

    /** The server's own journal, or the group's log, by {@link ServerConfig#replicaGroup()}. */
    static ServerLog open(final ServerConfig config)
    {
        return null == config.replicaGroup() ? new Alone(config) : new Group(config);
    }

    /** The journal that recovery reads and (alone) the journal stage appends to. */
    abstract ChronicleJournal journal();

    /** The last journal sequence recovery may replay: a group member only up to its commit mark. */
    abstract long recoverableSequence();

    /** A member of a replica group (where snapshots are on unless turned off: {@code SnapshotConfig#isEnabledFor}). */
    abstract boolean inReplicaGroup();

    /** The group's view of its members and roles for the engine's replies and the metrics; null alone. */
    abstract ClusterView clusterView();

    /**
     * Builds the stage that makes inputs durable, once the rings exist and the engine has recovered.
     *
     * @param inputRing       what the receiver publishes to.
     * @param waitStrategy    the input ring's wait strategy (the journal stage waits with it).
     * @param appliedSequence the engine's last applied sequence after recovery.
     */
    abstract void buildStage(
        ServerConfig config,
        RingBuffer<InputEvent> inputRing,
        WaitStrategy waitStrategy,
        long appliedSequence,
        ServerCounters counters,
        TlsContext replicationTls,
        ErrorHandler onFatal);

    /** The stages as {@link PipelineTopology} takes them (after {@link #buildStage}). */
    abstract PipelineTopology.Stages stages(
        RingBuffer<InputEvent> inputRing,
        RingBuffer<OutputEvent> outputRing,
        EngineHandler engine,
        ReceiverAgent receiver,
        SenderAgent sender,
        SelectorWaker waker);

    /** What the snapshotter follows: the whole journal alone, only what is committed and applied in a group. */
    abstract FollowedJournal followedBySnapshots();

    /** What the metrics thread maps ahead of the appender. */
    abstract JournalMapAhead mapAhead();

    /** The journal directory the metrics thread watches for deletion (JournalFileWatch); null in a group. */
    abstract Path watchedJournalDir();

    /** Ready means a standby heard its leader within this bound (ms); 0 alone (no leader to hear). */
    abstract long leaderSilenceMaxMs();

    /**
     * Closes the journal or the group's log: after a failed start, and at the server's close unless the replication
     * stage closed the log on its own thread.
     */
    abstract void close();

    /** A server alone: the journal stage appends each input to the server's own journal. */
    private static final class Alone extends ServerLog
    {
        private final ChronicleJournal journal;
        private final Path journalDir;
        private JournalWriter writer;
        private JournalHandler journalStage;

        Alone(final ServerConfig config)
        {
            journalDir = config.dataDir().resolve(WodianServer.JOURNAL_DIR_NAME);
            journal = ChronicleJournal.open(new JournalConfig(journalDir)
                .withDurabilityPolicy(config.durabilityPolicy()).withWriteAheadBytes(config.journalWriteAheadBytes()));
        }

        ChronicleJournal journal()
        {
            return journal;
        }

        long recoverableSequence()
        {
            return Long.MAX_VALUE;
        }

        boolean inReplicaGroup()
        {
            return false;
        }

        ClusterView clusterView()
        {
            return null;
        }

        void buildStage(
            final ServerConfig config,
            final RingBuffer<InputEvent> inputRing,
            final WaitStrategy waitStrategy,
            final long appliedSequence,
            final ServerCounters counters,
            final TlsContext replicationTls,
            final ErrorHandler onFatal)
        {
            writer = journal.writer();
            journalStage = new JournalHandler(writer, waitStrategy,
                DurabilityPolicy.SYNC == config.durabilityPolicy(), counters);
        }

        PipelineTopology.Stages stages(
            final RingBuffer<InputEvent> inputRing,
            final RingBuffer<OutputEvent> outputRing,
            final EngineHandler engine,
            final ReceiverAgent receiver,
            final SenderAgent sender,
            final SelectorWaker waker)
        {
            return new PipelineTopology.Stages(inputRing, outputRing, null, journalStage, engine, null, receiver,
                sender, waker);
        }

        FollowedJournal followedBySnapshots()
        {
            return FollowedJournal.upTo(journal, writer::durableSequence);
        }

        JournalMapAhead mapAhead()
        {
            return writer;
        }

        Path watchedJournalDir()
        {
            return journalDir;
        }

        long leaderSilenceMaxMs()
        {
            return 0;
        }

        void close()
        {
            journal.close();
        }
    }

    /** A replica group's member: the replication stage journals, replicates and commits, then feeds the engine. */
    private static final class Group extends ServerLog
    {
        private final ReplicaGroupConfig group;
        private final JournalReplicaLog replicaLog;
        private final ClusterView clusterView = new ClusterView();
        private RingBuffer<InputEvent> applyRing;
        private ReplicationStage replicationStage;

        Group(final ServerConfig config)
        {
            group = config.replicaGroup();
            replicaLog = JournalReplicaLog.open(config.dataDir(), config.durabilityPolicy(),
                REPLICATION_WINDOW_ENTRIES, null);
        }

        ChronicleJournal journal()
        {
            return replicaLog.journal();
        }

        long recoverableSequence()
        {
            return replicaLog.commitMark();
        }

        boolean inReplicaGroup()
        {
            return true;
        }

        ClusterView clusterView()
        {
            return clusterView;
        }

        /** The replication stage polls the input ring and hands the engine the apply ring. */
        void buildStage(
            final ServerConfig config,
            final RingBuffer<InputEvent> inputRing,
            final WaitStrategy waitStrategy,
            final long appliedSequence,
            final ServerCounters counters,
            final TlsContext replicationTls,
            final ErrorHandler onFatal)
        {
            applyRing = RingBuffer.createSingleProducer(InputEvent::newInstance, config.inputRingSize(),
                StrategyFactory.newWaitStrategy(config.pipelineWaitStrategy()));
            final EventPoller<InputEvent> inputPoller = inputRing.newPoller();
            inputRing.addGatingSequences(inputPoller.getSequence());
            final int pendingCapacity = BitUtil.findNextPositivePowerOfTwo(2 * config.inputRingSize());
            replicationStage = new ReplicationStage(group, inputPoller, applyRing, replicaLog,
                new FileTermStore(config.dataDir().resolve(WodianServer.TERM_STORE_FILE_NAME)),
                (log) -> new ReplicationTransport(group.nodeId(), group.groupName(), group.replicationAddresses(),
                    log::read).tls(replicationTls)
                    .nodePins(null == replicationTls ? null : config.group().nodePins())
                    .engineLimits(EngineLimits.text(config.engineConfig())),
                pendingCapacity, appliedSequence, config.epochClock(), clusterView, onFatal,
                config.commitMarkIntervalMs(), config.restartHandler(), WodianServer.LOG);
        }

        PipelineTopology.Stages stages(
            final RingBuffer<InputEvent> inputRing,
            final RingBuffer<OutputEvent> outputRing,
            final EngineHandler engine,
            final ReceiverAgent receiver,
            final SenderAgent sender,
            final SelectorWaker waker)
        {
            return new PipelineTopology.Stages(inputRing, outputRing, applyRing, null, engine, replicationStage,
                receiver, sender, waker);
        }

        FollowedJournal followedBySnapshots()
        {
            return new CommittedJournal(replicaLog, replicationStage::committedAppliedIndex,
                replicationStage::snapshotWritten);
        }

        JournalMapAhead mapAhead()
        {
            return replicaLog;
        }

        Path watchedJournalDir()
        {
            return null; // a truncation or a snapshot install replaces the journal legitimately
        }

        long leaderSilenceMaxMs()
        {
            return 2L * group.consensus().electionTimeoutMinMs();
        }

        void close()
        {
            replicaLog.close();
        }
    }
}
