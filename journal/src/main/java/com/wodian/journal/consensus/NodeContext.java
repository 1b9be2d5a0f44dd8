package com.wodian.journal.consensus;

/**
 * What every part of one {@link ConsensusNode} shares: who the node is, the size of its address book, its settings,
 * and the durable state and outbox it acts on. Built once by the node and handed to the constructor of each of its
 * parts ({@link Election}, {@link LeaderReplication}, {@link FollowerReplication}, ...), in the way of an Aeron
 * {@code Context}, so that a part's constructor names only what that part adds.
 *
 * @param selfId     this node's id, 0 to {@code groupSize - 1}.
 * @param groupSize  the size of the address book: the ids that may ever be members.
 * @param config     timeouts and sizes.
 * @param log        the replicated log.
 * @param termStore  the current term and the vote cast in it.
 * @param outbox     where messages leave.
 * @param membership the configurations of the log.
 */
record NodeContext(
    int selfId,
    int groupSize,
    ConsensusConfig config,
    ReplicaLog log,
    TermStore termStore,
    ConsensusOutbox outbox,
    MembershipHistory membership)
{
}
