package com.wodian.perf.riskmodel;

import com.wodian.perf.riskworld.ParameterRange;
import com.wodian.perf.riskworld.RiskWorld;
import com.wodian.perf.riskworld.WorldParameter;
import com.wodian.perf.riskworld.WorldParameters;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The offline tools of the twelfth session on TRAINING seed 2: the batch-registration count behind the candidate
 * feature (docs/history/risk-sessions.md quotes seeds 1, 2 and 20-27), and TRAINING worlds with some knobs from the
 * HELD_OUT range.
 */
class RegisteredTogetherTest
{
    @Test
    void carefulRingsHaveAccountsRegisteredInABatchAndHonestAccountsAlmostNever()
    {
        final Map<String, long[]> counts = RegisteredTogether.count(RiskWorld.generate(2, ParameterRange.TRAINING)
            .cursor());
        final long[] circular = counts.get("CIRCULAR_FLOW/CAREFUL");
        final long[] brushing = counts.get("POINTS_BRUSHING/CAREFUL");
        final long[] legitimate = counts.get("LEGITIMATE");
        assertTrue(circular[RegisteredTogether.WITHIN_60S_OLD_DORMANT] > 0, "careful circular: " +
            circular[RegisteredTogether.WITHIN_60S_OLD_DORMANT]);
        assertTrue(brushing[RegisteredTogether.WITHIN_60S_OLD_DORMANT] > 0);
        assertEquals(0, legitimate[RegisteredTogether.SAME_MS], "no honest account shares a registration instant");
        assertTrue(legitimate[RegisteredTogether.WITHIN_60S] > 0, "but some are registered within a minute");
        assertTrue(legitimate[RegisteredTogether.WITHIN_60S_OLD_DORMANT] * 1000 < legitimate[RegisteredTogether
            .PAYMENTS], "fewer than 0.1% of honest payments by old dormant accounts registered together");
        assertTrue(legitimate[RegisteredTogether.WITHIN_60S_OLD] <= legitimate[RegisteredTogether.WITHIN_60S]);
        assertTrue(legitimate[RegisteredTogether.WITHIN_60S] <= legitimate[RegisteredTogether.WITHIN_10MIN]);
    }

    @Test
    void knobsFromTheHeldOutRangeChangeOnlyTheKnobsNamed()
    {
        final WorldParameters drawn = WorldParameters.draw(2, ParameterRange.TRAINING);
        final WorldParameters mixed = RiskWorldDump.knobs(2, ParameterRange.TRAINING,
            RiskWorldRun.HELD_OUT_CIRCULAR_KNOBS);
        assertEquals(ParameterRange.TRAINING, mixed.range());
        for (final WorldParameter knob : WorldParameter.values())
        {
            final boolean named = RiskWorldRun.HELD_OUT_CIRCULAR_KNOBS.contains(knob.name());
            final ParameterRange from = named ? ParameterRange.HELD_OUT : ParameterRange.TRAINING;
            assertTrue(mixed.get(knob) >= knob.low(from) && mixed.get(knob) <= knob.high(from), knob.name());
            if (!named)
            {
                assertEquals(drawn.get(knob), mixed.get(knob), knob.name());
            }
        }
        assertEquals(drawn.asMap(), RiskWorldDump.knobs(2, ParameterRange.TRAINING, "").asMap());
        final RiskWorld world = RiskWorld.generate(2, ParameterRange.TRAINING);
        final RiskWorld again = RiskWorld.generate(drawn);
        assertEquals(world.merchants().size(), again.merchants().size());
        for (int m = 0; m < world.merchants().size(); m++)
        {
            assertEquals(world.merchants().get(m).merchantId(), again.merchants().get(m).merchantId());
            assertEquals(world.merchants().get(m).registeredAtMs(), again.merchants().get(m).registeredAtMs());
        }
        assertEquals(RegisteredTogether.count(world.cursor()).get("LEGITIMATE")[RegisteredTogether.PAYMENTS],
            RegisteredTogether.count(again.cursor()).get("LEGITIMATE")[RegisteredTogether.PAYMENTS],
            "the same world from its drawn knobs");
    }
}
