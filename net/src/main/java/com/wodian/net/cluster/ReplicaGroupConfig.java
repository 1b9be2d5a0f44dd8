package com.wodian.net.cluster;

import com.wodian.journal.consensus.AckPolicy;
import com.wodian.journal.consensus.ConsensusConfig;
import com.wodian.journal.consensus.Membership;

import java.net.InetSocketAddress;
import java.util.Arrays;
import java.util.Objects;

/**
 * Membership and policy of a replica group, as this node sees it.
 *
 * @param groupName            guards against cross-talk between groups: a peer with another name is refused.
 * @param nodeId               this node's id, 0 to {@code replicationAddresses.length - 1}.
 * @param replicationAddresses per node id: this node's entry is where it listens for its peers; the others are where
 *                             it dials them (a proxy may sit in between); null for an id not used (a gap: an id
 *                             retired with {@code wodian group remove}, its address dropped from {@code --peers}).
 * @param ackPolicy            when a client hears "success".
 * @param consensus            election and heartbeat timing.
 * @param laggingEntriesMax    {@link AckPolicy#ALL}: a standby this many entries behind is dropped from the set.
 * @param silentMsMax          {@link AckPolicy#ALL}: a standby not heard from for this long is dropped from the set.
 * @param clientAddresses      per node id, the address clients reach that node at ({@code --client-peers}), named in
 *                             NOT_PRIMARY replies as the primary's address; null when not given; when given, for
 *                             the same ids as {@code replicationAddresses}.
 * @param joining              {@code --join}: this node starts with an empty data directory (new, or wiped) and
 *                             takes part only once the primary adds it ({@code wodian group add}): it neither votes
 *                             nor stands until then (docs/replication.md, "Membership changes"). Ignored when the
 *                             data directory already holds a membership file.
 */
public record ReplicaGroupConfig(
    String groupName,
    int nodeId,
    InetSocketAddress[] replicationAddresses,
    AckPolicy ackPolicy,
    ConsensusConfig consensus,
    long laggingEntriesMax,
    long silentMsMax,
    InetSocketAddress[] clientAddresses,
    boolean joining)
{
    public static final String GROUP_NAME_DEFAULT = "wodian";
    public static final long LAGGING_ENTRIES_MAX_DEFAULT = 100_000;
    public static final long SILENT_MS_MAX_DEFAULT = 1_000;
    /**
     * A standby that hears nothing from the primary for a random time between this and twice this starts an
     * election; a primary that hears from no majority for this long steps down. Measured on the 2-core machine with
     * three nodes and builds beside them: 150 ms made primaries step down for scheduling and fsync stalls alone.
     */
    public static final long ELECTION_TIMEOUT_MS_DEFAULT = 300;

    public ReplicaGroupConfig
    {
        Objects.requireNonNull(groupName, "groupName");
        Objects.requireNonNull(ackPolicy, "ackPolicy");
        Objects.requireNonNull(consensus, "consensus");
        if (replicationAddresses.length < 1 || replicationAddresses.length > Membership.NODES_MAX || nodeId < 0 ||
            nodeId >= replicationAddresses.length || null == replicationAddresses[nodeId])
        {
            throw new IllegalArgumentException("node id " + nodeId + " is not one of the peers " +
                describeIds(replicationAddresses));
        }
        if (laggingEntriesMax <= 0 || silentMsMax <= 0)
        {
            throw new IllegalArgumentException("laggingEntriesMax and silentMsMax must be positive");
        }
        if (null != clientAddresses)
        {
            if (!describeIds(clientAddresses).equals(describeIds(replicationAddresses)))
            {
                throw new IllegalArgumentException("--client-peers names node ids " + describeIds(clientAddresses) +
                    ", --peers " + describeIds(replicationAddresses) + ": give both for the same ids");
            }
            clientAddresses = Arrays.copyOf(clientAddresses, replicationAddresses.length);
        }
    }

    /** Not joining: a member of the group from its start. */
    public ReplicaGroupConfig(
        final String groupName, final int nodeId, final InetSocketAddress[] replicationAddresses,
        final AckPolicy ackPolicy, final ConsensusConfig consensus, final long laggingEntriesMax,
        final long silentMsMax, final InetSocketAddress[] clientAddresses)
    {
        this(groupName, nodeId, replicationAddresses, ackPolicy, consensus, laggingEntriesMax, silentMsMax,
            clientAddresses, false);
    }

    /** Without client addresses: NOT_PRIMARY replies then name the primary's node id only. */
    public ReplicaGroupConfig(
        final String groupName, final int nodeId, final InetSocketAddress[] replicationAddresses,
        final AckPolicy ackPolicy, final ConsensusConfig consensus, final long laggingEntriesMax,
        final long silentMsMax)
    {
        this(groupName, nodeId, replicationAddresses, ackPolicy, consensus, laggingEntriesMax, silentMsMax, null);
    }

    /** The same group with the nodes' client addresses ({@code --client-peers 0=host:port,...}). */
    public ReplicaGroupConfig withClientAddresses(final InetSocketAddress[] clientAddresses)
    {
        return new ReplicaGroupConfig(groupName, nodeId, replicationAddresses, ackPolicy, consensus,
            laggingEntriesMax, silentMsMax, clientAddresses, joining);
    }

    /** The same group, this node joining it with an empty data directory ({@code --join}). */
    public ReplicaGroupConfig withJoining(final boolean joining)
    {
        return new ReplicaGroupConfig(groupName, nodeId, replicationAddresses, ackPolicy, consensus,
            laggingEntriesMax, silentMsMax, clientAddresses, joining);
    }

    public ReplicaGroupConfig(final int nodeId, final InetSocketAddress[] replicationAddresses, final AckPolicy policy)
    {
        this(GROUP_NAME_DEFAULT, nodeId, replicationAddresses, policy, consensusConfig(ELECTION_TIMEOUT_MS_DEFAULT),
            LAGGING_ENTRIES_MAX_DEFAULT, SILENT_MS_MAX_DEFAULT);
    }

    /**
     * Consensus timing from the minimum election timeout: elections between it and twice it, a heartbeat every
     * sixth of it (at least 10 ms).
     */
    public static ConsensusConfig consensusConfig(final long electionTimeoutMinMs)
    {
        final ConsensusConfig defaults = ConsensusConfig.defaults();
        return new ConsensusConfig(electionTimeoutMinMs, 2 * electionTimeoutMinMs,
            Math.max(10, electionTimeoutMinMs / 6), defaults.maxEntriesPerAppend());
    }

    /**
     * @return the range of node ids, 0 to this - 1 (the highest id of {@code --peers} + 1): the size of per-id
     * arrays. Ids without an address ({@link #hasAddress}) are retired or unused.
     */
    public int groupSize()
    {
        return replicationAddresses.length;
    }

    /** @return whether {@code --peers} gives this id an address (ids may have gaps: a retired id is left out). */
    public boolean hasAddress(final int id)
    {
        return id >= 0 && id < replicationAddresses.length && null != replicationAddresses[id];
    }

    /** @return the ids {@code --peers} names, as a bit mask (the shape of {@link Membership}'s voter masks). */
    public long idsWithAddress()
    {
        long mask = 0;
        for (int id = 0; id < replicationAddresses.length; id++)
        {
            mask |= hasAddress(id) ? 1L << id : 0;
        }
        return mask;
    }

    /**
     * Parses {@code 0=host:port,1=host:port,...}: ids 0 to {@link Membership#NODES_MAX} - 1, each at most once, in
     * any order, with gaps allowed (an id retired with {@code wodian group remove} is dropped from the list for good);
     * the array is indexed by id, null at a gap.
     */
    public static InetSocketAddress[] parsePeers(final String spec)
    {
        final String[] parts = spec.split(",");
        final InetSocketAddress[] addresses = new InetSocketAddress[Membership.NODES_MAX];
        int highestId = -1;
        for (final String part : parts)
        {
            final int equals = part.indexOf('=');
            final int colon = part.lastIndexOf(':');
            if (equals < 1 || colon < equals)
            {
                throw new IllegalArgumentException("peer '" + part + "' is not id=host:port");
            }
            final int id = Integer.parseInt(part.substring(0, equals).trim());
            if (id < 0 || id >= Membership.NODES_MAX || null != addresses[id])
            {
                throw new IllegalArgumentException("peer ids must be 0 to " + (Membership.NODES_MAX - 1) +
                    ", each once: " + spec);
            }
            addresses[id] = new InetSocketAddress(part.substring(equals + 1, colon).trim(),
                Integer.parseInt(part.substring(colon + 1).trim()));
            highestId = Math.max(highestId, id);
        }
        return Arrays.copyOf(addresses, highestId + 1);
    }

    /** "0,1,3": the ids given an address. */
    private static String describeIds(final InetSocketAddress[] addresses)
    {
        final StringBuilder ids = new StringBuilder();
        for (int id = 0; id < addresses.length; id++)
        {
            if (null != addresses[id])
            {
                ids.append(ids.length() == 0 ? "" : ",").append(id);
            }
        }
        return ids.toString();
    }

    @Override
    public String toString()
    {
        return "ReplicaGroupConfig{group=" + groupName + ", nodeId=" + nodeId + ", peers=" +
            Arrays.toString(replicationAddresses) + ", ackPolicy=" + ackPolicy.displayName() + ", " + consensus +
            ", laggingEntriesMax=" + laggingEntriesMax + ", silentMsMax=" + silentMsMax +
            (null == clientAddresses ? "" : ", clientPeers=" + Arrays.toString(clientAddresses)) +
            (joining ? ", joining" : "") + '}';
    }
}
