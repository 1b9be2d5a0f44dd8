package com.wodian.journal.consensus;

/**
 * A {@link TermStore} that survives simulated crashes (the simulator keeps it across restarts).
 */
final class MemoryTermStore implements TermStore
{
    private long currentTerm;
    private int votedFor = NO_VOTE;

    @Override
    public long currentTerm()
    {
        return currentTerm;
    }

    @Override
    public int votedFor()
    {
        return votedFor;
    }

    @Override
    public void store(final long currentTerm, final int votedFor)
    {
        if (currentTerm < this.currentTerm)
        {
            throw new IllegalStateException("term went down: " + currentTerm + " < " + this.currentTerm);
        }
        if (currentTerm == this.currentTerm && this.votedFor != NO_VOTE && votedFor != this.votedFor)
        {
            throw new IllegalStateException("second vote in term " + currentTerm + ": " + this.votedFor + " then " +
                votedFor);
        }
        this.currentTerm = currentTerm;
        this.votedFor = votedFor;
    }

    /** A copy (a backup of the node's state). */
    MemoryTermStore copy()
    {
        final MemoryTermStore copy = new MemoryTermStore();
        copy.currentTerm = currentTerm;
        copy.votedFor = votedFor;
        return copy;
    }
}
