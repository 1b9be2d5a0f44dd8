package com.wodian.net.cluster.stage;

import com.wodian.journal.consensus.ElectionCounters;

/**
 * Says in the log what this node does in elections (ops review 16.1: terms jumped with only the winner's line): the
 * first Pre-Vote round after a primary was heard ("asks the voters whether it may stand for term T"), every term it
 * stands for and why, every vote it gives; the rounds that were not won and the PreVotes and RequestVotes it
 * refused are summed up at most once a minute, so that a node cut off for hours writes a line a minute, not three a
 * second. Runs on the replication stage's thread after each duty cycle; it only compares counters and allocates
 * only when it writes a line.
 */
final class ElectionLog
{
    private static final long SUMMARY_INTERVAL_MS = 60_000;

    private final int nodeId;
    private final System.Logger logger;
    private long preVoteRounds;
    private long elections;
    private long votesGranted;
    private long transfers;
    private long preVoteRoundsWon;
    private long refusedSeen;
    /** Rounds not won, PreVotes and RequestVotes refused or ignored, since the last summary line. */
    private long roundsSinceSummary;
    private long refusedSinceSummary;
    private long lastSummaryMs;
    /** The last round was logged as the first of a series (reset when this node stands or hears a leader). */
    private boolean inSeries;

    ElectionLog(final int nodeId, final System.Logger logger)
    {
        this.nodeId = nodeId;
        this.logger = logger;
    }

    /**
     * @param counters   the consensus node's.
     * @param leaderId   the leader this node follows now (-1: none).
     * @param nowMs      the stage's clock, for the once-a-minute summaries only.
     */
    void observe(final ElectionCounters counters, final int leaderId, final long nowMs)
    {
        if (leaderId >= 0)
        {
            inSeries = false;
        }
        if (counters.preVoteRounds() != preVoteRounds)
        {
            final long rounds = counters.preVoteRounds() - preVoteRounds;
            preVoteRounds = counters.preVoteRounds();
            if (!inSeries)
            {
                inSeries = true;
                logger.log(System.Logger.Level.INFO, "node {0} heard no primary within its election timeout: asks " +
                    "the voters whether it may stand for term {1,number,#} (pre-vote)", nodeId,
                    counters.lastRoundTerm());
                roundsSinceSummary += rounds - 1;
            }
            else
            {
                roundsSinceSummary += rounds;
            }
        }
        if (counters.elections() != elections)
        {
            elections = counters.elections();
            inSeries = false;
            logger.log(System.Logger.Level.INFO, "node {0} stands for election in term {1,number,#}: {2}", nodeId,
                counters.lastElectionTerm(), standingReason(counters));
        }
        if (counters.votesGranted() != votesGranted)
        {
            votesGranted = counters.votesGranted();
            logger.log(System.Logger.Level.INFO, "node {0} votes for node {1} in term {2,number,#}", nodeId,
                counters.lastVoteCandidate(), counters.lastVoteTerm());
        }
        final long refused = counters.preVotesRefused() + counters.votesRefused() + counters.votesIgnoredLeaderAlive();
        refusedSinceSummary += refused - refusedSeen;
        refusedSeen = refused;
        summarize(counters, nowMs);
    }

    /** Why this node stood in the term it last stood for, from what changed since the last line. */
    private String standingReason(final ElectionCounters counters)
    {
        final boolean transfer = counters.transferElections() != transfers;
        final boolean preVoteWon = counters.preVoteRoundsWon() != preVoteRoundsWon;
        transfers = counters.transferElections();
        preVoteRoundsWon = counters.preVoteRoundsWon();
        return transfer ? "the primary handed over to it (promote, demote, or the primary's own removal)" :
            preVoteWon ? "a majority of the voters said yes to its pre-vote" :
            "its election timeout ran out (pre-vote off)";
    }

    private void summarize(final ElectionCounters counters, final long nowMs)
    {
        if (0 == roundsSinceSummary + refusedSinceSummary || nowMs - lastSummaryMs < SUMMARY_INTERVAL_MS)
        {
            return;
        }
        lastSummaryMs = nowMs;
        logger.log(System.Logger.Level.INFO, "node {0}: {1,number,#} pre-vote rounds not won (no majority said yes: " +
            "a primary is alive for them, or this node is behind or cut off); {2,number,#} pre-votes and vote " +
            "requests of other nodes refused (last from node {3}: a primary alive here, a transfer vote just given, " +
            "or its log behind this one) " +
            "since the last such line", nodeId, roundsSinceSummary, refusedSinceSummary,
            Math.max(counters.lastPreVoteCandidate(), counters.lastVoteCandidate()));
        roundsSinceSummary = 0;
        refusedSinceSummary = 0;
    }
}
