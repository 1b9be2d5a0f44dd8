package com.wodian.perf;

import com.wodian.engine.BatchApplier;
import com.wodian.engine.Engine;
import com.wodian.engine.EngineConfig;
import com.wodian.engine.ReplySink;
import com.wodian.journal.ChronicleJournal;
import com.wodian.journal.JournalConfig;
import com.wodian.journal.JournalEntryHandler;
import com.wodian.journal.ReadAheadReplay;
import com.wodian.net.durability.EngineRecovery;
import com.wodian.net.durability.ReplayPipeline;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Where an offline replay's time goes, cold and warm (issue 14 item 6: the demo's offline replay of ~221 k inputs in
 * under 0.5 s): an existing journal (e.g. {@code bin/wodian demo --data DIR}'s) replayed in rounds in one JVM, each
 * round: the full replay as the demo does it (a fresh engine at the default limits, batches of 64 prefetched and
 * applied, the invariants checked, the state hash taken), the journal read on this thread or, with
 * {@code read-ahead}, on a second one ({@link ReadAheadReplay}); then the journal read and verified alone (nothing
 * applied). Wall and this thread's CPU per pass. The first round is what a fresh JVM pays (the JIT has not compiled
 * the read path yet); later rounds are the steady state.
 *
 * <p>Run: {@code java <flags> -cp tools/target/wodian.jar com.wodian.perf.ReplayRounds DATA_DIR [rounds]
 * [read-ahead|pipeline]}; {@code pipeline}: read on this thread, applied on a second one ({@link ReplayPipeline}, what
 * the demo and recovery do).
 */
public final class ReplayRounds
{
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private ReplayRounds()
    {
    }

    public static void main(final String[] args)
    {
        final Path dataDir = Path.of(args[0]);
        final Path journalDir = Files.isDirectory(dataDir.resolve("journal")) ? dataDir.resolve("journal") : dataDir;
        final int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        final boolean readAhead = args.length > 2 && "read-ahead".equals(args[2]);
        final boolean pipeline = args.length > 2 && "pipeline".equals(args[2]);
        for (int round = 1; round <= rounds; round++)
        {
            final Engine engine = new Engine(new EngineConfig());
            long wall = System.nanoTime();
            long cpu = THREADS.getCurrentThreadCpuTime();
            long applyCpuNs = -1;
            final BatchApplier batches = new BatchApplier(engine, 64, ReplySink.NONE);
            try (ChronicleJournal journal = ChronicleJournal.open(new JournalConfig(journalDir)))
            {
                final JournalEntryHandler apply = (sequence, timestampMs, payloadVersion, payload, offset, length) ->
                    batches.apply(sequence, timestampMs, payload, offset, length);
                if (pipeline)
                {
                    // As the demo replays since 2026-12-04: read on this thread, applied on the pipeline's.
                    try (ReplayPipeline pipe = new ReplayPipeline(engine, EngineRecovery.REPLAY_BATCH))
                    {
                        journal.replay(1, pipe);
                        pipe.finish();
                        applyCpuNs = pipe.applyCpuNs();
                    }
                }
                else if (readAhead)
                {
                    ReadAheadReplay.replay(journal, 1, apply);
                }
                else
                {
                    journal.replay(1, apply);
                }
            }
            batches.flush();
            final String applied = pass(wall, cpu);
            wall = System.nanoTime();
            cpu = THREADS.getCurrentThreadCpuTime();
            engine.verifyInvariants();
            final String invariants = pass(wall, cpu);
            wall = System.nanoTime();
            cpu = THREADS.getCurrentThreadCpuTime();
            final long hash = engine.stateHash();
            final String hashed = pass(wall, cpu);
            final long[] count = new long[1];
            wall = System.nanoTime();
            cpu = THREADS.getCurrentThreadCpuTime();
            try (ChronicleJournal journal = ChronicleJournal.open(new JournalConfig(journalDir)))
            {
                journal.replay(1, (sequence, timestampMs, payloadVersion, payload, offset, length) -> count[0]++);
            }
            final String read = pass(wall, cpu);
            System.out.printf("%s round %d%s: replay (read, batch, prefetch, apply) %s%s; invariants %s; " +
                "state hash %s (%016x); then %,d inputs read+verified alone %s%n", java.time.LocalTime.now(), round,
                readAhead ? " read-ahead" : pipeline ? " pipeline" : "", applied,
                pipeline ? String.format(" (CPU of this thread; the apply thread: %.0f ms)", applyCpuNs / 1e6) : "",
                invariants, hashed, hash, count[0], read);
        }
    }

    private static String pass(final long wallStartNs, final long cpuStartNs)
    {
        return String.format("%.0f ms wall / %.0f ms CPU", (System.nanoTime() - wallStartNs) / 1e6,
            (THREADS.getCurrentThreadCpuTime() - cpuStartNs) / 1e6);
    }
}
