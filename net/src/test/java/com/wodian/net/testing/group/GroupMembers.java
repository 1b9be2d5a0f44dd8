package com.wodian.net.testing.group;

import com.wodian.journal.consensus.AckPolicy;
import com.wodian.journal.consensus.ConsensusConfig;
import com.wodian.net.cluster.ReplicaGroupConfig;
import com.wodian.net.testing.TestPorts;

import java.io.IOException;
import java.net.InetSocketAddress;

/**
 * The members of an in-process replica group (servers in the test's own JVM, as net's ReplicaGroupServerTest and
 * tools' GroupCommandsTest run them): replication addresses on loopback and each node's group configuration, with
 * the consensus timings every group test uses. Real processes: {@link ReplicaGroup}.
 */
public final class GroupMembers
{
    /**
     * Election timeout 300-600 ms, heartbeat 50 ms, 256 entries per append: the product's defaults' order of
     * magnitude, so elections in tests take what they take in production.
     */
    public static final ConsensusConfig TEST_CONSENSUS = new ConsensusConfig(300, 600, 50, 256);

    private GroupMembers()
    {
    }

    /** One loopback replication address per node, on ports reserved below the ephemeral range (TestPorts). */
    public static InetSocketAddress[] replicationAddresses(final int nodes) throws IOException
    {
        final int[] ports = TestPorts.reserve(nodes);
        final InetSocketAddress[] addresses = new InetSocketAddress[nodes];
        for (int i = 0; i < nodes; i++)
        {
            addresses[i] = new InetSocketAddress("127.0.0.1", ports[i]);
        }
        return addresses;
    }

    /** Node nodeId's group configuration: {@link #TEST_CONSENSUS}, default lag and silence limits. */
    public static ReplicaGroupConfig member(final String groupName, final int nodeId,
        final InetSocketAddress[] replicationAddresses, final AckPolicy policy)
    {
        return new ReplicaGroupConfig(groupName, nodeId, replicationAddresses, policy, TEST_CONSENSUS,
            ReplicaGroupConfig.LAGGING_ENTRIES_MAX_DEFAULT, ReplicaGroupConfig.SILENT_MS_MAX_DEFAULT);
    }
}
