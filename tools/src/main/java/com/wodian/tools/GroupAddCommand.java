package com.wodian.tools;

import com.wodian.journal.consensus.Membership;
import com.wodian.protocol.sbe.ClusterAction;
import com.wodian.tools.GroupCommands.NodeStatus;
import picocli.CommandLine.Command;

import java.util.List;
import java.util.concurrent.TimeUnit;

/** {@code wodian group add}: a learner first, a voter once caught up, then a check that the new voter may vote. */
@Command(name = "add", mixinStandardHelpOptions = true,
    description = "Add node N: it joins as a learner (sent the journal, or a snapshot and the journal's tail " +
        "when it lacks more than 10 M entries) and becomes a voter once caught up. Start it first with an empty " +
        "data directory and --join.")
final class GroupAddCommand extends MembershipCommand
{
    /** How long an added voter's own status may take to show that it may vote (its view is published often). */
    static final long VOTE_CHECK_MS = 10_000;

    @Override
    ClusterAction action()
    {
        return ClusterAction.ADD_MEMBER;
    }

    @Override
    boolean done(final NodeStatus primary)
    {
        return primary.configurationCommitted() && Membership.isVoter(primary.configuration(), nodeId);
    }

    @Override
    boolean started(final NodeStatus primary)
    {
        return Membership.isMember(primary.configuration(), nodeId);
    }

    @Override
    String doneText()
    {
        return "is a voter";
    }

    /** A node deciding under other engine limits than the primary's would be another ledger: never added. */
    @Override
    String refusal(final List<NodeStatus> nodes, final NodeStatus primary)
    {
        final NodeStatus node = nodeOf(nodes, nodeId);
        return null == node ? null : GroupLimits.refusal(node, primary);
    }

    /**
     * A voter in the primary's configuration may still be one that must not vote: a node that joined empty while
     * its id was still a voter (wiped without {@code group remove}), or whose learner entry it never got, keeps
     * its join floor and never votes (docs/operations.md section 10); the group then counts a voter that cannot
     * vote. Asks the node itself (bounded: its flag follows its log) and names the way out.
     */
    @Override
    int afterDone(final long deadlineNs)
    {
        final long checkUntilNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(VOTE_CHECK_MS);
        NodeStatus node = null;
        do
        {
            node = nodeOf(connection.queryAll(false), nodeId);
            if (null != node && (node.mayVote() || !node.hasConfiguration()))
            {
                return WodianMain.EXIT_OK;
            }
            GroupCommands.sleep(200);
        }
        while (System.nanoTime() - checkUntilNs < 0);
        if (null == node)
        {
            System.out.println("note: node " + nodeId + " did not answer at any address of --peers: whether it " +
                "may vote is not known (wodian status shows it)");
            return WodianMain.EXIT_OK;
        }
        System.err.println("node " + nodeId + " is a voter of the configuration but MAY NOT VOTE (it joined " +
            "empty while still a voter, or missed its learner entry): the group counts a voter that cannot " +
            "vote. Run: wodian group remove --peers " + String.join(",", connection.peers) + " --node " +
            nodeId + ", then this group add again");
        return WodianMain.EXIT_REFUSED;
    }

    private static NodeStatus nodeOf(final List<NodeStatus> nodes, final int id)
    {
        for (final NodeStatus node : nodes)
        {
            if (null != node && node.nodeId() == id)
            {
                return node;
            }
        }
        return null;
    }

    /**
     * The added node stays a learner: configured, replicated to for ever, and holding back {@code journal prune}
     * (which needs every node's applied index) until it catches up or is removed. Says what the primary sees of
     * it and both ways out (ops review item 18).
     */
    @Override
    String timedOut(final NodeStatus primary)
    {
        final String seen = null == primary ? "" : primary.peerLines().stream()
            .filter(line -> line.trim().startsWith("peer " + nodeId + ":")).map(String::trim).findFirst()
            .map(line -> " (the primary's view: " + line + ")").orElse("");
        return "node " + nodeId + " is not a voter after " + waitMs + " ms: it is a learner the primary keeps " +
            "replicating to" + seen + ", and journal prune removes nothing while it is configured and behind. " +
            "Start it (an empty data directory and --join) and run this again, or undo the add with: wodian " +
            "group remove --peers " + String.join(",", connection.peers) + " --node " + nodeId;
    }
}
