package com.wodian.net.metrics;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;
import org.HdrHistogram.SingleWriterRecorder;

import java.io.FileNotFoundException;
import java.io.PrintStream;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Latency of each stage of the server and end to end inside it, from the timestamps the threads around the engine
 * take (the engine thread reads no clock): {@code received} when the receiving thread read the request's bytes,
 * {@code durable} when the journal stage on its own thread ended the batch holding it (DEDICATED only),
 * {@code taken} when the sender took the reply from the output ring, {@code written} when the sender's write of it
 * to the socket returned.
 *
 * <p>One writer (the sending thread) records into wait-free, allocation-free HdrHistogram recorders; readers (the
 * metrics thread, the Prometheus endpoint, shutdown) take {@link #snapshot()}, which accumulates the intervals.
 *
 * <p>Optionally ({@link #logIntervalsTo}) every interval the metrics thread takes is also written to an HdrHistogram
 * interval log (one line per stage per interval, tagged with the stage's metric name), so that the percentiles of any
 * time window, such as a load generator's measured run without its set-up burst, can be read afterwards with
 * {@code org.HdrHistogram.HistogramLogProcessor -tag received_to_written -start S -end E}. A diagnostic: encoding
 * the lines allocates on the metrics thread, so it is off by default.
 */
public final class StageLatency
{
    /** The measured spans. */
    public enum Stage
    {
        RECEIVED_TO_DURABLE("received_to_durable", "queue, journal append and force (own journal thread only)"),
        DURABLE_TO_TAKEN("durable_to_taken", "engine, output ring and the sender's wake-up (own journal thread only)"),
        RECEIVED_TO_TAKEN("received_to_taken", "the whole pipeline: input ring, journal, engine, output ring"),
        TAKEN_TO_WRITTEN("taken_to_written", "framing and the socket write"),
        RECEIVED_TO_WRITTEN("received_to_written", "end to end inside the server");

        private final String metricName;
        private final String description;

        Stage(final String metricName, final String description)
        {
            this.metricName = metricName;
            this.description = description;
        }

        public String metricName()
        {
            return metricName;
        }

        public String description()
        {
            return description;
        }
    }

    /** The statistics published to counters per stage, in key order. */
    public static final double[] PERCENTILES = {50, 90, 99, 99.9, 99.99};
    private static final long HIGHEST_TRACKABLE_NS = TimeUnit.SECONDS.toNanos(60);
    /**
     * Two significant digits (values within 1%): at 3 each of the ten histograms of a server was ~220 KB, and the
     * recording and the once-a-second swap cost the 5k/s p99 measurably (docs/latency.md, "Tail sources examined").
     */
    static final int SIGNIFICANT_DIGITS = 2;

    private final SingleWriterRecorder[] recorders = new SingleWriterRecorder[Stage.values().length];
    private final Histogram[] cumulative = new Histogram[Stage.values().length];
    private final Histogram[] intervals = new Histogram[Stage.values().length];
    /** The interval log, or null (the default). */
    private HistogramLogWriter intervalLog;
    private PrintStream intervalLogStream;

    public StageLatency()
    {
        for (int i = 0; i < recorders.length; i++)
        {
            recorders[i] = new SingleWriterRecorder(HIGHEST_TRACKABLE_NS, SIGNIFICANT_DIGITS);
            cumulative[i] = new Histogram(HIGHEST_TRACKABLE_NS, SIGNIFICANT_DIGITS);
            intervals[i] = recorders[i].getIntervalHistogram();
        }
    }

    /** Sending thread only: one span of a stage, in ns; negative spans (no stamp) are skipped. */
    public void record(final Stage stage, final long spanNs)
    {
        if (spanNs >= 0)
        {
            recorders[stage.ordinal()].recordValue(Math.min(spanNs, HIGHEST_TRACKABLE_NS));
        }
    }

    /**
     * Before the metrics thread starts: write every interval to an HdrHistogram log at {@code path} (overwritten),
     * times in seconds since the log's start time, values in ns.
     */
    public synchronized void logIntervalsTo(final String path) throws FileNotFoundException
    {
        intervalLogStream = new PrintStream(path);
        intervalLog = new HistogramLogWriter(intervalLogStream);
        final long nowMs = System.currentTimeMillis();
        intervalLog.outputLogFormatVersion();
        intervalLog.outputStartTime(nowMs);
        intervalLog.setBaseTime(nowMs);
        intervalLog.outputComment("wodian stage latency intervals (ns); tags: stage names");
        intervalLog.outputLegend();
    }

    /** At shutdown, after the last {@link #publish}: closes the interval log, if any. */
    public synchronized void closeIntervalLog()
    {
        if (null != intervalLogStream)
        {
            intervalLogStream.close();
            intervalLogStream = null;
            intervalLog = null;
        }
    }

    /**
     * Metrics thread: accumulates the intervals and writes each stage's count, percentiles and max (ns) to its
     * counters ({@code counters[stage][statistic]}: count, then {@link #PERCENTILES}, then max). Allocation-free,
     * so that a scrape every second makes no garbage for the collector to stop the server for.
     */
    public synchronized void publish(final org.agrona.concurrent.status.AtomicCounter[][] counters)
    {
        for (int i = 0; i < cumulative.length; i++)
        {
            publish(i, counters);
        }
    }

    /**
     * Metrics thread: {@link #publish(org.agrona.concurrent.status.AtomicCounter[][])} for one stage
     * ({@link Stage#ordinal()}), so that the work of a second can be spread over several short runs: a run of a few
     * milliseconds holds a core that the network thread may need (docs/latency.md).
     */
    public synchronized void publish(
        final int stageIndex, final org.agrona.concurrent.status.AtomicCounter[][] counters)
    {
        final int i = stageIndex;
        intervals[i] = recorders[i].getIntervalHistogram(intervals[i]);
        cumulative[i].add(intervals[i]);
        logInterval(i);
        final org.agrona.concurrent.status.AtomicCounter[] stageCounters = counters[i];
        stageCounters[0].setRelease(cumulative[i].getTotalCount());
        for (int p = 0; p < PERCENTILES.length; p++)
        {
            stageCounters[1 + p].setRelease(cumulative[i].getValueAtPercentile(PERCENTILES[p]));
        }
        stageCounters[1 + PERCENTILES.length].setRelease(cumulative[i].getMaxValue());
    }

    private void logInterval(final int stageIndex)
    {
        if (null != intervalLog && intervals[stageIndex].getTotalCount() > 0)
        {
            intervals[stageIndex].setTag(Stage.values()[stageIndex].metricName());
            intervalLog.outputIntervalHistogram(intervals[stageIndex]);
        }
    }

    /** Names of the statistics of {@link #publish}, in order. */
    public static String[] statisticNames()
    {
        final String[] names = new String[PERCENTILES.length + 2];
        names[0] = "count";
        for (int p = 0; p < PERCENTILES.length; p++)
        {
            names[1 + p] = "p" + (PERCENTILES[p] == Math.rint(PERCENTILES[p]) ?
                Long.toString((long)PERCENTILES[p]) : Double.toString(PERCENTILES[p]));
        }
        names[names.length - 1] = "max";
        return names;
    }

    /** Any thread: every stage's histogram since start, as copies. */
    public synchronized Histogram[] snapshot()
    {
        final Histogram[] copies = new Histogram[cumulative.length];
        for (int i = 0; i < cumulative.length; i++)
        {
            intervals[i] = recorders[i].getIntervalHistogram(intervals[i]);
            cumulative[i].add(intervals[i]);
            logInterval(i);
            copies[i] = cumulative[i].copy();
        }
        return copies;
    }

    /** A table of every stage's percentiles in microseconds, for logs and shutdown. */
    public String table()
    {
        final Histogram[] histograms = snapshot();
        final StringBuilder text = new StringBuilder(String.format(Locale.ROOT,
            "%-20s %10s %9s %9s %9s %9s %9s %9s%n", "stage (us)", "count", "p50", "p90", "p99", "p99.9",
            "p99.99", "max"));
        for (final Stage stage : Stage.values())
        {
            final Histogram histogram = histograms[stage.ordinal()];
            text.append(String.format(Locale.ROOT, "%-20s %10d", stage.metricName(), histogram.getTotalCount()));
            for (final double percentile : PERCENTILES)
            {
                text.append(String.format(Locale.ROOT, " %9.1f", histogram.getValueAtPercentile(percentile) / 1e3));
            }
            text.append(String.format(Locale.ROOT, " %9.1f%n", histogram.getMaxValue() / 1e3));
        }
        return text.toString();
    }
}
