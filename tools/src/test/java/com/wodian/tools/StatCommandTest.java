package com.wodian.tools;

import com.wodian.net.metrics.CountersFile;
import com.wodian.net.metrics.ServerCounters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code wodian stat --once} reads a running server's counters file; without one it says so. */
class StatCommandTest
{
    @Test
    void printsTheCountersOfARunningServer(@TempDir final Path dataDir) throws Exception
    {
        try (EmbeddedServer server = EmbeddedServer.start(dataDir, "compact"))
        {
            final CliTest.Run run = CliTest.wodian("stat", "--data", dataDir.toString(), "--once");
            assertEquals(0, run.exitCode(), run.out());
            assertTrue(run.out().startsWith("wodian server pid " + ProcessHandle.current().pid()), run.out());
            assertTrue(run.out().contains("journal entries appended"), run.out());
            assertTrue(run.out().contains("sessions open"), run.out());
        }
    }

    /**
     * A damaged counters file gets exit status 1 and one line naming the file, never a stack trace: every header
     * field replaced by hostile values, random files of every length up to past the header, and valid files with
     * random bytes changed in the counters' records (which may also still print).
     */
    @Test
    void aDamagedCountersFileIsNamedInOneLine(@TempDir final Path dataDir) throws Exception
    {
        ServerCounters.create(dataDir, 1_700_000_000_000L).close();
        final Path file = CountersFile.path(dataDir);
        final byte[] valid = Files.readAllBytes(file);
        final Random random = new Random(34);
        int refused = 0;
        for (int offset = 0; offset < 16; offset += 4)
        {
            for (final int value : new int[] {-1, 0, 1, 7, Integer.MAX_VALUE, Integer.MIN_VALUE, valid.length})
            {
                final byte[] damaged = valid.clone();
                ByteBuffer.wrap(damaged).order(ByteOrder.LITTLE_ENDIAN).putInt(offset, value);
                refused += statOnce(dataDir, damaged);
            }
        }
        // Every short length up to a few records, then every 8th: the parser's length checks all fall below 64
        // bytes, and each stat run writes and reads a whole file (this loop and the next were 30 s of CI time).
        for (int length = 0; length <= 200; length += length < 64 ? 1 : 8)
        {
            final byte[] damaged = new byte[length];
            random.nextBytes(damaged);
            if (length >= 8 && random.nextBoolean())
            {
                System.arraycopy(valid, 0, damaged, 0, 8); // magic and version right, the rest not
            }
            refused += statOnce(dataDir, damaged);
        }
        for (int trial = 0; trial < 100; trial++)
        {
            final byte[] damaged = valid.clone();
            final int changes = 1 + random.nextInt(8);
            for (int i = 0; i < changes; i++)
            {
                damaged[128 + random.nextInt(damaged.length - 128)] = (byte)random.nextInt();
            }
            refused += statOnce(dataDir, damaged);
        }
        assertEquals(0, statOnce(dataDir, valid));
        // The 82 short files are all refused, and so are most of the damaged headers (109 refused in all).
        assertTrue(refused > 100, "refused " + refused);
    }

    /** @return 1 when refused (after checking the message), 0 when printed. */
    private static int statOnce(final Path dataDir, final byte[] contents) throws Exception
    {
        Files.write(CountersFile.path(dataDir), contents);
        final PrintStream savedErr = System.err;
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
        final CliTest.Run run;
        try
        {
            run = CliTest.wodian("stat", "--data", dataDir.toString(), "--once");
        }
        finally
        {
            System.setErr(savedErr);
        }
        final String message = err.toString(StandardCharsets.UTF_8);
        if (WodianMain.EXIT_OK == run.exitCode() || WodianMain.EXIT_UNREACHABLE == run.exitCode())
        {
            assertTrue(run.out().startsWith("wodian server pid "), run.out());
            return 0;
        }
        assertEquals(1, run.exitCode(), message);
        assertTrue(message.startsWith(CountersFile.path(dataDir).toString()) && 1 == message.lines().count(),
            message);
        return 1;
    }

    /** A monitoring check: the file of a server that no longer writes its heartbeat exits 3, still printed. */
    @Test
    void aStaleHeartbeatExits3(@TempDir final Path dataDir)
    {
        ServerCounters.create(dataDir, System.currentTimeMillis() - 60_000).close();
        final CliTest.Run run = CliTest.wodian("stat", "--data", dataDir.toString(), "--once");
        assertEquals(WodianMain.EXIT_UNREACHABLE, run.exitCode(), run.out());
        assertTrue(run.out().contains("STALE"), run.out());
    }

    @Test
    void failsWithoutACountersFile(@TempDir final Path dataDir)
    {
        assertEquals(1, CliTest.wodian("stat", "--data", dataDir.toString(), "--once").exitCode());
    }
}
