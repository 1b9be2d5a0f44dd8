package com.wodian.journal.consensus;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Membership changes one rule at a time (Raft thesis chapter 4), messages delivered by hand. The simulation covers
 * them under faults; these pin each rule down.
 */
class MembershipChangeTest
{
    /** The plain election rules, a timeout making a candidate at once; Pre-Vote has its own tests (PreVoteTest). */
    private static final ConsensusConfig CONFIG = ConsensusConfig.defaults().withPreVote(false);

    private record Sent(int to, ConsensusMessage message)
    {
    }

    private final List<Sent> sent = new ArrayList<>();

    private ConsensusNode node(final int id, final int groupSize, final MemoryReplicaLog log, final TermStore terms,
        final MembershipHistory membership)
    {
        return new ConsensusNode(id, groupSize, CONFIG, log, terms,
            ConsensusMessage.outbox((to, m) -> sent.add(new Sent(to, m))), (index, term, payload) -> { },
            new SplittableRandom(7), 0, 0, null, null, membership);
    }

    /** Node 0 of a group of 3 elected at term 1 with node 1's vote, and its no-op committed on node 1. */
    private ConsensusNode leaderWithCommittedNoOp(final MemoryReplicaLog log, final MembershipHistory membership)
    {
        final ConsensusNode leader = node(0, 3, log, new MemoryTermStore(), membership);
        leader.onTimer(CONFIG.electionTimeoutMaxMs());
        leader.onMessage(new ConsensusMessage.VoteReply(1, 1, true), 310);
        assertEquals(Role.LEADER, leader.role());
        leader.onMessage(new ConsensusMessage.AppendReply(1, 1, true, 1, 0), 311);
        assertEquals(1, leader.commitIndex());
        return leader;
    }

    private List<ConsensusMessage> sentTo(final int peer)
    {
        final List<ConsensusMessage> messages = new ArrayList<>();
        for (final Sent s : sent)
        {
            if (s.to() == peer)
            {
                messages.add(s.message());
            }
        }
        return messages;
    }

    @Test
    void aRemovalTakesEffectOnAppendAndChangesTheMajority()
    {
        final MemoryReplicaLog log = new MemoryReplicaLog();
        final ConsensusNode leader = leaderWithCommittedNoOp(log, MembershipHistory.inMemory(0, 3));
        assertEquals(MembershipChange.STARTED, leader.removeMember(2, 400));
        assertEquals(Membership.of(0b011, 0), leader.configuration(), "in effect on append, before it commits");
        assertEquals(Membership.configurationOfPayload(log.payloadAt(2)), leader.configuration());
        assertEquals(MembershipChange.IN_PROGRESS, leader.addMember(2, 401), "one change at a time");
        // Node 2 no longer counts: its acknowledgement commits nothing, node 1's does.
        leader.onMessage(new ConsensusMessage.AppendReply(1, 2, true, 2, 0), 402);
        assertEquals(1, leader.commitIndex());
        leader.onMessage(new ConsensusMessage.AppendReply(1, 1, true, 2, 0), 403);
        assertEquals(2, leader.commitIndex());
        assertTrue(leader.configurationCommitted());
        assertEquals(MembershipChange.UNCHANGED, leader.removeMember(2, 404));
    }

    @Test
    void aChangeWaitsForAnEntryOfTheLeadersOwnTermToCommit()
    {
        final ConsensusNode leader = node(0, 3, new MemoryReplicaLog(), new MemoryTermStore(),
            MembershipHistory.inMemory(0, 3));
        leader.onTimer(CONFIG.electionTimeoutMaxMs());
        leader.onMessage(new ConsensusMessage.VoteReply(1, 1, true), 310);
        assertEquals(MembershipChange.IN_PROGRESS, leader.removeMember(2, 311));
        assertEquals(MembershipChange.NOT_LEADER,
            node(1, 3, new MemoryReplicaLog(), new MemoryTermStore(), MembershipHistory.inMemory(1, 3))
                .removeMember(2, 0));
    }

    @Test
    void aNewNodeJoinsAsALearnerThatDoesNotCountAndIsPromotedOnceCaughtUp()
    {
        final MemoryReplicaLog log = new MemoryReplicaLog();
        final ConsensusNode leader = leaderWithCommittedNoOp(log, new MembershipHistory(0, Membership.of(0b011, 0),
            null, false));
        assertEquals(MembershipChange.STARTED, leader.addMember(2, 400));
        assertEquals(Membership.of(0b011, 0b100), leader.configuration());
        assertFalse(leader.isVoter(2));
        assertFalse(sentTo(2).isEmpty(), "the learner is replicated to");
        // The learner's acknowledgement commits nothing; node 1's does (two voters: both needed).
        leader.onMessage(new ConsensusMessage.AppendReply(1, 2, true, 2, 0), 402);
        assertEquals(1, leader.commitIndex());
        leader.onMessage(new ConsensusMessage.AppendReply(1, 1, true, 2, 0), 403);
        assertEquals(2, leader.commitIndex());
        leader.onTimer(404); // the first catch-up round starts at the leader's last index
        assertFalse(leader.isVoter(2));
        leader.onTimer(405); // the learner holds it already: a round well within the election timeout
        assertTrue(leader.isVoter(2), "a caught-up learner becomes a voter");
        assertEquals(Membership.allVoters(3), Membership.configurationOfPayload(log.payloadAt(3)));
    }

    @Test
    void aLearnerThatDoesNotKeepUpStaysALearner()
    {
        final MemoryReplicaLog log = new MemoryReplicaLog();
        final ConsensusNode leader = leaderWithCommittedNoOp(log, new MembershipHistory(0, Membership.of(0b011, 0),
            null, false));
        leader.addMember(2, 400);
        leader.onMessage(new ConsensusMessage.AppendReply(1, 1, true, 2, 0), 401);
        leader.onTimer(402);
        for (long now = 403; now < 2_000; now += 10)
        {
            leader.onMessage(new ConsensusMessage.AppendReply(1, 1, true, 2, 0), now); // node 2 silent
            leader.onTimer(now);
        }
        assertFalse(leader.isVoter(2));
        // It catches up, but the round that started long ago ends late: one more round, which is quick.
        leader.onMessage(new ConsensusMessage.AppendReply(1, 2, true, log.lastIndex(), 0), 2_000);
        leader.onTimer(2_001);
        assertFalse(leader.isVoter(2), "a slow round does not promote");
        leader.onTimer(2_002);
        assertTrue(leader.isVoter(2));
    }

    @Test
    void aCandidateCountsOnlyTheVotesOfItsConfigurationsVoters()
    {
        final ConsensusNode candidate = node(0, 3, new MemoryReplicaLog(), new MemoryTermStore(),
            new MembershipHistory(0, Membership.of(0b011, 0), null, false));
        candidate.onTimer(CONFIG.electionTimeoutMaxMs());
        assertEquals(Role.CANDIDATE, candidate.role());
        assertTrue(sentTo(2).isEmpty(), "no vote request to a node that is not a voter");
        candidate.onMessage(new ConsensusMessage.VoteReply(1, 2, true), 310);
        assertEquals(Role.CANDIDATE, candidate.role(), "the vote of a non-voter does not count");
        candidate.onMessage(new ConsensusMessage.VoteReply(1, 1, true), 311);
        assertEquals(Role.LEADER, candidate.role(), "two voters: both votes needed");
    }

    @Test
    void aJoiningNodeNeitherVotesNorStandsUntilItIsAddedAsALearner()
    {
        final MembershipHistory membership = new MembershipHistory(2, Membership.allVoters(3), null, true);
        final MemoryReplicaLog log = new MemoryReplicaLog();
        final ConsensusNode joining = node(2, 3, log, new MemoryTermStore(), membership);
        assertFalse(joining.configurationFromLog(), "only the bootstrap of its addresses: not the group's");
        joining.onTimer(10 * CONFIG.electionTimeoutMaxMs());
        assertEquals(Role.FOLLOWER, joining.role(), "a joining node never stands");
        joining.onMessage(new ConsensusMessage.RequestVote(5, 0, 0, 0, false), 4_000);
        assertFalse(((ConsensusMessage.VoteReply)sent.get(sent.size() - 1).message()).granted(),
            "a wiped node has forgotten its votes: it must not vote");
        // The leader's log: the configuration that added it as a learner, then the one that made it a voter.
        final long learner = Membership.of(0b011, 0b100);
        joining.onMessage(new ConsensusMessage.AppendEntries(6, 0, 0, 0, new long[] {6, 6},
            new long[] {0, Membership.entryPayload(learner)}, 1), 4_001);
        assertEquals(learner, joining.configuration());
        assertTrue(joining.configurationFromLog());
        assertTrue(joining.mayVote());
        joining.onMessage(new ConsensusMessage.RequestVote(7, 1, 2, 6, false), 9_000);
        assertTrue(((ConsensusMessage.VoteReply)sent.get(sent.size() - 1).message()).granted());
        joining.onTimer(20_000);
        assertEquals(Role.FOLLOWER, joining.role(), "a learner never stands");
    }

    /**
     * ops-review finding 5: node 2 was wiped and started with --join while still a voter (its {@code group remove}
     * had failed during an election). The leader's log holds, from node 2's earlier {@code group add}, a configuration
     * naming it a learner; catching up through that entry must not give the wiped node its vote back: the entry
     * predates the wipe and settles nothing about the votes the directory forgot. Only a learner entry appended after
     * the join (a remove and an add) does.
     */
    @Test
    void aJoiningNodeThatCatchesUpThroughAnOldLearnerEntryDoesNotVote()
    {
        final MembershipHistory membership = new MembershipHistory(2, Membership.allVoters(3), null, true);
        final ConsensusNode joining = node(2, 3, new MemoryReplicaLog(), new MemoryTermStore(), membership);
        // The leader still counts node 2 a voter: it reaches it at the end of its log (index 5), and is refused.
        joining.onMessage(new ConsensusMessage.AppendEntries(3, 0, 5, 3, new long[0], new long[0], 5), 1_000);
        final ConsensusMessage.AppendReply refusal = (ConsensusMessage.AppendReply)sent.get(sent.size() - 1).message();
        assertFalse(refusal.success());
        assertEquals(1, refusal.conflictIndex());
        // The whole log from its start: a no-op, node 2 removed, added as a learner, made a voter, a command.
        joining.onMessage(new ConsensusMessage.AppendEntries(3, 0, 0, 0, new long[] {1, 1, 2, 2, 3},
            new long[] {0, Membership.entryPayload(Membership.of(0b011, 0)),
                Membership.entryPayload(Membership.of(0b011, 0b100)), Membership.entryPayload(Membership.allVoters(3)),
                77}, 5), 1_001);
        assertEquals(Membership.allVoters(3), joining.configuration());
        assertFalse(joining.mayVote(), "a learner entry of the log's history gave the wiped node its vote back");
        joining.onMessage(new ConsensusMessage.RequestVote(4, 1, 5, 3, false), 10_000);
        assertFalse(((ConsensusMessage.VoteReply)sent.get(sent.size() - 1).message()).granted());
        joining.onTimer(20_000);
        assertEquals(Role.FOLLOWER, joining.role(), "it never stands either");
        // The way out: group remove, then group add, appended after its join.
        joining.onMessage(new ConsensusMessage.AppendEntries(4, 1, 5, 3, new long[] {4, 4},
            new long[] {Membership.entryPayload(Membership.of(0b011, 0)),
                Membership.entryPayload(Membership.of(0b011, 0b100))}, 6), 20_001);
        assertTrue(joining.mayVote());
    }

    @Test
    void cuttingOffAConfigurationEntryGoesBackToTheOneBefore()
    {
        final MembershipHistory membership = MembershipHistory.inMemory(1, 3);
        final ConsensusNode follower = node(1, 3, new MemoryReplicaLog(), new MemoryTermStore(), membership);
        final long removal = Membership.of(0b011, 0);
        follower.onMessage(new ConsensusMessage.AppendEntries(1, 0, 0, 0, new long[] {1, 1},
            new long[] {0, Membership.entryPayload(removal)}, 1), 10);
        assertEquals(removal, follower.configuration());
        // A leader of term 2 never had it: its entry 2 conflicts and replaces it.
        follower.onMessage(new ConsensusMessage.AppendEntries(2, 2, 1, 1, new long[] {2}, new long[] {77}, 1), 20);
        assertEquals(Membership.allVoters(3), follower.configuration());
    }

    @Test
    void aRemovedLeaderStepsDownOnceTheRemovalIsCommittedAndHandsOver()
    {
        final MemoryReplicaLog log = new MemoryReplicaLog();
        final ConsensusNode leader = leaderWithCommittedNoOp(log, MembershipHistory.inMemory(0, 3));
        assertEquals(MembershipChange.STARTED, leader.removeMember(0, 400));
        leader.onTimer(401);
        assertEquals(Role.LEADER, leader.role(), "it manages the group until the removal commits");
        leader.onMessage(new ConsensusMessage.AppendReply(1, 1, true, 2, 0), 402);
        assertEquals(1, leader.commitIndex(), "it does not count itself: nodes 1 and 2 are the majority");
        leader.onMessage(new ConsensusMessage.AppendReply(1, 2, true, 2, 0), 403);
        assertEquals(2, leader.commitIndex());
        sent.clear();
        leader.onTimer(404);
        assertEquals(Role.FOLLOWER, leader.role());
        assertTrue(sent.stream().anyMatch(s -> s.message() instanceof ConsensusMessage.TimeoutNow),
            "an up-to-date voter is asked to stand at once");
        leader.onTimer(10_000);
        assertEquals(Role.FOLLOWER, leader.role(), "a removed node never stands");
    }

    /**
     * Seed 4208 of the simulation (10,000 seeds): a leader appended its own removal and lost its role before the
     * removal committed; it alone held the most up-to-date log, so nobody else could win. It must stand (counting
     * only the voters of its newest configuration), win, commit its removal and hand over.
     */
    @Test
    void aNodeWhoseOwnRemovalIsNotCommittedStandsWithoutCountingItself()
    {
        final ConsensusNode node = leaderWithCommittedNoOp(new MemoryReplicaLog(), MembershipHistory.inMemory(0, 3));
        assertEquals(MembershipChange.STARTED, node.removeMember(0, 400));
        node.onMessage(new ConsensusMessage.AppendReply(2, 1, false, 0, 0), 401); // a higher term: it steps down
        assertEquals(Role.FOLLOWER, node.role());
        node.onTimer(401 + 2 * CONFIG.electionTimeoutMaxMs());
        assertEquals(Role.CANDIDATE, node.role(), "it stands: nobody else holds its removal");
        final long term = node.currentTerm();
        node.onMessage(new ConsensusMessage.VoteReply(term, 1, true), 1_100);
        assertEquals(Role.CANDIDATE, node.role(), "its own vote does not count: voters 1 and 2 are needed");
        node.onMessage(new ConsensusMessage.VoteReply(term, 2, true), 1_101);
        assertEquals(Role.LEADER, node.role());
    }

    /**
     * Seed 3353 of the simulation (groups of five): a late reply of a node's earlier incarnation (before it was wiped)
     * left the leader believing the learner held entries it no longer had, and every refusal was clamped to that
     * belief. A learner's refusal below what it acknowledged now resets it.
     */
    @Test
    void aWipedLearnersRefusalBelowItsStaleAcknowledgementIsTrusted()
    {
        final MemoryReplicaLog log = new MemoryReplicaLog();
        final ConsensusNode leader = leaderWithCommittedNoOp(log, new MembershipHistory(0, Membership.of(0b011, 0),
            null, false));
        leader.addMember(2, 400);
        leader.onMessage(new ConsensusMessage.AppendReply(1, 2, true, 2, 0), 401); // the old incarnation, late
        assertEquals(2, leader.matchIndexOf(2));
        sent.clear();
        leader.onMessage(new ConsensusMessage.AppendReply(1, 2, false, 0, 1), 402); // the wiped node: empty log
        assertEquals(0, leader.matchIndexOf(2));
        assertEquals(1, leader.nextIndexOf(2), "it is sent the log from its start again");
        assertFalse(sentTo(2).isEmpty());
    }

    @Test
    void aSnapshotInstallCarriesTheConfigurationAtItsIndex()
    {
        final MembershipHistory membership = new MembershipHistory(2, Membership.allVoters(3), null, true);
        final MembershipHistory history = MembershipHistory.inMemory(0, 3);
        history.append(5, Membership.of(0b011, 0b100));
        assertEquals(Membership.allVoters(3), history.at(4));
        assertEquals(Membership.of(0b011, 0b100), history.at(9));
        membership.resetTo(9, history.at(9));
        assertTrue(membership.mayVote(), "the snapshot's configuration names it a learner");
        assertEquals(9, membership.latestIndex());
    }

    @Test
    void aConfigurationEntryIsTaggedAndOrdinaryPayloadsAreNot()
    {
        final long configuration = Membership.of(0b1011, 0b0100);
        assertEquals(configuration, Membership.configurationOfPayload(Membership.entryPayload(configuration)));
        assertEquals(Membership.NONE, Membership.configurationOfPayload(0));
        assertEquals(Membership.NONE, Membership.configurationOfPayload(1_000_000_007L));
        assertEquals(Membership.NONE, Membership.configurationOfPayload(-1));
        assertEquals("voters 0,1,3 learners 2", Membership.describe(configuration));
        assertThrows(IllegalArgumentException.class, () -> Membership.of(1, 1));
    }
}
