package com.wodian.journal.consensus;

/**
 * Told of each entry once it is committed (stored on a majority, so no later leader can lose it), in index order,
 * exactly once per node lifetime.
 */
@FunctionalInterface
public interface CommitListener
{
    void onCommitted(long index, long term, long payload);
}
