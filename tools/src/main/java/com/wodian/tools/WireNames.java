package com.wodian.tools;

import com.wodian.protocol.sbe.GroupAckPolicy;
import com.wodian.protocol.sbe.GroupRole;

/**
 * The ClusterStatusReply's role and acknowledgement policy as the operator commands read and print them. A value the
 * schema does not define (a later build's) reads as NULL_VAL and prints as "?", instead of failing the command.
 */
final class WireNames
{
    private static final GroupRole[] ROLES = GroupRole.values();
    private static final GroupAckPolicy[] POLICIES = GroupAckPolicy.values();

    private WireNames()
    {
    }

    static GroupRole role(final short raw)
    {
        for (final GroupRole role : ROLES)
        {
            if (role.value() == raw)
            {
                return role;
            }
        }
        return GroupRole.NULL_VAL;
    }

    static GroupAckPolicy ackPolicy(final short raw)
    {
        for (final GroupAckPolicy policy : POLICIES)
        {
            if (policy.value() == raw)
            {
                return policy;
            }
        }
        return GroupAckPolicy.NULL_VAL;
    }

    /** How {@code wodian status} names a role: the operator's words (primary, standby), not Raft's. */
    static String roleName(final GroupRole role)
    {
        return switch (role)
        {
            case ALONE -> "alone";
            case FOLLOWER -> "standby";
            case CANDIDATE -> "candidate";
            case LEADER -> "PRIMARY";
            default -> "?";
        };
    }

    static String policyName(final GroupAckPolicy policy)
    {
        return switch (policy)
        {
            case LOCAL -> "local";
            case QUORUM -> "quorum";
            case ALL -> "all";
            default -> "?";
        };
    }
}
