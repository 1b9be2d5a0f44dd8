package com.wodian.net.server;

import com.wodian.net.client.WodianClient;
import com.wodian.net.durability.SnapshotAgent;
import com.wodian.protocol.CommandEncoder;
import com.wodian.protocol.sbe.AckDecoder;
import com.wodian.protocol.sbe.MessageHeaderDecoder;
import com.wodian.protocol.sbe.ResultCode;
import com.wodian.protocol.sbe.StateHashReplyDecoder;
import com.wodian.protocol.sbe.TakeSnapshotDecoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.function.BooleanSupplier;

import static com.wodian.net.server.ServerTestSupport.HOST;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A server with the snapshotter on: a journaled TakeSnapshot gives a snapshot at exactly its sequence, written by the
 * replica engine while the server keeps serving; a restart loads it and replays only the tail after it.
 */
class SnapshotServerTest
{
    @TempDir
    Path dataDir;

    @Test
    void takeSnapshotCommandGivesASnapshotThatTheRestartStartsFrom() throws Exception
    {
        final ServerConfig config = ServerTestSupport.config(dataDir, ThreadingMode.COMPACT).tickIntervalMs(3_600_000);
        config.snapshotConfig().enabled(true).intervalInputs(0).intervalMs(0).retainCount(2);
        final long snapshotSequence;
        final long lastSequence;
        final long stateHash;
        try (WodianServer server = WodianServer.launch(config);
            WodianClient client = ServerTestSupport.connect(server))
        {
            assertNull(server.recovery().snapshot());
            final SnapshotAgent agent = server.snapshotAgent();
            final ServerTestSupport.Requests requests = new ServerTestSupport.Requests(client);
            requests.setUpParties();
            for (int i = 0; i < 30; i++)
            {
                assertEquals(ResultCode.OK, requests.pay(100 + i, 10 + i).code());
            }

            final UnsafeBuffer request = new UnsafeBuffer(new byte[64]);
            final UnsafeBuffer reply = new UnsafeBuffer(client.call(request, 0,
                new CommandEncoder().takeSnapshot(request, 0, 77), ServerTestSupport.TIMEOUT_MS));
            final AckDecoder ack = new AckDecoder().wrapAndApplyHeader(reply, 0, new MessageHeaderDecoder());
            assertEquals(ResultCode.OK, ack.code());
            assertEquals(TakeSnapshotDecoder.TEMPLATE_ID, ack.commandTemplateId());
            assertEquals(77, ack.id());
            snapshotSequence = requests.stateHash().lastSequence();
            awaitTrue(() -> agent.snapshotCount() == 1, "snapshot written");
            assertEquals(snapshotSequence, agent.lastSnapshot().journalSequence());
            assertEquals(requests.stateHash().stateHash(), agent.lastSnapshot().stateHash());

            for (int i = 0; i < 20; i++)
            {
                assertEquals(ResultCode.OK, requests.pay(200 + i, 5).code());
            }
            final StateHashReplyDecoder hash = requests.stateHash();
            lastSequence = hash.lastSequence();
            stateHash = hash.stateHash();

            // On demand through the API: at the replica's position once it has caught up.
            awaitTrue(() -> agent.appliedSequence() == lastSequence, "replica caught up");
            agent.requestSnapshot();
            awaitTrue(() -> agent.snapshotCount() == 2, "second snapshot written");
            assertEquals(lastSequence, agent.lastSnapshot().journalSequence());
            assertEquals(stateHash, agent.lastSnapshot().stateHash());
        }

        config.snapshotConfig().enabled(false);
        try (WodianServer server = WodianServer.launch(config);
            WodianClient client = ServerTestSupport.connect(server))
        {
            assertEquals(lastSequence, server.recovery().snapshot().journalSequence());
            assertEquals(0, server.recovery().replayedCount());
            final StateHashReplyDecoder hash = new ServerTestSupport.Requests(client).stateHash();
            assertEquals(lastSequence, hash.lastSequence());
            assertEquals(stateHash, hash.stateHash());
            assertEquals(2, server.snapshotStore().list().size());
        }

        // The newest snapshot gone bad: the older one plus a longer tail gives the same state.
        java.nio.file.Files.write(dataDir.resolve("snapshots").resolve(
            com.wodian.journal.SnapshotDescriptor.fileName(lastSequence)), new byte[100]);
        try (WodianServer server = WodianServer.launch(config);
            WodianClient client = ServerTestSupport.connect(server))
        {
            assertEquals(snapshotSequence, server.recovery().snapshot().journalSequence());
            assertEquals(lastSequence - snapshotSequence, server.recovery().replayedCount());
            assertEquals(stateHash, new ServerTestSupport.Requests(client).stateHash().stateHash());
        }
    }

    private static void awaitTrue(final BooleanSupplier condition, final String what) throws InterruptedException
    {
        // A snapshot is written by the replica engine with fsync: on a loaded 2-vCPU runner that can take seconds.
        final long deadlineNs = System.nanoTime() + java.util.concurrent.TimeUnit.MILLISECONDS.toNanos(
            ServerTestSupport.TIMEOUT_MS);
        while (!condition.getAsBoolean() && System.nanoTime() - deadlineNs < 0)
        {
            Thread.sleep(10);
        }
        assertTrue(condition.getAsBoolean(), what);
    }
}
