package com.wodian.net.cluster.stage;

import com.wodian.net.cluster.ReplicaGroupConfig;
import com.wodian.net.cluster.transport.ReplicationTransport;

/**
 * A node that joined empty ({@code --join}) and may not vote yet, whose engine limits differ from a member's, is the
 * one that is wrong: the group decided everything so far under its own limits. Refused both ways at every hello, it
 * would sit cut off, alive and logging, until someone read the log; it stops instead, naming the limits and the way
 * out (the group's members, whose limits agree, never stop over it).
 */
final class JoinLimitsCheck
{
    private JoinLimitsCheck()
    {
    }

    /**
     * @return why this joining node must stop, or null when no peer's hello was refused for its engine limits.
     */
    static String refusal(final ReplicaGroupConfig group, final ReplicationTransport transport)
    {
        for (int peer = 0; peer < group.groupSize(); peer++)
        {
            if (peer == group.nodeId() || !group.hasAddress(peer))
            {
                continue;
            }
            final String refused = transport.engineLimitsRefusal(peer);
            if (null != refused)
            {
                return "this node was started with --join and may not vote yet, and its engine limits are not the " +
                    "group's (" + refused + "): it cannot join. Wipe its data directory (all but credentials and " +
                    "iso-keys) and start it again with --join and the group's --limits/--keys-max " +
                    "(docs/replication.md, \"One set of engine limits per group\")";
            }
        }
        return null;
    }
}
