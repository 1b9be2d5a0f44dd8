package com.wodian.journal.consensus;

/**
 * Turns the opaque {@code payload} handle that {@link ConsensusNode} passes to {@link ReplicaLog#append(long, long)}
 * into the entry's bytes. The handle means whatever the caller that produced it says: a slot of the input ring on
 * the leader, an offset into the received AppendEntries frame on a follower.
 */
@FunctionalInterface
public interface EntryPayloads
{
    /**
     * Fill {@code into} with the content of the entry behind {@code payload}.
     */
    void resolve(long payload, EntryView into);
}
