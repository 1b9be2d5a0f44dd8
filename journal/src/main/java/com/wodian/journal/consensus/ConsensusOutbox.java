package com.wodian.journal.consensus;

/**
 * Where a node sends its messages. Delivery is best effort: messages may be lost, delayed, duplicated or reordered,
 * and the rules stay safe under all of these.
 */
@FunctionalInterface
public interface ConsensusOutbox
{
    void send(int toNodeId, ConsensusMessage message);
}
