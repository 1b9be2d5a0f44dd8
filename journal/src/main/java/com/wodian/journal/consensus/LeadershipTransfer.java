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
    /** Whether the pending transfer's TimeoutNow went out: the target may then win without this node knowing. */
    private boolean timeoutNowSent;

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
        timeoutNowSent = false;
    }

    /** No transfer pending: the leader stepped down, or a new term began. */
    void cancel()
    {
        target = -1;
    }

    /**
     * The target did not take over in time: the leader gives the transfer up. If it never told the target to stand
     * (the target never caught up: down, cut off or lagging), it keeps leading. If its TimeoutNow went out, the target
     * may have won the next term with votes of members this leader still counts as heard (a transfer's RequestVote
     * passes their stickiness), and this leader may simply not have heard of it yet: taking commands again, it would
     * acknowledge under {@code local} what the new leader never has (simulation seed 449 of groups of five lost 5), so
     * it steps down instead and the group elects a leader as usual.
     *
     * @return whether the leader must step down.
     */
    boolean giveUpIfExpired(final long nowMs)
    {
        if (target != -1 && nowMs >= deadlineMs)
        {
            target = -1;
            return timeoutNowSent;
        }
        return false;
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
        timeoutNowSent = true;
        followers.lastSentToMs[target] = nowMs;
        return true;
    }
}
