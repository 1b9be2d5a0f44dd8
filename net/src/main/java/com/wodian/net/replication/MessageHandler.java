package com.wodian.net.replication;

import com.wodian.journal.consensus.ConsensusMessage;
import com.wodian.journal.consensus.EntryPayloads;

/**
 * Receives the consensus messages that {@link ReplicationTransport#poll(long, MessageHandler)} decodes.
 */
@FunctionalInterface
public interface MessageHandler
{
    /**
     * @param message  the decoded message; its sender was checked against the connection's hello.
     * @param payloads resolves the {@code entryPayloads} handles of an AppendEntries (offsets into the receive
     *                 buffer) into the entries' bytes. Valid only during this call: the bytes behind the handles are
     *                 overwritten once it returns, so an entry that must outlive it has to be copied (journalled).
     */
    void onMessage(ConsensusMessage message, EntryPayloads payloads);
}
