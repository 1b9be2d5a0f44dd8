package com.wodian.net.cluster.stage;

import com.lmax.disruptor.EventPoller;
import com.lmax.disruptor.RingBuffer;
import com.wodian.journal.consensus.AckPolicy;
import com.wodian.journal.consensus.AcknowledgementRule;
import com.wodian.journal.consensus.ConsensusNode;
import com.wodian.journal.consensus.ElectionCounters;
import com.wodian.journal.consensus.EntryPayloads;
import com.wodian.journal.consensus.EntryView;
import com.wodian.journal.consensus.LogEntries;
import com.wodian.journal.consensus.Membership;
import com.wodian.journal.consensus.MembershipHistory;
import com.wodian.journal.consensus.Role;
import com.wodian.journal.consensus.TermStore;
import com.wodian.journal.consensus.storage.JournalReplicaLog;
import com.wodian.net.cluster.ClusterView;
import com.wodian.net.cluster.ReplicaGroupConfig;
import com.wodian.net.cluster.snapshot.SnapshotTransfer;
import com.wodian.net.cluster.transport.ConfigurationEntry;
import com.wodian.net.cluster.transport.MessageHandler;
import com.wodian.net.cluster.transport.ReplicationTransport;
import com.wodian.net.pipeline.InputEvent;
import com.wodian.protocol.CommandCatalog;
import com.wodian.protocol.CommandEncoder;
import com.wodian.protocol.sbe.ClusterControlDecoder;
import com.wodian.protocol.sbe.ResultCode;
import com.wodian.protocol.sbe.TickDecoder;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.SplittableRandom;

/**
 * The replica-group stage of a server that runs as one node of a group: the consumer of the input ring that
 * journals and replicates, and the gate in front of the engine.
 * <pre>
 *  input ring ──▶ replication stage ──▶ apply ring ──▶ engine ──▶ output ring ──▶ sender
 *                  │ journal (JournalReplicaLog), Raft (ConsensusNode), peers (ReplicationTransport)
 *                  └ holds each command until its entry meets the {@link AckPolicy}
 * </pre>
 * One duty cycle, in this order, so that the disk and the network overlap and nothing is acknowledged early:
 * <ol>
 *     <li>read the peers' messages (a standby appends the primary's entries to its journal here);</li>
 *     <li>make those appends durable before this node's answer to the primary can leave (step 5);</li>
 *     <li>on the primary, take commands from the input ring and append them to the journal (page cache);</li>
 *     <li>timers (heartbeats, elections, check quorum) and the sends to each standby;</li>
 *     <li>write the queued messages to the sockets;</li>
 *     <li>make the primary's appends durable (fsync under the SYNC policy) while the standbys receive them;</li>
 *     <li>hand every entry the policy now covers to the engine, in journal order, each with its client's session,
 *     and the queries and gateway replies queued behind them.</li>
 * </ol>
 * The engine therefore only ever applies committed entries (under the LOCAL policy: entries durable on the primary),
 * on the primary and on the standbys alike, and a standby's state hash at index i equals the primary's at i.
 * Commands reaching a standby are answered NOT_PRIMARY; commands the primary took but had not got acknowledged when
 * it lost its role are answered PRIMARY_LOST; the client library retries both at the primary with the same
 * idempotency key, and the engine's idempotency makes a command that did commit answer the same way again.
 */
public final class ReplicationStage implements Agent, EntryPayloads
{
    private static final int INPUT_POLL_LIMIT = 1024;
    /**
     * A standby this many entries behind the primary's newest snapshot is sent the snapshot even when the journal
     * still holds the entries (docs/replication.md, "Snapshot install"): the engine applies about 1 M entries
     * per CPU-second, while a snapshot (its size follows the state: ~390 MB at 1 M consumers) moves in a few seconds
     * on a LAN. {@code -Dwodian.replication.installBehindEntries}.
     */
    public static final String INSTALL_BEHIND_ENTRIES_PROPERTY = "wodian.replication.installBehindEntries";
    static final long INSTALL_BEHIND_ENTRIES_DEFAULT = 10_000_000L;
    /** Bytes of snapshot per InstallSnapshot message ({@code -Dwodian.replication.snapshotChunkBytes}, 1-512 KiB). */
    static final String SNAPSHOT_CHUNK_BYTES_PROPERTY = "wodian.replication.snapshotChunkBytes";
    private static final int APPLY_LIMIT = 4096;
    private static final long STATUS_INTERVAL_MS = AcknowledgementRule.SET_CHECK_INTERVAL_MS;
    /** Payload handle of the no-op entry a new leader appends (ConsensusNode.becomeLeader uses 0). */
    private static final long NOOP_PAYLOAD = 0;
    /** Payload handle of the command being taken from the input ring. */
    private static final long RING_PAYLOAD = -1;

    private final ReplicaGroupConfig group;
    private final NotPrimaryReplies replies;
    private final ClusterControlHandler control;
    private final ElectionLog electionLog;
    private final JoinLimitsCheck joinLimits;
    private final EventPoller<InputEvent> inputPoller;
    private final RingBuffer<InputEvent> applyRing;
    private final JournalReplicaLog journalLog;
    private final TruncationWatch log;
    private final ConsensusNode node;
    private final ReplicationTransport transport;
    private final PendingInputs pending;
    private final EpochClock clock;
    private final ClusterView view;
    private final ErrorHandler fatalErrorHandler;
    private final System.Logger logger;
    private final EventPoller.Handler<InputEvent> inputHandler = this::onInput;
    private final MessageHandler peerHandler = new PeerMessages();
    private final AcknowledgementRule ackRule;
    private final AcknowledgementRule.SetChangeListener setChangeLogger = this::logSetChange;
    private final EntryView entry = new EntryView();
    private final UnsafeBuffer noop = new UnsafeBuffer(new byte[CommandCatalog.MAX_MESSAGE_LENGTH]);
    private final int noopLength;
    private final UnsafeBuffer reply = new UnsafeBuffer(new byte[CommandCatalog.MAX_MESSAGE_LENGTH]);
    private final UnsafeBuffer configurationCommand = new UnsafeBuffer(new byte[CommandCatalog.MAX_MESSAGE_LENGTH]);
    private final ConfigurationEntry configurationEntry = new ConfigurationEntry();

    private EntryPayloads framePayloads;
    private InputEvent currentEvent;
    private long lastEntryTimestampMs;
    private long appliedIndex;
    private long nowMs;
    private int takenThisPoll;
    private Role lastRole = Role.FOLLOWER;
    private long nextStatusMs;
    private final CommitMarkWriter commitMarkWriter;
    private final SnapshotTransfer snapshotTransfer;
    /** Told when a snapshot install needs the server restarted on it; null: stop the node instead (fatal). */
    private final java.util.function.Consumer<String> restartHandler;
    private boolean failed;
    /** A snapshot was installed: this pipeline's engine is behind it, so nothing more is applied until the restart. */
    private boolean restartPending;
    /**
     * For the closing thread ({@link #isIdle}, {@link #isRunning}): written by this stage's thread when they change
     * (concurrency review F8: the pending queue's plain head/tail were read from that thread).
     */
    private volatile boolean pendingEmptyPublished = true;
    private volatile boolean stoppedPublished;
    /** Committed and applied: the journal sequence up to which other threads (the snapshotter) may read. */
    private volatile long committedAppliedIndex;

    /**
     * @param appliedIndex the journal index the engine was recovered to (the commit mark at most): entries after it
     *                     are applied once the group says they are committed.
     */
    public ReplicationStage(
        final ReplicaGroupConfig group,
        final EventPoller<InputEvent> inputPoller,
        final RingBuffer<InputEvent> applyRing,
        final JournalReplicaLog journalLog,
        final TermStore termStore,
        final ReplicationTransportFactory transportFactory,
        final int pendingCapacity,
        final long appliedIndex,
        final EpochClock clock,
        final ClusterView view,
        final ErrorHandler fatalErrorHandler,
        final long commitMarkIntervalMs,
        final java.util.function.Consumer<String> restartHandler,
        final System.Logger logger)
    {
        this.restartHandler = restartHandler;
        this.group = group;
        this.inputPoller = inputPoller;
        this.applyRing = applyRing;
        this.journalLog = journalLog;
        this.log = new TruncationWatch(journalLog);
        this.pending = new PendingInputs(pendingCapacity);
        this.clock = clock;
        this.view = view;
        this.fatalErrorHandler = fatalErrorHandler;
        this.logger = logger;
        this.appliedIndex = appliedIndex;
        this.committedAppliedIndex = appliedIndex; // recovered up to the commit mark at most: committed
        this.commitMarkWriter = new CommitMarkWriter(journalLog.journal().dir().getParent(), commitMarkIntervalMs,
            logger);
        this.noopLength = new CommandEncoder().tick(noop, 0);
        this.ackRule = new AcknowledgementRule(group.ackPolicy(), group.nodeId(), group.groupSize(),
            group.laggingEntriesMax(), group.silentMsMax());
        this.replies = new NotPrimaryReplies(group);
        if (journalLog.lastIndex() > 0 && journalLog.read(journalLog.lastIndex(), entry))
        {
            lastEntryTimestampMs = entry.timestampMs;
        }
        journalLog.setPayloads(this);
        this.nowMs = timerMs();
        this.transport = transportFactory.newTransport(journalLog);
        // The engine was recovered up to the commit mark at most: committed, so the node starts its commit index there.
        this.snapshotTransfer = new SnapshotTransfer(journalLog.journal().dir().getParent(),
            Math.max(1024, Math.min(512 * 1024,
                Integer.getInteger(SNAPSHOT_CHUNK_BYTES_PROPERTY, SnapshotTransfer.CHUNK_BYTES_DEFAULT))),
            Long.getLong(INSTALL_BEHIND_ENTRIES_PROPERTY, INSTALL_BEHIND_ENTRIES_DEFAULT), this::onSnapshotInstalled);
        MemberStart.requireTermStoreNotBehindJournal(termStore.currentTerm(), journalLog.termAt(journalLog.lastIndex()),
            group.nodeId(), journalLog.journal().dir().getParent());
        final MembershipHistory membership = MemberStart.openMembership(group, journalLog.journal().dir().getParent());
        this.node = new ConsensusNode(group.nodeId(), group.groupSize(), group.consensus(), log, termStore,
            transport, (index, term, payload) -> { }, new SplittableRandom(System.nanoTime() ^ group.nodeId()),
            nowMs, appliedIndex, snapshotTransfer, snapshotTransfer, membership);
        MemberStart.identify(transport, node, journalLog.journal().dir().getParent(), group.groupSize(), logger);
        this.control = new ClusterControlHandler(group, node, transport, logger);
        this.electionLog = new ElectionLog(group.nodeId(), logger);
        this.joinLimits = new JoinLimitsCheck(group);
        control.logConfiguration();
        publishStatus();
    }

    /** Builds the transport once the log exists (the transport reads entries from it to send them). */
    @FunctionalInterface
    public interface ReplicationTransportFactory
    {
        ReplicationTransport newTransport(JournalReplicaLog log);
    }

    @Override
    public String roleName()
    {
        return "wodian-replication";
    }

    /**
     * One duty cycle. A consensus rule that throws (a peer's message no check foresaw, a log that cannot take an
     * entry, a full disk under a snapshot install) stops this node loudly through the fatal handler: left to the
     * agent's error handler, the cycle would throw again every heartbeat, its sends and the engine's feed stopped,
     * the link's frames dispatched again with every new byte, while the node looked alive.
     */
    @Override
    public int doWork()
    {
        if (failed || restartPending)
        {
            return 0;
        }
        try
        {
            return dutyCycle();
        }
        catch (final RuntimeException | Error ex)
        {
            fail(ex);
            return 0;
        }
    }

    /**
     * The time every replication timer runs on (election and heartbeat timeouts, Pre-Vote, check quorum, "heard ...
     * ago", the acknowledgement set, the status view): monotonic, so that a step of the wall clock (an NTP step, a VM
     * resumed) neither deposes the primary nor freezes the view (ops2 review 2). The wall clock only stamps entries.
     */
    private static long timerMs()
    {
        return System.nanoTime() / 1_000_000L;
    }

    private int dutyCycle()
    {
        nowMs = timerMs();
        int work = 0;

        // 1-2. Peers' messages; a standby's appends become durable before its answers leave.
        work += transport.poll(nowMs, peerHandler);
        if (restartPending)
        {
            return work; // a snapshot was installed: this pipeline applies nothing more
        }
        syncIfBehind();
        if (checkTruncation())
        {
            return 0;
        }

        // 3. The primary takes client commands (bounded so that the pending queue cannot overflow).
        if (pending.capacity() - pending.size() >= INPUT_POLL_LIMIT)
        {
            takenThisPoll = 0;
            try
            {
                inputPoller.poll(inputHandler);
            }
            catch (final Exception ex)
            {
                fail(ex);
                return 0;
            }
            work += takenThisPoll;
        }

        // 4-6. Timers and sends, then this node's own durability while the standbys receive.
        node.flush(nowMs);
        node.onTimer(nowMs);
        onRoleChange();
        electionLog.observe(node.electionCounters(), node.leaderId(), nowMs);
        work += transport.flush();
        if (!node.mayVote())
        {
            joinLimits.afterFlush(transport);
        }
        syncIfBehind();

        // 7. Everything the policy now covers goes to the engine, in order.
        work += drain(effectiveCommitIndex());

        if (nowMs >= nextStatusMs)
        {
            ackRule.updateSet(node, nowMs, setChangeLogger);
            publishStatus();
            nextStatusMs = nowMs + STATUS_INTERVAL_MS;
            if (joinedUnderOtherLimits())
            {
                return work;
            }
        }
        publishCommittedApplied();
        final boolean pendingEmpty = pending.isEmpty();
        if (pendingEmpty != pendingEmptyPublished)
        {
            pendingEmptyPublished = pendingEmpty; // a volatile write only when it changes
        }
        return work;
    }

    @Override
    public void onClose()
    {
        if (!failed && !restartPending)
        {
            syncIfBehind();
            commitMarkWriter.request(Math.min(node.commitIndex(), appliedIndex));
        }
        CloseHelper.quietClose(commitMarkWriter);
        CloseHelper.quietClose(transport);
        CloseHelper.quietClose(snapshotTransfer);
        CloseHelper.quietClose(journalLog);
    }

    /**
     * @return the last journal index that is both committed (no truncation can remove it) and applied, as seen from
     * any thread; it never goes down. The snapshotter reads the journal up to it.
     */
    public long committedAppliedIndex()
    {
        return committedAppliedIndex;
    }

    /** Any thread: the snapshotter wrote a snapshot, offered to followers from the next look (SnapshotListing). */
    public void snapshotWritten()
    {
        snapshotTransfer.snapshotWritten();
    }

    private void publishCommittedApplied()
    {
        final long index = Math.min(node.commitIndex(), appliedIndex);
        commitMarkWriter.request(index);
        if (index > committedAppliedIndex)
        {
            committedAppliedIndex = index;
        }
    }

    /** The journal index the engine has been handed, for shutdown and status. */
    public long appliedIndex()
    {
        return appliedIndex;
    }

    public long inputSequence()
    {
        return inputPoller.getSequence().get();
    }

    /**
     * @return from any thread: whether nothing taken waits for the policy any more (as of this stage's last duty
     * cycle), or the stage stopped (a snapshot install's restart, a failure) and will take and apply nothing more.
     */
    public boolean isIdle()
    {
        return stoppedPublished || pendingEmptyPublished;
    }

    /**
     * @return from any thread: false once the stage stopped (a snapshot install's restart pending, or a failure):
     * inputs published after that are never taken, so a close must not wait for them.
     */
    public boolean isRunning()
    {
        return !stoppedPublished;
    }

    /**
     * The peers' messages, handed to the consensus node; while an AppendEntries is handled, its entries' payload
     * handles resolve into the received frame (see {@link #resolve}).
     */
    private final class PeerMessages implements MessageHandler
    {
        @Override
        public void onRequestVote(
            final long term, final int fromNodeId, final long lastLogIndex, final long lastLogTerm,
            final boolean leadershipTransfer)
        {
            node.onRequestVote(term, fromNodeId, lastLogIndex, lastLogTerm, leadershipTransfer, nowMs);
            onRoleChange();
        }

        @Override
        public void onVoteReply(final long term, final int fromNodeId, final boolean granted)
        {
            node.onVoteReply(term, fromNodeId, granted, nowMs);
            onRoleChange();
        }

        @Override
        public void onPreVote(final long term, final int fromNodeId, final long lastLogIndex, final long lastLogTerm)
        {
            node.onPreVote(term, fromNodeId, lastLogIndex, lastLogTerm, nowMs); // changes no role
        }

        @Override
        public void onPreVoteReply(
            final long term, final int fromNodeId, final long candidateTerm, final boolean granted)
        {
            node.onPreVoteReply(term, fromNodeId, candidateTerm, granted, nowMs);
            onRoleChange();
        }

        @Override
        public void onAppendEntries(
            final long term, final int fromNodeId, final long prevLogIndex, final long prevLogTerm,
            final long leaderCommitIndex, final int entryCount, final LogEntries entries,
            final EntryPayloads payloads)
        {
            framePayloads = payloads;
            try
            {
                node.onAppendEntries(term, fromNodeId, prevLogIndex, prevLogTerm, leaderCommitIndex, entryCount,
                    entries, nowMs);
            }
            finally
            {
                framePayloads = null;
            }
            onRoleChange();
        }

        @Override
        public void onAppendReply(
            final long term, final int fromNodeId, final boolean success, final long matchIndex,
            final long conflictIndex)
        {
            node.onAppendReply(term, fromNodeId, success, matchIndex, conflictIndex, nowMs);
            onRoleChange();
        }

        @Override
        public void onTimeoutNow(final long term, final int fromNodeId)
        {
            node.onTimeoutNow(term, fromNodeId, nowMs);
            onRoleChange();
        }

        @Override
        public void onInstallSnapshot(
            final long term, final int fromNodeId, final long snapshotIndex, final long snapshotTerm,
            final long configuration, final long totalLength, final long offset, final org.agrona.DirectBuffer chunk,
            final int chunkOffset, final int chunkLength)
        {
            if (!restartPending)
            {
                node.onInstallSnapshot(term, fromNodeId, snapshotIndex, snapshotTerm, configuration, totalLength,
                    offset, chunk, chunkOffset, chunkLength, nowMs);
                onRoleChange();
            }
        }

        @Override
        public void onInstallSnapshotReply(
            final long term, final int fromNodeId, final long snapshotIndex, final long nextOffset,
            final boolean done)
        {
            node.onInstallSnapshotReply(term, fromNodeId, snapshotIndex, nextOffset, done, nowMs);
            onRoleChange();
        }
    }

    /**
     * The log now starts after an installed snapshot, which the engine fed by this stage does not hold: nothing more
     * is applied, the reply to the primary leaves, and the server restarts its pipeline, recovering from the
     * snapshot (then the tail comes from the primary).
     */
    private void onSnapshotInstalled(final long index)
    {
        restartPending = true;
        stoppedPublished = true;
        committedAppliedIndex = appliedIndex; // unchanged: the snapshotter stops at the replaced journal
        final String reason = "snapshot installed at sequence " + index;
        logger.log(System.Logger.Level.WARNING, "{0}: restarting the pipeline on it", reason);
        transport.flush(); // the primary learns it is done before the restart
        if (null == restartHandler)
        {
            fail(new IllegalStateException(reason + ": restart the node to load it"));
        }
        else
        {
            restartHandler.accept(reason);
        }
    }

    private boolean onInput(final InputEvent event, final long sequence, final boolean endOfBatch)
    {
        switch (event.kind)
        {
            case InputEvent.KIND_COMMAND:
                onCommand(event);
                break;

            case InputEvent.KIND_QUERY:
                if (templateIdOf(event) == ClusterControlDecoder.TEMPLATE_ID)
                {
                    final int length = control.onClusterControl(event.buffer, event.blockLength, event.version, reply,
                        nowMs);
                    pending.addPassThrough(InputEvent.KIND_REJECT, event.sessionId, event.correlationId, reply, 0,
                        length);
                }
                else
                {
                    pending.addPassThrough(InputEvent.KIND_QUERY, event.sessionId, event.correlationId, event.buffer,
                        0, event.length);
                }
                break;

            default: // gateway replies and closes keep their place in the session's order
                pending.addPassThrough(event.kind, event.sessionId, event.correlationId, event.buffer, 0,
                    event.length);
                break;
        }
        return ++takenThisPoll < INPUT_POLL_LIMIT;
    }

    private void onCommand(final InputEvent event)
    {
        if (node.role() == Role.LEADER)
        {
            if (event.templateId == TickDecoder.TEMPLATE_ID)
            {
                ConfigurationEntry.clearTag(event.buffer, 0, event.length); // only the primary writes configurations
            }
            currentEvent = event;
            final long index = node.appendLocal(RING_PAYLOAD);
            currentEvent = null;
            if (index > 0)
            {
                pending.addCommand(index, event.sessionId, event.correlationId);
                return;
            }
        }
        if (0 != event.sessionId) // the receiver's own Tick on a standby needs no answer
        {
            final int length = replies.notPrimaryReply(reply, templateIdOf(event), node.leaderId());
            pending.addPassThrough(InputEvent.KIND_REJECT, event.sessionId, event.correlationId, reply, 0, length);
        }
    }

    /** Resolves the payload handles ConsensusNode hands to the log's append into the entry's content. */
    @Override
    public void resolve(final long payload, final EntryView into)
    {
        if (payload == NOOP_PAYLOAD)
        {
            into.set(Math.max(clock.time(), lastEntryTimestampMs), CommandCatalog.SCHEMA_VERSION, noop, 0,
                noopLength);
        }
        else if (null == framePayloads && Membership.configurationOfPayload(payload) != Membership.NONE)
        {
            final int length = configurationEntry.encode(configurationCommand, 0, payload);
            into.set(Math.max(clock.time(), lastEntryTimestampMs), CommandCatalog.SCHEMA_VERSION,
                configurationCommand, 0, length);
        }
        else if (null != framePayloads)
        {
            framePayloads.resolve(payload, into);
        }
        else if (payload == RING_PAYLOAD && null != currentEvent)
        {
            // Timestamps never go back along the journal, across a change of primary too.
            into.set(Math.max(currentEvent.timestampMs, lastEntryTimestampMs), CommandCatalog.SCHEMA_VERSION,
                currentEvent.buffer, 0, currentEvent.length);
        }
        else
        {
            throw new IllegalStateException("no entry behind payload handle " + payload);
        }
        lastEntryTimestampMs = Math.max(lastEntryTimestampMs, into.timestampMs);
    }

    private void onRoleChange()
    {
        final Role role = node.role();
        if (role == lastRole)
        {
            return;
        }
        if (lastRole == Role.LEADER)
        {
            final int length = replies.errorReply(reply, ResultCode.PRIMARY_LOST, 0);
            pending.replaceCommands(reply, length);
            logger.log(System.Logger.Level.WARNING, "node {0} is no longer the primary (term {1,number,#}); " +
                "unacknowledged commands answered PRIMARY_LOST", group.nodeId(), node.currentTerm());
        }
        if (role == Role.LEADER)
        {
            ackRule.onBecameLeader();
            logger.log(System.Logger.Level.INFO, "node {0} is the primary of term {1,number,#} at index {2,number,#}",
                group.nodeId(), node.currentTerm(), journalLog.lastIndex());
        }
        lastRole = role;
        publishStatus();
    }

    /** The product's acknowledgement rule (shared with the simulation): what the engine may apply and answer. */
    private long effectiveCommitIndex()
    {
        return ackRule.acknowledgedIndex(node, journalLog.durableIndex());
    }

    private void logSetChange(final int peer, final boolean inSet, final long behind, final long silentMs)
    {
        logger.log(System.Logger.Level.WARNING, inSet ?
            "standby {0} is back in the acknowledgement set ({1,number,#} entries behind)" :
            "standby {0} dropped from the acknowledgement set: {1,number,#} entries behind, silent for " +
            silentMs + " ms", peer, behind);
    }

    /**
     * Hands the engine everything the policy covers, claiming apply-ring slots one by one and publishing them as one
     * range at the end: one wake-up of the engine thread per duty cycle, not one per entry.
     */
    private int drain(final long commitIndex)
    {
        int handed = 0;
        long firstSequence = -1;
        long lastSequence = -1;
        while (handed < APPLY_LIMIT && applyRing.remainingCapacity() > 0)
        {
            final boolean passThrough = !pending.isEmpty() && pending.headKind() == PendingInputs.PASS_THROUGH;
            final long next = appliedIndex + 1;
            if (!passThrough && next > commitIndex)
            {
                break;
            }
            if (!passThrough && !journalLog.read(next, entry))
            {
                fail(new IllegalStateException("committed entry " + next + " is missing from the journal"));
                break;
            }
            if (!passThrough && entry.payloadVersion > CommandCatalog.SCHEMA_VERSION)
            {
                // An old standby in a rolling upgrade: stop, rather than apply what it cannot read and diverge.
                fail(CommandCatalog.newerEntry(next, entry.payloadVersion));
                break;
            }
            final long sequence = applyRing.next();
            final InputEvent event = applyRing.get(sequence);
            if (passThrough)
            {
                event.kind = pending.headInputKind();
                event.sessionId = pending.headSessionId();
                event.correlationId = pending.headCorrelationId();
                event.timestampMs = lastEntryTimestampMs;
                event.journalSequence = 0;
                event.length = pending.headLength();
                pending.copyHeadBytes(event.payload);
                pending.removeHead();
            }
            else
            {
                final boolean ours = !pending.isEmpty() && pending.headIndex() == next;
                event.kind = InputEvent.KIND_COMMAND;
                event.sessionId = ours ? pending.headSessionId() : 0;
                event.correlationId = ours ? pending.headCorrelationId() : 0;
                event.timestampMs = entry.timestampMs;
                event.journalSequence = next;
                event.length = entry.length;
                entry.buffer.getBytes(entry.offset, event.payload, 0, entry.length);
                if (ours)
                {
                    pending.removeHead();
                }
                appliedIndex = next;
            }
            event.decodeHeader(); // this stage fills the apply ring's slots: the engine stage reads the fields
            if (firstSequence < 0)
            {
                firstSequence = sequence;
            }
            lastSequence = sequence;
            handed++;
        }
        if (firstSequence >= 0)
        {
            applyRing.publish(firstSequence, lastSequence);
        }
        return handed;
    }

    private void syncIfBehind()
    {
        if (journalLog.durableIndex() < journalLog.lastIndex())
        {
            journalLog.sync();
        }
    }

    /**
     * An entry the engine has applied was cut off the journal: possible only under the LOCAL policy, after this node
     * answered clients as primary for entries the new primary never received. The engine cannot un-apply; stop, so
     * that a restart rebuilds it from the journal (up to the commit mark) and the node rejoins as a standby.
     */
    private boolean checkTruncation()
    {
        final long cut = log.takeLowestTruncation();
        if (cut > 0 && cut <= appliedIndex)
        {
            fail(new IllegalStateException("journal cut back to " + (cut - 1) + " below the applied index " +
                appliedIndex + " (entries acknowledged under the LOCAL policy were lost in a failover); " +
                "restart the node to rebuild its state"));
            return true;
        }
        return false;
    }

    /** A node that joined empty under other engine limits than a member's stops (through the fatal handler). */
    private boolean joinedUnderOtherLimits()
    {
        final String refusal = node.mayVote() ? null : joinLimits.refusal(transport, nowMs);
        if (null != refusal)
        {
            fail(new IllegalStateException(refusal));
        }
        return null != refusal;
    }

    private void publishStatus()
    {
        final int size = group.groupSize();
        final int peers = Long.bitCount(group.idsWithAddress()) - 1;
        final int[] ids = new int[peers];
        final long[] match = new long[peers];
        final long[] heardAgo = new long[peers];
        final boolean[] connected = new boolean[peers];
        final boolean[] quorum = new boolean[peers];
        final boolean leader = node.role() == Role.LEADER;
        for (int peer = 0, i = 0; peer < size; peer++)
        {
            if (peer == group.nodeId() || !group.hasAddress(peer))
            {
                continue;
            }
            ids[i] = peer;
            match[i] = leader ? node.matchIndexOf(peer) : -1;
            final long heard = node.lastHeardFromMs(peer);
            heardAgo[i] = leader && heard > 0 ? nowMs - heard : -1;
            connected[i] = transport.isConnected(peer);
            quorum[i] = !leader || ackRule.inSet(peer);
            i++;
        }
        control.logConfiguration();
        view.publish(new ClusterView.Snapshot(group.nodeId(), ClusterView.wireRole(node.role()),
            ClusterView.wireAckPolicy(group.ackPolicy()), node.leaderId(),
            node.currentTerm(), journalLog.lastIndex(), journalLog.durableIndex(), effectiveCommitIndex(),
            journalLog.truncationCount(), ids, match, heardAgo, connected, quorum, node.configuration(),
            (node.configurationCommitted() ? ClusterView.CONFIGURATION_COMMITTED : 0) |
                (node.mayVote() ? ClusterView.MAY_VOTE : 0), elections()));
    }

    private ClusterView.Elections elections()
    {
        final ElectionCounters counters = node.electionCounters();
        return new ClusterView.Elections(counters.preVoteRounds(), counters.elections(), counters.votesGranted(),
            counters.preVotesRefused() + counters.votesRefused() + counters.votesIgnoredLeaderAlive());
    }

    private static int templateIdOf(final InputEvent event)
    {
        return event.templateId; // decoded once by the receiver when it published the input
    }

    private void fail(final Throwable ex)
    {
        failed = true;
        stoppedPublished = true;
        logger.log(System.Logger.Level.ERROR, "replication stage failed, this node no longer takes part", ex);
        CloseHelper.quietClose(transport);
        if (null != fatalErrorHandler)
        {
            fatalErrorHandler.onError(ex);
        }
    }
}
