package com.wodian.net.server;

import com.wodian.net.client.WodianClient;
import com.wodian.net.testing.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The JIT warm-up runs on a throwaway engine: the served state is the same as without it. */
class EngineWarmupTest
{
    /**
     * The served state is the same with and without the warm-up; and the engine's warm-up runs before recovery
     * replays the journal's tail, not after it: run after it, its throwaway engine's branches (tables growing, a full
     * key table, other reply sinks) threw away the C2 code the tail had just compiled (docs/history/engine-sessions.md,
     * "The serving warm-up before the tail").
     */
    @Test
    void warmUpLeavesTheServedStateAlone(@TempDir final Path warmDir, @TempDir final Path coldDir) throws Exception
    {
        final long coldHash = stateHashAfterSetUp(coldDir, 0);
        try (LogCapture capture = LogCapture.of("com.wodian.net.server"))
        {
            assertEquals(coldHash, stateHashAfterSetUp(warmDir, 2_000));
            final List<String> lines = capture.lines();
            final int warmUp = indexOf(lines, "inputs on a throwaway engine");
            final int recovered = indexOf(lines, "recovered: ");
            assertTrue(warmUp >= 0 && recovered >= 0, "both lines logged: " + lines);
            assertTrue(warmUp < recovered, "the engine's warm-up before recovery: " + lines);
        }
    }

    private static int indexOf(final List<String> lines, final String part)
    {
        for (int i = 0; i < lines.size(); i++)
        {
            if (lines.get(i).contains(part))
            {
                return i;
            }
        }
        return -1;
    }

    private static long stateHashAfterSetUp(final Path dataDir, final int warmupInputs) throws Exception
    {
        // One fixed clock for both runs: the state holds timestamps, and a fixed clock also means no Tick.
        final ServerConfig config = ServerTestSupport.config(dataDir, ThreadingMode.COMPACT).warmupInputs(warmupInputs)
            .epochClock(() -> 1_700_000_000_000L);
        try (WodianServer server = WodianServer.launch(config);
            WodianClient client = ServerTestSupport.connect(server))
        {
            assertEquals(0, server.recoveredInputCount(), "a fresh data directory");
            final ServerTestSupport.Requests requests = new ServerTestSupport.Requests(client);
            requests.setUpParties();
            final var reply = requests.stateHash();
            assertEquals(4, reply.lastSequence(), "only the set-up was journaled and applied");
            return reply.stateHash();
        }
    }
}
