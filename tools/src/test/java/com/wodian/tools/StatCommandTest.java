package com.wodian.tools;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

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

    @Test
    void failsWithoutACountersFile(@TempDir final Path dataDir)
    {
        assertEquals(1, CliTest.wodian("stat", "--data", dataDir.toString(), "--once").exitCode());
    }
}
