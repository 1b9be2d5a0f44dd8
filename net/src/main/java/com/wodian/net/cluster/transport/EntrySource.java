package com.wodian.net.cluster.transport;

import com.wodian.journal.consensus.EntryView;

/**
 * Where the leader's transport reads the content of the entries it replicates. In an AppendEntries the leader's
 * {@code entryPayloads[i]} are the handles passed here; with the journal-backed replica log they are journal indexes
 * and the implementation is {@code JournalReplicaLog.read}.
 */
@FunctionalInterface
public interface EntrySource
{
    /**
     * Fill {@code into} with the content of the entry behind {@code payload}. The view only has to stay valid until
     * the next call.
     *
     * @return false when the entry is not (or no longer) available; the message that needed it is then dropped.
     */
    boolean read(long payload, EntryView into);
}
