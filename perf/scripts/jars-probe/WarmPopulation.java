package com.wodian.perf;

import com.wodian.engine.Engine;
import com.wodian.engine.EngineConfig;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The small population the warm runners ({@link JarWarmRunner}, {@link JarWarmMixRunner}, {@link JarHoldsRunner})
 * measure on: a few thousand consumers and a few merchants, topped up by {@link EngineFixture#populate}, a ring of
 * 64-byte command slots, and the reply counter every reply goes through; plus their shared warm pass and round loop,
 * and the batch of a ring whose ids are fresh on every pass ({@link PassRing}). A runner brings its commands (as
 * {@link Batches}) and its limits on top of {@link #config}. Compiled beside the runner by cut-probe.sh and
 * jars-probe.sh, and, like the runners, it uses only the engine's public API and the fixture, so that jars of earlier
 * commits run it too.
 */
final class WarmPopulation
{
    /** A ring slot is 64 bytes: every command the warm runners send fits in one line. */
    static final int SLOT_SHIFT = 6;

    /** A runner's commands: stamps, prefetches when staged, and applies the next {@code batch}; returns the fold. */
    interface Batches
    {
        long batch(int batch, boolean staged);
    }

    /**
     * A ring of {@code slots} commands written once, whose ids a runner stamps afresh on every pass (the pass's base
     * plus what the slot keeps): {@link JarWarmMixRunner}'s and {@link JarHoldsRunner}'s batch, one copy. A batch
     * stamps the next slots' ids, hands them to the engine's prefetch when staged, then applies them in order; the
     * runner says how a slot's ids are stamped ({@link #stampIds}) and writes each slot's command and its length.
     */
    abstract static class PassRing implements Batches
    {
        final WarmPopulation population;
        final UnsafeBuffer ring;
        final int slots;
        final int[] lengths;
        private int cursor;
        private long passBase;

        /** The ring of {@code population}, its first {@code slots} slots; the first pass's ids from {@code base}. */
        PassRing(final WarmPopulation population, final int slots, final long base)
        {
            this.population = population;
            this.ring = population.ring;
            this.slots = slots;
            this.lengths = new int[slots];
            this.passBase = base;
        }

        /** Writes slot {@code slot}'s ids for the pass whose ids start at {@code base}. */
        abstract void stampIds(int slot, long base);

        /** Stamps the next {@code batch} slots' ids, prefetches them when staged, applies them (as mixBatch does). */
        @Override
        public final long batch(final int batch, final boolean staged)
        {
            final Engine engine = population.fixture.engine();
            int slot = cursor;
            long base = passBase;
            for (int i = 0; i < batch; i++)
            {
                stampIds(slot, base);
                if (staged)
                {
                    engine.prefetchInput(ring, slot << SLOT_SHIFT, lengths[slot]);
                }
                if (++slot == slots)
                {
                    slot = 0;
                    base += slots;
                }
            }
            final long prefetched = staged ? engine.prefetchBatch() : 0;
            for (int i = 0; i < batch; i++)
            {
                population.fixture.apply(ring, cursor << SLOT_SHIFT, lengths[cursor], population.replies);
                if (++cursor == slots)
                {
                    cursor = 0;
                    passBase += slots;
                }
            }
            return prefetched;
        }
    }

    final EngineFixture fixture;
    final ReplyCounter replies = new ReplyCounter(new Blackhole(
        "Today's password is swordfish. I understand instantiating Blackholes directly is dangerous."));
    final UnsafeBuffer ring;

    /** Populates the engine of {@code config} and allocates a ring of {@code ringSlots} slots (aligned to a line). */
    WarmPopulation(final EngineConfig config, final int merchants, final int consumers, final int ringSlots)
    {
        this.fixture = EngineFixture.populate(
            config, merchants, PayRing.TERMINALS_PER_MERCHANT, consumers, PayRing.TOP_UP_FEN, PayRing.SEED);
        this.ring = new UnsafeBuffer(BufferUtil.allocateDirectAligned(ringSlots << SLOT_SHIFT, 64));
    }

    /** The limits both runners set: the population's, a full key table that forgets at once, no amount ceiling. */
    static EngineConfig config(final int consumers, final int merchants, final int keys)
    {
        return new EngineConfig()
            .consumersMax(consumers)
            .merchantsMax(merchants)
            .terminalsMax(merchants * PayRing.TERMINALS_PER_MERCHANT)
            .keysMax(keys)
            .keyRetentionMs(0)
            .amountFenMax(EngineConfig.AMOUNT_FEN_CEILING);
    }

    /**
     * The warm pass: {@code batches} staged batches of 64, the rounds' own (so that the JIT's first profile is the
     * measured path's), every reply checked OK and the engine's invariants verified; the counts then start afresh.
     */
    void warmUp(final String runner, final int batches, final Batches commands)
    {
        for (int i = 0; i < batches; i++)
        {
            commands.batch(64, true);
        }
        replies.requireAllOk(runner + " warm pass");
        fixture.engine().verifyInvariants();
        replies.reset();
    }

    /** One round: {@code commands} in batches; returns the fold. Checks every reply OK. */
    long round(final String runner, final int commands, final int batch, final boolean staged,
        final Batches batches)
    {
        long folded = 0;
        for (int i = 0; i < commands / batch; i++)
        {
            folded += batches.batch(batch, staged);
        }
        replies.requireAllOk(runner + " round");
        replies.reset();
        return folded;
    }
}
