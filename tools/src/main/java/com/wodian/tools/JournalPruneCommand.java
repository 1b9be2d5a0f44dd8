package com.wodian.tools;

import com.wodian.journal.ChronicleJournal.CycleFile;
import com.wodian.journal.ChronicleJournal;
import com.wodian.journal.JournalRetention;
import com.wodian.journal.SnapshotStore;
import com.wodian.journal.consensus.Membership;
import com.wodian.journal.consensus.storage.JournalReplicaLog;
import com.wodian.journal.consensus.storage.TermHistory;
import com.wodian.net.durability.EngineSnapshots;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * {@code wodian journal prune}: removes (or archives) the journal files recovery can no longer need, by the rule of
 * {@link JournalRetention}. In a replica group's data directory it first asks the group's nodes (their client
 * addresses, as {@code wodian status} takes them) how far each member of the primary's configuration has applied, and
 * refuses when a member does not answer: a standby's position decides what the primary must still be able to send it.
 */
@Command(name = "prune", mixinStandardHelpOptions = true,
    description = "Remove (or archive) journal files below the oldest valid snapshot (and, in a replica group, below "
        + "the applied index of every member of the group), and superseded journals left by truncations.")
final class JournalPruneCommand implements Callable<Integer>
{
    @Option(names = "--data", required = true, description = "data directory of a server")
    Path dataDir;

    @Option(names = "--dry-run", description = "print what would go, remove nothing")
    boolean dryRun;

    @Option(names = "--archive", description = "move the files under this directory instead of deleting them")
    Path archiveDir;

    @Option(names = "--peers", split = ",", converter = GroupCommands.HostPort.class,
        description = "in a replica group: client addresses of its nodes, HOST:PORT,... (required there): every " +
            "member of the primary's configuration (voters and learners) must answer; addresses of removed nodes " +
            "may be left out")
    List<String> peers;

    @Option(names = "--keep-for-down-members", paramLabel = "ENTRIES",
        description = "in a replica group: a member that does not answer does not stop the prune; the journal keeps " +
            "ENTRIES entries below the lowest position of the members that answered, so a member down for fewer " +
            "catches up from the journal and one down longer is sent a snapshot when it returns (default: refuse, " +
            "exit 3, while a member does not answer)")
    Long keepForDownMembers;

    @Option(names = "--credentials", defaultValue = "${env:WODIAN_CREDENTIALS}",
        description = "credential file with an admin identity, for --peers (default: $WODIAN_CREDENTIALS)")
    Path credentialsFile;

    @Option(names = "--timeout-ms", defaultValue = "2000", description = "per node, for --peers")
    long timeoutMs;

    /** For --peers whose client ports speak TLS. */
    @picocli.CommandLine.Mixin
    TlsClientOptions tlsOptions = new TlsClientOptions();

    @Override
    public Integer call()
    {
        final Path journalDir = dataDir.resolve(JournalCommand.JOURNAL_SUBDIR);
        if (!Files.isDirectory(journalDir))
        {
            System.err.println("no journal in " + dataDir + " (expected " + journalDir + ")");
            return WodianMain.EXIT_REFUSED;
        }
        final SnapshotStore store = DurabilitySupport.snapshotStoreOrNull(dataDir);
        long keepFrom = null == store ? -1 :
            JournalRetention.oldestValidSnapshotSequence(store, (info) -> null == EngineSnapshots.formatProblem(info));
        System.out.println(keepFrom < 0 ?
            "no valid snapshot this version can load: every journal file is needed by recovery" :
            "oldest valid snapshot at sequence " + keepFrom);
        final boolean group = Files.exists(dataDir.resolve(JournalReplicaLog.TERM_HISTORY_FILE_NAME));
        if (group && keepFrom >= 0)
        {
            final long groupFloor = groupFloor();
            if (groupFloor < 0)
            {
                return WodianMain.EXIT_UNREACHABLE;
            }
            System.out.println("lowest applied index in the group: " + groupFloor);
            keepFrom = Math.min(keepFrom, groupFloor);
        }
        try (ChronicleJournal journal = ChronicleJournal.open(new com.wodian.journal.JournalConfig(journalDir)))
        {
            final JournalRetention.Plan plan = JournalRetention.plan(journal, dataDir, keepFrom);
            print(plan);
            if (plan.isEmpty() || dryRun)
            {
                System.out.println(dryRun ? "dry run: nothing removed" : "nothing to remove");
                return WodianMain.EXIT_OK;
            }
            // A group member's start file carries the term of its entry (the replica log's terms start there).
            JournalRetention.apply(plan, archiveDir, group ? new String[] {Long.toString(
                new TermHistory(dataDir.resolve(JournalReplicaLog.TERM_HISTORY_FILE_NAME)).termAt(plan.startAfter()))} :
                new String[0]);
            System.out.println((null == archiveDir ? "removed " : "moved to " + archiveDir + ": ") +
                plan.cycles().size() + " journal file(s), " + plan.superseded().size() + " superseded journal(s)" +
                (plan.startAfter() < 0 ? "" : "; the journal now starts after sequence " + plan.startAfter() +
                " (journal/start-after)"));
            return WodianMain.EXIT_OK;
        }
    }

    /** Between the two looks at the group: several commit-mark intervals (200 ms by default). */
    static final long SECOND_LOOK_AFTER_MS = 1_000;

    /**
     * The lowest applied index over the members of the group, looked at twice {@link #SECOND_LOOK_AFTER_MS} apart with
     * every member answering both times: by the second look each node has stored a commit mark at least as high as
     * its first answer, and a node restarts from its commit mark, so none will ask the primary for anything below.
     *
     * @return that index, or -1 (said why) when it is not known.
     */
    private long groupFloor()
    {
        if (null != keepForDownMembers && keepForDownMembers < 0)
        {
            System.err.println("--keep-for-down-members must be 0 or more; nothing removed");
            return -1;
        }
        final long first = lowestApplied(true);
        if (first < 0)
        {
            return -1;
        }
        try
        {
            Thread.sleep(SECOND_LOOK_AFTER_MS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            return -1;
        }
        return lowestApplied(false) < 0 ? -1 : first;
    }

    /**
     * The lowest applied index over the members of the group: the voters and learners of the configuration the
     * primary reports, committed (operator review 6). A node of --peers that is not a member (an id retired with
     * {@code group remove}, a spare address) does not count: the primary sends it nothing, and if it is added again
     * it starts empty ({@code --join}) and is sent a snapshot and what follows. Every member must answer, unless
     * {@code --keep-for-down-members} says how far below the others' lowest position to keep for one that does not
     * (operator review 2, finding 4).
     *
     * @param report whether to print the notes (the first of the two looks).
     * @return that index, or -1 (said why) when it is not known.
     */
    private long lowestApplied(final boolean report)
    {
        if (null == peers || peers.isEmpty())
        {
            System.err.println("this is a replica group's data directory: name the group's nodes with --peers " +
                "(client addresses), so that nothing a standby still needs is removed; nothing removed");
            return -1;
        }
        final GroupCommands.Connection connection = new GroupCommands.Connection();
        connection.peers = peers;
        connection.credentialsFile = credentialsFile;
        connection.timeoutMs = timeoutMs;
        connection.tls = tlsOptions;
        final List<GroupCommands.NodeStatus> nodes = connection.queryAll(false);
        final GroupCommands.NodeStatus primary = GroupCommands.findPrimary(nodes);
        final String refusal = null == primary ? "no primary among --peers: the group's members are unknown" :
            !primary.hasConfiguration() ? "the primary reports no configuration (a version before group changes)" :
            !primary.configurationCommitted() ? "a membership change is in progress (" +
                primary.configurationLine() + "); run it again once it is committed" : null;
        if (null != refusal)
        {
            System.err.println(refusal + "; nothing removed");
            return -1;
        }
        long floor = Long.MAX_VALUE;
        final StringBuilder down = new StringBuilder();
        for (int id = 0; id < Membership.NODES_MAX; id++)
        {
            if (!Membership.isMember(primary.configuration(), id))
            {
                continue;
            }
            final GroupCommands.NodeStatus member = nodeOf(nodes, id);
            if (null == member && null == keepForDownMembers)
            {
                System.err.println("node " + id + ", a member of the group (" + primary.configurationLine() +
                    "), did not answer at any address of --peers: its position is unknown; nothing removed " +
                    "(--keep-for-down-members ENTRIES prunes anyway, keeping that many entries for it)");
                return -1;
            }
            if (null == member)
            {
                down.append(down.length() == 0 ? "" : ", ").append(id);
                continue;
            }
            floor = Math.min(floor, member.appliedIndex());
        }
        if (down.length() > 0)
        {
            final long answered = floor;
            floor = Math.max(0, answered - keepForDownMembers);
            if (report)
            {
                System.out.println("node(s) " + down + " of the group (" + primary.configurationLine() + ") did not " +
                    "answer: keeping " + keepForDownMembers + " entries below the others' lowest applied index " +
                    answered + " for them (--keep-for-down-members); one that returns further behind is sent a " +
                    "snapshot");
            }
        }
        for (int i = 0; report && i < nodes.size(); i++)
        {
            final GroupCommands.NodeStatus node = nodes.get(i);
            if (null == node || !Membership.isMember(primary.configuration(), node.nodeId()))
            {
                System.out.println(peers.get(i) + (null == node ? " did not answer" : " is node " + node.nodeId()) +
                    ", not a member of the group (" + Membership.describe(primary.configuration()) +
                    "): its position does not count");
            }
        }
        return floor;
    }

    private static GroupCommands.NodeStatus nodeOf(final List<GroupCommands.NodeStatus> nodes, final int nodeId)
    {
        for (final GroupCommands.NodeStatus node : nodes)
        {
            if (null != node && node.nodeId() == nodeId)
            {
                return node;
            }
        }
        return null;
    }

    private static void print(final JournalRetention.Plan plan)
    {
        for (final CycleFile cycle : plan.cycles())
        {
            System.out.printf("remove  %s  sequences %d-%d%n", cycle.file().getFileName(), cycle.firstSequence(),
                cycle.lastSequence());
        }
        for (final CycleFile cycle : plan.kept())
        {
            System.out.printf("keep    %s  sequences %d-%d%n", cycle.file().getFileName(), cycle.firstSequence(),
                cycle.lastSequence());
        }
        for (final Path superseded : plan.superseded())
        {
            System.out.printf("remove  %s  (superseded by a truncation; recovery never reads it)%n",
                superseded.getFileName());
        }
        if (plan.repairsStart())
        {
            System.out.printf("record  the journal's first file starts at %d, after files removed without a record " +
                "(a prune of an earlier version): journal/start-after becomes %d%n", plan.startAfter() + 1,
                plan.startAfter());
        }
    }
}
