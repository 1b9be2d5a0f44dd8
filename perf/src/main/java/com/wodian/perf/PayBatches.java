package com.wodian.perf;

import com.wodian.engine.Engine;

/** One batch of {@link PayRing}'s payments, prefetched as a mode says, then applied in order (batch benchmarks). */
final class PayBatches
{
    static final int OFF = 0;
    static final int STAGED = 1;

    private PayBatches()
    {
    }

    static int mode(final String name)
    {
        return switch (name)
        {
            case "off" -> OFF;
            case "staged" -> STAGED;
            default -> throw new IllegalArgumentException("prefetch must be off or staged: " + name);
        };
    }

    /** Wall-clock nanoseconds of {@link #payBatchTimed}'s phases: decode ({@code prefetchInput}), the prefetch passes
     * ({@code prefetchBatch}), the apply. */
    static final long[] PHASE_NS = new long[3];

    /** As {@link #payBatch} with the staged prefetch, adding each phase's wall-clock time to {@link #PHASE_NS}. */
    static long payBatchTimed(final PayRing payments, final int batch)
    {
        final int first = payments.stampNext(batch);
        final EngineFixture fixture = payments.fixture;
        final Engine engine = fixture.engine();
        final long start = System.nanoTime();
        for (int i = 0; i < batch; i++)
        {
            engine.prefetchInput(payments.ring, PayRing.slotOffset(first + i), payments.payLength);
        }
        final long passesStart = System.nanoTime();
        final long prefetched = engine.prefetchBatch();
        final long applyStart = System.nanoTime();
        for (int i = 0; i < batch; i++)
        {
            fixture.apply(payments.ring, PayRing.slotOffset(first + i), payments.payLength, payments.replies);
        }
        PHASE_NS[0] += passesStart - start;
        PHASE_NS[1] += applyStart - passesStart;
        PHASE_NS[2] += System.nanoTime() - applyStart;
        return prefetched;
    }

    /** Stamps the next {@code batch} slots with fresh paymentIds, prefetches them, applies them; returns the fold. */
    static long payBatch(final PayRing payments, final int batch, final int mode)
    {
        final int first = payments.stampNext(batch);
        final EngineFixture fixture = payments.fixture;
        final Engine engine = fixture.engine();
        long prefetched = 0;
        if (mode == STAGED)
        {
            for (int i = 0; i < batch; i++)
            {
                engine.prefetchInput(payments.ring, PayRing.slotOffset(first + i), payments.payLength);
            }
            prefetched = engine.prefetchBatch();
        }
        for (int i = 0; i < batch; i++)
        {
            fixture.apply(payments.ring, PayRing.slotOffset(first + i), payments.payLength, payments.replies);
        }
        return prefetched;
    }
}
