package com.wodian.net.cluster;

/**
 * What the replication stage last published about this node's place in its replica group, read by the engine stage
 * to answer a ClusterStatusQuery. Replaced as a whole (a few times a second and on every role change), so a reader
 * always sees one consistent picture.
 */
public final class ClusterView
{
    public static final int ROLE_ALONE = 0;
    public static final int ROLE_FOLLOWER = 1;
    public static final int ROLE_CANDIDATE = 2;
    public static final int ROLE_LEADER = 3;
    /** membershipFlags bit: the newest configuration is committed (no change in progress). */
    public static final int CONFIGURATION_COMMITTED = 1;
    /** membershipFlags bit: this node may vote (false after joining empty, until it is added). */
    public static final int MAY_VOTE = 2;

    public record Snapshot(
        int nodeId,
        int role,
        int ackPolicy,
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
        int membershipFlags)
    {
    }

    private volatile Snapshot current;

    public Snapshot current()
    {
        return current;
    }

    public void publish(final Snapshot snapshot)
    {
        current = snapshot;
    }
}
