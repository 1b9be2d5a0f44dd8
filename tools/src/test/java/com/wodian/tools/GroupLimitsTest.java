package com.wodian.tools;

import com.wodian.engine.EngineConfig;
import com.wodian.net.durability.EngineLimits;
import com.wodian.protocol.sbe.GroupAckPolicy;
import com.wodian.protocol.sbe.GroupRole;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code wodian status} and {@code group add} name a node whose engine limits differ from the primary's (ops review
 * finding 2). Since a node that joined under other limits stops at its first refused hello, the group commands meet
 * it answering only in the moment before that, so the texts are checked here, on the statuses alone.
 */
class GroupLimitsTest
{
    @Test
    void aNodeWithOtherLimitsIsNamedAndOneWithoutLimitsIsNotCompared()
    {
        final GroupCommands.NodeStatus primary = status(0, GroupRole.LEADER, EngineConfig.small());
        final GroupCommands.NodeStatus same = status(1, GroupRole.FOLLOWER, EngineConfig.small());
        final GroupCommands.NodeStatus other = status(2, GroupRole.FOLLOWER, EngineConfig.small().merchantsMax(2_000));
        final GroupCommands.NodeStatus older = new GroupCommands.NodeStatus("h:3", 3, GroupRole.FOLLOWER,
            GroupAckPolicy.QUORUM, 0, 1, 5, 5, 5, 5, 0, 0, -1, 0, List.of(), 0, List.of());

        assertNull(GroupLimits.refusal(same, primary));
        assertNull(GroupLimits.refusal(older, primary), "an older build names no limits: not compared");
        final String refusal = GroupLimits.refusal(other, primary);
        assertTrue(refusal.contains("node 2 decides under other engine limits than the group's (primary node 0)") &&
            refusal.contains("merchantsMax 1000 (node 0) / 2000 (node 2)") && refusal.contains("--join"), refusal);

        assertNull(GroupLimits.mismatch(List.of(primary, same, older), primary));
        final String mismatch = GroupLimits.mismatch(Arrays.asList(primary, null, other), primary);
        assertTrue(mismatch.startsWith("ENGINE LIMITS DIFFER: merchantsMax 1000 (node 0) / 2000 (node 2)"), mismatch);
        assertEquals(mismatch, GroupLimits.mismatch(Arrays.asList(null, primary, other), null),
            "no primary: compared with the first node that answered");
    }

    private static GroupCommands.NodeStatus status(final int nodeId, final GroupRole role, final EngineConfig limits)
    {
        final List<Long> values = Arrays.stream(EngineLimits.values(limits)).boxed().toList();
        return new GroupCommands.NodeStatus("h:" + nodeId, nodeId, role, GroupAckPolicy.QUORUM, 0, 1, 5, 5, 5, 5, 0,
            0, -1, 0, List.of(), EngineLimits.digest(EngineLimits.text(limits)), values);
    }
}
