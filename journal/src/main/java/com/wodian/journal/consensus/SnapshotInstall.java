package com.wodian.journal.consensus;

import org.agrona.DirectBuffer;

/**
 * The follower's side of InstallSnapshot (Raft section 7), the counterpart of {@link SnapshotShipping}: each chunk
 * goes to the {@link SnapshotSink}; once the snapshot is whole and verified, the configuration, the log and the
 * commit index restart after it and the state machine is replaced. A follower whose log already reaches the snapshot
 * (committed, or holding the entry at its index with its term: Raft's "retain the entries following it") answers done
 * without taking it.
 *
 * <p>Called by {@link ConsensusNode} for a message of its current term's leader, once it follows that leader.
 */
final class SnapshotInstall
{
    private final int selfId;
    private final ReplicaLog log;
    private final ConsensusOutbox outbox;
    private final MembershipHistory membership;
    private final CommitTracker commits;
    /** Null: this node cannot install snapshots. */
    private final SnapshotSink sink;

    SnapshotInstall(final NodeContext context, final CommitTracker commits, final SnapshotSink sink)
    {
        this.selfId = context.selfId();
        this.log = context.log();
        this.outbox = context.outbox();
        this.membership = context.membership();
        this.commits = commits;
        this.sink = sink;
    }

    /**
     * A chunk of the leader's snapshot at {@code snapshotIndex}, its bytes read from {@code data} during this call;
     * answered with the offset wanted next, or done (also when the snapshot is not needed). Stop and wait: the leader
     * sends the next chunk on the answer.
     */
    void onChunk(
        final int leaderId,
        final long term,
        final long snapshotIndex,
        final long snapshotTerm,
        final long configuration,
        final long totalLength,
        final long offset,
        final DirectBuffer data,
        final int dataOffset,
        final int dataLength)
    {
        if (snapshotIndex <= commits.commitIndex() ||
            (snapshotIndex <= log.lastIndex() && log.termAt(snapshotIndex) == snapshotTerm))
        {
            outbox.installSnapshotReply(leaderId, term, selfId, snapshotIndex, totalLength, true);
            return;
        }
        if (null == sink)
        {
            return; // cannot install: the leader keeps trying, and the operator sees a standby that stays behind
        }
        final long nextOffset = sink.receive(snapshotIndex, snapshotTerm, totalLength, offset, data, dataOffset,
            dataLength);
        if (nextOffset < totalLength)
        {
            outbox.installSnapshotReply(leaderId, term, selfId, snapshotIndex, nextOffset, false);
            return;
        }
        if (!sink.complete(snapshotIndex, snapshotTerm))
        {
            outbox.installSnapshotReply(leaderId, term, selfId, snapshotIndex, 0, false);
            return;
        }
        // The configuration first: a crash before the log is reset leaves a pair past the log's end, dropped on open.
        membership.resetTo(snapshotIndex,
            configuration == Membership.NONE ? membership.at(snapshotIndex) : configuration);
        log.resetToSnapshot(snapshotIndex, snapshotTerm);
        commits.resetTo(snapshotIndex);
        sink.installed(snapshotIndex, snapshotTerm);
        outbox.installSnapshotReply(leaderId, term, selfId, snapshotIndex, totalLength, true);
    }
}
