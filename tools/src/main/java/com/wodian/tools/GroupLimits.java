package com.wodian.tools;

import com.wodian.net.durability.EngineLimits;

import java.util.List;
import java.util.Locale;

/**
 * One set of engine limits per group, as {@code wodian status} and {@code group add} see it: each node's status names
 * the digest of the limits it decides under and the limits themselves (schema 9). A node whose digest differs from
 * the primary's decides differently (a merchant one node refuses for a full table, another registers) and is never to
 * be added; the nodes refuse its links too (docs/replication.md, "One set of engine limits per group"). A node that
 * names no digest (an older build) is not compared.
 */
final class GroupLimits
{
    private GroupLimits()
    {
    }

    /**
     * @return why {@code node} must not join the group of {@code primary}, naming the limits that differ; null when
     * they are the same or either does not name them.
     */
    static String refusal(final GroupCommands.NodeStatus node, final GroupCommands.NodeStatus primary)
    {
        if (!differ(node, primary))
        {
            return null;
        }
        return "node " + node.nodeId() + " decides under other engine limits than the group's (primary node " +
            primary.nodeId() + "): " + differences(primary, node) + ". Stop it, wipe its data directory and start it " +
            "with --join and the group's --limits/--keys-max, then run this again (docs/replication.md, \"One set " +
            "of engine limits per group\")";
    }

    /**
     * @return one line naming every node whose limits differ from the primary's (from the first node's when none
     * leads), else null.
     */
    static String mismatch(final List<GroupCommands.NodeStatus> nodes, final GroupCommands.NodeStatus primary)
    {
        GroupCommands.NodeStatus reference = primary;
        for (int i = 0; null == reference && i < nodes.size(); i++)
        {
            reference = nodes.get(i);
        }
        final StringBuilder line = new StringBuilder();
        for (final GroupCommands.NodeStatus node : nodes)
        {
            if (null != node && null != reference && differ(node, reference))
            {
                line.append(line.length() == 0 ? "ENGINE LIMITS DIFFER: " : "; ").append(differences(reference, node));
            }
        }
        return line.length() == 0 ? null : line + ": a member deciding under other limits is another ledger; " +
            "rebuild the one that differs with the group's limits (docs/replication.md, \"One set of engine limits " +
            "per group\")";
    }

    private static boolean differ(final GroupCommands.NodeStatus a, final GroupCommands.NodeStatus b)
    {
        return 0 != a.engineLimitsDigest() && 0 != b.engineLimitsDigest() &&
            a.engineLimitsDigest() != b.engineLimitsDigest();
    }

    /** {@code merchantsMax 1000 (node 0) / 2000 (node 3)}, or both digests when the nodes name no limits apart. */
    static String differences(final GroupCommands.NodeStatus ours, final GroupCommands.NodeStatus theirs)
    {
        final String named = EngineLimits.differences(EngineLimits.named(values(ours)), "node " + ours.nodeId(),
            EngineLimits.named(values(theirs)), "node " + theirs.nodeId());
        return named.isEmpty() || ours.engineLimits().size() != theirs.engineLimits().size() ?
            String.format(Locale.ROOT, "engine limits digest %016x (node %d) / %016x (node %d)%s",
                ours.engineLimitsDigest(), ours.nodeId(), theirs.engineLimitsDigest(), theirs.nodeId(),
                named.isEmpty() ? "" : ": " + named) : named;
    }

    private static long[] values(final GroupCommands.NodeStatus node)
    {
        return node.engineLimits().stream().mapToLong(Long::longValue).toArray();
    }
}
