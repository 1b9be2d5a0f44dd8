package com.wodian.perf.riskmodel;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** The scorecard's false declines per legitimate look-alike count legitimate payments only, by their look-alike. */
class ScorecardTest
{
    @Test
    void falseDeclinesPerLookAlike()
    {
        final RiskDataset data = new RiskDataset(2);
        final long[] x = new long[2];
        final boolean[] declined = new boolean[8];
        final int[] lookAlikes = new int[8];
        // Four legitimate payments of look-alike 1 (one declined), one legitimate redemption of look-alike 1
        // (declined: not a payment), one of look-alike 2 (not declined), one ordinary, one abusive (declined).
        for (int i = 0; i < 4; i++)
        {
            data.add(x, false, 0, 0, true, 1);
            lookAlikes[i] = 1;
        }
        declined[0] = true;
        data.add(x, false, 0, 0, false, 1);
        lookAlikes[4] = 1;
        declined[4] = true;
        data.add(x, false, 0, 0, true, 1);
        lookAlikes[5] = 2;
        data.add(x, false, 0, 0, true, 1);
        data.add(x, true, 1, 1, true, 1);
        declined[7] = true;
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new Scorecard(new String[]{"LEGITIMATE", "KIND"}, data, declined, new long[8])
            .withLookAlikes(new String[]{"NONE", "MALL_TRIP", "NIGHT_OWL", "UNSEEN"}, data, declined, lookAlikes)
            .print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        final String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("FPR per legitimate look-alike: MALL_TRIP 25.00% (1/4) NIGHT_OWL 0.00% (0/1)\n"),
            out);
    }
}
