package com.wodian.net.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;

/**
 * The formatted messages one logger (and its children) writes while open: for tests that check what the server says
 * in its log. Close it to detach.
 */
public final class LogCapture extends Handler implements AutoCloseable
{
    private final Logger logger;
    private final List<String> lines = new CopyOnWriteArrayList<>();

    private LogCapture(final Logger logger)
    {
        this.logger = logger;
    }

    /** Starts capturing the messages of the logger named {@code loggerName}, e.g. "com.wodian.net.server". */
    public static LogCapture of(final String loggerName)
    {
        final LogCapture capture = new LogCapture(Logger.getLogger(loggerName));
        capture.logger.addHandler(capture);
        return capture;
    }

    /** The messages captured so far, formatted (parameters filled in), oldest first. */
    public List<String> lines()
    {
        return lines;
    }

    @Override
    public void publish(final LogRecord record)
    {
        lines.add(new SimpleFormatter().formatMessage(record));
    }

    @Override
    public void flush()
    {
    }

    @Override
    public void close()
    {
        logger.removeHandler(this);
    }
}
