package com.wodian.net.server;

import java.io.IOException;
import java.util.function.Consumer;

/**
 * A server that restarts itself in the same process when its configuration's {@link ServerConfig#restartHandler}
 * is called (a replica group member that installed a snapshot: its pipeline restarts and recovers from it). The
 * restart runs on its own thread: close, then launch again with the same configuration, which binds the same ports
 * (a configured port; with port 0 the restarted server gets a new one).
 */
public final class RestartingServer implements AutoCloseable
{
    private static final System.Logger LOG = System.getLogger(RestartingServer.class.getName());

    private final ServerConfig config;
    private final Consumer<Exception> launchFailureHandler;
    private final Launcher launcher;
    private WodianServer current;
    private int restarts;
    private boolean closed;

    private RestartingServer(
        final ServerConfig config, final Consumer<Exception> launchFailureHandler, final Launcher launcher)
    {
        this.config = config;
        this.launchFailureHandler = launchFailureHandler;
        this.launcher = launcher;
    }

    /**
     * Launches the server and installs the restart handler on {@code config}.
     *
     * @param launchFailureHandler told when a restart cannot launch the server again (ServerMain exits).
     */
    public static RestartingServer launch(final ServerConfig config, final Consumer<Exception> launchFailureHandler)
        throws IOException
    {
        return launch(config, launchFailureHandler, WodianServer::launch);
    }

    /** As {@link #launch(ServerConfig, Consumer)}, each launch made by {@code launcher} (tests). */
    static RestartingServer launch(
        final ServerConfig config, final Consumer<Exception> launchFailureHandler, final Launcher launcher)
        throws IOException
    {
        final RestartingServer server = new RestartingServer(config, launchFailureHandler, launcher);
        config.restartHandler(server::requestRestart);
        // Under the lock: a joining member's snapshot install may complete, and ask for a restart, before its first
        // launch returns. The restart must then wait for that server and close it; started at once it found no
        // server to close and launched a second one into the first one's data directory lock (operator review 2,
        // 2026-12-05, finding 1: the rebuilt member exited 1).
        synchronized (server)
        {
            server.current = launcher.launch(config);
        }
        return server;
    }

    /** Launches a server with a configuration: {@link WodianServer#launch}. */
    @FunctionalInterface
    interface Launcher
    {
        WodianServer launch(ServerConfig config) throws IOException;
    }

    /** @return the running server (a new one after each restart); null while a restart is between close and launch. */
    public synchronized WodianServer current()
    {
        return current;
    }

    /** @return how many restarts completed. */
    public synchronized int restarts()
    {
        return restarts;
    }

    private void requestRestart(final String reason)
    {
        final Thread thread = new Thread(() -> restart(reason), "wodian-restart");
        thread.setDaemon(false);
        thread.start();
    }

    private synchronized void restart(final String reason)
    {
        if (closed)
        {
            return;
        }
        LOG.log(System.Logger.Level.WARNING, "restarting the server: {0}", reason);
        closeCurrent(); // and drop it before the launch: two servers' engines need not fit in the heap at once
        try
        {
            current = launcher.launch(config);
            restarts++;
            LOG.log(System.Logger.Level.WARNING, "restarted after: {0}", reason);
        }
        catch (final IOException | RuntimeException ex)
        {
            launchFailureHandler.accept(ex);
        }
    }

    private void closeCurrent()
    {
        if (null != current)
        {
            current.close();
            current = null;
        }
    }

    @Override
    public synchronized void close()
    {
        closed = true;
        if (null != current)
        {
            current.close();
        }
    }
}
