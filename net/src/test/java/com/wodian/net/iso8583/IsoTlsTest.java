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

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The ISO 8583 port of a TLS server speaks TLS with the server's certificate: jPOS over TLS buys, jPOS in clear text
 * is refused, and the purchase that went through is the only one journaled.
 */
class IsoTlsTest
{
    private static final String HOST = "127.0.0.1";
    private static final long MERCHANT = 11;
    private static final long TERMINAL = 101;
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
        final Path keysFile = dataDir.resolve("iso-keys");
        final IsoKeyStore store = new IsoKeyStore();
        final byte[] key = store.issueKey(TERMINAL, MERCHANT, new SecureRandom());
        store.save(keysFile);
        final ServerConfig config = new ServerConfig().dataDir(dataDir).host(HOST).port(0)
            .threadingMode(ThreadingMode.COMPACT).durabilityPolicy(DurabilityPolicy.SYNC)
            .engineConfig(EngineConfig.small()).inputRingSize(1024).outputRingSize(1024).sessionsMax(64)
            .shutdownTimeoutMs(5_000).tls(pki.issue("wodian-server"));
        config.gateway().credentialStore(new CredentialStore().add(ADMIN, 0));
        final IsoGatewayConfig isoConfig = IsoGatewayConfig.of(HOST, 0, keysFile);
        config.addGateway((context) ->
        {
            agent = (IsoGatewayAgent)IsoGateway.factory(isoConfig).newGateway(context);
            return agent;
        });
        final TlsContext clientTls = TlsContext.load(pki.trustingClient());
        try (WodianServer server = WodianServer.launch(config);
            WodianClient admin = WodianClient.connect(new ClientConfig().node(HOST, server.port())
                .credentials(ADMIN).tls(clientTls).connectTimeoutMs(10_000)))
        {
            final CommandEncoder encoder = new CommandEncoder();
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
            admin.call(buffer, 0, encoder.registerMerchant(buffer, 0, MERCHANT, 10, 100, 0, 0, false), 10_000);
            admin.call(buffer, 0, encoder.registerTerminal(buffer, 0, TERMINAL, MERCHANT), 10_000);
            admin.call(buffer, 0, encoder.registerConsumer(buffer, 0, CONSUMER, 0), 10_000);
            admin.call(buffer, 0, encoder.topUp(buffer, 0, CONSUMER, CONSUMER, 100_000), 10_000);

            try (JposTerminal pos = new JposTerminal(HOST, agent.port(), TERMINAL, MERCHANT, key,
                (host, port) -> handshaken(clientTls, host, port)))
            {
                assertEquals("00", pos.call(pos.signed(pos.financial("0200", CONSUMER, 1_000, pos.nextStan(),
                    "1204100000"))).getString(39));
            }
            final long refusedBefore = agent.tlsRefusedCount();
            assertThrows(Exception.class, () ->
            {
                try (JposTerminal clear = new JposTerminal(HOST, agent.port(), TERMINAL, MERCHANT, key))
                {
                    clear.call(clear.signed(clear.financial("0200", CONSUMER, 2_000, clear.nextStan(),
                        "1204100100")));
                }
            });
            assertEquals(1, agent.requestCount(), "the clear-text request never became a request");
            assertTrue(agent.tlsRefusedCount() > refusedBefore, "refused in the handshake");
        }
    }

    private static Socket handshaken(final TlsContext tls, final String host, final int port) throws java.io.IOException
    {
        final SSLSocket socket = (SSLSocket)tls.sslContext().getSocketFactory().createSocket(host, port);
        socket.startHandshake();
        return socket;
    }
}
