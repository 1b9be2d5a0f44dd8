package com.wodian.journal.consensus.storage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import com.wodian.journal.consensus.Membership;
import com.wodian.journal.consensus.MembershipHistory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MembershipFileTest
{
    @Test
    void theHistorySurvivesARestartAndRefusesDamage(@TempDir final Path dir) throws IOException
    {
        final Path file = dir.resolve("membership");
        final MembershipHistory joining = MembershipFile.open(file, 2, Membership.allVoters(3), true);
        assertFalse(MembershipFile.open(file, 2, Membership.allVoters(3), false).mayVote(),
            "a restart before it is added does not make it a voter");
        joining.append(4, Membership.of(0b011, 0b100));
        joining.append(9, Membership.allVoters(3));
        final MembershipHistory reopened = MembershipFile.open(file, 2, Membership.allVoters(3), false);
        assertTrue(reopened.mayVote());
        assertEquals(9, reopened.latestIndex());
        assertEquals(Membership.of(0b011, 0b100), reopened.at(8));
        reopened.truncateFrom(9);
        assertEquals(4, MembershipFile.open(file, 2, Membership.allVoters(3), false).latestIndex());
        final byte[] bytes = Files.readAllBytes(file);
        bytes[30] ^= 1;
        Files.write(file, bytes);
        assertThrows(IllegalStateException.class, () -> MembershipFile.open(file, 2, Membership.allVoters(3), false));
    }

    /**
     * Reviewer finding 14: a node whose log holds no configuration entry used the configuration of its current
     * --peers list, so after a rolling restart with a longer list a new id counted as a voter at once on the
     * restarted nodes only. The configuration stored at the first start holds until a configuration entry changes it.
     */
    @Test
    void aLongerPeersListAddsAnAddressNotAVoter(@TempDir final Path dir)
    {
        final Path file = dir.resolve("membership");
        MembershipFile.open(file, 0, Membership.allVoters(3), false);

        final MembershipHistory restarted = MembershipFile.open(file, 0, Membership.allVoters(4), false);
        assertEquals(Membership.allVoters(3), restarted.bootstrap());
        assertEquals(Membership.allVoters(3), restarted.latest(), "node 3 is not a member before group add");
        assertFalse(Membership.isMember(restarted.latest(), 3));

        restarted.append(7, Membership.withLearner(restarted.latest(), 3)); // wodian group add 3
        final MembershipHistory again = MembershipFile.open(file, 0, Membership.allVoters(4), false);
        assertTrue(Membership.isLearner(again.latest(), 3));
        assertEquals(Membership.allVoters(3), again.at(6));
    }

    /**
     * ops-review finding 5: a joining node's join floor survives a restart in the middle of its catch-up, so that a
     * learner configuration of the log's history it replays after the restart still does not give it its vote.
     */
    @Test
    void aJoiningNodesFloorSurvivesARestart(@TempDir final Path dir) throws IOException
    {
        final Path file = dir.resolve("membership");
        MembershipFile.open(file, 2, Membership.allVoters(3), true).leaderReached(41);
        final MembershipHistory restarted = MembershipFile.open(file, 2, Membership.allVoters(3), false);
        assertEquals(41, restarted.joinFloor());
        restarted.append(30, Membership.of(0b011, 0b100)); // history: an earlier group add of node 2
        assertFalse(MembershipFile.open(file, 2, Membership.allVoters(3), false).mayVote());
        restarted.append(42, Membership.of(0b011, 0b100)); // group add after its join
        final MembershipHistory added = MembershipFile.open(file, 2, Membership.allVoters(3), false);
        assertTrue(added.mayVote());
        assertEquals(MembershipHistory.NO_FLOOR, added.joinFloor(), "stored in the first layout again");
        assertEquals(24 + 2 * 16 + 4, Files.size(file), "header, two pairs, CRC32C: what builds before read");
    }

    @Test
    void aNewNodeStartsFromItsPeersList(@TempDir final Path dir)
    {
        final MembershipHistory fresh = MembershipFile.open(dir.resolve("membership"), 1, Membership.allVoters(5),
            false);
        assertEquals(Membership.allVoters(5), fresh.latest());
        assertTrue(fresh.mayVote());
        assertEquals(Membership.allVoters(5), MembershipFile.open(dir.resolve("membership"), 1,
            Membership.allVoters(3), false).bootstrap(), "stored at the first start");
    }
}
