package com.wodian.tools;

import com.wodian.engine.EngineConfig;
import com.wodian.journal.ChronicleJournal;
import com.wodian.journal.JournalCorruptException;
import com.wodian.journal.SnapshotStore;
import com.wodian.journal.SnapshotStore.SnapshotInfo;
import com.wodian.net.client.WodianClient;
import com.wodian.net.durability.EngineLimitsFile;
import com.wodian.net.durability.EngineRecovery;
import com.wodian.net.durability.EngineSnapshots;
import com.wodian.net.server.DataDirectoryLock;
import com.wodian.protocol.ReplyCodes;
import com.wodian.protocol.CommandCatalog;
import com.wodian.protocol.CommandEncoder;
import com.wodian.protocol.MessageText;
import org.agrona.concurrent.UnsafeBuffer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeoutException;

/** Snapshots of a data directory: take, list, inspect (docs/durability.md). */
@Command(name = "snapshot", description = "Take, list or inspect snapshots of a data directory.",
    subcommands = {SnapshotCommand.Take.class, SnapshotCommand.ListSnapshots.class, SnapshotCommand.Inspect.class})
public final class SnapshotCommand implements Runnable
{
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run()
    {
        throw new CommandLine.ParameterException(spec.commandLine(),
            "name a snapshot subcommand (take, list, inspect)");
    }

    /**
     * Take a snapshot: from a running server (a journaled TakeSnapshot command, written by its snapshotter at that
     * command's exact sequence), or off line from the data directory (newest snapshot + journal tail replayed here,
     * then written at the journal's last sequence; it holds the data directory's lock, so it is refused while a server
     * runs on the same directory: take that one through the server, --port).
     */
    @Command(name = "take", description = "Snapshot now: via a running server (--port, needs its snapshotter on) or "
        + "off line from --data (replays here; refused while a server runs on that directory).")
    static final class Take implements Callable<Integer>
    {
        @Option(names = "--data", description = "data directory: take the snapshot off line, in this process")
        Path dataDir;

        @Option(names = "--port", description = "a running server's port: send it a TakeSnapshot command")
        Integer port;

        @Option(names = "--credentials", defaultValue = "${env:WODIAN_CREDENTIALS}",
        description = "with --port: client secrets file holding an admin credential " +
            "(e.g. <data>/client-secrets of 'wodian demo'); TakeSnapshot is an admin command")
        Path credentialsFile;

        @Option(names = "--host", defaultValue = "127.0.0.1", description = "server host (default: ${DEFAULT-VALUE})")
        String host;

        @CommandLine.Mixin
        EngineLimitsOptions engineLimits = new EngineLimitsOptions();

        @Option(names = "--retain", defaultValue = "3", description = "snapshot files kept (default: ${DEFAULT-VALUE})")
        int retain;

        /** With --port, when the server's port speaks TLS. */
        @CommandLine.Mixin
        TlsClientOptions tlsOptions = new TlsClientOptions();

        @Override
        public Integer call()
        {
            if ((dataDir == null) == (port == null))
            {
                throw new CommandLine.ParameterException(new CommandLine(this), "give either --data or --port");
            }
            return port != null ? viaServer() : offline();
        }

        private int viaServer()
        {
            final UnsafeBuffer request = new UnsafeBuffer(new byte[CommandCatalog.MAX_MESSAGE_LENGTH]);
            final int length = new CommandEncoder().takeSnapshot(request, 0, System.currentTimeMillis());
            try (WodianClient client = WodianClient.connect(null == credentialsFile ?
                tlsOptions.clientConfig(host, port) :
                tlsOptions.clientConfig(host, port).credentials(com.wodian.net.auth.Credentials.loadFirst(
                    credentialsFile, com.wodian.protocol.sbe.SessionRole.ADMIN))))
            {
                final byte[] reply = client.call(request, 0, length, 10_000);
                final UnsafeBuffer replyBuffer = new UnsafeBuffer(reply);
                System.out.println(MessageText.describe(replyBuffer, 0, reply.length));
                // As pos: a standby's NOT_PRIMARY is 3 (take it at the primary), not a refusal (ops review 16.11).
                return PosCommand.exitCode(ReplyCodes.resultCodeOf(replyBuffer, 0, reply.length));
            }
            catch (final IOException | TimeoutException ex)
            {
                System.err.println("server not reachable at " + host + ":" + port + ": " + ex.getMessage());
                return WodianMain.EXIT_UNREACHABLE;
            }
        }

        private int offline()
        {
            if (!JournalCommand.requireJournal(dataDir))
            {
                return WodianMain.EXIT_REFUSED;
            }
            final EngineConfig engineConfig = engineLimits.engineConfig(this);
            try
            {
                // A snapshot under other limits than the server's is one it cannot load, and its retention would
                // delete the server's usable ones.
                EngineLimitsFile.checkIfRecorded(dataDir, engineConfig);
            }
            catch (final IOException ex)
            {
                System.err.println(ex.getMessage());
                return WodianMain.EXIT_REFUSED;
            }
            // The server's lock: an offline take next to a running server would write into its snapshot directory
            // and prune it (use --port: the server's own snapshotter takes it).
            try (DataDirectoryLock lock = DataDirectoryLock.acquire(dataDir))
            {
                return takeOffline(engineConfig);
            }
            catch (final IOException ex)
            {
                System.err.println(ex.getMessage() + " (take the snapshot through the running server: --port)");
                return WodianMain.EXIT_REFUSED;
            }
        }

        private int takeOffline(final EngineConfig engineConfig)
        {
            final SnapshotStore store = DurabilitySupport.snapshotStore(dataDir, retain);
            try (ChronicleJournal journal = JournalCommand.openJournal(dataDir))
            {
                final DurabilitySupport.Progress progress =
                    new DurabilitySupport.Progress("replay", journal.lastSequence());
                final EngineRecovery.Result result = EngineRecovery.recover(journal, store, engineConfig,
                    Long.MAX_VALUE, (line) -> System.err.println(line), progress::updateNow);
                System.err.println("recovered: " + result.describe());
                final long startNs = System.nanoTime();
                final SnapshotInfo info =
                    EngineSnapshots.write(result.engine(), store, result.tailer().lastChronicleIndex());
                result.tailer().close();
                System.out.println("snapshot " + info.file() + " sequence=" + info.journalSequence() +
                    " stateHash=" + info.stateHash() + " bytes=" + info.fileLength() + " writeMs=" +
                    (System.nanoTime() - startNs) / 1_000_000);
            }
            catch (final JournalCorruptException ex)
            {
                System.out.println("journal corrupt: " + ex.getMessage());
                return WodianMain.EXIT_REFUSED;
            }
            return WodianMain.EXIT_OK;
        }
    }

    /** One line per snapshot file, newest first. */
    @Command(name = "list", description = "One line per snapshot, newest first: sequence, time, size, hash, status "
        + "(DAMAGED, NOT USABLE by this version's engine format, ok).")
    static final class ListSnapshots implements Callable<Integer>
    {
        @Option(names = "--data", required = true, description = "data directory of a server")
        Path dataDir;

        @Option(names = "--check", description = "also read every payload and check its checksum")
        boolean check;

        @Override
        public Integer call()
        {
            final SnapshotStore store = DurabilitySupport.snapshotStoreOrNull(dataDir);
            if (store == null)
            {
                System.err.println("no snapshots in " + dataDir);
                return WodianMain.EXIT_OK;
            }
            final List<SnapshotInfo> infos = store.list();
            boolean allValid = true;
            for (final SnapshotInfo listed : infos)
            {
                final SnapshotInfo info = check ? SnapshotStore.inspect(listed.file(), true) : listed;
                allValid &= info.isValid();
                final String formatProblem = info.isValid() ? EngineSnapshots.formatProblem(info) : null;
                System.out.printf("%s sequence=%d time=%s bytes=%d stateHash=%d %s%n", info.file().getFileName(),
                    info.journalSequence(), Instant.ofEpochMilli(info.timestampMs()), info.fileLength(),
                    info.stateHash(), !info.isValid() ? "DAMAGED: " + info.problem() :
                    null != formatProblem ? "NOT USABLE: " + formatProblem : check ? "ok" : "header ok");
            }
            System.err.println(infos.size() + " snapshot(s) in " + store.dir());
            return allValid ? WodianMain.EXIT_OK : WodianMain.EXIT_REFUSED;
        }
    }

    /** Every header field of one snapshot, and whether its payload checksum holds. */
    @Command(name = "inspect", description = "Header fields of a snapshot and a check of its payload checksum.")
    static final class Inspect implements Callable<Integer>
    {
        @Parameters(index = "0", description = "a snapshot file, or a journal sequence with --data")
        String snapshot;

        @Option(names = "--data", description = "data directory, when naming the snapshot by its sequence")
        Path dataDir;

        @Override
        public Integer call()
        {
            final Path file;
            if (dataDir != null && snapshot.matches("[0-9]+"))
            {
                file = dataDir.resolve(com.wodian.net.durability.SnapshotConfig.SNAPSHOT_DIR_NAME)
                    .resolve(com.wodian.journal.SnapshotDescriptor.fileName(Long.parseLong(snapshot)));
            }
            else
            {
                file = Path.of(snapshot);
            }
            if (!Files.isRegularFile(file))
            {
                System.err.println("no such snapshot: " + file);
                return WodianMain.EXIT_REFUSED;
            }
            final SnapshotInfo info = SnapshotStore.inspect(file, true);
            System.out.println("file            " + info.file());
            System.out.println("journalSequence " + info.journalSequence());
            System.out.println("chronicleIndex  0x" + Long.toHexString(info.chronicleIndex()));
            System.out.println("engineTime      " + Instant.ofEpochMilli(info.timestampMs()));
            System.out.println("stateHash       " + info.stateHash());
            System.out.println("payloadBytes    " + info.payloadLength());
            System.out.println("fileBytes       " + info.fileLength());
            final String formatProblem = info.isValid() ? EngineSnapshots.formatProblem(info) : null;
            System.out.println("status          " + (!info.isValid() ? "DAMAGED: " + info.problem() :
                null != formatProblem ? "NOT USABLE (header and payload checksums hold): " + formatProblem :
                "ok (header and payload checksums hold)"));
            return info.isValid() ? WodianMain.EXIT_OK : WodianMain.EXIT_REFUSED;
        }
    }
}
