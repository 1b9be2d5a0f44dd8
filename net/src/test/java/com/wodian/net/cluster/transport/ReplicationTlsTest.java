package com.wodian.net.cluster.transport;

import com.wodian.journal.consensus.ConsensusMessage;
import com.wodian.net.tls.TestPki;
import com.wodian.net.tls.TlsContext;
import com.wodian.net.tls.TlsSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static com.wodian.net.cluster.transport.ReplicationTestSupport.GROUP;
import static com.wodian.net.cluster.transport.ReplicationTestSupport.MapEntrySource;
import static com.wodian.net.cluster.transport.ReplicationTestSupport.RecordingHandler;
import static com.wodian.net.cluster.transport.ReplicationTestSupport.allConnected;
import static com.wodian.net.cluster.transport.ReplicationTestSupport.ephemeral;
import static com.wodian.net.cluster.transport.ReplicationTestSupport.pollUntil;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Mutual TLS between nodes: three nodes with node certificates exchange messages; a node whose certificate names
 * another node than it claims, and one whose certificate comes from another CA, are never connected. The fake clock
 * of {@link ReplicationTestSupport#pollUntil} counts poll rounds, so nothing here depends on the machine's speed.
 */
class ReplicationTlsTest
{
    private final MapEntrySource source = new MapEntrySource().put(7, new byte[] {1, 2, 3});
    private final List<AutoCloseable> toClose = new ArrayList<>();

    @TempDir
    Path pkiDir;

    @AfterEach
    void closeAll() throws Exception
    {
        for (final AutoCloseable closeable : toClose)
        {
            closeable.close();
        }
    }

    @Test
    void nodesWithTheirCertificatesExchangeMessages() throws Exception
    {
        final TestPki pki = TestPki.create(pkiDir);
        final ReplicationTransport[] transports = group(pki, "node:0", "node:1", "node:2");
        final RecordingHandler[] handlers = {new RecordingHandler(), new RecordingHandler(), new RecordingHandler()};
        long nowMs = pollUntil(0, transports, handlers, () -> allConnected(transports));
        transports[0].send(1, new ConsensusMessage.TimeoutNow(3, 0));
        transports[2].send(0, new ConsensusMessage.VoteReply(3, 2, true));
        pollUntil(nowMs, transports, handlers, () -> 1 == handlers[1].received.size() &&
            1 == handlers[0].received.size());
        assertEquals(new ConsensusMessage.TimeoutNow(3, 0), handlers[1].received.get(0).message());
        assertEquals(new ConsensusMessage.VoteReply(3, 2, true), handlers[0].received.get(0).message());
        assertEquals(0, transports[0].malformedFrames());
    }

    @Test
    void aNodeWhoseCertificateNamesAnotherNodeOrComesFromAnotherCaIsRefused() throws Exception
    {
        final TestPki pki = TestPki.create(pkiDir);
        // Node 1 presents node 2's certificate; node 2 a certificate of another CA.
        final InetSocketAddress[] addresses = {ephemeral(), ephemeral(), ephemeral()};
        final ReplicationTransport[] transports = new ReplicationTransport[3];
        final TlsSettings[] settings = {nodeSettings(pki.issue("node:0")), nodeSettings(pki.issue("node:2")),
            nodeSettings(pki.issueByOtherCa("node:2").trust(pki.caFile))};
        for (int id = 0; id < 3; id++)
        {
            final InetSocketAddress[] own = new InetSocketAddress[3];
            own[id] = addresses[id];
            transports[id] = new ReplicationTransport(id, GROUP, own, source).tls(TlsContext.load(settings[id]));
            toClose.add(transports[id]);
        }
        wire(transports);
        final RecordingHandler[] handlers = {new RecordingHandler(), new RecordingHandler(), new RecordingHandler()};
        final ReplicationTransport zero = transports[0];
        // Bounded by poll rounds: long enough for many dials and handshakes.
        final int[] rounds = {0};
        pollUntil(0, transports, handlers, () -> ++rounds[0] == 2_000);
        for (int peer = 1; peer < 3; peer++)
        {
            assertFalse(zero.isConnected(peer), "node 0 to " + peer);
            assertFalse(zero.isInboundConnected(peer), "node " + peer + " to 0");
        }
        assertTrue(zero.handshakesRejected() > 0, "refusals counted");
        assertTrue(handlers[0].received.isEmpty());
    }

    /**
     * Peers pinned by fingerprint (docs/security.md, "TLS", {@code --node-pins}): node 0 pins node 1's certificate and,
     * for node 2, a certificate that is not node 2's. Node 2's certificate comes from the nodes' CA and names node 2,
     * which was enough before; now node 0 neither dials it nor accepts it, while node 1 connects both ways.
     */
    @Test
    void aPeerWhoseCertificateIsNotPinnedIsRefused() throws Exception
    {
        final TestPki pki = TestPki.create(pkiDir);
        final TlsSettings[] settings = {nodeSettings(pki.issue("node:0")), nodeSettings(pki.issue("node:1")),
            nodeSettings(pki.issue("node:2"))};
        final Path pinFile = pkiDir.resolve("node-pins");
        java.nio.file.Files.writeString(pinFile, "# node 0's pins\n" +
            "node 1 sha256 " + NodePins.fingerprint(settings[1].certificateFile()) + "\n" +
            "node 2 sha256 " + NodePins.fingerprint(settings[0].certificateFile()) + "\n");
        final ReplicationTransport[] transports = new ReplicationTransport[3];
        for (int id = 0; id < 3; id++)
        {
            final InetSocketAddress[] own = new InetSocketAddress[3];
            own[id] = ephemeral();
            transports[id] = new ReplicationTransport(id, GROUP, own, source).tls(TlsContext.load(settings[id]))
                .nodePins(0 == id ? NodePins.load(pinFile) : null);
            toClose.add(transports[id]);
        }
        wire(transports);
        final RecordingHandler[] handlers = {new RecordingHandler(), new RecordingHandler(), new RecordingHandler()};
        final ReplicationTransport zero = transports[0];
        final long nowMs = pollUntil(0, transports, handlers, () -> zero.isConnected(1) && zero.isInboundConnected(1));
        // Bounded by poll rounds: long enough for many dials and handshakes with node 2.
        final int[] rounds = {0};
        pollUntil(nowMs, transports, handlers, () -> ++rounds[0] == 2_000);
        assertTrue(zero.isConnected(1) && zero.isInboundConnected(1), "node 1 is pinned");
        assertFalse(zero.isConnected(2), "node 0 to 2");
        assertFalse(zero.isInboundConnected(2), "node 2 to 0");
        assertTrue(zero.handshakesRejected() > 0, "refusals counted");
    }

    /** A listener that accepts but never answers the handshake is left after the Hello timeout (fake clock). */
    @Test
    void aListenerStalledMidHandshakeIsLeft() throws Exception
    {
        final TestPki pki = TestPki.create(pkiDir);
        try (ServerSocketChannel stalled = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0)))
        {
            final InetSocketAddress[] addresses = {ephemeral(), (InetSocketAddress)stalled.getLocalAddress()};
            final ReplicationTransport zero = new ReplicationTransport(0, GROUP, addresses, source)
                .tls(TlsContext.load(nodeSettings(pki.issue("node:0"))));
            toClose.add(zero);
            final RecordingHandler handler = new RecordingHandler();
            // A fake clock of 10 ms per poll round: the 5 s Hello timeout passes after ~500 rounds.
            long nowMs = 0;
            for (int round = 0; round < 2_000 && 0 == zero.handshakesRejected(); round++)
            {
                zero.poll(nowMs, handler);
                zero.flush();
                nowMs += 10;
                java.util.concurrent.locks.LockSupport.parkNanos(100_000);
            }
            assertEquals(1, zero.handshakesRejected(), "the stalled handshake was given up once");
            try (SocketChannel accepted = stalled.accept())
            {
                accepted.socket().setSoTimeout(30_000);
                final java.io.InputStream in = accepted.socket().getInputStream();
                // The ClientHello, then the end of the stream: the dialler closed the connection.
                int read;
                int bytes = 0;
                while ((read = in.read()) >= 0 && bytes < 1 << 20)
                {
                    bytes++;
                }
                assertEquals(-1, read, "closed by the dialler");
                assertTrue(bytes > 0, "a ClientHello was sent first");
            }
            assertFalse(zero.isConnected(1));
        }
    }

    private ReplicationTransport[] group(final TestPki pki, final String... names) throws Exception
    {
        final ReplicationTransport[] transports = new ReplicationTransport[names.length];
        for (int id = 0; id < names.length; id++)
        {
            final InetSocketAddress[] addresses = new InetSocketAddress[names.length];
            addresses[id] = ephemeral();
            transports[id] = new ReplicationTransport(id, GROUP, addresses, source)
                .tls(TlsContext.load(nodeSettings(pki.issue(names[id]))));
            toClose.add(transports[id]);
        }
        wire(transports);
        return transports;
    }

    private static void wire(final ReplicationTransport[] transports)
    {
        for (int id = 0; id < transports.length; id++)
        {
            for (int peer = 0; peer < transports.length; peer++)
            {
                if (peer != id)
                {
                    transports[id].peerAddress(peer, transports[peer].localAddress());
                }
            }
        }
    }

    private static TlsSettings nodeSettings(final TlsSettings issued)
    {
        return issued.clientAuth(TlsSettings.ClientAuth.REQUIRED).verifyHostname(false);
    }
}
