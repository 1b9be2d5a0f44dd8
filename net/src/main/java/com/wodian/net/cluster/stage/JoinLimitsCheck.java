package com.wodian.net.cluster.stage;

import com.wodian.net.cluster.ReplicaGroupConfig;
import com.wodian.net.cluster.transport.ReplicationTransport;

/**
 * A node that joined empty ({@code --join}) and may not vote yet, whose engine limits differ from a member's, is the
 * one that is wrong: the group decided everything so far under its own limits. Refused both ways at every hello, it
 * would sit cut off, alive and logging, until someone read the log; it stops instead, naming the limits and the way
 * out (the group's members, whose limits agree, never stop over it).
 * <p>
 * It stops only once its own hello has gone out to every peer (or {@link #HELLOS_WAIT_MS} after its first refusal,
 * for a peer that is down): the primary refuses {@code group add} of this node only if it refused this node's hello
 * itself. Stopped on the first refusal, from another member's hello, the node could be gone before its hello
 * reached the primary, which then took the add of a node that never runs (GroupCommandsTest, 2 of 3 runs at load 18).
 */
final class JoinLimitsCheck
{
    /** How long a refused joiner waits for its hellos to reach the peers it has not reached yet. */
    static final long HELLOS_WAIT_MS = 10_000;

    private final ReplicaGroupConfig group;
    /** Per peer: an outbound connection was up after a flush, so this node's hello went out on it. */
    private final boolean[] helloSent;
    private long firstRefusalMs = Long.MIN_VALUE;

    JoinLimitsCheck(final ReplicaGroupConfig group)
    {
        this.group = group;
        this.helloSent = new boolean[group.groupSize()];
    }

    /**
     * Notes the peers whose outbound connection is up. Called after the transport's flush: the hello is the first
     * frame of a connection, queued when it connects, so a connection up after a flush has sent it.
     */
    void afterFlush(final ReplicationTransport transport)
    {
        for (int peer = 0; peer < helloSent.length; peer++)
        {
            if (peer != group.nodeId() && group.hasAddress(peer) && transport.isConnected(peer))
            {
                helloSent[peer] = true;
            }
        }
    }

    /**
     * @return why this joining node must stop now, or null when no peer's hello was refused for its engine limits,
     * or while its own hello has not yet reached every peer (for at most {@link #HELLOS_WAIT_MS}).
     */
    String refusal(final ReplicationTransport transport, final long nowMs)
    {
        String refused = null;
        boolean everyHelloSent = true;
        for (int peer = 0; peer < helloSent.length; peer++)
        {
            if (peer == group.nodeId() || !group.hasAddress(peer))
            {
                continue;
            }
            everyHelloSent &= helloSent[peer];
            if (null == refused)
            {
                refused = transport.engineLimitsRefusal(peer);
            }
        }
        if (null == refused)
        {
            return null;
        }
        if (Long.MIN_VALUE == firstRefusalMs)
        {
            firstRefusalMs = nowMs;
        }
        if (!everyHelloSent && nowMs - firstRefusalMs < HELLOS_WAIT_MS)
        {
            return null;
        }
        return "this node was started with --join and may not vote yet, and its engine limits are not the " +
            "group's (" + refused + "): it cannot join. Wipe its data directory (all but credentials and " +
            "iso-keys) and start it again with --join and the group's --limits/--keys-max " +
            "(docs/replication.md, \"One set of engine limits per group\")";
    }
}
