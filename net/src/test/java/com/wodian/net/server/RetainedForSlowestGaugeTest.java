package com.wodian.net.server;

import com.wodian.net.cluster.ClusterView;
import com.wodian.protocol.sbe.GroupAckPolicy;
import com.wodian.protocol.sbe.GroupRole;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Operator review 2, finding 4: {@code wodian_replication_retained_for_slowest_entries} on a primary counts from the
 * slowest member's last known position whether it is connected or not (a member that is down holds retention on every
 * node; the lag gauge counts connected standbys only); an address of a removed id does not count.
 */
class RetainedForSlowestGaugeTest
{
    @Test
    void aMemberThatIsDownCountsAndARemovedIdDoesNot()
    {
        // Peers 1 (connected, at 990), 2 (down since 400), 3 (a removed id's address, at 0); this node 0 at 1000.
        final ClusterView.Snapshot view = new ClusterView.Snapshot(0, GroupRole.LEADER, GroupAckPolicy.QUORUM, 0, 5,
            1000, 1000, 990, 0, new int[] {1, 2, 3}, new long[] {990, 400, 0}, new long[] {1, 90_000, -1},
            new boolean[] {true, false, false}, new boolean[] {true, false, false}, 0b0111,
            ClusterView.CONFIGURATION_COMMITTED, new ClusterView.Elections(0, 0, 0, 0));
        assertEquals(600, MetricsAgent.retainedForSlowestEntries(view, 0b0111), "node 2, down, is the slowest");
        assertEquals(10, MetricsAgent.retainedForSlowestEntries(view, 0b0011), "node 2 removed: node 1 is");
        assertEquals(1000, MetricsAgent.retainedForSlowestEntries(view, -1), "no configuration: every address");
    }
}
