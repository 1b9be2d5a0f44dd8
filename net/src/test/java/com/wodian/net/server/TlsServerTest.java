package com.wodian.net.server;

import com.wodian.net.auth.CredentialStore;
import com.wodian.net.auth.Credentials;
import com.wodian.net.client.ClientConfig;
import com.wodian.net.client.LogonRefusedException;
import com.wodian.net.client.WodianClient;
import com.wodian.net.testing.TestClients;
import com.wodian.net.tls.TestPki;
import com.wodian.net.tls.TlsContext;
import com.wodian.net.tls.TlsSettings;
import com.wodian.protocol.sbe.ResultCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLSocket;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static com.wodian.net.server.ServerTestSupport.ADMIN;
import static com.wodian.net.server.ServerTestSupport.CONSUMER_ID;
import static com.wodian.net.server.ServerTestSupport.HOST;
import static com.wodian.net.server.ServerTestSupport.TERMINAL;
import static com.wodian.net.server.ServerTestSupport.TIMEOUT_MS;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * TLS on the POS port through real sockets: a terminal with its certificate logs on and pays; a wrong CA, an expired
 * certificate, another terminal's certificate, clear text, a client stuck in its handshake and fuzzed TLS records are
 * each refused or closed, and the server keeps serving the others with exact balances. Waits are bounded by
 * generous deadlines; nothing depends on how fast the machine is.
 */
class TlsServerTest
{
    private static final long OTHER_TERMINAL_ID = 12;
    private static final Credentials OTHER_TERMINAL = Credentials.terminal(OTHER_TERMINAL_ID, ServerTestSupport.secret(3));
    private static final long TOP_UP_FEN = 100_000;
    private static final int MUTATED_HELLOS = 40;
    private static final int REFUSED_HELLOS_MIN = 5;
    /**
     * The shared server's logon limit: every client must finish its TLS handshake and logon within it of the accept
     * (1 s failed at load 10-15, and 3 s left only a 3x margin over that). Still a third of the sockets' 30-s read
     * limit, so a fuzzed record that leaves the server waiting for more bytes is closed by it before the test gives up.
     */
    private static final long LOGON_TIMEOUT_MS = 10_000;
    /** The logon limit of the one server whose test waits for it to close a stuck handshake (within TIMEOUT_MS). */
    private static final long SHORT_LOGON_TIMEOUT_MS = 3_000;

    @TempDir
    Path dataDir;
    @TempDir
    Path pkiDir;

    private TestPki pki;
    private TlsSettings serverTls;
    private TlsSettings adminTls;
    private WodianServer server;
    private WodianClient admin;

    @BeforeEach
    void launch() throws Exception
    {
        pki = TestPki.create(pkiDir);
        serverTls = pki.issue("wodian-server").clientAuth(TlsSettings.ClientAuth.REQUIRED);
        server = launch(serverTls);
        adminTls = pki.issue("admin:1");
        admin = connect(ADMIN, adminTls);
        final ServerTestSupport.Requests requests = new ServerTestSupport.Requests(admin);
        requests.setUpParties();
        assertEquals(ResultCode.OK, requests.registerTerminal(OTHER_TERMINAL_ID, 1));
    }

    private WodianServer launch(final TlsSettings tls) throws IOException
    {
        return launch(tls, LOGON_TIMEOUT_MS, tls.clientAuth().name());
    }

    private WodianServer launch(final TlsSettings tls, final long logonTimeoutMs, final String dataDirName)
        throws IOException
    {
        final ServerConfig config = ServerTestSupport.config(dataDir.resolve(dataDirName),
            ThreadingMode.COMPACT).tls(tls).metricsPort(0);
        config.gateway().credentialStore(new CredentialStore().add(ADMIN, 0).add(TERMINAL, 1)
            .add(OTHER_TERMINAL, 1)).logonTimeoutMs(logonTimeoutMs);
        return WodianServer.launch(config);
    }

    @AfterEach
    void close()
    {
        if (null != admin)
        {
            admin.close();
        }
        if (null != server)
        {
            server.close();
        }
    }

    @Test
    void terminalWithItsCertificatePaysOverTls() throws Exception
    {
        try (WodianClient terminal = connect(TERMINAL, pki.issue("terminal:11")))
        {
            assertEquals(ResultCode.OK, new ServerTestSupport.Requests(terminal).pay(1, 2_500).code());
        }
        assertBalance(TOP_UP_FEN - 2_500);
    }

    @Test
    void certificatesThatMustNotWorkAreRefusedAndTheServerKeepsServing() throws Exception
    {
        // Another terminal's certificate: the TLS handshake succeeds, the logon as terminal 11 does not.
        final LogonRefusedException other = assertThrows(LogonRefusedException.class,
            () -> connect(TERMINAL, pki.issue("terminal:12")));
        assertEquals(ResultCode.AUTHENTICATION_FAILED, other.code());
        // Client certificates are required here: none, one from a CA the server does not trust, an expired one.
        assertThrows(IOException.class, () -> connect(TERMINAL, pki.trustingClient()));
        assertThrows(IOException.class, () -> connect(TERMINAL, pki.issueByOtherCa("terminal:11").trust(pki.caFile)));
        assertThrows(IOException.class, () -> connect(TERMINAL, pki.issueExpired("terminal:11")));
        // A client that trusts another CA does not accept the server.
        assertThrows(IOException.class, () -> connect(TERMINAL, TlsSettings.client().trust(pki.otherCaFile)));
        // A certificate that names no identity (a server's) is refused on the POS port.
        assertThrows(IOException.class, () -> connect(TERMINAL, pki.issue("wodian-server-2")));

        try (WodianClient terminal = connect(TERMINAL, pki.issue("terminal:11")))
        {
            assertEquals(ResultCode.OK, new ServerTestSupport.Requests(terminal).pay(2, 1_000).code());
        }
        assertBalance(TOP_UP_FEN - 1_000);
        assertTrue(server.tlsRefusedCount() >= 4, "refused: " + server.tlsRefusedCount());
    }

    /** An expired server certificate stops the start with one message, not a failed handshake per client. */
    @Test
    void aServerWithAnExpiredCertificateDoesNotStart() throws Exception
    {
        final TlsSettings expired = pki.issueExpired("wodian-server");
        final IOException refused = assertThrows(IOException.class, () -> launch(expired, LOGON_TIMEOUT_MS,
            "expired"));
        assertTrue(refused.getMessage().startsWith("TLS certificate " + expired.certificateFile() +
            " (CN=wodian-server) expired at "), refused.getMessage());
    }

    @Test
    void optionalClientCertificatesBindOnlyTheTerminalsThatPresentOne() throws Exception
    {
        try (WodianServer optional = launch(pki.issue("wodian-server").clientAuth(TlsSettings.ClientAuth.OPTIONAL)))
        {
            final ClientConfig base = new ClientConfig().node(HOST, optional.port()).connectTimeoutMs(TIMEOUT_MS)
                .logonTimeoutMs(TIMEOUT_MS);
            // Without a certificate the secret alone logs on (terminals that have no certificate yet).
            WodianClient.connect(base.credentials(TERMINAL).tls(pki.trustingClient())).close();
            // With one, the certificate must name the identity logged on.
            final LogonRefusedException refused = assertThrows(LogonRefusedException.class, () ->
                WodianClient.connect(base.credentials(TERMINAL).tls(pki.issue("terminal:12"))));
            assertEquals(ResultCode.AUTHENTICATION_FAILED, refused.code());
            WodianClient.connect(base.credentials(OTHER_TERMINAL).tls(pki.issue("terminal:12"))).close();
        }
    }

    @Test
    void clearTextToTheTlsPortIsClosed() throws Exception
    {
        try (Socket socket = new Socket(HOST, server.port()))
        {
            socket.setSoTimeout((int)TIMEOUT_MS);
            final ResultCode code;
            try
            {
                code = ServerTestSupport.logOn(socket, ADMIN);
                fail("a clear-text logon was answered: " + code);
            }
            catch (final IOException expected)
            {
                // Closed (end of stream or reset) rather than answered in clear text.
                assertTrue(!(expected instanceof SocketTimeoutException), "not closed: " + expected);
            }
        }
        assertBalance(TOP_UP_FEN);
    }

    @Test
    void clientStuckInItsHandshakeIsClosedByTheLogonTimeout() throws Exception
    {
        try (WodianServer shortLogon = launch(serverTls, SHORT_LOGON_TIMEOUT_MS, "short-logon");
            Socket socket = new Socket(HOST, shortLogon.port()))
        {
            // The first 5 bytes of a TLS record (a handshake record of 512 bytes), then nothing.
            socket.getOutputStream().write(new byte[] {0x16, 0x03, 0x01, 0x02, 0x00});
            socket.getOutputStream().flush();
            socket.setSoTimeout((int)TIMEOUT_MS); // 30 s: ten times this server's 3-s logon timeout
            assertClosed(socket.getInputStream());
        }
        assertBalance(TOP_UP_FEN);
    }

    @Test
    void fuzzedTlsRecordsAreRefused() throws Exception
    {
        final Random random = new Random(19);
        final byte[] clientHello = clientHello();
        int refused = 0;
        // Side by side, one reader each: a mutated length leaves the server waiting for bytes that never come, and
        // such a connection is closed only by the logon limit (10 s); one after the other, the three of seed 19 took
        // 30 s of this test, side by side they take one limit. Each answer is read as it comes (a ServerHello left
        // unread until the logon limit closed its connection would read as a reset: refused). 40 connections: under
        // the server's per-address cap on unauthenticated connections (64) and its sessions (64).
        final ExecutorService readers = Executors.newFixedThreadPool(MUTATED_HELLOS);
        try
        {
            final List<Future<Boolean>> answers = new ArrayList<>();
            for (int round = 0; round < MUTATED_HELLOS; round++)
            {
                final byte[] mutated = clientHello.clone();
                for (int flips = 1 + random.nextInt(4); flips > 0; flips--)
                {
                    mutated[random.nextInt(mutated.length)] = (byte)random.nextInt(256);
                }
                answers.add(readers.submit(() -> helloAnswered(mutated)));
            }
            for (final Future<Boolean> answer : answers)
            {
                refused += answer.get() ? 0 : 1;
            }
        }
        finally
        {
            readers.shutdownNow();
        }
        // A mutation of a random, session id, cipher or extension byte may still parse and get a ServerHello (seed 19
        // on JDK 17: 14 of 40 refused, 2026-12-05). Not an exact count: which mutations the JDK's TLS parser accepts
        // may differ between JDK versions; a floor well below it still fails a server that answers every mutation.
        System.out.println("TlsServerTest: " + refused + " of " + MUTATED_HELLOS + " mutated ClientHellos refused");
        assertTrue(refused >= REFUSED_HELLOS_MIN, refused + " of " + MUTATED_HELLOS + " mutated ClientHellos refused");
        // Garbage after a completed handshake: a record that does not authenticate ends the connection.
        for (int round = 0; round < 10; round++)
        {
            try (Socket plain = new Socket(HOST, server.port()))
            {
                plain.setSoTimeout((int)TIMEOUT_MS);
                final SSLSocket tls = (SSLSocket)TlsContext.load(adminTls).sslContext().getSocketFactory()
                    .createSocket(plain, HOST, server.port(), false);
                tls.startHandshake();
                final byte[] garbage = new byte[5 + 64];
                random.nextBytes(garbage);
                garbage[0] = 0x17; // application data
                garbage[1] = 0x03;
                garbage[2] = 0x03;
                garbage[3] = 0;
                garbage[4] = 64;
                writeOrSeeClosed(plain, garbage);
                assertClosed(plain.getInputStream());
            }
        }
        try (WodianClient terminal = connect(TERMINAL, pki.issue("terminal:11")))
        {
            assertEquals(ResultCode.OK, new ServerTestSupport.Requests(terminal).pay(3, 700).code());
        }
        assertBalance(TOP_UP_FEN - 700);
    }

    @Test
    void rotatedServerCertificateIsServedWithoutRestartOnThePosPortAndTheMetricsEndpoint() throws Exception
    {
        assertEquals("CN=wodian-server", serverCertificate().getSubjectX500Principal().getName());
        pki.reissue(serverTls, "wodian-server-rotated");
        // Make sure the change is seen even on a file system with coarse modification times.
        final FileTime later = FileTime.fromMillis(System.currentTimeMillis() + 5_000);
        Files.setLastModifiedTime(serverTls.certificateFile(), later);
        final long deadlineNs = System.nanoTime() + TIMEOUT_MS * 1_000_000;
        String subject = "";
        while (System.nanoTime() - deadlineNs < 0)
        {
            try
            {
                subject = serverCertificate().getSubjectX500Principal().getName();
            }
            catch (final IOException ex)
            {
                subject = ex.toString(); // a handshake during the reload: keep asking until the deadline
            }
            if ("CN=wodian-server-rotated".equals(subject))
            {
                break;
            }
            Thread.sleep(100);
        }
        assertEquals("CN=wodian-server-rotated", subject);
        // The metrics endpoint (the JDK's HTTPS server) serves the new certificate too, without a restart.
        final javax.net.ssl.HttpsURLConnection https = (javax.net.ssl.HttpsURLConnection)
            new java.net.URL("https://127.0.0.1:" + server.metricsPort() + "/metrics").openConnection();
        https.setSSLSocketFactory(TlsContext.load(pki.trustingClient()).sslContext().getSocketFactory());
        https.setConnectTimeout((int)TIMEOUT_MS);
        https.setReadTimeout((int)TIMEOUT_MS);
        assertEquals(200, https.getResponseCode());
        assertEquals("CN=wodian-server-rotated",
            ((X509Certificate)https.getServerCertificates()[0]).getSubjectX500Principal().getName());
        https.disconnect();
        try (WodianClient terminal = connect(TERMINAL, pki.issue("terminal:11")))
        {
            assertEquals(ResultCode.OK, new ServerTestSupport.Requests(terminal).pay(4, 300).code());
        }
        assertBalance(TOP_UP_FEN - 300);
    }

    /** The served certificate's end is exported (ops review item 16): alerts need no look at the file. */
    @Test
    void theCertificatesEndIsAGauge() throws Exception
    {
        final long expectedS = server.tlsContext().certificateNotAfterMs() / 1000;
        final long deadlineMs = System.currentTimeMillis() + 30_000;
        long gaugeS = 0;
        while (gaugeS != expectedS && System.currentTimeMillis() < deadlineMs)
        {
            Thread.sleep(50);
            gaugeS = server.counters().scalar(com.wodian.net.metrics.ServerCounters.Scalar.TLS_CERTIFICATE_EXPIRY)
                .get();
        }
        assertEquals(expectedS, gaugeS, "wodian_tls_certificate_expiry_timestamp_seconds");
    }

    @Test
    void metricsEndpointServesHttps() throws Exception
    {
        final javax.net.ssl.HttpsURLConnection https = (javax.net.ssl.HttpsURLConnection)
            new java.net.URL("https://127.0.0.1:" + server.metricsPort() + "/metrics").openConnection();
        https.setSSLSocketFactory(TlsContext.load(pki.trustingClient()).sslContext().getSocketFactory());
        https.setConnectTimeout((int)TIMEOUT_MS);
        https.setReadTimeout((int)TIMEOUT_MS);
        assertEquals(200, https.getResponseCode());
        assertTrue(new String(https.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
            .contains("wodian_"));
        // Clear text to the HTTPS port gets no metrics.
        final java.net.HttpURLConnection http = (java.net.HttpURLConnection)
            new java.net.URL("http://127.0.0.1:" + server.metricsPort() + "/metrics").openConnection();
        http.setConnectTimeout((int)TIMEOUT_MS);
        http.setReadTimeout((int)TIMEOUT_MS);
        assertThrows(IOException.class, http::getResponseCode);
    }

    @Test
    void clearTextOnANonLoopbackAddressNeedsInsecure()
    {
        final ServerConfig config = ServerTestSupport.config(dataDir, ThreadingMode.COMPACT).host("0.0.0.0");
        final IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, config::validate);
        assertTrue(refused.getMessage().contains("--insecure"), refused.getMessage());
        config.insecure(true).validate();
        ServerTestSupport.config(dataDir, ThreadingMode.COMPACT).host("0.0.0.0").tls(serverTls).validate();
    }

    private WodianClient connect(final Credentials credentials, final TlsSettings tls) throws IOException
    {
        return WodianClient.connect(TestClients.patient(
            new ClientConfig().node(HOST, server.port()).credentials(credentials).tls(tls)));
    }

    private void assertBalance(final long expectedFen) throws Exception
    {
        assertEquals(expectedFen, new ServerTestSupport.Requests(admin).balance(CONSUMER_ID).walletFen());
    }

    private X509Certificate serverCertificate() throws Exception
    {
        try (SSLSocket socket = (SSLSocket)TlsContext.load(adminTls).sslContext().getSocketFactory()
            .createSocket(HOST, server.port()))
        {
            socket.setSoTimeout((int)TIMEOUT_MS);
            socket.startHandshake();
            return (X509Certificate)socket.getSession().getPeerCertificates()[0];
        }
    }

    /** A real ClientHello record, from a client engine. */
    private byte[] clientHello() throws Exception
    {
        final SSLEngine engine = TlsContext.load(pki.trustingClient()).newClientEngine(HOST, 1);
        engine.beginHandshake();
        final ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
        final SSLEngineResult result = engine.wrap(ByteBuffer.allocate(0), out);
        assertEquals(SSLEngineResult.Status.OK, result.getStatus());
        out.flip();
        final byte[] hello = new byte[out.remaining()];
        out.get(hello);
        return hello;
    }

    /** Reads until the server closes; a mutation it cannot detect may get a ServerHello, which also ends here. */
    /** A write the server answered by closing (reset) is a refusal too: the read after it sees the end. */
    private static void writeOrSeeClosed(final Socket socket, final byte[] bytes) throws IOException
    {
        try
        {
            socket.getOutputStream().write(bytes);
        }
        catch (final java.net.SocketException reset)
        {
            // Closed by the server already: assertClosed / drainUntilClosedOrHello see the end of the stream.
        }
    }

    /** One connection sent {@code hello}: true when a ServerHello came, false when the server closed it. */
    private boolean helloAnswered(final byte[] hello) throws IOException
    {
        try (Socket socket = new Socket(HOST, server.port()))
        {
            socket.setSoTimeout((int)TIMEOUT_MS);
            writeOrSeeClosed(socket, hello);
            return drainUntilClosedOrHello(socket.getInputStream());
        }
    }

    /** True when a ServerHello came (a mutation that still parses: a random or session id byte), false: closed. */
    private static boolean drainUntilClosedOrHello(final InputStream in) throws IOException
    {
        final byte[] buffer = new byte[4096];
        try
        {
            final int count = in.read(buffer);
            if (count > 0 && 0x16 == buffer[0])
            {
                return true;
            }
            assertClosed(in);
        }
        catch (final java.net.SocketException reset)
        {
            // Reset by the server: closed.
        }
        return false;
    }

    private static void assertClosed(final InputStream in) throws IOException
    {
        final byte[] buffer = new byte[4096];
        try
        {
            // Bounded: at most a few alert or handshake records arrive before the end of the stream.
            for (int reads = 0; reads < 64; reads++)
            {
                if (in.read(buffer) < 0)
                {
                    return;
                }
            }
            fail("the server kept the connection open");
        }
        catch (final SocketTimeoutException ex)
        {
            fail("the server did not close the connection within " + TIMEOUT_MS + " ms");
        }
        catch (final java.net.SocketException reset)
        {
            // Reset by the server: closed.
        }
    }
}
