package com.wodian.journal.consensus;

import java.util.random.RandomGenerator;

import org.agrona.DirectBuffer;

/**
 * One member of a replica group, following Raft (Ongaro and Ousterhout, "In Search of an Understandable Consensus
 * Algorithm", figure 2) plus three refinements from Ongaro's thesis: the leader appends a no-op entry when elected
 * (so it can commit entries of earlier terms, section 5.4.2), check quorum (a leader that has not heard from a
 * majority within the minimum election timeout steps down; a transfer's voters count until their lease ends,
 * {@link Election#voterLeasesUntil}), leader stickiness (a follower that heard from a live
 * leader within the minimum election timeout ignores vote requests, so a node rejoining after a partition cannot
 * depose a healthy leader) and Pre-Vote (section 9.6, {@link PreVote}: a node asks whether it could win before it
 * raises its term, so a restarted node that has not heard from the leader yet does not make it step down), with a
 * transfer vote lease ({@link Election#inTransferVoteLease}: a node that just voted for a leadership transfer's target
 * waits for it as for a leader, so the next election does not undo a hand-over whose new leader is heard late).
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
 *
 * <p>This class holds the node's role and current leader, checks every message's term, and moves between the roles;
 * each concept's rules live in a class of their own, the way Aeron Cluster's consensus module splits its agent's
 * helpers, each built from the {@link NodeContext}: {@link Election} (deadline, votes cast and counted, who may
 * stand), {@link PreVote} (the round before standing), {@link LeaderReplication} and {@link FollowerReplication}
 * (the two sides of AppendEntries), {@link CommitTracker} (the commit index and the commit listener),
 * {@link LeadershipTransfer},
 * {@link MembershipChanges}, and the two sides of InstallSnapshot, {@link SnapshotShipping} and
 * {@link SnapshotInstall}.
 */
public final class ConsensusNode
{
    /**
     * Largest term, index, offset or length a message may carry (2^62): no group reaches it (an election a
     * nanosecond would take 146 years), and below it {@code term + 1} cannot overflow. A message with a value below 0
     * or above it cannot come from an honest peer and is ignored: adopting a term of {@code Long.MAX_VALUE} would make
     * the node's next election overflow it, stored for good in its term store.
     */
    static final long VALUE_MAX = 1L << 62;

    private final int nodeId;
    private final int groupSize;
    private final MembershipHistory membership;
    private final ConsensusConfig config;
    private final ReplicaLog log;
    private final TermStore termStore;
    private final ConsensusOutbox outbox;

    /** The leader's view of its followers (reset for every term it leads). */
    private final FollowerProgress followers;
    private final CommitTracker commits;
    private final Election election;
    private final PreVote preVote;
    private final ElectionCounters electionCounters = new ElectionCounters();
    private final LeadershipTransfer transfer;
    private final LeaderReplication leaderReplication;
    private final FollowerReplication followerReplication;
    private final SnapshotInstall snapshotInstall;
    private final MembershipChanges membershipChanges;

    private Role role = Role.FOLLOWER;
    private int leaderId = -1;

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
        this.followers = new FollowerProgress(groupSize);
        final NodeContext context = new NodeContext(nodeId, groupSize, config, log, termStore, outbox, membership);
        this.commits = new CommitTracker(context, commitListener, followers.matchIndex, committedIndex);
        this.election = new Election(context, random);
        this.preVote = new PreVote(context, nowMs);
        this.transfer = new LeadershipTransfer(context, followers);
        this.leaderReplication = new LeaderReplication(context, followers, commits, transfer,
            new SnapshotShipping(nodeId, snapshotSource, log, membership, outbox, followers));
        this.followerReplication = new FollowerReplication(context, commits);
        this.snapshotInstall = new SnapshotInstall(context, commits, snapshotSink);
        this.membershipChanges = new MembershipChanges(context, followers, commits, leaderReplication);
        election.resetDeadline(nowMs);
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
        return commits.commitIndex();
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
        return role == Role.LEADER ? (peerId == nodeId ? log.lastIndex() : followers.matchIndex[peerId]) : 0;
    }

    /**
     * @return on the leader, the next index it will send the given member (a hint under pipelining: it runs ahead of
     * {@link #matchIndexOf} by what is in flight); otherwise 0.
     */
    public long nextIndexOf(final int peerId)
    {
        return role == Role.LEADER ? (peerId == nodeId ? log.lastIndex() + 1 : followers.nextIndex[peerId]) : 0;
    }

    /**
     * @return on the leader, when it last had an AppendEntries reply of its term from the given member (for lag and
     * liveness reports); otherwise {@code Long.MIN_VALUE}.
     */
    public long lastHeardFromMs(final int peerId)
    {
        return role == Role.LEADER && peerId != nodeId ? followers.lastHeardFromMs[peerId] : Long.MIN_VALUE;
    }

    /**
     * @return the member a pending leadership transfer hands over to, -1 when none is pending.
     */
    public int transferTarget()
    {
        return transfer.target();
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
        if (role != Role.LEADER || transfer.pending())
        {
            return -1;
        }
        log.append(termStore.currentTerm(), payload);
        if (soleVoter())
        {
            commits.advanceOnMajority();
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
        leaderReplication.flush(nowMs);
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
        transfer.start(targetId, nowMs);
        if (!transfer.sendTimeoutNowIfCaughtUp(nowMs))
        {
            leaderReplication.replicate(targetId, nowMs);
        }
        return true;
    }

    /**
     * Leader only: start adding {@code memberId} (Raft thesis 4.2.1). It joins as a non-voting learner: the leader
     * replicates to it (a snapshot, then the tail) without counting it, and once a catch-up round (bring it up to the
     * leader's last index at the round's start) takes less than the minimum election timeout, the leader appends a
     * second configuration that makes it a voter. Learners never stand for election.
     */
    public MembershipChange addMember(final int memberId, final long nowMs)
    {
        if (role != Role.LEADER || transfer.pending())
        {
            return MembershipChange.NOT_LEADER;
        }
        return membershipChanges.add(memberId, nowMs);
    }

    /**
     * Leader only: remove {@code memberId}, voter or learner (Raft thesis 4.2.2, one server at a time). The new
     * configuration is in effect at once; if it removes the leader itself, the leader goes on replicating without
     * counting itself and steps down (handing over to an up-to-date voter) once the entry is committed.
     */
    public MembershipChange removeMember(final int memberId, final long nowMs)
    {
        if (role != Role.LEADER || transfer.pending())
        {
            return MembershipChange.NOT_LEADER;
        }
        return membershipChanges.remove(memberId, nowMs);
    }

    /** What this node did in elections since it started (the log's and the metrics' source). */
    public ElectionCounters electionCounters()
    {
        return electionCounters;
    }

    /** @return the configuration in effect on this node (the newest in its log; {@link Membership}). */
    public long configuration()
    {
        return membership.latest();
    }

    /**
     * @return whether the configuration in effect comes from the log (an entry appended or a snapshot installed), not
     * only from the bootstrap of the node's address list: a node that joined empty learns the group's from the primary.
     */
    public boolean configurationFromLog()
    {
        return membership.latestIndex() > 0;
    }

    /** @return whether the newest configuration entry in this node's log is committed (no change in progress). */
    public boolean configurationCommitted()
    {
        return membershipChanges.configurationCommitted();
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

    /** @return on the leader, how many catch-up rounds the learner has started (for status reports); otherwise 0. */
    public int catchUpRoundsOf(final int memberId)
    {
        return role == Role.LEADER ? followers.catchUpRounds[memberId] : 0;
    }

    /**
     * @return whether this node may stand for election: a voter of its newest configuration, or one whose own removal
     * is not committed yet ({@link Election#mayStand}); never a learner or a node that may not vote.
     */
    public boolean mayStand()
    {
        return election.mayStand(commits.commitIndex());
    }

    /**
     * Drive timeouts: elections on followers and candidates, heartbeats and check quorum on the leader.
     */
    public void onTimer(final long nowMs)
    {
        if (role == Role.LEADER)
        {
            if (membershipChanges.ownRemovalCommitted())
            {
                membershipChanges.askBestVoterToStand();
                stepDown(termStore.currentTerm(), nowMs);
                return;
            }
            if (!Quorum.heardFromMajority(membership.latest(), nodeId, followers.lastHeardFromMs,
                followers.voteLeaseUntilMs, nowMs, config.electionTimeoutMinMs()))
            {
                stepDown(termStore.currentTerm(), nowMs); // check quorum: cut off from the majority
                return;
            }
            if (transfer.giveUpIfExpired(nowMs))
            {
                stepDown(termStore.currentTerm(), nowMs); // its TimeoutNow went out: the target may lead already
                return;
            }
            leaderReplication.onTimer(nowMs);
            if (!transfer.pending())
            {
                membershipChanges.promoteCaughtUpLearner(nowMs);
            }
        }
        else if (election.deadlinePassed(nowMs))
        {
            if (!mayStand())
            {
                election.resetDeadline(nowMs); // a learner, a removed node or a joining one never stands
            }
            else if (!config.preVote())
            {
                startElection(nowMs, false);
            }
            else if (election.inTransferVoteLease(nodeId, nowMs))
            {
                election.resetDeadline(nowMs); // the transfer's target may be leading: wait for its heartbeat
            }
            else
            {
                // The leader went quiet: no longer named (clients' NOT_PRIMARY hint, a standby's readiness), as a
                // candidate would not name it; the next message of a leader names one again.
                leaderId = -1;
                election.resetDeadline(nowMs); // the next round, if this one is not won before it
                final boolean won = preVote.start(nowMs, election.lastLeaderContactMs());
                electionCounters.preVoteRound(termStore.currentTerm() + 1);
                if (won)
                {
                    startElection(nowMs, false);
                }
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

    /** TimeoutNow (Raft thesis 3.10): the leader asks this node to stand at once. */
    public void onTimeoutNow(final long term, final int fromNodeId, final long nowMs)
    {
        if (!plausible(term))
        {
            return;
        }
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
        if (!plausible(requestTerm) || !plausible(lastLogIndex) || !plausible(lastLogTerm))
        {
            return;
        }
        final long term = termStore.currentTerm();
        // Stickiness (thesis 4.2.3): while a leader is known to be alive (this node, or one heard from within the
        // minimum election timeout), a vote request of a higher term is ignored, term not adopted: the candidate is
        // most likely a node that was cut off and is only now back, and must not depose a healthy leader. A
        // leadership transfer is the exception: the live leader itself asked the candidate to stand (thesis 3.10).
        final boolean leaderAlive = role == Role.LEADER || election.leaderHeardWithinTimeout(leaderId, nowMs) ||
            election.inTransferVoteLease(candidateId, nowMs);
        if (leaderAlive && requestTerm > term && !leadershipTransfer)
        {
            electionCounters.voteIgnored(candidateId);
            return;
        }
        if (requestTerm > term)
        {
            stepDown(requestTerm, nowMs);
        }
        electionCounters.voteAnswered(candidateId, requestTerm,
            election.answerVoteRequest(requestTerm, candidateId, lastLogIndex, lastLogTerm, leadershipTransfer, nowMs));
    }

    /**
     * PreVote (thesis 9.6): would this node vote for {@code candidateId} in {@code term}? Answered with this node's
     * own term; nothing changes here, whatever the terms ({@link PreVote#grants}).
     */
    public void onPreVote(
        final long term, final int candidateId, final long lastLogIndex, final long lastLogTerm, final long nowMs)
    {
        if (!plausible(term) || !plausible(lastLogIndex) || !plausible(lastLogTerm))
        {
            return;
        }
        final boolean leaderAlive = role == Role.LEADER || election.leaderHeardWithinTimeout(leaderId, nowMs) ||
            election.inTransferVoteLease(candidateId, nowMs);
        final boolean granted = preVote.grants(term, lastLogIndex, lastLogTerm, leaderAlive);
        electionCounters.preVoteAnswered(candidateId, granted);
        outbox.preVoteReply(candidateId, termStore.currentTerm(), nodeId, term, granted);
    }

    /**
     * PreVoteReply: a voter's answer to this node's PreVote of {@code candidateTerm}. A voter of a higher term makes
     * this node adopt that term (it exists already; nothing is raised); a majority of yes makes it stand at once.
     */
    public void onPreVoteReply(
        final long term, final int fromNodeId, final long candidateTerm, final boolean granted, final long nowMs)
    {
        if (!plausible(term) || !plausible(candidateTerm))
        {
            return;
        }
        observeTerm(term, nowMs);
        if (role != Role.LEADER && granted && preVote.countGrant(fromNodeId, candidateTerm) && mayStand())
        {
            startElection(nowMs, false);
        }
    }

    /** VoteReply: a voter's answer to this node's RequestVote. */
    public void onVoteReply(final long term, final int fromNodeId, final boolean granted, final long nowMs)
    {
        if (!plausible(term))
        {
            return;
        }
        observeTerm(term, nowMs);
        if (role != Role.CANDIDATE || term != termStore.currentTerm() || !granted)
        {
            return;
        }
        if (election.countVote(fromNodeId))
        {
            becomeLeader(nowMs);
        }
    }

    /**
     * AppendEntries: the leader's entries {@code prevLogIndex + 1} to {@code prevLogIndex + entryCount}, read from
     * {@code entries} by index (valid during this call only: the log's append copies what it keeps); with no
     * entries, a heartbeat. A message of an earlier term is refused; otherwise {@link FollowerReplication} takes it.
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
        if (!plausibleAppend(leaderTerm, prevLogIndex, prevLogTerm, leaderCommitIndex, entryCount, entries))
        {
            return;
        }
        observeTerm(leaderTerm, nowMs);
        final long term = termStore.currentTerm();
        if (leaderTerm < term)
        {
            outbox.appendReply(fromNodeId, term, nodeId, false, 0, 0);
            return;
        }
        followLeader(fromNodeId, term, nowMs);
        membership.leaderReached(prevLogIndex); // a joining node's join floor (MembershipHistory#mayVote)
        followerReplication.onAppendEntries(fromNodeId, prevLogIndex, prevLogTerm, leaderCommitIndex, entryCount,
            entries);
    }

    /** AppendReply: a follower's answer to this node's AppendEntries; see {@link LeaderReplication}. */
    public void onAppendReply(
        final long term,
        final int fromNodeId,
        final boolean success,
        final long replyMatchIndex,
        final long conflictIndex,
        final long nowMs)
    {
        if (leaderTakesReply(term, replyMatchIndex, conflictIndex, nowMs))
        {
            leaderReplication.onAppendReply(fromNodeId, success, replyMatchIndex, conflictIndex, nowMs);
        }
    }

    /**
     * InstallSnapshot (Raft section 7): a chunk of the leader's snapshot at {@code snapshotIndex}, for a follower
     * that needs entries the leader's log no longer holds. The bytes are read from {@code data} during this call.
     * Term rules as for AppendEntries. A follower whose log already reaches the snapshot (committed, or holding the
     * entry at its index with its term: Raft's "retain the entries following it") answers done without taking it;
     * otherwise the chunk goes to the {@link SnapshotSink}, and once the snapshot is whole and verified the log is
     * discarded and restarted after it, and the state machine replaced ({@link SnapshotInstall}).
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
        if (!plausible(leaderTerm) || !plausible(snapshotIndex) || !plausible(snapshotTerm) ||
            !plausible(totalLength) || !plausible(offset) || dataLength < 0)
        {
            return;
        }
        observeTerm(leaderTerm, nowMs);
        final long term = termStore.currentTerm();
        if (leaderTerm < term)
        {
            outbox.installSnapshotReply(fromNodeId, term, nodeId, snapshotIndex, 0, false);
            return;
        }
        followLeader(fromNodeId, term, nowMs);
        membership.leaderReached(snapshotIndex - 1); // the snapshot's own configuration is after the floor
        snapshotInstall.onChunk(fromNodeId, term, snapshotIndex, snapshotTerm, configuration, totalLength, offset,
            data, dataOffset, dataLength);
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
        if (leaderTakesReply(term, snapshotIndex, nextOffset, nowMs))
        {
            leaderReplication.onInstallSnapshotReply(fromNodeId, snapshotIndex, nextOffset, done, nowMs);
        }
    }

    /**
     * The guard of a follower's reply to this leader: a reply with an implausible value is dropped before its term is
     * looked at; a newer term makes this node a follower ({@link #observeTerm}); only a leader of the reply's term
     * acts on it.
     */
    private boolean leaderTakesReply(final long term, final long first, final long second, final long nowMs)
    {
        if (!plausible(term) || !plausible(first) || !plausible(second))
        {
            return false;
        }
        observeTerm(term, nowMs);
        return role == Role.LEADER && term == termStore.currentTerm();
    }

    private static boolean plausible(final long value)
    {
        return value >= 0 && value <= VALUE_MAX;
    }

    /**
     * An honest leader's AppendEntries: plausible values, and entries whose terms never go down, start at or above
     * the previous entry's term and end at or below the leader's term (its log holds no entry of a later term). One
     * that breaks this would make the log refuse an append (a term below the last entry's), stopping the node.
     */
    private static boolean plausibleAppend(
        final long leaderTerm,
        final long prevLogIndex,
        final long prevLogTerm,
        final long leaderCommitIndex,
        final int entryCount,
        final LogEntries entries)
    {
        if (!plausible(leaderTerm) || !plausible(prevLogIndex) || !plausible(prevLogTerm) ||
            !plausible(leaderCommitIndex) || entryCount < 0 || prevLogIndex > VALUE_MAX - entryCount ||
            prevLogTerm > leaderTerm)
        {
            return false;
        }
        long previousTerm = prevLogTerm;
        for (long index = prevLogIndex + 1; index <= prevLogIndex + entryCount; index++)
        {
            final long term = entries.termAt(index);
            if (term < previousTerm || term > leaderTerm)
            {
                return false;
            }
            previousTerm = term;
        }
        return true;
    }

    /** A message of a higher term makes this node a follower of that term before it is handled. */
    private void observeTerm(final long messageTerm, final long nowMs)
    {
        if (messageTerm > termStore.currentTerm())
        {
            stepDown(messageTerm, nowMs);
        }
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
        election.heardFromLeader(nowMs);
        preVote.cancel();
    }

    private void startElection(final long nowMs, final boolean leadershipTransfer)
    {
        preVote.cancel();
        final long term = election.voteForSelf(nowMs, leadershipTransfer);
        electionCounters.stood(term, leadershipTransfer, config.preVote() && !leadershipTransfer);
        role = Role.CANDIDATE;
        leaderId = -1;
        if (soleVoter())
        {
            becomeLeader(nowMs);
            return;
        }
        election.requestVotes(term, leadershipTransfer);
    }

    private void becomeLeader(final long nowMs)
    {
        role = Role.LEADER;
        leaderId = nodeId;
        followers.startTerm(log.lastIndex(), nowMs);
        election.voterLeasesUntil(followers.voteLeaseUntilMs); // a transfer's voters count for check quorum a while
        transfer.cancel();
        // A leader may only count replicas for entries of its own term (Raft 5.4.2): the no-op makes earlier
        // entries committable at once instead of waiting for the next client command.
        log.append(termStore.currentTerm(), 0L);
        if (soleVoter())
        {
            commits.advanceOnMajority();
        }
        leaderReplication.probeAll(nowMs);
    }

    private void stepDown(final long newTerm, final long nowMs)
    {
        if (newTerm > termStore.currentTerm())
        {
            termStore.store(newTerm, TermStore.NO_VOTE);
            leaderId = -1;
        }
        transfer.cancel();
        if (role != Role.FOLLOWER)
        {
            role = Role.FOLLOWER;
            if (leaderId == nodeId)
            {
                leaderId = -1;
            }
            election.resetDeadline(nowMs);
        }
    }

    private boolean soleVoter()
    {
        return Membership.voters(membership.latest()) == 1L << nodeId;
    }
}
