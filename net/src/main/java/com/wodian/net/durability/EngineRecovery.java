package com.wodian.net.durability;

import com.wodian.engine.Engine;
import com.wodian.engine.EngineConfig;
import com.wodian.engine.table.ConsumerBook;
import com.wodian.journal.ChronicleJournal;
import com.wodian.journal.JournalCorruptException;
import com.wodian.journal.JournalTailer;
import com.wodian.journal.SnapshotInput;
import com.wodian.journal.SnapshotStore;
import com.wodian.journal.SnapshotStore.SnapshotInfo;

import java.util.function.Consumer;

/**
 * Recovery of an engine: the newest valid snapshot, then the journal's tail from the snapshot's sequence, reached by
 * a seek (not a scan from the first entry). A snapshot that is damaged, taken with other limits, restores to another
 * hash, or whose sequence is not in this journal is reported and the next older one is tried; with none left the
 * whole journal is replayed into a fresh engine.
 *
 * <p>Used by the server at start-up, by the snapshotter's replica, by the tools and by the perf harness; a standby
 * (issue 8) recovers the same way and keeps the returned tailer to follow the primary's stream.
 */
public final class EngineRecovery
{
    /** Excerpts read per poll while replaying. */
    private static final int POLL_LIMIT = 4096;
    /** Inputs prefetched together and then applied while replaying (docs/engine.md, "The batch path"). */
    public static final int REPLAY_BATCH = 64;

    /**
     * What recovery did.
     *
     * @param engine          the recovered engine, at the journal's last sequence (or {@code toSequence}).
     * @param snapshot        the snapshot it started from, or null when it replayed from the first entry.
     * @param tailer          the journal tailer, positioned after the last entry applied; the caller closes it or
     *                        keeps following the journal with it (on the same thread).
     * @param replayedCount   journal entries applied after the snapshot.
     * @param replayedBytes   bytes of those entries.
     * @param snapshotLoadNs  time spent loading snapshots (failed attempts included).
     * @param replayNs        time spent replaying the tail.
     * @param replayApplyCpuNs CPU time of the thread that applied the tail ({@link ReplayPipeline}); the reading was
     *                        on the caller's thread.
     */
    public record Result(
        Engine engine,
        SnapshotInfo snapshot,
        JournalTailer tailer,
        long replayedCount,
        long replayedBytes,
        long snapshotLoadNs,
        long replayNs,
        long replayApplyCpuNs)
    {
        /**
         * @return a one-line summary for logs.
         */
        public String describe()
        {
            return (null == snapshot ? "no snapshot" : "snapshot at sequence " + snapshot.journalSequence()) +
                " (" + snapshotLoadNs / 1_000_000 + " ms), replayed " + replayedCount + " inputs, " +
                replayedBytes / 1024 + " KiB (" + replayNs / 1_000_000 + " ms, apply thread's CPU " +
                replayApplyCpuNs / 1_000_000 + " ms), state at sequence " +
                engine.lastSequence();
        }
    }

    private EngineRecovery()
    {
    }

    /**
     * One engine built ahead on its own thread, then new ones on demand (after a snapshot failed half-way into one).
     */
    private static final class FreshEngine
    {
        private final EngineConfig config;
        private final java.util.concurrent.FutureTask<Engine> first;
        private boolean taken;

        FreshEngine(final EngineConfig config)
        {
            this.config = config;
            this.first = new java.util.concurrent.FutureTask<>(() -> new Engine(config));
            final Thread builder = new Thread(first, "wodian-engine-build");
            builder.setDaemon(true);
            builder.start();
        }

        Engine take()
        {
            if (taken)
            {
                return new Engine(config);
            }
            taken = true;
            try
            {
                return first.get();
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while building the engine", ex);
            }
            catch (final java.util.concurrent.ExecutionException ex)
            {
                throw ex.getCause() instanceof RuntimeException ? (RuntimeException)ex.getCause() :
                    new IllegalStateException("cannot build the engine", ex.getCause());
            }
        }
    }

    /**
     * Loads one snapshot into a fresh engine; a snapshot of another engine format is refused before an engine is
     * taken for it, with the format in the message (the store reports it and tries an older snapshot, then the
     * journal alone).
     */
    private static Engine load(final FreshEngine fresh, final SnapshotInfo info, final SnapshotInput input)
    {
        final String formatProblem = EngineSnapshots.formatProblem(info);
        if (null != formatProblem)
        {
            throw new IllegalStateException(formatProblem);
        }
        return EngineSnapshots.load(fresh.take(), info, input);
    }

    /**
     * Recover up to the journal's last entry.
     *
     * @param journal  the journal.
     * @param store    snapshots to start from, or null to replay the whole journal.
     * @param config   limits of the engine; a snapshot taken with other limits is refused.
     * @param reporter receives one line per snapshot passed over.
     * @return the recovered engine and how it got there.
     * @throws JournalCorruptException when the journal's tail cannot be trusted (no fallback can help then).
     */
    public static Result recover(
        final ChronicleJournal journal,
        final SnapshotStore store,
        final EngineConfig config,
        final Consumer<String> reporter)
    {
        return recover(journal, store, config, Long.MAX_VALUE, reporter);
    }

    /**
     * Whether a replay grows its tables ahead ({@code Engine.reserveForInputs}): after a snapshot load, the tables that
     * gain at most a row per input (the tail then grows the restored tables to what they reach anyway); in a full
     * replay, the key table and the consumer book ({@code Engine.reserveKeysForInputs}, {@code reserveConsumersFor}: a
     * whole journal's length bounds its keys closely and its consumers loosely, but would over-reserve the spend pairs;
     * the demo's offline replay of a short journal does reserve keys and pairs for all of it,
     * JournalCommand.replayAndVerify); and only in a JVM whose heap is pre-touched
     * ({@code -XX:+AlwaysPreTouch}, as {@code bin/wodian server} runs): there the growth is a memory-speed copy
     * (17-21 ms for a 1 M tail after a 1 M-key snapshot), while on a heap not touched yet it first-touches a few
     * hundred MB on the critical path (measured 200-500 ms for 60 MB on this VM), which the doublings instead leave to
     * the table preparer's thread in the background.
     */
    public static boolean growAheadPays()
    {
        return PRE_TOUCHED;
    }

    private static final boolean PRE_TOUCHED = preTouched();

    /**
     * Heap bytes a reserved consumer may take at most: its 256-byte row and its id map's share (two 16-byte slots),
     * both doubled for the rounding up to a power of two.
     */
    static final long CONSUMER_RESERVE_BYTES = 2L * (ConsumerBook.STRIDE * Long.BYTES + 2 * 2 * Long.BYTES);

    /**
     * The replay's length is known: grows the tables it adds a row to per input once, now, instead of by doublings
     * while it applies, where that pays ({@code preTouched}: {@link #growAheadPays} in {@link #recover}). After a
     * snapshot load, every such table ({@code Engine.reserveForInputs}); in a full replay, the key table
     * ({@code Engine.reserveKeysForInputs}): a whole journal's length bounds its keys closely (one per keyed input) but
     * would over-reserve the spend pairs; and the consumer book ({@code Engine.reserveConsumersFor}), for the journal's
     * length too (one registration per input at most; the consumer book's stepped copies were the largest growth cost
     * left in a full replay, docs/engine.md), but for no more consumers than half the free heap holds: a long journal
     * of few consumers would otherwise reserve up to {@code consumersMax}, which a heap sized for the consumers held
     * (not the limit) may not fit, where doublings would. The JVM's pre-touch is passed in, not read here, so that a
     * test (whose JVM is not pre-touched) runs both branches (GrowAheadTest).
     */
    static void growAhead(final Engine engine, final boolean afterSnapshot, final long inputs,
        final boolean preTouched)
    {
        if (!preTouched)
        {
            return;
        }
        if (afterSnapshot)
        {
            engine.reserveForInputs(inputs);
        }
        else
        {
            engine.reserveKeysForInputs(inputs);
            engine.reserveConsumersFor(Math.min(inputs, heapFreeBytes() / 2 / CONSUMER_RESERVE_BYTES));
        }
    }

    /** Heap not in use now: the maximum less what is used, garbage not collected yet included (a low estimate). */
    private static long heapFreeBytes()
    {
        final Runtime runtime = Runtime.getRuntime();
        return runtime.maxMemory() - (runtime.totalMemory() - runtime.freeMemory());
    }

    private static boolean preTouched()
    {
        try
        {
            final com.sun.management.HotSpotDiagnosticMXBean vm = java.lang.management.ManagementFactory
                .getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class);
            return null != vm && "true".equals(vm.getVMOption("AlwaysPreTouch").getValue());
        }
        catch (final RuntimeException ex)
        {
            return false;   // not a HotSpot VM: leave the tables to grow by doublings
        }
    }

    /**
     * Recover up to {@code toSequence} (for audits: the state as of a past point), or the journal's last entry when it
     * is smaller.
     */
    public static Result recover(
        final ChronicleJournal journal,
        final SnapshotStore store,
        final EngineConfig config,
        final long toSequence,
        final Consumer<String> reporter)
    {
        return recover(journal, store, config, toSequence, reporter, null);
    }

    /**
     * As {@link #recover(ChronicleJournal, SnapshotStore, EngineConfig, long, Consumer)}, telling {@code progress}
     * the sequence read after each poll of the journal (for progress lines on long runs; applied shortly after, on the
     * replay pipeline's thread), when it is not null.
     */
    public static Result recover(
        final ChronicleJournal journal,
        final SnapshotStore store,
        final EngineConfig config,
        final long toSequence,
        final Consumer<String> reporter,
        final java.util.function.LongConsumer progress)
    {
        return recover(journal, store, config, toSequence, reporter, progress, growAheadPays());
    }

    /**
     * The recovery of the public {@code recover} with a progress callback, growing the tables ahead of the replay
     * ({@link #growAhead}) when {@code preTouched} says that it pays: the public methods pass {@link #growAheadPays},
     * a test either value.
     */
    static Result recover(
        final ChronicleJournal journal,
        final SnapshotStore store,
        final EngineConfig config,
        final long toSequence,
        final Consumer<String> reporter,
        final java.util.function.LongConsumer progress,
        final boolean preTouched)
    {
        final long lastSequence = Math.min(toSequence, journal.lastSequence());
        long maxSnapshotSequence = lastSequence;
        long snapshotLoadNs = 0;
        // Building an engine can take a while (allocating its arrays); do it on another thread while this one reads the
        // newest snapshot's header and starts its load (the payload's checksum runs beside the load:
        // SnapshotStore.loadNewest).
        final FreshEngine fresh = new FreshEngine(config);
        while (true)
        {
            final long loadStartNs = System.nanoTime();
            final SnapshotStore.Loaded<Engine> loaded = null == store ? null :
                store.loadNewest(maxSnapshotSequence, (info, input) -> load(fresh, info, input), reporter);
            final Engine engine = null == loaded ? fresh.take() : loaded.state();
            snapshotLoadNs += System.nanoTime() - loadStartNs;

            final JournalTailer tailer;
            try
            {
                tailer = journal.tailer(engine.lastSequence() + 1,
                    null == loaded ? -1 : loaded.info().chronicleIndex());
            }
            catch (final JournalCorruptException ex)
            {
                if (null == loaded)
                {
                    throw ex;
                }
                reporter.accept("snapshot at sequence " + loaded.info().journalSequence() +
                    " skipped: its entry is not in the journal (" + ex.getMessage() + ")");
                maxSnapshotSequence = loaded.info().journalSequence() - 1;
                continue;
            }

            try
            {
                final long replayStartNs = System.nanoTime();
                final long bytesBefore = tailer.bytesRead();
                growAhead(engine, null != loaded, lastSequence - engine.lastSequence(), preTouched);
                final TailReplay replayed = replayTail(engine, tailer, lastSequence, progress);
                if (engine.lastSequence() != lastSequence)
                {
                    throw new IllegalStateException("recovery stopped at sequence " + engine.lastSequence() +
                        " but the journal ends at " + lastSequence);
                }
                return new Result(engine, null == loaded ? null : loaded.info(), tailer, replayed.entries(),
                    tailer.bytesRead() - bytesBefore, snapshotLoadNs, System.nanoTime() - replayStartNs,
                    replayed.applyCpuNs());
            }
            catch (final RuntimeException ex)
            {
                tailer.close();
                throw ex;
            }
        }
    }

    /**
     * Reads the journal from the tailer's position up to {@code lastSequence} here and applies it on the replay
     * pipeline's thread in batches whose cache misses are prefetched together (Engine.prefetchBatch): reading the
     * next entries overlaps applying the previous ones.
     *
     * @return the entries read and the CPU time the applying thread spent.
     */
    private static TailReplay replayTail(
        final Engine engine,
        final JournalTailer tailer,
        final long lastSequence,
        final java.util.function.LongConsumer progress)
    {
        long replayedCount = 0;
        try (ReplayPipeline pipeline = new ReplayPipeline(engine, REPLAY_BATCH))
        {
            while (tailer.nextSequence() <= lastSequence)
            {
                final int limit = (int)Math.min(POLL_LIMIT, lastSequence - tailer.nextSequence() + 1);
                final long excerptsBefore = tailer.excerptsRead();
                replayedCount += tailer.poll(pipeline, limit);
                if (null != progress)
                {
                    progress.accept(tailer.nextSequence() - 1);
                }
                if (tailer.excerptsRead() == excerptsBefore)
                {
                    break;
                }
            }
            pipeline.finish();
            return new TailReplay(replayedCount, pipeline.applyCpuNs());
        }
    }

    /** What {@link #replayTail} did: entries read, and the applying thread's CPU time. */
    private record TailReplay(long entries, long applyCpuNs)
    {
    }
}
