package com.wodian.net.client;

import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Which node a {@link WodianClient} is on and which one it dials next after a lost connection (docs/protocol.md,
 * failover): the node a NOT_PRIMARY reply named as primary, else the next node of the configured list, with a short
 * back-off while every node says it is not the primary (the group is electing one).
 *
 * <p>Moved only by the receiver thread (the initial node by the connecting thread, before the receiver starts);
 * {@link #current()} may be read by any thread.
 */
final class NodeCursor
{
    private static final long NOT_PRIMARY_BACKOFF_MAX_MS = 50;

    private final List<InetSocketAddress> nodes;
    private int nodeIndex;
    /** NOT_PRIMARY answers in a row, for the back-off while a group elects its primary. */
    private int notPrimaryStreak;
    /** A primary named by a leader hint that is not one of the configured nodes, to dial once next; else null. */
    private InetSocketAddress hintedNode;
    /** The hinted node connected to, else null (then the node is the configured one at nodeIndex). */
    private volatile InetSocketAddress connectedHintedNode;

    NodeCursor(final List<InetSocketAddress> nodes)
    {
        this.nodes = nodes;
    }

    int nodeCount()
    {
        return nodes.size();
    }

    /** The configured node at index, for the first connection. */
    InetSocketAddress node(final int index)
    {
        return nodes.get(index);
    }

    /** The first connection was made to the configured node at index. */
    void connectedTo(final int index)
    {
        nodeIndex = index;
    }

    /** The node currently (or last) connected to. */
    InetSocketAddress current()
    {
        final InetSocketAddress hinted = connectedHintedNode;
        return null != hinted ? hinted : nodes.get(nodeIndex);
    }

    /** {@link #current()} as {@code host:port}, for messages. */
    String currentName()
    {
        final InetSocketAddress node = current();
        return node.getHostString() + ':' + node.getPort();
    }

    /** A reply was taken as an answer: the node is the primary, the NOT_PRIMARY streak ends. */
    void onAnswered()
    {
        notPrimaryStreak = 0;
    }

    /**
     * The connection was lost: after a NOT_PRIMARY reply with a leader hint the hinted node is dialled first; after
     * one without, the next node, and once every node has said so in a row, the caller's thread backs off a little
     * (at most {@value #NOT_PRIMARY_BACKOFF_MAX_MS} ms).
     */
    void onLost(final Exception cause)
    {
        hintedNode = null;
        if (cause instanceof NotPrimaryException notPrimary && null != notPrimary.leader)
        {
            // The node named the primary: go straight there (one of our nodes, or an address we were not given).
            final int index = nodes.indexOf(notPrimary.leader);
            if (index >= 0)
            {
                nodeIndex = index;
            }
            else
            {
                hintedNode = notPrimary.leader;
            }
            notPrimaryStreak = 0;
        }
        else if (cause instanceof NotPrimaryException)
        {
            // Move on to the next node; while the group elects a primary every node says so: back off a little.
            nodeIndex = (nodeIndex + 1) % nodes.size();
            notPrimaryStreak++;
            if (notPrimaryStreak >= nodes.size())
            {
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(
                    Math.min(NOT_PRIMARY_BACKOFF_MAX_MS, 5L * (notPrimaryStreak - nodes.size() + 1))));
            }
        }
    }

    /** The node to dial now: the hinted one (a fresh, resolved address), else the configured one at the cursor. */
    InetSocketAddress next()
    {
        return null != hintedNode ? new InetSocketAddress(hintedNode.getHostString(), hintedNode.getPort()) :
            nodes.get(nodeIndex);
    }

    /** The node of {@link #next()} was connected to. */
    void connected(final InetSocketAddress node)
    {
        connectedHintedNode = null != hintedNode ? node : null;
    }

    /**
     * The node of {@link #next()} could not be reached: move on. A hinted node is tried once, then the configured
     * nodes as before; returns false then (that try does not count as one of the configured nodes').
     */
    boolean advance()
    {
        if (null != hintedNode)
        {
            hintedNode = null;
            return false;
        }
        nodeIndex = (nodeIndex + 1) % nodes.size();
        return true;
    }
}
