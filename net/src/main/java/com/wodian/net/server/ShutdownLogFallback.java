package com.wodian.net.server;

import java.io.PrintStream;
import java.util.logging.Filter;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Keeps the server's closing log lines ({@code stopped} among them) when the process stops on a signal. The JDK's own
 * shutdown hook resets java.util.logging, closing and removing every handler, and it runs beside the server's hook
 * in no set order: the lines the close logged after it went nowhere (operator review 2, C8), although
 * docs/operations.md, section 2, promises {@code stopped}. A filter survives that reset (it removes handlers and
 * levels, not filters): once the JVM's shutdown has begun, each record of the server's logger at INFO or above is
 * written on standard error by this filter, with the formatter the console handler uses (SimpleFormatter reads the
 * same format property), and kept from the handlers. Whether the shutdown has begun is exact (the JVM refuses a new
 * shutdown hook from the moment its hooks start, the JDK's logging reset among them), so each closing line comes out
 * once, before or after the reset alike.
 * <p>
 * Installed only while logging is the default console (no {@code java.util.logging.config.file}): a configured log
 * keeps its own handlers, which the JDK's reset closes too.
 */
final class ShutdownLogFallback implements Filter
{
    /** Held: java.util.logging keeps loggers weakly, and a collected logger forgets its filter. */
    private static final Logger SERVER_LOGGER = Logger.getLogger(WodianServer.LOG.getName());
    private static final Thread SHUTDOWN_PROBE = new Thread(() -> { }, "wodian-shutdown-probe");

    private final SimpleFormatter formatter = new SimpleFormatter();
    private final PrintStream err;

    private ShutdownLogFallback(final PrintStream err)
    {
        this.err = err;
    }

    /** Installs the filter on the server's logger, writing on {@code err}, unless logging is configured by a file. */
    static void install(final PrintStream err)
    {
        if (null == System.getProperty("java.util.logging.config.file"))
        {
            SERVER_LOGGER.setFilter(new ShutdownLogFallback(err));
        }
    }

    @Override
    public boolean isLoggable(final LogRecord record)
    {
        if (!shutdownStarted())
        {
            return true; // the log is up: its handlers write the record
        }
        if (record.getLevel().intValue() >= Level.INFO.intValue()) // the console handler's default level
        {
            err.print(formatter.format(record));
            err.flush();
        }
        return false;
    }

    /**
     * @return whether the JVM's shutdown hooks have started: it then refuses a new hook. One probe thread (never
     * started), registered and removed under this class's lock; only log records ask, none on a serving path.
     */
    private static synchronized boolean shutdownStarted()
    {
        try
        {
            Runtime.getRuntime().addShutdownHook(SHUTDOWN_PROBE);
        }
        catch (final IllegalStateException ex)
        {
            return true;
        }
        try
        {
            Runtime.getRuntime().removeShutdownHook(SHUTDOWN_PROBE);
        }
        catch (final IllegalStateException ex)
        {
            // The shutdown began between the two calls: the removal refuses too. Thrown from here it would leave
            // the Logger.log call of whichever server thread was logging (review R12).
            return true;
        }
        return false;
    }
}
