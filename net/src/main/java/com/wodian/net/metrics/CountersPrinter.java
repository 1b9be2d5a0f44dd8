package com.wodian.net.metrics;

import org.agrona.concurrent.status.CountersReader;

import java.time.Instant;
import java.util.Locale;

/**
 * Text form of a counters file, as {@code wodian stat} prints it (like Aeron's AeronStat): a header with the server's
 * process id, start time and heartbeat age, then one line per counter: id, value, label.
 */
public final class CountersPrinter
{
    /** A heartbeat older than this means the server is not running (or hangs). */
    public static final long STALE_HEARTBEAT_MS = 5_000;

    private CountersPrinter()
    {
    }

    /**
     * @param file      the mapped counters file.
     * @param nowMs     wall-clock time now, for the heartbeat's age.
     * @param allValues false to skip counters whose value is 0 (templates and codes never seen).
     */
    public static String format(final CountersFile file, final long nowMs, final boolean allValues)
    {
        final long heartbeatAgeMs = nowMs - file.heartbeatMs();
        final StringBuilder text = new StringBuilder(String.format(Locale.ROOT,
            "wodian server pid %d, started %s, heartbeat %d ms ago%s%n", file.pid(),
            Instant.ofEpochMilli(file.startTimeMs()), heartbeatAgeMs,
            heartbeatAgeMs > STALE_HEARTBEAT_MS ? " (STALE: not running?)" : ""));
        final CountersReader reader = file.reader();
        reader.forEach((counterId, typeId, keyBuffer, label) ->
        {
            final long value = reader.getCounterValue(counterId);
            if (allValues || 0 != value || ServerCounters.TYPE_SCALAR == typeId)
            {
                text.append(String.format(Locale.ROOT, "%4d: %,20d - %s%n", counterId, value, label));
            }
        });
        return text.toString();
    }
}
