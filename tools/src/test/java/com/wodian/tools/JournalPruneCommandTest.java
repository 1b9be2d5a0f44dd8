package com.wodian.tools;

import com.wodian.engine.Engine;
import com.wodian.journal.ChronicleJournal;
import com.wodian.journal.DurabilityPolicy;
import com.wodian.journal.JournalConfig;
import com.wodian.journal.JournalWriter;
import com.wodian.journal.SnapshotStore;
import com.wodian.journal.consensus.storage.JournalReplicaLog;
import net.openhft.chronicle.core.time.SetTimeProvider;
import net.openhft.chronicle.queue.RollCycles;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code wodian journal prune}: a dry run removes nothing; a prune keeps what the oldest valid snapshot needs; in a
 * replica group's data directory it refuses without the group's nodes (their positions decide), removing nothing.
 */
class JournalPruneCommandTest
{
    @TempDir
    Path dir;

    @Test
    void dryRunThenArchiveAndRefusalInAGroup() throws IOException
    {
        final Path data = dir.resolve("node");
        final Path journalDir = data.resolve("journal");
        final SetTimeProvider rollClock = new SetTimeProvider(1_700_000_000_000L);
        try (ChronicleJournal journal = ChronicleJournal.open(new JournalConfig(journalDir)
            .withDurabilityPolicy(DurabilityPolicy.PAGE_CACHE).withRollCycle(RollCycles.FAST_HOURLY)
            .withRollClock(rollClock)))
        {
            final JournalWriter writer = journal.writer();
            final UnsafeBuffer payload = new UnsafeBuffer(new byte[16]);
            for (int sequence = 1; sequence <= 300; sequence++)
            {
                if (sequence % 100 == 1)
                {
                    rollClock.advanceMillis(TimeUnit.HOURS.toMillis(2));
                }
                writer.append(sequence, sequence, 1, payload, 0, payload.capacity());
            }
            writer.endOfBatch();
        }
        final SnapshotStore snapshots = new SnapshotStore(data.resolve("snapshots"), 3);
        snapshots.write(210, -1, 210, 1, (output) ->
        {
            output.writeLong(Engine.SNAPSHOT_MAGIC);
            output.writeLong(Engine.SNAPSHOT_FORMAT_VERSION);
        });
        // Sound checksums, but of an engine format this version cannot load (left by an upgrade): no fallback for
        // recovery, so it does not decide what goes (else 101-200 would be kept for it, and with it alone, 1-100).
        snapshots.write(110, -1, 110, 1, (output) ->
        {
            output.writeLong(Engine.SNAPSHOT_MAGIC);
            output.writeLong(Engine.OLDEST_READABLE_SNAPSHOT_FORMAT - 1);
        });
        assertEquals(3, cycleFileCount(journalDir));

        final CliTest.Run dryRun = CliTest.wodian("journal", "prune", "--data", data.toString(), "--dry-run");
        assertEquals(WodianMain.EXIT_OK, dryRun.exitCode(), dryRun.out());
        assertTrue(dryRun.out().contains("sequences 1-100") && dryRun.out().contains("dry run"), dryRun.out());
        assertEquals(3, cycleFileCount(journalDir));

        // A group's data directory: without the nodes' positions nothing is removed.
        Files.writeString(data.resolve(JournalReplicaLog.TERM_HISTORY_FILE_NAME), "");
        final CliTest.Run refused = CliTest.wodian("journal", "prune", "--data", data.toString());
        assertEquals(WodianMain.EXIT_UNREACHABLE, refused.exitCode(), refused.out());
        assertEquals(3, cycleFileCount(journalDir));
        Files.delete(data.resolve(JournalReplicaLog.TERM_HISTORY_FILE_NAME));

        final Path archive = dir.resolve("archive");
        final CliTest.Run pruned = CliTest.wodian("journal", "prune", "--data", data.toString(), "--archive",
            archive.toString());
        assertEquals(WodianMain.EXIT_OK, pruned.exitCode(), pruned.out());
        assertEquals(1, cycleFileCount(journalDir), "1-100 and 101-200 go; 201-300 holds the snapshot's entry");
        assertEquals(2, cycleFileCount(archive.resolve("journal")));
        try (ChronicleJournal journal = ChronicleJournal.open(new JournalConfig(journalDir)))
        {
            assertEquals(90, journal.replayFrom(211, -1, (s, t, v, b, o, l) -> { }));
        }
    }

    /**
     * A prune next to a running server: the journal has four old hourly files and a snapshot in the fourth; the server
     * starts from it and appends to a new file; the prune removes the three files below the snapshot while the server
     * runs; the server goes on paying, and a restart recovers the same state from the snapshot and the kept files.
     */
    @Test
    void pruneNextToARunningServerThenRestart() throws Exception
    {
        final Path data = dir.resolve("live");
        final SetTimeProvider rollClock =
            new SetTimeProvider(System.currentTimeMillis() - TimeUnit.HOURS.toMillis(12));
        final com.wodian.protocol.CommandEncoder encoder = new com.wodian.protocol.CommandEncoder();
        final UnsafeBuffer command = new UnsafeBuffer(new byte[com.wodian.protocol.CommandCatalog.MAX_MESSAGE_LENGTH]);
        long sequence = 0;
        try (ChronicleJournal journal = ChronicleJournal.open(new JournalConfig(data.resolve("journal"))
            .withDurabilityPolicy(DurabilityPolicy.PAGE_CACHE).withRollCycle(RollCycles.FAST_HOURLY)
            .withRollClock(rollClock)))
        {
            final JournalWriter writer = journal.writer();
            final long timeMs = rollClock.currentTimeMillis();
            writer.append(++sequence, timeMs, 1, command, 0, encoder.registerMerchant(command, 0, 1, 0, 0, 0, 0, false));
            writer.append(++sequence, timeMs, 1, command, 0, encoder.registerTerminal(command, 0, 10, 1));
            writer.append(++sequence, timeMs, 1, command, 0, encoder.registerConsumer(command, 0, 100, 1));
            writer.append(++sequence, timeMs, 1, command, 0, encoder.topUp(command, 0, 100, 1, 1_000_000));
            for (int file = 0; file < 3; file++)
            {
                rollClock.advanceMillis(TimeUnit.HOURS.toMillis(2));
                for (int i = 0; i < 50; i++)
                {
                    writer.append(++sequence, rollClock.currentTimeMillis(), 1, command, 0,
                        encoder.pay(command, 0, 1, 10, 1_000 + sequence, 100, 1));
                }
            }
            writer.endOfBatch();
        }
        final CliTest.Run snapshot = CliTest.wodian("snapshot", "take", "--data", data.toString(), "--limits", "small");
        assertEquals(WodianMain.EXIT_OK, snapshot.exitCode(), snapshot.out());

        final long hashBeforeRestart;
        final long sequenceBeforeRestart;
        com.wodian.net.server.WodianServer server = startServer(data);
        try
        {
            assertTrue(null != server.recovery().snapshot(), "the server starts from the snapshot");
            pay(server, 1);
            final CliTest.Run pruned = CliTest.wodian("journal", "prune", "--data", data.toString());
            assertEquals(WodianMain.EXIT_OK, pruned.exitCode(), pruned.out());
            assertTrue(pruned.out().contains("removed 3 journal file(s)"), pruned.out()); // 1-4, 5-54, 55-104
            pay(server, 2);
            try (com.wodian.net.client.WodianClient client =
                client(server))
            {
                final DemoCommand.StateHash hash = DemoCommand.stateHash(client);
                hashBeforeRestart = hash.stateHash();
                sequenceBeforeRestart = hash.lastSequence();
            }
        }
        finally
        {
            server.close();
        }
        server = startServer(data);
        try (com.wodian.net.client.WodianClient client =
            client(server))
        {
            final DemoCommand.StateHash hash = DemoCommand.stateHash(client);
            assertEquals(sequenceBeforeRestart, hash.lastSequence());
            assertEquals(hashBeforeRestart, hash.stateHash(), "the same state after the prune and a restart");
        }
        finally
        {
            server.close();
        }
        verifyAndDumpAPrunedJournal(data, hashBeforeRestart);
    }

    /**
     * Operator review 2, finding 3: the prune recorded where the journal now starts (after 104), so verify starts
     * from the snapshot after it and ends at the live state, and dump starts at the first kept entry (before, both
     * stopped with "journal corrupt ... expected sequence 1, found 105").
     */
    private static void verifyAndDumpAPrunedJournal(final Path data, final long stateHash)
    {
        assertEquals(java.util.List.of("104"), ChronicleJournal.readStartFile(data.resolve("journal")));
        final CliTest.Run verify = CliTest.wodian("journal", "verify", "--data", data.toString(), "--limits", "small");
        assertEquals(WodianMain.EXIT_OK, verify.exitCode(), verify.out());
        assertTrue(verify.out().contains("the journal starts after sequence 104: verifying from snapshot"),
            verify.out());
        assertTrue(verify.out().contains("stateHash=" + stateHash), verify.out());
        final CliTest.Run dump = CliTest.wodian("journal", "dump", "--data", data.toString(), "--limit", "1");
        assertEquals(WodianMain.EXIT_OK, dump.exitCode(), dump.out());
        assertTrue(dump.out().startsWith("105 "), dump.out());
    }

    private static com.wodian.net.server.WodianServer startServer(final Path data) throws IOException
    {
        final com.wodian.net.server.ServerConfig config = new com.wodian.net.server.ServerConfig()
            .dataDir(data)
            .host("127.0.0.1")
            .port(0)
            .durabilityPolicy(DurabilityPolicy.PAGE_CACHE)
            .engineConfig(com.wodian.engine.EngineConfig.small())
            .inputRingSize(1024)
            .outputRingSize(1024)
            .sessionsMax(16)
            .tickIntervalMs(3_600_000);
        config.gateway().authMode(com.wodian.net.server.GatewayConfig.AuthMode.DISABLED);
        return com.wodian.net.server.WodianServer.launch(config);
    }

    /**
     * A client of the test server that waits 30 s to connect and for a reply (the client's 2-s and 10-s defaults are
     * a production terminal's, below what a starved test machine may take with nothing wrong).
     */
    private static com.wodian.net.client.WodianClient client(final com.wodian.net.server.WodianServer server)
        throws IOException
    {
        return com.wodian.net.client.WodianClient.connect(new com.wodian.net.client.ClientConfig()
            .node("127.0.0.1", server.port()).connectTimeoutMs(30_000).replyTimeoutMs(30_000));
    }

    private static void pay(final com.wodian.net.server.WodianServer server, final long paymentId) throws Exception
    {
        final com.wodian.protocol.CommandEncoder encoder = new com.wodian.protocol.CommandEncoder();
        final UnsafeBuffer command = new UnsafeBuffer(new byte[com.wodian.protocol.CommandCatalog.MAX_MESSAGE_LENGTH]);
        try (com.wodian.net.client.WodianClient client =
            client(server))
        {
            final byte[] reply = client.call(command, 0, encoder.pay(command, 0, 1, 10, paymentId, 100, 5), 30_000);
            assertEquals(com.wodian.protocol.sbe.ResultCode.OK,
                com.wodian.protocol.ReplyCodes.resultCodeOf(new UnsafeBuffer(reply), 0, reply.length));
        }
    }

    private static long cycleFileCount(final Path journalDir) throws IOException
    {
        try (Stream<Path> files = Files.list(journalDir))
        {
            return files.filter(file -> file.getFileName().toString().endsWith(".cq4")).count();
        }
    }
}
