package com.wodian.tools;

import com.wodian.engine.EngineConfig;
import com.wodian.journal.DurabilityPolicy;
import com.wodian.net.auth.CredentialStore;
import com.wodian.net.auth.Credentials;
import com.wodian.net.client.ClientConfig;
import com.wodian.net.client.WodianClient;
import com.wodian.net.server.ServerConfig;
import com.wodian.net.server.ThreadingMode;
import com.wodian.net.server.WodianServer;
import com.wodian.protocol.CommandEncoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code wodian audit verify} (docs/operations.md, "Admin audit trail", chained lines): a real server's trail checks;
 * one byte changed in it is named, with exit 1.
 */
class AuditCommandTest
{
    private static final Credentials ADMIN = Credentials.admin(1, new byte[32]);
    private static final int TIMEOUT_MS = 30_000;

    @Test
    void aServersTrailVerifiesAndAChangedByteIsNamed(@TempDir final Path dataDir) throws Exception
    {
        final ServerConfig config = new ServerConfig().dataDir(dataDir).host("127.0.0.1").port(0)
            .threadingMode(ThreadingMode.COMPACT).durabilityPolicy(DurabilityPolicy.SYNC)
            .engineConfig(EngineConfig.small()).inputRingSize(1024).outputRingSize(1024).sessionsMax(16)
            .shutdownTimeoutMs(5_000).tickIntervalMs(3_600_000);
        config.gateway().credentialStore(new CredentialStore().add(ADMIN, 0)).logonTimeoutMs(TIMEOUT_MS);
        try (WodianServer server = WodianServer.launch(config);
            WodianClient admin = WodianClient.connect(new ClientConfig().node("127.0.0.1", server.port())
                .credentials(ADMIN).connectTimeoutMs(TIMEOUT_MS).logonTimeoutMs(TIMEOUT_MS)
                .replyTimeoutMs(TIMEOUT_MS)))
        {
            final CommandEncoder encoder = new CommandEncoder();
            final UnsafeBuffer buffer = new UnsafeBuffer(new byte[256]);
            for (long merchantId = 1; merchantId <= 3; merchantId++)
            {
                admin.call(buffer, 0, encoder.registerMerchant(buffer, 0, merchantId, 10, 100, 0, 0, false),
                    TIMEOUT_MS);
            }
            // Written off the pipeline: wait (30 s at most) for the three lines while the server runs, since its stop
            // waits only 5 s for the writer (rev R38).
            final Path written = dataDir.resolve("admin-audit.log");
            final long deadlineNs = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
            while ((!Files.exists(written) || Files.readAllLines(written).size() < 3) &&
                System.nanoTime() < deadlineNs)
            {
                Thread.sleep(20);
            }
        }
        final CliTest.Run intact = CliTest.wodian("audit", "verify", "--data", dataDir.toString());
        assertEquals(0, intact.exitCode(), intact.out());
        assertTrue(intact.out().startsWith("ok: 3 chained lines check; chain head "), intact.out());

        final Path trail = dataDir.resolve("admin-audit.log");
        final String text = Files.readString(trail, StandardCharsets.UTF_8);
        assertEquals(3, text.lines().count(), text);
        Files.writeString(trail, text.replaceFirst("merchantId=2", "merchantId=7"), StandardCharsets.UTF_8);
        final CliTest.Run broken = CliTest.wodian("audit", "verify", "--data", dataDir.toString());
        assertEquals(WodianMain.EXIT_REFUSED, broken.exitCode(), broken.out());
        assertTrue(broken.out().contains("BROKEN: " + trail + " line 2: its chain value does not match"),
            broken.out());
        assertEquals(WodianMain.EXIT_USAGE, CliTest.wodian("audit", "verify").exitCode());
    }
}
