package com.wodian.journal.consensus;

/**
 * The three roles of a node in a replica group (Raft, section 5.1). A node is in exactly one role at a time.
 */
public enum Role
{
    /** Accepts entries from the leader of its term; votes; becomes a candidate when the leader goes quiet. */
    FOLLOWER,
    /** Asks the group for votes in a new term. */
    CANDIDATE,
    /** The only node of its term that accepts client commands and replicates the log. */
    LEADER
}
