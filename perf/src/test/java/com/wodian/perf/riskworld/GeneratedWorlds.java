package com.wodian.perf.riskworld;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The worlds the tests of derived account events read (a phone bought at a shop, an office's new network): each
 * generated through the real {@link WorldCursor}, every command handed to the test with its position in the stream
 * and its input time. One home for the set-up those tests share, and for what they measure with.
 */
final class GeneratedWorlds
{
    /** Seeds 11 and 12 TRAINING, 11 and 21 HELD_OUT (seed, range ordinal). */
    static final long[][] SEEDS = {{11, 0}, {12, 0}, {11, 1}, {21, 1}};

    /** What a test keeps of one world. */
    interface Generator<T>
    {
        T generate(long seed, ParameterRange range);
    }

    /** What a test does with one command of the stream. */
    interface CommandReader
    {
        void read(long position, long timestampMs, WorldEvent event);
    }

    private GeneratedWorlds()
    {
    }

    /** Every world of {@link #SEEDS}, in that order. */
    static <T> List<T> generateAll(final Generator<T> generator)
    {
        final List<T> worlds = new ArrayList<>(SEEDS.length);
        for (int i = 0; i < SEEDS.length; i++)
        {
            worlds.add(generate(i, generator));
        }
        return worlds;
    }

    /** The world of {@code SEEDS[index]} again (a determinism test compares it with the first generation). */
    static <T> T generate(final int index, final Generator<T> generator)
    {
        return generator.generate(SEEDS[index][0], ParameterRange.values()[(int)SEEDS[index][1]]);
    }

    /** The world of (seed, range), built. */
    static WorldState build(final long seed, final ParameterRange range)
    {
        return WorldBuilder.build(WorldParameters.draw(seed, range));
    }

    /** Every command of the world's stream, in order. */
    static void read(final WorldState world, final CommandReader reader)
    {
        final WorldCursor cursor = new WorldCursor(world);
        long position = 0;
        while (cursor.next())
        {
            reader.read(position++, cursor.timestampMs(), cursor.event());
        }
    }

    /** "seed 11 TRAINING: ", to begin a failure message. */
    static String name(final WorldParameters parameters)
    {
        return "seed " + parameters.seed() + " " + parameters.range() + ": ";
    }

    /** The day of the week (0 = Monday) a time falls on. */
    static long day(final long timeMs)
    {
        return Math.floorDiv(timeMs - SimulatedClock.WEEK_START_MS, SimulatedClock.DAY_MS);
    }

    /** A count from independent chances: within four standard deviations (and two) of what the rate gives. */
    static void assertNear(final String what, final double expected, final long seen)
    {
        final double tolerance = 4 * Math.sqrt(Math.max(1, expected)) + 2;
        assertTrue(Math.abs(seen - expected) <= tolerance, what + ": " + seen + " seen, " + expected + " expected");
    }
}
