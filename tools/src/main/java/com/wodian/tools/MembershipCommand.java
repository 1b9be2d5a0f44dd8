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
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

import static com.wodian.tools.GroupCommands.findPrimary;

/**
 * {@code wodian group add} and {@code wodian group remove}: ask the primary for the membership change, then wait
 * until it is committed.
 */
abstract class MembershipCommand implements Callable<Integer>
{
    @Mixin
    Connection connection;

    @Option(names = "--node", required = true, description = "the node id (its entry in every node's --peers)")
    int nodeId;

    @Option(names = "--wait-ms", defaultValue = "120000",
        description = "how long to wait for the change to be committed (an added node must first catch up: " +
            "a snapshot and the journal's tail); 0: return once the primary started it")
    long waitMs;

    abstract ClusterAction action();

    /** @return whether the primary's view shows the change done (and committed). */
    abstract boolean done(NodeStatus primary);

    /** @return whether the primary's configuration shows the change at least started (committed or not). */
    abstract boolean started(NodeStatus primary);

    abstract String doneText();

    /**
     * Why the change must not be asked for, seen in the nodes' status before asking the primary; null: ask.
     */
    String refusal(final List<NodeStatus> nodes, final NodeStatus primary)
    {
        return null;
    }

    /** Once the primary shows the change done: a last check; @return the command's exit status. */
    int afterDone(final long deadlineNs)
    {
        return WodianMain.EXIT_OK;
    }

    /**
     * What to say when the change is not done in time.
     *
     * @param primary the last primary seen, or null.
     */
    String timedOut(final NodeStatus primary)
    {
        return "node " + nodeId + " " + doneText().replace("is ", "is not ") + " after " + waitMs + " ms (see " +
            "wodian status)";
    }

    @Override
    public Integer call()
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(waitMs, 2_000));
        NodeStatus primary = findPrimary(connection.queryAll(false));
        ResultCode code = null;
        while (System.nanoTime() - deadlineNs < 0)
        {
            final List<NodeStatus> nodes = connection.queryAll(false);
            primary = findPrimary(nodes);
            if (null != primary && primary.hasConfiguration() && done(primary))
            {
                System.out.println("node " + nodeId + " " + doneText() + ": " + primary.configurationLine());
                return afterDone(deadlineNs);
            }
            final String refusal = null == primary ? null : refusal(nodes, primary);
            if (null != refusal)
            {
                System.err.println("refused: " + refusal);
                return WodianMain.EXIT_REFUSED;
            }
            code = null == primary ? null : request(primary);
            if (code == ResultCode.OK || code == ResultCode.MEMBERSHIP_UNCHANGED)
            {
                break;
            }
            if (code == ResultCode.MEMBERSHIP_REFUSED)
            {
                System.err.println("refused: node " + nodeId + " is not in the group's --peers list, the " +
                    "change would leave no voter, or the node decides under other engine limits (the primary's " +
                    "log names them)");
                return WodianMain.EXIT_REFUSED;
            }
            GroupCommands.sleep(100); // no primary yet, or the previous change is not committed yet
        }
        if (code != ResultCode.OK && code != ResultCode.MEMBERSHIP_UNCHANGED)
        {
            System.err.println(null == primary ? "no primary found among " + connection.peers :
                "the primary did not take the change: " + code);
            return null == primary ? WodianMain.EXIT_UNREACHABLE : WodianMain.EXIT_REFUSED;
        }
        System.out.println("node " + primary.nodeId() + " (primary, term " + primary.term() + ") took the change");
        return waitUntilDone(deadlineNs, primary.term());
    }

    /**
     * Waits until the primary shows the change committed. A primary that took the change and lost its leadership
     * before the entry was committed may take it with it: a primary of a later term whose committed configuration
     * does not even show the change started is asked again (asking is idempotent: OK, or UNCHANGED once done).
     */
    private Integer waitUntilDone(final long deadlineNs, final long tookInTerm)
    {
        if (waitMs <= 0)
        {
            return WodianMain.EXIT_OK;
        }
        long askedInTerm = tookInTerm;
        NodeStatus lastPrimary = null;
        while (System.nanoTime() - deadlineNs < 0)
        {
            final NodeStatus primary = findPrimary(connection.queryAll(false));
            lastPrimary = null == primary ? lastPrimary : primary;
            if (null != primary && primary.hasConfiguration() && done(primary))
            {
                System.out.println("node " + nodeId + " " + doneText() + ": " + primary.configurationLine());
                return afterDone(deadlineNs);
            }
            if (null != primary && primary.hasConfiguration() && primary.term() != askedInTerm &&
                primary.configurationCommitted() && !started(primary))
            {
                final ResultCode code = request(primary);
                if (code == ResultCode.OK || code == ResultCode.MEMBERSHIP_UNCHANGED)
                {
                    System.out.println("node " + primary.nodeId() + " (primary, term " + primary.term() +
                        ") took the change again: the primary that took it lost its leadership first");
                    askedInTerm = primary.term();
                }
            }
            GroupCommands.sleep(100);
        }
        System.err.println(timedOut(lastPrimary));
        return WodianMain.EXIT_REFUSED;
    }

    private ResultCode request(final NodeStatus primary)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[CommandCatalog.MAX_MESSAGE_LENGTH]);
        final int length = new CommandEncoder().clusterControl(buffer, 0, action(), nodeId);
        final byte[] reply = connection.call(primary.address(), buffer, length);
        if (null == reply)
        {
            return null;
        }
        final UnsafeBuffer replyBuffer = new UnsafeBuffer(reply);
        final MessageHeaderDecoder header = new MessageHeaderDecoder().wrap(replyBuffer, 0);
        if (header.templateId() != ClusterControlReplyDecoder.TEMPLATE_ID)
        {
            return null;
        }
        return new ClusterControlReplyDecoder().wrap(replyBuffer, MessageHeaderDecoder.ENCODED_LENGTH,
            header.blockLength(), header.version()).code();
    }
}
