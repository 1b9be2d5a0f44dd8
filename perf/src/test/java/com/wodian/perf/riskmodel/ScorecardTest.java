package com.wodian.perf.riskmodel;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The scorecard's false declines per legitimate look-alike count legitimate payments only, by their look-alike; the
 * decisions a group got through before its first decline are summed per kind and variant.
 */
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

    @Test
    void decisionsPassedBeforeTheFirstDeclinePerKindAndVariant()
    {
        final RiskDataset data = new RiskDataset(2);
        final long[] x = new long[2];
        final boolean[] declined = new boolean[9];
        final long[] groups = new long[9];
        // Kind 1 blatant, group 7: two passed, then declined, then one more passed (after the first decline: not
        // counted). Kind 1 careful, group 8: never stopped, three passed. Kind 2 blatant, group 9: declined at once.
        // One legitimate payment (group 0), declined: not a group.
        final int[][] rows = {{1, 1, 7, 0}, {1, 1, 7, 0}, {1, 1, 7, 1}, {1, 1, 7, 0}, {1, 2, 8, 0}, {1, 2, 8, 0},
            {1, 2, 8, 0}, {2, 1, 9, 1}, {0, 0, 0, 1}};
        for (int i = 0; i < rows.length; i++)
        {
            data.add(x, rows[i][0] != 0, rows[i][0], rows[i][1], true, 1);
            groups[i] = rows[i][2];
            declined[i] = rows[i][3] == 1;
        }
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        new Scorecard(new String[]{"LEGITIMATE", "SPREE", "FARM"}, data, declined, groups)
            .print(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        final String out = bytes.toString(StandardCharsets.UTF_8);
        assertTrue(out.contains("abuse groups stopped (>= 1 decline): 2 of 3 =  66.67%; abusive decisions passed " +
            "before the first decline: 5 (1.7 per group)\n"), out);
        assertTrue(out.contains("decisions passed before the first decline per kind (blatant, careful): SPREE 2, 3; " +
            "FARM 0, 0;\n"), out);
    }
}
