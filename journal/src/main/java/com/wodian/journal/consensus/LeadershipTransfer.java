package com.wodian.journal.consensus;

/**
 * The leader's side of a leadership transfer (Raft thesis 3.10): the member it hands over to, until when it waits for
 * the target to take over, and the {@link ConsensusMessage.TimeoutNow} it sends the target once the target's log holds
 * everything the leader's does. While a transfer is pending the leader takes no commands and starts no membership
 * change, so that the target can catch up.
 */
final class LeadershipTransfer
{
    private final int selfId;
    private final ConsensusConfig config;
    private final ReplicaLog log;
    private final TermStore termStore;
    private final ConsensusOutbox outbox;
    private final FollowerProgress followers;
    private int target = -1;
    private long deadlineMs;

    LeadershipTransfer(final NodeContext context, final FollowerProgress followers)
    {
        this.selfId = context.selfId();
        this.config = context.config();
        this.log = context.log();
        this.termStore = context.termStore();
        this.outbox = context.outbox();
        this.followers = followers;
    }

    /** @return the member the pending transfer hands over to, -1 when none is pending. */
    int target()
    {
        return target;
    }

    boolean pending()
    {
        return target != -1;
    }

    /** Starts a transfer to {@code targetId}, replacing a pending one; it is given up after the maximum timeout. */
    void start(final int targetId, final long nowMs)
    {
        target = targetId;
        deadlineMs = nowMs + config.electionTimeoutMaxMs();
    }

    /** No transfer pending: the leader stepped down, or a new term began. */
    void cancel()
    {
        target = -1;
    }

    /** The target did not take over in time: the leader gives the transfer up and keeps leading. */
    void giveUpIfExpired(final long nowMs)
    {
        if (target != -1 && nowMs >= deadlineMs)
        {
            target = -1;
        }
    }

    /**
     * Sends TimeoutNow to the transfer target once its log holds everything the leader's does.
     *
     * @return whether it was sent.
     */
    boolean sendTimeoutNowIfCaughtUp(final long nowMs)
    {
        if (target == -1 || followers.matchIndex[target] != log.lastIndex())
        {
            return false;
        }
        outbox.timeoutNow(target, termStore.currentTerm(), selfId);
        followers.lastSentToMs[target] = nowMs;
        return true;
    }
}
