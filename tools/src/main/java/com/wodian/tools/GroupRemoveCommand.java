package com.wodian.tools;

import com.wodian.journal.consensus.Membership;
import com.wodian.protocol.sbe.ClusterAction;
import com.wodian.tools.GroupCommands.NodeStatus;
import picocli.CommandLine.Command;

/** {@code wodian group remove}: done once the committed configuration no longer names the node. */
@Command(name = "remove", mixinStandardHelpOptions = true,
    description = "Remove node N (voter or learner). A removed primary hands over once the removal is committed.")
final class GroupRemoveCommand extends MembershipCommand
{
    @Override
    ClusterAction action()
    {
        return ClusterAction.REMOVE_MEMBER;
    }

    @Override
    boolean done(final NodeStatus primary)
    {
        return primary.configurationCommitted() && !Membership.isMember(primary.configuration(), nodeId);
    }

    @Override
    boolean started(final NodeStatus primary)
    {
        return !Membership.isMember(primary.configuration(), nodeId);
    }

    @Override
    String doneText()
    {
        return "is removed";
    }
}
