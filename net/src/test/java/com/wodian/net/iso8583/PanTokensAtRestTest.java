package com.wodian.net.iso8583;

import com.wodian.engine.EngineConfig;
import com.wodian.journal.DurabilityPolicy;
import com.wodian.net.auth.CredentialStore;
import com.wodian.net.auth.Credentials;
import com.wodian.net.client.ClientConfig;
import com.wodian.net.client.WodianClient;
import com.wodian.net.server.ServerConfig;
import com.wodian.net.server.ThreadingMode;
import com.wodian.net.server.WodianServer;
import com.wodian.net.testing.LogCapture;
import com.wodian.protocol.CommandEncoder;
import com.wodian.protocol.sbe.BalanceReplyDecoder;
import com.wodian.protocol.sbe.MessageHeaderDecoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Security review B6 (docs/security.md, "Card numbers at rest"): a card number sent over the ISO 8583 port is in no
 * file under the data folder (journal, snapshot, anything else the server writes there) nor in any log line, in any
 * of the forms it could take (decimal text, the int64 in either byte order, the BCD of DE2); the same card is the same
 * consumer after a restart. The same search run on a key file without a token key finds the card number in the
 * journal, so the search is known to see what it looks for.
 */
class PanTokensAtRestTest
{
    private static final String HOST = "127.0.0.1";
    private static final long MERCHANT = 11;
    private static final long TERMINAL = 101;
    private static final long PAN = 6_212_345_678_901_234L;
    private static final long TOP_UP_FEN = 1_000_000;
    private static final Credentials ADMIN = Credentials.admin(1, new byte[32]);
    private static final int TIMEOUT_MS = 30_000;

    @TempDir
    Path dataDir;
    @TempDir
    Path clearDataDir;

    private IsoGatewayAgent agent;

    @Test
    void aCardNumberSentOverTheIsoPortIsInNoFileAndNoLogLine() throws Exception
    {
        final Path keysFile = dataDir.resolve("iso-keys");
        final IsoKeyStore store = new IsoKeyStore();
        final byte[] key = store.issueKey(TERMINAL, MERCHANT, new SecureRandom());
        store.issuePanTokenKey(new SecureRandom());
        store.save(keysFile);
        final long token = new PanTokenizer(store.panTokenKey()).token(PAN);

        try (LogCapture log = LogCapture.of("com.wodian"))
        {
            try (WodianServer server = WodianServer.launch(config(dataDir, keysFile, true));
                WodianClient admin = admin(server))
            {
                setUp(admin, token);
                try (JposTerminal pos = new JposTerminal(HOST, agent.port(), TERMINAL, MERCHANT, key))
                {
                    pay(pos, "0200", 1_000);
                    final int preAuthStan = pos.nextStan();
                    final String preAuthTime = JposTerminal.now();
                    assertEquals("00", pos.call(pos.signed(pos.financial("0100", PAN, 500, preAuthStan,
                        preAuthTime))).getString(39));
                    assertEquals("00", pos.call(pos.signed(pos.reference("0400", "0100", preAuthStan, preAuthTime,
                        500, pos.nextStan(), JposTerminal.now()))).getString(39));
                }
                assertEquals(TOP_UP_FEN - 1_000, balance(admin, token), "the card pays from its token's wallet");
                final UnsafeBuffer request = new UnsafeBuffer(new byte[64]);
                admin.call(request, 0, new CommandEncoder().takeSnapshot(request, 0, 77), TIMEOUT_MS);
                awaitSnapshot(server);
            }
            // A restart reads the same key file: the same card is the same consumer.
            try (WodianServer server = WodianServer.launch(config(dataDir, keysFile, false));
                WodianClient admin = admin(server);
                JposTerminal pos = new JposTerminal(HOST, agent.port(), TERMINAL, MERCHANT, key))
            {
                for (int i = 0; i < 10; i++)
                {
                    pos.nextStan(); // a new STAN: the first terminal's 1 to 4 are keys of today already
                }
                pay(pos, "0200", 2_000);
                assertEquals(TOP_UP_FEN - 3_000, balance(admin, token), "the same token after a restart");
            }
            try (Stream<Path> snapshots = Files.list(dataDir.resolve("snapshots")))
            {
                assertTrue(snapshots.findAny().isPresent(), "a snapshot was written");
            }
            final List<String> found = find(dataDir, keysFile);
            assertTrue(found.isEmpty(), "the card number at rest: " + found);
            for (final String line : log.lines())
            {
                assertFalse(line.contains(Long.toString(PAN)), line);
            }
        }
    }

    /** The control: without a token key the journal holds the card number, and the search finds it. */
    @Test
    void withoutATokenKeyTheSearchFindsTheCardNumberInTheJournal() throws Exception
    {
        final Path keysFile = clearDataDir.resolve("iso-keys");
        final IsoKeyStore store = new IsoKeyStore();
        final byte[] key = store.issueKey(TERMINAL, MERCHANT, new SecureRandom());
        store.save(keysFile);
        try (WodianServer server = WodianServer.launch(config(clearDataDir, keysFile, false));
            WodianClient admin = admin(server))
        {
            setUp(admin, PAN);
            try (JposTerminal pos = new JposTerminal(HOST, agent.port(), TERMINAL, MERCHANT, key))
            {
                pay(pos, "0200", 1_000);
            }
        }
        assertFalse(find(clearDataDir, keysFile).isEmpty(), "the card number in clear must be found");
    }

    private static void pay(final JposTerminal pos, final String mti, final long amountFen) throws Exception
    {
        assertEquals("00", pos.call(pos.signed(pos.financial(mti, PAN, amountFen, pos.nextStan(),
            JposTerminal.now()))).getString(39));
    }

    /** Every file under the folder but the key file, with each form of the card number it holds. */
    private static List<String> find(final Path dir, final Path keysFile) throws Exception
    {
        final byte[][] forms = {
            Long.toString(PAN).getBytes(StandardCharsets.US_ASCII),
            ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(PAN).array(),
            ByteBuffer.allocate(8).order(ByteOrder.BIG_ENDIAN).putLong(PAN).array(),
            java.util.HexFormat.of().parseHex(Long.toString(PAN))};
        final List<String> found = new ArrayList<>();
        final List<Path> files;
        try (Stream<Path> walk = Files.walk(dir))
        {
            files = walk.filter(Files::isRegularFile).filter((file) -> !file.equals(keysFile)).toList();
        }
        assertTrue(files.size() > 1, "the server wrote files: " + files);
        for (final Path file : files)
        {
            final byte[] bytes = Files.readAllBytes(file);
            for (int form = 0; form < forms.length; form++)
            {
                if (indexOf(bytes, forms[form]) >= 0)
                {
                    found.add(dir.relativize(file) + " (form " + form + ")");
                }
            }
        }
        return found;
    }

    private static int indexOf(final byte[] bytes, final byte[] pattern)
    {
        for (int i = 0; i + pattern.length <= bytes.length; i++)
        {
            if (java.util.Arrays.equals(bytes, i, i + pattern.length, pattern, 0, pattern.length))
            {
                return i;
            }
        }
        return -1;
    }

    private static void awaitSnapshot(final WodianServer server) throws Exception
    {
        final long deadlineNs = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
        while (server.snapshotAgent().snapshotCount() < 1 && System.nanoTime() < deadlineNs)
        {
            Thread.sleep(20);
        }
        assertEquals(1, server.snapshotAgent().snapshotCount(), "snapshot written within 30 s");
    }

    private static WodianClient admin(final WodianServer server) throws java.io.IOException
    {
        return WodianClient.connect(new ClientConfig().node(HOST, server.port()).credentials(ADMIN)
            .connectTimeoutMs(TIMEOUT_MS).logonTimeoutMs(TIMEOUT_MS).replyTimeoutMs(TIMEOUT_MS));
    }

    private ServerConfig config(final Path dir, final Path keysFile, final boolean snapshots)
    {
        final ServerConfig config = new ServerConfig().dataDir(dir).host(HOST).port(0)
            .threadingMode(ThreadingMode.SHARED).durabilityPolicy(DurabilityPolicy.SYNC)
            .engineConfig(EngineConfig.small()).inputRingSize(1024).outputRingSize(1024).sessionsMax(64)
            .shutdownTimeoutMs(5_000).tickIntervalMs(3_600_000);
        config.snapshotConfig().enabled(snapshots).intervalInputs(0).intervalMs(0).retainCount(2);
        config.gateway().credentialStore(new CredentialStore().add(ADMIN, 0)).logonTimeoutMs(TIMEOUT_MS);
        final IsoGatewayConfig isoConfig = IsoGatewayConfig.of(HOST, 0, keysFile);
        config.addGateway((context) ->
        {
            agent = (IsoGatewayAgent)IsoGateway.factory(isoConfig).newGateway(context);
            return agent;
        });
        return config;
    }

    private static void setUp(final WodianClient admin, final long consumerId) throws Exception
    {
        final CommandEncoder encoder = new CommandEncoder();
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
        admin.call(buffer, 0, encoder.registerMerchant(buffer, 0, MERCHANT, 10, 100, 0, 0, false), TIMEOUT_MS);
        admin.call(buffer, 0, encoder.registerTerminal(buffer, 0, TERMINAL, MERCHANT), TIMEOUT_MS);
        admin.call(buffer, 0, encoder.registerConsumer(buffer, 0, consumerId, 0), TIMEOUT_MS);
        admin.call(buffer, 0, encoder.topUp(buffer, 0, consumerId, consumerId, TOP_UP_FEN), TIMEOUT_MS);
    }

    private static long balance(final WodianClient admin, final long consumerId) throws Exception
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        final byte[] reply = admin.call(buffer, 0, new CommandEncoder().balanceQuery(buffer, 0, consumerId),
            TIMEOUT_MS);
        final BalanceReplyDecoder decoder = new BalanceReplyDecoder();
        decoder.wrap(new UnsafeBuffer(reply), MessageHeaderDecoder.ENCODED_LENGTH, BalanceReplyDecoder.BLOCK_LENGTH,
            BalanceReplyDecoder.SCHEMA_VERSION);
        return decoder.walletFen();
    }
}
