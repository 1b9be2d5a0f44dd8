package com.wodian.tools;

import com.wodian.engine.EngineConfig;
import com.wodian.net.client.ClientConfig;
import com.wodian.net.server.ServerConfig;
import com.wodian.net.server.ServerProperties;
import com.wodian.net.tls.TlsSettings;
import com.wodian.net.server.WodianServer;

import com.wodian.net.auth.AdminKind;
import com.wodian.net.auth.CredentialStore;
import com.wodian.net.auth.Credentials;
import com.wodian.net.client.WodianClient;
import com.wodian.net.server.GatewayConfig;
import com.wodian.protocol.sbe.SessionRole;

import java.io.IOException;
import java.nio.file.Files;
import java.security.SecureRandom;
import java.util.List;
import java.nio.file.Path;

/**
 * A {@link WodianServer} inside this JVM on a free loopback port, as the demo uses it: launched (recovering from the
 * journal in the data directory) and closed (draining accepted inputs).
 *
 * <p>The server's idle Tick is set to an hour: a Tick journaled between the demo's last state-hash query and the
 * close would change the state (engine time, sequence) that the restart is compared with. The demo's holds are
 * all confirmed or cancelled within milliseconds, so it needs no Tick to expire them.
 */
final class EmbeddedServer implements AutoCloseable
{
    static final long TICK_INTERVAL_MS = 3_600_000;

    private final WodianServer server;

    private EmbeddedServer(final WodianServer server)
    {
        this.server = server;
    }

    static EmbeddedServer start(final Path dataDir, final String mode) throws IOException
    {
        return start(dataDir, mode, null);
    }

    /**
     * @param mode       thread layout name ({@code compact}, {@code dedicated}), or null for the server's default.
     * @param durability journal durability name ({@code sync}, {@code page-cache}), or null for the default.
     */
    static EmbeddedServer start(final Path dataDir, final String mode, final String durability) throws IOException
    {
        return start(dataDir, mode, durability, false);
    }

    /**
     * @param tls TLS on the POS port with certificates of a private CA made in {@code <data>/tls} on the first start
     *            (server certificate for 127.0.0.1, admin:1 client certificate; docs/security.md), as the demo runs.
     */
    static EmbeddedServer start(final Path dataDir, final String mode, final String durability, final boolean tls)
        throws IOException
    {
        final ServerConfig config = new ServerConfig()
            .dataDir(dataDir)
            .host("127.0.0.1")
            .port(0)
            .tickIntervalMs(TICK_INTERVAL_MS)
            .engineConfig(new EngineConfig());
        if (mode != null)
        {
            config.threadingMode(ServerProperties.parseThreadingMode(mode));
        }
        if (durability != null)
        {
            config.durabilityPolicy(ServerProperties.parseDurabilityPolicy(durability));
        }
        final Credentials admin = provisionAdmin(dataDir);
        final Path tlsDir = dataDir.resolve(TLS_DIR_NAME);
        if (tls)
        {
            provisionTls(tlsDir);
            config.tls(TlsSettings.withCertificate(tlsDir.resolve("server.pem"), tlsDir.resolve("server.key"))
                .trust(tlsDir.resolve(CertsCommand.CA_CERTIFICATE)).clientAuth(TlsSettings.ClientAuth.OPTIONAL));
        }
        final EmbeddedServer embedded = new EmbeddedServer(WodianServer.launch(config));
        embedded.admin = admin;
        embedded.clientTls = tls ? TlsSettings.withCertificate(tlsDir.resolve("admin-1.pem"),
            tlsDir.resolve("admin-1.key")).trust(tlsDir.resolve(CertsCommand.CA_CERTIFICATE)) : null;
        return embedded;
    }

    /** Name of the client secrets file an embedded server's data folder holds (mode 600). */
    static final String CLIENT_SECRETS_FILE_NAME = "client-secrets";

    /**
     * Authentication is on for the demo and the CLI tests too: the first start creates the server's credential file
     * (stored keys only, admin 1 of the kind {@code loadtest}) and, beside it, the admin's secret in
     * {@value #CLIENT_SECRETS_FILE_NAME}; later starts reuse them.
     */
    static Credentials provisionAdmin(final Path dataDir) throws IOException
    {
        final Path credentialsFile = dataDir.resolve(GatewayConfig.Configuration.CREDENTIALS_FILE_NAME_DEFAULT);
        final Path secretsFile = dataDir.resolve(CLIENT_SECRETS_FILE_NAME);
        if (!Files.exists(credentialsFile) || !Files.exists(secretsFile))
        {
            Files.createDirectories(dataDir);
            final CredentialStore store = new CredentialStore();
            // A load-test admin (docs/security.md, "Admin kinds"): the demo pays at full rate over admin sessions, and
            // its payments would otherwise each be an admin audit record; its set-up is recorded as any admin's.
            final Credentials admin = store.provision(SessionRole.ADMIN, 1, 0, new SecureRandom());
            store.addAdmin(admin, AdminKind.LOADTEST);
            store.save(credentialsFile);
            Credentials.save(secretsFile, List.of(admin));
        }
        return Credentials.loadFirst(secretsFile, SessionRole.ADMIN);
    }

    /** Folder of the demo's private CA and certificates. */
    static final String TLS_DIR_NAME = "tls";

    /** The demo's certificates, made once: a CA, the server's (127.0.0.1, localhost) and admin 1's. */
    static void provisionTls(final Path tlsDir) throws IOException
    {
        if (Files.exists(tlsDir.resolve("server.pem")) && Files.exists(tlsDir.resolve("admin-1.pem")))
        {
            return;
        }
        final CertsCommand certs = new CertsCommand();
        certs.dir = tlsDir;
        certs.server = true;
        certs.hosts = List.of("localhost", "127.0.0.1");
        certs.admins = List.of(1L);
        try
        {
            certs.call();
        }
        catch (final IOException ex)
        {
            throw ex;
        }
        catch (final Exception ex)
        {
            throw new IOException("could not make the demo's certificates", ex);
        }
    }

    private Credentials admin;
    private TlsSettings clientTls;

    /** The admin identity provisioned in the data folder. */
    Credentials admin()
    {
        return admin;
    }

    /** A client logged on as the admin. */
    WodianClient connectAdmin() throws IOException
    {
        final ClientConfig config = new ClientConfig().node("127.0.0.1", port()).credentials(admin);
        return WodianClient.connect(null == clientTls ? config : config.tls(clientTls));
    }

    int port()
    {
        return server.port();
    }

    /** "COMPACT threads, journal SYNC, TLS": what the latencies depend on. */
    String describe()
    {
        return server.config().threadingMode() + " threads, journal " + server.config().durabilityPolicy() +
            (null == server.config().tls() ? ", clear text" : ", TLS");
    }

    /** Journaled inputs replayed into the engine when the server started. */
    long recoveredInputCount()
    {
        return server.recoveredInputCount();
    }

    @Override
    public void close()
    {
        server.close();
    }
}
