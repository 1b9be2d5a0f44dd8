package com.wodian.perf.riskmodel;

import com.wodian.perf.riskworld.LabelledCommands;
import com.wodian.perf.riskworld.ParameterRange;
import com.wodian.perf.riskworld.RiskWorld;
import com.wodian.perf.riskworld.RiskWorldTemplates;
import com.wodian.protocol.sbe.RiskMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The independent world through the engine as {@code risk-eval} and {@code risk-train} run it ({@link RiskWorldRun}):
 * only the week is scored. The warm-up's payments before it (LabelledCommands.warmUp, docs/risk-threats.md section
 * 10.9) are fed to the engine and counted apart, and give no decision row: neither a figure nor a trainer's row.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class RiskWorldRunTest
{
    @Test
    void onlyTheWeekGivesDecisionRowsAndTheWarmUpIsCountedApart()
    {
        final long seed = 1;   // a spent TRAINING seed
        long weekDecisions = 0;
        long warmUpPayments = 0;
        final LabelledCommands commands = RiskWorld.generate(seed, ParameterRange.TRAINING).cursor();
        while (commands.next())
        {
            final int template = commands.templateId();
            final boolean payment = template == RiskWorldTemplates.PAY || template == RiskWorldTemplates.TRY;
            if (commands.warmUp())
            {
                warmUpPayments += payment ? 1 : 0;
            }
            else if (payment || template == RiskWorldTemplates.REDEEM_POINTS)
            {
                weekDecisions++;
            }
        }
        final ModelRun run = new RiskWorldRun(seed, false).run(RiskMode.SHADOW, null);
        assertTrue(warmUpPayments > 100_000, "warm-up payments " + warmUpPayments);
        assertEquals(warmUpPayments, run.warmUpPayments, "the warm-up's payments, counted apart");
        // A row per command of the week that risk evaluated: at most the week's Pays, Tries and redemptions (a few
        // are refused before risk, such as a redemption without the points), never one of the warm-up's.
        assertTrue(run.decisions.size <= weekDecisions && run.decisions.size > weekDecisions * 9 / 10,
            run.decisions.size + " rows, " + weekDecisions + " decisions in the week");
    }
}
