package com.wodian.net.tls;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Security review item 10: every endpoint enables only what docs/protocol.md section 1.2 promises (TLS 1.3, and on
 * TLS 1.2 ECDHE with AES-GCM or ChaCha20-Poly1305), and a TLS 1.2 client offering only a CBC-SHA1 suite gets no
 * session.
 */
class TlsCipherSuitesTest
{
    @TempDir
    Path dir;

    @Test
    void serverClientAndHttpsEnableOnlyTheAllowedSuites() throws Exception
    {
        final TestPki pki = TestPki.create(dir);
        final TlsContext server = TlsContext.load(pki.issue("wodian-server"));
        final TlsContext client = TlsContext.load(pki.trustingClient());
        final String[][] lists = {
            server.newServerEngine().getEnabledCipherSuites(),
            client.newClientEngine("localhost", 1).getEnabledCipherSuites(),
            server.reloadingSslContext().getDefaultSSLParameters().getCipherSuites(),
        };
        for (final String[] suites : lists)
        {
            assertTrue(suites.length > 0);
            for (final String suite : suites)
            {
                assertTrue(TlsContext.CIPHER_SUITES_ALLOWED.contains(suite), suite + " in " + Arrays.toString(suites));
                assertFalse(suite.contains("CBC") || suite.contains("_DHE_") || suite.startsWith("TLS_RSA_"), suite);
            }
            assertTrue(Arrays.asList(suites).contains("TLS_AES_128_GCM_SHA256"), Arrays.toString(suites));
            assertTrue(Arrays.asList(suites).contains("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"),
                Arrays.toString(suites));
        }
    }

    @Test
    void aTls12ClientOfferingOnlyCbcShaGetsNoSession() throws Exception
    {
        final TestPki pki = TestPki.create(dir);
        final TlsContext server = TlsContext.load(pki.issue("wodian-server"));
        final TlsContext client = TlsContext.load(pki.trustingClient());

        final SSLEngine good = client.newClientEngine("localhost", 1);
        assertEquals("TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            handshake(server.newServerEngine(), only(good, "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256")),
            "an allowed TLS 1.2 suite still works");

        // A raw JDK client engine: the client side of TlsContext would not offer these suites at all.
        final SSLEngine cbc = client.sslContext().createSSLEngine("localhost", 1);
        cbc.setUseClientMode(true);
        assertThrows(SSLException.class,
            () -> handshake(server.newServerEngine(), only(cbc, "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA")));
    }

    private static SSLEngine only(final SSLEngine engine, final String suite)
    {
        final SSLParameters parameters = engine.getSSLParameters();
        parameters.setProtocols(new String[]{ "TLSv1.2" });
        parameters.setCipherSuites(new String[]{ suite });
        engine.setSSLParameters(parameters);
        return engine;
    }

    /** Runs both engines' handshake in memory; the negotiated suite, or an SSLException when it fails. */
    private static String handshake(final SSLEngine server, final SSLEngine client) throws Exception
    {
        final int size = 64 * 1024;
        final ByteBuffer toServer = ByteBuffer.allocate(size);
        final ByteBuffer toClient = ByteBuffer.allocate(size);
        final ByteBuffer empty = ByteBuffer.allocate(0);
        final ByteBuffer sink = ByteBuffer.allocate(size);
        client.beginHandshake();
        server.beginHandshake();
        for (int step = 0; step < 200; step++)
        {
            if (done(client) && done(server))
            {
                return client.getSession().getCipherSuite();
            }
            advance(client, empty, toServer, toClient, sink);
            advance(server, empty, toClient, toServer, sink);
        }
        throw new AssertionError("handshake did not finish");
    }

    private static boolean done(final SSLEngine engine)
    {
        final SSLEngineResult.HandshakeStatus status = engine.getHandshakeStatus();
        return status == SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING ||
            status == SSLEngineResult.HandshakeStatus.FINISHED;
    }

    /** One round for one engine: run tasks, wrap what it has to send, unwrap what the peer sent. */
    private static void advance(final SSLEngine engine, final ByteBuffer empty, final ByteBuffer out,
        final ByteBuffer in, final ByteBuffer sink) throws SSLException
    {
        Runnable task;
        while (null != (task = engine.getDelegatedTask()))
        {
            task.run();
        }
        engine.wrap(empty, out);
        in.flip();
        while (in.hasRemaining())
        {
            final SSLEngineResult result = engine.unwrap(in, sink);
            while (null != (task = engine.getDelegatedTask()))
            {
                task.run();
            }
            if (result.bytesConsumed() == 0)
            {
                break;
            }
        }
        in.compact();
        sink.clear();
    }
}
