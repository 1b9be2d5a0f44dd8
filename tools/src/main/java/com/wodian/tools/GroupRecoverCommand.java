package com.wodian.tools;

import com.wodian.journal.DurabilityPolicy;
import com.wodian.journal.SnapshotStore;
import com.wodian.journal.consensus.Membership;
import com.wodian.journal.consensus.storage.FileTermStore;
import com.wodian.journal.consensus.storage.JournalReplicaLog;
import com.wodian.journal.consensus.storage.MembershipFile;
import com.wodian.journal.consensus.storage.PeerIncarnationsFile;
import com.wodian.net.cluster.NodeIdentityFile;
import com.wodian.net.cluster.transport.ReplicationDescriptor;
import com.wodian.net.server.DataDirectoryLock;
import com.wodian.net.server.WodianServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code wodian group recover}: the way back after a replica group lost its majority for good (two of three hosts, a
 * site). Offline, on a stopped member's data directory (a survivor, or a restored copy of one), it makes the node a
 * group of one: the journal is cut after the last entry the node knows committed (its commit mark, or its newest
 * snapshot, which only ever holds committed state), or kept whole with {@code --keep-tail}; the membership becomes
 * this node alone as voter; the directory gets a new group name (the group epoch) and a new incarnation, so nodes of
 * the old group, started again with their old state, are refused at the hello and cannot bring it back; what was
 * cut stays in {@code journal.superseded-N} and every step is written to {@code <data>/recover.log}. The others are
 * then rebuilt as new servers ({@code --join}, {@code wodian group add}); docs/operations.md section 6.
 */
@Command(name = "recover", mixinStandardHelpOptions = true,
    description = "After losing a majority for good: make a STOPPED member's data directory a group of one (this "
        + "node the only voter) under a new group name, cutting its journal after the last entry it knows committed "
        + "(or keeping it whole: --keep-tail). Start it with the new --group, then rebuild the others with --join "
        + "and group add (docs/operations.md section 6). Status 0 done (or --dry-run), 1 refused, 2 usage.")
final class GroupRecoverCommand implements Callable<Integer>
{
    private static final Pattern EPOCH_SUFFIX = Pattern.compile("(.*)\\.(\\d{1,9})");
    /** The file each run appends its report to, in the data directory. */
    static final String LOG_FILE_NAME = "recover.log";

    @Option(names = "--data", required = true, description = "the stopped member's data directory")
    Path dataDir;

    @Option(names = "--node-id", required = true, description = "its node id (as its node-identity file records)")
    int nodeId;

    @Option(names = "--group", description = "the new group name (default: the old one with its epoch suffix " +
        "raised: wodian -> wodian.2 -> wodian.3); every node of the new group is started with it")
    String newGroupName;

    @Option(names = "--keep-tail", description = "keep the journal's entries beyond the commit mark (they become " +
        "committed): only on the most up-to-date survivor (highest last index of the journals left)")
    boolean keepTail;

    @Option(names = "--dry-run", description = "say what would be done, change nothing")
    boolean dryRun;

    private final List<String> report = new ArrayList<>();
    /** Set before the first change to the directory: a failure after it leaves the steps said so far done. */
    private boolean changing;

    @Override
    public Integer call()
    {
        final NodeIdentityFile.Owner owner;
        try
        {
            owner = NodeIdentityFile.owner(dataDir);
        }
        catch (final IOException ex)
        {
            System.err.println("error: " + ex.getMessage());
            return WodianMain.EXIT_REFUSED;
        }
        final String refusal = refusal(owner);
        if (null != refusal)
        {
            System.err.println("error: " + refusal + "; nothing changed");
            return WodianMain.EXIT_REFUSED;
        }
        final String groupName = null == newGroupName ? nextGroupName(owner.groupName()) : newGroupName;
        if (groupName.equals(owner.groupName()) || groupName.isEmpty() ||
            groupName.chars().anyMatch(Character::isWhitespace) ||
            groupName.getBytes(StandardCharsets.UTF_8).length > ReplicationDescriptor.GROUP_NAME_LENGTH_MAX)
        {
            System.err.println("error: --group must name a new group (not '" + owner.groupName() + "', 1 to " +
                ReplicationDescriptor.GROUP_NAME_LENGTH_MAX + " bytes, no spaces); nothing changed");
            return WodianMain.EXIT_REFUSED;
        }
        try (DataDirectoryLock lock = DataDirectoryLock.acquire(dataDir))
        {
            recover(owner, groupName);
        }
        catch (final IOException | UncheckedIOException | IllegalStateException ex)
        {
            System.err.println("error: " + ex.getMessage() + (changing ? "; the steps above were done: run the " +
                "command again (each step is safe to repeat)" : "; nothing changed"));
            return WodianMain.EXIT_REFUSED;
        }
        return WodianMain.EXIT_OK;
    }

    /** @return why the directory is not a member's to recover, or null. */
    private String refusal(final NodeIdentityFile.Owner owner)
    {
        if (!Files.isDirectory(dataDir.resolve(JournalReplicaLog.JOURNAL_DIR_NAME)) ||
            !Files.exists(dataDir.resolve(JournalReplicaLog.TERM_HISTORY_FILE_NAME)) || null == owner)
        {
            return dataDir + " is not a replica group member's data directory (no journal, term-history or " +
                NodeIdentityFile.FILE_NAME + ")";
        }
        if (owner.nodeId() != nodeId)
        {
            return dataDir + " belongs to node " + owner.nodeId() + " of group '" + owner.groupName() +
                "', not node " + nodeId;
        }
        return null;
    }

    /** The old name with its epoch suffix raised: wodian -> wodian.2, wodian.2 -> wodian.3. */
    static String nextGroupName(final String groupName)
    {
        final Matcher suffix = EPOCH_SUFFIX.matcher(groupName);
        return suffix.matches() ? suffix.group(1) + "." + (Long.parseLong(suffix.group(2)) + 1) : groupName + ".2";
    }

    private void recover(final NodeIdentityFile.Owner owner, final String groupName) throws IOException
    {
        say("wodian group recover " + (dryRun ? "(dry run) " : "") + "at " + Instant.now() + ": " + dataDir +
            ", node " + nodeId + " of group '" + owner.groupName() + "'");
        final long lastTerm = cutJournal();
        final Path membershipFile = dataDir.resolve(MembershipFile.FILE_NAME);
        final long alone = Membership.of(1L << nodeId, 0);
        final long before = Files.exists(membershipFile) ?
            MembershipFile.open(membershipFile, nodeId, alone, false).latest() : alone;
        say("membership: " + Membership.describe(before) + " -> " + Membership.describe(alone) +
            " (this node alone, may vote)");
        say("group: '" + owner.groupName() + "' -> '" + groupName + "', with a new incarnation; the peers' known " +
            "incarnations (" + PeerIncarnationsFile.FILE_NAME + ") are forgotten");
        if (dryRun)
        {
            say("dry run: nothing changed");
            return;
        }
        changing = true;
        final FileTermStore terms = new FileTermStore(dataDir.resolve(WodianServer.TERM_STORE_FILE_NAME));
        if (terms.currentTerm() < lastTerm)
        {
            // A restored copy whose term store is older than its journal: the new group starts above every term
            // its journal holds (a start refuses a term store behind the journal).
            terms.store(lastTerm, -1);
            say("term store: raised to the journal's last term " + lastTerm);
        }
        Files.deleteIfExists(membershipFile);
        MembershipFile.open(membershipFile, nodeId, alone, false);
        Files.deleteIfExists(dataDir.resolve(PeerIncarnationsFile.FILE_NAME));
        NodeIdentityFile.recordNewGroup(dataDir, groupName, nodeId);
        say("done. Start this node with --group " + groupName + " --node-id " + nodeId + " (and its --peers): it " +
            "leads alone. Then rebuild each other node as a new server: an empty data directory (credentials kept), " +
            "--group " + groupName + " --join, then wodian group add --node N. Never start another node of group '" +
            owner.groupName() + "' with its old data again.");
        appendLog();
    }

    /**
     * Cuts the journal after the last entry known committed, or keeps it with a warning (--keep-tail).
     *
     * @return the term of the last entry kept.
     */
    private long cutJournal()
    {
        try (JournalReplicaLog log = JournalReplicaLog.open(dataDir, DurabilityPolicy.SYNC, 1, null))
        {
            final long lastIndex = log.lastIndex();
            final long snapshot = newestSnapshotSequence(lastIndex);
            final long committed = Math.min(lastIndex, Math.max(log.commitMark(), snapshot));
            say("journal: entries " + (log.startIndex() + 1) + "-" + lastIndex + " (last term " +
                log.termAt(lastIndex) + "); commit mark " + log.commitMark() + ", newest snapshot at " +
                (snapshot < 0 ? "-" : Long.toString(snapshot)) + ": known committed up to " + committed);
            if (committed == lastIndex)
            {
                say("journal: nothing beyond the last entry known committed; kept whole");
                return log.termAt(lastIndex);
            }
            final String range = "entries " + (committed + 1) + "-" + lastIndex + " (" + (lastIndex - committed) +
                " entries of terms " + log.termAt(committed + 1) + "-" + log.termAt(lastIndex) + ")";
            if (keepTail)
            {
                say("WARNING: --keep-tail: keeping " + range + ", which this node never learned were committed: " +
                    "they become committed now, whatever the lost nodes held. Right only on the most up-to-date " +
                    "survivor; every other survivor must be rebuilt from this one");
                return log.termAt(lastIndex);
            }
            if (!dryRun)
            {
                changing = true;
                log.truncateFrom(committed + 1);
            }
            say((dryRun ? "would cut " : "cut ") + range + ": not known to be committed (their clients may have " +
                "been told OK: compare with the other survivors' journals, and use --keep-tail on the most " +
                "up-to-date one instead); the journal as it was is kept in " + dataDir.resolve(
                JournalReplicaLog.SUPERSEDED_DIR_PREFIX + (log.truncationCount() + (dryRun ? 1 : 0))));
            return log.termAt(committed);
        }
    }

    /** @return the journal sequence of the newest valid snapshot at or below {@code lastIndex}, -1 when none. */
    private long newestSnapshotSequence(final long lastIndex)
    {
        final SnapshotStore store = DurabilitySupport.snapshotStoreOrNull(dataDir);
        long newest = -1;
        for (final SnapshotStore.SnapshotInfo info : null == store ? List.<SnapshotStore.SnapshotInfo>of() :
            store.list())
        {
            if (info.isValid() && info.journalSequence() <= lastIndex)
            {
                newest = Math.max(newest, info.journalSequence());
            }
        }
        return newest;
    }

    private void say(final String line)
    {
        report.add(line);
        System.out.println(line);
    }

    private void appendLog() throws IOException
    {
        Files.write(dataDir.resolve(LOG_FILE_NAME), report, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
            StandardOpenOption.APPEND);
    }
}
