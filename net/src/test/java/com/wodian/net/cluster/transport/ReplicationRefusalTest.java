package com.wodian.net.cluster.transport;

import com.wodian.journal.consensus.ConsensusMessage;
import com.wodian.net.cluster.transport.ReplicationTestSupport.MapEntrySource;
import com.wodian.net.cluster.transport.ReplicationTestSupport.RecordingHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static com.wodian.net.cluster.transport.ReplicationDescriptor.PROTOCOL_VERSION;
import static com.wodian.net.cluster.transport.ReplicationTestSupport.GROUP;
import static com.wodian.net.cluster.transport.ReplicationTestSupport.pollUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Refused connections are said in the log, at most once a minute per kind, and counted every time: a peer whose
 * hello names another group, and a peer whose hello names an incarnation the {@link PeerCheck} refuses (a member's
 * restored or copied data directory), which is then cut off while the known node's connection stays up.
 */
class ReplicationRefusalTest
{
    private static final Logger LOG = Logger.getLogger(InboundConnections.class.getName());

    private final MapEntrySource source = new MapEntrySource();
    private final List<AutoCloseable> toClose = new ArrayList<>();
    private final List<LogRecord> warnings = new ArrayList<>();
    private final Handler capture = new Handler()
    {
        @Override
        public void publish(final LogRecord record)
        {
            if (record.getLevel().intValue() >= Level.WARNING.intValue())
            {
                synchronized (warnings)
                {
                    warnings.add(record);
                }
            }
        }

        @Override
        public void flush()
        {
        }

        @Override
        public void close()
        {
        }
    };

    @BeforeEach
    void captureWarnings()
    {
        LOG.addHandler(capture);
    }

    @AfterEach
    void closeAll() throws Exception
    {
        LOG.removeHandler(capture);
        for (final AutoCloseable closeable : toClose)
        {
            closeable.close();
        }
    }

    @Test
    void aHelloOfAnotherGroupIsRefusedLoggedOnceAMinuteAndCountedEveryTime() throws IOException
    {
        final ReplicationTransport zero = transport(0, 2);
        final ReplicationTransport[] onlyZero = {zero, null};
        final RecordingHandler[] handlers = {new RecordingHandler(), new RecordingHandler()};
        long nowMs = 0;
        for (int attempt = 1; attempt <= 2; attempt++)
        {
            try (SocketChannel raw = SocketChannel.open(zero.localAddress()))
            {
                raw.write(hello(1, "another-group", 0, 0));
                final int refusals = attempt;
                nowMs = pollUntil(nowMs, onlyZero, handlers, () -> zero.handshakesRejected() == refusals);
            }
        }
        assertEquals(1, warningsContaining("its hello names another group"), lines());
        final String line = warnings.get(0).getMessage();
        assertTrue(line.contains("this is node 0 of group '" + GROUP + "'") && line.contains("check --group"), line);
        assertFalse(zero.isInboundConnected(1));
        assertTrue(handlers[0].received.isEmpty());
    }

    /**
     * A peer whose hello names an incarnation the check refuses (a member's restored, copied or wiped directory):
     * its votes are dropped, counted and said in the log; its other messages are delivered. The check is asked again
     * at every vote, so once it admits the incarnation (the node was removed and added back) the votes go through.
     */
    @Test
    void theVotesOfARefusedIncarnationAreDroppedAndItsOtherMessagesDelivered()
    {
        final ReplicationTransport zero = transport(0, 2);
        final ReplicationTransport one = transport(1, 2);
        zero.peerAddress(1, one.localAddress());
        one.peerAddress(0, zero.localAddress());
        final boolean[] readmitted = {false};
        zero.identity(0x99, 0x98, false, (peer, high, low, joined) ->
            readmitted[0] || high == 0x1234 && low == 0x5678 && !joined ? null :
            "node " + peer + " came back with another data directory");
        one.identity(0x1234, 0x5679, false, null);
        final ReplicationTransport[] both = {zero, one};
        final RecordingHandler[] handlers = {new RecordingHandler(), new RecordingHandler()};
        long nowMs = pollUntil(0, both, handlers, () -> zero.isInboundConnected(1) && one.isInboundConnected(0));
        assertEquals(1, warningsContaining("node 1 came back with another data directory"), lines());

        one.requestVote(0, 7, 1, 3, 2, false);
        one.voteReply(0, 7, 1, true);
        one.appendReply(0, 7, 1, true, 3, 0);
        nowMs = pollUntil(nowMs, both, handlers, () -> handlers[0].received.size() == 1);
        assertEquals(new ConsensusMessage.AppendReply(7, 1, true, 3, 0), handlers[0].received.get(0).message());
        assertEquals(2, zero.votesRefused());
        assertEquals(1, warningsContaining("node 1 came back"), "once a minute: " + lines());

        readmitted[0] = true;
        one.voteReply(0, 8, 1, true);
        pollUntil(nowMs, both, handlers, () -> handlers[0].received.size() == 2);
        assertEquals(new ConsensusMessage.VoteReply(8, 1, true), handlers[0].received.get(1).message());
        assertEquals(0, zero.handshakesRejected());
    }

    /**
     * Rolling upgrade: a node of a build before Pre-Vote (its hello of schema version 3) would close the link on a
     * PreVote, a template it does not know, so none is sent to it: {@code preVote} answers false (the consensus node
     * then counts it as a yes after its grace). A peer that has not dialled in yet is not asked either (dropped).
     */
    @Test
    void aPreVoteGoesOnlyToAPeerWhoseHelloSaysItReadsOne() throws IOException
    {
        final ReplicationTransport zero = transport(0, 2);
        final ReplicationTransport[] onlyZero = {zero, null};
        final RecordingHandler[] handlers = {new RecordingHandler(), new RecordingHandler()};
        assertTrue(zero.preVote(1, 5, 0, 3, 2), "build unknown: dropped like a message to a peer not connected");
        assertEquals(1, zero.messagesDropped());
        try (SocketChannel raw = SocketChannel.open(zero.localAddress()))
        {
            final ByteBuffer oldHello = hello(1, GROUP, 0, 0);
            final int versionOffset = ReplicationDescriptor.MESSAGE_OFFSET + 6; // blockLength, templateId, schemaId
            oldHello.order(ReplicationDescriptor.BYTE_ORDER).putShort(versionOffset,
                (short)(ReplicationDescriptor.PRE_VOTE_SCHEMA_VERSION - 1));
            raw.write(oldHello);
            pollUntil(0, onlyZero, handlers, () -> zero.isInboundConnected(1));
            final long sentBefore = zero.messagesSent();
            assertFalse(zero.preVote(1, 5, 0, 3, 2), "a peer of an older build cannot read a PreVote");
            assertEquals(sentBefore, zero.messagesSent());
            assertEquals(1, zero.messagesDropped());
        }
    }

    /**
     * Ops review finding 2: a node deciding under other engine limits than its peers' (another --limits) is another
     * ledger. Its hellos name its limits; each side refuses the other's links, counts it and names the limits that
     * differ, so it can neither catch up nor vote. Peers with the same limits connect as before.
     */
    @Test
    void aPeerWithOtherEngineLimitsIsRefusedBothWaysNamingTheLimits()
    {
        final ReplicationTransport zero = transport(0, 2).engineLimits("consumersMax=10000,merchantsMax=1000");
        final ReplicationTransport one = transport(1, 2).engineLimits("consumersMax=10000,merchantsMax=2000");
        zero.peerAddress(1, one.localAddress());
        one.peerAddress(0, zero.localAddress());
        final ReplicationTransport[] both = {zero, one};
        final RecordingHandler[] handlers = {new RecordingHandler(), new RecordingHandler()};
        pollUntil(0, both, handlers, () -> zero.engineLimitsRefused() > 0 && one.engineLimitsRefused() > 0);
        assertFalse(zero.isInboundConnected(1));
        assertFalse(one.isInboundConnected(0));
        assertEquals("node 1 decides under other engine limits: merchantsMax 1000 (node 0) / 2000 (node 1)",
            zero.engineLimitsRefusal(1));
        assertEquals("node 0 decides under other engine limits: merchantsMax 2000 (node 1) / 1000 (node 0)",
            one.engineLimitsRefusal(0));
        assertTrue(warningsContaining("merchantsMax 1000 (node 0) / 2000 (node 1)") >= 1, lines());
    }

    @Test
    void peersWithTheSameEngineLimitsConnect()
    {
        final ReplicationTransport zero = transport(0, 2).engineLimits("consumersMax=10000,merchantsMax=1000");
        final ReplicationTransport one = transport(1, 2).engineLimits("consumersMax=10000,merchantsMax=1000");
        zero.peerAddress(1, one.localAddress());
        one.peerAddress(0, zero.localAddress());
        final ReplicationTransport[] both = {zero, one};
        final RecordingHandler[] handlers = {new RecordingHandler(), new RecordingHandler()};
        pollUntil(0, both, handlers, () -> zero.isInboundConnected(1) && one.isInboundConnected(0));
        assertEquals(0, zero.engineLimitsRefused() + one.engineLimitsRefused());
        assertEquals(null, zero.engineLimitsRefusal(1));
    }

    /**
     * Rolling upgrade: a build of replication schema 4 sends a hello without limits (block of 29 bytes, the group
     * name last). It is admitted, its incarnation read as before, and the log says once that its limits cannot be
     * compared.
     */
    @Test
    void anOlderBuildsHelloWithoutLimitsIsAdmittedAndSaidOnce() throws IOException
    {
        final ReplicationTransport zero = transport(0, 2).engineLimits("consumersMax=10000,merchantsMax=1000");
        final ReplicationTransport[] onlyZero = {zero, null};
        final RecordingHandler[] handlers = {new RecordingHandler(), new RecordingHandler()};
        try (SocketChannel raw = SocketChannel.open(zero.localAddress()))
        {
            raw.write(schemaFourHello(1, GROUP));
            pollUntil(0, onlyZero, handlers, () -> zero.isInboundConnected(1));
        }
        assertEquals(0, zero.engineLimitsRefused());
        assertEquals(1, warningsContaining("node 1's hello names no engine limits (replication schema 4"), lines());
    }

    /** A hello exactly as a build of replication schema 4 writes it. */
    private static ByteBuffer schemaFourHello(final int fromNodeId, final String group)
    {
        final byte[] name = group.getBytes(StandardCharsets.UTF_8);
        final int blockLength = 29;
        final int messageLength = 8 + blockLength + 4 + name.length;
        final ByteBuffer frame = ByteBuffer.allocate(4 + messageLength).order(ReplicationDescriptor.BYTE_ORDER);
        frame.putInt(messageLength).putShort((short)blockLength).putShort((short)1).putShort((short)7702)
            .putShort((short)4);
        frame.putInt(PROTOCOL_VERSION).putInt(fromNodeId).putInt(0).putLong(0x12).putLong(0x34).put((byte)0);
        frame.putInt(name.length).put(name);
        return frame.flip();
    }

    private ReplicationTransport transport(final int id, final int size)
    {
        final InetSocketAddress[] addresses = new InetSocketAddress[size];
        addresses[id] = ReplicationTestSupport.ephemeral();
        final ReplicationTransport transport = new ReplicationTransport(id, GROUP, addresses, source);
        toClose.add(transport);
        return transport;
    }

    private static ByteBuffer hello(final int fromNodeId, final String group, final long high, final long low)
    {
        final UnsafeBuffer frame = new UnsafeBuffer(ByteBuffer.allocate(512));
        final int length = new ReplicationEncoder(1 << 20).encodeHello(frame, 0, frame.capacity(), PROTOCOL_VERSION,
            fromNodeId, 0, group.getBytes(StandardCharsets.UTF_8), high, low, false);
        return ByteBuffer.wrap(frame.byteArray(), 0, length);
    }

    private int warningsContaining(final String text)
    {
        synchronized (warnings)
        {
            return (int)warnings.stream().filter(record -> record.getMessage().contains(text)).count();
        }
    }

    private String lines()
    {
        synchronized (warnings)
        {
            return warnings.stream().map(LogRecord::getMessage).toList().toString();
        }
    }
}
