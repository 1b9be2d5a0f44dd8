package com.wodian.net.server;

import com.lmax.disruptor.RingBuffer;
import com.wodian.journal.JournalMapAhead;
import com.wodian.journal.consensus.Membership;
import com.wodian.net.cluster.ClusterView;
import com.wodian.net.durability.SnapshotAgent;
import com.wodian.net.metrics.ServerCounters.Scalar;
import com.wodian.net.metrics.ServerCounters;
import com.wodian.net.metrics.StageLatency;
import com.wodian.net.pipeline.InputEvent;
import com.wodian.protocol.sbe.GroupRole;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.EpochClock;

/**
 * The {@code wodian-metrics} thread: about once a second copies the figures other threads keep in their own fields
 * (ring depths, logons, the replica group's view, snapshot runs) into the counters, publishes the stage latency
 * percentiles, decides readiness and beats the counters file's heartbeat. Off the hot path; allocation-free.
 *
 * <p>Each run also maps the journal file's next chunk ahead ({@link JournalMapAhead}: the journal writer of a server
 * alone, the replica log of a group): growing the file and mapping 64 MiB of it took milliseconds inside the append
 * that crossed into it, once per 64 MiB of journal; here it is taken on this thread instead, long before the appender
 * gets there.
 *
 * <p>The second's work is done in {@link #STEPS} short runs, {@link #UPDATE_INTERVAL_MS} / {@link #STEPS} apart: the
 * figures and one stage's percentiles, then one stage each. Done at once it was one run of 0.3 ms (2-3 ms with the
 * stage interval log) a second, long enough on two cores to keep the network thread from a core it needs.
 */
final class MetricsAgent implements Agent
{
    static final String ROLE_NAME = "wodian-metrics";
    static final long UPDATE_INTERVAL_MS = 1_000;
    /** Runs per update interval: one per stage (the first also copies the other figures). */
    static final int STEPS = StageLatency.Stage.values().length;
    /** A standby is ready while it lacks at most this many committed entries. */
    static final long READY_LAG_ENTRIES_MAX = 1_000;

    private final ServerCounters counters;
    private final StageLatency latency;
    private final EpochClock clock;
    private final RingBuffer<InputEvent> inputRing;
    private final RingBuffer<OutputEvent> outputRing;
    private final ReceiverAgent receiver;
    private final SenderAgent sender;
    private final SnapshotAgent snapshotAgent;
    private final ClusterView clusterView;
    private final long leaderSilenceMaxMs;
    private final JournalMapAhead journalMapAhead;
    private final FileReloads fileReloads;
    private long nextStepMs;
    private int step;
    private volatile boolean ready;

    /**
     * @param snapshotAgent      the snapshotter, or null.
     * @param clusterView        the replica group's view, or null when alone.
     * @param leaderSilenceMaxMs a standby that has not heard from the primary for longer is not ready.
     * @param journalMapAhead    maps the journal's next chunk ahead: the journal's writer, or a replica group's log.
     * @param fileReloads        the credential and TLS files re-read when they change.
     */
    MetricsAgent(
        final ServerCounters counters,
        final StageLatency latency,
        final EpochClock clock,
        final RingBuffer<InputEvent> inputRing,
        final RingBuffer<OutputEvent> outputRing,
        final ReceiverAgent receiver,
        final SenderAgent sender,
        final SnapshotAgent snapshotAgent,
        final ClusterView clusterView,
        final long leaderSilenceMaxMs,
        final JournalMapAhead journalMapAhead,
        final FileReloads fileReloads)
    {
        this.counters = counters;
        this.latency = latency;
        this.clock = clock;
        this.inputRing = inputRing;
        this.outputRing = outputRing;
        this.receiver = receiver;
        this.sender = sender;
        this.snapshotAgent = snapshotAgent;
        this.clusterView = clusterView;
        this.leaderSilenceMaxMs = leaderSilenceMaxMs;
        this.journalMapAhead = journalMapAhead;
        this.fileReloads = fileReloads;
    }

    @Override
    public String roleName()
    {
        return ROLE_NAME;
    }

    @Override
    public int doWork()
    {
        final long nowMs = clock.time();
        if (nowMs < nextStepMs)
        {
            return 0;
        }
        nextStepMs = nowMs + UPDATE_INTERVAL_MS / STEPS;
        journalMapAhead.mapAhead();
        if (0 == step)
        {
            fileReloads.reloadIfChanged(nowMs);
            updateFigures();
            counters.heartbeat(nowMs);
        }
        latency.publish(step, counters.stageLatencyCounters());
        step = step + 1 == STEPS ? 0 : step + 1;
        return 1;
    }

    /** Copies every figure now (also called once more at shutdown). */
    void update()
    {
        updateFigures();
        latency.publish(counters.stageLatencyCounters());
    }

    /**
     * What lies between a consumer's and a producer's position, read by another thread: the consumer side is read
     * first (it never passes the producer), so the difference is never negative; a value read the other way round
     * could be (the producer read, then both moved on: concurrency review F5).
     */
    static long depth(final long consumerPosition, final long producerPosition)
    {
        return Math.max(0, producerPosition - consumerPosition);
    }

    /** Every figure but the stage latency percentiles. */
    private void updateFigures()
    {
        set(Scalar.INPUT_RING_DEPTH, depth(inputRing.getMinimumGatingSequence(), inputRing.getCursor()));
        set(Scalar.OUTPUT_RING_DEPTH, depth(sender.polledSequence(), outputRing.getCursor()));
        set(Scalar.LOGONS, receiver.gate().logonCount());
        set(Scalar.LOGON_FAILURES, receiver.gate().failedLogonCount());
        set(Scalar.SESSIONS_TIMED_OUT, receiver.timedOutCount());
        set(Scalar.SLOW_READERS, sender.slowReaderCount());
        final long closed = counters.scalar(Scalar.CONNECTIONS_CLOSED).get(); // first, as depth() reads
        set(Scalar.SESSIONS_OPEN, depth(closed, counters.scalar(Scalar.CONNECTIONS_ACCEPTED).get()));
        if (null != snapshotAgent)
        {
            set(Scalar.SNAPSHOTS_WRITTEN, snapshotAgent.snapshotCount());
        }
        ready = null == clusterView || updateGroup(clusterView.current());
        set(Scalar.READY, ready ? 1 : 0);
        final long certificateExpiryMs = fileReloads.certificateExpiryMs();
        set(Scalar.TLS_CERTIFICATE_EXPIRY, Long.MAX_VALUE == certificateExpiryMs ? 0 : certificateExpiryMs / 1000);
    }

    /** True when the server is recovered and serving: alone, primary, or a standby close behind its primary. */
    boolean isReady()
    {
        return ready;
    }

    private boolean updateGroup(final ClusterView.Snapshot view)
    {
        if (null == view)
        {
            return false;
        }
        set(Scalar.ROLE, view.role().value());
        set(Scalar.TERM, view.term());
        set(Scalar.LAST_INDEX, view.lastIndex());
        set(Scalar.DURABLE_INDEX, view.durableIndex());
        set(Scalar.COMMIT_INDEX, view.commitIndex());
        int connected = 0;
        long slowestMatch = Long.MAX_VALUE;
        long leaderHeardAgoMs = Long.MAX_VALUE;
        // Members only (operator review 6): an address-book entry of a removed id is never connected again and
        // must not hold the "peers connected below members - 1" alert on for ever.
        final long members = view.configuration() < 0 ? -1 :
            Membership.voters(view.configuration()) | Membership.learners(view.configuration());
        for (int i = 0; i < view.peerIds().length; i++)
        {
            if (view.connected()[i] && (members < 0 || (members & (1L << view.peerIds()[i])) != 0))
            {
                connected++;
                slowestMatch = Math.min(slowestMatch, view.matchIndexes()[i]);
            }
            if (view.peerIds()[i] == view.leaderId())
            {
                leaderHeardAgoMs = view.lastHeardAgoMs()[i];
            }
        }
        set(Scalar.PEERS_CONNECTED, connected);
        set(Scalar.MEMBERS, members < 0 ? view.peerIds().length + 1 : Long.bitCount(members));
        set(Scalar.TAILS_CUT, view.truncations());
        set(Scalar.PRE_VOTE_ROUNDS, view.elections().preVoteRounds());
        set(Scalar.ELECTIONS, view.elections().stood());
        set(Scalar.VOTES_GRANTED, view.elections().votesGranted());
        set(Scalar.VOTE_REQUESTS_REFUSED, view.elections().voteRequestsRefused());
        if (GroupRole.LEADER == view.role())
        {
            set(Scalar.REPLICATION_LAG, Long.MAX_VALUE == slowestMatch ? 0 : view.lastIndex() - slowestMatch);
            set(Scalar.RETAINED_FOR_SLOWEST, retainedForSlowestEntries(view, members));
            return true;
        }
        set(Scalar.RETAINED_FOR_SLOWEST, 0);
        final long lagEntries = Math.max(0, view.commitIndex() - view.durableIndex());
        set(Scalar.REPLICATION_LAG, lagEntries);
        return GroupRole.FOLLOWER == view.role() && view.leaderId() >= 0 &&
            leaderHeardAgoMs <= leaderSilenceMaxMs && lagEntries <= READY_LAG_ENTRIES_MAX;
    }

    /**
     * On a primary: the entries after the lowest last known position of any member, connected or not (operator
     * review 2, finding 4: a member that is down holds retention on every node, and the lag of connected standbys
     * does not show it). {@code journal prune} keeps them (unless told how much to keep for a member that is down).
     *
     * @param members the configuration's voters and learners as a bit set, or -1 when unknown (every peer counts).
     */
    static long retainedForSlowestEntries(final ClusterView.Snapshot view, final long members)
    {
        long slowest = view.lastIndex();
        for (int i = 0; i < view.peerIds().length; i++)
        {
            if (members < 0 || (members & (1L << view.peerIds()[i])) != 0)
            {
                slowest = Math.min(slowest, view.matchIndexes()[i]);
            }
        }
        return Math.max(0, view.lastIndex() - slowest);
    }

    private void set(final Scalar scalar, final long value)
    {
        counters.scalar(scalar).setRelease(value);
    }
}
