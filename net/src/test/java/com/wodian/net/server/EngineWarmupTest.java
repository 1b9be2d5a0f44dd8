package com.wodian.net.server;

import com.wodian.net.client.WodianClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The JIT warm-up runs on a throwaway engine: the served state is the same as without it. */
class EngineWarmupTest
{
    @Test
    void warmUpLeavesTheServedStateAlone(@TempDir final Path warmDir, @TempDir final Path coldDir) throws Exception
    {
        assertEquals(stateHashAfterSetUp(coldDir, 0), stateHashAfterSetUp(warmDir, 20_000));
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
