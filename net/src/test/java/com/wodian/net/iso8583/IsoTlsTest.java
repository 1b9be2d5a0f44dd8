package com.wodian.net.iso8583;

import com.wodian.engine.EngineConfig;
import com.wodian.net.auth.CredentialStore;
import com.wodian.net.auth.Credentials;
import com.wodian.net.client.ClientConfig;
import com.wodian.net.client.WodianClient;
import com.wodian.net.server.ServerConfig;
import com.wodian.net.server.ThreadingMode;
import com.wodian.net.server.WodianServer;
import com.wodian.net.tls.TestPki;
import com.wodian.net.tls.TlsContext;
import com.wodian.net.tls.TlsSettings;
import com.wodian.protocol.CommandEncoder;
import com.wodian.journal.DurabilityPolicy;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.SSLSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ISO 8583 port of a TLS server speaks TLS with the server's certificate: jPOS over TLS buys, jPOS in clear text
 * is refused, and the purchase that went through is the only one journaled.
 */
class IsoTlsTest
{
    /** Handshake and logon of every client but the stalled one: room for a loaded machine (a 1-s bound failed TlsServerTest once). */
    private static final long LOGON_TIMEOUT_MS = 30_000;
    /** Every wait for a reply: 30 s (10 s is below what a starved two-core machine may take with nothing wrong). */
    private static final long CALL_TIMEOUT_MS = 30_000;

    private static final String HOST = "127.0.0.1";
    private static final long MERCHANT = 11;
    private static final long TERMINAL = 101;
    private static final long OTHER_TERMINAL = 102;
    private static final long CONSUMER = 8001;
    private static final Credentials ADMIN = Credentials.admin(1, new byte[32]);

    @TempDir
    Path dataDir;
    @TempDir
    Path pkiDir;

    private IsoGatewayAgent agent;

    @Test
    void purchaseOverTlsAndClearTextRefused() throws Exception
    {
        final TestPki pki = TestPki.create(pkiDir);
        final byte[] key = issueKeys().get(TERMINAL);
        final TlsContext clientTls = TlsContext.load(pki.trustingClient());
        try (WodianServer server = launch(pki.issue("wodian-server"), LOGON_TIMEOUT_MS);
            WodianClient admin = admin(server, clientTls))
        {
            register(admin, TERMINAL);
            try (JposTerminal pos = new JposTerminal(HOST, agent.port(), TERMINAL, MERCHANT, key,
                (host, port) -> handshaken(clientTls, host, port)))
            {
                assertEquals("00", pos.call(pos.signed(pos.financial("0200", CONSUMER, 1_000, pos.nextStan(),
                    JposTerminal.now()))).getString(39));
            }
            final long refusedBefore = agent.tlsRefusedCount();
            assertThrows(Exception.class, () ->
            {
                try (JposTerminal clear = new JposTerminal(HOST, agent.port(), TERMINAL, MERCHANT, key))
                {
                    clear.call(clear.signed(clear.financial("0200", CONSUMER, 2_000, clear.nextStan(),
                        JposTerminal.now())));
                }
            });
            assertEquals(1, agent.requestCount(), "the clear-text request never became a request");
            assertTrue(agent.tlsRefusedCount() > refusedBefore, "refused in the handshake");
        }
    }

    /**
     * A terminal certificate binds the connection to its terminal: DE41 of another terminal (with that terminal's
     * valid MAC) is answered 63 and never reaches the engine; a node's certificate is refused in the handshake.
     */
    @Test
    void terminalCertificateBindsDe41() throws Exception
    {
        final TestPki pki = TestPki.create(pkiDir);
        final Map<Long, byte[]> keys = issueKeys();
        final TlsContext terminalTls = TlsContext.load(pki.issue("terminal:" + TERMINAL));
        final TlsContext nodeTls = TlsContext.load(pki.issue("node:1"));
        try (WodianServer server = launch(pki.issue("wodian-server").clientAuth(TlsSettings.ClientAuth.OPTIONAL),
            LOGON_TIMEOUT_MS);
            WodianClient admin = admin(server, TlsContext.load(pki.trustingClient())))
        {
            register(admin, TERMINAL);
            register(admin, OTHER_TERMINAL);
            try (JposTerminal own = new JposTerminal(HOST, agent.port(), TERMINAL, MERCHANT, keys.get(TERMINAL),
                    (host, port) -> handshaken(terminalTls, host, port));
                JposTerminal other = new JposTerminal(HOST, agent.port(), OTHER_TERMINAL, MERCHANT,
                    keys.get(OTHER_TERMINAL), (host, port) -> handshaken(terminalTls, host, port)))
            {
                assertEquals("00", own.call(own.signed(own.financial("0200", CONSUMER, 1_000, own.nextStan(),
                    JposTerminal.now()))).getString(39));
                assertEquals("63", other.call(other.signed(other.financial("0200", CONSUMER, 2_000,
                    other.nextStan(), JposTerminal.now()))).getString(39), "DE41 of another terminal");
            }
            final long refusedBefore = agent.tlsRefusedCount();
            assertThrows(Exception.class, () ->
            {
                try (JposTerminal node = new JposTerminal(HOST, agent.port(), TERMINAL, MERCHANT, keys.get(TERMINAL),
                    (host, port) -> handshaken(nodeTls, host, port)))
                {
                    node.call(node.signed(node.financial("0200", CONSUMER, 3_000, node.nextStan(),
                        JposTerminal.now())));
                }
            });
            assertTrue(agent.tlsRefusedCount() > refusedBefore, "a node certificate is not a terminal's");
            assertEquals(100_000 - 1_000, balance(admin), "only the bound terminal's purchase went through");
        }
    }

    /** A client that opens the TLS port and stalls mid-handshake is closed once the logon timeout has passed. */
    @Test
    void stalledHandshakeIsClosedByTheLogonTimeout() throws Exception
    {
        final TestPki pki = TestPki.create(pkiDir);
        issueKeys();
        try (WodianServer server = launch(pki.issue("wodian-server"), 1_000);
            Socket stalled = new Socket(HOST, agent.port()))
        {
            // The first bytes of a ClientHello record header, then nothing.
            stalled.getOutputStream().write(new byte[] {0x16, 0x03, 0x01});
            stalled.getOutputStream().flush();
            // Generous: the timeout is 1 s, the scan every 100 ms; a loaded machine may be slow to get there.
            stalled.setSoTimeout(30_000);
            assertEquals(-1, stalled.getInputStream().read(), "closed by the server");
            assertTrue(agent.handshakeTimeoutCount() >= 1, "counted as a handshake timeout");
        }
    }

    private Map<Long, byte[]> issueKeys() throws Exception
    {
        final Path keysFile = dataDir.resolve("iso-keys");
        final IsoKeyStore store = new IsoKeyStore();
        final SecureRandom random = new SecureRandom();
        final Map<Long, byte[]> keys = Map.of(TERMINAL, store.issueKey(TERMINAL, MERCHANT, random),
            OTHER_TERMINAL, store.issueKey(OTHER_TERMINAL, MERCHANT, random));
        store.save(keysFile);
        return keys;
    }

    private WodianServer launch(final TlsSettings tls, final long logonTimeoutMs) throws Exception
    {
        final ServerConfig config = new ServerConfig().dataDir(dataDir).host(HOST).port(0)
            .threadingMode(ThreadingMode.COMPACT).durabilityPolicy(DurabilityPolicy.SYNC)
            .engineConfig(EngineConfig.small()).inputRingSize(1024).outputRingSize(1024).sessionsMax(64)
            .shutdownTimeoutMs(5_000).tls(tls);
        config.gateway().credentialStore(new CredentialStore().add(ADMIN, 0)).logonTimeoutMs(logonTimeoutMs);
        final IsoGatewayConfig isoConfig = IsoGatewayConfig.of(HOST, 0, dataDir.resolve("iso-keys"));
        config.addGateway((context) ->
        {
            agent = (IsoGatewayAgent)IsoGateway.factory(isoConfig).newGateway(context);
            return agent;
        });
        return WodianServer.launch(config);
    }

    private static WodianClient admin(final WodianServer server, final TlsContext tls) throws Exception
    {
        // The admin logs on at once and then stays busy or heartbeats (the stalled-handshake server's timeout is 1 s).
        return WodianClient.connect(new ClientConfig().node(HOST, server.port()).credentials(ADMIN).tls(tls)
            .connectTimeoutMs(CALL_TIMEOUT_MS).logonTimeoutMs(LOGON_TIMEOUT_MS).replyTimeoutMs(CALL_TIMEOUT_MS));
    }

    private static void register(final WodianClient admin, final long terminalId) throws Exception
    {
        final CommandEncoder encoder = new CommandEncoder();
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
        if (TERMINAL == terminalId)
        {
            admin.call(buffer, 0, encoder.registerMerchant(buffer, 0, MERCHANT, 10, 100, 0, 0, false), CALL_TIMEOUT_MS);
            admin.call(buffer, 0, encoder.registerConsumer(buffer, 0, CONSUMER, 0), CALL_TIMEOUT_MS);
            admin.call(buffer, 0, encoder.topUp(buffer, 0, CONSUMER, CONSUMER, 100_000), CALL_TIMEOUT_MS);
        }
        admin.call(buffer, 0, encoder.registerTerminal(buffer, 0, terminalId, MERCHANT), CALL_TIMEOUT_MS);
    }

    private static long balance(final WodianClient admin) throws Exception
    {
        final CommandEncoder encoder = new CommandEncoder();
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
        final byte[] reply = admin.call(buffer, 0, encoder.balanceQuery(buffer, 0, CONSUMER), CALL_TIMEOUT_MS);
        return new com.wodian.protocol.sbe.BalanceReplyDecoder().wrapAndApplyHeader(new UnsafeBuffer(reply), 0,
            new com.wodian.protocol.sbe.MessageHeaderDecoder()).walletFen();
    }

    private static Socket handshaken(final TlsContext tls, final String host, final int port) throws java.io.IOException
    {
        final SSLSocket socket = (SSLSocket)tls.sslContext().getSocketFactory().createSocket(host, port);
        socket.startHandshake();
        return socket;
    }
}
