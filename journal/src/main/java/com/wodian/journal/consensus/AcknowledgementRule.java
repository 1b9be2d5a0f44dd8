package com.wodian.journal.consensus;

import java.util.Arrays;

/**
 * The product's acknowledgement rule: up to which journal index a primary may answer its clients, and which standbys
 * count for the {@link AckPolicy#ALL} policy (the acknowledgement set). Pure: it reads the consensus node's indexes
 * and the time it is given, nothing else. The server's replication stage and the group simulation both use this one
 * class, so the simulation checks the rule the product runs.
 *
 * <p>The rule (docs/replication.md, "Acknowledgement policies"):
 * <ul>
 *     <li>a standby, and a primary under {@link AckPolicy#QUORUM}: min(Raft commit index, own durable index);</li>
 *     <li>a primary under {@link AckPolicy#LOCAL}: its own durable index;</li>
 *     <li>a primary under {@link AckPolicy#ALL}: as QUORUM, and no higher than the match index of any standby in
 *     the acknowledgement set.</li>
 * </ul>
 * A standby is in the set while it is at most {@code laggingEntriesMax} entries behind the primary's last index and
 * was heard from within {@code silentMsMax} (only voters of the current configuration count); the set is checked
 * every {@link #SET_CHECK_INTERVAL_MS} and starts
 * full when a node becomes primary.
 */
public final class AcknowledgementRule
{
    /** How often the caller should run {@link #updateSet}: the server does it with its status, every 20 ms. */
    public static final long SET_CHECK_INTERVAL_MS = 20;

    /** Told when a standby leaves or rejoins the acknowledgement set. */
    @FunctionalInterface
    public interface SetChangeListener
    {
        void onSetChange(int peer, boolean inSet, long entriesBehind, long silentMs);
    }

    private final AckPolicy policy;
    private final int nodeId;
    private final long laggingEntriesMax;
    private final long silentMsMax;
    private final boolean[] inSet;

    public AcknowledgementRule(
        final AckPolicy policy,
        final int nodeId,
        final int groupSize,
        final long laggingEntriesMax,
        final long silentMsMax)
    {
        if (laggingEntriesMax <= 0 || silentMsMax <= 0)
        {
            throw new IllegalArgumentException("laggingEntriesMax and silentMsMax must be positive");
        }
        this.policy = policy;
        this.nodeId = nodeId;
        this.laggingEntriesMax = laggingEntriesMax;
        this.silentMsMax = silentMsMax;
        this.inSet = new boolean[groupSize];
        Arrays.fill(inSet, true);
    }

    public AckPolicy policy()
    {
        return policy;
    }

    /**
     * @param durableIndex the last index this node's own journal made durable.
     * @return the highest index whose entry may be applied and answered now.
     */
    public long acknowledgedIndex(final ConsensusNode node, final long durableIndex)
    {
        final long quorum = Math.min(node.commitIndex(), durableIndex);
        if (node.role() != Role.LEADER)
        {
            return quorum;
        }
        switch (policy)
        {
            case LOCAL:
                return durableIndex;

            case ALL:
                long all = quorum;
                for (int peer = 0; peer < inSet.length; peer++)
                {
                    if (peer != nodeId && inSet[peer] && node.isVoter(peer)) // learners and removed nodes never hold it
                    {
                        all = Math.min(all, node.matchIndexOf(peer));
                    }
                }
                return all;

            default:
                return quorum;
        }
    }

    /**
     * A new primary starts with every standby in the set: it has not yet had the chance to hear from them.
     */
    public void onBecameLeader()
    {
        Arrays.fill(inSet, true);
    }

    /**
     * Leader under {@link AckPolicy#ALL} only (otherwise does nothing: the set changes nothing under the other
     * policies, and saying "dropped" there only alarmed operators, ops review 16.6): drops from the set a standby too
     * far behind or silent too long, and takes back one that is within both limits again; tells {@code listener} of
     * each change.
     *
     * @return the number of changes.
     */
    public int updateSet(final ConsensusNode node, final long nowMs, final SetChangeListener listener)
    {
        if (node.role() != Role.LEADER || policy != AckPolicy.ALL)
        {
            return 0;
        }
        int changes = 0;
        final long lastIndex = node.lastIndex();
        for (int peer = 0; peer < inSet.length; peer++)
        {
            if (peer == nodeId || !node.isVoter(peer))
            {
                continue; // only voters are in the set: a learner is made a voter once it has caught up
            }
            final long behind = lastIndex - node.matchIndexOf(peer);
            final long silentMs = nowMs - node.lastHeardFromMs(peer);
            final boolean keep = behind <= laggingEntriesMax && silentMs <= silentMsMax;
            if (keep != inSet[peer])
            {
                inSet[peer] = keep;
                changes++;
                listener.onSetChange(peer, keep, behind, silentMs);
            }
        }
        return changes;
    }

    /**
     * @return whether {@code peer} counts for the ALL policy (always true for this node itself).
     */
    public boolean inSet(final int peer)
    {
        return inSet[peer];
    }
}
