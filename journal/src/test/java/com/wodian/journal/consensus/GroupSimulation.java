package com.wodian.journal.consensus;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Deterministic simulation of a replica group, clients included, in one thread under one seed (the TigerBeetle way):
 * a simulated clock, a network that loses, delays, reorders and duplicates messages and can cut links, nodes that
 * crash and restart with only their durable state (log, term, vote), and planned leadership transfers. Leaders take
 * commands one at a time ({@link ConsensusNode#propose}) or in batches ({@link ConsensusNode#appendLocal}, then one
 * {@link ConsensusNode#flush} after the millisecond's deliveries), as the server does. After every simulated
 * millisecond it checks the safety properties; at the end it heals every fault and checks that the group converges
 * and that every command a client saw acknowledged is applied on every node exactly once.
 *
 * <p>A failing seed replays exactly: every random choice comes from one {@link SplittableRandom}.
 */
final class GroupSimulation
{
    record Result(
        long seed,
        int acked,
        int lostAcks,
        int elections,
        List<Long> failoverMs,
        long commitIndex,
        int transfersStarted,
        int transfersWon,
        int ackSetChanges,
        int prunes,
        int snapshotInstalls,
        int snapshotChecksumFailures,
        int membershipChanges,
        int replacements,
        int restores,
        int votesRefused,
        int rejoinsWithoutVote,
        int staleAcks)
    {
    }

    private static final int CLIENT_TIMEOUT_MS = 400;

    private final long seed;
    private final int groupSize;
    private final AckPolicy ackPolicy;
    private final SplittableRandom random;
    /** More in flight than this means a send-reply chain is multiplying (each duplicate starting one more). */
    private static final int NETWORK_MESSAGES_MAX = 20_000;

    private final ConsensusConfig config;
    /** A node of the build before Pre-Vote (rolling upgrade), -1: none. */
    private final int olderNode;
    private final long laggingEntriesMax;
    private final long silentMsMax;

    private final double dropRate;
    private final double duplicateRate;
    private final int maxDelayMs;

    private final MemoryReplicaLog[] logs;
    private final MemoryTermStore[] termStores;
    /** Each node's configurations (durable, like its log); replaced by a joining one when the node is wiped. */
    private final MembershipHistory[] memberships;
    /**
     * Half the seeds change the membership while the faults go on: a node is removed and added back, or (in the seeds
     * with snapshot install) removed, wiped, restarted empty as a joining node and added back, as an operator
     * replaces a node. Driven by its own generator, so that the other seeds keep their schedules.
     */
    private final SplittableRandom membershipRandom;
    private final boolean membershipChanges;
    /** The node being removed and added back, -1: none; and how far that has got. */
    private int changingNode = -1;
    private MembershipStep membershipStep;
    private boolean wipeChangingNode;
    private int membershipChangesStarted;
    private int replacements;
    /** Wiped nodes that were voters again without their vote, and were removed and added once more. */
    private int rejoinsWithoutVote;
    private final ConsensusNode[] nodes;
    private final Applied[] applied;
    /** Each node's newest snapshot of its state machine (durable: it survives a crash), or null. */
    private final Applied[] snapshots;
    /** Each node's commit mark: a durable lower bound of its commit index, stored now and then as the server does. */
    private final long[] commitMarks;
    /** A retention pass waiting for its second look at the group (as {@code wodian journal prune} does). */
    private long retentionFloor = -1;
    private int retentionNode = -1;
    private long retentionAtMs;
    private int prunes;
    /**
     * Half the seeds: nodes send and install snapshots, and retention removes everything below a node's own snapshot
     * without looking at the others (a standby that then needs removed entries is repaired by a snapshot install).
     * The other half: no installs, and retention keeps what any node still needs.
     */
    private final boolean snapshotInstall;
    private final int snapshotChunkBytes;
    /** Half the install seeds: a follower this far behind the leader's snapshot gets it even if the log holds all. */
    private final long catchUpEntriesMax;
    private final SimSnapshots[] snapshotStores;
    private int snapshotInstalls;
    private int snapshotChecksumFailures;
    /** Each node's acknowledgement rule: the server's own class, volatile like the server's (rebuilt on restart). */
    private final AcknowledgementRule[] ackRules;
    private int ackSetChanges;
    private final boolean[] up;
    private final boolean[] flushDue;
    private final long[] lastIndexAtTransfer;
    private final long[] restartAtMs;
    private final boolean[][] linkCut;
    private final long[][] healLinkAtMs;
    private final List<Map<Long, Pending>> pendingByNode = new ArrayList<>();

    private final PriorityQueue<InFlight> network = new PriorityQueue<>();
    private long messageSequence;
    private long nowMs;

    private final Map<Long, Long> leaderOfTerm = new HashMap<>();
    /** The highest term any node has led (a leader of it was elected, whatever happened to it since). */
    private long highestLeaderTerm;
    /**
     * Acknowledgements a leader gave once a leader of a later term had been elected: under {@link AckPolicy#LOCAL}
     * each is a command lost for good (the entry is of the stale term, appended after the newer leader's election),
     * and check quorum promises none (docs/replication.md: it "stops acknowledging before a new leader can be
     * elected"). Under quorum they are harmless (only committed entries are acknowledged), and counted alike.
     */
    private int staleAcks;
    private String firstStaleAck;
    /** Every (index, term) acknowledged under quorum or all: each must be in every later leader's log. */
    private final List<long[]> ackedEntries = new ArrayList<>();
    private final List<long[]> committed = new ArrayList<>(); // index - 1 -> {term, payload}
    private final Role[] lastRole;
    private final Set<Long> ackedKeys = new HashSet<>();
    private final Client[] clients;
    private int elections;
    private boolean newCommandsAllowed = true;
    private boolean networkLossy = true;
    private long leaderLostAtMs = -1;
    private final List<Long> failoverMs = new ArrayList<>();
    private int transfersStarted;
    private int transfersWon;
    private int transferTarget = -1;
    private long transferFromTerm;
    /** A node whose links to and from its peers deliver after a fixed delay, in order (a slow standby); -1: none. */
    private int slowNode = -1;
    private int slowDelayMs;
    /**
     * {@link #runWithLateHandOver}: the transfer target whose election and first messages as leader are slow (-1:
     * none); when it stood and when it took over (-1: not yet); how late the vote replies to it are from when it
     * stood; how late its messages to each member are from when it took over; and to which members its transfer
     * RequestVote is lost.
     */
    private int slowTarget = -1;
    private long slowTargetStoodAtMs = -1;
    private long slowTargetLedAtMs = -1;
    private long voteRepliesLateMs;
    private final long[] firstMessagesLateMs;
    private final boolean[] voteRequestLost;

    /**
     * Seeds with snapshot install: now and then one node's durable state is backed up, and later the node is
     * restored from that backup (ops-review item 3: it has forgotten votes and acknowledged entries since). Its data
     * directory then names a new incarnation (as a wiped one does), so its peers refuse its votes
     * ({@link PeerIncarnations}, the product's rule, checked on every message as the transport does) until the
     * operator, who notices the refusal in the log a while later, removes, wipes and re-adds it. With
     * {@code restoresKeepTheirIncarnation} (a mutation: a restore nothing reveals) its votes count; the checker must
     * see that in some seeds. Driven by its own generator, so that the other faults keep their schedules.
     */
    private final boolean restoresKeepTheirIncarnation;
    private final SplittableRandom restoreRandom;
    /**
     * Each node's data directory's incarnation, whether a --join start on an empty directory drew it (a wiped node's),
     * and the incarnations it knows of its peers (durable).
     */
    private final long[] incarnations;
    private final boolean[] joinedEmpty;
    private final PeerIncarnations[] knownIncarnations;
    private long nextIncarnation = 1;
    private Backup backup;
    /** When the operator starts replacing a restored node (it noticed the refusal). */
    private long membershipStartsAtMs;
    private int restores;
    private int votesRefused;

    private record Backup(int id, long atMs, MemoryReplicaLog log, MemoryTermStore termStore,
        MembershipHistory membership, Applied snapshot, long commitMark, long[] knownHighs, long[] knownLows)
    {
    }

    GroupSimulation(final long seed, final int groupSize, final AckPolicy ackPolicy)
    {
        this(seed, groupSize, ackPolicy, false, true);
    }

    /** @param restoresKeepTheirIncarnation the mutation: a node restored from a backup keeps voting. */
    GroupSimulation(final long seed, final int groupSize, final AckPolicy ackPolicy,
        final boolean restoresKeepTheirIncarnation)
    {
        this(seed, groupSize, ackPolicy, restoresKeepTheirIncarnation, true);
    }

    /** @param preVote false: every node stands as soon as its election timeout runs out (the build before Pre-Vote). */
    GroupSimulation(final long seed, final int groupSize, final AckPolicy ackPolicy,
        final boolean restoresKeepTheirIncarnation, final boolean preVote)
    {
        this(seed, groupSize, ackPolicy, restoresKeepTheirIncarnation, preVote, -1);
    }

    /**
     * @param olderNode a node of the build before Pre-Vote, in the middle of a rolling upgrade (-1: none): it stands
     *                  as soon as its timeout runs out, and its peers send it no PreVote (as the transport does
     *                  for a peer whose hello is of an older schema) and count it a yes after their grace.
     */
    GroupSimulation(final long seed, final int groupSize, final AckPolicy ackPolicy,
        final boolean restoresKeepTheirIncarnation, final boolean preVote, final int olderNode)
    {
        this.olderNode = olderNode;
        this.restoresKeepTheirIncarnation = restoresKeepTheirIncarnation;
        this.restoreRandom = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + 32);
        this.incarnations = new long[groupSize];
        this.joinedEmpty = new boolean[groupSize];
        this.knownIncarnations = new PeerIncarnations[groupSize];
        this.seed = seed;
        this.groupSize = groupSize;
        this.ackPolicy = ackPolicy;
        this.random = new SplittableRandom(seed);
        this.dropRate = random.nextDouble() * 0.15;
        this.duplicateRate = random.nextDouble() * 0.05;
        this.maxDelayMs = 1 + random.nextInt(30);
        // Half the seeds use small messages and a small pipelining window, so that the window fills and refusals
        // land in the middle of a stream; the defaults are rarely exercised at the simulation's command rate.
        final int entriesPerAppend = 4 + random.nextInt(29);
        this.config = (random.nextBoolean() ? ConsensusConfig.defaults() :
            new ConsensusConfig(150, 300, 50, entriesPerAppend, entriesPerAppend * (2 + random.nextInt(7))))
            .withPreVote(preVote);
        // Half the seeds use tight acknowledgement-set limits, so that under ALL standbys leave and rejoin the set.
        final boolean tightSet = random.nextBoolean();
        this.laggingEntriesMax = tightSet ? 5 + random.nextInt(60) : 100_000;
        this.silentMsMax = tightSet ? 100 + random.nextInt(400) : 1_000;
        this.snapshotInstall = random.nextBoolean();
        this.snapshotChunkBytes = 16 + random.nextInt(500);
        this.catchUpEntriesMax = random.nextBoolean() ? Long.MAX_VALUE : 20 + random.nextInt(300);
        this.snapshotStores = new SimSnapshots[groupSize];
        this.ackRules = new AcknowledgementRule[groupSize];
        this.logs = new MemoryReplicaLog[groupSize];
        this.termStores = new MemoryTermStore[groupSize];
        this.memberships = new MembershipHistory[groupSize];
        this.membershipRandom = new SplittableRandom(seed * 0x9E3779B97F4A7C15L + 16);
        this.membershipChanges = membershipRandom.nextBoolean();
        this.nodes = new ConsensusNode[groupSize];
        this.applied = new Applied[groupSize];
        this.snapshots = new Applied[groupSize];
        this.commitMarks = new long[groupSize];
        this.up = new boolean[groupSize];
        this.flushDue = new boolean[groupSize];
        this.lastIndexAtTransfer = new long[groupSize];
        this.restartAtMs = new long[groupSize];
        this.linkCut = new boolean[groupSize][groupSize];
        this.healLinkAtMs = new long[groupSize][groupSize];
        this.lastRole = new Role[groupSize];
        this.firstMessagesLateMs = new long[groupSize];
        this.voteRequestLost = new boolean[groupSize];
        for (int id = 0; id < groupSize; id++)
        {
            logs[id] = new MemoryReplicaLog();
            snapshotStores[id] = new SimSnapshots(id);
            termStores[id] = new MemoryTermStore();
            memberships[id] = MembershipHistory.inMemory(id, groupSize);
            incarnations[id] = nextIncarnation++;
            knownIncarnations[id] = PeerIncarnations.inMemory(groupSize);
            pendingByNode.add(new HashMap<>());
            start(id);
        }
        this.clients = new Client[3];
        for (int c = 0; c < clients.length; c++)
        {
            clients[c] = new Client(c);
        }
    }

    /**
     * @param faultyMs how long faults are injected; then everything heals and the group gets {@code healMs} to
     *                 converge.
     */
    Result run(final long faultyMs, final long healMs)
    {
        for (; nowMs < faultyMs; nowMs++)
        {
            injectFaults();
            backupsAndRestores(nowMs < faultyMs - 2_500);
            driveMembership(nowMs < faultyMs - 1_000);
            step(true);
        }
        healEverything();
        for (; nowMs < faultyMs + healMs; nowMs++)
        {
            // Let the last commands finish so that every node can settle on one commit index.
            newCommandsAllowed = nowMs < faultyMs + healMs / 2;
            driveMembership(false); // a change under way is finished: every node is a voter again at the end
            step(false);
        }
        return checkConverged();
    }

    /**
     * No faults: the group elects a leader within {@code settleMs}, then the links to and from one standby deliver
     * every message {@code delayMs} late, in order, without loss (a slow standby behind TCP), for {@code slowMs}.
     * Returns the standby that was slowed and the elections counted while it was slow, or fails if none was elected.
     */
    SlowRun runWithSlowStandby(final long settleMs, final int delayMs, final long slowMs)
    {
        final int leader = settleWithoutLoss(settleMs);
        slowNode = (leader + 1 + random.nextInt(groupSize - 1)) % groupSize;
        slowDelayMs = delayMs;
        final int electionsBefore = elections;
        final int ackedBefore = ackedKeys.size();
        boolean slowLed = false;
        for (final long end = nowMs + slowMs; nowMs < end; nowMs++)
        {
            step(false);
            slowLed |= up[slowNode] && nodes[slowNode].role() == Role.LEADER;
        }
        return new SlowRun(leader, slowNode, elections - electionsBefore, slowLed, ackedKeys.size() - ackedBefore,
            leaderOrFail());
    }

    record SlowRun(int leaderBefore, int slowNode, int elections, boolean slowNodeLed, int acked, int leaderAfter)
    {
    }

    /**
     * No faults: once a leader is elected (within {@code settleMs}), a standby stops and restarts {@code downMs}
     * later with its durable state, as an operator's restart or a rolling upgrade step does. As in the server, its
     * own dials go out at once but its peers reach it only {@code reconnectMs} after its restart (their redial
     * back-off, then the handshake), longer than its election timeout. Then {@code afterMs} more, new commands only
     * in its first half. Returns what the leader was and is, and whether the restarted standby holds and applied all.
     */
    RestartRun runWithRestartedStandby(final long settleMs, final long downMs, final long reconnectMs,
        final long afterMs)
    {
        final int leader = settleWithoutLoss(settleMs);
        final long termBefore = nodes[leader].currentTerm();
        final int standby = (leader + 1 + random.nextInt(groupSize - 1)) % groupSize;
        final int electionsBefore = elections;
        up[standby] = false;
        for (final long restartAt = nowMs + downMs; nowMs < restartAt; nowMs++)
        {
            step(false);
        }
        start(standby);
        for (int peer = 0; peer < groupSize; peer++)
        {
            if (peer != standby)
            {
                cut(peer, standby, nowMs + reconnectMs);
            }
        }
        for (final long end = nowMs + reconnectMs + afterMs; nowMs < end; nowMs++)
        {
            newCommandsAllowed = nowMs < end - afterMs / 2; // the last commands settle everywhere before the check
            for (int peer = 0; peer < groupSize; peer++)
            {
                linkCut[peer][standby] &= nowMs < healLinkAtMs[peer][standby];
            }
            step(false);
        }
        final int leaderAfter = leaderOrFail();
        return new RestartRun(leader, termBefore, standby, leaderAfter, nodes[leaderAfter].currentTerm(),
            elections - electionsBefore, logs[standby].lastIndex() == logs[leaderAfter].lastIndex() &&
            applied[standby].lastIndex == nodes[leaderAfter].commitIndex());
    }

    record RestartRun(int leaderBefore, long termBefore, int restarted, int leaderAfter, long termAfter,
        int elections, boolean restartedCaughtUp)
    {
    }

    /**
     * No faults but the ones a hand-over meets on starved cores: once a leader is elected (within {@code settleMs}),
     * it hands over to a random other member (as {@code wodian promote/demote} does). The target's transfer-flagged
     * RequestVote is lost on the way to each member other than the old leader with probability 1/2 (that member never
     * votes); the votes reach the target up to {@code lateMsMax - 1} ms after it stood (it counts them late), and once
     * it leads, its messages reach each member up to {@code lateMsMax - 1} ms late. With {@code lateMsMax} no more
     * than the minimum election timeout less the network's delay, the target still wins the next term before its own
     * election timeout and hears a reply before check quorum would depose it. Then {@code afterMs} more. Returns
     * whether the target took the next term, which node leads at the end, and the highest term any node reached.
     */
    TransferRun runWithLateHandOver(final long settleMs, final int lateMsMax, final long afterMs)
    {
        return runWithLateHandOver(settleMs, lateMsMax, 0, lateMsMax, afterMs);
    }

    /**
     * As {@link #runWithLateHandOver(long, int, long)}, with the votes reaching the target up to {@code voteLateMsMax
     * - 1} ms late and its messages as leader reaching each member {@code firstLateMsMin} to {@code firstLateMsMax - 1}
     * ms late (drawn per member).
     */
    TransferRun runWithLateHandOver(final long settleMs, final int voteLateMsMax, final int firstLateMsMin,
        final int firstLateMsMax, final long afterMs)
    {
        final int leader = settleWithoutLoss(settleMs);
        final long termBefore = nodes[leader].currentTerm();
        final int target = (leader + 1 + random.nextInt(groupSize - 1)) % groupSize;
        slowTarget = target;
        voteRepliesLateMs = random.nextInt(voteLateMsMax);
        for (int peer = 0; peer < groupSize; peer++)
        {
            firstMessagesLateMs[peer] = firstLateMsMin + random.nextInt(firstLateMsMax - firstLateMsMin);
            voteRequestLost[peer] = peer != leader && random.nextBoolean();
        }
        if (!nodes[leader].transferLeadership(target, nowMs))
        {
            fail("leader " + leader + " refused to transfer to " + target);
        }
        lastIndexAtTransfer[leader] = logs[leader].lastIndex();
        boolean tookOver = false;
        for (final long end = nowMs + afterMs; nowMs < end; nowMs++)
        {
            newCommandsAllowed = nowMs < end - afterMs / 4;
            step(false);
            tookOver |= nodes[target].role() == Role.LEADER && nodes[target].currentTerm() == termBefore + 1;
        }
        long highestTerm = 0;
        for (int id = 0; id < groupSize; id++)
        {
            highestTerm = Math.max(highestTerm, nodes[id].currentTerm());
        }
        return new TransferRun(leader, target, termBefore, tookOver, upLeader(), highestTerm);
    }

    record TransferRun(int leaderBefore, int target, long termBefore, boolean tookOver, int leaderAfter,
        long highestTerm)
    {
    }

    /** Runs a lossless network until {@code settleMs} and returns the leader elected by then (or fails). */
    private int settleWithoutLoss(final long settleMs)
    {
        networkLossy = false;
        for (; nowMs < settleMs; nowMs++)
        {
            step(false);
        }
        return leaderOrFail();
    }

    private int leaderOrFail()
    {
        for (int id = 0; id < groupSize; id++)
        {
            if (up[id] && nodes[id].role() == Role.LEADER)
            {
                return id;
            }
        }
        fail("no leader");
        return -1;
    }

    private void step(final boolean faultsOn)
    {
        deliverDue(faultsOn);
        for (int id = 0; id < groupSize; id++)
        {
            if (up[id])
            {
                nodes[id].onTimer(nowMs);
            }
        }
        for (final Client client : clients)
        {
            client.onTimer();
        }
        if (nowMs % AcknowledgementRule.SET_CHECK_INTERVAL_MS == 0)
        {
            for (int id = 0; id < groupSize; id++)
            {
                if (up[id])
                {
                    ackSetChanges += ackRules[id].updateSet(nodes[id], nowMs, (peer, inSet, behind, silentMs) -> { });
                }
            }
        }
        answerClients();
        checkSafety();
    }

    /**
     * Starts (or restarts) a node as the server does: its state machine from its newest snapshot plus its own log up
     * to its commit mark, and its consensus node told that index is committed.
     */
    private void start(final int id)
    {
        final Applied state = null == snapshots[id] ? new Applied(id) : snapshots[id].copy();
        final long committed = Math.max(state.lastIndex, Math.min(commitMarks[id], logs[id].lastIndex()));
        for (long index = state.lastIndex + 1; index <= committed; index++)
        {
            state.onCommitted(index, logs[id].termAt(index), logs[id].payloadAt(index));
        }
        applied[id] = state;
        up[id] = true;
        pendingByNode.get(id).clear();
        // The listener looks the state machine up on every call: a snapshot install replaces it.
        final CommitListener listener = (index, term, payload) -> applied[id].onCommitted(index, term, payload);
        nodes[id] = new ConsensusNode(id, groupSize, id == olderNode ? config.withPreVote(false) : config, logs[id],
            termStores[id], new OlderPeerOutbox(ConsensusMessage.outbox((to, message) -> send(id, to, message)),
            olderNode), listener, random.split(), nowMs, committed,
            snapshotInstall ? snapshotStores[id] : null, snapshotInstall ? snapshotStores[id] : null, memberships[id]);
        ackRules[id] = new AcknowledgementRule(ackPolicy, id, groupSize, laggingEntriesMax, silentMsMax);
        lastRole[id] = Role.FOLLOWER;
        exchangeHellos(id);
    }

    /**
     * A node that starts dials every peer and every peer redials it: each side's hello puts the other's incarnation
     * to its {@link PeerIncarnations} (learned or refused; a hello carries no vote). As in the server, this is where
     * a group's nodes learn each other's incarnations, before any restore.
     */
    private void exchangeHellos(final int id)
    {
        for (int peer = 0; peer < groupSize; peer++)
        {
            if (peer != id && up[peer] && null != nodes[peer])
            {
                knownIncarnations[peer].admit(id, 0, incarnations[id], joinedEmpty[id], nodes[peer].configuration());
                knownIncarnations[id].admit(peer, 0, incarnations[peer], joinedEmpty[peer], nodes[id].configuration());
            }
        }
    }

    private void injectFaults()
    {
        for (int id = 0; id < groupSize; id++)
        {
            if (!up[id] && nowMs >= restartAtMs[id])
            {
                start(id);
            }
        }
        if (random.nextInt(2_000) == 0)
        {
            final int id = pickLeaderOrAny();
            if (up[id])
            {
                if (nodes[id].role() == Role.LEADER && leaderLostAtMs < 0)
                {
                    leaderLostAtMs = nowMs;
                }
                up[id] = false;
                restartAtMs[id] = nowMs + 50 + random.nextInt(1_500);
            }
        }
        if (random.nextInt(2_000) == 0)
        {
            final int id = random.nextInt(groupSize);
            final long healAt = nowMs + 50 + random.nextInt(1_000);
            for (int other = 0; other < groupSize; other++)
            {
                if (other != id)
                {
                    cut(id, other, healAt);
                    cut(other, id, healAt);
                }
            }
        }
        if (random.nextInt(1_500) == 0)
        {
            startTransfer();
        }
        snapshotsAndRetention();
        if (random.nextInt(3_000) == 0)
        {
            final int from = random.nextInt(groupSize);
            final int to = random.nextInt(groupSize);
            if (from != to)
            {
                cut(from, to, nowMs + 50 + random.nextInt(800)); // one direction only
            }
        }
        for (int from = 0; from < groupSize; from++)
        {
            for (int to = 0; to < groupSize; to++)
            {
                if (linkCut[from][to] && nowMs >= healLinkAtMs[from][to])
                {
                    linkCut[from][to] = false;
                }
            }
        }
    }

    /**
     * The durable state the server keeps besides its log: commit marks (every 200 ms), snapshots taken at a node's
     * committed and applied index (now and then), and journal retention by the product's rule: a node's log loses the
     * payloads below min(its snapshot, the lowest applied index of every node), the group looked at twice a second
     * apart with every node up both times (see JournalRetention and {@code wodian journal prune}). A node that then
     * needs a removed entry fails the run: the leader sending one, or a node applying one.
     */
    private void snapshotsAndRetention()
    {
        if (nowMs % 200 == 0)
        {
            for (int id = 0; id < groupSize; id++)
            {
                if (up[id])
                {
                    commitMarks[id] = Math.max(commitMarks[id], Math.min(nodes[id].commitIndex(),
                        applied[id].lastIndex));
                }
            }
        }
        if (random.nextInt(150) == 0)
        {
            final int id = random.nextInt(groupSize);
            if (up[id] && applied[id].lastIndex > 0)
            {
                snapshots[id] = applied[id].copy();
            }
        }
        if (snapshotInstall)
        {
            if (random.nextInt(300) == 0)
            {
                final int id = random.nextInt(groupSize);
                if (null != snapshots[id])
                {
                    logs[id].pruneBelow(snapshots[id].lastIndex); // its own snapshot only: peers get installs
                    prunes++;
                }
            }
            return;
        }
        if (retentionNode < 0 && random.nextInt(300) == 0 && allUp())
        {
            retentionNode = random.nextInt(groupSize);
            retentionFloor = lowestApplied();
            retentionAtMs = nowMs;
        }
        else if (retentionNode >= 0 && nowMs - retentionAtMs >= 1_000)
        {
            final Applied snapshot = snapshots[retentionNode];
            if (allUp() && null != snapshot)
            {
                logs[retentionNode].pruneBelow(Math.min(snapshot.lastIndex, retentionFloor));
                prunes++;
            }
            retentionNode = -1;
        }
    }

    // ---------------------------------------------------------------------------------------------- membership

    private enum MembershipStep
    {
        REMOVING,
        ADDING
    }

    /**
     * One membership change at a time, as an operator runs it: {@code group remove N} at whichever node leads (retried
     * until a leader takes it), then, once a leader shows the removal committed, optionally a wipe of N (crash, empty
     * log, term store, snapshots and configuration, restarted as a joining node), then {@code group add N} until a
     * leader shows N a voter in a committed configuration. Crashes, cuts and transfers go on meanwhile.
     */
    private void driveMembership(final boolean mayStart)
    {
        if (!membershipChanges && changingNode < 0 || nowMs < membershipStartsAtMs)
        {
            return;
        }
        if (changingNode >= 0 && !up[changingNode] && nowMs >= restartAtMs[changingNode])
        {
            start(changingNode); // a wiped node restarts even after the faults stopped
        }
        if (changingNode < 0)
        {
            if (mayStart && membershipChanges && membershipRandom.nextInt(800) == 0)
            {
                changingNode = membershipRandom.nextInt(groupSize);
                wipeChangingNode = snapshotInstall && membershipRandom.nextBoolean();
                membershipStep = MembershipStep.REMOVING;
            }
            return;
        }
        final int leader = upLeader();
        if (leader < 0 || nowMs % 10 != 0)
        {
            return;
        }
        final ConsensusNode node = nodes[leader];
        final long configuration = node.configuration();
        if (membershipStep == MembershipStep.REMOVING)
        {
            if (Membership.isMember(configuration, changingNode))
            {
                countChange(node.removeMember(changingNode, nowMs));
            }
            else if (node.configurationCommitted())
            {
                if (wipeChangingNode)
                {
                    wipe(changingNode);
                }
                membershipStep = MembershipStep.ADDING;
            }
            return;
        }
        if (!Membership.isMember(configuration, changingNode))
        {
            countChange(node.addMember(changingNode, nowMs));
        }
        else if (Membership.isVoter(configuration, changingNode) && node.configurationCommitted() &&
            up[changingNode])
        {
            if (!nodes[changingNode].mayVote())
            {
                // The primary changed between the add and its first message to the wiped node, whose join floor then
                // lies above the add's learner entry: it joined without its vote. The operator sees it in status
                // ("joined empty, may not vote") and removes and adds it again.
                rejoinsWithoutVote++;
                wipeChangingNode = false;
                membershipStep = MembershipStep.REMOVING;
                return;
            }
            changingNode = -1; // the leader promoted it after its catch-up rounds
        }
    }

    private void countChange(final MembershipChange change)
    {
        if (change == MembershipChange.STARTED)
        {
            membershipChangesStarted++;
        }
    }

    /** The node loses everything on disk and restarts empty, as a joining node that may not vote yet. */
    private void wipe(final int id)
    {
        up[id] = false;
        restartAtMs[id] = nowMs + 20 + membershipRandom.nextInt(500);
        logs[id] = new MemoryReplicaLog();
        termStores[id] = new MemoryTermStore();
        memberships[id] = new MembershipHistory(id, Membership.allVoters(groupSize), null, true);
        snapshots[id] = null;
        snapshotStores[id] = new SimSnapshots(id);
        commitMarks[id] = 0;
        incarnations[id] = nextIncarnation++; // an empty directory draws a new identity, started with --join
        joinedEmpty[id] = true;
        knownIncarnations[id] = PeerIncarnations.inMemory(groupSize);
        replacements++;
    }

    /**
     * A backup of one node's durable state now and then (one at a time), and later a restore of that node from it:
     * see {@link #restoresKeepTheirIncarnation}. The operator then replaces the node through the membership path.
     */
    private void backupsAndRestores(final boolean mayStart)
    {
        if (!snapshotInstall || !mayStart || changingNode >= 0)
        {
            return;
        }
        if (null == backup)
        {
            final int id = restoreRandom.nextInt(groupSize);
            if (restoreRandom.nextInt(700) == 0 && up[id])
            {
                final long[] highs = new long[groupSize];
                final long[] lows = new long[groupSize];
                for (int peer = 0; peer < groupSize; peer++)
                {
                    highs[peer] = knownIncarnations[id].highOf(peer);
                    lows[peer] = knownIncarnations[id].lowOf(peer);
                }
                backup = new Backup(id, nowMs, logs[id].copy(), termStores[id].copy(),
                    memberships[id].copyInMemory(), null == snapshots[id] ? null : snapshots[id].copy(),
                    commitMarks[id], highs, lows);
            }
            return;
        }
        if (nowMs - backup.atMs() < 200 || restoreRandom.nextInt(700) != 0)
        {
            return;
        }
        final int id = backup.id();
        up[id] = false;
        restartAtMs[id] = nowMs + 20 + restoreRandom.nextInt(300);
        logs[id] = backup.log().copy();
        termStores[id] = backup.termStore().copy();
        memberships[id] = backup.membership().copyInMemory();
        snapshots[id] = null == backup.snapshot() ? null : backup.snapshot().copy();
        snapshotStores[id] = new SimSnapshots(id);
        commitMarks[id] = backup.commitMark();
        knownIncarnations[id] = new PeerIncarnations(backup.knownHighs().clone(), backup.knownLows().clone(), null);
        if (!restoresKeepTheirIncarnation)
        {
            incarnations[id] = nextIncarnation++; // its identity file lost: a new one, not a --join start
            joinedEmpty[id] = false;
        }
        backup = null;
        restores++;
        changingNode = id;
        wipeChangingNode = true;
        membershipStep = MembershipStep.REMOVING;
        membershipStartsAtMs = nowMs + 300 + restoreRandom.nextInt(1_500);
    }

    private int upLeader()
    {
        int leader = -1;
        for (int id = 0; id < groupSize; id++)
        {
            if (up[id] && nodes[id].role() == Role.LEADER &&
                (leader < 0 || nodes[id].currentTerm() > nodes[leader].currentTerm()))
            {
                leader = id;
            }
        }
        return leader;
    }

    private boolean allUp()
    {
        for (int id = 0; id < groupSize; id++)
        {
            if (!up[id])
            {
                return false;
            }
        }
        return true;
    }

    private long lowestApplied()
    {
        long lowest = Long.MAX_VALUE;
        for (int id = 0; id < groupSize; id++)
        {
            lowest = Math.min(lowest, applied[id].lastIndex);
        }
        return lowest;
    }

    /**
     * A planned switchover: the leader hands over to a random other member, which may be down, cut off or lagging;
     * then the transfer must time out and the leader go on.
     */
    private void startTransfer()
    {
        for (int id = 0; id < groupSize; id++)
        {
            if (up[id] && nodes[id].role() == Role.LEADER)
            {
                final int target = (id + 1 + random.nextInt(groupSize - 1)) % groupSize;
                if (!nodes[id].isVoter(target))
                {
                    return; // a learner or a removed node cannot be handed the lead
                }
                if (!nodes[id].transferLeadership(target, nowMs))
                {
                    fail("leader " + id + " refused to transfer to " + target);
                }
                if (nodes[id].transferTarget() != target || nodes[id].appendLocal(1) != -1)
                {
                    fail("leader " + id + " accepts commands while a transfer to " + target + " is pending");
                }
                transfersStarted++;
                lastIndexAtTransfer[id] = logs[id].lastIndex();
                transferTarget = target;
                transferFromTerm = nodes[id].currentTerm();
                return;
            }
        }
    }

    private int pickLeaderOrAny()
    {
        // Killing the leader is the interesting case; do it half the time.
        if (random.nextBoolean())
        {
            for (int id = 0; id < groupSize; id++)
            {
                if (up[id] && nodes[id].role() == Role.LEADER)
                {
                    return id;
                }
            }
        }
        return random.nextInt(groupSize);
    }

    private void cut(final int from, final int to, final long healAtMs)
    {
        linkCut[from][to] = true;
        healLinkAtMs[from][to] = Math.max(healLinkAtMs[from][to], healAtMs);
    }

    private void healEverything()
    {
        networkLossy = false;
        for (int id = 0; id < groupSize; id++)
        {
            if (!up[id])
            {
                start(id);
            }
            for (int to = 0; to < groupSize; to++)
            {
                linkCut[id][to] = false;
            }
        }
    }

    // ---------------------------------------------------------------------------------------------- network

    /** Endpoint ids: 0..groupSize-1 are nodes, groupSize + c is client c. */
    private void send(final int from, final int to, final Object message)
    {
        if (message instanceof ConsensusMessage.AppendEntries append)
        {
            for (final long payload : append.entryPayloads())
            {
                if (payload == MemoryReplicaLog.PRUNED)
                {
                    fail("retention: node " + from + " had to send node " + to + " an entry it had removed (after " +
                        append.prevLogIndex() + ")");
                }
            }
        }
        if (from < groupSize && to < groupSize && linkCut[from][to])
        {
            return;
        }
        if (networkLossy && random.nextDouble() < dropRate)
        {
            return;
        }
        final Object delivered = networkLossy && message instanceof ConsensusMessage.InstallSnapshot chunk &&
            chunk.data().length > 0 && random.nextInt(50) == 0 ? corrupted(chunk) : message;
        if (slowTarget >= 0 && from < groupSize && to < groupSize && (from == slowTarget || to == slowTarget))
        {
            final long lateAtMs = slowTargetDeliversAtMs(from, to, message, nowMs + 1 + random.nextInt(maxDelayMs));
            if (lateAtMs >= 0)
            {
                network.add(new InFlight(lateAtMs, messageSequence++, from, to, delivered, incarnationOf(from),
                    false));
            }
            return;
        }
        if (from < groupSize && to < groupSize && (from == slowNode || to == slowNode))
        {
            // Like TCP: late, but whole and in order (a fixed delay keeps the send order, ties go by sequence).
            network.add(new InFlight(nowMs + slowDelayMs, messageSequence++, from, to, delivered,
                incarnationOf(from), from < groupSize && joinedEmpty[from]));
            return;
        }
        network.add(new InFlight(nowMs + 1 + random.nextInt(maxDelayMs), messageSequence++, from, to, delivered,
            incarnationOf(from), from < groupSize && joinedEmpty[from]));
        if (random.nextDouble() < duplicateRate)
        {
            network.add(new InFlight(nowMs + 1 + random.nextInt(maxDelayMs * 3), messageSequence++, from, to,
                delivered, incarnationOf(from), from < groupSize && joinedEmpty[from]));
        }
    }

    /**
     * {@link #runWithLateHandOver}'s faults: the target's transfer RequestVote is lost to some members, the votes
     * reach it late, and its first messages as leader reach each member late (in order: held ones are delivered at one
     * time, in the order sent).
     *
     * @return when the message is delivered, -1: lost.
     */
    private long slowTargetDeliversAtMs(final int from, final int to, final Object message, final long deliverAtMs)
    {
        if (from == slowTarget && message instanceof ConsensusMessage.RequestVote)
        {
            slowTargetStoodAtMs = slowTargetStoodAtMs < 0 ? nowMs : slowTargetStoodAtMs;
            return voteRequestLost[to] ? -1 : deliverAtMs;
        }
        if (to == slowTarget && message instanceof ConsensusMessage.VoteReply && slowTargetStoodAtMs >= 0)
        {
            return Math.max(deliverAtMs, slowTargetStoodAtMs + voteRepliesLateMs);
        }
        if (from == slowTarget && nodes[from].role() == Role.LEADER)
        {
            slowTargetLedAtMs = slowTargetLedAtMs < 0 ? nowMs : slowTargetLedAtMs;
            return Math.max(deliverAtMs, slowTargetLedAtMs + firstMessagesLateMs[to]);
        }
        return deliverAtMs;
    }

    private long incarnationOf(final int endpoint)
    {
        return endpoint < groupSize ? incarnations[endpoint] : 0;
    }

    /**
     * The transport's check: every message's sender incarnation is put to the receiver's {@link PeerIncarnations}
     * (learned, admitted or refused); a refused sender's votes are dropped.
     */
    private boolean voteRefused(final InFlight inFlight, final ConsensusMessage message)
    {
        final int to = inFlight.to;
        final int decision =
            knownIncarnations[to].admit(inFlight.from, 0, inFlight.fromIncarnation, inFlight.fromJoinedEmpty,
                nodes[to].configuration());
        if (decision == PeerIncarnations.REFUSED &&
            (message instanceof ConsensusMessage.RequestVote || message instanceof ConsensusMessage.VoteReply ||
            message instanceof ConsensusMessage.PreVote || message instanceof ConsensusMessage.PreVoteReply))
        {
            votesRefused++;
            return true;
        }
        return false;
    }

    /** A chunk with one byte flipped (a fault below the transport's checks): the install must not verify. */
    private ConsensusMessage.InstallSnapshot corrupted(final ConsensusMessage.InstallSnapshot chunk)
    {
        final byte[] data = chunk.data().clone();
        data[random.nextInt(data.length)] ^= (byte)(1 + random.nextInt(255));
        return new ConsensusMessage.InstallSnapshot(chunk.term(), chunk.fromNodeId(), chunk.snapshotIndex(),
            chunk.snapshotTerm(), chunk.configuration(), chunk.totalLength(), chunk.offset(), data);
    }

    private void deliverDue(final boolean faultsOn)
    {
        while (!network.isEmpty() && network.peek().deliverAtMs <= nowMs)
        {
            final InFlight inFlight = network.poll();
            final int to = inFlight.to;
            if (to >= groupSize)
            {
                clients[to - groupSize].onMessage(inFlight.message);
                continue;
            }
            if (!up[to] || (faultsOn && inFlight.from < groupSize && linkCut[inFlight.from][to]))
            {
                continue;
            }
            if (inFlight.message instanceof ConsensusMessage message)
            {
                if (inFlight.from < groupSize && voteRefused(inFlight, message))
                {
                    continue;
                }
                nodes[to].onMessage(message, nowMs);
                noteRole(to);
            }
            else if (inFlight.message instanceof ClientRequest request)
            {
                onClientRequest(to, request);
            }
        }
        for (int id = 0; id < groupSize; id++)
        {
            if (flushDue[id])
            {
                flushDue[id] = false;
                if (up[id])
                {
                    nodes[id].flush(nowMs);
                }
            }
        }
        for (int id = 0; id < groupSize; id++)
        {
            noteRole(id);
        }
    }

    // ---------------------------------------------------------------------------------------------- clients

    record ClientRequest(int clientId, long key, int attempt)
    {
    }

    record ClientReply(long key, int attempt, boolean success, int leaderHint)
    {
    }

    record Pending(int clientId, long key, int attempt, long term)
    {
    }

    private void onClientRequest(final int nodeId, final ClientRequest request)
    {
        final ConsensusNode node = nodes[nodeId];
        // Half the commands are batched: appended now, sent by one flush after this millisecond's deliveries.
        final boolean batched = random.nextBoolean();
        final long index = batched ? node.appendLocal(request.key) : node.propose(request.key, nowMs);
        if (index < 0)
        {
            final int hint = node.transferTarget() >= 0 ? node.transferTarget() : node.leaderId();
            send(nodeId, groupSize + request.clientId, new ClientReply(request.key, request.attempt, false, hint));
            return;
        }
        flushDue[nodeId] |= batched;
        pendingByNode.get(nodeId).put(index,
            new Pending(request.clientId, request.key, request.attempt, node.currentTerm()));
    }

    private void answerClients()
    {
        for (int nodeId = 0; nodeId < groupSize; nodeId++)
        {
            final int id = nodeId;
            final Map<Long, Pending> pending = pendingByNode.get(id);
            if (pending.isEmpty())
            {
                continue;
            }
            final ConsensusNode node = nodes[id];
            if (!up[id] || node.role() != Role.LEADER)
            {
                pending.clear(); // the client times out and retries elsewhere with the same key
                continue;
            }
            // The memory log is durable on append: the durable index is the last index.
            final long ackIndex = ackRules[id].acknowledgedIndex(node, logs[id].lastIndex());
            pending.entrySet().removeIf(entry ->
            {
                final long index = entry.getKey();
                if (index > ackIndex)
                {
                    return false;
                }
                final Pending p = entry.getValue();
                if (logs[id].termAt(index) == p.term && logs[id].payloadAt(index) == p.key)
                {
                    noteAck(id, index, p.term);
                    send(id, groupSize + p.clientId, new ClientReply(p.key, p.attempt, true, id));
                }
                return true;
            });
        }
    }

    private final class Client
    {
        private final int clientId;
        private long nextKeySequence = 1;
        private long outstandingKey;
        private long sentAtMs;
        private long firstSentAtMs;
        private int target;
        private int attempt;

        Client(final int clientId)
        {
            this.clientId = clientId;
            this.target = clientId % groupSize;
        }

        void onTimer()
        {
            if (outstandingKey == 0)
            {
                if (newCommandsAllowed && random.nextInt(5) == 0)
                {
                    outstandingKey = (clientId + 1) * 1_000_000_000L + nextKeySequence++;
                    firstSentAtMs = nowMs;
                    sendOutstanding();
                }
            }
            else if (nowMs - sentAtMs >= CLIENT_TIMEOUT_MS)
            {
                target = (target + 1) % groupSize; // retry elsewhere with the same key: no double charge
                sendOutstanding();
            }
        }

        void onMessage(final Object message)
        {
            if (!(message instanceof ClientReply reply) || reply.key != outstandingKey)
            {
                return; // late or duplicate reply for an earlier command
            }
            if (reply.success)
            {
                // Any attempt's success counts: they all carry the same key.
                ackedKeys.add(reply.key);
                if (leaderLostAtMs >= 0 && firstSentAtMs >= leaderLostAtMs - CLIENT_TIMEOUT_MS)
                {
                    failoverMs.add(nowMs - leaderLostAtMs);
                    leaderLostAtMs = -1;
                }
                outstandingKey = 0;
            }
            else if (reply.attempt == attempt)
            {
                // Only a refusal of the latest attempt redirects: a duplicated or late refusal must not start a
                // second chain of redirects (they would multiply with every duplicated message).
                target = reply.leaderHint >= 0 ? reply.leaderHint : (target + 1) % groupSize;
                sendOutstanding();
            }
        }

        private void sendOutstanding()
        {
            sentAtMs = nowMs;
            attempt++;
            send(groupSize + clientId, target, new ClientRequest(clientId, outstandingKey, attempt));
        }
    }

    // ---------------------------------------------------------------------------------------------- snapshots

    /**
     * A node's snapshot store as the product's: it sends its newest snapshot (its state machine serialized, with a
     * CRC-32 at the end) in chunks, and receives one into a partial buffer that survives a crash (the product keeps a
     * partial file), verifies it whole, and installs it in place of the state machine.
     */
    private final class SimSnapshots implements SnapshotSource, SnapshotSink
    {
        private final int nodeId;
        private Applied serializedState;
        private byte[] serialized;
        private long partialIndex;
        private byte[] partial;
        private int received;
        private Applied verified;

        SimSnapshots(final int nodeId)
        {
            this.nodeId = nodeId;
        }

        private byte[] bytesOf(final long index)
        {
            final Applied snapshot = snapshots[nodeId];
            if (null == snapshot || snapshot.lastIndex != index)
            {
                return null;
            }
            if (serializedState != snapshot)
            {
                serializedState = snapshot;
                serialized = snapshot.serialize();
            }
            return serialized;
        }

        @Override
        public long latestIndex()
        {
            return null == snapshots[nodeId] ? 0 : snapshots[nodeId].lastIndex;
        }

        @Override
        public long length(final long index)
        {
            final byte[] bytes = bytesOf(index);
            return null == bytes ? -1 : bytes.length;
        }

        @Override
        public int chunkBytes()
        {
            return snapshotChunkBytes;
        }

        @Override
        public long catchUpEntriesMax()
        {
            return catchUpEntriesMax;
        }

        @Override
        public boolean read(
            final long index, final long offset, final org.agrona.MutableDirectBuffer into, final int intoOffset,
            final int length)
        {
            final byte[] bytes = bytesOf(index);
            if (null == bytes || offset + length > bytes.length)
            {
                return false;
            }
            into.putBytes(intoOffset, bytes, (int)offset, length);
            return true;
        }

        @Override
        public long receive(
            final long index, final long term, final long totalLength, final long offset,
            final org.agrona.DirectBuffer buffer, final int bufferOffset, final int length)
        {
            if (index != partialIndex)
            {
                if (offset != 0)
                {
                    return 0;
                }
                partialIndex = index;
                partial = new byte[(int)totalLength];
                received = 0;
            }
            if (offset == received && length > 0 && offset + length <= partial.length)
            {
                buffer.getBytes(bufferOffset, partial, received, length);
                received += length;
            }
            return received;
        }

        @Override
        public boolean complete(final long index, final long term)
        {
            verified = index == partialIndex ? Applied.deserialize(GroupSimulation.this, nodeId, partial) : null;
            partialIndex = 0;
            partial = null;
            received = 0;
            if (null == verified || verified.lastIndex != index)
            {
                snapshotChecksumFailures++;
                verified = null;
                return false;
            }
            return true;
        }

        @Override
        public void installed(final long index, final long term)
        {
            applied[nodeId] = verified;
            snapshots[nodeId] = verified.copy();
            commitMarks[nodeId] = Math.max(commitMarks[nodeId], index);
            verified = null;
            snapshotInstalls++;
        }
    }

    // ---------------------------------------------------------------------------------------------- checks

    /** One node's state machine: applies each committed key once (the engine's idempotency keys do this). */
    private final class Applied implements CommitListener
    {
        private final int nodeId;
        private final Set<Long> keys = new HashSet<>();
        private long hash;
        private long lastIndex;

        Applied(final int nodeId)
        {
            this.nodeId = nodeId;
        }

        /** lastIndex, hash, key count, keys in ascending order, CRC-32 of all that. */
        byte[] serialize()
        {
            final long[] sorted = keys.stream().mapToLong(Long::longValue).sorted().toArray();
            final java.nio.ByteBuffer bytes = java.nio.ByteBuffer.allocate(8 + 8 + 4 + 8 * sorted.length + 8);
            bytes.putLong(lastIndex).putLong(hash).putInt(sorted.length);
            for (final long key : sorted)
            {
                bytes.putLong(key);
            }
            final java.util.zip.CRC32 crc = new java.util.zip.CRC32();
            crc.update(bytes.array(), 0, bytes.position());
            bytes.putLong(crc.getValue());
            return bytes.array();
        }

        /** @return the state, or null when the bytes do not verify. */
        static Applied deserialize(final GroupSimulation simulation, final int nodeId, final byte[] data)
        {
            if (data.length < 28)
            {
                return null;
            }
            final java.nio.ByteBuffer bytes = java.nio.ByteBuffer.wrap(data);
            final java.util.zip.CRC32 crc = new java.util.zip.CRC32();
            crc.update(data, 0, data.length - 8);
            if (bytes.getLong(data.length - 8) != crc.getValue())
            {
                return null;
            }
            final Applied state = simulation.new Applied(nodeId);
            state.lastIndex = bytes.getLong();
            state.hash = bytes.getLong();
            final int count = bytes.getInt();
            for (int i = 0; i < count; i++)
            {
                state.keys.add(bytes.getLong());
            }
            return state;
        }

        Applied copy()
        {
            final Applied copy = new Applied(nodeId);
            copy.keys.addAll(keys);
            copy.hash = hash;
            copy.lastIndex = lastIndex;
            return copy;
        }

        @Override
        public void onCommitted(final long index, final long term, final long payload)
        {
            if (index != lastIndex + 1)
            {
                fail("node " + nodeId + " applied index " + index + " after " + lastIndex);
            }
            if (payload == MemoryReplicaLog.PRUNED)
            {
                fail("retention: node " + nodeId + " applies index " + index + ", which its log no longer holds");
            }
            lastIndex = index;
            if (index <= committed.size())
            {
                final long[] known = committed.get((int)index - 1);
                if (known[0] != term || known[1] != payload)
                {
                    fail("state machine safety: node " + nodeId + " committed (term " + term + ", " + payload +
                        ") at index " + index + " where another node committed (term " + known[0] + ", " + known[1] +
                        ")");
                }
            }
            else
            {
                committed.add(new long[] {term, payload});
            }
            if (payload != 0 && keys.add(payload))
            {
                hash = hash * 31 + payload;
            }
        }
    }

    private void noteRole(final int id)
    {
        if (!up[id])
        {
            return;
        }
        final ConsensusNode node = nodes[id];
        final Role role = node.role();
        if (role == Role.LEADER && lastRole[id] != Role.LEADER)
        {
            elections++;
            ackRules[id].onBecameLeader();
            if (id == transferTarget && node.currentTerm() == transferFromTerm + 1)
            {
                transfersWon++; // the target took the very next term, as the transfer intends
                transferTarget = -1;
            }
            if (!node.mayStand())
            {
                fail("node " + id + " leads although it may not stand: " +
                    Membership.describe(node.configuration()) + ", may vote " + node.mayVote());
            }
            highestLeaderTerm = Math.max(highestLeaderTerm, node.currentTerm());
            final Long previous = leaderOfTerm.putIfAbsent(node.currentTerm(), (long)id);
            if (previous != null && previous != id)
            {
                fail("election safety: term " + node.currentTerm() + " has leaders " + previous + " and " + id);
            }
            checkLeaderCompleteness(id);
        }
        lastRole[id] = role;
    }

    /** An acknowledgement by leader {@code id}: see {@link #staleAcks} and {@link #ackedEntries}. */
    private void noteAck(final int id, final long index, final long term)
    {
        if (nodes[id].currentTerm() < highestLeaderTerm)
        {
            staleAcks++;
            if (null == firstStaleAck)
            {
                firstStaleAck = "at " + nowMs + " ms leader " + id + " of term " + nodes[id].currentTerm() +
                    " acknowledged index " + index + " after a leader of term " + highestLeaderTerm + " was elected";
            }
        }
        if (ackPolicy != AckPolicy.LOCAL)
        {
            ackedEntries.add(new long[] {index, term});
        }
    }

    /** @return the first acknowledgement a stale leader gave ({@link #staleAcks}), null: none. */
    String firstStaleAck()
    {
        return firstStaleAck;
    }

    private void checkLeaderCompleteness(final int id)
    {
        final MemoryReplicaLog log = logs[id];
        if (log.lastIndex() < committed.size())
        {
            fail("leader completeness: new leader " + id + " has " + log.lastIndex() + " entries, " +
                committed.size() + " are committed");
        }
        for (int i = 1; i <= committed.size(); i++)
        {
            final long payload = log.payloadAt(i); // PRUNED: removed by retention, compared where still held
            if (log.termAt(i) == MemoryReplicaLog.UNKNOWN_TERM)
            {
                continue; // below a snapshot this node installed: in the snapshot, which carries the state
            }
            if (log.termAt(i) != committed.get(i - 1)[0] ||
                (payload != MemoryReplicaLog.PRUNED && payload != committed.get(i - 1)[1]))
            {
                fail("leader completeness: new leader " + id + " lacks committed index " + i);
            }
        }
        // What quorum and all promise, checked as the client sees it: every acknowledged entry is in every later
        // leader's log (below a snapshot it installed, in the snapshot).
        for (final long[] acked : ackedEntries)
        {
            final long index = acked[0];
            if (index > log.lastIndex() ||
                log.termAt(index) != acked[1] && log.termAt(index) != MemoryReplicaLog.UNKNOWN_TERM)
            {
                fail("an acknowledged entry lost: new leader " + id + " of term " + nodes[id].currentTerm() +
                    " lacks index " + acked[0] + " of term " + acked[1] + " (" + ackPolicy + ")");
            }
        }
    }

    private void checkSafety()
    {
        for (int id = 0; id < groupSize; id++)
        {
            if (up[id] && nodes[id].commitIndex() > logs[id].lastIndex())
            {
                fail("node " + id + " commit index beyond its log");
            }
            if (up[id] && nodes[id].role() == Role.LEADER && nodes[id].transferTarget() != -1 &&
                logs[id].lastIndex() != lastIndexAtTransfer[id])
            {
                fail("leader " + id + " grew its log while transferring leadership");
            }
        }
        if (network.size() > NETWORK_MESSAGES_MAX)
        {
            fail("traffic blow-up: " + network.size() + " messages in flight");
        }
    }

    private void checkLogMatching()
    {
        for (int a = 0; a < groupSize; a++)
        {
            for (int b = a + 1; b < groupSize; b++)
            {
                final long shorter = Math.min(logs[a].lastIndex(), logs[b].lastIndex());
                boolean matchedAbove = false;
                for (long i = shorter; i >= 1; i--)
                {
                    final long termA = logs[a].termAt(i);
                    final long termB = logs[b].termAt(i);
                    if (termA == MemoryReplicaLog.UNKNOWN_TERM || termB == MemoryReplicaLog.UNKNOWN_TERM)
                    {
                        break; // below a snapshot install: nothing left to compare
                    }
                    final boolean sameTerm = termA == termB;
                    final long payloadA = logs[a].payloadAt(i);
                    final long payloadB = logs[b].payloadAt(i);
                    final boolean samePayload = payloadA == payloadB || payloadA == MemoryReplicaLog.PRUNED ||
                        payloadB == MemoryReplicaLog.PRUNED;
                    if (matchedAbove && (!sameTerm || !samePayload))
                    {
                        fail("log matching: nodes " + a + " and " + b + " agree above index " + i +
                            " but differ at it");
                    }
                    matchedAbove |= sameTerm;
                }
            }
        }
    }

    private Result checkConverged()
    {
        checkLogMatching();
        long commit = -1;
        for (int id = 0; id < groupSize; id++)
        {
            final ConsensusNode node = nodes[id];
            if (commit == -1)
            {
                commit = node.commitIndex();
            }
            if (node.commitIndex() != commit || applied[id].lastIndex != commit)
            {
                fail("no convergence after healing: node " + id + " commit " + node.commitIndex() + " applied " +
                    applied[id].lastIndex + ", node 0 commit " + commit);
            }
            if (applied[id].hash != applied[0].hash)
            {
                fail("replicas disagree: node " + id + " state hash differs from node 0's");
            }
        }
        int lost = 0;
        for (final long key : ackedKeys)
        {
            if (!applied[0].keys.contains(key))
            {
                lost++;
            }
        }
        for (int id = 0; id < groupSize; id++)
        {
            if (nodes[id].configuration() != Membership.allVoters(groupSize) || !nodes[id].mayVote())
            {
                fail("membership not restored after healing: node " + id + " has " +
                    Membership.describe(nodes[id].configuration()));
            }
        }
        return new Result(seed, ackedKeys.size(), lost, elections, failoverMs, commit, transfersStarted, transfersWon,
            ackSetChanges, prunes, snapshotInstalls, snapshotChecksumFailures, membershipChangesStarted, replacements,
            restores, votesRefused, rejoinsWithoutVote, staleAcks);
    }

    private void fail(final String message)
    {
        throw new AssertionError("seed " + seed + " at " + nowMs + " ms (" + ackPolicy + "): " + message);
    }

    private record InFlight(long deliverAtMs, long sequence, int from, int to, Object message, long fromIncarnation,
        boolean fromJoinedEmpty)
        implements Comparable<InFlight>
    {
        @Override
        public int compareTo(final InFlight other)
        {
            final int byTime = Long.compare(deliverAtMs, other.deliverAtMs);
            return byTime != 0 ? byTime : Long.compare(sequence, other.sequence);
        }
    }
}
