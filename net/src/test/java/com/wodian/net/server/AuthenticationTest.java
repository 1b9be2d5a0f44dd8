package com.wodian.net.server;

import com.wodian.net.auth.CredentialStore;
import com.wodian.net.auth.Credentials;
import com.wodian.net.client.ClientConfig;
import com.wodian.net.client.LogonRefusedException;
import com.wodian.net.client.WodianClient;
import com.wodian.net.testing.TestClients;
import com.wodian.protocol.CommandEncoder;
import com.wodian.protocol.sbe.ErrorReplyDecoder;
import com.wodian.protocol.sbe.MessageHeaderDecoder;
import com.wodian.protocol.sbe.ResultCode;
import com.wodian.protocol.sbe.SessionRole;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataInputStream;
import java.io.EOFException;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.security.SecureRandom;

import static com.wodian.net.server.ServerTestSupport.HOST;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Logon through a real socket: proofs, refusals, rate limits, messages before logon, credential file reload. */
class AuthenticationTest
{
    @TempDir
    Path dataDir;

    @Test
    void wrongOrUnknownCredentialsAreRefusedAndRateLimited() throws Exception
    {
        final ServerConfig config = ServerTestSupport.config(dataDir, ThreadingMode.COMPACT);
        config.gateway().principalFailuresMax(3).addressFailuresMax(1_000);
        try (WodianServer server = WodianServer.launch(config))
        {
            final Credentials wrongSecret = Credentials.terminal(ServerTestSupport.TERMINAL_ID,
                ServerTestSupport.secret(99));
            final Credentials unknown = Credentials.terminal(4242, ServerTestSupport.secret(2));
            assertEquals(ResultCode.AUTHENTICATION_FAILED, refusal(server, unknown));
            for (int i = 0; i < 3; i++)
            {
                assertEquals(ResultCode.AUTHENTICATION_FAILED, refusal(server, wrongSecret));
            }
            // Three failures: terminal 11 is locked for the window, even with the right secret.
            assertEquals(ResultCode.LOGON_RATE_LIMITED, refusal(server, ServerTestSupport.TERMINAL));
            assertEquals(4, server.failedLogonCount(), "a refused (rate-limited) attempt is not a failed proof");
            // Others are not: the admin logs on.
            try (WodianClient admin = ServerTestSupport.connect(server))
            {
                assertEquals(ResultCode.OK, new ServerTestSupport.Requests(admin).registerMerchant(1));
            }
        }
    }

    /**
     * Security review item 7: failed logons for terminal 11 from another address (127.0.0.2) do not lock the
     * terminal out at its own address (127.0.0.1); before, five failures from anywhere locked it for a minute.
     */
    @Test
    void failuresForAnIdFromElsewhereDoNotLockItOut() throws Exception
    {
        final ServerConfig config = ServerTestSupport.config(dataDir, ThreadingMode.COMPACT);
        config.gateway().principalFailuresMax(3).addressFailuresMax(1_000);
        try (WodianServer server = WodianServer.launch(config))
        {
            final Credentials wrongSecret = Credentials.terminal(ServerTestSupport.TERMINAL_ID,
                ServerTestSupport.secret(99));
            final InetAddress elsewhere = InetAddress.getByName("127.0.0.2");
            for (int i = 0; i < 3; i++)
            {
                assertEquals(ResultCode.AUTHENTICATION_FAILED, refusal(server, wrongSecret, elsewhere));
            }
            assertEquals(ResultCode.LOGON_RATE_LIMITED, refusal(server, ServerTestSupport.TERMINAL, elsewhere),
                "limited at the failing address");
            assertEquals(ResultCode.OK, refusal(server, ServerTestSupport.TERMINAL,
                InetAddress.getByName(HOST)), "the terminal at its own address logs on");
        }
    }

    @Test
    void failuresFromOneAddressLockThatAddress() throws Exception
    {
        final ServerConfig config = ServerTestSupport.config(dataDir, ThreadingMode.COMPACT);
        config.gateway().principalFailuresMax(100).addressFailuresMax(5);
        try (WodianServer server = WodianServer.launch(config))
        {
            for (int i = 0; i < 5; i++)
            {
                assertEquals(ResultCode.AUTHENTICATION_FAILED,
                    refusal(server, Credentials.terminal(1000 + i, ServerTestSupport.secret(5))));
            }
            // A scanner trying many ids from one address is stopped there (this test's address is 127.0.0.1).
            assertEquals(ResultCode.LOGON_RATE_LIMITED, refusal(server, ServerTestSupport.ADMIN));
        }
    }

    @Test
    void anyMessageBeforeLogonIsRefusedAndEndsTheConnection() throws Exception
    {
        try (WodianServer server = WodianServer.launch(ServerTestSupport.config(dataDir, ThreadingMode.COMPACT));
            Socket socket = new Socket(HOST, server.port()))
        {
            socket.setSoTimeout((int)ServerTestSupport.TIMEOUT_MS);
            final UnsafeBuffer message = new UnsafeBuffer(new byte[256]);
            final int length = new CommandEncoder().topUp(message, 0, 1, 1, 1_000_000);
            ServerTestSupport.writeFrame(socket, 5, message, length);
            final DataInputStream in = new DataInputStream(socket.getInputStream());
            final UnsafeBuffer reply = ServerTestSupport.readFrame(in);
            final MessageHeaderDecoder header = new MessageHeaderDecoder().wrap(reply, 0);
            assertEquals(ErrorReplyDecoder.TEMPLATE_ID, header.templateId());
            assertEquals(ResultCode.NOT_LOGGED_ON, new ErrorReplyDecoder().wrapAndApplyHeader(reply, 0, header).code());
            assertThrows(EOFException.class, in::readByte, "closed after the refusal");

            try (WodianClient admin = ServerTestSupport.connect(server))
            {
                assertEquals(0, new ServerTestSupport.Requests(admin).stateHash().lastSequence(), "nothing applied");
            }
        }
    }

    @Test
    void unauthenticatedClientIsRefused() throws Exception
    {
        try (WodianServer server = WodianServer.launch(ServerTestSupport.config(dataDir, ThreadingMode.COMPACT));
            // No credentials (the point of the test), but the test limits: the 10-s reply default would fail the
            // 30-s call below after a stall, with an IOException instead of the refusal (rev R34).
            WodianClient client = WodianClient.connect(TestClients.patient(new ClientConfig().node(HOST,
                server.port()))))
        {
            final UnsafeBuffer message = new UnsafeBuffer(new byte[256]);
            final UnsafeBuffer reply = new UnsafeBuffer(client.call(message, 0,
                new CommandEncoder().registerMerchant(message, 0, 1, 1, 100, 0, 0, false),
                ServerTestSupport.TIMEOUT_MS));
            final MessageHeaderDecoder header = new MessageHeaderDecoder().wrap(reply, 0);
            assertEquals(ErrorReplyDecoder.TEMPLATE_ID, header.templateId());
            assertEquals(ResultCode.NOT_LOGGED_ON, new ErrorReplyDecoder().wrapAndApplyHeader(reply, 0, header).code());
        }
    }

    @Test
    void aMissingCredentialFileIsRefusedBeforeRecoveryWithItsName()
    {
        final ServerConfig config = ServerTestSupport.config(dataDir, ThreadingMode.COMPACT);
        config.gateway().credentialStore(null);

        final java.io.IOException refusal = assertThrows(java.io.IOException.class, () -> WodianServer.launch(config));

        assertTrue(refusal.getMessage().contains(dataDir.resolve("credentials").toString()), refusal.getMessage());
        assertTrue(refusal.getMessage().contains("wodian credentials"), refusal.getMessage());
        assertEquals(0, dataDir.toFile().list().length, "nothing opened or recovered before the check");
    }

    @Test
    void aChangedCredentialFileIsReloadedWithoutRestart() throws Exception
    {
        final Path file = dataDir.resolve("credentials");
        final CredentialStore store = new CredentialStore().add(ServerTestSupport.ADMIN, 0);
        store.save(file);
        final ServerConfig config = ServerTestSupport.config(dataDir, ThreadingMode.COMPACT);
        config.gateway().credentialStore(null).principalFailuresMax(1_000).addressFailuresMax(1_000);
        try (WodianServer server = WodianServer.launch(config))
        {
            final Credentials terminal = Credentials.terminal(77, ServerTestSupport.secret(77));
            assertEquals(ResultCode.AUTHENTICATION_FAILED, refusal(server, terminal));
            store.add(terminal, 1);
            final Credentials rotatedAdmin = store.rotate(SessionRole.ADMIN, ServerTestSupport.ADMIN.principalId(),
                60_000, System.currentTimeMillis(), new SecureRandom());
            store.save(file);
            java.nio.file.Files.setLastModifiedTime(file,
                java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5_000));

            final long deadlineMs = System.currentTimeMillis() + ServerTestSupport.TIMEOUT_MS;
            WodianClient client = null;
            while (null == client && System.currentTimeMillis() < deadlineMs)
            {
                try
                {
                    client = ServerTestSupport.connect(server, terminal);
                }
                catch (final LogonRefusedException ex)
                {
                    Thread.sleep(250);
                }
            }
            assertTrue(null != client, "the new terminal logs on once the file is reloaded");
            assertEquals(1, client.merchantId());
            client.close();
            // Rotation: the new admin secret works, and the old one still does during the grace period.
            ServerTestSupport.connect(server, rotatedAdmin).close();
            ServerTestSupport.connect(server, ServerTestSupport.ADMIN).close();
        }
    }

    private static ResultCode refusal(final WodianServer server, final Credentials credentials) throws Exception
    {
        return refusal(server, credentials, InetAddress.getByName(HOST));
    }

    /** A logon from a given local (source) address; any 127/8 address reaches the loopback server on Linux. */
    private static ResultCode refusal(final WodianServer server, final Credentials credentials,
        final InetAddress source) throws Exception
    {
        try (Socket socket = new Socket(InetAddress.getByName(HOST), server.port(), source, 0))
        {
            socket.setSoTimeout((int)ServerTestSupport.TIMEOUT_MS);
            return ServerTestSupport.logOn(socket, credentials);
        }
    }
}
