package com.wodian.net.cluster;

import com.wodian.journal.consensus.AckPolicy;
import com.wodian.journal.consensus.Role;
import com.wodian.protocol.sbe.GroupAckPolicy;
import com.wodian.protocol.sbe.GroupRole;

/**
 * What the replication stage last published about this node's place in its replica group, read by the engine stage
 * to answer a ClusterStatusQuery. Replaced as a whole (a few times a second and on every role change), so a reader
 * always sees one consistent picture.
 */
public final class ClusterView
{
    /** membershipFlags bit: the newest configuration is committed (no change in progress). */
    public static final int CONFIGURATION_COMMITTED = 1;
    /** membershipFlags bit: this node may vote (false after joining empty, until it is added). */
    public static final int MAY_VOTE = 2;

    public record Snapshot(
        int nodeId,
        GroupRole role,
        GroupAckPolicy ackPolicy,
        int leaderId,
        long term,
        long lastIndex,
        long durableIndex,
        long commitIndex,
        long truncations,
        int[] peerIds,
        long[] matchIndexes,
        long[] lastHeardAgoMs,
        boolean[] connected,
        boolean[] inQuorum,
        long configuration,
        int membershipFlags,
        Elections elections)
    {
    }

    /** What this node did in elections since it started ({@code ElectionCounters}), for the metrics. */
    public record Elections(long preVoteRounds, long stood, long votesGranted, long voteRequestsRefused)
    {
    }

    private volatile Snapshot current;

    /** A consensus role as the ClusterStatusReply names it. */
    public static GroupRole wireRole(final Role role)
    {
        return switch (role)
        {
            case LEADER -> GroupRole.LEADER;
            case CANDIDATE -> GroupRole.CANDIDATE;
            case FOLLOWER -> GroupRole.FOLLOWER;
        };
    }

    /** An acknowledgement policy as the ClusterStatusReply names it. */
    public static GroupAckPolicy wireAckPolicy(final AckPolicy policy)
    {
        return switch (policy)
        {
            case LOCAL -> GroupAckPolicy.LOCAL;
            case QUORUM -> GroupAckPolicy.QUORUM;
            case ALL -> GroupAckPolicy.ALL;
        };
    }

    public Snapshot current()
    {
        return current;
    }

    public void publish(final Snapshot snapshot)
    {
        current = snapshot;
    }
}
