package com.wodian.tools;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A short demo end to end: load, conservation, recovery; and it never wipes a directory it did not make. */
class DemoCommandTest
{
    @Test
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void shortDemoPassesEveryCheck(@TempDir final Path dir)
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
            assertTrue(demo.out().contains("engine invariants hold") && demo.out().contains("state hash equal"),
                demo.out());
            assertTrue(run == 0 || demo.out().contains("wiping"), "the second run wipes the first run's data");
        }
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
