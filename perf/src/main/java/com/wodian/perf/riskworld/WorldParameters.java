package com.wodian.perf.riskworld;

import java.util.EnumMap;
import java.util.Map;

/** The knob values of one world, drawn from its seed and range. */
public final class WorldParameters
{
    private static final long PURPOSE = 1;

    private final long seed;
    private final ParameterRange range;
    private final long[] values = new long[WorldParameter.values().length];

    private WorldParameters(final long seed, final ParameterRange range)
    {
        this.seed = seed;
        this.range = range;
    }

    public static WorldParameters draw(final long seed, final ParameterRange range)
    {
        final WorldParameters parameters = new WorldParameters(seed, range);
        for (final WorldParameter parameter : WorldParameter.values())
        {
            final Rng rng = Rng.of(seed, PURPOSE, parameter.ordinal());
            parameters.values[parameter.ordinal()] = rng.between(parameter.low(range), parameter.high(range));
        }
        return parameters;
    }

    /**
     * A copy whose {@code knobs} are drawn from {@code knobsRange} instead (each with the same per-knob stream as
     * {@link #draw}), every other knob as drawn: a TRAINING world with, say, the HELD_OUT range's circular-flow
     * clusters, for offline analysis on worlds that are not the held-out ones. {@link #range()} stays this range.
     */
    public WorldParameters withKnobsFrom(final ParameterRange knobsRange, final WorldParameter... knobs)
    {
        final WorldParameters mixed = new WorldParameters(seed, range);
        System.arraycopy(values, 0, mixed.values, 0, values.length);
        for (final WorldParameter parameter : knobs)
        {
            final Rng rng = Rng.of(seed, PURPOSE, parameter.ordinal());
            mixed.values[parameter.ordinal()] = rng.between(parameter.low(knobsRange), parameter.high(knobsRange));
        }
        return mixed;
    }

    public long seed()
    {
        return seed;
    }

    public ParameterRange range()
    {
        return range;
    }

    public long get(final WorldParameter parameter)
    {
        return values[parameter.ordinal()];
    }

    int getInt(final WorldParameter parameter)
    {
        return (int)values[parameter.ordinal()];
    }

    public Map<WorldParameter, Long> asMap()
    {
        final Map<WorldParameter, Long> map = new EnumMap<>(WorldParameter.class);
        for (final WorldParameter parameter : WorldParameter.values())
        {
            map.put(parameter, values[parameter.ordinal()]);
        }
        return map;
    }

    @Override
    public String toString()
    {
        return "WorldParameters{seed=" + seed + ", range=" + range + ", " + asMap() + "}";
    }
}
