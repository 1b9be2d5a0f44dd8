package com.wodian.perf.riskmodel;

import com.wodian.perf.riskworld.ParameterRange;
import com.wodian.perf.riskworld.RiskWorld;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The offline count behind feature 74 on a TRAINING world: the figures docs/history/risk-sessions.md quotes for seed 2.
 */
class DormantAccountsTest
{
    @Test
    void carefulRingsPayWithAccountsThatHeldNoPointsAndMostHonestPaymentsDoNot()
    {
        final Map<String, long[]> counts =
            DormantAccounts.count(RiskWorld.generate(2, ParameterRange.TRAINING).cursor());
        for (final String ring : new String[]{"POINTS_BRUSHING/CAREFUL", "CIRCULAR_FLOW/CAREFUL"})
        {
            final long[] c = counts.get(ring);
            assertTrue(c[0] > 100, ring + " payments: " + c[0]);
            assertEquals(c[0], c[2], ring + ": every payment by an old account that held no points");
        }
        final long[] legitimate = counts.get("LEGITIMATE");
        assertTrue(legitimate[1] * 100 < legitimate[0] * 45, "legitimate payments by such accounts: " + legitimate[1] +
            " of " + legitimate[0]);
        assertEquals(0, counts.get("POINTS_BRUSHING/BLATANT")[1], "a blatant ring's new accounts get welcome points");
    }
}
