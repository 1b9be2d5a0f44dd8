package com.wodian.journal.consensus;

/**
 * Where a {@link MembershipHistory} keeps itself: called after every change, before the change is used, so a node
 * that restarts finds every configuration its log may hold ({@code storage.MembershipFile} in a server).
 */
public interface MembershipStore
{
    /**
     * Stores the whole history durably before returning.
     *
     * @param joinFloor      a joining node's join floor ({@link MembershipHistory#leaderReached}),
     *                       {@link MembershipHistory#NO_FLOOR} when none is set or the node may vote.
     * @param indexes        the first {@code size} are the pairs' indexes, ascending; read during the call only.
     * @param configurations the configurations of those pairs.
     */
    void store(long bootstrap, boolean mayVote, long joinFloor, long[] indexes, long[] configurations, int size);
}
