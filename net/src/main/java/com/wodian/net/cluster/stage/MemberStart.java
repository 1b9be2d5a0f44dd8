package com.wodian.net.cluster.stage;

import com.wodian.journal.consensus.ConsensusNode;
import com.wodian.journal.consensus.Membership;
import com.wodian.journal.consensus.MembershipHistory;
import com.wodian.journal.consensus.PeerIncarnations;
import com.wodian.journal.consensus.storage.MembershipFile;
import com.wodian.journal.consensus.storage.PeerIncarnationsFile;
import com.wodian.net.cluster.NodeIdentityFile;
import com.wodian.net.cluster.ReplicaGroupConfig;
import com.wodian.net.cluster.transport.ReplicationTransport;

import java.nio.file.Path;

/**
 * What a replica group member's replication stage opens and checks in its data directory before it takes part: its
 * configurations, that its term store is not behind its journal, and the identity its hellos carry. Apart from
 * {@link ReplicationStage}, which runs the member once these passed.
 */
final class MemberStart
{
    private MemberStart()
    {
    }

    /**
     * The node's configurations ({@code <data>/membership}). Its bootstrap configuration is the one stored at the
     * node's first start (the ids of the {@code --peers} list then): a longer list later adds addresses, not voters.
     * Every member of the configuration in effect needs an address, so a list that lacks one is refused; an id that
     * is not a member (retired with {@code group remove}) may be left out.
     */
    static MembershipHistory openMembership(final ReplicaGroupConfig group, final Path dataDir)
    {
        final MembershipHistory membership = MembershipFile.open(dataDir.resolve(MembershipFile.FILE_NAME),
            group.nodeId(), Membership.of(group.idsWithAddress(), 0), group.joining());
        final long members = Membership.voters(membership.latest()) | Membership.learners(membership.latest());
        if ((members & ~group.idsWithAddress()) != 0)
        {
            throw new IllegalStateException("node " + group.nodeId() + ": the configuration in effect (" +
                Membership.describe(membership.latest()) + ") names a node id that --peers lacks (" +
                Membership.describe(group.idsWithAddress()).replace("voters ", "").replace(" learners -", "") +
                "); give every member's address in --peers");
        }
        return membership;
    }

    /**
     * Raft stores a term before it appends any entry of that term (a follower adopts the leader's term first; a
     * snapshot install too), so a journal can never end with an entry of a later term than the term store's. One that
     * does lost its term store, or had it replaced by an older copy (a partial restore): the node has forgotten votes
     * it cast, and is refused before it can cast another. A single server's journal turned into a group member's has
     * no terms (0) and passes.
     *
     * @throws IllegalStateException naming both terms and the way back.
     */
    static void requireTermStoreNotBehindJournal(
        final long currentTerm, final long lastLogTerm, final int nodeId, final Path dataDir)
    {
        if (lastLogTerm > currentTerm)
        {
            throw new IllegalStateException("data directory " + dataDir + ": the journal ends with an entry of term " +
                lastLogTerm + " but the term store is at term " + currentTerm + " (missing, or older than the " +
                "journal: restored or copied in part?). This node may have forgotten votes it cast; bring it back " +
                "as a new server: wodian group remove --node " + nodeId + ", wipe this directory (all but " +
                "credentials), start it with --join, then wodian group add --node " + nodeId +
                " (docs/replication.md, \"A data directory belongs to one node\")");
        }
    }

    /**
     * Hellos name this node's incarnation ({@link NodeIdentityFile}); peers' hellos are checked against the ones
     * this node knows ({@link PeerAdmission}). A directory without a recorded identity (a stage built without the
     * server's start checks) names none.
     */
    static void identify(final ReplicationTransport transport, final ConsensusNode node, final Path dataDir,
        final int groupSize, final System.Logger logger)
    {
        final NodeIdentityFile.Incarnation incarnation;
        try
        {
            incarnation = NodeIdentityFile.incarnation(dataDir);
        }
        catch (final java.io.IOException ex)
        {
            throw new java.io.UncheckedIOException(ex);
        }
        final PeerIncarnations known =
            PeerIncarnationsFile.open(dataDir.resolve(PeerIncarnationsFile.FILE_NAME), groupSize);
        transport.identity(incarnation.high(), incarnation.low(), incarnation.joinedEmpty(),
            new PeerAdmission(known, node, logger));
    }
}
