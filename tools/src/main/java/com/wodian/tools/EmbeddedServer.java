package com.wodian.tools;

import com.wodian.engine.EngineConfig;
import com.wodian.net.server.ServerConfig;
import com.wodian.net.server.WodianServer;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A {@link WodianServer} inside this JVM on a free loopback port, as the demo uses it: launched (recovering from the
 * journal in the data directory) and closed (draining accepted inputs).
 *
 * <p>The server's idle Tick is set to an hour: a Tick journaled between the demo's last state-hash query and the
 * close would change the state (engine time, sequence) that the restart is compared with. The demo's holds are
 * all confirmed or cancelled within milliseconds, so it needs no Tick to expire them.
 */
final class EmbeddedServer implements AutoCloseable
{
    static final long TICK_INTERVAL_MS = 3_600_000;

    private final WodianServer server;

    private EmbeddedServer(final WodianServer server)
    {
        this.server = server;
    }

    static EmbeddedServer start(final Path dataDir, final String mode) throws IOException
    {
        return start(dataDir, mode, null);
    }

    /**
     * @param mode       thread layout name ({@code compact}, {@code dedicated}), or null for the server's default.
     * @param durability journal durability name ({@code sync}, {@code page-cache}), or null for the default.
     */
    static EmbeddedServer start(final Path dataDir, final String mode, final String durability) throws IOException
    {
        final ServerConfig config = new ServerConfig()
            .dataDir(dataDir)
            .host("127.0.0.1")
            .port(0)
            .tickIntervalMs(TICK_INTERVAL_MS)
            .engineConfig(new EngineConfig());
        if (mode != null)
        {
            config.threadingMode(ServerConfig.Configuration.parseThreadingMode(mode));
        }
        if (durability != null)
        {
            config.durabilityPolicy(ServerConfig.Configuration.parseDurabilityPolicy(durability));
        }
        return new EmbeddedServer(WodianServer.launch(config));
    }

    int port()
    {
        return server.port();
    }

    /** "COMPACT threads, journal SYNC": what the latencies depend on. */
    String describe()
    {
        return server.config().threadingMode() + " threads, journal " + server.config().durabilityPolicy();
    }

    /** Journaled inputs replayed into the engine when the server started. */
    long recoveredInputCount()
    {
        return server.recoveredInputCount();
    }

    @Override
    public void close()
    {
        server.close();
    }
}
