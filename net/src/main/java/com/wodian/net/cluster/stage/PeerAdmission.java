package com.wodian.net.cluster.stage;

import com.wodian.journal.consensus.ConsensusNode;
import com.wodian.journal.consensus.PeerIncarnations;
import com.wodian.net.cluster.transport.PeerCheck;

/**
 * The replica-group node's side of the hello check: a peer's incarnation is checked against the ones this node
 * knows ({@link PeerIncarnations}, in {@code <data>/peer-incarnations}) and its newest configuration. A member that
 * comes back under another incarnation (its data directory restored, copied or re-created without going through
 * remove / {@code --join} / add) has its votes refused, with the way out in the log; a new one is learned and
 * logged.
 */
final class PeerAdmission implements PeerCheck
{
    private final PeerIncarnations known;
    private final ConsensusNode node;
    private final System.Logger logger;

    PeerAdmission(final PeerIncarnations known, final ConsensusNode node, final System.Logger logger)
    {
        this.known = known;
        this.node = node;
        this.logger = logger;
    }

    @Override
    public String refusal(
        final int peerId, final long incarnationHigh, final long incarnationLow, final boolean joinedEmpty)
    {
        // The transport passes only ids of the address book (0 to groupSize - 1, not this node's).
        final long knownHigh = known.highOf(peerId);
        final long knownLow = known.lowOf(peerId);
        final int decision = known.admit(peerId, incarnationHigh, incarnationLow, joinedEmpty,
            node.configuration());
        if (decision == PeerIncarnations.LEARNED)
        {
            logger.log(System.Logger.Level.INFO, "replication: node " + peerId + " is incarnation " +
                PeerIncarnations.describe(incarnationHigh, incarnationLow) + ((knownHigh | knownLow) == 0 ? "" :
                " (was " + PeerIncarnations.describe(knownHigh, knownLow) + " before it left the group)"));
            return null;
        }
        if (decision == PeerIncarnations.ADMITTED)
        {
            return null;
        }
        return "node " + peerId + " came back with another data directory (incarnation " +
            PeerIncarnations.describe(incarnationHigh, incarnationLow) + ", this group knows it as " +
            PeerIncarnations.describe(knownHigh, knownLow) + "): restored from a backup, copied, or wiped without " +
            "leaving the group, it may have forgotten votes it cast and entries it acknowledged, so its votes are " +
            "refused while it is a voter (it still replicates). Bring it back as a new server: wodian group " +
            "remove --node " + peerId + ", wipe its data directory (all but credentials), start it with --join, " +
            "then wodian group add --node " + peerId + " (docs/replication.md, \"A data directory belongs to one " +
            "node\")";
    }
}
