package com.wodian.tools;

import com.wodian.journal.consensus.Membership;
import com.wodian.protocol.sbe.GroupRole;
import com.wodian.tools.GroupCommands.Connection;
import com.wodian.tools.GroupCommands.NodeStatus;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

import static com.wodian.tools.GroupCommands.findPrimary;

/** {@code wodian status}: one table of a replica group's nodes, their lag, and what is wrong with them. */
@Command(name = "status", mixinStandardHelpOptions = true,
    description = "Each node of a replica group: role (removed: not a member of the primary's configuration), " +
        "term, journal indexes, lag behind the primary, state hash; "
        + "a node that did not answer shows DOWN and why; nodes at the same applied index with different state " +
        "hashes are named DIVERGED. Status 0 with a primary, 1 without or when DIVERGED, 3 when none answered.")
final class GroupStatusCommand implements Callable<Integer>
{
    @Mixin
    Connection connection;

    @Option(names = "--watch-ms", defaultValue = "0",
        description = "print the table again every N ms (one JVM for a whole run of samples), until --count")
    long watchMs;

    @Option(names = "--count", defaultValue = "1", description = "tables to print with --watch-ms")
    int count;

    @Option(names = "--hash", negatable = true, defaultValue = "true", fallbackValue = "true",
        description = "ask each node for its state hash (default; --no-hash in monitoring loops: computing it " +
            "costs the engine a pass over all its state, tens of ms at a million consumers, on every node)")
    boolean withStateHash;

    @Override
    public Integer call() throws InterruptedException
    {
        int exitCode = printOnce();
        for (int i = 1; i < count && watchMs > 0; i++)
        {
            Thread.sleep(watchMs);
            exitCode = printOnce();
        }
        return exitCode;
    }

    private int printOnce()
    {
        final List<NodeStatus> nodes = connection.queryAll(withStateHash);
        final NodeStatus primary = findPrimary(nodes);
        System.out.printf(Locale.ROOT, "%-22s %4s %-9s %6s %6s %12s %12s %12s %12s %10s %-18s%n",
            "address", "node", "role", "term", "leader", "last", "commit", "applied", "lag", "policy",
            "state hash");
        for (int i = 0; i < nodes.size(); i++)
        {
            final NodeStatus node = nodes.get(i);
            if (null == node)
            {
                System.out.printf(Locale.ROOT, "%-22s %4s %-9s %s%n", connection.peers.get(i), "?", "DOWN",
                    connection.failure(connection.peers.get(i)));
                continue;
            }
            final boolean removed = isRemoved(node, primary);
            final String lag = null == primary || removed ? "-" :
                Long.toString(Math.max(0, primary.lastIndex() - node.appliedIndex())); // asked after the primary
            System.out.printf(Locale.ROOT, "%-22s %4d %-9s %6d %6d %12d %12d %12d %12s %10s %18s%n",
                node.address(), node.nodeId(), removed ? "removed" : WireNames.roleName(node.role()),
                node.term(), node.leaderId(),
                node.lastIndex(), node.commitIndex(), node.appliedIndex(), lag,
                WireNames.policyName(node.ackPolicy()),
                withStateHash ? String.format(Locale.ROOT, "%016x", node.stateHash()) : "-");
            if (node.hasConfiguration())
            {
                System.out.println("    configuration: " + node.configurationLine());
            }
            if (node.truncations() > 0)
            {
                System.out.println("    tails cut off or snapshot installs: " + node.truncations());
            }
            node.peerLines().forEach(System.out::println);
        }
        final String divergence = withStateHash ? divergence(nodes) : null;
        if (null != divergence)
        {
            System.out.println(divergence);
        }
        final String limitsDiffer = GroupLimits.mismatch(nodes, primary);
        if (null != limitsDiffer)
        {
            System.out.println(limitsDiffer);
        }
        System.out.flush();
        if (nodes.stream().allMatch(java.util.Objects::isNull))
        {
            return WodianMain.EXIT_UNREACHABLE; // no node could be asked: not the same as "no primary"
        }
        return null == primary || null != divergence || null != limitsDiffer ? WodianMain.EXIT_REFUSED :
            WodianMain.EXIT_OK;
    }

    /**
     * A node running with its id outside the primary's configuration (removed with {@code group remove} and not
     * stopped): it is sent nothing and counts for nothing, so it is no standby and has no lag (operator review 6).
     */
    static boolean isRemoved(final NodeStatus node, final NodeStatus primary)
    {
        return null != primary && primary.hasConfiguration() && node.role() != GroupRole.ALONE &&
            !Membership.isMember(primary.configuration(), node.nodeId());
    }

    /**
     * Two nodes at the same applied index with different state hashes, said in one line, else null. Each node's
     * hash is taken on its engine thread at the applied index it reports, and the engine is deterministic, so a
     * difference at one index is a diverged ledger (operator review 8), never a race with the traffic.
     */
    static String divergence(final List<NodeStatus> nodes)
    {
        for (int i = 0; i < nodes.size(); i++)
        {
            for (int j = i + 1; j < nodes.size(); j++)
            {
                final NodeStatus a = nodes.get(i);
                final NodeStatus b = nodes.get(j);
                if (null != a && null != b && a.appliedIndex() == b.appliedIndex() && a.appliedIndex() > 0 &&
                    a.stateHash() != b.stateHash())
                {
                    return String.format(Locale.ROOT, "DIVERGED: nodes %d and %d differ at applied index %d " +
                        "(state hash %016x vs %016x): stop the one that differs from the primary and rebuild it " +
                        "(docs/replication.md, \"Rebuilding a standby\")", a.nodeId(), b.nodeId(), a.appliedIndex(),
                        a.stateHash(), b.stateHash());
                }
            }
        }
        return null;
    }
}
