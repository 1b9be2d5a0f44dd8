package com.wodian.engine.risk;

import com.wodian.protocol.sbe.ResultCode;
import com.wodian.protocol.sbe.RiskMode;
import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

/**
 * The settings a command resolves once ({@link RiskRules#settingsFor}) are the ones {@link RiskRules#get} reads one
 * field at a time: global settings, per-merchant overrides set, changed and dropped (INHERIT) in random order, the
 * override table full, and merchants resolved one after another so that a merchant never sees another's overrides.
 */
class RiskRulesTest
{
    private static final int MERCHANTS = 12;
    private static final int FIELDS = RiskRules.THRESHOLD_3 + 1;

    @Test
    void settingsResolvedOncePerMerchantAreWhatGetReads()
    {
        final SplittableRandom random = new SplittableRandom(13);
        for (int trial = 0; trial < 40; trial++)
        {
            final RiskRules rules = new RiskRules(MERCHANTS, 1 + random.nextInt(24));
            for (int merchant = 0; merchant < MERCHANTS; merchant++)
            {
                rules.merchantRegistered(merchant);
            }
            for (int change = 0; change < 80; change++)
            {
                final int rule = configurableRule(random);
                final int merchant = random.nextInt(-3, MERCHANTS);
                final long mode = random.nextInt(6) == 0 && merchant >= 0 ? RiskMode.INHERIT.value() :
                    random.nextInt(3);
                final ResultCode code = rules.set(Math.max(-1, merchant), rule, mode, random.nextInt(2),
                    random.nextLong(), random.nextLong(-5, 5), random.nextInt(1_000_000));
                assertEquals(true, code == ResultCode.OK || code == ResultCode.LIMIT_RISK_OVERRIDES);
                if (random.nextInt(4) == 0)
                {
                    checkAll(rules, random);
                }
            }
            checkAll(rules, random);
        }
    }

    @Test
    void aMerchantWithoutOverridesReadsTheGlobalTable()
    {
        final RiskRules rules = new RiskRules(MERCHANTS, 4);
        rules.merchantRegistered(0);
        rules.merchantRegistered(1);
        rules.set(1, RiskRules.PAIR_BURST, RiskMode.ENFORCE.value(), 0, 5, 6, 7);
        assertSame(rules.settingsFor(-1), rules.settingsFor(0));
        assertEquals(5, rules.settingsFor(1)[RiskRules.at(RiskRules.PAIR_BURST, RiskRules.THRESHOLD_1)]);
        assertEquals(1_000, rules.settingsFor(0)[RiskRules.at(RiskRules.PAIR_BURST, RiskRules.THRESHOLD_1)]);
    }

    private static int configurableRule(final SplittableRandom random)
    {
        int rule;
        do
        {
            rule = 1 + random.nextInt(RiskRules.CONFIGURABLE_MAX);
        }
        while (!RiskRules.configurable(rule));
        return rule;
    }

    /** Every merchant (and the platform, -1), in random order, against get() field by field. */
    private static void checkAll(final RiskRules rules, final SplittableRandom random)
    {
        for (int i = 0; i < 2 * MERCHANTS; i++)
        {
            final int merchant = random.nextInt(-1, MERCHANTS);
            final long[] settings = rules.settingsFor(merchant);
            for (int rule = 1; rule <= RiskRules.RULE_COUNT; rule++)
            {
                for (int field = 0; field < FIELDS; field++)
                {
                    assertEquals(rules.get(merchant, rule, field), settings[RiskRules.at(rule, field)],
                        "merchant " + merchant + " rule " + rule + " field " + field);
                }
            }
        }
    }
}
