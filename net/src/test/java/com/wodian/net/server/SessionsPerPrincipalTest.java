package com.wodian.net.server;

import com.wodian.net.auth.CredentialStore;
import com.wodian.net.auth.Credentials;
import com.wodian.net.client.WodianClient;
import com.wodian.net.metrics.ServerCounters.GatewayLimit;
import com.wodian.protocol.sbe.ErrorReplyDecoder;
import com.wodian.protocol.sbe.MessageHeaderDecoder;
import com.wodian.protocol.sbe.ResultCode;
import com.wodian.protocol.sbe.SessionRole;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataInputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static com.wodian.net.server.ServerTestSupport.HOST;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Security review 2026-12-05 B1: one identity holds at most {@code sessionsPerPrincipalMax} logged-on sessions; a
 * logon beyond it closes that identity's oldest session (ALREADY_LOGGED_ON), so a credential that opens session after
 * session only turns over its own and another terminal still logs on (before, one terminal credential held every
 * slot). And a credential reload that revokes an identity ends its sessions (before, only new logons were refused).
 */
class SessionsPerPrincipalTest
{
    private static final int SESSIONS_MAX = 16;
    private static final int PER_PRINCIPAL_MAX = 4;
    private static final Credentials OTHER_TERMINAL = Credentials.terminal(12, ServerTestSupport.secret(3));

    @TempDir
    Path dataDir;

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void oneTerminalOpeningManySessionsRotatesItsOwnAndAnotherStillLogsOn() throws Exception
    {
        final ServerConfig config = ServerTestSupport.config(dataDir, ThreadingMode.COMPACT).sessionsMax(SESSIONS_MAX);
        config.gateway().credentialStore(ServerTestSupport.credentialStore()
            .add(OTHER_TERMINAL, ServerTestSupport.MERCHANT_ID)).sessionsPerPrincipalMax(PER_PRINCIPAL_MAX)
            .principalFailuresMax(1_000).addressFailuresMax(1_000).idleTimeoutMs(600_000);
        final List<Socket> hog = new ArrayList<>();
        try (WodianServer server = WodianServer.launch(config))
        {
            // Terminal 11 logs on twice as many times as the port has sessions: each logon is answered OK.
            for (int i = 0; i < 2 * SESSIONS_MAX; i++)
            {
                final Socket socket = open(server);
                hog.add(socket);
                assertEquals(ResultCode.OK, ServerTestSupport.logOn(socket, ServerTestSupport.TERMINAL), "logon " + i);
            }
            // Each logon beyond the cap closed the oldest: the first ones are told why and closed.
            for (int i = 0; i < 2 * SESSIONS_MAX - PER_PRINCIPAL_MAX; i++)
            {
                assertClosedWith(ResultCode.ALREADY_LOGGED_ON, hog.get(i));
            }
            assertEquals(2 * SESSIONS_MAX - PER_PRINCIPAL_MAX,
                server.gatewayLimitCount(GatewayLimit.PRINCIPAL_SESSIONS));
            try (WodianClient other = ServerTestSupport.connect(server, OTHER_TERMINAL))
            {
                assertEquals(ServerTestSupport.MERCHANT_ID, other.merchantId(), "another terminal logs on");
            }
            // Admin sessions are not capped: the tools and loadgen open many.
            final List<WodianClient> admins = new ArrayList<>();
            try
            {
                for (int i = 0; i < PER_PRINCIPAL_MAX + 2; i++)
                {
                    admins.add(ServerTestSupport.connect(server));
                }
                for (int i = 0; i < admins.size(); i++)
                {
                    assertEquals(ResultCode.OK, new ServerTestSupport.Requests(admins.get(i)).registerMerchant(1 + i));
                }
            }
            finally
            {
                for (final WodianClient admin : admins)
                {
                    admin.close();
                }
            }
        }
        finally
        {
            for (final Socket socket : hog)
            {
                socket.close();
            }
        }
    }

    /** Revocation ends the identity's sessions at the reload; other identities' sessions go on. */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void revokingACredentialEndsItsSessions() throws Exception
    {
        final Path file = dataDir.resolve("credentials");
        final CredentialStore store = ServerTestSupport.credentialStore().add(OTHER_TERMINAL,
            ServerTestSupport.MERCHANT_ID);
        store.save(file);
        final ServerConfig config = ServerTestSupport.config(dataDir, ThreadingMode.COMPACT);
        config.gateway().credentialStore(null).idleTimeoutMs(600_000);
        try (WodianServer server = WodianServer.launch(config);
            Socket revoked = open(server);
            Socket rotatedWithoutGrace = open(server);
            Socket kept = open(server))
        {
            assertEquals(ResultCode.OK, ServerTestSupport.logOn(revoked, ServerTestSupport.TERMINAL));
            assertEquals(ResultCode.OK, ServerTestSupport.logOn(rotatedWithoutGrace, ServerTestSupport.ADMIN));
            assertEquals(ResultCode.OK, ServerTestSupport.logOn(kept, OTHER_TERMINAL));

            store.revoke(SessionRole.TERMINAL, ServerTestSupport.TERMINAL_ID);
            store.rotate(SessionRole.ADMIN, ServerTestSupport.ADMIN.principalId(), 0, System.currentTimeMillis(),
                new SecureRandom());
            store.save(file);
            // A modification time the server cannot have seen, however coarse the file system's clock.
            Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 5_000));

            assertClosedWith(ResultCode.AUTHENTICATION_FAILED, revoked);
            assertClosedWith(ResultCode.AUTHENTICATION_FAILED, rotatedWithoutGrace);
            assertEquals(2, server.gatewayLimitCount(GatewayLimit.CREDENTIAL_REVOKED));
            // The other terminal's session still answers.
            assertAnswersAHeartbeat(kept);
        }
    }

    /**
     * A reload that changes an admin id's kind (docs/security.md, "Admin kinds": here a full admin made a funds admin,
     * same key) ends its sessions, which log on again under the new rights; a terminal's session goes on.
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void changingAnAdminsKindEndsItsSessions() throws Exception
    {
        final Path file = dataDir.resolve("credentials");
        final CredentialStore store = ServerTestSupport.credentialStore();
        store.save(file);
        final ServerConfig config = ServerTestSupport.config(dataDir, ThreadingMode.COMPACT);
        config.gateway().credentialStore(null).idleTimeoutMs(600_000);
        try (WodianServer server = WodianServer.launch(config);
            Socket changed = open(server);
            Socket kept = open(server))
        {
            assertEquals(ResultCode.OK, ServerTestSupport.logOn(changed, ServerTestSupport.ADMIN));
            assertEquals(ResultCode.OK, ServerTestSupport.logOn(kept, ServerTestSupport.TERMINAL));

            store.addAdmin(ServerTestSupport.ADMIN, com.wodian.net.auth.AdminKind.FUNDS).save(file);
            Files.setLastModifiedTime(file, FileTime.fromMillis(System.currentTimeMillis() + 5_000));

            assertClosedWith(ResultCode.AUTHENTICATION_FAILED, changed);
            assertEquals(1, server.gatewayLimitCount(GatewayLimit.CREDENTIAL_REVOKED));
            assertAnswersAHeartbeat(kept);
        }
    }

    private static Socket open(final WodianServer server) throws IOException
    {
        final Socket socket = new Socket(HOST, server.port());
        socket.setSoTimeout((int)ServerTestSupport.TIMEOUT_MS);
        return socket;
    }

    /** The server sends an ErrorReply with {@code code} and closes the connection (within the read timeout). */
    private static void assertClosedWith(final ResultCode code, final Socket socket) throws IOException
    {
        final DataInputStream in = new DataInputStream(socket.getInputStream());
        final UnsafeBuffer reply = ServerTestSupport.readFrame(in);
        final MessageHeaderDecoder header = new MessageHeaderDecoder().wrap(reply, 0);
        assertEquals(ErrorReplyDecoder.TEMPLATE_ID, header.templateId());
        assertEquals(code, new ErrorReplyDecoder().wrapAndApplyHeader(reply, 0, header).code());
        assertTrue(in.read() < 0, "closed after the reply");
    }

    /** The session on {@code socket} is still open: a heartbeat gets its reply. */
    private static void assertAnswersAHeartbeat(final Socket socket) throws IOException
    {
        final UnsafeBuffer heartbeat = new UnsafeBuffer(new byte[64]);
        final int length = new com.wodian.protocol.sbe.HeartbeatEncoder()
            .wrapAndApplyHeader(heartbeat, 0, new com.wodian.protocol.sbe.MessageHeaderEncoder()).encodedLength();
        ServerTestSupport.writeFrame(socket, 7, heartbeat, MessageHeaderDecoder.ENCODED_LENGTH + length);
        final UnsafeBuffer reply = ServerTestSupport.readFrame(new DataInputStream(socket.getInputStream()));
        assertEquals(com.wodian.protocol.sbe.HeartbeatReplyDecoder.TEMPLATE_ID,
            new MessageHeaderDecoder().wrap(reply, 0).templateId());
    }
}
