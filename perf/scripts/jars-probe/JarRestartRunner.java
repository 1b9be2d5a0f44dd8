package com.wodian.perf;

import com.wodian.engine.EngineConfig;
import com.wodian.journal.ChronicleJournal;
import com.wodian.journal.DurabilityPolicy;
import com.wodian.journal.JournalConfig;
import com.wodian.journal.JournalWriter;
import com.wodian.journal.SnapshotStore;
import com.wodian.net.durability.EngineRecovery;
import com.wodian.net.durability.EngineSnapshots;
import com.wodian.protocol.CommandCatalog;
import com.wodian.protocol.CommandEncoder;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * Loaded once per jar by RestartProbe (each in its own class loader): RecoveryHarness's workload (10,000 merchants,
 * 20,000 terminals, 1 M consumers registered and topped up, then Pays; 3 M inputs) written once as a journal, this
 * jar's own snapshot at sequence 2 M, then {@link #round}: a restart as the server does it
 * ({@code EngineRecovery.recover}: snapshot load, then the 1 M-input tail). {@code -DreserveB=true} builds the second
 * jar's engines with every table reserved at start (the control run of docs/history/engine-sessions.md);
 * {@code -DreserveCost=true}
 * times {@code Engine.reserveForInputs(1 M)} after the snapshot load (jars from 3a761a2 on); {@code -DloadOnly=true}
 * recovers only up to the snapshot's sequence (no tail), so a round times the snapshot load alone; {@code
 * -DfullReplay=true} recovers without the snapshot, so a round is the full replay of the 3 M inputs into a fresh engine
 * (what {@code wodian perf recovery} calls "full replay"; the tail columns are then the whole replay's);
 * {@code -DsnapshotAt=N} takes the snapshot at sequence N instead of 2 M (3000000: a snapshot holding the Pays' ~1 M
 * spend pairs, with {@code -DloadOnly=true} the load of a snapshot that holds pairs).
 */
public final class JarRestartRunner
{
    static final int MERCHANTS = 10_000;
    static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    static boolean reserve;
    /** The snapshot's sequence (2 M: after the registrations and top-ups, before the Pays). */
    static final long SNAPSHOT_AT = Long.getLong("snapshotAt", 2_000_000);
    /** The version every journal entry carries: this jar's (see {@link #schemaVersion}). */
    static final int JOURNAL_SCHEMA_VERSION = schemaVersion();

    static EngineConfig config(final int consumers)
    {
        return new EngineConfig().reserveTables(reserve).consumersMax(consumers).merchantsMax(MERCHANTS).terminalsMax(MERCHANTS * 2)
            .keysMax(2_000_000).keyRetentionMs(0).amountFenMax(EngineConfig.AMOUNT_FEN_CEILING);
    }

    /** Writes the journal under root/journal when asked, then this jar's snapshot at 2 M under root/snap-TAG. */
    public static Object setUp(final Path root, final String tag, final boolean writeJournal)
    {
        reserve = "new".equals(tag) && Boolean.getBoolean("reserveB");
        final JournalConfig jc = new JournalConfig(root.resolve("journal")).withDurabilityPolicy(DurabilityPolicy.PAGE_CACHE);
        if (writeJournal)
        {
            try (ChronicleJournal journal = ChronicleJournal.open(jc))
            {
                write(journal.writer(), 3_000_000, 1_000_000);
            }
        }
        final SnapshotStore store = new SnapshotStore(root.resolve("snap-" + tag), 2);
        try (ChronicleJournal journal = ChronicleJournal.open(jc))
        {
            final EngineRecovery.Result head = EngineRecovery.recover(journal, null, config(1_000_000), SNAPSHOT_AT, (l) -> { });
            EngineSnapshots.write(head.engine(), store, head.tailer().lastChronicleIndex());
            head.tailer().close();
            for (int i = 0; i < 3 && Boolean.getBoolean("reserveCost"); i++)
            {
                final EngineRecovery.Result at = EngineRecovery.recover(journal, store, config(1_000_000), SNAPSHOT_AT, (l) -> { });
                at.tailer().close();
                final long t0 = System.nanoTime();
                final long c0 = THREADS.getCurrentThreadCpuTime();
                at.engine().reserveForInputs(1_000_000);
                System.out.printf("%s reserveForInputs(1M) after the snapshot load: %.1f ms wall, %.1f ms CPU%n", tag,
                    (System.nanoTime() - t0) / 1e6, (THREADS.getCurrentThreadCpuTime() - c0) / 1e6);
            }
        }
        return new Object[]{jc, store};
    }

    /** wall ns, snapshot load ns, tail ns, tail apply CPU ns, this thread's CPU ns, state hash */
    public static long[] round(final Object state)
    {
        final JournalConfig jc = (JournalConfig)((Object[])state)[0];
        final SnapshotStore store = (SnapshotStore)((Object[])state)[1];
        try (ChronicleJournal journal = ChronicleJournal.open(jc))
        {
            final long c0 = THREADS.getCurrentThreadCpuTime();
            final long t0 = System.nanoTime();
            // -DloadOnly=true: recover up to the snapshot's own sequence, so a round is the snapshot load alone.
            final long toSequence = Boolean.getBoolean("loadOnly") ? SNAPSHOT_AT : Long.MAX_VALUE;
            final EngineRecovery.Result r = EngineRecovery.recover(journal, Boolean.getBoolean("fullReplay") ? null : store,
                config(1_000_000), toSequence,
                (l) -> System.out.println(l));
            final long wall = System.nanoTime() - t0;
            final long cpu = THREADS.getCurrentThreadCpuTime() - c0;
            r.tailer().close();
            return new long[]{wall, r.snapshotLoadNs(), r.replayNs(), r.replayApplyCpuNs(), cpu, r.engine().stateHash()};
        }
    }

    /** As JarRunner.scatter: a fixed mix of a consumer number into a positive id. */
    static long scatter(final long consumer)
    {
        long z = consumer * 0x9E3779B97F4A7C15L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return (z ^ (z >>> 31)) >>> 1;
    }

    private static void write(final JournalWriter writer, final long inputs, final int consumers)
    {
        final CommandEncoder encoder = new CommandEncoder();
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[CommandCatalog.MAX_MESSAGE_LENGTH]);
        final SplittableRandom random = new SplittableRandom(0x5EED_0006L);
        long sequence = 0;
        for (long merchantId = 1; merchantId <= MERCHANTS; merchantId++)
        {
            append(writer, ++sequence, buffer, encoder.registerMerchant(buffer, 0, merchantId, 1 + (int)(merchantId % 10), 200, 100, 30, merchantId % 3 != 0));
            for (int t = 0; t < 2; t++)
            {
                append(writer, ++sequence, buffer, encoder.registerTerminal(buffer, 0, EngineFixture.terminalId(merchantId, t), merchantId));
            }
        }
        // -DscatterIds=true: consumer i under a scattered id (JarRunner.scatter), so the ids are no run.
        final boolean scattered = Boolean.getBoolean("scatterIds");
        if (scattered)
        {
            System.out.println("journal: consumer ids scattered, e.g. 1 -> " + scatter(1));
        }
        for (long consumer = 1; consumer <= consumers; consumer++)
        {
            final long consumerId = scattered ? scatter(consumer) : consumer;
            append(writer, ++sequence, buffer, encoder.registerConsumer(buffer, 0, consumerId, 1 + random.nextInt(MERCHANTS)));
            append(writer, ++sequence, buffer, encoder.topUp(buffer, 0, consumerId, consumer, 1_000_000_000L));
        }
        while (sequence < inputs)
        {
            final long merchantId = 1 + random.nextInt(MERCHANTS);
            // Drawn in the order of the journal before -DscatterIds (terminal, consumer, amount): the same journal.
            final long terminalId = EngineFixture.terminalId(merchantId, random.nextInt(2));
            final long consumer = 1 + random.nextInt(consumers);
            append(writer, ++sequence, buffer, encoder.pay(buffer, 0, merchantId, terminalId, sequence,
                scattered ? scatter(consumer) : consumer, random.nextLong(100, 20_001)));
            if ((sequence & 0xFFF) == 0)
            {
                writer.endOfBatch();
            }
        }
        writer.endOfBatch();
    }

    /**
     * The payload schema version of the jar this class was loaded with, read at run time: {@code
     * CommandCatalog.SCHEMA_VERSION} in the source is a compile-time constant, inlined from the jar this runner was
     * compiled against (the NEW one), so an older jar's journal would carry the newer version in every entry (which
     * that jar's recovery refuses) while its encoder writes its own.
     */
    public static int schemaVersion()
    {
        try
        {
            return CommandCatalog.class.getField("SCHEMA_VERSION").getInt(null);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new IllegalStateException(ex);
        }
    }

    private static void append(final JournalWriter writer, final long sequence, final UnsafeBuffer buffer, final int length)
    {
        writer.append(sequence, EngineFixture.timestampMs(sequence), JOURNAL_SCHEMA_VERSION, buffer, 0, length);
    }

}
