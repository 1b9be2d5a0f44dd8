package com.wodian.net.durability;

import com.wodian.engine.Engine;
import com.wodian.engine.EngineConfig;
import com.wodian.engine.ReplySink;
import com.wodian.journal.ChronicleJournal;
import com.wodian.journal.JournalEntryHandler;
import com.wodian.journal.JournalTailer;
import com.wodian.journal.SnapshotStore;
import com.wodian.journal.SnapshotStore.SnapshotInfo;
import com.wodian.protocol.CommandCatalog;
import com.wodian.protocol.sbe.TakeSnapshotDecoder;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.EpochClock;

/**
 * The snapshotter: a replica {@link Engine} on its own thread that follows the journal and writes snapshots of its
 * own state, so that the serving engine never pauses for a snapshot (its stall is zero by construction: it does not
 * take part). The replica applies exactly the journaled inputs, so its state at sequence N is the serving engine's
 * state at N, and the snapshot is taken at an exact journal sequence.
 *
 * <p>Triggers, checked between inputs: every {@code intervalInputs} applied inputs; every {@code intervalMs} of wall
 * time when anything was applied since the last snapshot; right after a journaled {@code TakeSnapshot} command
 * (template 25: the snapshot is at that command's sequence); and {@link #requestSnapshot()} (at the replica's position
 * when it handles the request).
 *
 * <p>Cost: a second engine's memory (its arrays are sized by the same {@link EngineConfig}) and the CPU to apply
 * every input a second time (the engine applies ~1M payments/s per core, so 50,000 payments/s cost ~5% of a core),
 * plus the snapshot writes themselves. The replica starts by recovering like the server (newest snapshot + tail), in
 * {@link #onStart()} on its own thread, so it does not delay the server's start. This is also the shape of a standby
 * node (issue 8), whose stream comes from the network instead of the local journal.
 */
public final class SnapshotAgent implements Agent
{
    /** Inputs applied per {@link #doWork()}: bounds the time between trigger checks. */
    private static final int INPUTS_PER_WORK_MAX = 1024;

    private final FollowedJournal followed;
    private final SnapshotStore store;
    private final EngineConfig engineConfig;
    private final long intervalInputs;
    private final long intervalMs;
    private final EpochClock clock;
    private final System.Logger log;
    private final JournalEntryHandler applier = this::apply;

    private Engine engine;
    private JournalTailer tailer;
    private long generation;
    private long tailerChronicleIndex = -1;
    private long appliedSinceSnapshot;
    private long lastSnapshotMs;
    private boolean snapshotMarkerSeen;
    private volatile boolean snapshotRequested;
    private volatile long appliedSequence;
    private volatile long snapshotCount;
    private volatile SnapshotInfo lastSnapshot;
    private volatile long lastSnapshotWriteMs;
    private volatile boolean ready;

    /**
     * @param journal        the journal to follow.
     * @param store          where snapshots go (it also prunes to its retain count).
     * @param engineConfig   the serving engine's limits.
     * @param intervalInputs a snapshot every this many applied inputs; 0 for none.
     * @param intervalMs     a snapshot every this many milliseconds if anything was applied; 0 for none.
     * @param clock          wall clock for {@code intervalMs}.
     * @param log            where snapshots and recovery are logged.
     */
    public SnapshotAgent(
        final ChronicleJournal journal,
        final SnapshotStore store,
        final EngineConfig engineConfig,
        final long intervalInputs,
        final long intervalMs,
        final EpochClock clock,
        final System.Logger log)
    {
        this(FollowedJournal.of(journal), store, engineConfig, intervalInputs, intervalMs, clock, log);
    }

    /**
     * As above, following a journal that a replica group shares: only up to its readable (committed and applied)
     * sequence, reopening its tailer when a truncation replaced the journal.
     */
    public SnapshotAgent(
        final FollowedJournal followed,
        final SnapshotStore store,
        final EngineConfig engineConfig,
        final long intervalInputs,
        final long intervalMs,
        final EpochClock clock,
        final System.Logger log)
    {
        this.followed = followed;
        this.store = store;
        this.engineConfig = engineConfig;
        this.intervalInputs = intervalInputs;
        this.intervalMs = intervalMs;
        this.clock = clock;
        this.log = log;
    }

    @Override
    public void onStart()
    {
        final EngineRecovery.Result result;
        followed.lock();
        try
        {
            generation = followed.generation();
            final ChronicleJournal journal = followed.journal();
            if (null == journal)
            {
                throw new IllegalStateException("the journal was closed before the snapshotter started");
            }
            result = EngineRecovery.recover(journal, store, engineConfig, followed.readableSequence(),
                (line) -> log.log(System.Logger.Level.WARNING, "snapshotter: " + line));
        }
        finally
        {
            followed.unlock();
        }
        engine = result.engine();
        tailer = result.tailer();
        tailerChronicleIndex = tailer.lastChronicleIndex();
        appliedSequence = engine.lastSequence();
        lastSnapshot = result.snapshot();
        lastSnapshotMs = clock.time();
        appliedSinceSnapshot = null == result.snapshot() ? engine.lastSequence() :
            engine.lastSequence() - result.snapshot().journalSequence();
        ready = true;
        log.log(System.Logger.Level.INFO, "snapshotter ready: " + result.describe());
    }

    @Override
    public int doWork()
    {
        int workCount = applyReadable();
        appliedSequence = engine.lastSequence();
        if (snapshotMarkerSeen || (intervalInputs > 0 && appliedSinceSnapshot >= intervalInputs))
        {
            snapshotMarkerSeen = false;
            takeSnapshot();
            return workCount + 1;
        }

        if (snapshotRequested ||
            (intervalMs > 0 && appliedSinceSnapshot > 0 && clock.time() - lastSnapshotMs >= intervalMs))
        {
            snapshotRequested = false;
            takeSnapshot();
            workCount++;
        }
        return workCount;
    }

    @Override
    public void onClose()
    {
        followed.lock();
        try
        {
            if (null != tailer)
            {
                tailer.close();
                tailer = null;
            }
        }
        finally
        {
            followed.unlock();
        }
    }

    /**
     * Applies up to {@link #INPUTS_PER_WORK_MAX} readable entries under the journal's lock, stopping after a
     * snapshot trigger so that the snapshot is at that exact sequence; reopens the tailer on a replaced journal.
     */
    private int applyReadable()
    {
        int workCount = 0;
        followed.lock();
        try
        {
            final ChronicleJournal journal = followed.journal();
            if (null == journal || null == tailer)
            {
                return 0; // stopping
            }
            if (journal.startSequence() > engine.lastSequence())
            {
                return 0; // a snapshot install replaced the journal beyond this engine: the server restarts on it
            }
            if (followed.generation() != generation)
            {
                // A truncation replaced the journal; it only cut entries above the readable sequence, so the
                // entries this engine applied are in the new one, at the same sequences.
                tailer.close();
                tailer = null;
                tailer = journal.tailer(engine.lastSequence() + 1, -1);
                generation = followed.generation();
            }
            final long readable = followed.readableSequence();
            while (workCount < INPUTS_PER_WORK_MAX && tailer.nextSequence() <= readable &&
                !snapshotMarkerSeen && (intervalInputs <= 0 || appliedSinceSnapshot < intervalInputs))
            {
                if (0 == tailer.poll(applier, 1))
                {
                    break;
                }
                workCount++;
            }
            tailerChronicleIndex = tailer.lastChronicleIndex();
        }
        finally
        {
            followed.unlock();
        }
        return workCount;
    }

    @Override
    public String roleName()
    {
        return "wodian-snapshotter";
    }

    /**
     * Ask for a snapshot at the replica's position when the agent next looks (within a few milliseconds when idle).
     * May be called from any thread.
     */
    public void requestSnapshot()
    {
        snapshotRequested = true;
    }

    /**
     * @return true once the replica has recovered and follows the journal.
     */
    public boolean isReady()
    {
        return ready;
    }

    /**
     * @return the journal sequence the replica has applied; the serving engine is at or ahead of it.
     */
    public long appliedSequence()
    {
        return appliedSequence;
    }

    /**
     * @return snapshots written by this agent.
     */
    public long snapshotCount()
    {
        return snapshotCount;
    }

    /**
     * @return the last snapshot written or recovered from, or null.
     */
    public SnapshotInfo lastSnapshot()
    {
        return lastSnapshot;
    }

    /**
     * @return wall time the last snapshot took to write, on the snapshotter's thread.
     */
    public long lastSnapshotWriteMs()
    {
        return lastSnapshotWriteMs;
    }

    private void apply(
        final long sequence,
        final long timestampMs,
        final int payloadVersion,
        final DirectBuffer buffer,
        final int offset,
        final int length)
    {
        CommandCatalog.requireReadableEntry(sequence, payloadVersion);
        engine.onCommand(sequence, timestampMs, buffer, offset, length, ReplySink.NONE);
        appliedSinceSnapshot++;
        if (length >= CommandCatalog.HEADER_LENGTH &&
            TakeSnapshotDecoder.TEMPLATE_ID == CommandCatalog.templateId(buffer, offset))
        {
            snapshotMarkerSeen = true;
        }
    }

    private void takeSnapshot()
    {
        appliedSequence = engine.lastSequence();
        if (null != lastSnapshot && lastSnapshot.journalSequence() == engine.lastSequence())
        {
            appliedSinceSnapshot = 0;
            return;
        }
        final long startNs = System.nanoTime();
        final SnapshotInfo info;
        try
        {
            info = EngineSnapshots.write(engine, store, tailerChronicleIndex);
        }
        catch (final java.io.UncheckedIOException ex)
        {
            // A full or failing disk: the replica goes on following the journal, and the next trigger tries again
            // (not the next millisecond: the counters restart as if this snapshot had been taken).
            log.log(System.Logger.Level.ERROR, "snapshot at sequence " + engine.lastSequence() + " failed", ex);
            lastSnapshotMs = clock.time();
            appliedSinceSnapshot = 0;
            return;
        }
        lastSnapshotWriteMs = (System.nanoTime() - startNs) / 1_000_000;
        followed.snapshotWritten();
        lastSnapshot = info;
        lastSnapshotMs = clock.time();
        appliedSinceSnapshot = 0;
        snapshotCount++;
        log.log(System.Logger.Level.INFO, "snapshot at sequence " + info.journalSequence() + ": " +
            info.fileLength() / 1024 + " KiB in " + lastSnapshotWriteMs + " ms, " + info.file().getFileName());
    }
}
