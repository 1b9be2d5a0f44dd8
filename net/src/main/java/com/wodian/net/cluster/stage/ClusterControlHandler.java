package com.wodian.net.cluster.stage;

import com.wodian.journal.consensus.ConsensusNode;
import com.wodian.journal.consensus.Membership;
import com.wodian.journal.consensus.MembershipChange;
import com.wodian.journal.consensus.Role;
import com.wodian.net.cluster.ReplicaGroupConfig;
import com.wodian.net.cluster.transport.ReplicationTransport;
import com.wodian.protocol.sbe.ClusterAction;
import com.wodian.protocol.sbe.ClusterControlDecoder;
import com.wodian.protocol.sbe.ClusterControlReplyEncoder;
import com.wodian.protocol.sbe.MessageHeaderDecoder;
import com.wodian.protocol.sbe.MessageHeaderEncoder;
import com.wodian.protocol.sbe.ResultCode;
import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * The operator's ClusterControl requests (protocol.md): PROMOTE a node / DEMOTE the primary (a leadership
 * transfer to the named or best standby), ADD_MEMBER / REMOVE_MEMBER (one server at a time; answered at once, the
 * change commits after). Decodes the request, asks the consensus node and encodes the ClusterControlReply; runs on
 * the replication stage's thread. Also logs the configuration in effect whenever it changed.
 */
final class ClusterControlHandler
{
    private static final ClusterAction[] ACTIONS = ClusterAction.values();

    private final ReplicaGroupConfig group;
    private final ConsensusNode node;
    private final ReplicationTransport transport;
    private final System.Logger logger;
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final ClusterControlDecoder controlDecoder = new ClusterControlDecoder();
    private final ClusterControlReplyEncoder controlReplyEncoder = new ClusterControlReplyEncoder();
    private long loggedConfiguration = Membership.NONE;
    private boolean loggedKnown;

    ClusterControlHandler(
        final ReplicaGroupConfig group,
        final ConsensusNode node,
        final ReplicationTransport transport,
        final System.Logger logger)
    {
        this.group = group;
        this.node = node;
        this.transport = transport;
        this.logger = logger;
    }

    /**
     * @param request the ClusterControl message, its SBE header at 0.
     * @return the length of the ClusterControlReply encoded at 0 of {@code reply}.
     */
    int onClusterControl(final DirectBuffer request, final int blockLength, final int version,
        final MutableDirectBuffer reply, final long nowMs)
    {
        controlDecoder.wrap(request, MessageHeaderDecoder.ENCODED_LENGTH, blockLength, version);
        final ClusterAction action = action(controlDecoder.actionRaw());
        int target = controlDecoder.targetNodeId();
        if (action == ClusterAction.ADD_MEMBER || action == ClusterAction.REMOVE_MEMBER)
        {
            return onMembershipChange(action, target, reply, nowMs);
        }
        if (action == ClusterAction.DEMOTE && target < 0)
        {
            target = bestStandby();
        }
        ResultCode code = ResultCode.TRANSFER_REFUSED;
        if ((action == ClusterAction.PROMOTE || action == ClusterAction.DEMOTE) && node.role() == Role.LEADER &&
            target >= 0 && node.transferLeadership(target, nowMs))
        {
            code = ResultCode.OK;
            logger.log(System.Logger.Level.INFO, "handing leadership of term {0,number,#} to node {1}",
                node.currentTerm(), target);
        }
        return encodeReply(reply, code, code == ResultCode.OK ? target : node.leaderId());
    }

    /** The action a raw byte names; NULL_VAL for one the schema does not define (answered TRANSFER_REFUSED). */
    private static ClusterAction action(final short raw)
    {
        for (final ClusterAction action : ACTIONS)
        {
            if (action.value() == raw)
            {
                return action;
            }
        }
        return ClusterAction.NULL_VAL;
    }

    /** Logs the configuration in effect whenever it changed (an entry appended, cut off, or installed). */
    void logConfiguration()
    {
        final long configuration = node.configuration();
        final boolean known = node.mayVote() || node.configurationFromLog();
        if (configuration != loggedConfiguration || known != loggedKnown)
        {
            loggedConfiguration = configuration;
            loggedKnown = known;
            logger.log(System.Logger.Level.INFO,
                configurationLine(group.nodeId(), configuration, node.mayVote(), known));
        }
    }

    /**
     * The configuration line of the log. A node that joined empty has only the bootstrap from its own {@code --peers}
     * until the primary's log reaches it: that is no configuration of the group, so it is not named as one (operator
     * review 2, C10: a joiner said "configuration voters 0,1,2,3" in a group of voters 0,1,3).
     *
     * @param known whether the configuration is the group's: the node may vote, or it came from the log.
     */
    static String configurationLine(
        final int nodeId, final long configuration, final boolean mayVote, final boolean known)
    {
        if (!known)
        {
            return "node " + nodeId + ": joining (may not vote until added): the group's configuration will follow " +
                "from the primary";
        }
        return "node " + nodeId + ": configuration " + Membership.describe(configuration) +
            (mayVote ? "" : " (joining: may not vote until added)");
    }

    /** {@code wodian group add|remove}: one server at a time, answered at once (the change commits after). */
    private int onMembershipChange(final ClusterAction action, final int target, final MutableDirectBuffer reply,
        final long nowMs)
    {
        if (action == ClusterAction.ADD_MEMBER && !group.hasAddress(target))
        {
            // An id --peers gives no address (a gap, or beyond its ids) could never be reached: a learner for ever.
            return encodeReply(reply, ResultCode.MEMBERSHIP_REFUSED, node.leaderId());
        }
        final String limitsRefusal =
            action == ClusterAction.ADD_MEMBER ? transport.engineLimitsRefusal(target) : null;
        if (null != limitsRefusal)
        {
            // Its links are refused already, so it could never catch up: a learner for ever, or another ledger.
            logger.log(System.Logger.Level.ERROR, "group add of node {0} refused: {1}", target, limitsRefusal);
            return encodeReply(reply, ResultCode.MEMBERSHIP_REFUSED, node.leaderId());
        }
        final MembershipChange change = action == ClusterAction.ADD_MEMBER ?
            node.addMember(target, nowMs) : node.removeMember(target, nowMs);
        final ResultCode code = switch (change)
        {
            case STARTED -> ResultCode.OK;
            case IN_PROGRESS -> ResultCode.MEMBERSHIP_CHANGE_PENDING;
            case UNCHANGED -> ResultCode.MEMBERSHIP_UNCHANGED;
            case NOT_LEADER -> ResultCode.NOT_PRIMARY;
            default -> ResultCode.MEMBERSHIP_REFUSED;
        };
        if (change == MembershipChange.STARTED)
        {
            logConfiguration();
        }
        return encodeReply(reply, code, node.leaderId());
    }

    private int encodeReply(final MutableDirectBuffer reply, final ResultCode code, final int leaderId)
    {
        controlReplyEncoder.wrapAndApplyHeader(reply, 0, headerEncoder)
            .code(code)
            .leaderId(leaderId)
            .term(node.currentTerm());
        return MessageHeaderEncoder.ENCODED_LENGTH + controlReplyEncoder.encodedLength();
    }

    /** The connected voter with the most of the log, -1 when none: where a demoted primary hands over. */
    private int bestStandby()
    {
        int best = -1;
        long bestMatch = -1;
        for (int peer = 0; peer < group.groupSize(); peer++)
        {
            if (peer != group.nodeId() && node.isVoter(peer) && transport.isConnected(peer) &&
                node.matchIndexOf(peer) > bestMatch)
            {
                best = peer;
                bestMatch = node.matchIndexOf(peer);
            }
        }
        return best;
    }
}
