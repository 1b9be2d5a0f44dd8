package com.wodian.net.cluster.stage;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

import com.wodian.net.cluster.ReplicaGroupConfig;
import com.wodian.protocol.ErrorReplies;
import com.wodian.protocol.sbe.ErrorReplyEncoder;
import com.wodian.protocol.sbe.MessageHeaderEncoder;
import com.wodian.protocol.sbe.ResultCode;
import org.agrona.MutableDirectBuffer;

/**
 * The ErrorReplies a group node makes itself: NOT_PRIMARY with the leader hint (the primary's node id and, with
 * {@code --client-peers}, its client address, so a client goes straight there), and plain error codes. Allocation
 * free: the hint's host names are encoded once.
 */
final class NotPrimaryReplies
{
    private final int selfId;
    /** Per node id, the client address from --client-peers (null entries: unknown). */
    private final byte[][] clientHostsAscii;
    private final int[] clientPorts;
    private final MessageHeaderEncoder headerEncoder = new MessageHeaderEncoder();
    private final ErrorReplyEncoder errorReplyEncoder = new ErrorReplyEncoder();

    NotPrimaryReplies(final ReplicaGroupConfig group)
    {
        this.selfId = group.nodeId();
        this.clientHostsAscii = clientHosts(group);
        this.clientPorts = clientPorts(group);
    }

    /** @return the length of the ErrorReply encoded at 0 of {@code reply}. */
    int errorReply(final MutableDirectBuffer reply, final ResultCode code, final int templateId)
    {
        return ErrorReplies.encode(errorReplyEncoder, headerEncoder, reply, 0, code, templateId);
    }

    /** @return the length of the NOT_PRIMARY reply (hint: {@code leaderId}, when known) encoded at 0. */
    int notPrimaryReply(final MutableDirectBuffer reply, final int templateId, final int leaderId)
    {
        final boolean known = leaderId >= 0 && leaderId < clientHostsAscii.length && leaderId != selfId;
        return ErrorReplies.encodeWithLeader(errorReplyEncoder, headerEncoder, reply, 0, ResultCode.NOT_PRIMARY,
            templateId, known ? leaderId : ErrorReplies.NO_LEADER, known ? clientHostsAscii[leaderId] : null,
            known ? clientPorts[leaderId] : 0);
    }

    private static byte[][] clientHosts(final ReplicaGroupConfig group)
    {
        final byte[][] hosts = new byte[group.groupSize()][];
        for (int i = 0; null != group.clientAddresses() && i < hosts.length; i++)
        {
            final InetSocketAddress address = group.clientAddresses()[i];
            hosts[i] = null == address ? null : address.getHostString().getBytes(StandardCharsets.US_ASCII);
        }
        return hosts;
    }

    private static int[] clientPorts(final ReplicaGroupConfig group)
    {
        final int[] ports = new int[group.groupSize()];
        for (int i = 0; null != group.clientAddresses() && i < ports.length; i++)
        {
            ports[i] = null == group.clientAddresses()[i] ? 0 : group.clientAddresses()[i].getPort();
        }
        return ports;
    }
}
