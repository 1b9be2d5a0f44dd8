package com.wodian.journal.consensus;

/**
 * What a leader knows of each follower's log (Raft's nextIndex and matchIndex, figure 2) and of the traffic to it:
 * when it was last heard from (check quorum) and last sent to (heartbeats), whether its position is still being
 * probed, the snapshot being sent to it, and its catch-up rounds while it is a learner (thesis 4.2.1). Arrays indexed
 * by node id; the leader's own slot is unused. Reset for every term this node leads.
 */
final class FollowerProgress
{
    final long[] nextIndex;
    final long[] matchIndex;
    final long[] lastHeardFromMs;
    /**
     * Until when a voter counts for check quorum without being heard: the transfer vote lease it holds for this leader
     * ({@link Election#voterLeasesUntil}), {@code Long.MIN_VALUE}: none.
     */
    final long[] voteLeaseUntilMs;
    final long[] lastSentToMs;
    /** Its position is not confirmed: one probe in flight, no streaming until it accepts one. */
    final boolean[] probing;
    /** The snapshot index being sent to it, 0 when none. */
    final long[] snapshotSendingIndex;
    /** The offset of the next snapshot byte it said it wants. */
    final long[] snapshotOffset;
    /** The leader's last index when its current catch-up round started, 0: none yet. */
    final long[] catchUpRoundEndIndex;
    final long[] catchUpRoundStartMs;
    final int[] catchUpRounds;

    FollowerProgress(final int groupSize)
    {
        nextIndex = new long[groupSize];
        matchIndex = new long[groupSize];
        lastHeardFromMs = new long[groupSize];
        voteLeaseUntilMs = new long[groupSize];
        lastSentToMs = new long[groupSize];
        probing = new boolean[groupSize];
        snapshotSendingIndex = new long[groupSize];
        snapshotOffset = new long[groupSize];
        catchUpRoundEndIndex = new long[groupSize];
        catchUpRoundStartMs = new long[groupSize];
        catchUpRounds = new int[groupSize];
    }

    /** A new term led by this node: every follower's position is unknown until it accepts a message. */
    void startTerm(final long lastIndex, final long nowMs)
    {
        for (int peer = 0; peer < nextIndex.length; peer++)
        {
            nextIndex[peer] = lastIndex + 1;
            matchIndex[peer] = 0;
            probing[peer] = true;
            lastHeardFromMs[peer] = nowMs; // grace period: check quorum counts from the election
            snapshotSendingIndex[peer] = 0;
            snapshotOffset[peer] = 0;
            catchUpRoundEndIndex[peer] = 0;
            catchUpRounds[peer] = 0;
        }
    }

    /** A member just added as a learner: probe where its log matches, from the leader's end. */
    void startTracking(final int member, final long lastIndex, final long nowMs)
    {
        nextIndex[member] = lastIndex + 1;
        matchIndex[member] = 0;
        probing[member] = true;
        lastHeardFromMs[member] = nowMs;
        snapshotSendingIndex[member] = 0;
        catchUpRoundEndIndex[member] = 0;
        catchUpRounds[member] = 0;
    }

    /**
     * Catch-up rounds (thesis 4.2.1) of the learners of {@code configuration}: a learner whose round ended (or that
     * has none) is due for promotion when that round took at most {@code quickMs}; otherwise a new round starts, up
     * to {@code lastIndex}.
     *
     * @param mayPromote whether a change may start now; when false no learner is due and rounds go on.
     * @return the first learner due for promotion (its round is left as it is), or -1.
     */
    int learnerToPromote(final long configuration, final long lastIndex, final long nowMs, final long quickMs,
        final boolean mayPromote)
    {
        for (int peer = 0; peer < nextIndex.length; peer++)
        {
            if (!Membership.isLearner(configuration, peer))
            {
                continue;
            }
            if (catchUpRoundEndIndex[peer] == 0 || matchIndex[peer] >= catchUpRoundEndIndex[peer])
            {
                final boolean quick = catchUpRoundEndIndex[peer] != 0 && nowMs - catchUpRoundStartMs[peer] <= quickMs;
                if (quick && mayPromote)
                {
                    return peer;
                }
                catchUpRoundEndIndex[peer] = lastIndex;
                catchUpRoundStartMs[peer] = nowMs;
                catchUpRounds[peer]++;
            }
        }
        return -1;
    }
}
