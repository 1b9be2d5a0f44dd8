package com.wodian.journal.consensus;

/**
 * Timing and sizing of one node. Times are in the caller's clock (milliseconds); the node never reads a clock.
 *
 * @param electionTimeoutMinMs a follower that hears nothing from a leader for a random time between this and
 *                             {@code electionTimeoutMaxMs} starts an election; a leader that has not heard from a
 *                             majority for this long steps down (check quorum), which is what fences a primary cut
 *                             off from its group.
 * @param electionTimeoutMaxMs upper bound of the random election timeout.
 * @param heartbeatIntervalMs  how often a leader sends AppendEntries to each follower when it has nothing new.
 * @param maxEntriesPerAppend  bound on the entries in one AppendEntries message.
 */
public record ConsensusConfig(
    long electionTimeoutMinMs,
    long electionTimeoutMaxMs,
    long heartbeatIntervalMs,
    int maxEntriesPerAppend)
{
    public ConsensusConfig
    {
        if (heartbeatIntervalMs <= 0 || electionTimeoutMinMs <= heartbeatIntervalMs ||
            electionTimeoutMaxMs <= electionTimeoutMinMs || maxEntriesPerAppend <= 0)
        {
            throw new IllegalArgumentException("need 0 < heartbeat < electionMin < electionMax, maxEntries > 0: " +
                this);
        }
    }

    /**
     * Defaults for a three-node group on one LAN: heartbeat 50 ms, election timeout 150–300 ms, so a lost primary
     * is replaced in roughly 0.2–0.4 s.
     */
    public static ConsensusConfig defaults()
    {
        return new ConsensusConfig(150, 300, 50, 256);
    }
}
