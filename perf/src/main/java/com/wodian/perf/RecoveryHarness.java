package com.wodian.perf;

import com.wodian.engine.Engine;
import com.wodian.engine.EngineConfig;
import com.wodian.engine.ReplySink;
import com.wodian.journal.ChronicleJournal;
import com.wodian.journal.DurabilityPolicy;
import com.wodian.journal.JournalConfig;
import com.wodian.journal.JournalEntryHandler;
import com.wodian.journal.JournalTailer;
import com.wodian.journal.JournalWriter;
import com.wodian.journal.SnapshotStore;
import com.wodian.journal.SnapshotStore.SnapshotInfo;
import com.wodian.net.durability.EngineRecovery;
import com.wodian.net.durability.EngineSnapshots;
import com.wodian.net.durability.ReplayPipeline;
import com.wodian.protocol.CommandCatalog;
import com.wodian.protocol.CommandEncoder;
import com.wodian.protocol.sbe.PayEncoder;
import org.HdrHistogram.Histogram;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.SplittableRandom;
import java.util.stream.Stream;

/**
 * Durability numbers at production scale, one phase after the other on one journal:
 * <ol>
 *     <li>journal write: {@code inputs} entries (registration and top-up of every consumer, then single-phase Pays
 *     over random consumers and merchants, as in {@link EnginePayBenchmark}), page-cache policy;</li>
 *     <li>journal read: every entry read and verified (checksum, sequence), nothing applied: inputs/s and MB/s;</li>
 *     <li>recovery without a snapshot: a new engine plus the whole journal applied (the engine's own construction
 *     timed apart), with a snapshot written at {@code inputs - tail} on the way (its write time and size);</li>
 *     <li>restart with a snapshot: a new engine, the snapshot loaded, the last {@code tail} inputs replayed after a
 *     seek;</li>
 *     <li>snapshot stall: the serving engine's per-Pay service time while another thread writes a snapshot of a
 *     replica engine at full size (the snapshotter's design: the serving engine takes no part), against the same
 *     measurement with no snapshot running.</li>
 * </ol>
 * Run: {@code bin/wodian perf recovery [inputs] [consumers] [tail] [--engine-tables reserve]} (defaults 10000000
 * 1000000 1000000, tables that grow), or
 * {@code java -Xmx8g -cp tools/target/wodian.jar com.wodian.perf.RecoveryHarness 10000000 1000000 1000000 [reserve]}:
 * {@code reserve} builds every engine with its tables reserved at start ({@link EngineConfig#reserveTables(boolean)}).
 * Needs about 3.5 GB of heap at a million consumers (three engines at the peak) and ~1.2 GB of disk in the
 * temporary directory, deleted at the end.
 */
public final class RecoveryHarness
{
    private static final int MERCHANTS = 10_000;
    private static final int TERMINALS_PER_MERCHANT = 2;
    private static final long TOP_UP_FEN = 1_000_000_000L;
    private static final int POLL_LIMIT = 4096;
    private static final long SEED = 0x5EED_0006L;
    private static final int PAYMENT_ID_OFFSET = CommandEncoder.HEADER_LENGTH + PayEncoder.paymentIdEncodingOffset();

    private static final java.lang.management.ThreadMXBean THREADS =
        java.lang.management.ManagementFactory.getThreadMXBean();

    /** CPU time of the phase just measured on this thread: on a shared machine, what the phase itself cost. */
    private static long phaseCpuStartNs;
    /** Engines reserve their tables at start instead of growing them (argument 4: reserve). */
    private static boolean reserveTables;

    private RecoveryHarness()
    {
    }

    private static void startCpu()
    {
        phaseCpuStartNs = THREADS.getCurrentThreadCpuTime();
    }

    private static String cpu(final long inputs)
    {
        final long cpuNs = THREADS.getCurrentThreadCpuTime() - phaseCpuStartNs;
        return String.format(" [this thread's CPU: %d ms%s]", cpuNs / 1_000_000,
            inputs > 0 ? String.format(", %,.0f inputs per CPU-second", inputs / (cpuNs / 1e9)) : "");
    }

    public static void main(final String[] args) throws Exception
    {
        final long inputs = args.length > 0 ? Long.parseLong(args[0]) : 10_000_000L;
        final int consumers = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        final long tail = args.length > 2 ? Long.parseLong(args[2]) : 1_000_000L;
        reserveTables = args.length > 3 && "reserve".equals(args[3]);
        final Path root = Files.createTempDirectory("wodian-recovery-harness");
        try
        {
            run(root, inputs, consumers, tail);
        }
        finally
        {
            try (Stream<Path> files = Files.walk(root))
            {
                files.sorted(Comparator.reverseOrder()).forEach((file) -> file.toFile().delete());
            }
        }
    }

    private static EngineConfig config(final int consumers)
    {
        return new EngineConfig()
            .reserveTables(reserveTables)
            .consumersMax(consumers)
            .merchantsMax(MERCHANTS)
            .terminalsMax(MERCHANTS * TERMINALS_PER_MERCHANT)
            .keysMax(2_000_000)
            .keyRetentionMs(0)
            .amountFenMax(EngineConfig.AMOUNT_FEN_CEILING);
    }

    private static void run(final Path root, final long inputs, final int consumers, final long tail)
        throws IOException, InterruptedException
    {
        final EngineConfig config = config(consumers);
        final JournalConfig journalConfig = new JournalConfig(root.resolve("journal"))
            .withDurabilityPolicy(DurabilityPolicy.PAGE_CACHE);
        final SnapshotStore store = new SnapshotStore(root.resolve("snapshots"), 2);
        System.out.printf("RecoveryHarness: %,d inputs, %,d consumers, tail %,d, tables %s; %d cores, max heap %d MB%n",
            inputs, consumers, tail, reserveTables ? "reserved at start" : "grown with use",
            Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20);

        // 1. Journal write.
        startCpu();
        final long startNs = System.nanoTime();
        try (ChronicleJournal journal = ChronicleJournal.open(journalConfig))
        {
            writeJournal(journal.writer(), inputs, consumers);
        }
        report("journal write", inputs, System.nanoTime() - startNs, -1);

        try (ChronicleJournal journal = ChronicleJournal.open(journalConfig))
        {
            final long bytes = readAndVerify(journal, inputs);
            final Engine replica = replayFully(journal, store, config, inputs, tail, bytes);
            final Engine primary = restartFromSnapshot(journal, store, config, replica);
            // 5. Stall of the serving engine while a snapshot of the replica is written by another thread.
            measureStall(primary, replica, store, consumers);
        }
    }

    /** Phase 2: every entry read and verified, nothing applied. Returns the journal's length in bytes. */
    private static long readAndVerify(final ChronicleJournal journal, final long inputs)
    {
        startCpu();
        final long startNs = System.nanoTime();
        final long bytes;
        try (JournalTailer tailer = journal.tailer(1, -1))
        {
            final long[] count = new long[1];
            drain(tailer, (s, t, v, b, o, l) -> count[0]++);
            bytes = tailer.bytesRead();
            if (count[0] != inputs)
            {
                throw new IllegalStateException("read " + count[0] + " of " + inputs);
            }
        }
        report("journal read+verify (no apply)", inputs, System.nanoTime() - startNs, bytes);
        return bytes;
    }

    /**
     * Phase 3: recovery without a snapshot (a new engine, timed apart, plus the whole journal), with a snapshot
     * written at {@code inputs - tail} on the way. Returns the engine that replayed everything.
     */
    private static Engine replayFully(
        final ChronicleJournal journal,
        final SnapshotStore store,
        final EngineConfig config,
        final long inputs,
        final long tail,
        final long bytes)
    {
        startCpu();
        final long startNs = System.nanoTime();
        new Engine(config).verifyInvariants();
        final long constructNs = System.nanoTime() - startNs;
        System.out.printf("  engine construction (%,d consumers max): %d ms%s%n", config.consumersMax(),
            constructNs / 1_000_000, cpu(0));
        startCpu();
        final EngineRecovery.Result head = EngineRecovery.recover(journal, null, config, inputs - tail,
            (line) -> System.out.println("  " + line));
        final Engine replica = head.engine();
        final long headNs = System.nanoTime() - startNs - constructNs;
        final long replayCpuNs = THREADS.getCurrentThreadCpuTime() - phaseCpuStartNs;
        startCpu();
        final long snapshotStartNs = System.nanoTime();
        final SnapshotInfo snapshot = EngineSnapshots.write(replica, store, head.tailer().lastChronicleIndex());
        final long snapshotWriteNs = System.nanoTime() - snapshotStartNs;
        final String snapshotCpu = cpu(0);
        startCpu();
        final long tailStartNs = System.nanoTime();
        long applyCpuNs = head.replayApplyCpuNs();
        // As recovery replays: read here, applied on the pipeline's thread.
        try (JournalTailer tailer = head.tailer();
            ReplayPipeline pipeline = new ReplayPipeline(replica, EngineRecovery.REPLAY_BATCH))
        {
            drain(tailer, pipeline);
            pipeline.finish();
            applyCpuNs += pipeline.applyCpuNs();
        }
        final long fullReplayNs = headNs + (System.nanoTime() - tailStartNs);
        phaseCpuStartNs -= replayCpuNs;
        report("full replay (apply every input, engine built apart)", inputs, fullReplayNs, bytes);
        System.out.printf("  of which applying on the replay thread: %d ms of its CPU, %,.0f inputs per CPU-second " +
            "(this thread read and verified the journal)%n", applyCpuNs / 1_000_000, inputs / (applyCpuNs / 1e9));
        System.out.printf("  recovery without snapshot = construction + replay: %d ms%n",
            (constructNs + fullReplayNs) / 1_000_000);
        System.out.printf("snapshot write at sequence %,d: %d ms, %,d bytes (%.0f MB/s), on the snapshotter's " +
            "thread%s%n", snapshot.journalSequence(), snapshotWriteNs / 1_000_000, snapshot.fileLength(),
            snapshot.fileLength() / 1e6 / (snapshotWriteNs / 1e9), snapshotCpu);
        return replica;
    }

    /** Phase 4: restart with the snapshot and the tail; the state must equal the full replay's. */
    private static Engine restartFromSnapshot(
        final ChronicleJournal journal, final SnapshotStore store, final EngineConfig config, final Engine replica)
    {
        startCpu();
        final long startNs = System.nanoTime();
        final EngineRecovery.Result restart = EngineRecovery.recover(journal, store, config,
            (line) -> System.out.println("  " + line));
        final long restartNs = System.nanoTime() - startNs;
        final String restartCpu = cpu(0);
        restart.tailer().close();
        final Engine primary = restart.engine();
        if (primary.stateHash() != replica.stateHash())
        {
            throw new IllegalStateException("restart hash " + primary.stateHash() + " != full replay hash " +
                replica.stateHash());
        }
        System.out.printf("restart with snapshot + %,d-input tail: %d ms (snapshot load incl. engine " +
            "construction %d ms, tail replay %d ms = %,.0f inputs/s); state hash equals the full replay's%s; " +
            "the tail's apply thread: %d ms CPU%n",
            restart.replayedCount(), restartNs / 1_000_000, restart.snapshotLoadNs() / 1_000_000,
            restart.replayNs() / 1_000_000, restart.replayedCount() / (restart.replayNs() / 1e9), restartCpu,
            restart.replayApplyCpuNs() / 1_000_000);
        return primary;
    }

    /** Polls until a poll reads nothing more: the end of what the journal holds. */
    private static void drain(final JournalTailer tailer, final JournalEntryHandler handler)
    {
        while (true)
        {
            final long before = tailer.excerptsRead();
            tailer.poll(handler, POLL_LIMIT);
            if (tailer.excerptsRead() == before)
            {
                break;
            }
        }
    }

    private static void writeJournal(final JournalWriter writer, final long inputs, final int consumers)
    {
        final CommandEncoder encoder = new CommandEncoder();
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[CommandCatalog.MAX_MESSAGE_LENGTH]);
        final SplittableRandom random = new SplittableRandom(SEED);
        long sequence = 0;
        for (long merchantId = 1; merchantId <= MERCHANTS && sequence < inputs; merchantId++)
        {
            append(writer, ++sequence, buffer, encoder.registerMerchant(buffer, 0, merchantId,
                1 + (int)(merchantId % 10), 200, 100, 30, merchantId % 3 != 0));
            for (int t = 0; t < TERMINALS_PER_MERCHANT && sequence < inputs; t++)
            {
                append(writer, ++sequence, buffer,
                    encoder.registerTerminal(buffer, 0, EngineFixture.terminalId(merchantId, t), merchantId));
            }
        }
        for (long consumerId = 1; consumerId <= consumers && sequence < inputs; consumerId++)
        {
            append(writer, ++sequence, buffer,
                encoder.registerConsumer(buffer, 0, consumerId, 1 + random.nextInt(MERCHANTS)));
            if (sequence < inputs)
            {
                append(writer, ++sequence, buffer, encoder.topUp(buffer, 0, consumerId, consumerId, TOP_UP_FEN));
            }
        }
        while (sequence < inputs)
        {
            final long merchantId = 1 + random.nextInt(MERCHANTS);
            append(writer, ++sequence, buffer, encoder.pay(buffer, 0, merchantId,
                EngineFixture.terminalId(merchantId, random.nextInt(TERMINALS_PER_MERCHANT)), sequence,
                1 + random.nextInt(consumers), random.nextLong(100, 20_001)));
            if ((sequence & 0xFFF) == 0)
            {
                writer.endOfBatch();
            }
        }
        writer.endOfBatch();
    }

    private static void append(final JournalWriter writer, final long sequence, final UnsafeBuffer buffer,
        final int length)
    {
        writer.append(sequence, EngineFixture.timestampMs(sequence), CommandCatalog.SCHEMA_VERSION, buffer, 0, length);
    }

    private static void measureStall(
        final Engine primary, final Engine replica, final SnapshotStore store, final int consumers)
        throws InterruptedException
    {
        final CommandEncoder encoder = new CommandEncoder();
        final UnsafeBuffer pay = new UnsafeBuffer(new byte[CommandCatalog.MAX_MESSAGE_LENGTH]);
        final SplittableRandom random = new SplittableRandom(SEED + 1);
        final long[] sequence = {primary.lastSequence()};
        final int payLength = encoder.pay(pay, 0, 1, EngineFixture.terminalId(1, 0), 0, 1, 100);

        final Histogram baseline = new Histogram(3_600_000_000_000L, 3);
        final Histogram during = new Histogram(3_600_000_000_000L, 3);
        final Thread snapshotter = new Thread(() -> EngineSnapshots.write(replica, store, -1), "snapshotter");

        // Warm up and baseline: 2 s of Pays with nothing else running.
        applyPays(primary, pay, payLength, random, consumers, sequence, baseline, System.nanoTime() + 2_000_000_000L,
            null);
        baseline.reset();
        applyPays(primary, pay, payLength, random, consumers, sequence, baseline, System.nanoTime() + 2_000_000_000L,
            null);
        final long startNs = System.nanoTime();
        snapshotter.start();
        applyPays(primary, pay, payLength, random, consumers, sequence, during, Long.MAX_VALUE, snapshotter);
        final long duringNs = System.nanoTime() - startNs;
        snapshotter.join();
        System.out.printf("serving engine Pay service time, no snapshot:          p50 %d ns, p99.99 %d ns, max %d ns " +
            "(%,d Pays)%n", baseline.getValueAtPercentile(50), baseline.getValueAtPercentile(99.99),
            baseline.getMaxValue(), baseline.getTotalCount());
        System.out.printf("serving engine Pay service time, snapshot being written: p50 %d ns, p99.99 %d ns, max %d " +
            "ns (%,d Pays during the %d ms write)%n", during.getValueAtPercentile(50),
            during.getValueAtPercentile(99.99), during.getMaxValue(), during.getTotalCount(), duringNs / 1_000_000);
        System.out.printf("serving engine stall for the snapshot: 0 by design (it takes no part); worst service time " +
            "while one was written: %.3f ms%n", during.getMaxValue() / 1e6);
    }

    private static void applyPays(
        final Engine engine,
        final UnsafeBuffer pay,
        final int payLength,
        final SplittableRandom random,
        final int consumers,
        final long[] sequence,
        final Histogram histogram,
        final long endNs,
        final Thread until)
    {
        final int consumerOffset = CommandEncoder.HEADER_LENGTH + PayEncoder.consumerIdEncodingOffset();
        final int merchantOffset = CommandEncoder.HEADER_LENGTH + PayEncoder.merchantIdEncodingOffset();
        final int terminalOffset = CommandEncoder.HEADER_LENGTH + PayEncoder.terminalIdEncodingOffset();
        while (null == until ? System.nanoTime() < endNs : until.isAlive())
        {
            for (int i = 0; i < 1000; i++)
            {
                final long merchantId = 1 + random.nextInt(MERCHANTS);
                final long next = ++sequence[0];
                pay.putLong(PAYMENT_ID_OFFSET, next, java.nio.ByteOrder.LITTLE_ENDIAN);
                pay.putLong(consumerOffset, 1 + random.nextInt(consumers), java.nio.ByteOrder.LITTLE_ENDIAN);
                pay.putLong(merchantOffset, merchantId, java.nio.ByteOrder.LITTLE_ENDIAN);
                pay.putLong(terminalOffset, EngineFixture.terminalId(merchantId, 0), java.nio.ByteOrder.LITTLE_ENDIAN);
                final long startNs = System.nanoTime();
                engine.onCommand(next, EngineFixture.timestampMs(next), pay, 0, payLength, ReplySink.NONE);
                histogram.recordValue(System.nanoTime() - startNs);
            }
        }
    }

    private static void report(final String what, final long inputs, final long elapsedNs, final long bytes)
    {
        final double seconds = elapsedNs / 1e9;
        System.out.printf("%s: %,d inputs in %d ms = %,.0f inputs/s%s%s%n", what, inputs, elapsedNs / 1_000_000,
            inputs / seconds, bytes < 0 ? "" : String.format(", %,.0f MB/s (%,d bytes)", bytes / 1e6 / seconds, bytes),
            cpu(inputs));
    }
}
