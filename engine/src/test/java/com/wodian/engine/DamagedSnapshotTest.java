package com.wodian.engine;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.*;

/**
 * A snapshot stream whose checksum is right but whose content is not (a writer bug, memory damaged before the
 * checksum was taken, a crafted file) is either loaded or refused with an {@link IllegalStateException} that names
 * what is wrong, never an ArrayIndexOutOfBounds, NegativeArraySize or NullPointer exception from deep inside a book
 * (fuzz-review findings 4 and 8): every long of a small engine's stream, in turn, is replaced by -1,
 * Integer.MAX_VALUE and Long.MAX_VALUE and the stream loaded into a fresh engine.
 */
class DamagedSnapshotTest
{
    private static final long[] REPLACEMENTS = {-1, Integer.MAX_VALUE, Long.MAX_VALUE};

    @Test
    void everyDamagedValueLoadsOrIsRefusedWithItsStructureNamed()
    {
        final EngineConfig config = EngineDifferentialFuzzTest.tinyTables();
        final MemorySnapshot snapshot = new MemorySnapshot();
        engineAfterFuzzedInputs(config).writeSnapshot(snapshot);
        final TreeMap<String, Integer> outcomes = new TreeMap<>();
        for (int position = 2; position < snapshot.size(); position++)
        {
            for (final long replacement : REPLACEMENTS)
            {
                final MemorySnapshot damaged = MemorySnapshot.of(snapshot.values(), snapshot.size());
                damaged.set(position, replacement);
                try
                {
                    new Engine(config).readSnapshot(damaged);
                    outcomes.merge("loaded", 1, Integer::sum);
                }
                catch (final IllegalStateException refused)
                {
                    outcomes.merge("refused", 1, Integer::sum);
                }
                catch (final RuntimeException other)
                {
                    fail("long " + position + " of " + snapshot.size() + " set to " + replacement + ": " + other,
                        other);
                }
            }
        }
        System.out.println("damaged snapshot loads: " + outcomes);
        assertTrue(outcomes.getOrDefault("refused", 0) > 0 && outcomes.getOrDefault("loaded", 0) > 0,
            "both outcomes met: " + outcomes);
    }

    /** Every book holds something: vouchers live and ended, holds, spend pairs, risk state, forgotten keys. */
    private static Engine engineAfterFuzzedInputs(final EngineConfig config)
    {
        final Engine engine = new Engine(config);
        final FuzzedInputs inputs = new FuzzedInputs(new SplittableRandom(5));
        long nowMs = 1_700_000_000_000L;
        for (final byte[] input : inputs.setUp())
        {
            engine.onCommand(engine.lastSequence() + 1, nowMs, new UnsafeBuffer(input), 0, input.length,
                ReplySink.NONE);
        }
        for (int i = 0; i < 2_000; i++)
        {
            final byte[] input = inputs.next();
            engine.onCommand(engine.lastSequence() + 1, nowMs, new UnsafeBuffer(input), 0, input.length,
                ReplySink.NONE);
            nowMs += i % 50 == 0 ? 10_000 : 1;
        }
        return engine;
    }
}
