package com.wodian.journal.consensus;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * One rule at a time, messages delivered by hand.
 */
class ConsensusNodeTest
{
    /** The plain election rules, a timeout making a candidate at once; Pre-Vote has its own tests (PreVoteTest). */
    private static final ConsensusConfig CONFIG = ConsensusConfig.defaults().withPreVote(false);

    private record Sent(int to, ConsensusMessage message)
    {
    }

    private final List<Sent> sent = new ArrayList<>();
    private final List<long[]> committed = new ArrayList<>();

    private ConsensusNode node(final int id, final int groupSize, final MemoryReplicaLog log, final TermStore terms)
    {
        return node(id, groupSize, CONFIG, log, terms);
    }

    private ConsensusNode node(
        final int id, final int groupSize, final ConsensusConfig config, final MemoryReplicaLog log,
        final TermStore terms)
    {
        return new ConsensusNode(id, groupSize, config, log, terms,
            ConsensusMessage.outbox((to, m) -> sent.add(new Sent(to, m))),
            (index, term, payload) -> committed.add(new long[] {index, term, payload}), new SplittableRandom(7), 0);
    }

    /** Elects node 0 of a group at term 1 with one vote from node 1 (enough in a group of 3). */
    private static void electWithVotesFrom(final ConsensusNode node, final int... voters)
    {
        node.onTimer(CONFIG.electionTimeoutMaxMs());
        for (final int voter : voters)
        {
            node.onMessage(new ConsensusMessage.VoteReply(node.currentTerm(), voter, true), 310);
        }
        assertEquals(Role.LEADER, node.role());
    }

    private List<ConsensusMessage.AppendEntries> appendsTo(final int peer)
    {
        final List<ConsensusMessage.AppendEntries> appends = new ArrayList<>();
        for (final Sent s : sent)
        {
            if (s.to() == peer && s.message() instanceof ConsensusMessage.AppendEntries append)
            {
                appends.add(append);
            }
        }
        return appends;
    }

    private static MemoryReplicaLog logOf(final long... terms)
    {
        final MemoryReplicaLog log = new MemoryReplicaLog();
        for (final long term : terms)
        {
            log.append(term, 100 + log.lastIndex());
        }
        return log;
    }

    @Test
    void aGroupOfOneElectsItselfAndCommitsOnAppend()
    {
        final ConsensusNode node = node(0, 1, new MemoryReplicaLog(), new MemoryTermStore());
        node.onTimer(CONFIG.electionTimeoutMaxMs());
        assertEquals(Role.LEADER, node.role());
        assertEquals(2, node.propose(55, 400));
        assertEquals(2, node.commitIndex());
        assertEquals(55, committed.get(1)[2]);
    }

    @Test
    void aCandidateWinsWithAMajorityAndAppendsANoOp()
    {
        final MemoryReplicaLog log = new MemoryReplicaLog();
        final ConsensusNode node = node(0, 3, log, new MemoryTermStore());
        node.onTimer(CONFIG.electionTimeoutMaxMs());
        assertEquals(Role.CANDIDATE, node.role());
        assertEquals(2, sent.size(), "a vote request to each peer");
        node.onMessage(new ConsensusMessage.VoteReply(1, 1, true), 310);
        assertEquals(Role.LEADER, node.role());
        assertEquals(1, log.lastIndex());
        assertEquals(0, log.payloadAt(1), "the no-op of the new term");
    }

    @Test
    void aVoteIsRefusedToACandidateWithAShorterLogOfTheSameTerm()
    {
        final MemoryTermStore terms = new MemoryTermStore();
        final ConsensusNode voter = node(1, 3, logOf(1, 1, 1), terms);
        voter.onMessage(new ConsensusMessage.RequestVote(2, 0, 2, 1, false), 10);
        assertFalse(((ConsensusMessage.VoteReply)sent.get(0).message()).granted());
        voter.onMessage(new ConsensusMessage.RequestVote(2, 2, 3, 1, false), 11);
        assertTrue(((ConsensusMessage.VoteReply)sent.get(1).message()).granted());
        assertEquals(2, terms.votedFor());
    }

    @Test
    void onlyOneVotePerTermEvenAfterARestart()
    {
        final MemoryTermStore terms = new MemoryTermStore();
        final MemoryReplicaLog log = new MemoryReplicaLog();
        node(1, 3, log, terms).onMessage(new ConsensusMessage.RequestVote(5, 0, 0, 0, false), 10);
        final ConsensusNode restarted = node(1, 3, log, terms);
        restarted.onMessage(new ConsensusMessage.RequestVote(5, 2, 0, 0, false), 20);
        assertTrue(((ConsensusMessage.VoteReply)sent.get(0).message()).granted());
        assertFalse(((ConsensusMessage.VoteReply)sent.get(1).message()).granted());
    }

    @Test
    void aFollowerTruncatesAnUncommittedConflictingTailAndTakesTheLeadersEntries()
    {
        final MemoryReplicaLog log = logOf(1, 1, 2, 2);
        final ConsensusNode follower = node(1, 3, log, new MemoryTermStore());
        follower.onMessage(new ConsensusMessage.AppendEntries(3, 0, 2, 1, new long[] {3}, new long[] {77}, 3), 10);
        assertEquals(3, log.lastIndex());
        assertEquals(3, log.termAt(3));
        assertEquals(3, follower.commitIndex());
        final ConsensusMessage.AppendReply reply = (ConsensusMessage.AppendReply)sent.get(0).message();
        assertTrue(reply.success());
        assertEquals(3, reply.matchIndex());
    }

    @Test
    void aDuplicatedOldAppendDoesNotTruncateNewerEntries()
    {
        final MemoryReplicaLog log = logOf(1, 1, 1);
        final ConsensusNode follower = node(1, 3, log, new MemoryTermStore());
        follower.onMessage(new ConsensusMessage.AppendEntries(1, 0, 0, 0, new long[] {1}, new long[] {100}, 0), 10);
        assertEquals(3, log.lastIndex());
    }

    @Test
    void aMismatchTellsTheLeaderWhereTheConflictingTermStarts()
    {
        final MemoryReplicaLog log = logOf(1, 2, 2, 2);
        final ConsensusNode follower = node(1, 3, log, new MemoryTermStore());
        follower.onMessage(new ConsensusMessage.AppendEntries(3, 0, 4, 3, new long[0], new long[0], 0), 10);
        final ConsensusMessage.AppendReply reply = (ConsensusMessage.AppendReply)sent.get(0).message();
        assertFalse(reply.success());
        assertEquals(2, reply.conflictIndex());
    }

    @Test
    void anOldLeaderIsFencedByANewerTermAndRefusesWrites()
    {
        final MemoryReplicaLog log = new MemoryReplicaLog();
        final ConsensusNode node = node(0, 3, log, new MemoryTermStore());
        node.onTimer(CONFIG.electionTimeoutMaxMs());
        node.onMessage(new ConsensusMessage.VoteReply(1, 1, true), 310);
        assertEquals(Role.LEADER, node.role());
        node.onMessage(new ConsensusMessage.AppendEntries(2, 2, 0, 0, new long[0], new long[0], 0), 320);
        assertEquals(Role.FOLLOWER, node.role());
        assertEquals(2, node.leaderId());
        assertEquals(-1, node.propose(9, 321));
    }

    @Test
    void aLeaderThatHearsFromNoMajorityStepsDown()
    {
        final ConsensusNode node = node(0, 3, new MemoryReplicaLog(), new MemoryTermStore());
        node.onTimer(CONFIG.electionTimeoutMaxMs());
        node.onMessage(new ConsensusMessage.VoteReply(1, 1, true), 310);
        node.onTimer(310 + CONFIG.electionTimeoutMinMs() - 1);
        assertEquals(Role.LEADER, node.role());
        node.onTimer(310 + CONFIG.electionTimeoutMinMs());
        assertEquals(Role.FOLLOWER, node.role());
    }

    @Test
    void aFollowerWithALiveLeaderIgnoresVoteRequestsOfHigherTerms()
    {
        final MemoryTermStore terms = new MemoryTermStore();
        final ConsensusNode follower = node(1, 3, new MemoryReplicaLog(), terms);
        follower.onMessage(new ConsensusMessage.AppendEntries(1, 0, 0, 0, new long[0], new long[0], 0), 100);
        sent.clear();
        follower.onMessage(new ConsensusMessage.RequestVote(5, 2, 10, 4, false), 120);
        assertTrue(sent.isEmpty());
        assertEquals(1, terms.currentTerm());
    }

    @Test
    void overwritingACommittedEntryIsABugAndFailsLoudly()
    {
        final MemoryReplicaLog log = new MemoryReplicaLog();
        final ConsensusNode follower = node(1, 3, log, new MemoryTermStore());
        follower.onMessage(new ConsensusMessage.AppendEntries(1, 0, 0, 0, new long[] {1, 1}, new long[] {5, 6}, 2),
            10);
        assertEquals(2, follower.commitIndex());
        assertThrows(IllegalStateException.class, () -> follower.onMessage(
            new ConsensusMessage.AppendEntries(2, 2, 0, 0, new long[] {2}, new long[] {9}, 0), 20));
    }

    /**
     * Raft 5.4.2 (figure 8): a leader must not commit an entry of an earlier term by counting replicas, only behind
     * an entry of its own term. Random simulation rarely builds this schedule, so it is tested by hand.
     */
    @Test
    void anEntryOfAnEarlierTermIsNotCommittedByCountingReplicas()
    {
        final MemoryTermStore terms = new MemoryTermStore();
        terms.store(2, TermStore.NO_VOTE);
        final MemoryReplicaLog log = logOf(1, 2);
        final ConsensusNode node = node(0, 3, log, terms);
        node.onTimer(CONFIG.electionTimeoutMaxMs());
        node.onMessage(new ConsensusMessage.VoteReply(3, 1, true), 310);
        assertEquals(Role.LEADER, node.role());
        node.onMessage(new ConsensusMessage.AppendReply(3, 1, true, 2, 0), 311);
        assertEquals(0, node.commitIndex(), "index 2 (term 2) is on a majority but must wait for the term-3 no-op");
        node.onMessage(new ConsensusMessage.AppendReply(3, 1, true, 3, 0), 312);
        assertEquals(3, node.commitIndex());
    }

    @Test
    void aConfirmedFollowerGetsEntriesPipelinedUpToTheWindowAndIsRepairedAfterALostMessage()
    {
        final ConsensusConfig config = new ConsensusConfig(150, 300, 50, 2, 4, false);
        final MemoryReplicaLog log = new MemoryReplicaLog();
        final ConsensusNode leader = node(0, 3, config, log, new MemoryTermStore());
        electWithVotesFrom(leader, 1);
        leader.onMessage(new ConsensusMessage.AppendReply(1, 1, true, 1, 0), 311); // node 1 confirms the no-op
        sent.clear();
        for (int i = 0; i < 5; i++)
        {
            assertEquals(2 + i, leader.appendLocal(50 + i));
        }
        assertTrue(sent.isEmpty(), "appendLocal sends nothing");
        leader.flush(312);
        final List<ConsensusMessage.AppendEntries> toFollower = appendsTo(1);
        assertEquals(2, toFollower.size(), "two messages of two entries fill the window of four");
        assertEquals(1, toFollower.get(0).prevLogIndex());
        assertEquals(3, toFollower.get(1).prevLogIndex());
        assertEquals(6, leader.nextIndexOf(1));
        assertEquals(1, leader.matchIndexOf(1));
        assertTrue(appendsTo(2).isEmpty(), "node 2 has not confirmed its position: its probe is still out");

        // The message with 2..3 is lost: node 1 refuses 4..5 and says it needs 2. The leader resends from 2, once.
        sent.clear();
        leader.onMessage(new ConsensusMessage.AppendReply(1, 1, false, 0, 2), 320);
        leader.onMessage(new ConsensusMessage.AppendReply(1, 1, false, 0, 2), 321); // duplicate: nothing more
        assertEquals(1, appendsTo(1).size());
        assertEquals(1, appendsTo(1).get(0).prevLogIndex());
        assertEquals(2, appendsTo(1).get(0).entryTerms().length);
        assertEquals(2, leader.nextIndexOf(1), "a probe does not run ahead");

        sent.clear();
        leader.onMessage(new ConsensusMessage.AppendReply(1, 1, true, 3, 0), 330);
        assertEquals(3, leader.commitIndex(), "index 3 is on the leader and node 1");
        assertEquals(2, appendsTo(1).size(), "streaming again: 4..5 and 6");
        assertEquals(7, leader.nextIndexOf(1));
        assertEquals(330, leader.lastHeardFromMs(1));
    }

    @Test
    void heartbeatsGoOnlyToFollowersThatWereSentNothingForAnInterval()
    {
        final ConsensusNode leader = node(0, 3, new MemoryReplicaLog(), new MemoryTermStore());
        electWithVotesFrom(leader, 1); // probes to 1 and 2 at 310
        leader.onMessage(new ConsensusMessage.AppendReply(1, 1, true, 1, 0), 330);
        leader.propose(7, 340); // streamed to node 1 at 340
        sent.clear();
        leader.onTimer(310 + CONFIG.heartbeatIntervalMs());
        assertEquals(1, sent.size());
        assertEquals(2, sent.get(0).to(), "node 1 had data at 340; node 2 has heard nothing since 310");
        sent.clear();
        leader.onTimer(340 + CONFIG.heartbeatIntervalMs());
        assertEquals(1, appendsTo(1).size());
        assertEquals(0, appendsTo(1).get(0).entryTerms().length);
        assertEquals(2, appendsTo(1).get(0).prevLogIndex(), "a heartbeat checks the position data went to");
    }

    /**
     * Replies that claim a position beyond the leader's log (a buggy or mis-versioned peer) are ignored: taken as
     * they came, the next heartbeat would ask the log for a term past its end and throw on every timer.
     */
    @Test
    void repliesClaimingPositionsBeyondTheLeadersLogAreIgnored()
    {
        final MemoryReplicaLog log = new MemoryReplicaLog();
        final ConsensusNode leader = node(0, 3, log, new MemoryTermStore());
        electWithVotesFrom(leader, 1);
        leader.propose(7, 320);
        final long lastIndex = log.lastIndex();
        final long commitBefore = leader.commitIndex();
        leader.onMessage(new ConsensusMessage.AppendReply(1, 1, true, lastIndex + 5, 0), 330);
        leader.onMessage(new ConsensusMessage.AppendReply(1, 2, true, Long.MAX_VALUE, 0), 330);
        leader.onMessage(new ConsensusMessage.InstallSnapshotReply(1, 1, lastIndex + 9, 0, true), 331);
        leader.onMessage(new ConsensusMessage.InstallSnapshotReply(1, 2, 1, -4096, false), 331);
        assertEquals(commitBefore, leader.commitIndex(), "nothing beyond the log is committed");
        sent.clear();
        leader.onTimer(331 + CONFIG.heartbeatIntervalMs()); // threw IndexOutOfBounds before the guard
        assertEquals(Role.LEADER, leader.role());
        assertTrue(appendsTo(1).size() + appendsTo(2).size() > 0, "heartbeats still go out");
        leader.onMessage(new ConsensusMessage.AppendReply(1, 1, true, lastIndex, 0), 400);
        assertEquals(lastIndex, leader.commitIndex(), "a true reply still commits");
    }

    @Test
    void theCommitIndexIsTheMajorityMatchButOnlyForAnEntryOfTheCurrentTerm()
    {
        final MemoryTermStore terms = new MemoryTermStore();
        terms.store(1, TermStore.NO_VOTE);
        final MemoryReplicaLog log = logOf(1, 1, 1);
        final ConsensusNode leader = node(0, 5, log, terms);
        electWithVotesFrom(leader, 1, 2); // term 2, no-op at 4
        for (int i = 0; i < 6; i++)
        {
            leader.propose(60 + i, 311);
        }
        assertEquals(10, log.lastIndex());
        leader.onMessage(new ConsensusMessage.AppendReply(2, 1, true, 3, 0), 312);
        leader.onMessage(new ConsensusMessage.AppendReply(2, 2, true, 3, 0), 312);
        assertEquals(0, leader.commitIndex(), "index 3 is on three of five, but of term 1");
        leader.onMessage(new ConsensusMessage.AppendReply(2, 1, true, 7, 0), 313);
        leader.onMessage(new ConsensusMessage.AppendReply(2, 2, true, 5, 0), 313);
        assertEquals(5, leader.commitIndex(), "third largest of 10, 7, 5, 0, 0");
        leader.onMessage(new ConsensusMessage.AppendReply(2, 3, true, 2, 0), 314);
        leader.onMessage(new ConsensusMessage.AppendReply(2, 4, true, 9, 0), 314);
        assertEquals(7, leader.commitIndex(), "third largest of 10, 9, 7, 5, 2");
        assertEquals(7, committed.size());
    }

    @Test
    void transferLeadershipIsRefusedWhenNotLeaderOrToItselfOrANonMember()
    {
        final ConsensusNode node = node(0, 3, new MemoryReplicaLog(), new MemoryTermStore());
        assertFalse(node.transferLeadership(1, 0));
        electWithVotesFrom(node, 1);
        assertFalse(node.transferLeadership(0, 311));
        assertFalse(node.transferLeadership(3, 311));
        assertFalse(node.transferLeadership(-1, 311));
        assertEquals(-1, node.transferTarget());
    }

    @Test
    void aTimeoutNowOfAnEarlierTermOrFromANonLeaderIsIgnored()
    {
        final MemoryTermStore terms = new MemoryTermStore();
        final ConsensusNode follower = node(1, 3, new MemoryReplicaLog(), terms);
        follower.onMessage(new ConsensusMessage.AppendEntries(3, 0, 0, 0, new long[0], new long[0], 0), 100);
        sent.clear();
        follower.onMessage(new ConsensusMessage.TimeoutNow(2, 0), 110);
        follower.onMessage(new ConsensusMessage.TimeoutNow(3, 2), 111);
        assertTrue(sent.isEmpty());
        assertEquals(Role.FOLLOWER, follower.role());
        assertEquals(3, terms.currentTerm());
        follower.onMessage(new ConsensusMessage.TimeoutNow(3, 0), 112);
        assertEquals(Role.CANDIDATE, follower.role());
        assertEquals(4, terms.currentTerm());
        final ConsensusMessage.RequestVote request = (ConsensusMessage.RequestVote)sent.get(0).message();
        assertTrue(request.leadershipTransfer());
    }

    @Test
    void aVoterWithALiveLeaderStillVotesForATransferCandidate()
    {
        final MemoryTermStore terms = new MemoryTermStore();
        final ConsensusNode follower = node(1, 3, new MemoryReplicaLog(), terms);
        follower.onMessage(new ConsensusMessage.AppendEntries(1, 0, 0, 0, new long[0], new long[0], 0), 100);
        sent.clear();
        follower.onMessage(new ConsensusMessage.RequestVote(2, 2, 0, 0, true), 120);
        assertTrue(((ConsensusMessage.VoteReply)sent.get(0).message()).granted());
        assertEquals(2, terms.currentTerm());
    }

    // ------------------------------------------------------------------------------ a small hand-driven group

    /** Three nodes whose messages queue until {@link #deliverAll} delivers them; links to a node can be cut. */
    private static final class Group
    {
        private record Message(int from, int to, ConsensusMessage message)
        {
        }

        final ConsensusNode[] nodes = new ConsensusNode[3];
        final MemoryReplicaLog[] logs = new MemoryReplicaLog[3];
        final boolean[] cut = new boolean[3];
        final ArrayDeque<Message> queue = new ArrayDeque<>();
        final List<String> timeoutNowChecks = new ArrayList<>();

        Group()
        {
            for (int id = 0; id < 3; id++)
            {
                final int from = id;
                logs[id] = new MemoryReplicaLog();
                nodes[id] = new ConsensusNode(id, 3, CONFIG, logs[id], new MemoryTermStore(),
                    ConsensusMessage.outbox((to, m) -> onSend(from, to, m)), (index, term, payload) -> { },
                    new SplittableRandom(id), 0);
            }
        }

        private void onSend(final int from, final int to, final ConsensusMessage message)
        {
            if (message instanceof ConsensusMessage.TimeoutNow)
            {
                // Recorded, not asserted here: the check runs inside the leader's call.
                timeoutNowChecks.add(nodes[from].matchIndexOf(to) + "/" + nodes[from].lastIndex());
            }
            if (!cut[to] && !cut[from])
            {
                queue.add(new Message(from, to, message));
            }
        }

        void deliverAll(final long nowMs)
        {
            for (int bound = 0; bound < 10_000 && !queue.isEmpty(); bound++)
            {
                final Message m = queue.poll();
                nodes[m.to].onMessage(m.message, nowMs);
            }
            assertTrue(queue.isEmpty(), "messages keep coming");
        }

        /** Node 0 times out first (its deadline is before the others') and wins term 1. */
        void electNodeZero()
        {
            nodes[0].onTimer(CONFIG.electionTimeoutMaxMs());
            deliverAll(CONFIG.electionTimeoutMaxMs());
            assertEquals(Role.LEADER, nodes[0].role());
        }
    }

    @Test
    void anUpToDateTargetWinsTheNextTermAndTheOldLeaderRefusesCommandsMeanwhile()
    {
        final Group group = new Group();
        group.electNodeZero();
        final ConsensusNode leader = group.nodes[0];
        assertEquals(2, leader.propose(21, 301));
        assertEquals(3, leader.propose(22, 301));
        group.deliverAll(302);
        assertEquals(3, leader.commitIndex());

        assertTrue(leader.transferLeadership(1, 303));
        assertEquals(1, leader.transferTarget());
        assertEquals(-1, leader.appendLocal(23));
        assertEquals(-1, leader.propose(23, 303));
        group.deliverAll(304); // TimeoutNow, the transfer vote (node 2 knows a live leader yet votes), the no-op

        assertEquals(Role.LEADER, group.nodes[1].role());
        assertEquals(2, group.nodes[1].currentTerm());
        assertEquals(Role.FOLLOWER, leader.role());
        assertEquals(-1, leader.transferTarget());
        assertEquals(List.of("3/3"), group.timeoutNowChecks);
        assertEquals(5, group.nodes[1].propose(24, 305));
        group.deliverAll(306);
        assertEquals(5, group.nodes[1].commitIndex(), "the new leader commits with the old one's acknowledgement");
        assertEquals(5, group.logs[0].lastIndex());
    }

    @Test
    void aLaggingTargetIsCaughtUpBeforeItIsToldToStand()
    {
        final Group group = new Group();
        group.electNodeZero();
        final ConsensusNode leader = group.nodes[0];
        group.cut[2] = true;
        for (int i = 0; i < 600; i++)
        {
            leader.propose(1000 + i, 301);
        }
        group.deliverAll(302);
        assertEquals(601, leader.commitIndex());
        assertEquals(1, group.logs[2].lastIndex());

        group.cut[2] = false;
        assertTrue(leader.transferLeadership(2, 303));
        group.deliverAll(303);
        assertTrue(group.timeoutNowChecks.isEmpty(), "node 2 lacks 600 entries: no TimeoutNow yet");
        long nowMs = 303;
        for (; nowMs < 303 + CONFIG.electionTimeoutMinMs() && group.nodes[2].role() != Role.LEADER; nowMs++)
        {
            for (final ConsensusNode node : group.nodes)
            {
                node.onTimer(nowMs);
            }
            group.deliverAll(nowMs);
        }
        assertEquals(Role.LEADER, group.nodes[2].role());
        assertEquals(2, group.nodes[2].currentTerm());
        assertEquals(List.of("601/601"), group.timeoutNowChecks);
        assertEquals(602, group.logs[2].lastIndex(), "the old entries and its own no-op");
    }

    /** A target that never caught up was never told to stand: the leader gives the transfer up and goes on. */
    @Test
    void aTransferToAnUnreachableTargetIsGivenUpAfterTheMaximumElectionTimeout()
    {
        final Group group = new Group();
        group.electNodeZero();
        final ConsensusNode leader = group.nodes[0];
        group.cut[1] = true;
        assertEquals(2, leader.propose(21, 301)); // node 1 never gets it: it is not caught up, no TimeoutNow goes out
        group.deliverAll(301);
        assertTrue(leader.transferLeadership(1, 301));
        for (long nowMs = 302; nowMs < 301 + CONFIG.electionTimeoutMaxMs(); nowMs += 10)
        {
            leader.onTimer(nowMs);
            group.nodes[2].onTimer(nowMs);
            group.deliverAll(nowMs);
            assertEquals(1, leader.transferTarget());
            assertEquals(-1, leader.appendLocal(5));
        }
        leader.onTimer(301 + CONFIG.electionTimeoutMaxMs());
        assertTrue(group.timeoutNowChecks.isEmpty());
        assertEquals(-1, leader.transferTarget());
        assertEquals(Role.LEADER, leader.role());
        assertEquals(3, leader.appendLocal(5));
    }

    /**
     * A caught-up target was sent TimeoutNow, which the leader cannot tell lost from won: the target may lead the next
     * term with votes this leader still counts as heard. Giving the transfer up, the leader steps down instead of
     * taking commands again, which under {@code local} it would acknowledge for nothing (simulation seed 449 of groups
     * of five: 4 lost, {@code ConsensusSimulationTest.localAcknowledgementStopsOnceALaterLeaderIsElected}).
     */
    @Test
    void aLeaderWhoseTimeoutNowWentOutStepsDownWhenItGivesTheTransferUp()
    {
        final Group group = new Group();
        group.electNodeZero();
        final ConsensusNode leader = group.nodes[0];
        group.cut[1] = true;
        assertTrue(leader.transferLeadership(1, 301));
        assertEquals(List.of("1/1"), group.timeoutNowChecks, "caught up: told to stand, the message lost");
        for (long nowMs = 302; nowMs < 301 + CONFIG.electionTimeoutMaxMs(); nowMs += 10)
        {
            leader.onTimer(nowMs);
            group.deliverAll(nowMs);
            assertEquals(Role.LEADER, leader.role());
            assertEquals(-1, leader.appendLocal(5));
        }
        leader.onTimer(301 + CONFIG.electionTimeoutMaxMs());
        assertEquals(-1, leader.transferTarget());
        assertEquals(Role.FOLLOWER, leader.role());
        assertEquals(-1, leader.appendLocal(5));
        assertEquals(1, leader.currentTerm(), "no term raised: the group elects a leader as usual");
    }

    /**
     * Concurrency review 16: while the leader's snapshot source cannot tell its newest snapshot, a follower whose
     * position is probed is sent nothing (before, "unknown" was taken for "none" and the probe went out as entries, so
     * a wiped follower could be streamed the whole log); once the source knows, the next heartbeat probes and the
     * follower, found empty, is sent the snapshot.
     */
    @Test
    void aProbedFollowerIsSentNothingWhileTheNewestSnapshotIsUnknown()
    {
        final long[] latest = {SnapshotSource.UNKNOWN};
        final SnapshotSource source = new SnapshotSource()
        {
            @Override
            public long latestIndex()
            {
                return latest[0];
            }

            @Override
            public long length(final long index)
            {
                return index == latest[0] ? 100 : -1;
            }

            @Override
            public long catchUpEntriesMax()
            {
                return 10;
            }

            @Override
            public int chunkBytes()
            {
                return 64;
            }

            @Override
            public boolean read(final long index, final long offset, final org.agrona.MutableDirectBuffer into,
                final int intoOffset, final int length)
            {
                return index == latest[0];
            }
        };
        final MemoryReplicaLog log = logOf(1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1);
        final ConsensusNode leader = new ConsensusNode(0, 3, CONFIG, log, new MemoryTermStore(),
            ConsensusMessage.outbox((to, m) -> sent.add(new Sent(to, m))), (index, term, payload) -> { },
            new SplittableRandom(7), 0, 0, source, null, MembershipHistory.inMemory(0, 3));
        leader.onTimer(CONFIG.electionTimeoutMaxMs());
        leader.onMessage(new ConsensusMessage.VoteReply(leader.currentTerm(), 1, true), 310);
        assertEquals(Role.LEADER, leader.role());
        assertTrue(appendsTo(1).isEmpty(), "nothing decided while the newest snapshot is unknown");
        leader.onTimer(310 + CONFIG.heartbeatIntervalMs());
        assertTrue(appendsTo(1).isEmpty(), "nor at the heartbeat");

        latest[0] = 15;
        leader.onTimer(310 + 2 * CONFIG.heartbeatIntervalMs());
        assertEquals(1, appendsTo(1).size(), "the probe, once the source knows");
        sent.clear();
        leader.onMessage(new ConsensusMessage.AppendReply(leader.currentTerm(), 1, false, 0, 1), 420);
        assertTrue(appendsTo(1).isEmpty());
        assertTrue(sent.stream().anyMatch((s) -> 1 == s.to() &&
            s.message() instanceof ConsensusMessage.InstallSnapshot install && 15 == install.snapshotIndex()),
            "the empty follower is sent the snapshot");
    }
}
