package com.wodian.journal.consensus;

import java.util.Locale;

/**
 * When a primary of a replica group may answer a client: which copies of the command's journal entry must exist
 * first. The reply to a command is released only once its entry is covered, and the engine applies an entry only
 * then, so a reply never reports state that the policy does not protect. See docs/replication.md.
 */
public enum AckPolicy
{
    /** The primary's own journal (by its durability policy). A failover can lose acknowledged commands. */
    LOCAL,
    /** The primary's journal and a majority of the group (Raft's commit index): the default. */
    QUORUM,
    /**
     * Every member still in the acknowledgement set; a standby that falls too far behind or goes silent is dropped
     * from the set (and reported) rather than stalling the primary, and the policy then still means at least a
     * quorum.
     */
    ALL;

    public static AckPolicy parse(final String name)
    {
        return valueOf(name.trim().toUpperCase(Locale.ROOT));
    }

    public String displayName()
    {
        return name().toLowerCase(Locale.ROOT);
    }
}
