package com.wodian.net.cluster.stage;

import com.wodian.journal.consensus.ReplicaLog;
import com.wodian.journal.consensus.storage.JournalReplicaLog;

/** The log as the consensus rules use it, noting the lowest index any truncation started at. */
final class TruncationWatch implements ReplicaLog
{
    private final JournalReplicaLog delegate;
    private long lowestTruncation;

    TruncationWatch(final JournalReplicaLog delegate)
    {
        this.delegate = delegate;
    }

    long takeLowestTruncation()
    {
        final long cut = lowestTruncation;
        lowestTruncation = 0;
        return cut;
    }

    @Override
    public long lastIndex()
    {
        return delegate.lastIndex();
    }

    @Override
    public long termAt(final long index)
    {
        return delegate.termAt(index);
    }

    @Override
    public long payloadAt(final long index)
    {
        return delegate.payloadAt(index);
    }

    @Override
    public void append(final long term, final long payload)
    {
        delegate.append(term, payload);
    }

    @Override
    public void truncateFrom(final long index)
    {
        delegate.truncateFrom(index);
        lowestTruncation = 0 == lowestTruncation ? index : Math.min(lowestTruncation, index);
    }

    @Override
    public long startIndex()
    {
        return delegate.startIndex();
    }

    @Override
    public void resetToSnapshot(final long index, final long term)
    {
        delegate.resetToSnapshot(index, term);
    }
}
