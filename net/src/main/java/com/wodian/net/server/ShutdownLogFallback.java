package com.wodian.net.server;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.logging.Filter;
import java.util.logging.Level;
import java.util.logging.LogManager;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * Keeps the server's closing log lines ({@code stopped} among them) when the process stops on a signal. The JDK's own
 * shutdown hook resets java.util.logging, closing and removing every handler, and it runs beside the server's hook
 * in no set order: the lines the close logged after it went nowhere (operator review 2, C8), although
 * docs/operations.md, section 2, promises {@code stopped}. A filter survives that reset (it removes handlers and
 * levels, not filters): once the JVM's shutdown has begun, each record of a Wodian logger at INFO or above is
 * written on standard error by this filter, with the formatter the console handler uses (SimpleFormatter reads the
 * same format property), and kept from the handlers. Whether the shutdown has begun is exact (the JVM refuses a new
 * shutdown hook from the moment its hooks start, the JDK's logging reset among them), so each closing line comes out
 * once, before or after the reset alike.
 * <p>
 * java.util.logging asks a filter only for records logged to its own logger, not for those of its children: so the
 * filter is put on every Wodian logger ({@code com.wodian} and below), not only the server's (review R5: the
 * cluster's, ISO gateway's, TLS and restart loggers' closing lines vanished). Those that exist at start and the
 * ones the server's code names ({@link #NAMED_LOGGERS}, created here so that they exist) are covered at start,
 * and {@link #coverLoggersCreatedSince} covers the ones created later, first thing in the shutdown hook; a logger
 * first created during the close itself is not covered.
 * <p>
 * Installed only while logging is the default console (no {@code java.util.logging.config.file}): a configured log
 * keeps its own handlers, which the JDK's reset closes too.
 */
final class ShutdownLogFallback implements Filter
{
    /** The loggers the server's code logs to, by name: covered from the start even before their first record. */
    static final List<String> NAMED_LOGGERS = List.of(WodianServer.LOG.getName(), "com.wodian.journal",
        "com.wodian.net.auth", "com.wodian.net.client", "com.wodian.net.iso8583", "com.wodian.net.cluster.snapshot",
        "com.wodian.net.cluster.transport.InboundConnections", "com.wodian.net.tls.TlsContext",
        "com.wodian.net.server.RestartingServer");
    private static final String COVERED_PREFIX = "com.wodian";
    /** Held: java.util.logging keeps loggers weakly, and a collected logger forgets its filter. */
    private static final List<Logger> COVERED = new ArrayList<>();
    private static final Thread SHUTDOWN_PROBE = new Thread(() -> { }, "wodian-shutdown-probe");
    /** The installed fallback; null when none (logging configured by a file, or not a server process). */
    private static ShutdownLogFallback installed;

    private final SimpleFormatter formatter = new SimpleFormatter();
    private final PrintStream err;
    private final BooleanSupplier shutdownStarted;

    /** @param shutdownStarted whether the JVM's shutdown has begun (tests give their own). */
    ShutdownLogFallback(final PrintStream err, final BooleanSupplier shutdownStarted)
    {
        this.err = err;
        this.shutdownStarted = shutdownStarted;
    }

    /** Installs the filter on the Wodian loggers, writing on {@code err}, unless logging is configured by a file. */
    static synchronized void install(final PrintStream err)
    {
        if (null == System.getProperty("java.util.logging.config.file"))
        {
            installed = new ShutdownLogFallback(err, ShutdownLogFallback::shutdownStarted);
            cover(installed);
        }
    }

    /** The shutdown hook, before the server's close: covers the Wodian loggers created since {@link #install}. */
    static synchronized void coverLoggersCreatedSince()
    {
        if (null != installed)
        {
            cover(installed);
        }
    }

    /**
     * Puts {@code fallback} on every {@code com.wodian} logger that exists (after creating {@link #NAMED_LOGGERS})
     * and has no filter of its own.
     *
     * @return the loggers it was put on now.
     */
    static synchronized List<Logger> cover(final Filter fallback)
    {
        for (final String name : NAMED_LOGGERS)
        {
            Logger.getLogger(name);
        }
        final List<Logger> covered = new ArrayList<>();
        final LogManager manager = LogManager.getLogManager();
        for (final String name : Collections.list(manager.getLoggerNames()))
        {
            final Logger logger = name.equals(COVERED_PREFIX) || name.startsWith(COVERED_PREFIX + ".") ?
                manager.getLogger(name) : null;
            if (null != logger && null == logger.getFilter())
            {
                logger.setFilter(fallback);
                covered.add(logger);
            }
        }
        COVERED.addAll(covered);
        return covered;
    }

    @Override
    public boolean isLoggable(final LogRecord record)
    {
        if (!shutdownStarted.getAsBoolean())
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
