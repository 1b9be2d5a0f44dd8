package com.wodian.journal.consensus;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Pre-Vote (Raft thesis 9.6) one rule at a time, messages delivered by hand; {@link ConsensusSimulationTest} checks
 * it under faults and that a restarted standby no longer deposes a healthy primary.
 */
class PreVoteTest
{
    private static final ConsensusConfig CONFIG = ConsensusConfig.defaults();
    private static final long TIMEOUT_MS = CONFIG.electionTimeoutMaxMs();

    private record Sent(int to, ConsensusMessage message)
    {
    }

    private final List<Sent> sent = new ArrayList<>();
    /** Peers whose build predates Pre-Vote: the outbox sends them nothing and says so. */
    private final boolean[] olderPeer = new boolean[3];

    private ConsensusNode node(final int id, final MemoryReplicaLog log, final TermStore terms)
    {
        final ConsensusOutbox records = ConsensusMessage.outbox((to, m) -> sent.add(new Sent(to, m)));
        final ConsensusOutbox outbox = new ConsensusOutbox()
        {
            @Override
            public void requestVote(final int to, final long term, final int from, final long lastIndex,
                final long lastTerm, final boolean transfer)
            {
                records.requestVote(to, term, from, lastIndex, lastTerm, transfer);
            }

            @Override
            public void voteReply(final int to, final long term, final int from, final boolean granted)
            {
                records.voteReply(to, term, from, granted);
            }

            @Override
            public boolean preVote(final int to, final long term, final int from, final long lastIndex,
                final long lastTerm)
            {
                return olderPeer[to] ? false : records.preVote(to, term, from, lastIndex, lastTerm);
            }

            @Override
            public void preVoteReply(final int to, final long term, final int from, final long candidateTerm,
                final boolean granted)
            {
                records.preVoteReply(to, term, from, candidateTerm, granted);
            }

            @Override
            public void appendEntries(final int to, final long term, final int from, final long prevIndex,
                final long prevTerm, final long commit, final int count, final LogEntries entries)
            {
                records.appendEntries(to, term, from, prevIndex, prevTerm, commit, count, entries);
            }

            @Override
            public void appendReply(final int to, final long term, final int from, final boolean success,
                final long match, final long conflict)
            {
                records.appendReply(to, term, from, success, match, conflict);
            }

            @Override
            public void timeoutNow(final int to, final long term, final int from)
            {
                records.timeoutNow(to, term, from);
            }
        };
        return new ConsensusNode(id, 3, CONFIG, log, terms, outbox, (index, term, payload) -> { },
            new SplittableRandom(7), 0);
    }

    private <T extends ConsensusMessage> List<T> sentOfType(final Class<T> type)
    {
        final List<T> messages = new ArrayList<>();
        for (final Sent s : sent)
        {
            if (type.isInstance(s.message()))
            {
                messages.add(type.cast(s.message()));
            }
        }
        return messages;
    }

    private ConsensusMessage.PreVoteReply lastPreVoteReply()
    {
        final List<ConsensusMessage.PreVoteReply> replies = sentOfType(ConsensusMessage.PreVoteReply.class);
        return replies.get(replies.size() - 1);
    }

    /** A follower of term {@code term} that just heard leader 0 (log: one entry of that term). */
    private ConsensusNode followerOfLeader0(final int id, final long term, final long nowMs)
    {
        final MemoryTermStore terms = new MemoryTermStore();
        terms.store(term, TermStore.NO_VOTE);
        final ConsensusNode follower = node(id, new MemoryReplicaLog(), terms);
        follower.onMessage(new ConsensusMessage.AppendEntries(term, 0, 0, 0, new long[] {term}, new long[] {5}, 1),
            nowMs);
        assertEquals(0, follower.leaderId());
        return follower;
    }

    @Test
    void aTimedOutNodeAsksFirstAndStandsOnlyOnAMajorityOfYes()
    {
        final ConsensusNode node = node(0, new MemoryReplicaLog(), new MemoryTermStore());
        node.onTimer(TIMEOUT_MS);
        assertEquals(Role.FOLLOWER, node.role(), "no term raised before the group says it could win");
        assertEquals(0, node.currentTerm());
        final List<ConsensusMessage.PreVote> asked = sentOfType(ConsensusMessage.PreVote.class);
        assertEquals(2, asked.size());
        assertEquals(1, asked.get(0).term(), "asks about its term + 1");
        assertTrue(sentOfType(ConsensusMessage.RequestVote.class).isEmpty());

        node.onMessage(new ConsensusMessage.PreVoteReply(0, 1, 1, false), TIMEOUT_MS + 1);
        assertEquals(Role.FOLLOWER, node.role());
        node.onMessage(new ConsensusMessage.PreVoteReply(0, 2, 1, true), TIMEOUT_MS + 2);
        assertEquals(Role.CANDIDATE, node.role(), "itself and one yes: a majority of three");
        assertEquals(1, node.currentTerm());
        assertEquals(2, sentOfType(ConsensusMessage.RequestVote.class).size());
    }

    /**
     * What the log and the metrics read (ElectionCounters, ops review 16.1: elections were not logged): the rounds a
     * node asks, the terms it stands for and why, and its answers to other nodes' PreVotes and RequestVotes.
     */
    @Test
    void electionEventsAreCountedOnBothSides()
    {
        final ConsensusNode node = node(0, new MemoryReplicaLog(), new MemoryTermStore());
        node.onTimer(TIMEOUT_MS);
        node.onTimer(2 * TIMEOUT_MS + 1);
        assertEquals(2, node.electionCounters().preVoteRounds(), "two rounds, none won");
        assertEquals(1, node.electionCounters().lastRoundTerm());
        assertEquals(0, node.electionCounters().elections());
        node.onMessage(new ConsensusMessage.PreVoteReply(0, 2, 1, true), 2 * TIMEOUT_MS + 2);
        assertEquals(1, node.electionCounters().elections());
        assertEquals(1, node.electionCounters().preVoteRoundsWon());
        assertEquals(1, node.electionCounters().lastElectionTerm());
        assertEquals(0, node.electionCounters().transferElections());

        final ConsensusNode follower = followerOfLeader0(1, 3, 100);
        follower.onMessage(new ConsensusMessage.PreVote(4, 2, 1, 3), 150);
        follower.onMessage(new ConsensusMessage.RequestVote(4, 2, 1, 3, false), 160);
        assertEquals(1, follower.electionCounters().preVotesRefused());
        assertEquals(1, follower.electionCounters().votesIgnoredLeaderAlive(), "a live leader: stickiness");
        follower.onMessage(new ConsensusMessage.RequestVote(4, 2, 1, 3, false), 100 + TIMEOUT_MS);
        assertEquals(1, follower.electionCounters().votesGranted());
        assertEquals(2, follower.electionCounters().lastVoteCandidate());
        assertEquals(4, follower.electionCounters().lastVoteTerm());
    }

    @Test
    void aFollowerThatHearsALiveLeaderSaysNoAndNoTermChanges()
    {
        final ConsensusNode follower = followerOfLeader0(1, 3, 100);
        follower.onMessage(new ConsensusMessage.PreVote(4, 2, 1, 3), 150);
        assertFalse(lastPreVoteReply().granted(), "the leader was heard within the minimum election timeout");
        assertEquals(3, lastPreVoteReply().term());
        assertEquals(4, lastPreVoteReply().candidateTerm());
        assertEquals(3, follower.currentTerm(), "a PreVote's term is never adopted");
        assertEquals(0, follower.leaderId());

        follower.onMessage(new ConsensusMessage.PreVote(4, 2, 1, 3), 100 + CONFIG.electionTimeoutMinMs());
        assertTrue(lastPreVoteReply().granted(), "the leader went quiet: the candidate could win");
        assertEquals(3, follower.currentTerm(), "granting stores nothing either");
        assertEquals(Role.FOLLOWER, follower.role());
    }

    @Test
    void theLeaderSaysNoAndStaysLeaderOfItsTerm()
    {
        final ConsensusNode leader = node(0, new MemoryReplicaLog(), new MemoryTermStore());
        leader.onTimer(TIMEOUT_MS);
        leader.onMessage(new ConsensusMessage.PreVoteReply(0, 1, 1, true), TIMEOUT_MS + 1);
        leader.onMessage(new ConsensusMessage.VoteReply(1, 1, true), TIMEOUT_MS + 2);
        assertEquals(Role.LEADER, leader.role());
        // A restarted standby that has not heard the leader yet asks about term 2 with an up-to-date log.
        leader.onMessage(new ConsensusMessage.PreVote(2, 2, 1, 1), TIMEOUT_MS + 3);
        assertFalse(lastPreVoteReply().granted());
        assertEquals(Role.LEADER, leader.role());
        assertEquals(1, leader.currentTerm());
    }

    @Test
    void aCandidateWithAStaleLogIsRefused()
    {
        final ConsensusNode voter = followerOfLeader0(1, 3, 0);
        voter.onMessage(new ConsensusMessage.PreVote(4, 2, 0, 0), 10 * TIMEOUT_MS);
        assertFalse(lastPreVoteReply().granted(), "its log lacks the voter's entry of term 3");
        voter.onMessage(new ConsensusMessage.PreVote(3, 2, 1, 3), 10 * TIMEOUT_MS);
        assertFalse(lastPreVoteReply().granted(), "a term not above the voter's own");
    }

    @Test
    void aRefusalFromAHigherTermIsAdoptedAndEndsTheRound()
    {
        final ConsensusNode node = node(0, new MemoryReplicaLog(), new MemoryTermStore());
        node.onTimer(TIMEOUT_MS);
        node.onMessage(new ConsensusMessage.PreVoteReply(5, 1, 1, false), TIMEOUT_MS + 1);
        assertEquals(5, node.currentTerm(), "the voter's own term exists already: adopting it raises nothing");
        node.onMessage(new ConsensusMessage.PreVoteReply(5, 2, 1, true), TIMEOUT_MS + 2);
        assertEquals(Role.FOLLOWER, node.role(), "a yes to a round of an earlier term counts nothing");
    }

    @Test
    void hearingTheLeaderEndsTheRound()
    {
        final ConsensusNode node = followerOfLeader0(1, 3, 0);
        node.onTimer(TIMEOUT_MS);
        assertEquals(2, sentOfType(ConsensusMessage.PreVote.class).size());
        assertEquals(-1, node.leaderId(), "a leader that went quiet is no longer named (readiness, client hints)");
        node.onMessage(new ConsensusMessage.AppendEntries(3, 0, 1, 3, new long[0], new long[0], 1), TIMEOUT_MS + 1);
        node.onMessage(new ConsensusMessage.PreVoteReply(3, 2, 4, true), TIMEOUT_MS + 2);
        assertEquals(Role.FOLLOWER, node.role(), "a late yes after the leader was heard counts nothing");
        assertEquals(3, node.currentTerm());
    }

    @Test
    void aLeadershipTransferSkipsPreVote()
    {
        final ConsensusNode target = followerOfLeader0(1, 3, 0);
        sent.clear();
        target.onMessage(new ConsensusMessage.TimeoutNow(3, 0), 10);
        assertEquals(Role.CANDIDATE, target.role(), "the live leader asked it to stand: no round first");
        assertEquals(4, target.currentTerm());
        assertTrue(sentOfType(ConsensusMessage.PreVote.class).isEmpty());
        assertTrue(sentOfType(ConsensusMessage.RequestVote.class).stream()
            .allMatch(ConsensusMessage.RequestVote::leadershipTransfer));
    }

    /**
     * The transfer vote lease: a node that just voted for a transfer's target (it stepped down from the old leader's
     * term, so it names no leader) waits for that target as if it had heard it, for the maximum election timeout:
     * another node's PreVote is refused and it asks for none itself; the target itself may still ask (it has not won).
     */
    @Test
    void aNodeThatJustVotedForATransferTargetWaitsForItAsForALeader()
    {
        final ConsensusNode voter = followerOfLeader0(1, 3, 0);
        voter.onMessage(new ConsensusMessage.RequestVote(4, 2, 1, 3, true), 10);
        assertEquals(4, voter.currentTerm());
        assertEquals(-1, voter.leaderId(), "the old leader's term is over; the target has not been heard yet");
        assertTrue(sentOfType(ConsensusMessage.VoteReply.class).get(0).granted());
        final long leaseEndMs = 10 + CONFIG.electionTimeoutMaxMs();

        voter.onMessage(new ConsensusMessage.PreVote(5, 0, 1, 3), 10 + CONFIG.electionTimeoutMinMs());
        assertFalse(lastPreVoteReply().granted(), "the node it voted for may lead: another candidate is refused");
        voter.onMessage(new ConsensusMessage.PreVote(5, 2, 1, 3), 10 + CONFIG.electionTimeoutMinMs());
        assertTrue(lastPreVoteReply().granted(), "the node it voted for asks again: it has not won");
        sent.clear();
        voter.onTimer(leaseEndMs - 1);
        assertTrue(sentOfType(ConsensusMessage.PreVote.class).isEmpty(), "its own timer ran out within the lease");
        assertEquals(Role.FOLLOWER, voter.role());

        voter.onMessage(new ConsensusMessage.PreVote(5, 0, 1, 3), leaseEndMs);
        assertTrue(lastPreVoteReply().granted(), "the lease is over and no leader was heard");
        voter.onTimer(leaseEndMs + CONFIG.electionTimeoutMaxMs());
        assertEquals(2, sentOfType(ConsensusMessage.PreVote.class).size(), "after the lease it asks as before");
        assertEquals(4, voter.currentTerm());
    }

    /**
     * Hearing the leader it voted for does not end the lease: the new leader counts on it for check quorum until the
     * lease's end whether or not this node's replies reach it ({@link Election#voterLeasesUntil}). After it,
     * stickiness and the usual deadline apply.
     */
    @Test
    void hearingTheLeaderDoesNotEndTheTransferVoteLease()
    {
        final ConsensusNode voter = followerOfLeader0(1, 3, 0);
        voter.onMessage(new ConsensusMessage.RequestVote(4, 2, 1, 3, true), 10);
        voter.onMessage(new ConsensusMessage.AppendEntries(4, 2, 1, 3, new long[0], new long[0], 1), 20);
        assertEquals(2, voter.leaderId());
        final long leaseEndMs = 10 + CONFIG.electionTimeoutMaxMs();
        voter.onMessage(new ConsensusMessage.PreVote(5, 0, 1, 3), 20 + CONFIG.electionTimeoutMinMs());
        assertFalse(lastPreVoteReply().granted(), "the leader went quiet for the minimum timeout, the lease runs on");
        sent.clear();
        voter.onTimer(leaseEndMs - 1);
        assertTrue(sentOfType(ConsensusMessage.PreVote.class).isEmpty(), "its own timer ran out within the lease");
        voter.onMessage(new ConsensusMessage.PreVote(5, 0, 1, 3), leaseEndMs);
        assertTrue(lastPreVoteReply().granted(), "the lease is over and the leader quiet");
        voter.onTimer(leaseEndMs + CONFIG.electionTimeoutMaxMs());
        assertEquals(2, sentOfType(ConsensusMessage.PreVote.class).size(), "its own timer ran out: it asks");
    }

    /**
     * Within the lease another candidate's RequestVote is ignored as stickiness ignores it (term not adopted): a node
     * that stands without Pre-Vote (an older build) cannot win this node's vote while the new leader counts on it.
     */
    @Test
    void aNodeWithinATransferVoteLeaseIgnoresAnotherCandidatesRequestVote()
    {
        final ConsensusNode voter = followerOfLeader0(1, 3, 0);
        voter.onMessage(new ConsensusMessage.RequestVote(4, 2, 1, 3, true), 10);
        voter.onMessage(new ConsensusMessage.RequestVote(5, 0, 1, 3, false), 10 + CONFIG.electionTimeoutMinMs());
        assertEquals(4, voter.currentTerm(), "ignored, term not adopted");
        assertEquals(1, sentOfType(ConsensusMessage.VoteReply.class).size());
        voter.onMessage(new ConsensusMessage.RequestVote(5, 0, 1, 3, false), 10 + CONFIG.electionTimeoutMaxMs());
        assertEquals(5, voter.currentTerm());
        assertTrue(sentOfType(ConsensusMessage.VoteReply.class).get(1).granted(), "after the lease: as before");
    }

    /**
     * Check-quorum grace: a leader elected by a leadership transfer counts each voter whose transfer vote it counted
     * as heard until the maximum election timeout after it stood (the voter's lease lasts at least that long), so its
     * first replies may come later than the minimum election timeout; then it needs replies as any leader. A leader of
     * an ordinary election has the minimum election timeout from its election.
     */
    @Test
    void aLeaderElectedByATransferCountsItsVotersAsHeardUntilTheirLeaseEnds()
    {
        final ConsensusNode target = followerOfLeader0(1, 3, 0);
        target.onMessage(new ConsensusMessage.TimeoutNow(3, 0), 100);
        target.onMessage(new ConsensusMessage.VoteReply(4, 0, true), 110);
        assertEquals(Role.LEADER, target.role());
        final long leaseEndMs = 100 + CONFIG.electionTimeoutMaxMs();
        target.onTimer(110 + CONFIG.electionTimeoutMinMs());
        target.onTimer(leaseEndMs - 1);
        assertEquals(Role.LEADER, target.role(), "no reply yet, but its voter cannot vote for anyone else");
        target.onTimer(leaseEndMs);
        assertEquals(Role.FOLLOWER, target.role(), "no reply within its voter's lease: cut off, it steps down");
        assertEquals(4, target.currentTerm());

        final ConsensusNode elected = followerOfLeader0(2, 3, 0);
        elected.onTimer(TIMEOUT_MS);
        elected.onMessage(new ConsensusMessage.PreVoteReply(3, 0, 4, true), TIMEOUT_MS);
        elected.onMessage(new ConsensusMessage.VoteReply(4, 0, true), TIMEOUT_MS + 10);
        assertEquals(Role.LEADER, elected.role());
        elected.onTimer(TIMEOUT_MS + 10 + CONFIG.electionTimeoutMinMs() - 1);
        assertEquals(Role.LEADER, elected.role());
        elected.onTimer(TIMEOUT_MS + 10 + CONFIG.electionTimeoutMinMs());
        assertEquals(Role.FOLLOWER, elected.role(), "an ordinary election: the minimum election timeout from it");
    }

    /**
     * A vote in an ordinary election starts no lease: a candidate that cannot win (a node of an older build stands
     * again every election timeout without Pre-Vote) must not keep its voters from electing another node.
     */
    @Test
    void aVoteInAnOrdinaryElectionStartsNoLease()
    {
        final ConsensusNode voter = followerOfLeader0(1, 3, 0);
        voter.onMessage(new ConsensusMessage.RequestVote(4, 2, 1, 3, false), CONFIG.electionTimeoutMinMs());
        assertTrue(sentOfType(ConsensusMessage.VoteReply.class).get(0).granted());
        voter.onMessage(new ConsensusMessage.PreVote(5, 0, 1, 3), CONFIG.electionTimeoutMinMs() + 1);
        assertTrue(lastPreVoteReply().granted(), "no leader known, none heard: the PreVote is answered as before");
    }

    @Test
    void aPeerOfAnOlderBuildCountsAsYesOnlyAfterTheGrace()
    {
        olderPeer[2] = true;
        final ConsensusNode node = followerOfLeader0(1, 3, 0);
        node.onTimer(TIMEOUT_MS);
        assertEquals(1, sentOfType(ConsensusMessage.PreVote.class).size(), "only the peer that reads PreVote");
        assertEquals(Role.FOLLOWER, node.role(), "a leader was heard recently: the older peer is no yes yet");
        final long graceMs = PreVote.OLDER_PEERS_GRACE_TIMEOUTS * TIMEOUT_MS;
        for (long now = 2 * TIMEOUT_MS; now < graceMs && node.role() == Role.FOLLOWER; now += TIMEOUT_MS)
        {
            node.onTimer(now);
        }
        assertEquals(Role.FOLLOWER, node.role());
        node.onTimer(graceMs + TIMEOUT_MS);
        assertEquals(Role.CANDIDATE, node.role(), "no leader for the grace: the older peer counts, and it stands");
        assertEquals(4, node.currentTerm());
    }
}
