package com.wodian.net.cluster.transport;

import com.wodian.journal.consensus.ConsensusMessage;
import com.wodian.net.cluster.transport.ReplicationTestSupport.MapEntrySource;
import com.wodian.net.cluster.transport.ReplicationTestSupport.RecordingHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static com.wodian.net.cluster.transport.ReplicationDescriptor.PROTOCOL_VERSION;
import static com.wodian.net.cluster.transport.ReplicationTestSupport.GROUP;
import static com.wodian.net.cluster.transport.ReplicationTestSupport.pollUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Security review item 8, the replication listener: connections that never say a hello cannot hold the slots a
 * redialling peer needs (before, the peer was refused until they timed out), and a hello that claims a peer whose
 * connection is live does not replace that connection (before, the newest hello always won, so anyone who could
 * send a hello, in clear text, cut a working link at will). Fake clock: outcomes, not schedules.
 */
class ReplicationSlotsTest
{
    private final MapEntrySource source = new MapEntrySource();
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @AfterEach
    void closeAll() throws Exception
    {
        for (final AutoCloseable closeable : toClose)
        {
            closeable.close();
        }
    }

    @Test
    void strangersHoldingEverySlotDoNotKeepAPeerOut() throws IOException
    {
        final ReplicationTransport zero = transport(0);
        final ReplicationTransport[] onlyZero = {zero, null, null};
        final RecordingHandler[] handlers = {new RecordingHandler(), new RecordingHandler(), new RecordingHandler()};
        // 2 x 3 + 1 = 7 slots, taken by strangers from three addresses (at most 3, the group's size, from each).
        final String[] sources = {"127.0.0.2", "127.0.0.2", "127.0.0.2", "127.0.0.3", "127.0.0.3", "127.0.0.3",
            "127.0.0.4"};
        for (final String from : sources)
        {
            final SocketChannel stranger = SocketChannel.open();
            toClose.add(stranger);
            stranger.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
            stranger.connect(zero.localAddress());
        }
        long nowMs = pollUntil(0, onlyZero, handlers, () -> zero.inboundConnectionCount() == sources.length);

        final ReplicationTransport one = transport(1);
        one.peerAddress(0, zero.localAddress());
        final ReplicationTransport[] both = {zero, one, null};
        nowMs = pollUntil(nowMs, both, handlers, () -> zero.isInboundConnected(1));
        assertEquals(0, zero.connectionsRefused(), "the peer was never refused");
        assertEquals(1, zero.connectionsEvicted(), "the oldest stranger made room");
        assertTrue(nowMs < ReplicationDescriptor.HELLO_TIMEOUT_MS, "before any stranger timed out: " + nowMs);
    }

    @Test
    void aHelloForAPeerWithALiveConnectionDoesNotReplaceIt() throws IOException
    {
        final ReplicationTransport zero = transport(0);
        final ReplicationTransport one = transport(1);
        zero.peerAddress(1, one.localAddress());
        one.peerAddress(0, zero.localAddress());
        final ReplicationTransport[] both = {zero, one, null};
        final RecordingHandler[] handlers = {new RecordingHandler(), new RecordingHandler(), new RecordingHandler()};
        long nowMs = pollUntil(0, both, handlers, () -> zero.isInboundConnected(1) && one.isConnected(0));
        one.appendReply(0, 7, 1, true, 3, 0);
        nowMs = pollUntil(nowMs, both, handlers, () -> handlers[0].received.size() == 1);

        try (SocketChannel forger = SocketChannel.open(zero.localAddress()))
        {
            forger.write(hello(1));
            nowMs = pollUntil(nowMs, both, handlers, () -> zero.helloRefusedLive() == 1);
            forger.configureBlocking(true);
            assertEquals(-1, forger.read(ByteBuffer.allocate(16)), "the forged connection is closed");
        }
        one.appendReply(0, 8, 1, true, 4, 0);
        pollUntil(nowMs, both, handlers, () -> handlers[0].received.size() == 2);
        assertEquals(new ConsensusMessage.AppendReply(8, 1, true, 4, 0), handlers[0].received.get(1).message());
        assertEquals(0, one.reconnects(), "the live link was never cut");
    }

    /**
     * Concurrency review 10: the clock the stage passes is a wall clock; after it stepped back, a link's last bytes
     * lie in the future and must not make it look live, or a redialling peer would be kept out for the step.
     */
    @Test
    void aClockSteppedBackDoesNotMakeALinkLookLive() throws IOException
    {
        final ReplicationTransport zero = transport(0);
        final ReplicationTransport one = transport(1);
        zero.peerAddress(1, one.localAddress());
        one.peerAddress(0, zero.localAddress());
        final ReplicationTransport[] both = {zero, one, null};
        final RecordingHandler[] handlers = {new RecordingHandler(), new RecordingHandler(), new RecordingHandler()};
        long nowMs = pollUntil(100_000, both, handlers, () -> zero.isInboundConnected(1) && one.isConnected(0));
        one.appendReply(0, 7, 1, true, 3, 0);
        nowMs = pollUntil(nowMs, both, handlers, () -> handlers[0].received.size() == 1);

        try (SocketChannel redial = SocketChannel.open(zero.localAddress()))
        {
            redial.write(hello(1));
            // The wall clock stepped back a minute: the hello replaces the old link (its bytes are "in the future"),
            // which node 1 sees as its connection closed; refused, it would count in helloRefusedLive instead.
            pollUntil(nowMs - 60_000, both, handlers, () -> zero.helloRefusedLive() > 0 || !one.isConnected(0) ||
                one.reconnects() > 0);
            assertEquals(0, zero.helloRefusedLive(), "not refused for a link that only looks live");
        }
    }

    /**
     * Concurrency review 11: a peer closes its link and redials; the new connection's slot comes before the old one's
     * and both events are read in one poll. The hello was judged while the old link still looked live (its end not
     * read yet) and refused, and the peer waited a reconnect backoff; it is judged again after the old link's end.
     */
    @Test
    void aRedialReadInThePollThatEndsTheOldLinkIsAccepted() throws IOException
    {
        final ReplicationTransport zero = transport(0);
        final ReplicationTransport[] onlyZero = {zero, null, null};
        final RecordingHandler[] handlers = {new RecordingHandler(), new RecordingHandler(), new RecordingHandler()};
        final SocketChannel holder = SocketChannel.open(zero.localAddress()); // takes the first slot for a while
        toClose.add(holder);
        long nowMs = pollUntil(0, onlyZero, handlers, () -> zero.inboundConnectionCount() == 1);
        final SocketChannel oldLink = SocketChannel.open(zero.localAddress());
        toClose.add(oldLink);
        oldLink.write(hello(1));
        nowMs = pollUntil(nowMs, onlyZero, handlers, () -> zero.isInboundConnected(1));
        holder.close();
        nowMs = pollUntil(nowMs, onlyZero, handlers, () -> zero.inboundConnectionCount() == 1);

        oldLink.close(); // no poll between its end and the redial: both are read in the next one
        final SocketChannel redial = SocketChannel.open(zero.localAddress());
        toClose.add(redial);
        redial.write(hello(1));
        pollUntil(nowMs, onlyZero, handlers, () -> zero.helloRefusedLive() > 0 ||
            (zero.isInboundConnected(1) && zero.inboundConnectionCount() == 1));
        assertEquals(0, zero.helloRefusedLive(), "the redial was not refused for the link it replaces");
        assertTrue(zero.isInboundConnected(1));
    }

    private ReplicationTransport transport(final int id)
    {
        final InetSocketAddress[] addresses = new InetSocketAddress[3];
        addresses[id] = ReplicationTestSupport.ephemeral();
        final ReplicationTransport transport = new ReplicationTransport(id, GROUP, addresses, source);
        toClose.add(transport);
        return transport;
    }

    private static ByteBuffer hello(final int fromNodeId)
    {
        final UnsafeBuffer frame = new UnsafeBuffer(ByteBuffer.allocate(512));
        final int length = new ReplicationEncoder(1 << 20).encodeHello(frame, 0, frame.capacity(), PROTOCOL_VERSION,
            fromNodeId, 0, GROUP.getBytes(StandardCharsets.UTF_8), 0, 0, false);
        return ByteBuffer.wrap(frame.byteArray(), 0, length);
    }
}
