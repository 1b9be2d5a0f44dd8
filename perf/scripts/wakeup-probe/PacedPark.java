import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.locks.LockSupport;

/**
 * The load generator's wait for a send time, alone: a thread that waits for instants PERIOD_NS apart the way
 * LoadGenerator.waitUntil does (park until MARGIN_NS before, spin the rest), with its timer slack set to SLACK_NS
 * (omit: leave the default, 50 us on Linux). Prints the CPU per wake-up and how late each instant was met, over
 * 40,000 instants after 5,000 of warm-up: what the machine gives a punctual sender with nothing else of ours running.
 *
 *   java perf/scripts/wakeup-probe/PacedPark.java PERIOD_NS MARGIN_NS [SLACK_NS]
 *   java perf/scripts/wakeup-probe/PacedPark.java 200000 15000 1000     # 5k/s, the load generator's settings
 */
public final class PacedPark
{
    private static final long PARK_THRESHOLD_NS = 30_000;
    private static final int WARMUP = 5_000;
    private static final int MEASURED = 40_000;

    public static void main(final String[] args) throws Exception
    {
        final long periodNs = Long.parseLong(args[0]);
        final long marginNs = Long.parseLong(args[1]);
        final Path slackFile = Path.of("/proc",
            Files.readSymbolicLink(Path.of("/proc/thread-self")).getFileName().toString(), "timerslack_ns");
        if (args.length > 2)
        {
            Files.writeString(slackFile, args[2]);
        }
        final String slack = Files.readString(slackFile).trim();
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        final long[] lateNs = new long[MEASURED];
        long parks = 0;
        long cpuStartNs = 0;
        long nextNs = System.nanoTime() + 1_000_000;
        for (int i = 0; i < WARMUP + MEASURED; i++)
        {
            if (i == WARMUP)
            {
                cpuStartNs = threads.getCurrentThreadCpuTime();
            }
            long nowNs;
            while ((nowNs = System.nanoTime()) < nextNs)
            {
                final long remainingNs = nextNs - nowNs;
                if (remainingNs > PARK_THRESHOLD_NS)
                {
                    LockSupport.parkNanos(remainingNs - marginNs);
                    parks++;
                }
                else
                {
                    Thread.onSpinWait();
                }
            }
            if (i >= WARMUP)
            {
                lateNs[i - WARMUP] = nowNs - nextNs;
            }
            nextNs += periodNs;
        }
        final long cpuNs = threads.getCurrentThreadCpuTime() - cpuStartNs;
        Arrays.sort(lateNs);
        System.out.printf("paced park: period %d ns, margin %d ns, timer slack %s ns: CPU %.1f us per instant, " +
            "%.2f parks per instant; late p50 %.1f p90 %.1f p99 %.1f p99.9 %.1f max %.1f us; load %s%n",
            periodNs, marginNs, slack, cpuNs / 1e3 / MEASURED, parks / (double)(WARMUP + MEASURED),
            at(lateNs, 0.5), at(lateNs, 0.9), at(lateNs, 0.99), at(lateNs, 0.999), lateNs[MEASURED - 1] / 1e3,
            Files.readString(Path.of("/proc/loadavg")).trim());
    }

    private static double at(final long[] sorted, final double quantile)
    {
        return sorted[(int)(quantile * sorted.length)] / 1e3;
    }
}
