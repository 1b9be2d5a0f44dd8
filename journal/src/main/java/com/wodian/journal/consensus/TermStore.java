package com.wodian.journal.consensus;

/**
 * The two values a node must never forget across a restart (Raft, figure 2: currentTerm and votedFor). Forgetting
 * them would let a node vote twice in one term and so let two leaders be elected in it.
 */
public interface TermStore
{
    /** Used for {@link #votedFor()} when the node has not voted in the current term. */
    int NO_VOTE = -1;

    long currentTerm();

    int votedFor();

    /**
     * Durably store both values before returning.
     */
    void store(long currentTerm, int votedFor);
}
