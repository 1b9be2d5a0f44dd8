package com.wodian.tools;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A short demo end to end: load, rewards (vouchers issued for points and redeemed in payments, one pool distribution
 * to the end), conservation, recovery; and it never wipes a directory it did not make.
 */
class DemoCommandTest
{
    @Test
    // A backstop, not a schedule: at load 17 on the 2-vCPU dev VM a run took a fifth of the old limit, too close.
    @Timeout(value = 600, unit = TimeUnit.SECONDS)
    void shortDemoPassesEveryCheck(@TempDir final Path dir) throws Exception
    {
        final Path dataDir = dir.resolve("demo");
        for (int run = 0; run < 2; run++)
        {
            final CliTest.Run demo = CliTest.wodian("demo", "--data", dataDir.toString(), "--rate", "2000",
                "--seconds", "2", "--warmup-seconds", "0.5", "--merchants", "8", "--consumers", "500",
                "--connections", "2");
            assertEquals(0, demo.exitCode(), demo.out());
            assertTrue(demo.out().contains("state hash equal"), demo.out());
            assertTrue(demo.out().contains("conservation:") && demo.out().contains(": equal"), demo.out());
            assertTrue(demo.out().contains("p99.99="), demo.out());
            // The settlement of the run (docs/settlement.md), with payments in it.
            assertTrue(demo.out().contains("merchant files, balances, funds, platform, summary and manifest (SHA-256) in"), demo.out());
            assertTrue(java.nio.file.Files.list(dataDir.resolve("settlement")).findFirst().orElseThrow()
                .resolve("manifest.txt").toFile().isFile(), demo.out());
            assertTrue(demo.out().contains("risk: 12 rules in SHADOW mode") &&
                demo.out().contains("declined or flagged: 0 "), demo.out());
            assertTrue(demo.out().contains("engine invariants hold") && demo.out().contains("state hash equal"),
                demo.out());
            assertTrue(run == 0 || demo.out().contains("wiping"), "the second run wipes the first run's data");
            assertRewards(demo.out());
        }
    }

    private static void assertRewards(final String out)
    {
        find(out, "(?m)^rewards:\\s*$");
        final Matcher vouchers = find(out, "vouchers: issued (\\d+) \\((\\d+) for points, (\\d+) by the pool " +
            "distribution\\), redeemed (\\d+) in payments");
        assertTrue(Long.parseLong(vouchers.group(2)) > 0, "vouchers issued for points: " + out);
        assertTrue(Long.parseLong(vouchers.group(4)) > 0, "vouchers redeemed in payments: " + out);
        final Matcher distribution = find(out,
            "pool distribution: merchant \\d+, (\\d+) fen paid to (\\d+) consumers .*DONE");
        assertTrue(Long.parseLong(distribution.group(1)) > 0 && Long.parseLong(distribution.group(2)) > 0, out);
        final Matcher points = find(out, "points: (\\d+) earned by payments");
        assertTrue(Long.parseLong(points.group(1)) > 0, out);
        assertTrue(Long.parseLong(find(out, "alliance earnings: (\\d+) fen").group(1)) > 0, out);
        assertTrue(out.contains("+ outstanding vouchers ") && out.contains("+ pool in distribution "), out);
    }

    private static Matcher find(final String out, final String regex)
    {
        final Matcher matcher = Pattern.compile(regex).matcher(out);
        assertTrue(matcher.find(), "no match for " + regex + " in:\n" + out);
        return matcher;
    }

    @Test
    void refusesToWipeAForeignDirectory(@TempDir final Path dir) throws Exception
    {
        Files.writeString(dir.resolve("precious.txt"), "keep me");
        final DemoCommand demo = new DemoCommand();
        demo.dataDir = dir;
        demo.ratePerSecond = 100;
        demo.seconds = 1;
        demo.consumerCount = 10;
        demo.merchantCount = 4;
        demo.terminalsPerMerchant = 1;
        demo.connectionCount = 1;
        assertThrows(IllegalStateException.class, demo::call);
        assertTrue(Files.exists(dir.resolve("precious.txt")));
    }
}
