package com.wodian.perf;

import com.wodian.engine.Engine;
import com.wodian.engine.EngineConfig;
import com.wodian.engine.ReplySink;
import com.wodian.journal.SnapshotStore;
import com.wodian.journal.SnapshotStore.SnapshotInfo;
import com.wodian.net.durability.EngineSnapshots;
import com.wodian.protocol.CommandCatalog;
import com.wodian.protocol.CommandEncoder;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Start-up costs apart from the journal (issue 14, item 6): a fresh engine at the default limits (time, heap), the
 * state hash of a large state, and a snapshot's write and load (the load includes the state-hash check), each repeated
 * in one JVM with wall and this thread's CPU time. The state: RecoveryHarness's workload (10,000 merchants, 20,000
 * terminals, {@code consumers} registered and topped up, then {@code pays} Pays with distinct payment ids), applied
 * straight into the engine.
 *
 * <p>Run: {@code java -Xmx6g -cp tools/target/wodian.jar com.wodian.perf.StartupProbe [consumers] [pays] [rounds]}
 * (defaults 1000000 1000000 3).
 */
public final class StartupProbe
{
    private static final int MERCHANTS = 10_000;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private StartupProbe()
    {
    }

    public static void main(final String[] args) throws Exception
    {
        final int consumers = args.length > 0 ? Integer.parseInt(args[0]) : 1_000_000;
        final int pays = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        final int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        System.out.printf("StartupProbe: %,d consumers, %,d pays, %d rounds, snapshot format %d%n", consumers, pays,
            rounds, Engine.SNAPSHOT_FORMAT_VERSION);
        timeFreshEngines(rounds);
        printFootprint("fresh engine at default limits", new Engine(new EngineConfig()));

        final EngineConfig config = new EngineConfig().consumersMax(consumers).merchantsMax(MERCHANTS)
            .terminalsMax(MERCHANTS * 2).keysMax(2_000_000).keyRetentionMs(0)
            .amountFenMax(EngineConfig.AMOUNT_FEN_CEILING);
        final Engine engine = new Engine(config);
        final long started = System.nanoTime();
        populate(engine, consumers, pays);
        System.out.printf("populated in %d ms: state hash %016x%n", (System.nanoTime() - started) / 1_000_000,
            engine.stateHash());
        timeStateHash(engine, rounds + 2);

        final Path root = Files.createTempDirectory("wodian-startup-probe");
        try
        {
            timeSnapshots(engine, config, new SnapshotStore(root, 1), rounds);
        }
        finally
        {
            try (Stream<Path> files = Files.walk(root))
            {
                files.sorted(Comparator.reverseOrder()).forEach((file) -> file.toFile().delete());
            }
        }
    }

    /** A fresh engine at the default limits, built {@code rounds} times: wall, CPU and heap of each. */
    private static void timeFreshEngines(final int rounds)
    {
        for (int round = 0; round < rounds; round++)
        {
            final long heapBefore = usedHeap();
            final long wall = System.nanoTime();
            final long cpu = THREADS.getCurrentThreadCpuTime();
            final Engine fresh = new Engine(new EngineConfig());
            final long wallNs = System.nanoTime() - wall;
            final long cpuNs = THREADS.getCurrentThreadCpuTime() - cpu;
            System.out.printf("fresh engine at default limits: %.1f ms wall, %.1f ms CPU, heap +%d MB%n",
                wallNs / 1e6, cpuNs / 1e6, (usedHeap() - heapBefore) >> 20);
            fresh.verifyInvariants();
        }
    }

    private static void timeStateHash(final Engine engine, final int rounds)
    {
        for (int round = 0; round < rounds; round++)
        {
            final long wall = System.nanoTime();
            final long cpu = THREADS.getCurrentThreadCpuTime();
            final long hash = engine.stateHash();
            System.out.printf("stateHash: %.1f ms wall, %.1f ms CPU (%016x)%n", (System.nanoTime() - wall) / 1e6,
                (THREADS.getCurrentThreadCpuTime() - cpu) / 1e6, hash);
        }
    }

    /** {@code rounds} snapshot writes, then {@code rounds} loads of the newest (each must give the same state). */
    private static void timeSnapshots(
        final Engine engine, final EngineConfig config, final SnapshotStore store, final int rounds)
    {
        for (int round = 0; round < rounds; round++)
        {
            final long wall = System.nanoTime();
            final long cpu = THREADS.getCurrentThreadCpuTime();
            final SnapshotInfo info = EngineSnapshots.write(engine, store, -1);
            System.out.printf("snapshot write: %.1f ms wall, %.1f ms CPU, %,d bytes%n",
                (System.nanoTime() - wall) / 1e6, (THREADS.getCurrentThreadCpuTime() - cpu) / 1e6,
                info.fileLength());
        }
        for (int round = 0; round < rounds; round++)
        {
            System.gc();
            final long wall = System.nanoTime();
            final long cpu = THREADS.getCurrentThreadCpuTime();
            final SnapshotStore.Loaded<Engine> loaded = store.loadNewest(Long.MAX_VALUE,
                (snapshot, input) -> EngineSnapshots.load(config, snapshot, input), System.out::println);
            System.out.printf("snapshot load (checksum, new engine, read, hash check): %.1f ms wall, %.1f ms " +
                "CPU%n", (System.nanoTime() - wall) / 1e6, (THREADS.getCurrentThreadCpuTime() - cpu) / 1e6);
            if (loaded == null || loaded.state().stateHash() != engine.stateHash())
            {
                throw new IllegalStateException("load failed");
            }
        }
    }

    /** The arrays an engine holds, by the field path of their table (largest first), and their total. */
    static void printFootprint(final String what, final Object engine)
    {
        final java.util.Map<String, Long> byPath = EngineFootprint.arraysByPath(engine, 3);
        final long total = byPath.values().stream().mapToLong(Long::longValue).sum();
        System.out.printf("%s: arrays %,d bytes; by table:%n", what, total);
        byPath.entrySet().stream().sorted(java.util.Map.Entry.<String, Long>comparingByValue().reversed()).limit(20)
            .forEach((entry) -> System.out.printf("  %,14d  %s%n", entry.getValue(), entry.getKey()));
    }

    private static long usedHeap()
    {
        System.gc();
        final Runtime runtime = Runtime.getRuntime();
        return runtime.totalMemory() - runtime.freeMemory();
    }

    private static void populate(final Engine engine, final int consumers, final int pays)
    {
        final CommandEncoder encoder = new CommandEncoder();
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[CommandCatalog.MAX_MESSAGE_LENGTH]);
        final SplittableRandom random = new SplittableRandom(0x5EED_0006L);
        long sequence = 0;
        for (long merchantId = 1; merchantId <= MERCHANTS; merchantId++)
        {
            apply(engine, ++sequence, buffer, encoder.registerMerchant(buffer, 0, merchantId,
                1 + (int)(merchantId % 10), 200, 100, 30, merchantId % 3 != 0));
            for (int t = 0; t < 2; t++)
            {
                apply(engine, ++sequence, buffer,
                    encoder.registerTerminal(buffer, 0, EngineFixture.terminalId(merchantId, t), merchantId));
            }
        }
        for (long consumerId = 1; consumerId <= consumers; consumerId++)
        {
            apply(engine, ++sequence, buffer,
                encoder.registerConsumer(buffer, 0, consumerId, 1 + random.nextInt(MERCHANTS)));
            apply(engine, ++sequence, buffer, encoder.topUp(buffer, 0, consumerId, consumerId, 1_000_000_000L));
        }
        for (int i = 0; i < pays; i++)
        {
            final long merchantId = 1 + random.nextInt(MERCHANTS);
            apply(engine, ++sequence, buffer, encoder.pay(buffer, 0, merchantId,
                EngineFixture.terminalId(merchantId, random.nextInt(2)), sequence, 1 + random.nextInt(consumers),
                random.nextLong(100, 20_001)));
        }
    }

    private static void apply(final Engine engine, final long sequence, final UnsafeBuffer buffer, final int length)
    {
        engine.onCommand(sequence, EngineFixture.timestampMs(sequence), buffer, 0, length, ReplySink.NONE);
    }
}
