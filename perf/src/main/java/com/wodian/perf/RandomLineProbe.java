package com.wodian.perf;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.SplittableRandom;

/**
 * What the machine gives a staged Pay's prefetch phase, without the engine: the cost of random cache lines at the Pay
 * benchmark's table sizes, by the measuring thread's CPU time. Three loops over the same kind of data:
 * <ol>
 *     <li>dependent: each load's address comes from the previous load (one miss at a time: the latency of a random
 *     line, page walk included) in a 512 MiB array ({@code -Dprobe.bigMiB} sets another size);</li>
 *     <li>independent: addresses from a precomputed array, nothing else in the loop (as many misses in flight as the
 *     core allows) in the same array;</li>
 *     <li>staged, as {@code BatchPrefetcher} does it, in batches of 64: a random line of a 32 MiB key index and an id
 *     map's home line (32 MiB of (id, index + 1) pairs) in one loop, the indexes through the now-cached slots in the
 *     next, the 192-byte records (192 MiB; the consumer record was 192 bytes until 657c630) in a third: three random
 *     lines per entry over two dependency levels.</li>
 * </ol>
 * The staged figure per entry divided by three is what one random line costs the prefetch phase at best on this
 * machine; a staged Pay's prefetch loads four random lines of large tables since 657c630, five before (docs/engine.md,
 * "Cache lines per hot-path command", "Counted again").
 *
 * <pre>java -Xms3g -Xmx3g -XX:+AlwaysPreTouch -cp wodian.jar com.wodian.perf.RandomLineProbe [rounds]</pre>
 * (the other arrays take ~290 MiB beside {@code -Dprobe.bigMiB}: 2-GiB rows need a heap over ~2.3 GiB; add
 * {@code -XX:+UseTransparentHugePages} for 2-MiB pages)
 */
public final class RandomLineProbe
{
    private static final int RECORDS = 1 << 20;
    private static final int SLOTS = 1 << 21;
    private static final int RECORD_LONGS = 24;
    private static final int LINE_LONGS = 8;
    private static final int BATCH = 64;
    private static final int BATCHES = 1 << 14;

    private final long[] idMap = new long[2 * SLOTS];
    private final long[] records = new long[LINE_LONGS + RECORDS * RECORD_LONGS];
    private final long[] keyIndex = new long[1 << 22];
    /** The array of the dependent and independent loops: 512 MiB, or {@code -Dprobe.bigMiB=2048}. */
    private final long[] big = new long[Integer.getInteger("probe.bigMiB", 512) << 17];
    private final long[] ids = new long[BATCHES * BATCH];
    private final int[] keySlots = new int[BATCHES * BATCH];
    private final int[] bigSlots = new int[1 << 22];
    private final int[] indexes = new int[BATCH];

    private RandomLineProbe()
    {
        for (int i = 0; i < RECORDS; i++)
        {
            final long id = i + 1;
            int slot = home(id);
            while (idMap[2 * slot + 1] != 0)
            {
                slot = (slot + 1) & (SLOTS - 1);
            }
            idMap[2 * slot] = id;
            idMap[2 * slot + 1] = i + 1;
            records[LINE_LONGS + i * RECORD_LONGS] = id;
        }
        final SplittableRandom random = new SplittableRandom(7);
        for (int i = 0; i < ids.length; i++)
        {
            ids[i] = 1 + random.nextInt(RECORDS);
            keySlots[i] = random.nextInt(keyIndex.length);
        }
        for (int i = 0; i < bigSlots.length; i++)
        {
            bigSlots[i] = random.nextInt(big.length / LINE_LONGS) * LINE_LONGS;
        }
        // One random cycle through every line (Sattolo), so the dependent walk never settles into cached lines.
        final int lines = big.length / LINE_LONGS;
        final int[] order = new int[lines];
        for (int i = 0; i < lines; i++)
        {
            order[i] = i;
        }
        for (int i = lines - 1; i > 0; i--)
        {
            final int j = random.nextInt(i);
            final int swap = order[i];
            order[i] = order[j];
            order[j] = swap;
        }
        for (int i = 0; i < lines; i++)
        {
            big[order[i] * LINE_LONGS] = (long)order[(i + 1) % lines] * LINE_LONGS;
        }
    }

    private static int home(final long id)
    {
        return (int)((id * 0x9E3779B97F4A7C15L) >>> 43) & (SLOTS - 1);
    }

    public static void main(final String[] args)
    {
        final int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 5;
        final RandomLineProbe probe = new RandomLineProbe();
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long folded = 0;
        for (int round = 0; round <= rounds; round++)
        {
            long cpu = threads.getCurrentThreadCpuTime();
            folded += probe.dependent();
            final double dependentNs = (threads.getCurrentThreadCpuTime() - cpu) / (double)(probe.bigSlots.length / 8);
            cpu = threads.getCurrentThreadCpuTime();
            folded += probe.independent();
            final double independentNs = (threads.getCurrentThreadCpuTime() - cpu) / (double)probe.bigSlots.length;
            cpu = threads.getCurrentThreadCpuTime();
            folded += probe.staged();
            final double stagedNs = (threads.getCurrentThreadCpuTime() - cpu) / (double)probe.ids.length;
            System.out.printf("%s  dependent %.0f ns/line, independent %.1f ns/line, staged %.0f ns/entry of 3 lines"
                + " (%.0f ns/line)%n", round == 0 ? "warm-up" : "round " + round, dependentNs, independentNs, stagedNs,
                stagedNs / 3);
        }
        System.out.println("fold " + (folded == 42 ? "!" : "ok"));
    }

    private long dependent()
    {
        int at = bigSlots[0];
        for (int i = 0; i < bigSlots.length / 8; i++)
        {
            at = (int)big[at];
        }
        return at;
    }

    private long independent()
    {
        long folded = 0;
        for (final int slot : bigSlots)
        {
            folded += big[slot];
        }
        return folded;
    }

    private long staged()
    {
        long folded = 0;
        for (int batch = 0; batch < BATCHES; batch++)
        {
            final int first = batch * BATCH;
            for (int i = first; i < first + BATCH; i++)
            {
                folded += keyIndex[keySlots[i]] + idMap[2 * home(ids[i]) + 1];
            }
            for (int i = first; i < first + BATCH; i++)
            {
                final long id = ids[i];
                int slot = home(id);
                while (idMap[2 * slot] != id)
                {
                    slot = (slot + 1) & (SLOTS - 1);
                }
                indexes[i - first] = (int)idMap[2 * slot + 1] - 1;
            }
            for (int i = 0; i < BATCH; i++)
            {
                folded += records[LINE_LONGS + indexes[i] * RECORD_LONGS];
            }
        }
        return folded;
    }
}
