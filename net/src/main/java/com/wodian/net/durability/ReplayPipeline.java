package com.wodian.net.durability;

import com.wodian.engine.BatchApplier;
import com.wodian.engine.Engine;
import com.wodian.engine.ReplySink;
import com.wodian.journal.JournalEntryDescriptor;
import com.wodian.journal.JournalEntryHandler;
import com.wodian.protocol.CommandCatalog;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;

/**
 * A replay in two stages on two threads: the caller reads the journal (Chronicle's read path, checksums, sequence
 * checks) and hands each verified entry to {@link #onEntry}, which copies it into a slot of a ring of chunks; a
 * thread of the pipeline's own ({@code wodian-replay-apply}) applies the filled chunks to the engine in order, in
 * prefetched batches ({@link BatchApplier#applyAll}, straight from the slots). So reading the next entries overlaps
 * applying the previous ones, where a second core is there to take it: the read, and for a fresh JVM the read path
 * still being compiled, leaves the thread that applies (docs/history/durability-sessions.md, section 7).
 *
 * <p>The engine sees exactly the inputs, order and batches' contents of a replay on one thread: replies and state are
 * the same (only timing differs). The engine is used on the apply thread from the first {@code onEntry} until
 * {@link #finish} returns; the caller must not touch it meanwhile, and may again after (the thread's end happens
 * before {@code finish} returns). The caller's reading stays on the caller's thread, so a journal tailer positioned by
 * the replay can be kept and followed afterwards on that thread.
 *
 * <p>Hand-over: chunks of {@link #CHUNK_ENTRIES} slots circulate between the two threads under this object's monitor,
 * once per chunk (not per entry); the reader waits when the applier is {@link #CHUNKS} chunks behind (and then until
 * {@link #RESUME_FREE_CHUNKS} are free), the applier when the reader is behind; each side wakes the other only when it
 * waits. Each slot is a buffer of its own (over one array), as each slot of the server's ring is, so
 * the engine's decoders see a new buffer per input here as there: C2 code compiled in a server does not meet a
 * never-taken branch in a replay in the same JVM (the demo's), nor the other way round.
 * Failures: an exception on the apply thread is rethrown to the caller at its next hand-over or at {@link #finish};
 * a caller that stops reading (its journal threw) calls {@link #close}, which stops the apply thread.
 * Allocation: the ring (2 MiB) and the thread, per replay; nothing per entry.
 */
public final class ReplayPipeline implements JournalEntryHandler, AutoCloseable
{
    /** Entries per chunk, handed over together. */
    static final int CHUNK_ENTRIES = 256;
    /** Chunks in the ring: how far the reader may run ahead of the applier. */
    static final int CHUNKS = 8;
    /** Free chunks a reader that found the ring full waits for before it reads on. */
    static final int RESUME_FREE_CHUNKS = CHUNKS / 2;
    private static final int SLOT = JournalEntryDescriptor.MAX_PAYLOAD_LENGTH;
    private static final int SLOTS = CHUNK_ENTRIES * CHUNKS;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    private final BatchApplier batches;
    /** One buffer per slot, over one array (see {@link BatchApplier#applyAll} for why not one buffer for all). */
    private final UnsafeBuffer[] slots = new UnsafeBuffer[SLOTS];
    private final long[] sequences = new long[SLOTS];
    private final long[] timestamps = new long[SLOTS];
    private final int[] lengths = new int[SLOTS];
    /** Entries in each chunk (the last chunk handed over may be partly filled). */
    private final int[] chunkCounts = new int[CHUNKS];
    private final Thread applier;

    // Reader's side (caller thread only).
    private int fillingChunk;
    private int fillingCount;
    private boolean finished;

    // Shared under this object's monitor: chunks handed over and chunks applied, both counted from 0 (chunk n is ring
    // position n % CHUNKS); whether the reader has handed over its last chunk; a failure of the applier; a stop.
    private long handedOver;
    private long applied;
    private boolean lastHandedOver;
    private boolean stopped;
    private Throwable failure;
    /** The reader waits for free chunks (set and cleared by the reader under the monitor). */
    private boolean readerWaiting;
    /** The applier waits for a chunk (set and cleared by the applier under the monitor). */
    private boolean applierWaiting;
    private long applyCpuNs;

    /**
     * Starts the apply thread for {@code engine}; inputs are applied in prefetched batches of {@code batchMax}.
     */
    public ReplayPipeline(final Engine engine, final int batchMax)
    {
        this.batches = new BatchApplier(engine, batchMax, ReplySink.NONE);
        final byte[] bytes = new byte[SLOTS * SLOT];
        for (int i = 0; i < SLOTS; i++)
        {
            slots[i] = new UnsafeBuffer(bytes, i * SLOT, SLOT);
        }
        this.applier = new Thread(this::applyChunks, "wodian-replay-apply");
        applier.setDaemon(true);
        applier.start();
    }

    /** Copies a verified entry into the ring; hands the chunk over when it is full (caller's thread). */
    @Override
    public void onEntry(final long sequence, final long timestampMs, final int payloadVersion,
        final DirectBuffer payload, final int offset, final int length)
    {
        if (length < 0 || length > SLOT)
        {
            throw new IllegalArgumentException("journal entry " + sequence + " of " + length + " bytes");
        }
        CommandCatalog.requireReadableEntry(sequence, payloadVersion);
        final int slot = fillingChunk * CHUNK_ENTRIES + fillingCount;
        slots[slot].putBytes(0, payload, offset, length);
        sequences[slot] = sequence;
        timestamps[slot] = timestampMs;
        lengths[slot] = length;
        if (++fillingCount == CHUNK_ENTRIES)
        {
            handOver(false);
        }
    }

    /**
     * Hands over what was read since the last chunk and waits until every entry is applied (caller's thread).
     *
     * @throws RuntimeException what the engine threw on the apply thread, if it did
     */
    public void finish()
    {
        if (!finished)
        {
            handOver(true);
            finished = true;
        }
        try
        {
            applier.join();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the replay was applied", ex);
        }
        rethrowFailure();
    }

    /** CPU time of the apply thread, once {@link #finish} has returned. */
    public long applyCpuNs()
    {
        synchronized (this)
        {
            return applyCpuNs;
        }
    }

    /** Stops the apply thread if it still runs (after the caller's reading failed) and waits for it. */
    @Override
    public void close()
    {
        synchronized (this)
        {
            stopped = true;
            notifyAll();
        }
        try
        {
            applier.join();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private void handOver(final boolean last)
    {
        synchronized (this)
        {
            chunkCounts[fillingChunk] = fillingCount;
            handedOver++;
            lastHandedOver = last;
            if (applierWaiting || last)
            {
                notifyAll();
            }
            // Wait for a free chunk to fill next: the applier must have finished the chunk at that position. Once
            // the ring is full, wait until half of it is free (RESUME_FREE_CHUNKS), so that each wake-up fills several
            // chunks: one wake-up per chunk cost the applier a futex call and a context switch every 256 inputs.
            if (!last && handedOver - applied >= CHUNKS)
            {
                readerWaiting = true;
                while (handedOver - applied > CHUNKS - RESUME_FREE_CHUNKS && null == failure && !stopped)
                {
                    waitHere();
                }
                readerWaiting = false;
            }
        }
        rethrowFailure();
        fillingChunk = (int)(handedOver % CHUNKS);
        fillingCount = 0;
    }

    private void rethrowFailure()
    {
        final Throwable thrown;
        synchronized (this)
        {
            thrown = failure;
        }
        if (thrown instanceof RuntimeException)
        {
            throw (RuntimeException)thrown;
        }
        if (thrown instanceof Error)
        {
            throw (Error)thrown;
        }
        if (null != thrown)
        {
            throw new IllegalStateException("replay failed", thrown);
        }
    }

    private void applyChunks()
    {
        final long cpuStartNs = THREADS.getCurrentThreadCpuTime();
        try
        {
            long next = 0;
            while (true)
            {
                final int count;
                synchronized (this)
                {
                    while (applied == handedOver && !stopped)
                    {
                        if (lastHandedOver && applied == handedOver)
                        {
                            break;
                        }
                        applierWaiting = true;
                        waitHere();
                        applierWaiting = false;
                    }
                    if (stopped || applied == handedOver)
                    {
                        break;   // stopped, or everything handed over is applied and nothing more will come
                    }
                    count = chunkCounts[(int)(next % CHUNKS)];
                }
                final int chunk = (int)(next % CHUNKS);
                batches.applyAll(slots, chunk * CHUNK_ENTRIES, count, sequences, timestamps, lengths);
                synchronized (this)
                {
                    applied = ++next;
                    if (readerWaiting && handedOver - applied <= CHUNKS - RESUME_FREE_CHUNKS)
                    {
                        notifyAll();
                    }
                }
            }
        }
        catch (final Throwable ex)
        {
            synchronized (this)
            {
                failure = ex;
                notifyAll();
            }
        }
        finally
        {
            synchronized (this)
            {
                applyCpuNs = THREADS.getCurrentThreadCpuTime() - cpuStartNs;
            }
        }
    }

    private void waitHere()
    {
        try
        {
            wait();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while replaying", ex);
        }
    }
}
