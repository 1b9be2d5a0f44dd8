package com.wodian.net.server;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.logging.Logger;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Once the JVM's shutdown has begun (simulated here), the closing lines of every Wodian logger reach standard error,
 * not only the server's (review R5: a filter is asked only for records logged to its own logger).
 */
class ShutdownLogFallbackTest
{
    @Test
    void recordsOfEveryWodianLoggerAreWrittenOnceTheShutdownBegan()
    {
        final Logger own = Logger.getLogger("com.wodian.net.cluster.ShutdownLogFallbackTestLogger");
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final ShutdownLogFallback fallback = new ShutdownLogFallback(new PrintStream(bytes, true,
            StandardCharsets.UTF_8), () -> true);
        final List<Logger> covered = ShutdownLogFallback.cover(fallback);
        try
        {
            own.info("a cluster line while closing");
            System.getLogger(RestartingServer.class.getName()).log(System.Logger.Level.WARNING,
                "a restart line while closing");
            System.getLogger("com.wodian.net.iso8583").log(System.Logger.Level.INFO, "an iso line while closing");
        }
        finally
        {
            for (final Logger logger : covered)
            {
                logger.setFilter(null);
            }
        }
        final String err = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(err.contains("a cluster line while closing"), err);
        assertTrue(err.contains("a restart line while closing"), err);
        assertTrue(err.contains("an iso line while closing"), err);
    }
}
