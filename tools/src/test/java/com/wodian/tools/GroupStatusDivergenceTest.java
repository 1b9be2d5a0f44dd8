package com.wodian.tools;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code wodian status} names two nodes at one applied index with different state hashes (operator review 8: a
 * member that served payments alone rejoined with another ledger and status still exited 0).
 */
class GroupStatusDivergenceTest
{
    @Test
    void nodesAtTheSameAppliedIndexWithDifferentHashesAreNamed()
    {
        final String line = GroupStatusCommand.divergence(Arrays.asList(
            node(1, 14_395, 0x3788db73L), node(2, 14_395, 0x90f536b2L), null));

        assertTrue(line != null && line.startsWith("DIVERGED: nodes 1 and 2 differ at applied index 14395"),
            String.valueOf(line));
    }

    @Test
    void nodesAtOtherIndexesOrWithTheSameHashAreNotDiverged()
    {
        assertNull(GroupStatusCommand.divergence(List.of(node(1, 100, 7), node(2, 101, 8), node(3, 100, 7))));
    }

    private static GroupCommands.NodeStatus node(final int id, final long appliedIndex, final long stateHash)
    {
        return new GroupCommands.NodeStatus("127.0.0.1:" + (27700 + id), id, com.wodian.protocol.sbe.GroupRole.FOLLOWER,
            com.wodian.protocol.sbe.GroupAckPolicy.ALL, 0, 5, appliedIndex, appliedIndex,
            appliedIndex, appliedIndex, stateHash, 0, -1, 0, new ArrayList<>(), 0, new ArrayList<>());
    }
}
