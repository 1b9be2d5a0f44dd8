package com.wodian.net.server;

import com.wodian.protocol.sbe.ResultCode;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The risk declines counter counts declines of payments and redemptions, not the operator's refusals beside them. */
class RiskDeclineCountTest
{
    @Test
    void rulesAndModelDeclinesCountOperatorRefusalsDoNot()
    {
        int declines = 0;
        for (final ResultCode code : ResultCode.values())
        {
            if (ResultCode.NULL_VAL == code)
            {
                continue;
            }
            final boolean decline = code.name().startsWith("RISK_") && !code.name().equals("RISK_RULE_INVALID") &&
                !code.name().equals("RISK_MODEL_INVALID");
            assertEquals(decline, SenderAgent.isRiskDecline(code.value()), code.name());
            declines += decline ? 1 : 0;
        }
        assertEquals(15, declines,
            "rules 701-712, the model's 714, the balance-probing limit's 716 and the home-same-set limit's 717");
        assertEquals(false, SenderAgent.isRiskDecline(ResultCode.LIMIT_RISK_OVERRIDES.value()));
    }
}
