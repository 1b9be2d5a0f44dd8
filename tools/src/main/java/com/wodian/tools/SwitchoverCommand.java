package com.wodian.tools;

import com.wodian.protocol.CommandCatalog;
import com.wodian.protocol.CommandEncoder;
import com.wodian.protocol.sbe.ClusterAction;
import com.wodian.protocol.sbe.ClusterControlReplyDecoder;
import com.wodian.protocol.sbe.MessageHeaderDecoder;
import com.wodian.protocol.sbe.ResultCode;
import com.wodian.tools.GroupCommands.Connection;
import com.wodian.tools.GroupCommands.NodeStatus;
import org.agrona.concurrent.UnsafeBuffer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import static com.wodian.tools.GroupCommands.findPrimary;

/**
 * {@code wodian promote} and {@code wodian demote}, a planned switchover: ask the primary to hand over, then wait
 * until another node leads.
 */
abstract class SwitchoverCommand implements Callable<Integer>
{
    @Mixin
    Connection connection;

    @Option(names = "--wait-ms", defaultValue = "5000", description = "how long to wait for the new primary")
    long waitMs;

    Integer handOver(final ClusterAction action, final int target)
    {
        final NodeStatus primary = findPrimary(connection.queryAll(false));
        if (null == primary)
        {
            System.err.println("no primary found among " + connection.peers);
            return WodianMain.EXIT_UNREACHABLE;
        }
        if (action == ClusterAction.PROMOTE && primary.nodeId() == target)
        {
            System.out.println("node " + target + " is already the primary (term " + primary.term() + ")");
            return WodianMain.EXIT_OK;
        }
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[CommandCatalog.MAX_MESSAGE_LENGTH]);
        final int length = new CommandEncoder().clusterControl(buffer, 0, action, target);
        final byte[] reply = connection.call(primary.address(), buffer, length);
        if (null == reply)
        {
            System.err.println("no answer from the primary at " + primary.address());
            return WodianMain.EXIT_UNREACHABLE;
        }
        final UnsafeBuffer replyBuffer = new UnsafeBuffer(reply);
        final MessageHeaderDecoder header = new MessageHeaderDecoder().wrap(replyBuffer, 0);
        final ClusterControlReplyDecoder decoded = new ClusterControlReplyDecoder().wrap(replyBuffer,
            MessageHeaderDecoder.ENCODED_LENGTH, header.blockLength(), header.version());
        if (decoded.code() != ResultCode.OK)
        {
            System.err.println("refused: " + decoded.code() + " (leader " + decoded.leaderId() + ", term " +
                decoded.term() + ")");
            return WodianMain.EXIT_REFUSED;
        }
        final int newLeader = decoded.leaderId();
        System.out.println("node " + primary.nodeId() + " hands the primary role to node " + newLeader);
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs);
        while (System.nanoTime() - deadlineNs < 0)
        {
            final NodeStatus now = findPrimary(connection.queryAll(false));
            if (null != now && now.term() > primary.term())
            {
                if (now.nodeId() == newLeader)
                {
                    System.out.println("node " + newLeader + " is the primary of term " + now.term());
                    return WodianMain.EXIT_OK;
                }
                // The hand-over ran, but a node's election timeout ran out before the new primary's first heartbeat
                // reached it (seen on starved cores): the role moved on. Said at once, not after --wait-ms.
                System.out.println("node " + now.nodeId() + " is the primary of term " + now.term() + ", not node " +
                    newLeader + ": another election followed the hand-over (see 'wodian status'; ask again if the " +
                    "role must move)");
                return WodianMain.EXIT_REFUSED;
            }
            GroupCommands.sleep(20);
        }
        System.err.println("node " + newLeader + " did not become the primary within " + waitMs + " ms");
        return WodianMain.EXIT_REFUSED;
    }

    @Command(name = "promote", mixinStandardHelpOptions = true,
        description = "Planned switchover: the primary brings node N up to date and hands it the primary role.")
    static final class Promote extends SwitchoverCommand
    {
        @Option(names = "--node", required = true, description = "node id to make primary")
        int nodeId;

        @Override
        public Integer call()
        {
            return handOver(ClusterAction.PROMOTE, nodeId);
        }
    }

    @Command(name = "demote", mixinStandardHelpOptions = true,
        description = "Planned switchover: the primary hands its role to its most up-to-date standby (or --to N).")
    static final class Demote extends SwitchoverCommand
    {
        @Option(names = "--to", defaultValue = "-1", description = "node id to hand over to (default: best standby)")
        int targetId;

        @Override
        public Integer call()
        {
            return handOver(ClusterAction.DEMOTE, targetId);
        }
    }
}
