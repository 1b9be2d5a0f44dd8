package com.wodian.perf.loadgen;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.DoubleFunction;

/**
 * Finds the highest offered rate the server sustains: a step passes when every command sent was answered, the
 * achieved rate is at least {@value #ACHIEVED_FRACTION_MIN} of the offered rate, the sender never had to give up,
 * and the p99 response time (coordinated-omission corrected) stays under the bound. The search multiplies the rate
 * by {@code growthFactor} while steps pass, then bisects between the last pass and the first failure until they are
 * within {@code precision} of each other or {@code stepsMax} steps have run. Bounded: at most {@code stepsMax}
 * steps, each one {@link Schedule} long.
 */
public final class MaxRateSearch
{
    static final double ACHIEVED_FRACTION_MIN = 0.95;

    /** One step: its rate, what it measured and whether it passed. */
    public static final class Step
    {
        private final double ratePerSecond;
        private final LoadResult result;
        private final boolean passed;
        private final String verdict;

        Step(final double ratePerSecond, final LoadResult result, final boolean passed, final String verdict)
        {
            this.ratePerSecond = ratePerSecond;
            this.result = result;
            this.passed = passed;
            this.verdict = verdict;
        }

        public double ratePerSecond()
        {
            return ratePerSecond;
        }

        public LoadResult result()
        {
            return result;
        }

        public boolean passed()
        {
            return passed;
        }

        /** "pass", or why it failed. */
        public String verdict()
        {
            return verdict;
        }
    }

    private final double startRatePerSecond;
    private final double rateMaxPerSecond;
    private final double growthFactor;
    private final double precision;
    private final int stepsMax;
    private final long p99BoundNs;

    /**
     * @param startRatePerSecond first rate tried.
     * @param rateMaxPerSecond   the search never offers more.
     * @param growthFactor       rate multiplier while steps pass, above 1.
     * @param precision          bisection stops when the failing rate is within this fraction above the passing one.
     * @param stepsMax           most steps in all.
     * @param p99BoundNs         a step fails when its p99 response time is above this.
     */
    public MaxRateSearch(
        final double startRatePerSecond,
        final double rateMaxPerSecond,
        final double growthFactor,
        final double precision,
        final int stepsMax,
        final long p99BoundNs)
    {
        if (!(startRatePerSecond > 0) || rateMaxPerSecond < startRatePerSecond || !(growthFactor > 1) ||
            !(precision > 0) || stepsMax < 1 || p99BoundNs <= 0)
        {
            throw new IllegalArgumentException("bad search parameters");
        }
        this.startRatePerSecond = startRatePerSecond;
        this.rateMaxPerSecond = rateMaxPerSecond;
        this.growthFactor = growthFactor;
        this.precision = precision;
        this.stepsMax = stepsMax;
        this.p99BoundNs = p99BoundNs;
    }

    /**
     * Runs the search.
     *
     * @param runStep runs one step at the given rate and returns what it measured.
     * @param log     receives one line per step.
     * @return every step, in the order run.
     */
    public List<Step> run(final DoubleFunction<LoadResult> runStep, final Consumer<String> log)
    {
        final List<Step> steps = new ArrayList<>();
        double passRate = 0;
        double failRate = Double.NaN;
        double rate = startRatePerSecond;
        while (steps.size() < stepsMax)
        {
            final LoadResult result = runStep.apply(rate);
            final String verdict = verdict(result);
            final boolean passed = "pass".equals(verdict);
            steps.add(new Step(rate, result, passed, verdict));
            log.accept(String.format(Locale.ROOT,
                "step %d: offered %.0f/s achieved %.0f/s p50=%s p99=%s p99.9=%s max=%s errors=%d -> %s",
                steps.size(), rate, result.achievedRatePerSecond(),
                LatencyReport.duration(result.responseTimeNs().getValueAtPercentile(50)),
                LatencyReport.duration(result.responseTimeNs().getValueAtPercentile(99)),
                LatencyReport.duration(result.responseTimeNs().getValueAtPercentile(99.9)),
                LatencyReport.duration(result.responseTimeNs().getMaxValue()),
                LatencyReport.errorCount(result), verdict));
            if (passed)
            {
                passRate = rate;
            }
            else
            {
                failRate = Double.isNaN(failRate) ? rate : Math.min(failRate, rate);
            }
            final double next;
            if (Double.isNaN(failRate))
            {
                if (rate >= rateMaxPerSecond)
                {
                    break;
                }
                next = Math.min(rateMaxPerSecond, rate * growthFactor);
            }
            else
            {
                if (passRate > 0 && failRate <= passRate * (1 + precision))
                {
                    break;
                }
                next = passRate > 0 ? (passRate + failRate) / 2 : failRate / growthFactor;
                if (passRate == 0 && next < startRatePerSecond / 64)
                {
                    break;
                }
            }
            rate = Math.rint(next);
        }
        return steps;
    }

    /** The highest passing rate among the steps, 0 when none passed. */
    public static double bestRate(final List<Step> steps)
    {
        double best = 0;
        for (final Step step : steps)
        {
            if (step.passed())
            {
                best = Math.max(best, step.ratePerSecond());
            }
        }
        return best;
    }

    /** "pass", or the first reason the step fails. */
    String verdict(final LoadResult result)
    {
        if (result.aborted())
        {
            return "fail: sender fell too far behind schedule";
        }
        if (result.mismatchedCount() != 0)
        {
            return "fail: mismatched replies";
        }
        if (result.answeredCount() < result.sentCount())
        {
            return "fail: " + (result.sentCount() - result.answeredCount()) + " not answered";
        }
        if (result.achievedRatePerSecond() < ACHIEVED_FRACTION_MIN * result.offeredRatePerSecond())
        {
            return String.format(Locale.ROOT, "fail: achieved below %.0f%% of offered",
                100 * ACHIEVED_FRACTION_MIN);
        }
        final long p99Ns = result.responseTimeNs().getValueAtPercentile(99);
        if (p99Ns > p99BoundNs)
        {
            return "fail: p99 " + LatencyReport.duration(p99Ns) + " > bound " + LatencyReport.duration(p99BoundNs);
        }
        return "pass";
    }
}
