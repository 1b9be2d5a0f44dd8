package com.wodian.journal.consensus;

/**
 * What one {@link ConsensusNode} did in elections since it started, for the log and the metrics
 * (docs/observability.md): the Pre-Vote rounds it asked, the terms it stood for, and its answers to other nodes'
 * PreVotes and RequestVotes. Written by the node's one thread and read by the same thread (the replication stage
 * publishes copies), so plain fields; the {@code last...} ones say what the newest count was about.
 */
public final class ElectionCounters
{
    private long preVoteRounds;
    private long preVoteRoundsWon;
    private long elections;
    private long transferElections;
    private long preVotesGranted;
    private long preVotesRefused;
    private long votesGranted;
    private long votesRefused;
    private long votesIgnoredLeaderAlive;
    private long lastRoundTerm;
    private long lastElectionTerm;
    private int lastPreVoteCandidate = -1;
    private int lastVoteCandidate = -1;
    private long lastVoteTerm;

    void preVoteRound(final long term)
    {
        preVoteRounds++;
        lastRoundTerm = term;
    }

    void stood(final long term, final boolean leadershipTransfer, final boolean afterPreVote)
    {
        elections++;
        lastElectionTerm = term;
        transferElections += leadershipTransfer ? 1 : 0;
        preVoteRoundsWon += afterPreVote ? 1 : 0;
    }

    void preVoteAnswered(final int candidateId, final boolean granted)
    {
        lastPreVoteCandidate = candidateId;
        preVotesGranted += granted ? 1 : 0;
        preVotesRefused += granted ? 0 : 1;
    }

    void voteAnswered(final int candidateId, final long term, final boolean granted)
    {
        lastVoteCandidate = candidateId;
        lastVoteTerm = term;
        votesGranted += granted ? 1 : 0;
        votesRefused += granted ? 0 : 1;
    }

    void voteIgnored(final int candidateId)
    {
        lastVoteCandidate = candidateId;
        votesIgnoredLeaderAlive++;
    }

    /** Pre-Vote rounds this node started (its election timeout ran out; it asked the voters about the next term). */
    public long preVoteRounds()
    {
        return preVoteRounds;
    }

    /** Pre-Vote rounds a majority said yes to: this node then stood. */
    public long preVoteRoundsWon()
    {
        return preVoteRoundsWon;
    }

    /** Terms this node stood for (raised its term and asked for votes), leadership transfers included. */
    public long elections()
    {
        return elections;
    }

    /** Of {@link #elections}: those the primary asked for (TimeoutNow: promote, demote, a removed primary). */
    public long transferElections()
    {
        return transferElections;
    }

    /** PreVotes of other nodes this node said yes to. */
    public long preVotesGranted()
    {
        return preVotesGranted;
    }

    /** PreVotes of other nodes this node said no to (a primary alive for it, or its log further on). */
    public long preVotesRefused()
    {
        return preVotesRefused;
    }

    /** Votes this node gave (one per term at most). */
    public long votesGranted()
    {
        return votesGranted;
    }

    /** RequestVotes this node answered no (voted for another already, its log further on, or it may not vote). */
    public long votesRefused()
    {
        return votesRefused;
    }

    /** RequestVotes of a higher term ignored because a primary was alive (Raft's stickiness, thesis 4.2.3). */
    public long votesIgnoredLeaderAlive()
    {
        return votesIgnoredLeaderAlive;
    }

    /** The term the newest Pre-Vote round asked about. */
    public long lastRoundTerm()
    {
        return lastRoundTerm;
    }

    /** The term this node last stood for. */
    public long lastElectionTerm()
    {
        return lastElectionTerm;
    }

    /** The candidate of the newest PreVote answered, -1: none yet. */
    public int lastPreVoteCandidate()
    {
        return lastPreVoteCandidate;
    }

    /** The candidate of the newest RequestVote answered or ignored, -1: none yet. */
    public int lastVoteCandidate()
    {
        return lastVoteCandidate;
    }

    /** The term of the newest RequestVote answered. */
    public long lastVoteTerm()
    {
        return lastVoteTerm;
    }
}
