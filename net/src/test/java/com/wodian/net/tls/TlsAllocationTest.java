package com.wodian.net.tls;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a steady-state exchange through {@link TlsConnection} allocates: one thread plays both ends of a loopback
 * connection (request 64 bytes, reply 64 bytes: two records each way per round trip) and counts its allocated bytes
 * after warm-up. {@link TlsConnection} itself allocates nothing; the JDK's {@code SSLEngine} allocates a result object
 * per call and cipher state per record, which is what this measures and bounds (docs/security.md has the figure):
 * the issue's "no allocation per message" is not met by the JDK's engine.
 */
class TlsAllocationTest
{
    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();
    private static final int ROUNDS = 20_000;
    private static final int WARM_UP_ROUNDS = 10_000;
    private static final int MESSAGE_LENGTH = 64;
    /** Bounds a loop that waits for loopback bytes: each pass is a non-blocking read. */
    private static final int POLLS_MAX = 10_000_000;

    @TempDir
    Path pkiDir;

    @Test
    void steadyStateAllocationIsBoundedPerRecord() throws Exception
    {
        final TestPki pki = TestPki.create(pkiDir);
        final TlsContext serverContext = TlsContext.load(pki.issue("wodian-server"));
        final TlsContext clientContext = TlsContext.load(pki.trustingClient());
        try (ServerSocketChannel acceptor = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
            SocketChannel client = SocketChannel.open(acceptor.getLocalAddress());
            SocketChannel server = acceptor.accept())
        {
            client.configureBlocking(false);
            server.configureBlocking(false);
            final TlsConnection serverTls = new TlsConnection();
            final TlsConnection clientTls = new TlsConnection();
            serverTls.open(serverContext.newServerEngine());
            clientTls.open(clientContext.newClientEngine("127.0.0.1",
                ((InetSocketAddress)acceptor.getLocalAddress()).getPort()));
            boolean serverDone = false;
            boolean clientDone = false;
            for (int step = 0; step < POLLS_MAX && !(serverDone && clientDone); step++)
            {
                clientDone = clientDone || clientTls.handshake(client);
                serverDone = serverDone || serverTls.handshake(server);
            }
            assertTrue(serverDone && clientDone, "handshake");

            final ByteBuffer request = ByteBuffer.allocateDirect(MESSAGE_LENGTH);
            final ByteBuffer reply = ByteBuffer.allocateDirect(MESSAGE_LENGTH);
            final ByteBuffer serverIn = ByteBuffer.allocateDirect(4096);
            final ByteBuffer clientIn = ByteBuffer.allocateDirect(4096);
            long allocatedBytes = 0;
            for (int round = 0; round < ROUNDS; round++)
            {
                final long before = THREADS.getCurrentThreadAllocatedBytes();
                request.clear();
                request.putLong(0, round);
                assertEquals(MESSAGE_LENGTH, clientTls.write(client, request));
                receive(serverTls, server, serverIn);
                reply.clear();
                reply.putLong(0, serverIn.getLong(0));
                assertEquals(MESSAGE_LENGTH, serverTls.write(server, reply));
                receive(clientTls, client, clientIn);
                final long after = THREADS.getCurrentThreadAllocatedBytes();
                assertEquals(round, clientIn.getLong(0));
                if (round >= WARM_UP_ROUNDS)
                {
                    allocatedBytes += after - before;
                }
            }
            final long perRoundTrip = allocatedBytes / (ROUNDS - WARM_UP_ROUNDS);
            System.out.println("TLS round trip (2 records wrapped, 2 unwrapped): " + perRoundTrip +
                " bytes allocated, JDK " + System.getProperty("java.version") + ", " + serverTls.protocol());
            // Measured 5,506 bytes on JDK 17.0.15 with TLS 1.3 and TlsConnection's heap buffers (6,976 with direct
            // ones): about 1.4 KB per record wrapped or unwrapped, all in the JDK, mostly the AES-GCM cipher state
            // made again for every record's nonce (TlsRecordCostHarness, docs/security.md). Zero is not reachable
            // through SSLEngine; the bound catches a regression of several times that, e.g. a copy per call here.
            assertTrue(perRoundTrip < 16_384, "bytes allocated per TLS round trip: " + perRoundTrip);
        }
    }

    private static void receive(final TlsConnection tls, final SocketChannel channel, final ByteBuffer into)
        throws Exception
    {
        into.clear();
        for (int poll = 0; poll < POLLS_MAX && into.position() < MESSAGE_LENGTH; poll++)
        {
            if (tls.read(channel, into) < 0)
            {
                throw new IllegalStateException("closed");
            }
        }
        assertEquals(MESSAGE_LENGTH, into.position());
    }
}
