package com.wodian.journal.consensus;

import java.util.Arrays;

/**
 * Pre-Vote (Ongaro's thesis, section 9.6): before a node whose election timeout ran out raises its term, it asks the
 * voters of its newest configuration whether they would vote for it, and stands only once a majority says yes. A voter
 * says yes when the candidate's log is at least as up to date as its own and it has not heard from a live leader
 * within the minimum election timeout (nor is the leader itself, nor within a transfer vote
 * lease, {@link Election#inTransferVoteLease}). No term changes on either side: a PreVote carries
 * the term the candidate would stand in, and nobody adopts it.
 *
 * <p>Why: a node that restarts (or comes back from a partition) while the leader's reconnect has not reached it yet
 * would otherwise stand in term + 1; the leader ignores its RequestVote (stickiness), but the next message it gets
 * from that node carries the higher term and makes it step down (docs/replication.md, "Failures handled"). With
 * Pre-Vote the node asks first, the leader and the followers that hear it say no, and the node waits for the leader
 * at its old term. A leadership transfer ({@link ConsensusMessage.TimeoutNow}) skips Pre-Vote: the live leader itself
 * asked the target to stand (thesis 3.10).
 *
 * <p>A peer of an older build cannot read a PreVote ({@link ConsensusOutbox#preVote} answers false for it, sending
 * nothing). During a rolling upgrade such a peer counts as a yes, but only once this node has heard from no leader for
 * {@link #OLDER_PEERS_GRACE_TIMEOUTS} maximum election timeouts: a restarted node is reached by a live leader well
 * before that and never stands, while a group that really lost its leader still elects one (a little later) when it
 * needs an old node's vote to do so.
 */
final class PreVote
{
    /** How many maximum election timeouts without a leader before a peer of an older build counts as a yes. */
    static final int OLDER_PEERS_GRACE_TIMEOUTS = 4;
    private static final long NO_ROUND = 0;

    private final int selfId;
    private final int groupSize;
    private final ConsensusConfig config;
    private final ReplicaLog log;
    private final TermStore termStore;
    private final ConsensusOutbox outbox;
    private final MembershipHistory membership;
    private final boolean[] granted;
    private final long startedMs;
    /** The term this node would stand in if the round it asked about wins; {@link #NO_ROUND}: none. */
    private long roundTerm = NO_ROUND;

    PreVote(final NodeContext context, final long nowMs)
    {
        this.selfId = context.selfId();
        this.groupSize = context.groupSize();
        this.config = context.config();
        this.log = context.log();
        this.termStore = context.termStore();
        this.outbox = context.outbox();
        this.membership = context.membership();
        this.granted = new boolean[context.groupSize()];
        this.startedMs = nowMs;
    }

    /**
     * Starts a round: asks every other voter of the newest configuration about the next term.
     *
     * @param lastLeaderContactMs when a leader of this node's term was last heard from (very old: never).
     * @return whether the round is won already (a sole voter, or enough peers of an older build counted as yes).
     */
    boolean start(final long nowMs, final long lastLeaderContactMs)
    {
        roundTerm = termStore.currentTerm() + 1;
        Arrays.fill(granted, false);
        granted[selfId] = true;
        final boolean olderPeersCount = nowMs - Math.max(startedMs, lastLeaderContactMs) >=
            OLDER_PEERS_GRACE_TIMEOUTS * config.electionTimeoutMaxMs();
        final long lastIndex = log.lastIndex();
        final long lastTerm = log.termAt(lastIndex);
        final long configuration = membership.latest();
        for (int peer = 0; peer < groupSize; peer++)
        {
            if (peer != selfId && Membership.isVoter(configuration, peer) &&
                !outbox.preVote(peer, roundTerm, selfId, lastIndex, lastTerm) && olderPeersCount)
            {
                granted[peer] = true;
            }
        }
        return won();
    }

    /**
     * Counts a yes to the round of {@code candidateTerm}; a late answer to an earlier round, or any answer once the
     * term moved on, counts nothing.
     *
     * @return whether the round is now won: the caller stands at once.
     */
    boolean countGrant(final int fromNodeId, final long candidateTerm)
    {
        if (roundTerm == NO_ROUND || candidateTerm != roundTerm || roundTerm != termStore.currentTerm() + 1)
        {
            return false;
        }
        granted[fromNodeId] = true;
        return won();
    }

    /** The round is over: this node stood, heard from a leader, or moved to another term. */
    void cancel()
    {
        roundTerm = NO_ROUND;
    }

    /**
     * The voter's side: yes when the candidate asks about a term above this node's, no leader is alive as far as this
     * node knows, this node may vote, and the candidate's log is at least as up to date as this one. Nothing is stored.
     */
    boolean grants(final long candidateTerm, final long lastLogIndex, final long lastLogTerm, final boolean leaderAlive)
    {
        return candidateTerm > termStore.currentTerm() && !leaderAlive && membership.mayVote() &&
            Election.atLeastAsUpToDate(log, lastLogIndex, lastLogTerm);
    }

    private boolean won()
    {
        final long configuration = membership.latest();
        return Quorum.votes(configuration, granted) >= Quorum.majority(configuration);
    }
}
