import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How much of a CPU a running thread actually gets: one thread reads System.nanoTime in a tight loop for SECONDS and
 * counts the gaps between reads (a gap is time it did not run). Beside it, what the guest kernel says of the same
 * thread (/proc/thread-self/schedstat, status): the time it ran, the time it waited for a CPU, and the times a guest
 * task preempted it. Gaps that the guest does not see as waiting or preemption are time the host did not run this
 * vCPU. Run it on an otherwise idle machine (one thread: the other vCPU stays free for everything else).
 *
 *   java perf/scripts/wakeup-probe/CpuGaps.java 20
 */
public final class CpuGaps
{
    public static void main(final String[] args) throws Exception
    {
        final long durationNs = (long)(Double.parseDouble(args[0]) * 1e9);
        final long[] before = guestView();
        final long startNs = System.nanoTime();
        final long endNs = startNs + durationNs;
        long previousNs = startNs;
        long nowNs;
        long over10usCount = 0;
        long over10usSumNs = 0;
        long over200usCount = 0;
        long over1msCount = 0;
        long maxNs = 0;
        while ((nowNs = System.nanoTime()) < endNs)
        {
            final long gapNs = nowNs - previousNs;
            previousNs = nowNs;
            if (gapNs > 10_000)
            {
                over10usCount++;
                over10usSumNs += gapNs;
                over200usCount += gapNs > 200_000 ? 1 : 0;
                over1msCount += gapNs > 1_000_000 ? 1 : 0;
                maxNs = Math.max(maxNs, gapNs);
            }
        }
        final long wallNs = nowNs - startNs;
        final long[] after = guestView();
        System.out.printf("cpu gaps: %.1f s; gaps over 10 us %d (%.2f ms, %.2f%% of the time), over 200 us %d, " +
            "over 1 ms %d, longest %.1f us; the guest says the thread ran %.3f s, waited %.3f s for a CPU, " +
            "was preempted %d times; load %s%n",
            wallNs / 1e9, over10usCount, over10usSumNs / 1e6, 100.0 * over10usSumNs / wallNs, over200usCount,
            over1msCount, maxNs / 1e3, (after[0] - before[0]) / 1e9, (after[1] - before[1]) / 1e9,
            after[2] - before[2], Files.readString(Path.of("/proc/loadavg")).trim());
    }

    /** Run time (ns), run-queue wait (ns) and involuntary switches of the calling thread, as the guest kernel counts. */
    private static long[] guestView() throws Exception
    {
        final Path self = Path.of("/proc").resolve(Files.readSymbolicLink(Path.of("/proc/thread-self")));
        final String[] schedstat = Files.readString(self.resolve("schedstat")).trim().split("\\s+");
        long preempted = 0;
        for (final String line : Files.readAllLines(self.resolve("status")))
        {
            if (line.startsWith("nonvoluntary_ctxt_switches"))
            {
                preempted = Long.parseLong(line.split("\\s+")[1]);
            }
        }
        return new long[] {Long.parseLong(schedstat[0]), Long.parseLong(schedstat[1]), preempted};
    }
}
