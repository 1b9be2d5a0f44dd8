package com.wodian.engine;

import com.wodian.protocol.CommandCatalog;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

/**
 * Applies a stream of journaled inputs (a replay, a standby) in batches through the engine's two phases: each input
 * is copied into a batch, and when the batch is full (or {@link #flush()} is called) it is prefetched
 * ({@link Engine#prefetchBatch}) and then applied in sequence order. The copy frees the caller's buffer at once (a
 * journal reader's excerpt is valid only during its callback). Replies and state are those of applying each input as
 * it comes; only the timing differs. Allocation-free after construction; one thread.
 */
public final class BatchApplier
{
    private static final int SLOT = CommandCatalog.MAX_MESSAGE_LENGTH;

    private final Engine engine;
    private final ReplySink sink;
    private final int batchMax;
    private final UnsafeBuffer inputs;
    private final long[] sequences;
    private final long[] timestamps;
    private final int[] lengths;
    private int count;
    /** Folds the prefetch loads so that the JIT keeps them; never read for a decision. */
    private long prefetched;

    /**
     * @param batchMax inputs per batch, 1..{@link Engine#PREFETCH_BATCH_MAX} (1: no overlap, the same as applying
     *                 each input at once)
     */
    public BatchApplier(final Engine engine, final int batchMax, final ReplySink sink)
    {
        if (batchMax < 1 || batchMax > Engine.PREFETCH_BATCH_MAX)
        {
            throw new IllegalArgumentException("batchMax must be 1.." + Engine.PREFETCH_BATCH_MAX + ": " + batchMax);
        }
        this.engine = engine;
        this.sink = sink;
        this.batchMax = batchMax;
        this.inputs = new UnsafeBuffer(new byte[batchMax * SLOT]);
        this.sequences = new long[batchMax];
        this.timestamps = new long[batchMax];
        this.lengths = new int[batchMax];
        engine.expectInputsIn(inputs);
    }

    /** Adds the next input; applies the batch when it is full. */
    public void apply(final long sequence, final long timestampMs, final DirectBuffer buffer, final int offset,
        final int length)
    {
        if (length > SLOT || length < 0)
        {
            // Longer than any valid command: the engine refuses it; apply it in its place in the order.
            flush();
            engine.onCommand(sequence, timestampMs, buffer, offset, length, sink);
            return;
        }
        final int at = count * SLOT;
        inputs.putBytes(at, buffer, offset, length);
        sequences[count] = sequence;
        timestamps[count] = timestampMs;
        lengths[count] = length;
        engine.prefetchInput(inputs, at, length);
        if (++count == batchMax)
        {
            flush();
        }
    }

    /** Prefetches and applies the inputs added since the last flush (call it at the end of a read, before a check). */
    public void flush()
    {
        if (count == 0)
        {
            return;
        }
        prefetched += engine.prefetchBatch();
        final int applying = count;
        count = 0;
        for (int i = 0; i < applying; i++)
        {
            engine.onCommand(sequences[i], timestamps[i], inputs, i * SLOT, lengths[i], sink);
        }
    }

    /**
     * Prefetches and applies {@code count} inputs that already lie in buffers of the caller's, without copying them:
     * input {@code i} (from {@code first}) at offset 0 of {@code buffers[i]}, its sequence, time and length at index
     * {@code i} of the arrays. In batches of at most {@code batchMax}, each prefetched before it is applied, in order,
     * after any inputs added with {@link #apply} (flushed first); the result is that of {@link #apply} on each. For a
     * replay whose journal is read on another thread ({@code ReplayPipeline}). One buffer per input, as the server's
     * ring hands each input in the buffer of its slot: a decoder's {@code wrap} then sees a new buffer on (nearly)
     * every input in a replay as in the server, so code the JIT compiled for one does not hit a never-taken branch in
     * the other.
     */
    public void applyAll(final DirectBuffer[] buffers, final int first, final int count, final long[] sequences,
        final long[] timestamps, final int[] lengths)
    {
        flush();
        final int end = first + count;
        for (int batchStart = first; batchStart < end; batchStart += batchMax)
        {
            final int batchEnd = Math.min(end, batchStart + batchMax);
            for (int i = batchStart; i < batchEnd; i++)
            {
                engine.prefetchInput(buffers[i], 0, lengths[i]);
            }
            prefetched += engine.prefetchBatch();
            for (int i = batchStart; i < batchEnd; i++)
            {
                engine.onCommand(sequences[i], timestamps[i], buffers[i], 0, lengths[i], sink);
            }
        }
    }

    /** Inputs added and not applied yet. */
    public int pending()
    {
        return count;
    }

    /** The folded prefetch loads (non-zero once a batch with a hot-path command was prefetched). */
    public long prefetched()
    {
        return prefetched;
    }
}
