package com.wodian.perf;

import com.wodian.engine.Engine;
import com.wodian.engine.EngineConfig;
import com.wodian.engine.ReplySink;
import com.wodian.protocol.CommandCatalog;
import com.wodian.protocol.CommandEncoder;
import org.agrona.concurrent.UnsafeBuffer;
import java.util.SplittableRandom;

/**
 * How long the engine thread is held by table growth: {@link RecoveryHarness}'s workload (10 k merchants, 20 k
 * terminals, consumers registered and topped up, then Pays over random consumers; 2 M keys) applied straight to one
 * engine, no journal, each input timed apart. Prints the longest single input (and where it was), how many took over
 * 1 ms and over 10 ms, the total, the heap used after and the state hash (equal whatever the tables or the JVM flags).
 * Growth is where the long inputs come from: a doubling of the key index or the record pool, or the JVM's first touch
 * of a large new array (docs/engine.md, "Table growth"). Besides wall time, each input's CPU time on this thread is
 * taken too (the longest by CPU is what the engine thread itself spent, page faults included, and is robust to a
 * loaded machine taking the CPU away; a wait at a safepoint shows only in wall time).
 *
 * <p>Run: {@code java -Xmx3g [-Xms3g -XX:+AlwaysPreTouch] -cp tools/target/wodian.jar
 * com.wodian.perf.GrowthStallProbe [inputs] [consumers] [reserve]} (defaults 3000000 1000000, tables that grow).
 */
public final class GrowthStallProbe
{
    private static final int MERCHANTS = 10_000;
    private static final int TERMINALS_PER_MERCHANT = 2;
    private static final long TOP_UP_FEN = 1_000_000_000L;
    private static final long SEED = 0x5EED_0006L;

    private GrowthStallProbe()
    {
    }

    public static void main(final String[] args)
    {
        final long inputs = args.length > 0 ? Long.parseLong(args[0]) : 3_000_000L;
        final int consumers = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        final boolean reserve = args.length > 2 && "reserve".equals(args[2]);
        final long constructStartNs = System.nanoTime();
        final Engine engine = new Engine(new EngineConfig()
            .reserveTables(reserve)
            .consumersMax(consumers)
            .merchantsMax(MERCHANTS)
            .terminalsMax(MERCHANTS * TERMINALS_PER_MERCHANT)
            .keysMax(2_000_000)
            .keyRetentionMs(0)
            .amountFenMax(com.wodian.engine.EngineConfig.AMOUNT_FEN_CEILING));
        final long constructNs = System.nanoTime() - constructStartNs;

        final CommandEncoder encoder = new CommandEncoder();
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[CommandCatalog.MAX_MESSAGE_LENGTH]);
        final SplittableRandom random = new SplittableRandom(SEED);
        long longestNs = 0;
        long longestAt = 0;
        long over1Ms = 0;
        long over10Ms = 0;
        long longestCpuNs = 0;
        long longestCpuAt = 0;
        final java.lang.management.ThreadMXBean threads = java.lang.management.ManagementFactory.getThreadMXBean();
        final long startNs = System.nanoTime();
        for (long sequence = 1; sequence <= inputs; sequence++)
        {
            final int length = encode(encoder, buffer, random, sequence, consumers);
            final long beforeCpuNs = threads.getCurrentThreadCpuTime();
            final long beforeNs = System.nanoTime();
            engine.onCommand(sequence, EngineFixture.timestampMs(sequence), buffer, 0, length, ReplySink.NONE);
            final long tookNs = System.nanoTime() - beforeNs;
            final long tookCpuNs = threads.getCurrentThreadCpuTime() - beforeCpuNs;
            if (tookCpuNs > longestCpuNs)
            {
                longestCpuNs = tookCpuNs;
                longestCpuAt = sequence;
            }
            if (tookNs > longestNs)
            {
                longestNs = tookNs;
                longestAt = sequence;
            }
            over1Ms += tookNs > 1_000_000 ? 1 : 0;
            over10Ms += tookNs > 10_000_000 ? 1 : 0;
        }
        final long totalNs = System.nanoTime() - startNs;
        final Runtime runtime = Runtime.getRuntime();
        System.out.printf("GrowthStallProbe: %,d inputs, %,d consumers, tables %s; construction %d ms; replay %d ms " +
            "(%,.0f inputs/s, timed); longest single input %.1f ms at input %,d (by this thread's CPU: %.1f ms at " +
            "input %,d); %,d inputs over 1 ms, %,d over 10 ms; heap used %d MiB of %d committed; state hash %x%n",
            inputs, consumers, reserve ? "reserved" : "grown", constructNs / 1_000_000, totalNs / 1_000_000,
            inputs / (totalNs / 1e9), longestNs / 1e6, longestAt, longestCpuNs / 1e6, longestCpuAt, over1Ms, over10Ms,
            (runtime.totalMemory() - runtime.freeMemory()) >> 20, runtime.totalMemory() >> 20, engine.stateHash());
    }

    /** Input {@code sequence} of RecoveryHarness's workload (merchants and terminals, consumers, then Pays). */
    private static int encode(final CommandEncoder encoder, final UnsafeBuffer buffer, final SplittableRandom random,
        final long sequence, final int consumers)
    {
        final long partyInputs = (long)MERCHANTS * (1 + TERMINALS_PER_MERCHANT);
        if (sequence <= partyInputs)
        {
            final long merchantId = 1 + (sequence - 1) / (1 + TERMINALS_PER_MERCHANT);
            final int slot = (int)((sequence - 1) % (1 + TERMINALS_PER_MERCHANT));
            return slot == 0
                ? encoder.registerMerchant(buffer, 0, merchantId, 1 + (int)(merchantId % 10), 200, 100, 30,
                    merchantId % 3 != 0)
                : encoder.registerTerminal(buffer, 0, EngineFixture.terminalId(merchantId, slot - 1), merchantId);
        }
        final long consumerInput = sequence - partyInputs - 1;
        if (consumerInput < 2L * consumers)
        {
            final long consumerId = 1 + consumerInput / 2;
            return (consumerInput & 1) == 0
                ? encoder.registerConsumer(buffer, 0, consumerId, 1 + random.nextInt(MERCHANTS))
                : encoder.topUp(buffer, 0, consumerId, consumerId, TOP_UP_FEN);
        }
        final long merchantId = 1 + random.nextInt(MERCHANTS);
        return encoder.pay(buffer, 0, merchantId, EngineFixture.terminalId(merchantId,
            random.nextInt(TERMINALS_PER_MERCHANT)), sequence, 1 + random.nextInt(consumers),
            random.nextLong(100, 20_001));
    }
}
