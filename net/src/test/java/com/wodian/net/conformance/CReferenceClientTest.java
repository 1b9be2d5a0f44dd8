package com.wodian.net.conformance;

import com.wodian.engine.EngineConfig;
import com.wodian.journal.DurabilityPolicy;
import com.wodian.net.auth.CredentialStore;
import com.wodian.net.auth.Credentials;
import com.wodian.net.client.ClientConfig;
import com.wodian.net.client.WodianClient;
import com.wodian.net.tls.TestPki;
import com.wodian.net.tls.TlsContext;
import com.wodian.net.tls.TlsSettings;
import com.wodian.net.server.ServerConfig;
import com.wodian.net.server.ThreadingMode;
import com.wodian.net.server.WodianServer;
import com.wodian.protocol.CommandCatalog;
import com.wodian.protocol.CommandEncoder;
import com.wodian.protocol.sbe.BalanceReplyDecoder;
import com.wodian.protocol.sbe.MessageHeaderDecoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The C reference client (net/src/main/c, codecs from SBE's C generator, see net/pom.xml) compiled with gcc (no
 * warning allowed) and run against a real server: logon as a terminal, Heartbeat, Pay, Try/Confirm, Try/Cancel,
 * Refund, RedeemPoints then a Pay with the voucher, then logon as the consumer and Balance; and once with the Pay's
 * reply lost on the way, which the client resends with the same key on a new connection. A second language written
 * from the docs that gets every reply right is the proof that the docs suffice. Skipped, saying why, only when gcc is
 * absent.
 */
class CReferenceClientTest
{
    /**
     * Every wait for a reply or a logon, both sides: 30 s (10 s, and the server's 5-s logon default, are below what a
     * starved two-core machine may take with nothing wrong).
     */
    private static final int WAIT_MS = 30_000;
    private static final long MERCHANT_ID = 5;
    private static final long TERMINAL_ID = 51;
    private static final long CONSUMER_ID = 5001;
    private static final long PAYMENT_ID = 700;
    private static final Credentials ADMIN = Credentials.admin(1, secret(1));
    private static final Credentials TERMINAL = Credentials.terminal(TERMINAL_ID, secret(2));
    private static final Credentials CONSUMER = Credentials.consumer(CONSUMER_ID, secret(3));

    @TempDir
    Path dir;

    private static byte[] secret(final int seed)
    {
        final byte[] secret = new byte[32];
        for (int i = 0; i < secret.length; i++)
        {
            secret[i] = (byte)(seed * 31 + i);
        }
        return secret;
    }

    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void theCClientPaysTriesConfirmsCancelsRefundsRedeemsAndReadsTheBalance() throws Exception
    {
        runScript(EXPECTED_LINES, WodianServer::port);
    }

    /**
     * POS review finding 12: the reply to the Pay is lost (the connection is cut after the server applied it). The C
     * client does not hang and does not take the sale for declined: it connects again, logs on and resends the same
     * Pay with the same key, gets the first result, and the consumer is charged once.
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void theCClientResendsALostPayWithTheSameKeyOnANewConnection() throws Exception
    {
        final List<String> expected = new java.util.ArrayList<>(EXPECTED_LINES);
        final int payLine = expected.indexOf("pay code=0 paymentId=700 amountFen=2500 pointsEarned=25 voucherFen=0");
        expected.add(payLine, "no reply (connection lost or reply timeout): resending on a new connection, same key");
        expected.add(payLine + 1, "logon role=1 principalId=" + TERMINAL_ID + " code=0");
        try (ReplyCuttingProxy proxy = new ReplyCuttingProxy(PAY_CORRELATION_ID))
        {
            runScript(expected, server -> proxy.forwardTo(server.port()));
            assertTrue(proxy.cut(), "the Pay's reply was cut");
        }
    }

    private void runScript(final List<String> expectedLines,
        final java.util.function.ToIntFunction<WodianServer> port) throws Exception
    {
        final Path executable = compile();
        final ServerConfig config = config();
        try (WodianServer server = WodianServer.launch(config))
        {
            final CommandEncoder encoder = new CommandEncoder();
            final UnsafeBuffer message = new UnsafeBuffer(new byte[CommandCatalog.MAX_MESSAGE_LENGTH]);
            try (WireSession admin = new WireSession(server.port(), WAIT_MS))
            {
                assertEquals(0, admin.logOn(ADMIN));
                for (final int length : new int[]{
                    encoder.registerMerchant(message, 0, MERCHANT_ID, 1, 100, 0, 0, false)})
                {
                    call(admin, message, length);
                }
                call(admin, message, voucherRule(encoder, message));
                call(admin, message, encoder.registerTerminal(message, 0, TERMINAL_ID, MERCHANT_ID));
                call(admin, message, encoder.registerConsumer(message, 0, CONSUMER_ID, 0));
                call(admin, message, encoder.topUp(message, 0, CONSUMER_ID, 1, 100_000));
            }

            assertEquals(expectedLines, runClient(executable, port.applyAsInt(server), Map.of()));

            try (WireSession admin = new WireSession(server.port(), WAIT_MS))
            {
                assertEquals(0, admin.logOn(ADMIN));
                admin.send(9, message, encoder.balanceQuery(message, 0, CONSUMER_ID));
                final WireSession.Frame reply = admin.read();
                assertEquals(WALLET_FEN_AFTER, new BalanceReplyDecoder()
                    .wrapAndApplyHeader(reply.message(), 0, new MessageHeaderDecoder()).walletFen(),
                    "what the C client was told is what the server holds (a resent Pay charged once)");
            }
        }
    }

    /**
     * Over TLS with OpenSSL (built with -DWODIAN_TLS): the terminal's session presents its certificate
     * (CN=terminal:51, bound to its logon), the consumer's presents none; every reply as in clear text. Skipped, saying
     * why, without gcc or OpenSSL's headers (libssl-dev).
     */
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void theCClientSpeaksTlsWithATerminalCertificate() throws Exception
    {
        requireOrSkip(Files.isRegularFile(Path.of("/usr/include/openssl/ssl.h")),
            "OpenSSL headers not found (/usr/include/openssl/ssl.h): the C client's TLS was not built or run " +
            "(install libssl-dev to run this test)");
        final Path executable = compile("-DWODIAN_TLS", "-lssl", "-lcrypto");
        final TestPki pki = TestPki.create(dir.resolve("pki"));
        final TlsSettings terminalTls = pki.issue("terminal:" + TERMINAL_ID);
        final ServerConfig config = config().tls(pki.issue("wodian-server")
            .clientAuth(TlsSettings.ClientAuth.OPTIONAL));
        try (WodianServer server = WodianServer.launch(config);
            WodianClient admin = WodianClient.connect(new ClientConfig().node("127.0.0.1", server.port())
                .credentials(ADMIN).tls(TlsContext.load(pki.trustingClient()))
                .connectTimeoutMs(WAIT_MS).logonTimeoutMs(WAIT_MS).replyTimeoutMs(WAIT_MS)))
        {
            final CommandEncoder encoder = new CommandEncoder();
            final UnsafeBuffer message = new UnsafeBuffer(new byte[CommandCatalog.MAX_MESSAGE_LENGTH]);
            admin.call(message, 0, encoder.registerMerchant(message, 0, MERCHANT_ID, 1, 100, 0, 0, false), WAIT_MS);
            admin.call(message, 0, voucherRule(encoder, message), WAIT_MS);
            admin.call(message, 0, encoder.registerTerminal(message, 0, TERMINAL_ID, MERCHANT_ID), WAIT_MS);
            admin.call(message, 0, encoder.registerConsumer(message, 0, CONSUMER_ID, 0), WAIT_MS);
            admin.call(message, 0, encoder.topUp(message, 0, CONSUMER_ID, 1, 100_000), WAIT_MS);
            assertEquals(EXPECTED_LINES, runClient(executable, server.port(), Map.of(
                "WODIAN_TLS_TRUST", pki.caFile.toString(),
                "WODIAN_TLS_CERT", terminalTls.certificateFile().toString(),
                "WODIAN_TLS_KEY", terminalTls.keyFile().toString())));
            final byte[] balance = admin.call(message, 0, encoder.balanceQuery(message, 0, CONSUMER_ID), WAIT_MS);
            assertEquals(WALLET_FEN_AFTER, new BalanceReplyDecoder().wrapAndApplyHeader(new UnsafeBuffer(balance), 0,
                new MessageHeaderDecoder()).walletFen(), "what the C client was told is what the server holds");
        }
    }

    /** Logon, LogonProof, Heartbeat, then the Pay: the reply the lost-reply test cuts. */
    private static final long PAY_CORRELATION_ID = 4;
    /** 1,000.00 topped up, less 25.00 + 10.00 paid, plus 5.00 refunded, less the 8.00 sale's 6.00 not paid by voucher. */
    private static final long WALLET_FEN_AFTER = 100_000 - 2_500 - 1_000 + 500 - (800 - 200);

    private static final List<String> EXPECTED_LINES = List.of(
        "logon role=1 principalId=" + TERMINAL_ID + " code=0",
        "heartbeat template=122 code=0",
        "pay code=0 paymentId=700 amountFen=2500 pointsEarned=25 voucherFen=0",
        "try code=0 paymentId=701 amountFen=1000 pointsEarned=0 voucherFen=0",
        "confirm code=0 paymentId=701 amountFen=1000 pointsEarned=10 voucherFen=0",
        "try code=0 paymentId=702 amountFen=700 pointsEarned=0 voucherFen=0",
        "cancel code=0 paymentId=702 amountFen=700 pointsEarned=0 voucherFen=0",
        // The refund's own key, not its payment's (a second partial refund under one key would refund nothing).
        "refund code=0 refundId=703 amountFen=500 cashFen=500 voucherFen=0 pointsClawedBack=5",
        "redeem code=0 voucherId=1 valueFen=200 pointsCost=20",
        // points on the 6.00 paid from the wallet; the 2.00 voucher's part told by the reply
        "pay code=0 paymentId=705 amountFen=800 pointsEarned=6 voucherFen=200",
        "logon role=3 principalId=" + CONSUMER_ID + " code=0",
        "balance code=0 consumerId=5001 walletFen=" + WALLET_FEN_AFTER + " heldFen=0 points=16");

    /** The merchant's rules: 10% of a sale to its pool, which funds vouchers; 20 points buy a 2.00 voucher for a day. */
    private static int voucherRule(final CommandEncoder encoder, final UnsafeBuffer message)
    {
        return encoder.setMerchantRules(message, 0, MERCHANT_ID, 1, 1_000, 0, 0, false,
            com.wodian.protocol.sbe.DistributionMode.VOUCHER, 20, 200, 86_400_000L);
    }

    private ServerConfig config()
    {
        final ServerConfig config = new ServerConfig().dataDir(dir.resolve("data")).host("127.0.0.1").port(0)
            .threadingMode(ThreadingMode.COMPACT).durabilityPolicy(DurabilityPolicy.PAGE_CACHE)
            .engineConfig(EngineConfig.small()).inputRingSize(1024).outputRingSize(1024).sessionsMax(64)
            .shutdownTimeoutMs(5_000);
        config.gateway().credentialStore(new CredentialStore().add(ADMIN, 0).add(TERMINAL, MERCHANT_ID)
            .add(CONSUMER, 0)).logonTimeoutMs(WAIT_MS);
        return config;
    }

    /** Runs the C client's whole script against the port; @return its output lines, after checking it exited 0. */
    private static List<String> runClient(final Path executable, final int port, final Map<String, String> env)
        throws Exception
    {
        final HexFormat hex = HexFormat.of();
        final ProcessBuilder builder = new ProcessBuilder(executable.toString(), "127.0.0.1",
            Integer.toString(port), Long.toString(MERCHANT_ID), Long.toString(TERMINAL_ID),
            hex.formatHex(secret(2)), Long.toString(CONSUMER_ID), hex.formatHex(secret(3)),
            Long.toString(PAYMENT_ID)).redirectErrorStream(true);
        // The C client's reply timeout (10 s by default) as long as every other wait here: a starved machine is slow.
        builder.environment().put("WODIAN_REPLY_TIMEOUT_MS", Integer.toString(WAIT_MS));
        builder.environment().putAll(env);
        final Process process = builder.start();
        final boolean exited = process.waitFor(60, TimeUnit.SECONDS);
        if (!exited)
        {
            process.destroyForcibly();
        }
        final String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(exited, "the C client finished: " + out);
        assertEquals(0, process.exitValue(), out);
        return out.lines().toList();
    }

    private static void call(final WireSession session, final UnsafeBuffer message, final int length)
        throws IOException
    {
        session.send(9, message, length);
        assertEquals(0, session.read().code());
    }

    /**
     * Skips the test (a local machine without the C toolchain) unless {@code -Dwodian.require.c.client=true} or the
     * environment's {@code WODIAN_REQUIRE_C_CLIENT=true} says the run must include the C client (CI, where a failed
     * apt-get would otherwise turn into a green run with the C client untested): then it fails.
     */
    private static void requireOrSkip(final boolean present, final String missing)
    {
        final boolean required = Boolean.getBoolean("wodian.require.c.client") ||
            "true".equals(System.getenv("WODIAN_REQUIRE_C_CLIENT"));
        if (required)
        {
            assertTrue(present, missing + " (required by wodian.require.c.client / WODIAN_REQUIRE_C_CLIENT)");
        }
        Assumptions.assumeTrue(present, missing);
    }

    /** Builds the client with gcc from its sources and the generated C codecs; skips the test without gcc. */
    private Path compile(final String... extraArguments) throws Exception
    {
        final Path sources = moduleDir().resolve("src/main/c");
        final Path codecs = moduleDir().resolve("target/generated-sources/sbe-c");
        assertTrue(Files.isDirectory(codecs.resolve("com_wodian_protocol_sbe")),
            "SBE's C codecs are generated by the build (net/pom.xml, generate-sbe-c-codecs): " + codecs);
        requireOrSkip(gccPresent(), "gcc not found on PATH: the C reference client was not built or run " +
            "(install gcc and libc6-dev to run this test)");
        final Path executable = dir.resolve("wodian-c-client");
        final List<String> command = new java.util.ArrayList<>(List.of("gcc", "-std=c11", "-O2", "-Wall", "-I",
            codecs.toString(), "-o", executable.toString(), sources.resolve("wodian_client.c").toString(),
            sources.resolve("sha256.c").toString()));
        for (final String argument : extraArguments)
        {
            // Defines go before the sources, libraries after them (the linker resolves left to right).
            command.add(argument.startsWith("-D") ? 1 : command.size(), argument);
        }
        final Process gcc = new ProcessBuilder(command).redirectErrorStream(true).start();
        final boolean done = gcc.waitFor(90, TimeUnit.SECONDS);
        final String output = new String(gcc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(done && 0 == gcc.exitValue(), "gcc failed:\n" + output);
        // A vendor builds it with -Wall too: a warning there (such as an uninitialised header) is a defect here.
        assertTrue(!output.contains("warning:"), "gcc warned:\n" + output);
        return executable;
    }

    private static boolean gccPresent()
    {
        try
        {
            final Process probe = new ProcessBuilder("gcc", "--version").redirectErrorStream(true).start();
            probe.getInputStream().readAllBytes();
            return probe.waitFor(30, TimeUnit.SECONDS) && 0 == probe.exitValue();
        }
        catch (final IOException | InterruptedException notThere)
        {
            return false;
        }
    }

    /**
     * A TCP relay in front of the server that loses one reply: on the first connection it forwards every request,
     * but when the reply with the given correlation id comes it drops it and closes both sides (the server applied
     * the request; the client never hears). Later connections pass unchanged. Clear text only (it reads frames).
     */
    private static final class ReplyCuttingProxy implements AutoCloseable
    {
        private final java.net.ServerSocket listener = new java.net.ServerSocket(0, 50,
            java.net.InetAddress.getLoopbackAddress());
        private final long cutCorrelationId;
        private final java.util.concurrent.atomic.AtomicBoolean cut = new java.util.concurrent.atomic.AtomicBoolean();
        private final List<java.net.Socket> sockets = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        private int serverPort;

        ReplyCuttingProxy(final long cutCorrelationId) throws IOException
        {
            this.cutCorrelationId = cutCorrelationId;
        }

        /** Starts relaying to the server's port; @return the port the client dials instead. */
        int forwardTo(final int serverPort)
        {
            this.serverPort = serverPort;
            daemon(this::accept);
            return listener.getLocalPort();
        }

        boolean cut()
        {
            return cut.get();
        }

        private void accept()
        {
            boolean first = true;
            while (!listener.isClosed())
            {
                try
                {
                    final java.net.Socket client = listener.accept();
                    final java.net.Socket server = new java.net.Socket(java.net.InetAddress.getLoopbackAddress(),
                        serverPort);
                    sockets.add(client);
                    sockets.add(server);
                    final boolean cutting = first;
                    first = false;
                    daemon(() -> copy(client, server));
                    daemon(() -> relayReplies(server, client, cutting));
                }
                catch (final IOException closed)
                {
                    return;
                }
            }
        }

        private static void copy(final java.net.Socket from, final java.net.Socket to)
        {
            try
            {
                from.getInputStream().transferTo(to.getOutputStream());
            }
            catch (final IOException ignore)
            {
                // One side closed: the relay of this connection ends.
            }
            closeQuietly(from);
            closeQuietly(to);
        }

        private void relayReplies(final java.net.Socket server, final java.net.Socket client, final boolean cutting)
        {
            try
            {
                final java.io.DataInputStream in = new java.io.DataInputStream(server.getInputStream());
                final java.io.OutputStream out = client.getOutputStream();
                while (true)
                {
                    final byte[] lengthField = new byte[4];
                    in.readFully(lengthField);
                    final int frameLength = java.nio.ByteBuffer.wrap(lengthField)
                        .order(java.nio.ByteOrder.LITTLE_ENDIAN).getInt();
                    final byte[] frame = new byte[frameLength];
                    in.readFully(frame);
                    final long correlationId = java.nio.ByteBuffer.wrap(frame)
                        .order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
                    if (cutting && correlationId == cutCorrelationId && cut.compareAndSet(false, true))
                    {
                        break;
                    }
                    out.write(lengthField);
                    out.write(frame);
                    out.flush();
                }
            }
            catch (final IOException ignore)
            {
                // One side closed: the relay of this connection ends.
            }
            closeQuietly(server);
            closeQuietly(client);
        }

        private static void daemon(final Runnable task)
        {
            final Thread thread = new Thread(task, "reply-cutting-proxy");
            thread.setDaemon(true);
            thread.start();
        }

        private static void closeQuietly(final java.io.Closeable closeable)
        {
            try
            {
                closeable.close();
            }
            catch (final IOException ignore)
            {
                // Closing anyway.
            }
        }

        @Override
        public void close()
        {
            closeQuietly(listener);
            synchronized (sockets)
            {
                sockets.forEach(ReplyCuttingProxy::closeQuietly);
            }
        }
    }

    private static Path moduleDir()
    {
        final Path here = Path.of("").toAbsolutePath();
        return Files.isDirectory(here.resolve("src/main/c")) ? here : here.resolve("net");
    }
}
