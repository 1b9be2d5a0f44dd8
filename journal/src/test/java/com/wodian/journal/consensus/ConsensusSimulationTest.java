package com.wodian.journal.consensus;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs {@link GroupSimulation} under many seeds. A failure message names its seed; rerun just that seed with
 * {@code -Dconsensus.seed=N} to reproduce it exactly. {@code -Dconsensus.seeds=N} runs more seeds.
 */
class ConsensusSimulationTest
{
    private static final long FAULTY_MS = 4_000;
    private static final long HEAL_MS = 3_000;
    private static final int RESTORE_MUTATION_SEEDS_MAX = 2_000;

    private static long firstSeed()
    {
        return Long.getLong("consensus.seed", 1);
    }

    private static int seedCount(final int defaultCount)
    {
        return System.getProperty("consensus.seed") != null ? 1 : Integer.getInteger("consensus.seeds", defaultCount);
    }

    @Test
    void quorumAcknowledgementNeverLosesOrRepeatsACommandInAGroupOfThree()
    {
        final List<Long> failovers = new ArrayList<>();
        int acked = 0;
        int elections = 0;
        int transfersStarted = 0;
        int transfersWon = 0;
        int prunes = 0;
        int installs = 0;
        int checksumFailures = 0;
        int membershipChanges = 0;
        int replacements = 0;
        int restores = 0;
        int votesRefused = 0;
        int rejoinsWithoutVote = 0;
        final int seeds = seedCount(2_000);
        for (long seed = firstSeed(); seed < firstSeed() + seeds; seed++)
        {
            final GroupSimulation.Result result =
                new GroupSimulation(seed, 3, AckPolicy.QUORUM).run(FAULTY_MS, HEAL_MS);
            assertEquals(0, result.lostAcks(), "seed " + seed + " lost acknowledged commands");
            acked += result.acked();
            elections += result.elections();
            transfersStarted += result.transfersStarted();
            transfersWon += result.transfersWon();
            prunes += result.prunes();
            installs += result.snapshotInstalls();
            checksumFailures += result.snapshotChecksumFailures();
            membershipChanges += result.membershipChanges();
            replacements += result.replacements();
            restores += result.restores();
            votesRefused += result.votesRefused();
            rejoinsWithoutVote += result.rejoinsWithoutVote();
            failovers.addAll(result.failoverMs());
        }
        assertTrue(acked > seeds * 10, "too few commands acknowledged for the run to mean anything: " + acked);
        assertTrue(transfersWon > 0 || seeds < 100, "no leadership transfer succeeded in " + transfersStarted);
        assertTrue(prunes > 0 || seeds < 100, "journal retention never ran");
        assertTrue(installs > 0 || seeds < 100, "no standby was ever repaired by a snapshot install");
        assertTrue(checksumFailures > 0 || seeds < 100, "no corrupted snapshot was ever refused");
        assertTrue(membershipChanges > 0 || seeds < 100, "the membership never changed");
        assertTrue(replacements > 0 || seeds < 100, "no wiped node was ever added back");
        assertTrue(restores > 0 && votesRefused > 0 || seeds < 100,
            "no node restored from a backup had its votes refused: " + restores + " restores");
        Collections.sort(failovers);
        System.out.printf("consensus simulation: %d seeds, %d acknowledged commands, %d elections, %d leader " +
                "losses followed by a success; simulated failover ms p50 %d p99 %d max %d; leadership transfers " +
                "%d started, %d won by their target in the next term; %d retention passes; %d snapshot installs, %d " +
                "refused for their checksum; %d membership changes, %d nodes wiped and added back; %d nodes restored " +
                "from a backup, %d of their votes refused; %d wiped nodes joined without their vote and were removed " +
                "and added again%n",
            seeds, acked, elections, failovers.size(), percentile(failovers, 0.50), percentile(failovers, 0.99),
            failovers.isEmpty() ? -1 : failovers.get(failovers.size() - 1), transfersStarted, transfersWon, prunes, installs,
            checksumFailures, membershipChanges, replacements, restores, votesRefused, rejoinsWithoutVote);
    }

    @Test
    void allAcknowledgementAndGroupsOfFiveStaySafe()
    {
        int setChanges = 0;
        for (long seed = firstSeed(); seed < firstSeed() + seedCount(300); seed++)
        {
            final GroupSimulation.Result all = new GroupSimulation(seed, 3, AckPolicy.ALL).run(FAULTY_MS, HEAL_MS);
            assertEquals(0, all.lostAcks(), "seed " + seed);
            setChanges += all.ackSetChanges();
            assertEquals(0, new GroupSimulation(seed, 5, AckPolicy.QUORUM).run(FAULTY_MS, HEAL_MS)
                .lostAcks(), "seed " + seed);
        }
        // The product's rule drops standbys from the ALL set and takes them back; the seeds must exercise that.
        assertTrue(setChanges > 0 || seedCount(300) < 50, "no standby ever left the acknowledgement set");
    }

    /**
     * The checker must be able to fail: acknowledging on the leader's own log alone does lose acknowledged commands
     * when the leader dies before a standby has them. This is why LOCAL is not the default.
     */
    @Test
    void localAcknowledgementLosesAcknowledgedCommandsAndTheCheckerSeesIt()
    {
        int seedsWithLoss = 0;
        for (long seed = 1; seed <= 400 && seedsWithLoss == 0; seed++)
        {
            if (new GroupSimulation(seed, 3, AckPolicy.LOCAL).run(FAULTY_MS, HEAL_MS).lostAcks() > 0)
            {
                seedsWithLoss++;
            }
        }
        assertTrue(seedsWithLoss > 0, "no seed lost an acknowledged command under LOCAL acknowledgement");
    }

    /**
     * The checker must see what the incarnation check prevents: a node restored from a backup that keeps voting (its
     * restore goes unnoticed, as a block-level image restored in place would) gives a vote it already gave or lacks
     * entries it acknowledged, and a second leader of a term or a lost acknowledged command follows in some seed.
     */
    @Test
    void aRestoredNodeThatKeepsVotingBreaksSafetyAndTheCheckerSeesIt()
    {
        long failingSeed = -1;
        String failure = "";
        for (long seed = 1; seed <= RESTORE_MUTATION_SEEDS_MAX && failingSeed < 0; seed++)
        {
            try
            {
                if (new GroupSimulation(seed, 3, AckPolicy.QUORUM, true).run(FAULTY_MS, HEAL_MS).lostAcks() > 0)
                {
                    failingSeed = seed;
                    failure = "lost acknowledged commands";
                }
            }
            catch (final AssertionError | IllegalStateException ex)
            {
                failingSeed = seed;
                failure = ex.getMessage();
            }
        }
        assertTrue(failingSeed > 0, "no seed up to " + RESTORE_MUTATION_SEEDS_MAX + " broke with a restored node voting");
        System.out.println("consensus simulation: a restored node that keeps voting breaks seed " + failingSeed + ": " +
            failure);
    }

    /**
     * A standby whose links are slow but whole (20-80 ms each way, in order, no loss) must neither start an election
     * nor lead: heartbeats still arrive well within the election timeout. The multi-process fault test cannot assert
     * this (a JVM starved of CPU on a loaded machine legitimately times out), so the property is checked here, where
     * time is simulated.
     */
    @Test
    void aSlowStandbyNeitherDisruptsNorTakesOver()
    {
        int acked = 0;
        for (long seed = firstSeed(); seed < firstSeed() + seedCount(300); seed++)
        {
            final int delayMs = 20 + (int)(seed % 61);
            final GroupSimulation.SlowRun run = new GroupSimulation(seed, 3, AckPolicy.QUORUM)
                .runWithSlowStandby(2_000, delayMs, 3_000);
            assertEquals(0, run.elections(), "seed " + seed + ": elections while standby " + run.slowNode() +
                " was " + delayMs + " ms slow");
            assertTrue(!run.slowNodeLed(), "seed " + seed + ": slow standby " + run.slowNode() + " led");
            assertEquals(run.leaderBefore(), run.leaderAfter(), "seed " + seed);
            acked += run.acked();
        }
        assertTrue(acked > 1_000, "too few commands acknowledged while a standby was slow: " + acked);
    }

    /**
     * ops-review finding 4: a standby restarted under a healthy primary (the primary's redial reaching it only after
     * its election timeout, as in the server) must rejoin without an election: the primary keeps its role and its
     * term, and the standby catches up. Pre-Vote is what makes this hold.
     */
    @Test
    void aRestartedStandbyRejoinsWithoutDeposingAHealthyPrimary()
    {
        for (long seed = firstSeed(); seed < firstSeed() + seedCount(300); seed++)
        {
            final GroupSimulation.RestartRun run = restartRun(seed, true);
            final String what = "seed " + seed + ": standby " + run.restarted() + " restarted under primary " +
                run.leaderBefore() + " of term " + run.termBefore();
            assertEquals(0, run.elections(), what + ": elections");
            assertEquals(run.leaderBefore(), run.leaderAfter(), what);
            assertEquals(run.termBefore(), run.termAfter(), what + ": the primary's term moved");
            assertTrue(run.restartedCaughtUp(), what + ": the restarted standby did not catch up");
        }
    }

    /**
     * A rolling upgrade to Pre-Vote: one node still of the build before it (it stands at once; its peers send it no
     * PreVote and count it a yes only after their grace). Under the usual faults the group stays safe, loses no
     * acknowledged command and converges: the grace costs failover time, never liveness.
     */
    @Test
    void aGroupWithOneNodeOfTheOlderBuildStaysSafeAndConverges()
    {
        for (long seed = firstSeed(); seed < firstSeed() + seedCount(300); seed++)
        {
            final int groupSize = 3 + 2 * (int)(seed % 2);
            final GroupSimulation.Result result = new GroupSimulation(seed, groupSize, AckPolicy.QUORUM, false, true,
                (int)(seed % groupSize)).run(FAULTY_MS, HEAL_MS);
            assertEquals(0, result.lostAcks(), "seed " + seed + " lost acknowledged commands");
        }
    }

    /** Without Pre-Vote the same restarts depose the primary in some seeds: the property above can fail. */
    @Test
    void withoutPreVoteARestartedStandbyDeposesThePrimaryAndTheCheckerSeesIt()
    {
        int deposed = 0;
        for (long seed = 1; seed <= 100; seed++)
        {
            final GroupSimulation.RestartRun run = restartRun(seed, false);
            deposed += run.termAfter() != run.termBefore() ? 1 : 0;
        }
        assertTrue(deposed > 0, "no restart deposed the primary without Pre-Vote");
    }

    /**
     * A hand-over holds (the CI failure of stop 46: GroupCommandsTest's {@code demote}, then an election that gave the
     * role back): the target's transfer RequestVote lost to some members, the votes reaching it up to 139 ms late and
     * its first messages as leader reaching each member up to 139 ms late (election timeout 150-300 ms), and still no
     * member starts a further term: the target leads the next term to the end. The transfer vote lease makes it hold
     * ({@link Election#inTransferVoteLease}; also none of 2,000 seeds); without it 21 of the 378 hand-overs
     * were undone.
     */
    @Test
    void aLeadershipTransferIsNotUndoneByTheNextElection()
    {
        assertHandOversHold(seedCount(400), simulation -> simulation.runWithLateHandOver(1_000, 140, 1_500));
    }

    /**
     * A hand-over holds when the new leader's first messages reach each member 150 to 249 ms late (a starved machine;
     * its votes up to 19 ms late, its transfer RequestVote lost to some members as above), later than the minimum
     * election timeout: the target leads the next term to the end and no node reaches a later term. Before the
     * check-quorum grace of a transfer's leader ({@link Election#voterLeasesUntil}) the new leader deposed itself at
     * the minimum election timeout after its election, before any reply could come: all 185 of the 185 hand-overs of
     * these 200 seeds were undone.
     */
    @Test
    void aLeadershipTransferHoldsWhenTheNewLeadersFirstHeartbeatsComeLaterThanTheMinimumTimeout()
    {
        assertHandOversHold(seedCount(200), simulation -> simulation.runWithLateHandOver(1_000, 20, 150, 250, 1_500));
    }

    /**
     * Runs {@code seeds} hand-overs (groups of three and five by turns, quorum acknowledgement) and asserts that each
     * one that took place held: the target led the next term to the end and no node reached a later term.
     */
    private static void assertHandOversHold(
        final int seeds, final Function<GroupSimulation, GroupSimulation.TransferRun> handOver)
    {
        final List<String> undone = new ArrayList<>();
        int tookOver = 0;
        for (long seed = firstSeed(); seed < firstSeed() + seeds; seed++)
        {
            final GroupSimulation.TransferRun run =
                handOver.apply(new GroupSimulation(seed, 3 + 2 * (int)(seed % 2), AckPolicy.QUORUM));
            if (!run.tookOver())
            {
                continue; // its vote requests lost to too many members of a group of five: no hand-over to hold
            }
            tookOver++;
            if (run.leaderAfter() != run.target() || run.highestTerm() != run.termBefore() + 1)
            {
                undone.add("seed " + seed + ": " + run.leaderBefore() + " handed term " + run.termBefore() +
                    " over to " + run.target() + ", then node " + run.leaderAfter() + " led, highest term " +
                    run.highestTerm());
            }
        }
        assertTrue(tookOver > seeds / 2 || seeds < 100, "too few hand-overs for the run to mean anything: " + tookOver);
        assertTrue(undone.isEmpty(), undone.size() + " of " + tookOver + " hand-overs undone: " +
            undone.subList(0, Math.min(5, undone.size())));
    }

    /**
     * What {@code local} acknowledgement is promised (docs/replication.md, check quorum and "Acknowledgement
     * policies"): a primary cut off from its group stops acknowledging before a new primary can be elected, so the
     * commands it loses are those it acknowledged before any standby had them, never ones acknowledged while a later
     * term already had a leader (each such one is lost for good: the entry is of the stale term). Groups of five under
     * the usual faults, leadership transfers and check-quorum graces included. Seed 449 broke it before a leader whose
     * transfer's TimeoutNow went out stepped down when giving the transfer up
     * ({@link LeadershipTransfer#giveUpIfExpired}): the target had won without it, and it acknowledged 4 commands
     * under {@code local} that term never had. The check also sees a grace that is not fenced by leases (seed 346
     * here; 6 of seeds 1-1,000 of five when every leader counted every peer as heard until the maximum election
     * timeout after it stood), and, over 2,000 seeds, the transfer grace with leases that end when the voter hears
     * the leader (9 seeds; {@code PreVoteTest.hearingTheLeaderDoesNotEndTheTransferVoteLease} pins that rule).
     * (Quorum and all are checked in every run: every acknowledged entry is in every later leader's log.)
     */
    @Test
    void localAcknowledgementStopsOnceALaterLeaderIsElected()
    {
        int acked = 0;
        final long first = System.getProperty("consensus.seed") != null ? firstSeed() : 301;
        for (long seed = first; seed < first + seedCount(200); seed++)
        {
            final GroupSimulation simulation = new GroupSimulation(seed, 5, AckPolicy.LOCAL);
            final GroupSimulation.Result result = simulation.run(FAULTY_MS, HEAL_MS);
            assertEquals(0, result.staleAcks(), "seed " + seed + ": " + simulation.firstStaleAck());
            acked += result.acked();
        }
        assertTrue(acked > 1_000, "too few commands acknowledged for the run to mean anything: " + acked);
    }

    private static GroupSimulation.RestartRun restartRun(final long seed, final boolean preVote)
    {
        final AckPolicy policy = AckPolicy.values()[(int)(seed % AckPolicy.values().length)];
        return new GroupSimulation(seed, 3 + 2 * (int)(seed % 2), policy, false, preVote)
            .runWithRestartedStandby(2_000, 50 + seed * 37 % 1_500, 300 + seed * 53 % 700, 2_000);
    }

    @Test
    void aSeedReplaysExactly()
    {
        final GroupSimulation.Result first =
            new GroupSimulation(42, 3, AckPolicy.QUORUM).run(FAULTY_MS, HEAL_MS);
        final GroupSimulation.Result second =
            new GroupSimulation(42, 3, AckPolicy.QUORUM).run(FAULTY_MS, HEAL_MS);
        assertEquals(first, second);
    }

    private static long percentile(final List<Long> sorted, final double fraction)
    {
        if (sorted.isEmpty())
        {
            return -1;
        }
        return sorted.get(Math.min(sorted.size() - 1, (int)Math.ceil(fraction * sorted.size()) - 1));
    }
}
