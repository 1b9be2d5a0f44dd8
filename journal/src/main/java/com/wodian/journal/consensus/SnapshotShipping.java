package com.wodian.journal.consensus;

/**
 * The leader's side of InstallSnapshot (Raft section 7): which followers need the snapshot instead of entries, and
 * the next chunk for each, read from the {@link SnapshotSource} at the offset the follower last asked for. Stop and
 * wait, one chunk in flight per follower (its state is in {@link FollowerProgress}); the follower counts as probing
 * until it is done, so no entries are streamed to it meanwhile.
 */
final class SnapshotShipping
{
    private final int selfId;
    private final SnapshotSource source;
    private final ReplicaLog log;
    private final MembershipHistory membership;
    private final ConsensusOutbox outbox;
    private final FollowerProgress followers;

    /** @param source null: this node cannot send snapshots (its log must then hold whatever a follower needs). */
    SnapshotShipping(
        final int selfId,
        final SnapshotSource source,
        final ReplicaLog log,
        final MembershipHistory membership,
        final ConsensusOutbox outbox,
        final FollowerProgress followers)
    {
        this.selfId = selfId;
        this.source = source;
        this.log = log;
        this.membership = membership;
        this.outbox = outbox;
        this.followers = followers;
    }

    /**
     * @return whether the follower whose next message would follow {@code prevIndex} is sent the snapshot instead:
     * the log no longer holds the entries it needs, or (while its position is probed) it is further behind the newest
     * snapshot than {@link SnapshotSource#catchUpEntriesMax()}. While the source cannot tell its newest snapshot
     * ({@link SnapshotSource#UNKNOWN}) a probed follower counts as needing one: {@link #sendChunk} then finds none to
     * send and the next heartbeat decides (concurrency review 16: unknown was taken for none).
     */
    boolean needsSnapshot(final int peer, final long prevIndex)
    {
        if (null == source || !followers.probing[peer] || prevIndex < log.startIndex())
        {
            return null != source && prevIndex < log.startIndex();
        }
        final long latestIndex = source.latestIndex();
        return SnapshotSource.UNKNOWN == latestIndex || latestIndex - prevIndex > source.catchUpEntriesMax();
    }

    /**
     * @return whether a follower's request for offset 0 of the snapshot it is being sent answers the chunk that
     * completed it: it received the whole file and refused it (or it lost its copy just then; the source's own
     * check of its file tells the two apart).
     */
    boolean refusedWhole(final int peer, final long nextOffset)
    {
        final long index = followers.snapshotSendingIndex[peer];
        if (null == source || 0 == index || 0 != nextOffset)
        {
            return false;
        }
        final long totalLength = source.length(index);
        return totalLength > 0 && followers.snapshotOffset[peer] + source.chunkBytes() >= totalLength;
    }

    /**
     * The follower refused the whole snapshot: tell the source, which stops offering a damaged file, and start the
     * follower over on the newest snapshot offered.
     */
    void restartRefused(final int peer, final long term, final long nowMs)
    {
        source.refused(followers.snapshotSendingIndex[peer]);
        followers.snapshotSendingIndex[peer] = 0;
        followers.snapshotOffset[peer] = 0;
        sendChunk(peer, term, nowMs);
    }

    /**
     * Sends the follower the chunk of the snapshot at the offset it last asked for, starting the newest snapshot when
     * none is in progress or the one in progress is gone.
     */
    void sendChunk(final int peer, final long term, final long nowMs)
    {
        final long[] sendingIndex = followers.snapshotSendingIndex;
        long index = sendingIndex[peer];
        long totalLength = index >= log.startIndex() && index > 0 ? source.length(index) : -1;
        if (totalLength < 0)
        {
            index = source.latestIndex();
            totalLength = index >= log.startIndex() && index > 0 ? source.length(index) : -1;
            if (totalLength < 0)
            {
                sendingIndex[peer] = 0;
                return; // nothing to send (a snapshot is being replaced): the next heartbeat tries again
            }
            sendingIndex[peer] = index;
            followers.snapshotOffset[peer] = 0;
        }
        followers.probing[peer] = true;
        final long offset = Math.min(followers.snapshotOffset[peer], totalLength);
        final int chunkLength = (int)Math.min(source.chunkBytes(), totalLength - offset);
        outbox.installSnapshot(peer, term, selfId, index, log.termAt(index), membership.at(index), totalLength, offset,
            chunkLength, source);
        followers.lastSentToMs[peer] = nowMs;
    }
}
