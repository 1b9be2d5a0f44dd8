package com.wodian.net.metrics;

import org.HdrHistogram.EncodableHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogReader;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.CountersManager;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

class StageLatencyIntervalLogTest
{
    @TempDir
    File dir;

    @Test
    void everyIntervalOfEveryRecordedStageIsInTheLogUnderItsStageName() throws Exception
    {
        final StageLatency latency = new StageLatency();
        final File log = new File(dir, "stages.hlog");
        latency.logIntervalsTo(log.getPath());
        final AtomicCounter[][] counters = counters();

        latency.record(StageLatency.Stage.RECEIVED_TO_TAKEN, 1_000);
        latency.record(StageLatency.Stage.RECEIVED_TO_TAKEN, 2_000_000);
        latency.record(StageLatency.Stage.TAKEN_TO_WRITTEN, 5_000);
        latency.publish(counters);
        latency.record(StageLatency.Stage.RECEIVED_TO_TAKEN, 3_000);
        latency.snapshot(); // a scrape takes an interval too: it must reach the log as well
        latency.publish(counters); // an empty interval: no lines
        latency.closeIntervalLog();

        final Map<String, Long> countsByTag = new HashMap<>();
        final Map<String, Long> maxByTag = new HashMap<>();
        final HistogramLogReader reader = new HistogramLogReader(log);
        EncodableHistogram interval;
        while (null != (interval = reader.nextIntervalHistogram()))
        {
            final Histogram histogram = (Histogram)interval;
            countsByTag.merge(histogram.getTag(), histogram.getTotalCount(), Long::sum);
            maxByTag.merge(histogram.getTag(), histogram.getMaxValue(), Math::max);
        }
        assertEquals(Map.of("received_to_taken", 3L, "taken_to_written", 1L), countsByTag);
        assertEquals(2_000_000L, maxByTag.get("received_to_taken"), within(2_000_000L));
        assertFalse(countsByTag.containsKey("received_to_written"));
    }

    @Test
    void publishingOneStageAtATimeGivesEachStageItsOwnFiguresAndLeavesTheOthersAlone()
    {
        final StageLatency latency = new StageLatency();
        final AtomicCounter[][] counters = counters();
        for (int i = 1; i <= 100; i++)
        {
            latency.record(StageLatency.Stage.RECEIVED_TO_TAKEN, i * 1_000L);
            latency.record(StageLatency.Stage.TAKEN_TO_WRITTEN, 7_000);
        }
        final int taken = StageLatency.Stage.RECEIVED_TO_TAKEN.ordinal();
        final int written = StageLatency.Stage.TAKEN_TO_WRITTEN.ordinal();
        final int max = StageLatency.statisticNames().length - 1;

        latency.publish(taken, counters);
        assertEquals(100, counters[taken][0].get());
        assertEquals(100_000L, counters[taken][max].get(), within(100_000L));
        assertEquals(50_000L, counters[taken][1].get(), within(50_000L)); // p50
        assertEquals(0, counters[written][0].get(), "not published yet");

        latency.publish(written, counters);
        assertEquals(100, counters[written][0].get());
        assertEquals(7_000L, counters[written][max].get(), within(7_000L));
        assertEquals(100, counters[taken][0].get(), "unchanged by another stage's turn");
    }

    private static AtomicCounter[][] counters()
    {
        final CountersManager manager = new CountersManager(
            new UnsafeBuffer(ByteBuffer.allocateDirect(64 * 1024)), new UnsafeBuffer(ByteBuffer.allocateDirect(8 * 1024)));
        final AtomicCounter[][] counters = new AtomicCounter[StageLatency.Stage.values().length][];
        for (int stage = 0; stage < counters.length; stage++)
        {
            counters[stage] = new AtomicCounter[StageLatency.statisticNames().length];
            for (int statistic = 0; statistic < counters[stage].length; statistic++)
            {
                counters[stage][statistic] = manager.newCounter("s" + stage + "." + statistic);
            }
        }
        return counters;
    }

    /** The histograms' own precision: a value is kept within 10^-digits of itself. */
    private static double within(final long value)
    {
        return value / Math.pow(10, StageLatency.SIGNIFICANT_DIGITS);
    }
}
