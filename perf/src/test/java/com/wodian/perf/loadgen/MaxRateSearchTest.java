package com.wodian.perf.loadgen;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The search against a simulated server whose p99 explodes above a known capacity: no sockets, no timing. */
class MaxRateSearchTest
{
    private static final double CAPACITY = 137_000;

    @Test
    void stepsUpThenBisectsToTheCapacity()
    {
        final MaxRateSearch search =
            new MaxRateSearch(10_000, 2_000_000, 2, 0.05, 20, TimeUnit.MILLISECONDS.toNanos(1));
        final List<String> lines = new ArrayList<>();
        final List<MaxRateSearch.Step> steps = search.run(MaxRateSearchTest::simulate, lines::add);
        final double best = MaxRateSearch.bestRate(steps);
        assertTrue(best <= CAPACITY && best >= CAPACITY / 1.05, "best " + best + " " + lines);
        assertEquals(steps.size(), lines.size());
        assertEquals(10_000, steps.get(0).ratePerSecond(), 0);
        assertEquals(20_000, steps.get(1).ratePerSecond(), 0);
        assertTrue(steps.size() < 20, "bounded: " + steps.size());
        assertFalse(steps.get(steps.size() - 1).verdict().isEmpty());
    }

    @Test
    void stopsAtTheCeilingWhenEverythingPasses()
    {
        final MaxRateSearch search = new MaxRateSearch(1_000, 50_000, 2, 0.05, 20, TimeUnit.SECONDS.toNanos(1));
        final List<MaxRateSearch.Step> steps = search.run(MaxRateSearchTest::simulate, (line) -> { });
        assertEquals(50_000, MaxRateSearch.bestRate(steps), 0);
        assertEquals(50_000, steps.get(steps.size() - 1).ratePerSecond(), 0);
    }

    /** Latency 50 us under capacity, 50 ms above it; achieved rate capped at capacity. */
    private static LoadResult simulate(final double rate)
    {
        final Schedule schedule = new Schedule(rate, TimeUnit.SECONDS.toNanos(2), TimeUnit.SECONDS.toNanos(1), 2);
        final Histogram histogram = new Histogram(3);
        histogram.recordValueWithCount(rate <= CAPACITY ? 50_000 : 50_000_000, 1000);
        final long count = schedule.commandCount();
        return new LoadResult(schedule, 1, count, count, count, 0, false, null, rate, Math.min(rate, CAPACITY), 0, 0,
            histogram, histogram, new long[LoadResult.TEMPLATE_LIMIT * LoadResult.CODE_LIMIT], new Histogram(3),
            ThreadTimerSlack.UNKNOWN);
    }
}
