package com.wodian.perf.riskmodel;

import com.wodian.perf.riskworld.ParameterRange;
import com.wodian.perf.riskworld.RiskWorld;
import org.junit.jupiter.api.Test;

import java.io.StringWriter;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The offline tools for candidate features on a TRAINING world: on seed 2, the direction of the city-hop counts
 * docs/history/risk-sessions.md quotes over seeds 1-5 and 10-15, and the CSV dump agreeing with them.
 */
class CityHopsTest
{
    @Test
    void carefulTakeoverPaymentsFollowAPaymentInAnotherCityFarMoreOftenThanHonestOnes()
    {
        final RiskWorld world = RiskWorld.generate(2, ParameterRange.TRAINING);
        final Map<String, long[]> counts = CityHops.count(world.merchants(), world.cursor());
        final long[] takeover = counts.get("ACCOUNT_TAKEOVER/CAREFUL");
        final long[] legitimate = counts.get("LEGITIMATE");
        assertTrue(takeover[CityHops.PAYMENTS] >= 5, "careful takeover payments: " + takeover[CityHops.PAYMENTS]);
        assertTrue(takeover[CityHops.HOP_6H] * legitimate[CityHops.PAYMENTS] >
            5 * legitimate[CityHops.HOP_6H] * takeover[CityHops.PAYMENTS], "at least 5 times the honest share");
        assertTrue(legitimate[CityHops.HOP_1H] > 0, "honest accounts hop cities within the hour too (mall trips)");
        assertTrue(legitimate[CityHops.HOP_6H_NEW_SHOP_NO_TOP_UP] < legitimate[CityHops.HOP_6H]);
        assertEquals(0, counts.get("CIRCULAR_FLOW/BLATANT")[CityHops.HOP_6H], "a shell cluster is in one district");
    }

    @Test
    void theDumpHasOneLinePerPaymentWithItsLabel()
    {
        final RiskWorld world = RiskWorld.generate(2, ParameterRange.TRAINING);
        final Map<String, long[]> counts = CityHops.count(world.merchants(), world.cursor());
        final StringWriter csv = new StringWriter();
        RiskWorldDump.write(world.cursor(), csv);
        long legitimate = 0;
        long carefulTakeover = 0;
        for (final String line : csv.toString().split("\n"))
        {
            final String[] column = line.split(",");
            assertEquals(11, column.length, line);
            final boolean payment = column[1].equals("10") || column[1].equals("11");
            if (payment)
            {
                assertTrue(Long.parseLong(column[3]) > 0 && Long.parseLong(column[4]) > 0, "merchant and terminal");
                legitimate += column[7].equals("0") ? 1 : 0;
                carefulTakeover += column[7].equals("5") && column[8].equals("2") ? 1 : 0;
            }
        }
        assertEquals(counts.get("LEGITIMATE")[CityHops.PAYMENTS], legitimate);
        assertEquals(counts.get("ACCOUNT_TAKEOVER/CAREFUL")[CityHops.PAYMENTS], carefulTakeover);
    }
}
