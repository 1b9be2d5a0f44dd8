package com.wodian.journal.consensus;

/**
 * What a request to change the membership ({@link ConsensusNode#addMember}, {@link ConsensusNode#removeMember}) came
 * to.
 */
public enum MembershipChange
{
    /** The configuration entry is appended: in effect now, done once committed. */
    STARTED,
    /** Not the leader (or a leadership transfer is pending): ask the leader. */
    NOT_LEADER,
    /** The previous change is not committed yet, or no entry of the leader's term is: try again shortly. */
    IN_PROGRESS,
    /** Nothing to do: the node is already a member (add) or not one (remove). */
    UNCHANGED,
    /** Not a node id of this group, or the change would leave no voter. */
    INVALID
}
