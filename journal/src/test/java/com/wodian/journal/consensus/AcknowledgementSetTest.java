package com.wodian.journal.consensus;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The acknowledgement set counts only under the ALL policy, so only there are standbys dropped from it and taken
 * back (ops review 16.6: under quorum the primary logged "standby 2 dropped from the acknowledgement set" at WARNING
 * and {@code wodian status} said DROPPED, where the set changes nothing).
 */
class AcknowledgementSetTest
{
    private static final ConsensusConfig CONFIG = ConsensusConfig.defaults();
    private static final long TIMEOUT_MS = CONFIG.electionTimeoutMaxMs();

    @Test
    void onlyTheAllPolicyDropsASilentStandby()
    {
        for (final AckPolicy policy : AckPolicy.values())
        {
            final ConsensusNode leader = leaderOfThree();
            final AcknowledgementRule rule = new AcknowledgementRule(policy, 0, 3, 1_000, 2_000);
            final int[] dropped = {0};
            final int changes = rule.updateSet(leader, TIMEOUT_MS + 60_000,
                (peer, inSet, behind, silentMs) -> dropped[0] += inSet ? 0 : 1);
            final int expected = policy == AckPolicy.ALL ? 2 : 0;
            assertEquals(expected, changes, policy.name());
            assertEquals(expected, dropped[0], policy.name());
            assertEquals(policy != AckPolicy.ALL, rule.inSet(1), policy.name());
        }
    }

    /** Node 0, leader of term 1 in a group of three whose standbys were never heard since. */
    private static ConsensusNode leaderOfThree()
    {
        final ConsensusNode node = new ConsensusNode(0, 3, CONFIG, new MemoryReplicaLog(), new MemoryTermStore(),
            ConsensusMessage.outbox((to, message) -> { }), (index, term, payload) -> { }, new SplittableRandom(7), 0);
        node.onTimer(TIMEOUT_MS);
        node.onMessage(new ConsensusMessage.PreVoteReply(0, 1, 1, true), TIMEOUT_MS + 1);
        node.onMessage(new ConsensusMessage.VoteReply(1, 1, true), TIMEOUT_MS + 2);
        assertEquals(Role.LEADER, node.role());
        return node;
    }
}
