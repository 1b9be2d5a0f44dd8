package com.wodian.tools;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code wodian snapshot take --data} beside a running server would write into its snapshot directory and prune it:
 * it is refused while the server holds the directory, and works once the server has stopped.
 */
class SnapshotTakeOfflineTest
{
    @Test
    void refusedWhileAServerRunsOnTheDirectoryThenTaken(@TempDir final Path dataDir) throws Exception
    {
        try (EmbeddedServer server = EmbeddedServer.start(dataDir, "compact"))
        {
            final PrintStream savedErr = System.err;
            final ByteArrayOutputStream err = new ByteArrayOutputStream();
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            final CliTest.Run refused;
            try
            {
                refused = CliTest.wodian("snapshot", "take", "--data", dataDir.toString());
            }
            finally
            {
                System.setErr(savedErr);
            }
            assertEquals(WodianMain.EXIT_REFUSED, refused.exitCode(), refused.out());
            final String message = err.toString(StandardCharsets.UTF_8);
            assertTrue(message.contains("is in use by process") && message.contains("--port"), message);
        }
        final CliTest.Run taken = CliTest.wodian("snapshot", "take", "--data", dataDir.toString());
        assertEquals(WodianMain.EXIT_OK, taken.exitCode(), taken.out());
        assertTrue(taken.out().contains("snapshot "), taken.out());
    }
}
