package com.wodian.protocol;

import com.wodian.protocol.sbe.AccountEventDecoder;
import com.wodian.protocol.sbe.AdjustPointsDecoder;
import com.wodian.protocol.sbe.BalanceQueryDecoder;
import com.wodian.protocol.sbe.ConsumerStatementQueryDecoder;
import com.wodian.protocol.sbe.ConsumerVouchersQueryDecoder;
import com.wodian.protocol.sbe.DistributePoolDecoder;
import com.wodian.protocol.sbe.PayDecoder;
import com.wodian.protocol.sbe.PaymentCancelDecoder;
import com.wodian.protocol.sbe.PaymentConfirmDecoder;
import com.wodian.protocol.sbe.PaymentStatusQueryDecoder;
import com.wodian.protocol.sbe.PaymentTryDecoder;
import com.wodian.protocol.sbe.RedeemPointsDecoder;
import com.wodian.protocol.sbe.RefundDecoder;
import com.wodian.protocol.sbe.RegisterConsumerDecoder;
import com.wodian.protocol.sbe.RegisterMerchantDecoder;
import com.wodian.protocol.sbe.RegisterTerminalDecoder;
import com.wodian.protocol.sbe.SetBlockedDecoder;
import com.wodian.protocol.sbe.SetEngineSettingDecoder;
import com.wodian.protocol.sbe.SetMerchantRulesDecoder;
import com.wodian.protocol.sbe.SetRiskModelDecoder;
import com.wodian.protocol.sbe.SetRiskRuleDecoder;
import com.wodian.protocol.sbe.TopUpDecoder;
import com.wodian.protocol.sbe.VoucherStatusQueryDecoder;
import com.wodian.protocol.sbe.WithdrawDecoder;
import org.junit.jupiter.api.Test;

import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * Separate admin rights for funds and configuration (docs/security.md, "Admin kinds"): exactly the listed templates
 * need the funds right (money, and the consumers' money it moves) and exactly the listed ones the configuration right;
 * no command is a read; everything else (Tick, TakeSnapshot, ClusterControl, RiskEvents, a template not classified)
 * needs a full admin. A template moved between the lists by mistake fails here.
 */
class CommandCatalogAdminRightTest
{
    @Test
    void fundsAndConfigurationRightsCoverExactlyTheListedTemplates()
    {
        assertEquals(new TreeSet<>(Set.of(TopUpDecoder.TEMPLATE_ID, WithdrawDecoder.TEMPLATE_ID,
            AdjustPointsDecoder.TEMPLATE_ID, DistributePoolDecoder.TEMPLATE_ID, PayDecoder.TEMPLATE_ID,
            PaymentTryDecoder.TEMPLATE_ID, PaymentConfirmDecoder.TEMPLATE_ID, PaymentCancelDecoder.TEMPLATE_ID,
            RefundDecoder.TEMPLATE_ID, RedeemPointsDecoder.TEMPLATE_ID, BalanceQueryDecoder.TEMPLATE_ID,
            ConsumerStatementQueryDecoder.TEMPLATE_ID, ConsumerVouchersQueryDecoder.TEMPLATE_ID,
            PaymentStatusQueryDecoder.TEMPLATE_ID, VoucherStatusQueryDecoder.TEMPLATE_ID)),
            templatesNeeding(CommandCatalog.RIGHT_FUNDS));
        assertEquals(new TreeSet<>(Set.of(RegisterMerchantDecoder.TEMPLATE_ID, RegisterConsumerDecoder.TEMPLATE_ID,
            RegisterTerminalDecoder.TEMPLATE_ID, SetBlockedDecoder.TEMPLATE_ID, SetMerchantRulesDecoder.TEMPLATE_ID,
            SetRiskRuleDecoder.TEMPLATE_ID, SetRiskModelDecoder.TEMPLATE_ID, SetEngineSettingDecoder.TEMPLATE_ID,
            AccountEventDecoder.TEMPLATE_ID)), templatesNeeding(CommandCatalog.RIGHT_CONFIG));
        for (int templateId = 0; templateId <= 200; templateId++)
        {
            if (CommandCatalog.isCommand(templateId))
            {
                assertNotEquals(CommandCatalog.RIGHT_READ, CommandCatalog.adminRight(templateId),
                    "a command is never a read: " + templateId);
            }
        }
        assertEquals(CommandCatalog.RIGHT_FULL, CommandCatalog.adminRight(-1));
        assertEquals(CommandCatalog.RIGHT_FULL, CommandCatalog.adminRight(Integer.MAX_VALUE));
    }

    private static Set<Integer> templatesNeeding(final int right)
    {
        final Set<Integer> templates = new TreeSet<>();
        for (int templateId = -1; templateId <= 200; templateId++)
        {
            if (right == CommandCatalog.adminRight(templateId))
            {
                templates.add(templateId);
            }
        }
        return templates;
    }
}
