package com.wodian.perf.riskworld;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WorldParametersTest
{
    @Test
    void trainingAndHeldOutIntervalsAreDisjointForEveryParameter()
    {
        for (final WorldParameter parameter : WorldParameter.values())
        {
            final long trainingLow = parameter.low(ParameterRange.TRAINING);
            final long trainingHigh = parameter.high(ParameterRange.TRAINING);
            final long heldOutLow = parameter.low(ParameterRange.HELD_OUT);
            final long heldOutHigh = parameter.high(ParameterRange.HELD_OUT);
            assertTrue(trainingLow <= trainingHigh && heldOutLow <= heldOutHigh, parameter + " interval empty");
            assertTrue(trainingHigh < heldOutLow || heldOutHigh < trainingLow, parameter + " intervals overlap");
        }
    }

    @Test
    void everySeedDrawsItsValuesInsideItsRange()
    {
        for (long seed = 1; seed <= 200; seed++)
        {
            for (final ParameterRange range : ParameterRange.values())
            {
                final WorldParameters parameters = WorldParameters.draw(seed, range);
                for (final WorldParameter parameter : WorldParameter.values())
                {
                    final long value = parameters.get(parameter);
                    assertTrue(value >= parameter.low(range) && value <= parameter.high(range),
                        parameter + "=" + value + " outside " + range + " for seed " + seed);
                }
            }
        }
    }

    /**
     * docs/risk-threats.md section 10.1, "New devices, counted once": the honest new devices of a week (weekly rate,
     * phone shops, new phones before a trip and after a number change) stay inside the threat model's 0.4-2.2 % of
     * consumers at both ends of every knob they come from, in both ranges, so no seed can draw a world outside it.
     */
    @Test
    void honestNewDevicesStayInsideTheThreatModelsRangeAtTheKnobsEnds()
    {
        for (final ParameterRange range : ParameterRange.values())
        {
            final double lowestBps = newDevicesBps(range, false);
            final double highestBps = newDevicesBps(range, true);
            assertTrue(lowestBps >= 40 && highestBps <= 220,
                range + ": honest new devices " + lowestBps + "-" + highestBps + " bps a week, outside 40-220");
        }
    }

    private static double newDevicesBps(final ParameterRange range, final boolean high)
    {
        return end(WorldParameter.HONEST_DEVICE_BOUND_WEEKLY_BPS, range, high)
            + end(WorldParameter.PHONE_PURCHASE_SET_UP_WEEKLY_BPS, range, high)
            + end(WorldParameter.TRAVELLER_CONSUMER_BPS, range, high)
                * end(WorldParameter.TRAVELLER_NEW_DEVICE_BPS, range, high) / 10_000.0
            + end(WorldParameter.HONEST_PHONE_REBOUND_WEEKLY_BPS, range, high)
                * end(WorldParameter.HONEST_PHONE_REBOUND_FOLLOW_UP_BPS, range, high) / 10_000.0;
    }

    private static long end(final WorldParameter parameter, final ParameterRange range, final boolean high)
    {
        return high ? parameter.high(range) : parameter.low(range);
    }

    @Test
    void sameSeedSameValuesAndSeedsDiffer()
    {
        assertEquals(WorldParameters.draw(11, ParameterRange.TRAINING).asMap(),
            WorldParameters.draw(11, ParameterRange.TRAINING).asMap());
        assertNotEquals(WorldParameters.draw(11, ParameterRange.TRAINING).asMap(),
            WorldParameters.draw(12, ParameterRange.TRAINING).asMap());
    }

    @Test
    void drawsSpreadOverTheWholeInterval()
    {
        // A parameter stuck at one end would make "wide ranges" a claim only.
        for (final WorldParameter parameter : WorldParameter.values())
        {
            long low = Long.MAX_VALUE;
            long high = Long.MIN_VALUE;
            for (long seed = 1; seed <= 200; seed++)
            {
                final long value = WorldParameters.draw(seed, ParameterRange.TRAINING).get(parameter);
                low = Math.min(low, value);
                high = Math.max(high, value);
            }
            final long width = parameter.high(ParameterRange.TRAINING) - parameter.low(ParameterRange.TRAINING);
            assertTrue(high - low >= width / 2, parameter + " drawn only in " + low + ".." + high);
        }
    }
}
