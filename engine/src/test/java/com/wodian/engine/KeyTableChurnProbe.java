package com.wodian.engine;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * A probe, not a test: what a full, churning key table costs per new key (find that misses, insert that forgets the
 * oldest finished key by backward-shift deletion, finish), apart from the rest of a Pay, so that a table that stays
 * in cache shows the instructions and branches and a large one the misses. Per round, in the thread's CPU time:
 * <ul>
 *     <li>{@code none}: each key applied alone;</li>
 *     <li>{@code staged}: per 64 keys, first the lines the batch prefetch loads (the new key's index line, the
 *     forgotten key's index line and record, {@link RecordTable#touchSlot}, {@link RecordTable#touchEviction}), then
 *     the 64 keys ({@code apply}: their part alone, by wall clock);</li>
 *     <li>{@code staged+random} / {@code staged+seq}: as staged, with 14 loads per key of a 512-MiB array between the
 *     two phases, random or in consecutive lines (as many lines as a staged Pay's other loads).</li>
 * </ul>
 * Run from the repository root after {@code mvn -B -q -pl engine -am test-compile} and a package:
 * {@code java -Xms3g -Xmx3g -XX:+AlwaysPreTouch -cp engine/target/test-classes:tools/target/wodian.jar
 * com.wodian.engine.KeyTableChurnProbe KEYS ROUNDS KEYS_PER_ROUND} (KEYS 4096: cache-resident; 2000000: the Pay
 * benchmark's table). docs/history/engine-sessions.md (2026-12-04 21:10-22:00) has its figures.
 */
public final class KeyTableChurnProbe
{
    private static final int BATCH = 64;
    private static final int OTHER_LOADS_PER_KEY = 14;
    private static final String[] MODES = {"none", "staged", "staged+random", "staged+seq"};
    private static final long[] OTHER = new long[1 << 26];

    private final RecordTable table;
    private long nextKey = 1;
    private long applyNs;
    private long folded;

    private KeyTableChurnProbe(final int keys)
    {
        table = new RecordTable(keys, 0, true);
        for (int i = 0; i < keys; i++)
        {
            table.finish(table.insert(RecordFields.Payment.NAMESPACE, 7, nextKey++, 1), 1);
        }
    }

    public static void main(final String[] args)
    {
        final KeyTableChurnProbe probe = new KeyTableChurnProbe(Integer.parseInt(args[0]));
        final int rounds = Integer.parseInt(args[1]);
        final int keysPerRound = Integer.parseInt(args[2]) / BATCH * BATCH;
        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        for (int round = 0; round < rounds; round++)
        {
            for (int mode = 0; mode < MODES.length; mode++)
            {
                probe.applyNs = 0;
                final long startNs = threads.getCurrentThreadCpuTime();
                for (int batch = 0; batch < keysPerRound / BATCH; batch++)
                {
                    probe.batch(mode);
                }
                final long cpuNs = threads.getCurrentThreadCpuTime() - startNs;
                System.out.printf("round %d %-13s %6.1f ns per key, apply %6.1f ns%n", round, MODES[mode],
                    (double)cpuNs / keysPerRound, (double)probe.applyNs / keysPerRound);
            }
        }
        System.out.println("fold " + (probe.folded & 1));
    }

    private void batch(final int mode)
    {
        long loads = 0;
        if (mode >= 1)
        {
            for (int i = 0; i < BATCH; i++)
            {
                loads += table.touchSlot(RecordFields.Payment.NAMESPACE, 7, nextKey + i);
            }
            for (int i = 0; i < BATCH; i++)
            {
                loads += table.touchEviction(i);
            }
        }
        loads += mode == 2 ? otherRandom() : mode == 3 ? otherSequential() : 0;
        folded += loads;
        final long startNs = System.nanoTime();
        for (int i = 0; i < BATCH; i++)
        {
            final long key = nextKey++;
            if (table.find(RecordFields.Payment.NAMESPACE, 7, key) >= 0)
            {
                throw new IllegalStateException("key " + key + " is new");
            }
            table.finish(table.insert(RecordFields.Payment.NAMESPACE, 7, key, 2), 2);
        }
        applyNs += System.nanoTime() - startNs;
    }

    private long otherRandom()
    {
        long loads = 0;
        for (int i = 0; i < BATCH * OTHER_LOADS_PER_KEY; i++)
        {
            loads += OTHER[(int)((nextKey * 31 + i) * 0x9E3779B97F4A7C15L >>> 40) & (OTHER.length - 1)];
        }
        return loads;
    }

    private long otherSequential()
    {
        final int lines = BATCH * OTHER_LOADS_PER_KEY;
        final int from = (int)((nextKey * 0x9E3779B97F4A7C15L) >>> 40) & (OTHER.length - 1 - lines * 8);
        long loads = 0;
        for (int i = 0; i < lines; i++)
        {
            loads += OTHER[from + 8 * i];
        }
        return loads;
    }
}
