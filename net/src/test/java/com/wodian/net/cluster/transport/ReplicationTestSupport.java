package com.wodian.net.cluster.transport;

import com.wodian.journal.consensus.ConsensusMessage;
import com.wodian.journal.consensus.EntryPayloads;
import com.wodian.journal.consensus.EntryView;
import org.agrona.concurrent.UnsafeBuffer;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * Shared pieces of the replication transport tests: an in-memory entry source, a handler that copies what it
 * receives, and a bounded poll loop with a fake millisecond clock.
 */
final class ReplicationTestSupport
{
    static final String GROUP = "wodian-test";
    static final int POLL_ITERATIONS_MAX = 20_000;

    private ReplicationTestSupport()
    {
    }

    /** Entries by index: timestamp 1,000 + index, payload version 3, the given bytes. */
    static final class MapEntrySource implements EntrySource
    {
        final Map<Long, byte[]> entries = new HashMap<>();

        MapEntrySource put(final long index, final byte[] bytes)
        {
            entries.put(index, bytes);
            return this;
        }

        @Override
        public boolean read(final long payload, final EntryView into)
        {
            final byte[] bytes = entries.get(payload);
            if (bytes == null)
            {
                return false;
            }
            into.set(1_000 + payload, 3, new UnsafeBuffer(bytes), 0, bytes.length);
            return true;
        }
    }

    /** A received message and, for an AppendEntries, copies of its entries taken during the callback. */
    record Received(ConsensusMessage message, List<byte[]> entryBytes, List<long[]> entryMeta)
    {
    }

    static final class RecordingHandler extends RecordCodec.RecordMessageHandler
    {
        final List<Received> received = new ArrayList<>();

        @Override
        void onMessage(final ConsensusMessage message, final EntryPayloads payloads)
        {
            final List<byte[]> bytes = new ArrayList<>();
            final List<long[]> meta = new ArrayList<>();
            if (message instanceof ConsensusMessage.AppendEntries append)
            {
                final EntryView view = new EntryView();
                for (final long payload : append.entryPayloads())
                {
                    payloads.resolve(payload, view);
                    final byte[] copy = new byte[view.length];
                    view.buffer.getBytes(view.offset, copy);
                    bytes.add(copy);
                    meta.add(new long[] {view.timestampMs, view.payloadVersion});
                }
            }
            received.add(new Received(message, bytes, meta));
        }
    }

    static InetSocketAddress ephemeral()
    {
        return new InetSocketAddress("127.0.0.1", 0);
    }

    /**
     * Build a group of transports on ephemeral ports, each knowing the others' actual addresses.
     */
    static ReplicationTransport[] group(final int size, final EntrySource source)
    {
        final ReplicationTransport[] transports = new ReplicationTransport[size];
        for (int id = 0; id < size; id++)
        {
            final InetSocketAddress[] addresses = new InetSocketAddress[size];
            addresses[id] = ephemeral();
            transports[id] = new ReplicationTransport(id, GROUP, addresses, source);
        }
        for (int id = 0; id < size; id++)
        {
            for (int peer = 0; peer < size; peer++)
            {
                if (peer != id)
                {
                    transports[id].peerAddress(peer, transports[peer].localAddress());
                }
            }
        }
        return transports;
    }

    /**
     * Poll and flush every transport (null entries skipped) until {@code done}, advancing a fake clock 1 ms per
     * round; fails after {@link #POLL_ITERATIONS_MAX} rounds.
     */
    static long pollUntil(
        final long startMs,
        final ReplicationTransport[] transports,
        final RecordingHandler[] handlers,
        final BooleanSupplier done)
    {
        long nowMs = startMs;
        for (int i = 0; i < POLL_ITERATIONS_MAX; i++)
        {
            for (int id = 0; id < transports.length; id++)
            {
                if (transports[id] != null)
                {
                    transports[id].poll(nowMs, handlers[id]);
                    transports[id].flush();
                }
            }
            if (done.getAsBoolean())
            {
                return nowMs;
            }
            nowMs++;
            LockSupport.parkNanos(50_000);
        }
        fail("condition not reached in " + POLL_ITERATIONS_MAX + " poll rounds");
        return nowMs;
    }

    static boolean allConnected(final ReplicationTransport[] transports)
    {
        for (int id = 0; id < transports.length; id++)
        {
            for (int peer = 0; peer < transports.length; peer++)
            {
                if (peer != id && !(transports[id].isConnected(peer) && transports[id].isInboundConnected(peer)))
                {
                    return false;
                }
            }
        }
        return true;
    }

    static void assertSameMessage(final ConsensusMessage expected, final Received actual, final EntrySource source)
    {
        if (expected instanceof ConsensusMessage.AppendEntries sent)
        {
            final ConsensusMessage.AppendEntries got = (ConsensusMessage.AppendEntries)actual.message();
            assertEquals(sent.term(), got.term());
            assertEquals(sent.fromNodeId(), got.fromNodeId());
            assertEquals(sent.prevLogIndex(), got.prevLogIndex());
            assertEquals(sent.prevLogTerm(), got.prevLogTerm());
            assertEquals(sent.leaderCommitIndex(), got.leaderCommitIndex());
            assertArrayEquals(sent.entryTerms(), got.entryTerms());
            assertEquals(sent.entryPayloads().length, actual.entryBytes().size());
            final EntryView view = new EntryView();
            for (int i = 0; i < sent.entryPayloads().length; i++)
            {
                source.read(sent.entryPayloads()[i], view);
                final byte[] expectedBytes = new byte[view.length];
                view.buffer.getBytes(view.offset, expectedBytes);
                assertArrayEquals(expectedBytes, actual.entryBytes().get(i), "entry " + i);
                assertEquals(view.timestampMs, actual.entryMeta().get(i)[0]);
                assertEquals(view.payloadVersion, actual.entryMeta().get(i)[1]);
            }
        }
        else
        {
            assertEquals(expected, actual.message());
        }
    }
}
