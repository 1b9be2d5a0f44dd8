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
 * levels, not filters): once the root logger has no handler left, each record of the server's logger at INFO or
 * above is written on standard error by the same formatter the console handler used (SimpleFormatter reads the same
 * format property), and dropped from the emptied handler chain.
 * <p>
 * Installed only while logging is the default console (no {@code java.util.logging.config.file}): a configured log
 * may have no root handler on purpose. A record is still lost if the reset falls between this filter's check and the
 * console handler's write, a window of a few instructions.
 */
final class ShutdownLogFallback implements Filter
{
    /** Held: java.util.logging keeps loggers weakly, and a collected logger forgets its filter. */
    private static final Logger SERVER_LOGGER = Logger.getLogger(WodianServer.LOG.getName());

    private final Logger root = Logger.getLogger("");
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
        if (root.getHandlers().length > 0)
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
}
