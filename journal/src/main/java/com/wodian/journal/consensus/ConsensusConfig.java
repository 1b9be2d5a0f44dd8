package com.wodian.journal.consensus;

/**
 * Timing and sizing of one node. Times are in the caller's clock (milliseconds); the node never reads a clock.
 *
 * @param electionTimeoutMinMs a follower that hears nothing from a leader for a random time between this and
 *                             {@code electionTimeoutMaxMs} starts an election; a leader that has not heard from a
 *                             majority for this long steps down (check quorum), which is what fences a primary cut
 *                             off from its group.
 * @param electionTimeoutMaxMs upper bound of the random election timeout; also how long a leadership transfer may
 *                             take before the leader gives it up ({@link LeadershipTransfer#giveUpIfExpired}), how
 *                             long a transfer's vote lease lasts, and, from when it stood, the check-quorum grace of a
 *                             leader elected by a transfer ({@link Election#voterLeasesUntil}).
 * @param heartbeatIntervalMs  a leader sends an empty AppendEntries to a follower it has sent nothing for this long.
 * @param maxEntriesPerAppend  bound on the entries in one AppendEntries message.
 * @param maxInFlightEntries   bound on the entries sent to one follower and not yet acknowledged by it (the
 *                             pipelining window); the leader stops sending to that follower until it acknowledges.
 * @param preVote              a node whose election timeout runs out first asks whether it could win (Raft thesis
 *                             9.6, {@link PreVote}) and stands only if a majority says yes, so a restarted or
 *                             reconnected node does not depose a healthy leader. On in the product; off only in tests
 *                             that pin down the plain election rules, and to simulate a node of an older build.
 */
public record ConsensusConfig(
    long electionTimeoutMinMs,
    long electionTimeoutMaxMs,
    long heartbeatIntervalMs,
    int maxEntriesPerAppend,
    int maxInFlightEntries,
    boolean preVote)
{
    /** Default pipelining window: 32 messages of 256 entries, about 20 ms of commands at 400,000 per second. */
    public static final int MAX_IN_FLIGHT_ENTRIES_DEFAULT = 8192;

    public ConsensusConfig
    {
        if (heartbeatIntervalMs <= 0 || electionTimeoutMinMs <= heartbeatIntervalMs ||
            electionTimeoutMaxMs <= electionTimeoutMinMs || maxEntriesPerAppend <= 0 || maxInFlightEntries <= 0)
        {
            throw new IllegalArgumentException("need 0 < heartbeat < electionMin < electionMax, maxEntries > 0, " +
                "maxInFlight > 0: " + electionTimeoutMinMs + ", " + electionTimeoutMaxMs + ", " + heartbeatIntervalMs +
                ", " + maxEntriesPerAppend + ", " + maxInFlightEntries);
        }
    }

    /** With Pre-Vote. */
    public ConsensusConfig(
        final long electionTimeoutMinMs,
        final long electionTimeoutMaxMs,
        final long heartbeatIntervalMs,
        final int maxEntriesPerAppend,
        final int maxInFlightEntries)
    {
        this(electionTimeoutMinMs, electionTimeoutMaxMs, heartbeatIntervalMs, maxEntriesPerAppend, maxInFlightEntries,
            true);
    }

    /**
     * With the default pipelining window ({@link #MAX_IN_FLIGHT_ENTRIES_DEFAULT}) and Pre-Vote.
     */
    public ConsensusConfig(
        final long electionTimeoutMinMs,
        final long electionTimeoutMaxMs,
        final long heartbeatIntervalMs,
        final int maxEntriesPerAppend)
    {
        this(electionTimeoutMinMs, electionTimeoutMaxMs, heartbeatIntervalMs, maxEntriesPerAppend,
            MAX_IN_FLIGHT_ENTRIES_DEFAULT);
    }

    /**
     * Defaults for a three-node group on one LAN: heartbeat 50 ms, election timeout 150–300 ms, so a lost primary
     * is replaced in roughly 0.2–0.4 s; 256 entries per message, 8192 in flight per follower; Pre-Vote on.
     */
    public static ConsensusConfig defaults()
    {
        return new ConsensusConfig(150, 300, 50, 256, MAX_IN_FLIGHT_ENTRIES_DEFAULT, true);
    }

    /** @return these settings with Pre-Vote on or off. */
    public ConsensusConfig withPreVote(final boolean on)
    {
        return new ConsensusConfig(electionTimeoutMinMs, electionTimeoutMaxMs, heartbeatIntervalMs,
            maxEntriesPerAppend, maxInFlightEntries, on);
    }
}
