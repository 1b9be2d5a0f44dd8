package com.wodian.journal.consensus;

/**
 * The leader's side of log replication (Raft figure 2, with batching and pipelining from the thesis, section
 * 10.2.1): what each follower is sent, from its {@link FollowerProgress}, and what its answers change. A follower
 * whose position is confirmed is streamed entries in messages of {@link ConsensusConfig#maxEntriesPerAppend()} while
 * it has fewer than {@link ConsensusConfig#maxInFlightEntries()} unacknowledged, {@code nextIndex} running ahead as a
 * hint; a follower whose position is unknown (after the election, or a refusal) gets one probe at a time until it
 * accepts; only an idle follower gets an empty heartbeat. A follower that needs entries the log no longer holds is
 * sent the snapshot instead ({@link SnapshotShipping}).
 *
 * <p>Called by {@link ConsensusNode} only while it leads, after it has checked the message's term.
 */
final class LeaderReplication
{
    private final int selfId;
    private final int groupSize;
    private final ConsensusConfig config;
    private final ReplicaLog log;
    private final TermStore termStore;
    private final ConsensusOutbox outbox;
    private final MembershipHistory membership;
    private final CommitTracker commits;
    private final LeadershipTransfer transfer;
    private final SnapshotShipping shipping;
    private final long[] nextIndex;
    private final long[] matchIndex;
    private final long[] lastHeardFromMs;
    private final long[] lastSentToMs;
    private final boolean[] probing;
    private final long[] snapshotSendingIndex;
    private final long[] snapshotOffset;

    LeaderReplication(
        final NodeContext context,
        final FollowerProgress followers,
        final CommitTracker commits,
        final LeadershipTransfer transfer,
        final SnapshotShipping shipping)
    {
        this.selfId = context.selfId();
        this.groupSize = context.groupSize();
        this.config = context.config();
        this.log = context.log();
        this.termStore = context.termStore();
        this.outbox = context.outbox();
        this.membership = context.membership();
        this.commits = commits;
        this.transfer = transfer;
        this.shipping = shipping;
        this.nextIndex = followers.nextIndex;
        this.matchIndex = followers.matchIndex;
        this.lastHeardFromMs = followers.lastHeardFromMs;
        this.lastSentToMs = followers.lastSentToMs;
        this.probing = followers.probing;
        this.snapshotSendingIndex = followers.snapshotSendingIndex;
        this.snapshotOffset = followers.snapshotOffset;
    }

    /** A new term: every follower's position is unknown, so each gets one probe. */
    void probeAll(final long nowMs)
    {
        for (int peer = 0; peer < groupSize; peer++)
        {
            if (replicatesTo(peer))
            {
                sendAppend(peer, nowMs, false);
            }
        }
    }

    /** Sends each follower the entries it has not been sent yet, within its window; see {@link #replicate}. */
    void flush(final long nowMs)
    {
        for (int peer = 0; peer < groupSize; peer++)
        {
            if (replicatesTo(peer))
            {
                replicate(peer, nowMs);
            }
        }
    }

    /**
     * The leader's timer: each follower is sent what it lacks, and an idle one an empty heartbeat. Under load the data
     * messages are the heartbeats: only an idle follower gets an empty one, so a heartbeat does not race data in
     * flight (arriving first, it would be refused and trigger a resend).
     */
    void onTimer(final long nowMs)
    {
        for (int peer = 0; peer < groupSize; peer++)
        {
            if (!replicatesTo(peer))
            {
                continue;
            }
            replicate(peer, nowMs);
            if (nowMs - lastSentToMs[peer] >= config.heartbeatIntervalMs())
            {
                if (peer == transfer.target())
                {
                    transfer.sendTimeoutNowIfCaughtUp(nowMs); // resent while pending: the first one may have been lost
                }
                sendAppend(peer, nowMs, false);
            }
        }
    }

    /** AppendReply of the leader's term from {@code peer}. */
    void onAppendReply(
        final int peer,
        final boolean success,
        final long replyMatchIndex,
        final long conflictIndex,
        final long nowMs)
    {
        lastHeardFromMs[peer] = nowMs;
        // Only a reply that tells something new (moves this peer forward, confirms a probe, or moves it back on a
        // conflict) triggers sends. A duplicated or stale reply triggers nothing: otherwise every duplicate would
        // start one more send-reply chain and the traffic would grow without bound. Heartbeats find whatever a lost
        // message left behind.
        if (success)
        {
            onAppendAccepted(peer, replyMatchIndex, nowMs);
        }
        else
        {
            onAppendRefused(peer, conflictIndex, nowMs);
        }
    }

    /**
     * InstallSnapshotReply of the leader's term from {@code peer}: it wants the bytes of the snapshot from
     * {@code nextOffset} on, or ({@code done}) holds everything up to {@code snapshotIndex}, which is then its match
     * index: entries stream from after it.
     */
    void onInstallSnapshotReply(
        final int peer,
        final long snapshotIndex,
        final long nextOffset,
        final boolean done,
        final long nowMs)
    {
        lastHeardFromMs[peer] = nowMs;
        if (snapshotIndex < 1 || snapshotIndex > log.lastIndex() || nextOffset < 0)
        {
            // Not a reply to any snapshot this leader could have sent (a peer's bug); index 0 would match "none in
            // progress" below and start an unasked transfer, on a leader that may have no snapshots to send.
            return;
        }
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
                commits.advanceOnMajority();
            }
            nextIndex[peer] = matchIndex[peer] + 1;
            probing[peer] = false;
            if (peer == transfer.target() && transfer.sendTimeoutNowIfCaughtUp(nowMs))
            {
                return;
            }
            replicate(peer, nowMs);
        }
        else if (current && shipping.refusedWhole(peer, nextOffset))
        {
            shipping.restartRefused(peer, termStore.currentTerm(), nowMs);
        }
        else if (current && nextOffset != snapshotOffset[peer])
        {
            snapshotOffset[peer] = nextOffset;
            shipping.sendChunk(peer, termStore.currentTerm(), nowMs);
        }
    }

    /**
     * Streams entries to a follower whose position is confirmed: messages of up to maxEntriesPerAppend while it has
     * entries it was not sent and fewer than maxInFlightEntries unacknowledged.
     */
    void replicate(final int peer, final long nowMs)
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
    void sendAppend(final int peer, final long nowMs, final boolean pipelined)
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
            peer, termStore.currentTerm(), selfId, prevIndex, log.termAt(prevIndex), commits.commitIndex(), count, log);
        lastSentToMs[peer] = nowMs;
        if (pipelined)
        {
            nextIndex[peer] = prevIndex + 1 + count;
        }
    }

    private void onAppendAccepted(final int peer, final long replyMatchIndex, final long nowMs)
    {
        if (replyMatchIndex > log.lastIndex())
        {
            return; // no follower can hold what this leader never had: a peer's bug, not a position to trust
        }
        final boolean advanced = replyMatchIndex > matchIndex[peer];
        if (advanced)
        {
            matchIndex[peer] = replyMatchIndex;
            nextIndex[peer] = Math.max(nextIndex[peer], matchIndex[peer] + 1);
            commits.advanceOnMajority();
        }
        final boolean probeConfirmed = probing[peer] && matchIndex[peer] >= nextIndex[peer] - 1;
        if (probeConfirmed)
        {
            probing[peer] = false; // position known: stream from here on
        }
        if (advanced || probeConfirmed)
        {
            if (peer == transfer.target() && transfer.sendTimeoutNowIfCaughtUp(nowMs))
            {
                return;
            }
            replicate(peer, nowMs);
        }
    }

    /**
     * The follower refused: entries it needed were lost or reordered, or its log conflicts. Resume where it says
     * (never below what it has acknowledged, never forward), one probe at a time until it accepts: refusals of the
     * other messages in flight then find nextIndex already moved back and trigger nothing.
     */
    private void onAppendRefused(final int peer, final long conflictIndex, final long nowMs)
    {
        if (conflictIndex > 0 && conflictIndex <= matchIndex[peer] && !Membership.isVoter(membership.latest(), peer))
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

    private boolean replicatesTo(final int peer)
    {
        return peer != selfId && Membership.isMember(membership.latest(), peer);
    }
}
