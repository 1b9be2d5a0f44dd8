package com.wodian.net.server;

import com.wodian.journal.JournalWarmup;
import com.wodian.journal.consensus.storage.JournalReplicaLog;
import com.wodian.journal.consensus.storage.MembershipFile;
import com.wodian.journal.consensus.storage.PeerIncarnationsFile;
import com.wodian.net.cluster.NodeIdentityFile;
import com.wodian.net.cluster.snapshot.SnapshotTransfer;
import com.wodian.net.durability.EngineLimitsFile;
import com.wodian.net.durability.SnapshotConfig;
import com.wodian.net.metrics.CountersFile;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Refuses to begin a new, empty ledger in a directory that is not a data directory: a wrong {@code --data} (a typo,
 * the parent directory, another program's) would otherwise get a fresh journal and serve an empty ledger, with every
 * balance at zero (ops review item 9). A directory without {@code journal/} is taken as a data directory when the
 * start says it is new ({@link ServerConfig#newDataDirectoryAllowed()}: {@code --init} or {@code --join}), or when it
 * exists and holds nothing but a data directory's own files: what an operator provisions before a first start (the
 * credential, client secret and ISO key files, {@code tls/}) and what a server writes there (a first start that failed
 * before its journal, a replica's truncation that a crash interrupted between its renames). docs/operations.md,
 * section 1.
 */
final class NewDataDirectoryCheck
{
    /** The names a data directory holds besides {@code journal/} (docs/durability.md, "Data directory"). */
    private static final Set<String> DATA_DIRECTORY_NAMES = Set.of(
        GatewayConfig.Configuration.CREDENTIALS_FILE_NAME_DEFAULT, "client-secrets",
        ServerArguments.ISO_KEYS_FILE_NAME_DEFAULT, "tls", DataDirectoryLock.FILE_NAME, EngineLimitsFile.FILE_NAME,
        NodeIdentityFile.FILE_NAME, SnapshotConfig.SNAPSHOT_DIR_NAME, CountersFile.FILE_NAME,
        WodianServer.TERM_STORE_FILE_NAME, JournalReplicaLog.TERM_HISTORY_FILE_NAME,
        JournalReplicaLog.COMMIT_MARK_FILE_NAME, JournalReplicaLog.REWRITE_DIR_NAME, MembershipFile.FILE_NAME,
        SnapshotTransfer.INSTALL_DIR_NAME, JournalWarmup.DIR_NAME, PeerIncarnationsFile.FILE_NAME,
        AdminAuditFile.FILE_NAME, AdminAuditFile.FILE_NAME + AdminAuditFile.ROTATED_SUFFIX,
        AdminAuditChain.KEY_FILE_NAME);
    /** Names listed in a refusal, at most. */
    private static final int NAMES_SHOWN_MAX = 5;

    private NewDataDirectoryCheck()
    {
    }

    /**
     * @throws IOException saying why {@code dataDir} is not taken as a new data directory, when it holds no journal
     *                     and the start did not say it is new.
     */
    static void check(final Path dataDir, final boolean newDataDirectoryAllowed) throws IOException
    {
        if (newDataDirectoryAllowed || Files.isDirectory(dataDir.resolve(WodianServer.JOURNAL_DIR_NAME)))
        {
            return;
        }
        if (!Files.exists(dataDir))
        {
            throw new IOException("data directory " + dataDir + " does not exist: a wrong --data? To begin a new, " +
                "empty ledger there, create the directory first or pass --init");
        }
        final List<String> others;
        try (Stream<Path> entries = Files.list(dataDir))
        {
            others = entries.map((entry) -> entry.getFileName().toString())
                .filter((name) -> !DATA_DIRECTORY_NAMES.contains(name) &&
                    !name.startsWith(JournalReplicaLog.SUPERSEDED_DIR_PREFIX)).sorted().toList();
        }
        if (!others.isEmpty())
        {
            throw new IOException("data directory " + dataDir + " holds no journal (" +
                dataDir.resolve(WodianServer.JOURNAL_DIR_NAME) + ") but other files (" +
                String.join(", ", others.subList(0, Math.min(NAMES_SHOWN_MAX, others.size()))) +
                (others.size() > NAMES_SHOWN_MAX ? ", ..." : "") + "): a wrong --data (a parent directory, " +
                "another program's)? A server's data directory holds journal/; to begin a new, empty ledger in " +
                "this one anyway pass --init");
        }
    }
}
