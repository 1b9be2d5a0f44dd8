package com.wodian.tools;

import com.wodian.net.server.ServerConfig;
import com.wodian.net.server.WodianServer;

import java.nio.file.Path;

/**
 * A {@link WodianServer} inside this JVM on a free loopback port, as the demo uses it: launched (recovering from the
 * journal in the data directory) and closed (draining accepted inputs).
 */
final class EmbeddedServer implements AutoCloseable
{
    private final WodianServer server;

    private EmbeddedServer(final WodianServer server)
    {
        this.server = server;
    }

    /** @param mode thread layout name ({@code compact}, {@code dedicated}), or null for the server's default. */
    static EmbeddedServer start(final Path dataDir, final String mode)
    {
        final ServerConfig config = new ServerConfig()
            .dataDir(dataDir)
            .host("127.0.0.1")
            .port(0);
        if (mode != null)
        {
            config.threadingMode(ServerConfig.Configuration.parseThreadingMode(mode));
        }
        return new EmbeddedServer(WodianServer.launch(config));
    }

    int port()
    {
        return server.port();
    }

    /** The engine's own check of the conservation law and balance invariants, as a line of text. */
    String verifyInvariants()
    {
        return "not exposed by WodianServer (checked above through the queries instead)";
    }

    @Override
    public void close()
    {
        server.close();
    }
}
