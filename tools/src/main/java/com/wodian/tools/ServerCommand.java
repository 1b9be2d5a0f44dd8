package com.wodian.tools;

import com.wodian.net.server.ServerMain;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs a server in the foreground: recovers the engine from the journal in {@code --data}, then listens. Delegates to
 * {@link ServerMain}, which prints {@code WODIAN LISTENING port=<n>} when it accepts connections.
 */
@Command(name = "server", description = "Run a Wodian server (recovers from --data, then listens on --port).")
public final class ServerCommand implements Runnable
{
    @Option(names = "--data", required = true, description = "data directory (journal)")
    Path dataDir;

    @Option(names = "--port", required = true, description = "TCP port; 0 picks a free one")
    int port;

    @Option(names = "--mode", description = "thread layout: compact (few cores) or dedicated (a core per thread)")
    String mode;

    @Override
    public void run()
    {
        final List<String> args = new ArrayList<>(List.of("--data", dataDir.toString(), "--port",
            Integer.toString(port)));
        if (mode != null)
        {
            args.add("--mode");
            args.add(mode);
        }
        try
        {
            ServerMain.main(args.toArray(new String[0]));
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException("server failed: " + ex.getMessage(), ex);
        }
    }
}
