package com.wodian.journal.consensus;

import java.util.random.RandomGenerator;

import org.agrona.DirectBuffer;

/**
 * One member of a replica group, following Raft (Ongaro and Ousterhout, "In Search of an Understandable Consensus
 * Algorithm", figure 2) plus three refinements from Ongaro's thesis: the leader appends a no-op entry when elected
 * (so it can commit entries of earlier terms, section 5.4.2), check quorum (a leader that has not heard from a
 * majority within the minimum election timeout steps down), and leader stickiness (a follower that heard from a live
 * leader within the minimum election timeout ignores vote requests, so a node rejoining after a partition cannot
 * depose a healthy leader).
 *
 * <p>Two more from the thesis for throughput and planned switchovers: pipelining (section 10.2.1: once a follower's
 * position is confirmed the leader sends further entries without waiting for acknowledgements, up to
 * {@link ConsensusConfig#maxInFlightEntries()} per follower, and treats {@code nextIndex} as a hint that a refusal
 * corrects), and leadership transfer (section 3.10: {@link #transferLeadership}). Commands can be appended in
 * batches ({@link #appendLocal}) and sent once per batch ({@link #flush}).
 *
 * <p>The node is a pure, single-threaded state machine: it never reads a clock (time comes in every call), never
 * touches the network (messages leave through a {@link ConsensusOutbox}) and draws randomness only from the generator
 * it is given, so a simulator can run a whole group in one thread under a seed and replay any failure exactly.
 *
 * <p>Membership changes follow the thesis's single-server changes (section 4.1, with its fix of 2015: a leader
 * changes the configuration only once an entry of its own term is committed): a configuration entry in the log takes
 * effect on every node as soon as that node appends it, and a leader starts the next change only once the previous
 * one is committed. A new or wiped node is first added as a non-voting learner, caught up in rounds (section 4.2.1)
 * and then made a voter by a second entry; a leader that removes itself steps down once the removal is committed
 * (section 4.2.2). See {@link #addMember}, {@link #removeMember} and {@link MembershipHistory}.
 *
 * <p>Node ids are 0 to {@code groupSize - 1}: {@code groupSize} is the size of the address book (the ids that may
 * ever be members); the configuration says which of them vote.
 */
public final class ConsensusNode
{
    private final int nodeId;
    private final int groupSize;
    private final MembershipHistory membership;
    private final ConsensusConfig config;
    private final ReplicaLog log;
    private final TermStore termStore;
    private final ConsensusOutbox outbox;
    private final CommitListener commitListener;
    private final RandomGenerator random;

    /** The leader's view of its followers (reset for every term it leads). */
    private final FollowerProgress followers;
    private final long[] nextIndex;
    private final long[] matchIndex;
    private final long[] lastHeardFromMs;
    private final long[] lastSentToMs;
    private final boolean[] probing;
    private final long[] commitScratch;
    private final boolean[] voteGranted;
    /** The leader's side of InstallSnapshot. */
    private final SnapshotShipping shipping;
    /** Null: this node cannot install snapshots. */
    private final SnapshotSink snapshotSink;
    private final long[] snapshotSendingIndex;
    private final long[] snapshotOffset;

    private Role role = Role.FOLLOWER;
    private int leaderId = -1;
    private long commitIndex;
    private long lastAppliedIndex;
    private long electionDeadlineMs;
    private long lastLeaderContactMs = Long.MIN_VALUE / 2;
    private int transferTarget = -1;
    private long transferDeadlineMs;

    /**
     * Starts (or restarts) a node as a follower. Persistent state comes from {@code termStore} and {@code log};
     * everything else starts empty, as after a crash: the commit index is learned again from the leader.
     */
    public ConsensusNode(
        final int nodeId,
        final int groupSize,
        final ConsensusConfig config,
        final ReplicaLog log,
        final TermStore termStore,
        final ConsensusOutbox outbox,
        final CommitListener commitListener,
        final RandomGenerator random,
        final long nowMs)
    {
        this(nodeId, groupSize, config, log, termStore, outbox, commitListener, random, nowMs, 0, null, null,
            MembershipHistory.inMemory(nodeId, groupSize));
    }

    /**
     * Restarts a node whose state machine was recovered up to {@code committedIndex}, an index known to be committed
     * (a snapshot's, or the stored commit mark): the commit index starts there, the commit listener is called only
     * for entries after it, and a refusal's conflict hint never points below it. Raft with log compaction does the
     * same with its snapshot's last index; it is what keeps a restarted standby from asking the primary for entries
     * journal retention may have removed.
     *
     * <p>With snapshot install (Raft section 7): as leader, a follower that needs entries below the log's
     * {@link ReplicaLog#startIndex()} is sent the newest snapshot from {@code snapshotSource} instead, in chunks; as
     * follower, a snapshot the leader sends is received into {@code snapshotSink} and installed. Either may be null
     * (that side is then not supported). The configuration comes from {@code membership} (durable, like the log):
     * pairs past the log's end (a crash between storing a configuration and appending its entry) are dropped.
     */
    public ConsensusNode(
        final int nodeId,
        final int groupSize,
        final ConsensusConfig config,
        final ReplicaLog log,
        final TermStore termStore,
        final ConsensusOutbox outbox,
        final CommitListener commitListener,
        final RandomGenerator random,
        final long nowMs,
        final long committedIndex,
        final SnapshotSource snapshotSource,
        final SnapshotSink snapshotSink,
        final MembershipHistory membership)
    {
        if (committedIndex < log.startIndex() || committedIndex > log.lastIndex())
        {
            throw new IllegalArgumentException("committed index " + committedIndex + " not in " + log.startIndex() +
                ".." + log.lastIndex());
        }
        if (groupSize < 1 || groupSize > Membership.NODES_MAX || nodeId < 0 || nodeId >= groupSize)
        {
            throw new IllegalArgumentException("nodeId " + nodeId + " not in a group of " + groupSize);
        }
        this.nodeId = nodeId;
        this.groupSize = groupSize;
        this.membership = membership;
        membership.truncateFrom(log.lastIndex() + 1);
        this.config = config;
        this.log = log;
        this.termStore = termStore;
        this.outbox = outbox;
        this.commitListener = commitListener;
        this.random = random;
        this.followers = new FollowerProgress(groupSize);
        this.nextIndex = followers.nextIndex;
        this.matchIndex = followers.matchIndex;
        this.lastHeardFromMs = followers.lastHeardFromMs;
        this.lastSentToMs = followers.lastSentToMs;
        this.probing = followers.probing;
        this.snapshotSendingIndex = followers.snapshotSendingIndex;
        this.snapshotOffset = followers.snapshotOffset;
        this.commitScratch = new long[groupSize];
        this.voteGranted = new boolean[groupSize];
        this.shipping = new SnapshotShipping(nodeId, snapshotSource, log, membership, outbox, followers);
        this.snapshotSink = snapshotSink;
        this.commitIndex = committedIndex;
        this.lastAppliedIndex = committedIndex;
        resetElectionDeadline(nowMs);
    }

    public int nodeId()
    {
        return nodeId;
    }

    public Role role()
    {
        return role;
    }

    public long currentTerm()
    {
        return termStore.currentTerm();
    }

    /**
     * @return the leader this node last accepted entries or heartbeats from in its current term, itself when leader,
     * -1 when unknown. Clients use it to find the primary.
     */
    public int leaderId()
    {
        return leaderId;
    }

    /**
     * @return highest index known to be stored on a majority; never goes down during the node's lifetime.
     */
    public long commitIndex()
    {
        return commitIndex;
    }

    public long lastIndex()
    {
        return log.lastIndex();
    }

    /**
     * @return on the leader, the index the given member is known to hold (for lag reports); otherwise 0.
     */
    public long matchIndexOf(final int peerId)
    {
        return role == Role.LEADER ? (peerId == nodeId ? log.lastIndex() : matchIndex[peerId]) : 0;
    }

    /**
     * @return on the leader, the next index it will send the given member (a hint under pipelining: it runs ahead of
     * {@link #matchIndexOf} by what is in flight); otherwise 0.
     */
    public long nextIndexOf(final int peerId)
    {
        return role == Role.LEADER ? (peerId == nodeId ? log.lastIndex() + 1 : nextIndex[peerId]) : 0;
    }

    /**
     * @return on the leader, when it last had an AppendEntries reply of its term from the given member (for lag and
     * liveness reports); otherwise {@code Long.MIN_VALUE}.
     */
    public long lastHeardFromMs(final int peerId)
    {
        return role == Role.LEADER && peerId != nodeId ? lastHeardFromMs[peerId] : Long.MIN_VALUE;
    }

    /**
     * @return the member a pending leadership transfer hands over to, -1 when none is pending.
     */
    public int transferTarget()
    {
        return transferTarget;
    }

    /**
     * Leader only: append a client entry and start replicating it at once ({@link #appendLocal} then
     * {@link #flush}).
     *
     * @return the entry's index, or -1 when this node is not the leader (the client should try the leader) or a
     * leadership transfer is pending.
     */
    public long propose(final long payload, final long nowMs)
    {
        final long index = appendLocal(payload);
        if (index > 0)
        {
            flush(nowMs);
        }
        return index;
    }

    /**
     * Leader only: append a client entry without sending it; {@link #flush} sends everything appended since. Lets a
     * caller append a batch of commands and send them in one message per follower.
     *
     * @return the entry's index, or -1 when this node is not the leader or a leadership transfer is pending (the
     * leader must not grow its log while the target catches up).
     */
    public long appendLocal(final long payload)
    {
        if (role != Role.LEADER || transferTarget != -1)
        {
            return -1;
        }
        log.append(termStore.currentTerm(), payload);
        if (soleVoter())
        {
            advanceCommitIndex();
        }
        return log.lastIndex();
    }

    /**
     * Leader only (otherwise does nothing): send each follower the entries it has not been sent yet, in messages of
     * at most {@link ConsensusConfig#maxEntriesPerAppend()}, while it has fewer than
     * {@link ConsensusConfig#maxInFlightEntries()} unacknowledged. A follower whose position is not yet confirmed
     * (just after the election, or after it refused a message) gets nothing here: it has one probe in flight and
     * the reply to it resumes the stream.
     */
    public void flush(final long nowMs)
    {
        if (role != Role.LEADER)
        {
            return;
        }
        for (int peer = 0; peer < groupSize; peer++)
        {
            if (replicatesTo(peer))
            {
                replicate(peer, nowMs);
            }
        }
    }

    /**
     * Leader only: hand leadership to {@code targetId} (Raft thesis 3.10), for a planned switchover. The leader
     * stops accepting commands, brings the target's log up to its own, then tells it to start an election at once
     * ({@link ConsensusMessage.TimeoutNow}); the target wins the next term because its log is as up to date as any.
     * If the target has not taken over within {@link ConsensusConfig#electionTimeoutMaxMs()}, the leader gives the
     * transfer up and accepts commands again. A second call replaces a pending transfer.
     *
     * @return false when this node is not the leader, or the target is itself or not a member.
     */
    public boolean transferLeadership(final int targetId, final long nowMs)
    {
        if (role != Role.LEADER || targetId == nodeId || targetId < 0 || targetId >= groupSize || !isVoter(targetId))
        {
            return false;
        }
        transferTarget = targetId;
        transferDeadlineMs = nowMs + config.electionTimeoutMaxMs();
        if (!sendTimeoutNowIfCaughtUp(nowMs))
        {
            replicate(targetId, nowMs);
        }
        return true;
    }

    /** What a request to change the membership came to. */
    public enum MembershipChange
    {
        /** The configuration entry is appended: in effect now, done once committed. */
        STARTED,
        /** Not the leader (or a leadership transfer is pending): ask the leader. */
        NOT_LEADER,
        /** The previous change is not committed yet, or no entry of the leader's term is: try again shortly. */
        IN_PROGRESS,
        /** Nothing to do: the node is already a member (add) or not one (remove). */
        UNCHANGED,
        /** Not a node id of this group, or the change would leave no voter. */
        INVALID
    }

    /**
     * Leader only: start adding {@code memberId} (Raft thesis 4.2.1). It joins as a non-voting learner: the leader
     * replicates to it (a snapshot, then the tail) without counting it, and once a catch-up round (bring it up to the
     * leader's last index at the round's start) takes less than the minimum election timeout, the leader appends a
     * second configuration that makes it a voter. Learners never stand for election.
     */
    public MembershipChange addMember(final int memberId, final long nowMs)
    {
        final MembershipChange refusal = changeRefusal(memberId);
        if (refusal != null)
        {
            return refusal;
        }
        final long current = membership.latest();
        if (Membership.isMember(current, memberId))
        {
            return MembershipChange.UNCHANGED;
        }
        followers.startTracking(memberId, log.lastIndex(), nowMs);
        appendConfiguration(Membership.withLearner(current, memberId), nowMs);
        sendAppend(memberId, nowMs, false); // the probe that finds where its log matches (or starts a snapshot)
        return MembershipChange.STARTED;
    }

    /**
     * Leader only: remove {@code memberId}, voter or learner (Raft thesis 4.2.2, one server at a time). The new
     * configuration is in effect at once; if it removes the leader itself, the leader goes on replicating without
     * counting itself and steps down (handing over to an up-to-date voter) once the entry is committed.
     */
    public MembershipChange removeMember(final int memberId, final long nowMs)
    {
        final MembershipChange refusal = changeRefusal(memberId);
        if (refusal != null)
        {
            return refusal;
        }
        final long current = membership.latest();
        if (!Membership.isMember(current, memberId))
        {
            return MembershipChange.UNCHANGED;
        }
        final long next = Membership.without(current, memberId);
        if (Membership.voterCount(next) == 0)
        {
            return MembershipChange.INVALID;
        }
        appendConfiguration(next, nowMs);
        return MembershipChange.STARTED;
    }

    /** @return the configuration in effect on this node (the newest in its log; {@link Membership}). */
    public long configuration()
    {
        return membership.latest();
    }

    /** @return whether the newest configuration entry in this node's log is committed (no change in progress). */
    public boolean configurationCommitted()
    {
        return membership.latestIndex() <= commitIndex;
    }

    /** @return whether this node may vote (false for a node that joined empty and was not added back yet). */
    public boolean mayVote()
    {
        return membership.mayVote();
    }

    public boolean isVoter(final int memberId)
    {
        return Membership.isVoter(membership.latest(), memberId);
    }

    private MembershipChange changeRefusal(final int memberId)
    {
        if (role != Role.LEADER || transferTarget != -1)
        {
            return MembershipChange.NOT_LEADER;
        }
        if (memberId < 0 || memberId >= groupSize)
        {
            return MembershipChange.INVALID;
        }
        return changeRefusal();
    }

    /** @return why this leader may not start a change now, null when it may (any member id of the group). */
    private MembershipChange changeRefusal()
    {
        if (role != Role.LEADER || transferTarget != -1)
        {
            return MembershipChange.NOT_LEADER;
        }
        // One change at a time, and only once this leader's term has a committed entry (the thesis's 2015 fix:
        // otherwise a change of an earlier term that this leader does not know committed could overlap this one).
        if (!configurationCommitted() || log.termAt(commitIndex) != termStore.currentTerm())
        {
            return MembershipChange.IN_PROGRESS;
        }
        return null;
    }

    private void appendConfiguration(final long configuration, final long nowMs)
    {
        final long index = log.lastIndex() + 1;
        membership.append(index, configuration); // stored first: a crash leaves a pair past the log's end, dropped
        log.append(termStore.currentTerm(), Membership.entryPayload(configuration));
        advanceCommitIndex(); // the majority may have changed (a removed voter no longer counts)
        flush(nowMs);
    }

    /**
     * Catch-up rounds (thesis 4.2.1): each learner is brought up to the leader's last index as of the round's start;
     * a round that ends within the minimum election timeout means it keeps up, and it is made a voter. Rounds go on
     * (as many as it takes) while it does not; a new leader starts them again.
     */
    private void promoteCaughtUpLearner(final long nowMs)
    {
        final long current = membership.latest();
        if (Membership.learners(current) == 0 || transferTarget != -1)
        {
            return;
        }
        final int learner = followers.learnerToPromote(current, log.lastIndex(), nowMs, config.electionTimeoutMinMs(),
            changeRefusal() == null);
        if (learner != -1)
        {
            appendConfiguration(Membership.promoted(current, learner), nowMs);
        }
    }

    /** @return on the leader, how many catch-up rounds the learner has started (for status reports); otherwise 0. */
    public int catchUpRoundsOf(final int memberId)
    {
        return role == Role.LEADER ? followers.catchUpRounds[memberId] : 0;
    }

    /**
     * A leader whose removal is committed steps down (thesis 4.2.2); it first asks the most up-to-date voter to stand
     * at once (TimeoutNow), so the group does not wait out an election timeout.
     */
    private void handOverAfterRemoval(final long nowMs)
    {
        int best = -1;
        for (int peer = 0; peer < groupSize; peer++)
        {
            if (peer != nodeId && isVoter(peer) && (best == -1 || matchIndex[peer] > matchIndex[best]))
            {
                best = peer;
            }
        }
        if (best != -1 && matchIndex[best] == log.lastIndex())
        {
            outbox.timeoutNow(best, termStore.currentTerm(), nodeId);
        }
        stepDown(termStore.currentTerm(), nowMs);
    }

    private boolean replicatesTo(final int peer)
    {
        return peer != nodeId && Membership.isMember(membership.latest(), peer);
    }

    private int majority()
    {
        return Quorum.majority(membership.latest());
    }

    private boolean soleVoter()
    {
        return Membership.voters(membership.latest()) == 1L << nodeId;
    }

    /**
     * A node that may vote stands for election as a voter of its newest configuration, or while the newest one, not
     * yet committed, is its own removal (it was a voter of the configuration before). Without the second case a group
     * can stall: a leader appends its own removal and dies, and it alone holds the most up-to-date log (the others
     * cannot win its vote), but it will not stand. Winning is safe as for any candidate: it needs a majority of the
     * voters of its newest configuration, which does not count itself, and it steps down once the removal commits.
     */
    public boolean mayStand()
    {
        if (!membership.mayVote())
        {
            return false;
        }
        if (isVoter(nodeId))
        {
            return true;
        }
        final long latestIndex = membership.latestIndex();
        return latestIndex > commitIndex && !Membership.isMember(membership.latest(), nodeId) &&
            Membership.isVoter(membership.at(latestIndex - 1), nodeId);
    }

    /**
     * Drive timeouts: elections on followers and candidates, heartbeats and check quorum on the leader.
     */
    public void onTimer(final long nowMs)
    {
        if (role == Role.LEADER)
        {
            if (!isVoter(nodeId) && membership.latestIndex() <= commitIndex)
            {
                handOverAfterRemoval(nowMs);
                return;
            }
            if (!majorityHeardWithin(nowMs, config.electionTimeoutMinMs()))
            {
                stepDown(termStore.currentTerm(), nowMs);
                return;
            }
            if (transferTarget != -1 && nowMs >= transferDeadlineMs)
            {
                transferTarget = -1; // the target did not take over in time: keep leading
            }
            for (int peer = 0; peer < groupSize; peer++)
            {
                if (!replicatesTo(peer))
                {
                    continue;
                }
                replicate(peer, nowMs);
                // Under load the data messages are the heartbeats: only an idle follower gets an empty one, so a
                // heartbeat does not race data in flight (arriving first, it would be refused and trigger a resend).
                if (nowMs - lastSentToMs[peer] >= config.heartbeatIntervalMs())
                {
                    if (peer == transferTarget)
                    {
                        sendTimeoutNowIfCaughtUp(nowMs); // resent while pending: the first one may have been lost
                    }
                    sendAppend(peer, nowMs, false);
                }
            }
            promoteCaughtUpLearner(nowMs);
        }
        else if (nowMs >= electionDeadlineMs)
        {
            if (mayStand())
            {
                startElection(nowMs, false);
            }
            else
            {
                resetElectionDeadline(nowMs); // a learner, a removed node or a joining one never stands
            }
        }
    }

    /**
     * Hands a message record to the matching {@code on...} method (tests and the simulation; a transport calls those
     * directly).
     */
    public void onMessage(final ConsensusMessage message, final long nowMs)
    {
        message.deliverTo(this, nowMs);
    }

    /** A message of a higher term makes this node a follower of that term before it is handled. */
    private void observeTerm(final long messageTerm, final long nowMs)
    {
        if (messageTerm > termStore.currentTerm())
        {
            stepDown(messageTerm, nowMs);
        }
    }

    /** TimeoutNow (Raft thesis 3.10): the leader asks this node to stand at once. */
    public void onTimeoutNow(final long term, final int fromNodeId, final long nowMs)
    {
        observeTerm(term, nowMs);
        // Only the leader of this node's current term may hand over; a TimeoutNow of an earlier term (late, or
        // duplicated after the transfer already happened) or from anyone else is ignored.
        if (role == Role.FOLLOWER && term == termStore.currentTerm() && fromNodeId == leaderId && mayStand())
        {
            startElection(nowMs, true);
        }
    }

    /** RequestVote: a candidate asks for this node's vote. */
    public void onRequestVote(
        final long requestTerm,
        final int candidateId,
        final long lastLogIndex,
        final long lastLogTerm,
        final boolean leadershipTransfer,
        final long nowMs)
    {
        final long term = termStore.currentTerm();
        // Stickiness (thesis 4.2.3): while a leader is known to be alive (this node, or one heard from within the
        // minimum election timeout), a vote request of a higher term is ignored, term not adopted: the candidate is
        // most likely a node that was cut off and is only now back, and must not depose a healthy leader. A
        // leadership transfer is the exception: the live leader itself asked the candidate to stand (thesis 3.10).
        final boolean leaderAlive =
            role == Role.LEADER || (leaderId != -1 && nowMs - lastLeaderContactMs < config.electionTimeoutMinMs());
        if (leaderAlive && requestTerm > term && !leadershipTransfer)
        {
            return;
        }
        if (requestTerm > term)
        {
            stepDown(requestTerm, nowMs);
        }
        final long currentTerm = termStore.currentTerm();
        boolean granted = false;
        if (requestTerm == currentTerm)
        {
            final int votedFor = termStore.votedFor();
            final long lastTerm = log.termAt(log.lastIndex());
            final boolean upToDate = lastLogTerm > lastTerm ||
                (lastLogTerm == lastTerm && lastLogIndex >= log.lastIndex());
            // A node that joined with an empty data directory has forgotten its earlier votes: it votes only once it
            // has been added back (MembershipHistory#mayVote).
            if ((votedFor == TermStore.NO_VOTE || votedFor == candidateId) && upToDate && membership.mayVote())
            {
                termStore.store(currentTerm, candidateId);
                granted = true;
                resetElectionDeadline(nowMs);
            }
        }
        outbox.voteReply(candidateId, currentTerm, nodeId, granted);
    }

    /** VoteReply: a voter's answer to this node's RequestVote. */
    public void onVoteReply(final long term, final int fromNodeId, final boolean granted, final long nowMs)
    {
        observeTerm(term, nowMs);
        if (role != Role.CANDIDATE || term != termStore.currentTerm() || !granted)
        {
            return;
        }
        voteGranted[fromNodeId] = true;
        // only the voters of this node's newest configuration count
        if (Quorum.votes(membership.latest(), voteGranted) >= majority())
        {
            becomeLeader(nowMs);
        }
    }

    /**
     * AppendEntries: the leader's entries {@code prevLogIndex + 1} to {@code prevLogIndex + entryCount}, read from
     * {@code entries} by index (valid during this call only: the log's append copies what it keeps); with no
     * entries, a heartbeat.
     */
    public void onAppendEntries(
        final long leaderTerm,
        final int fromNodeId,
        final long prevLogIndex,
        final long prevLogTerm,
        final long leaderCommitIndex,
        final int entryCount,
        final LogEntries entries,
        final long nowMs)
    {
        observeTerm(leaderTerm, nowMs);
        final long term = termStore.currentTerm();
        if (leaderTerm < term)
        {
            outbox.appendReply(fromNodeId, term, nodeId, false, 0, 0);
            return;
        }
        followLeader(fromNodeId, term, nowMs);

        final long prevIndex = prevLogIndex;
        if (prevIndex < log.startIndex())
        {
            // A late message reaching below what this log holds since a snapshot install or retention: everything up
            // to the commit index is committed, so it matches the leader's log; the leader resumes after it.
            replyAppend(fromNodeId, true, commitIndex, 0);
            return;
        }
        final long conflictIndex = conflictIndex(prevIndex, prevLogTerm);
        if (conflictIndex > 0)
        {
            replyAppend(fromNodeId, false, 0, conflictIndex);
            return;
        }
        appendFromLeader(prevIndex, entryCount, entries);

        final long lastNewIndex = prevIndex + entryCount;
        // Only forward: a late message (a lower lastNewIndex) must not move the commit index back.
        final long newCommitIndex = Math.min(leaderCommitIndex, lastNewIndex);
        if (newCommitIndex > commitIndex)
        {
            commitIndex = newCommitIndex;
            applyCommitted();
        }
        replyAppend(fromNodeId, true, lastNewIndex, 0);
    }

    /** A message of the leader of this node's current term: follow it, and wait for it a full election timeout. */
    private void followLeader(final int fromNodeId, final long term, final long nowMs)
    {
        if (role == Role.LEADER)
        {
            throw new IllegalStateException("two leaders in term " + term + ": " + nodeId + " and " + fromNodeId);
        }
        role = Role.FOLLOWER;
        leaderId = fromNodeId;
        lastLeaderContactMs = nowMs;
        resetElectionDeadline(nowMs);
    }

    /**
     * @return 0 when this log holds the leader's entry at {@code prevIndex} (same term), else where the leader should
     * resume: after this log's end, or at the first index of the conflicting term (skipped back over in one step,
     * never into what is committed).
     */
    private long conflictIndex(final long prevIndex, final long prevLogTerm)
    {
        if (prevIndex > log.lastIndex())
        {
            return log.lastIndex() + 1;
        }
        if (log.termAt(prevIndex) == prevLogTerm)
        {
            return 0;
        }
        final long conflictTerm = log.termAt(prevIndex);
        long firstOfTerm = prevIndex;
        while (firstOfTerm > commitIndex + 1 && log.termAt(firstOfTerm - 1) == conflictTerm)
        {
            firstOfTerm--;
        }
        return firstOfTerm;
    }

    /**
     * Appends the leader's entries after {@code prevIndex}: an entry this log already holds with the same term is
     * skipped (a duplicate or reordered message must not truncate anything); a conflicting, uncommitted suffix is cut
     * off first, with its configurations. A configuration entry is in effect on append (thesis 4.1), stored first.
     */
    private void appendFromLeader(final long prevIndex, final int entryCount, final LogEntries entries)
    {
        for (int i = 0; i < entryCount; i++)
        {
            final long index = prevIndex + 1 + i;
            final long entryTerm = entries.termAt(index);
            if (index <= log.lastIndex())
            {
                if (log.termAt(index) == entryTerm)
                {
                    continue; // already have it: a duplicate or reordered message must not truncate anything
                }
                if (index <= commitIndex)
                {
                    throw new IllegalStateException("node " + nodeId + " asked to overwrite committed index " +
                        index + " (commit " + commitIndex + ")");
                }
                log.truncateFrom(index);
                membership.truncateFrom(index); // back to the configuration before the cut-off entries
            }
            final long configuration = entries.configurationAt(index);
            if (configuration != Membership.NONE)
            {
                membership.append(index, configuration); // in effect on append (thesis 4.1), stored first
            }
            log.append(entryTerm, entries.payloadAt(index));
        }
    }

    private void replyAppend(final int leader, final boolean success, final long match, final long conflict)
    {
        outbox.appendReply(leader, termStore.currentTerm(), nodeId, success, match, conflict);
    }

    /** AppendReply: a follower's answer to this node's AppendEntries. */
    public void onAppendReply(
        final long term,
        final int fromNodeId,
        final boolean success,
        final long replyMatchIndex,
        final long conflictIndex,
        final long nowMs)
    {
        observeTerm(term, nowMs);
        if (role != Role.LEADER || term != termStore.currentTerm())
        {
            return;
        }
        final int peer = fromNodeId;
        lastHeardFromMs[peer] = nowMs;
        // Only a reply that tells something new (moves this peer forward, confirms a probe, or moves it back on a
        // conflict) triggers sends. A duplicated or stale reply triggers nothing: otherwise every duplicate would
        // start one more send-reply chain and the traffic would grow without bound. Heartbeats find whatever a lost
        // message left behind.
        if (success)
        {
            final boolean advanced = replyMatchIndex > matchIndex[peer];
            if (advanced)
            {
                matchIndex[peer] = replyMatchIndex;
                nextIndex[peer] = Math.max(nextIndex[peer], matchIndex[peer] + 1);
                advanceCommitIndex();
            }
            final boolean probeConfirmed = probing[peer] && matchIndex[peer] >= nextIndex[peer] - 1;
            if (probeConfirmed)
            {
                probing[peer] = false; // position known: stream from here on
            }
            if (advanced || probeConfirmed)
            {
                if (peer == transferTarget && sendTimeoutNowIfCaughtUp(nowMs))
                {
                    return;
                }
                replicate(peer, nowMs);
            }
        }
        else
        {
            // The follower refused: entries it needed were lost or reordered, or its log conflicts. Resume where it
            // says (never below what it has acknowledged, never forward), one probe at a time until it accepts:
            // refusals of the other messages in flight then find nextIndex already moved back and trigger nothing.
            if (conflictIndex > 0 && conflictIndex <= matchIndex[peer] && !isVoter(peer))
            {
                // A learner whose log ends below what it acknowledged: a node wiped and added back, whose earlier
                // incarnation's replies arrived late. Its acknowledgements count for nothing (it is no voter), and
                // its catch-up rounds need more than any of them, so trust the refusal and start over from it.
                matchIndex[peer] = conflictIndex - 1;
            }
            final long resumeIndex =
                Math.max(matchIndex[peer] + 1, Math.min(nextIndex[peer] - 1, conflictIndex));
            if (resumeIndex < nextIndex[peer])
            {
                nextIndex[peer] = resumeIndex;
                probing[peer] = true;
                sendAppend(peer, nowMs, false);
            }
        }
    }

    /**
     * InstallSnapshot (Raft section 7): a chunk of the leader's snapshot at {@code snapshotIndex}, for a follower
     * that needs entries the leader's log no longer holds. The bytes are read from {@code data} during this call.
     * Term rules as for AppendEntries. A follower whose log already reaches the snapshot (committed, or holding the
     * entry at its index with its term: Raft's "retain the entries following it") answers done without taking it;
     * otherwise the chunk goes to the {@link SnapshotSink}, and once the snapshot is whole and verified the log is
     * discarded and restarted after it, and the state machine replaced.
     */
    public void onInstallSnapshot(
        final long leaderTerm,
        final int fromNodeId,
        final long snapshotIndex,
        final long snapshotTerm,
        final long configuration,
        final long totalLength,
        final long offset,
        final DirectBuffer data,
        final int dataOffset,
        final int dataLength,
        final long nowMs)
    {
        observeTerm(leaderTerm, nowMs);
        final long term = termStore.currentTerm();
        if (leaderTerm < term)
        {
            outbox.installSnapshotReply(fromNodeId, term, nodeId, snapshotIndex, 0, false);
            return;
        }
        followLeader(fromNodeId, term, nowMs);

        if (snapshotIndex <= commitIndex ||
            (snapshotIndex <= log.lastIndex() && log.termAt(snapshotIndex) == snapshotTerm))
        {
            outbox.installSnapshotReply(fromNodeId, term, nodeId, snapshotIndex, totalLength, true);
            return;
        }
        if (null == snapshotSink)
        {
            return; // cannot install: the leader keeps trying, and the operator sees a standby that stays behind
        }
        final long nextOffset = snapshotSink.receive(
            snapshotIndex, snapshotTerm, totalLength, offset, data, dataOffset, dataLength);
        if (nextOffset < totalLength)
        {
            outbox.installSnapshotReply(fromNodeId, term, nodeId, snapshotIndex, nextOffset, false);
            return;
        }
        if (!snapshotSink.complete(snapshotIndex, snapshotTerm))
        {
            outbox.installSnapshotReply(fromNodeId, term, nodeId, snapshotIndex, 0, false);
            return;
        }
        // The configuration first: a crash before the log is reset leaves a pair past the log's end, dropped on open.
        membership.resetTo(snapshotIndex,
            configuration == Membership.NONE ? membership.at(snapshotIndex) : configuration);
        log.resetToSnapshot(snapshotIndex, snapshotTerm);
        commitIndex = snapshotIndex;
        lastAppliedIndex = snapshotIndex;
        snapshotSink.installed(snapshotIndex, snapshotTerm);
        outbox.installSnapshotReply(fromNodeId, term, nodeId, snapshotIndex, totalLength, true);
    }

    /**
     * InstallSnapshotReply: the follower wants the bytes of the snapshot from {@code nextOffset} on, or ({@code done})
     * holds everything up to {@code snapshotIndex}, which is then its match index: entries stream from after it.
     * Stop and wait, one chunk in flight per follower: a reply that tells something new sends the next chunk; a lost
     * chunk or reply is resent by the heartbeat. Memory stays bounded by one chunk on both sides.
     */
    public void onInstallSnapshotReply(
        final long term,
        final int fromNodeId,
        final long snapshotIndex,
        final long nextOffset,
        final boolean done,
        final long nowMs)
    {
        observeTerm(term, nowMs);
        if (role != Role.LEADER || term != termStore.currentTerm())
        {
            return;
        }
        final int peer = fromNodeId;
        lastHeardFromMs[peer] = nowMs;
        final boolean current = snapshotSendingIndex[peer] == snapshotIndex;
        if (done)
        {
            final boolean advanced = snapshotIndex > matchIndex[peer];
            if (!current && !advanced)
            {
                return; // a late or duplicated reply to a transfer already finished
            }
            snapshotSendingIndex[peer] = 0;
            if (advanced)
            {
                matchIndex[peer] = snapshotIndex;
                advanceCommitIndex();
            }
            nextIndex[peer] = matchIndex[peer] + 1;
            probing[peer] = false;
            if (peer == transferTarget && sendTimeoutNowIfCaughtUp(nowMs))
            {
                return;
            }
            replicate(peer, nowMs);
        }
        else if (current && nextOffset != snapshotOffset[peer])
        {
            snapshotOffset[peer] = nextOffset;
            shipping.sendChunk(peer, termStore.currentTerm(), nowMs);
        }
    }

    private void startElection(final long nowMs, final boolean leadershipTransfer)
    {
        final long term = termStore.currentTerm() + 1;
        termStore.store(term, nodeId);
        role = Role.CANDIDATE;
        leaderId = -1;
        java.util.Arrays.fill(voteGranted, false);
        voteGranted[nodeId] = true;
        resetElectionDeadline(nowMs);
        if (soleVoter())
        {
            becomeLeader(nowMs);
            return;
        }
        final long lastIndex = log.lastIndex();
        final long lastTerm = log.termAt(lastIndex);
        for (int peer = 0; peer < groupSize; peer++)
        {
            if (peer != nodeId && isVoter(peer))
            {
                outbox.requestVote(peer, term, nodeId, lastIndex, lastTerm, leadershipTransfer);
            }
        }
    }

    private void becomeLeader(final long nowMs)
    {
        role = Role.LEADER;
        leaderId = nodeId;
        followers.startTerm(log.lastIndex(), nowMs);
        transferTarget = -1;
        // A leader may only count replicas for entries of its own term (Raft 5.4.2): the no-op makes earlier
        // entries committable at once instead of waiting for the next client command.
        log.append(termStore.currentTerm(), 0L);
        if (soleVoter())
        {
            advanceCommitIndex();
        }
        for (int peer = 0; peer < groupSize; peer++)
        {
            if (replicatesTo(peer))
            {
                sendAppend(peer, nowMs, false);
            }
        }
    }

    private void stepDown(final long newTerm, final long nowMs)
    {
        if (newTerm > termStore.currentTerm())
        {
            termStore.store(newTerm, TermStore.NO_VOTE);
            leaderId = -1;
        }
        transferTarget = -1;
        if (role != Role.FOLLOWER)
        {
            role = Role.FOLLOWER;
            if (leaderId == nodeId)
            {
                leaderId = -1;
            }
            resetElectionDeadline(nowMs);
        }
    }

    /**
     * Streams entries to a follower whose position is confirmed: messages of up to maxEntriesPerAppend while it has
     * entries it was not sent and fewer than maxInFlightEntries unacknowledged.
     */
    private void replicate(final int peer, final long nowMs)
    {
        if (probing[peer])
        {
            return;
        }
        final long lastIndex = log.lastIndex();
        while (!probing[peer] && nextIndex[peer] <= lastIndex &&
            nextIndex[peer] - 1 - matchIndex[peer] < config.maxInFlightEntries())
        {
            sendAppend(peer, nowMs, true);
        }
    }

    /**
     * Sends the entries from {@code nextIndex[peer]} (at most maxEntriesPerAppend; none for a heartbeat of a
     * confirmed follower). With {@code pipelined}, moves {@code nextIndex[peer]} past them: Raft allows nextIndex to
     * run ahead as a hint, and a refusal moves it back.
     */
    private void sendAppend(final int peer, final long nowMs, final boolean pipelined)
    {
        final long prevIndex = nextIndex[peer] - 1;
        if (shipping.needsSnapshot(peer, prevIndex))
        {
            shipping.sendChunk(peer, termStore.currentTerm(), nowMs);
            return;
        }
        final int count = pipelined || probing[peer] ?
            (int)Math.min(config.maxEntriesPerAppend(), log.lastIndex() - prevIndex) : 0;
        outbox.appendEntries(
            peer, termStore.currentTerm(), nodeId, prevIndex, log.termAt(prevIndex), commitIndex, count, log);
        lastSentToMs[peer] = nowMs;
        if (pipelined)
        {
            nextIndex[peer] = prevIndex + 1 + count;
        }
    }

    /**
     * Sends TimeoutNow to the transfer target once its log holds everything the leader's does.
     *
     * @return whether it was sent.
     */
    private boolean sendTimeoutNowIfCaughtUp(final long nowMs)
    {
        if (transferTarget == -1 || matchIndex[transferTarget] != log.lastIndex())
        {
            return false;
        }
        outbox.timeoutNow(transferTarget, termStore.currentTerm(), nodeId);
        lastSentToMs[transferTarget] = nowMs;
        return true;
    }

    /**
     * The highest index stored on a majority is the majority-th largest of (own last index, followers' match
     * indexes). It commits only if its entry is of the current term (Raft 5.4.2): an entry of an earlier term
     * commits only behind one of this term. Terms never go down along the log, so when the entry there is of an
     * earlier term no lower index can be of the current term either. O(group size), no allocation.
     */
    private void advanceCommitIndex()
    {
        final long onMajority =
            Quorum.indexOnMajority(membership.latest(), nodeId, log.lastIndex(), matchIndex, commitScratch);
        if (onMajority > commitIndex && log.termAt(onMajority) == termStore.currentTerm())
        {
            commitIndex = onMajority;
            applyCommitted();
        }
    }

    private void applyCommitted()
    {
        while (lastAppliedIndex < commitIndex)
        {
            lastAppliedIndex++;
            commitListener.onCommitted(lastAppliedIndex, log.termAt(lastAppliedIndex), log.payloadAt(lastAppliedIndex));
        }
    }

    private boolean majorityHeardWithin(final long nowMs, final long windowMs)
    {
        return Quorum.heardFromMajority(membership.latest(), nodeId, lastHeardFromMs, nowMs, windowMs);
    }

    private void resetElectionDeadline(final long nowMs)
    {
        electionDeadlineMs = nowMs + config.electionTimeoutMinMs() +
            random.nextLong(config.electionTimeoutMaxMs() - config.electionTimeoutMinMs());
    }
}
