package com.wodian.journal.consensus;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * A node's part in elections (Raft figure 2, section 5.2): its randomised election deadline, the leader contact that
 * leader stickiness needs (thesis 4.2.3), the vote it casts for a candidate, and, as a candidate, the votes it has
 * counted. Role changes stay with {@link ConsensusNode}; this class decides who may stand, whom to vote for and when
 * an election is won. The only randomness of the node is drawn here, from the generator it is given.
 */
final class Election
{
    private final int selfId;
    private final int groupSize;
    private final ConsensusConfig config;
    private final ReplicaLog log;
    private final TermStore termStore;
    private final ConsensusOutbox outbox;
    private final MembershipHistory membership;
    private final RandomGenerator random;
    private final boolean[] voteGranted;
    private long electionDeadlineMs;
    private long lastLeaderContactMs = Long.MIN_VALUE / 2;
    /** When this node last gave its vote to a leadership transfer's target, and in which term (0: none pending). */
    private long transferVoteAtMs = Long.MIN_VALUE / 2;
    private long transferVoteTerm;
    /** When this node last stood, and whether for a leadership transfer (its voters then hold a lease for it). */
    private long stoodAtMs;
    private boolean stoodForTransfer;

    Election(final NodeContext context, final RandomGenerator random)
    {
        this.selfId = context.selfId();
        this.groupSize = context.groupSize();
        this.config = context.config();
        this.log = context.log();
        this.termStore = context.termStore();
        this.outbox = context.outbox();
        this.membership = context.membership();
        this.random = random;
        this.voteGranted = new boolean[context.groupSize()];
    }

    /** A new deadline, a random time between the minimum and the maximum election timeout from now. */
    void resetDeadline(final long nowMs)
    {
        electionDeadlineMs = nowMs + config.electionTimeoutMinMs() +
            random.nextLong(config.electionTimeoutMaxMs() - config.electionTimeoutMinMs());
    }

    /** @return whether the election timeout ran out: a follower or candidate stands (again), if it may. */
    boolean deadlinePassed(final long nowMs)
    {
        return nowMs >= electionDeadlineMs;
    }

    /**
     * A message of the current term's leader: it is alive, so wait for it a full election timeout. A transfer vote
     * lease runs on to its end: the leader counts on it for check quorum ({@link #voterLeasesUntil}) whether or not
     * this node's replies reach it.
     */
    void heardFromLeader(final long nowMs)
    {
        lastLeaderContactMs = nowMs;
        resetDeadline(nowMs);
    }

    /**
     * @return whether {@code leaderId} (-1: none known) was heard from within the minimum election timeout: leader
     * stickiness then ignores vote requests of higher terms.
     */
    boolean leaderHeardWithinTimeout(final int leaderId, final long nowMs)
    {
        return leaderId != -1 && nowMs - lastLeaderContactMs < config.electionTimeoutMinMs();
    }

    /**
     * The transfer vote lease: whether this node gave its vote in its current term, within the maximum election
     * timeout, to a leadership transfer's target (a transfer-flagged RequestVote) other than {@code candidateId}. The
     * target may have won and its first heartbeat may still be on its way (it has until its own election timeout, up
     * to the maximum, to count its votes; on a starved machine it takes that long), so until then this node neither
     * says yes to another node's PreVote or RequestVote nor asks for one itself: it waits for the target as for a
     * leader heard, and goes on doing so once it has heard it (the new leader counts on that for check quorum,
     * {@link #voterLeasesUntil}). The target itself may still ask (asking again, it has not won). Only a transfer's
     * vote starts a lease: a transfer happens once per TimeoutNow, so no candidate that cannot win renews it by
     * standing again (a node of an older build, which stands without Pre-Vote, would otherwise keep its voters from
     * ever electing anyone else). Without the lease a hand-over was undone by the next election
     * ({@code ConsensusSimulationTest.aLeadershipTransferIsNotUndoneByTheNextElection}).
     */
    boolean inTransferVoteLease(final int candidateId, final long nowMs)
    {
        return transferVoteTerm == termStore.currentTerm() && termStore.votedFor() != candidateId &&
            nowMs - transferVoteAtMs < config.electionTimeoutMaxMs();
    }

    /**
     * A node that may vote stands for election as a voter of its newest configuration, or while the newest one, not
     * yet committed, is its own removal (it was a voter of the configuration before). Without the second case a group
     * can stall: a leader appends its own removal and dies, and it alone holds the most up-to-date log (the others
     * cannot win its vote), but it will not stand. Winning is safe as for any candidate: it needs a majority of the
     * voters of its newest configuration, which does not count itself, and it steps down once the removal commits.
     */
    boolean mayStand(final long commitIndex)
    {
        if (!membership.mayVote())
        {
            return false;
        }
        if (Membership.isVoter(membership.latest(), selfId))
        {
            return true;
        }
        final long latestIndex = membership.latestIndex();
        return latestIndex > commitIndex && !Membership.isMember(membership.latest(), selfId) &&
            Membership.isVoter(membership.at(latestIndex - 1), selfId);
    }

    /**
     * Standing: the next term, and this node's vote for itself in it, stored before anything is sent; the votes of
     * any earlier election are forgotten and the deadline drawn again.
     *
     * @return the term this node stands in.
     */
    long voteForSelf(final long nowMs, final boolean leadershipTransfer)
    {
        final long term = termStore.currentTerm() + 1;
        termStore.store(term, selfId);
        stoodAtMs = nowMs;
        stoodForTransfer = leadershipTransfer;
        Arrays.fill(voteGranted, false);
        voteGranted[selfId] = true;
        resetDeadline(nowMs);
        return term;
    }

    /** Asks every other voter of the newest configuration for its vote in {@code term}. */
    void requestVotes(final long term, final boolean leadershipTransfer)
    {
        final long lastIndex = log.lastIndex();
        final long lastTerm = log.termAt(lastIndex);
        for (int peer = 0; peer < groupSize; peer++)
        {
            if (peer != selfId && Membership.isVoter(membership.latest(), peer))
            {
                outbox.requestVote(peer, term, selfId, lastIndex, lastTerm, leadershipTransfer);
            }
        }
    }

    /**
     * Answers a RequestVote whose term is not above this node's (the caller has adopted a higher one): the vote goes
     * to the first candidate of the term whose log is at least as up to date as this one (last term, then last
     * index), stored before the answer is sent. A vote for a leadership transfer's target starts the transfer vote
     * lease ({@link #inTransferVoteLease}).
     *
     * @return whether the vote was given.
     */
    boolean answerVoteRequest(
        final long requestTerm,
        final int candidateId,
        final long lastLogIndex,
        final long lastLogTerm,
        final boolean leadershipTransfer,
        final long nowMs)
    {
        final long currentTerm = termStore.currentTerm();
        boolean granted = false;
        if (requestTerm == currentTerm)
        {
            final int votedFor = termStore.votedFor();
            final boolean upToDate = atLeastAsUpToDate(log, lastLogIndex, lastLogTerm);
            // A node that joined with an empty data directory has forgotten its earlier votes: it votes only once it
            // has been added back (MembershipHistory#mayVote).
            if ((votedFor == TermStore.NO_VOTE || votedFor == candidateId) && upToDate && membership.mayVote())
            {
                termStore.store(currentTerm, candidateId);
                granted = true;
                resetDeadline(nowMs);
                if (leadershipTransfer)
                {
                    transferVoteAtMs = nowMs;
                    transferVoteTerm = currentTerm;
                }
            }
        }
        outbox.voteReply(candidateId, currentTerm, selfId, granted);
        return granted;
    }

    /** Raft's "at least as up to date" (section 5.4.1): a higher last term, or the same and a last index not lower. */
    static boolean atLeastAsUpToDate(final ReplicaLog log, final long lastLogIndex, final long lastLogTerm)
    {
        final long lastTerm = log.termAt(log.lastIndex());
        return lastLogTerm > lastTerm || (lastLogTerm == lastTerm && lastLogIndex >= log.lastIndex());
    }

    /** @return when a leader of this node's term was last heard from (very long ago: never). */
    long lastLeaderContactMs()
    {
        return lastLeaderContactMs;
    }

    /**
     * The check-quorum grace of a leader elected by a leadership transfer, per voter: a voter whose transfer vote this
     * node counted gave it after this node stood, so its transfer vote lease ({@link #inTransferVoteLease}) keeps it
     * from saying yes to any other candidate's PreVote or RequestVote, and from standing, until at least the maximum
     * election timeout after this node stood; hearing this leader does not end the lease. Until then the new leader
     * may count it as heard: no other leader can be elected with its vote, so this one may wait for its first replies
     * that long (a starved machine's first heartbeats; with the minimum election timeout from the election alone the
     * hand-over was undone whenever they came later). Any other election, or a node without Pre-Vote (which
     * stands within a lease), counts nobody: {@code Long.MIN_VALUE} everywhere.
     */
    void voterLeasesUntil(final long[] voteLeaseUntilMs)
    {
        final boolean leased = stoodForTransfer && config.preVote();
        for (int peer = 0; peer < voteLeaseUntilMs.length; peer++)
        {
            voteLeaseUntilMs[peer] = leased && peer != selfId && voteGranted[peer] ?
                stoodAtMs + config.electionTimeoutMaxMs() : Long.MIN_VALUE;
        }
    }

    /**
     * Counts a vote granted to this candidate in its current term.
     *
     * @return whether the votes now make a majority of the voters of this node's newest configuration (only they
     * count).
     */
    boolean countVote(final int fromNodeId)
    {
        voteGranted[fromNodeId] = true;
        return Quorum.votes(membership.latest(), voteGranted) >= Quorum.majority(membership.latest());
    }
}
