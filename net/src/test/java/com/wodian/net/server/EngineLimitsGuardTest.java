package com.wodian.net.server;

import com.wodian.engine.EngineConfig;
import com.wodian.net.durability.EngineLimitsFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The data directory remembers the engine limits its ledger was decided under: a restart asking for other limits
 * (a unit file edited without --keys-max) is refused, naming what differs, before anything is replayed; the same
 * limits start on the same state.
 */
class EngineLimitsGuardTest
{
    @Test
    void aRestartWithOtherLimitsIsRefusedAndTheSameLimitsStart(@TempDir final Path dataDir) throws Exception
    {
        final long stateHash;
        try (WodianServer server = WodianServer.launch(config(dataDir, 4_096)))
        {
            stateHash = server.recovery().engine().stateHash();
        }
        assertTrue(Files.readString(dataDir.resolve(EngineLimitsFile.FILE_NAME)).contains("keysMax=4096"));

        final IOException refused = assertThrows(IOException.class, () -> WodianServer.launch(config(dataDir, 8_192)));
        assertTrue(refused.getMessage().contains("keysMax 4096 -> 8192"), refused.getMessage());

        try (WodianServer server = WodianServer.launch(config(dataDir, 4_096)))
        {
            assertEquals(stateHash, server.recovery().engine().stateHash());
        }
    }

    private static ServerConfig config(final Path dataDir, final int keysMax)
    {
        final ServerConfig config = ServerTestSupport.config(dataDir, ThreadingMode.COMPACT);
        config.engineConfig(EngineConfig.small().keysMax(keysMax));
        return config;
    }
}
