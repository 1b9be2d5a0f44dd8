package com.wodian.journal.consensus;

/**
 * The leader's membership changes, one server at a time (Raft thesis chapter 4, with its fix of 2015): a
 * configuration entry appended to the log is in effect at once, and the next change starts only once it is committed
 * and an entry of the leader's own term is. A new or wiped node joins as a non-voting learner, is caught up in rounds
 * (section 4.2.1) and made a voter by a second entry; a leader whose own removal is committed hands over to the most
 * up-to-date voter (section 4.2.2). The configurations themselves live in {@link MembershipHistory}.
 *
 * <p>Called by {@link ConsensusNode} only while it leads with no leadership transfer pending.
 */
final class MembershipChanges
{
    private final int selfId;
    private final int groupSize;
    private final ConsensusConfig config;
    private final ReplicaLog log;
    private final TermStore termStore;
    private final ConsensusOutbox outbox;
    private final MembershipHistory membership;
    private final FollowerProgress followers;
    private final CommitTracker commits;
    private final LeaderReplication replication;

    MembershipChanges(
        final NodeContext context,
        final FollowerProgress followers,
        final CommitTracker commits,
        final LeaderReplication replication)
    {
        this.selfId = context.selfId();
        this.groupSize = context.groupSize();
        this.config = context.config();
        this.log = context.log();
        this.termStore = context.termStore();
        this.outbox = context.outbox();
        this.membership = context.membership();
        this.followers = followers;
        this.commits = commits;
        this.replication = replication;
    }

    /** @return whether the newest configuration entry in this node's log is committed (no change in progress). */
    boolean configurationCommitted()
    {
        return membership.latestIndex() <= commits.commitIndex();
    }

    /**
     * Adds {@code memberId} as a learner: the leader replicates to it (a snapshot, then the tail) without counting it;
     * {@link #promoteCaughtUpLearner} makes it a voter once it keeps up.
     */
    MembershipChange add(final int memberId, final long nowMs)
    {
        final MembershipChange refusal = refusal(memberId);
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
        replication.sendAppend(memberId, nowMs, false); // the probe that finds where its log matches (or a snapshot)
        return MembershipChange.STARTED;
    }

    /** Removes {@code memberId}, voter or learner, unless that would leave no voter. */
    MembershipChange remove(final int memberId, final long nowMs)
    {
        final MembershipChange refusal = refusal(memberId);
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

    /**
     * Catch-up rounds (thesis 4.2.1): each learner is brought up to the leader's last index as of the round's start;
     * a round that ends within the minimum election timeout means it keeps up, and it is made a voter. Rounds go on
     * (as many as it takes) while it does not; a new leader starts them again.
     */
    void promoteCaughtUpLearner(final long nowMs)
    {
        final long current = membership.latest();
        if (Membership.learners(current) == 0)
        {
            return;
        }
        final int learner = followers.learnerToPromote(current, log.lastIndex(), nowMs, config.electionTimeoutMinMs(),
            !changeInProgress());
        if (learner != -1)
        {
            appendConfiguration(Membership.promoted(current, learner), nowMs);
        }
    }

    /** @return whether this leader's own removal is committed: it must step down (thesis 4.2.2). */
    boolean ownRemovalCommitted()
    {
        return !Membership.isVoter(membership.latest(), selfId) && configurationCommitted();
    }

    /**
     * A leader whose removal is committed asks the most up-to-date voter to stand at once (TimeoutNow), if that voter
     * holds its whole log, so the group does not wait out an election timeout; the caller then steps down.
     */
    void askBestVoterToStand()
    {
        final long[] matchIndex = followers.matchIndex;
        int best = -1;
        for (int peer = 0; peer < groupSize; peer++)
        {
            if (peer != selfId && Membership.isVoter(membership.latest(), peer) &&
                (best == -1 || matchIndex[peer] > matchIndex[best]))
            {
                best = peer;
            }
        }
        if (best != -1 && matchIndex[best] == log.lastIndex())
        {
            outbox.timeoutNow(best, termStore.currentTerm(), selfId);
        }
    }

    /** @return why this leader may not change the membership of {@code memberId} now, null when it may. */
    private MembershipChange refusal(final int memberId)
    {
        if (memberId < 0 || memberId >= groupSize)
        {
            return MembershipChange.INVALID;
        }
        return changeInProgress() ? MembershipChange.IN_PROGRESS : null;
    }

    /**
     * One change at a time, and only once this leader's term has a committed entry (the thesis's 2015 fix: otherwise
     * a change of an earlier term that this leader does not know committed could overlap this one).
     */
    private boolean changeInProgress()
    {
        return !configurationCommitted() || log.termAt(commits.commitIndex()) != termStore.currentTerm();
    }

    private void appendConfiguration(final long configuration, final long nowMs)
    {
        final long index = log.lastIndex() + 1;
        membership.append(index, configuration); // stored first: a crash leaves a pair past the log's end, dropped
        log.append(termStore.currentTerm(), Membership.entryPayload(configuration));
        commits.advanceOnMajority(); // the majority may have changed (a removed voter no longer counts)
        replication.flush(nowMs);
    }
}
