package com.wodian.perf.riskworld;

import com.wodian.protocol.sbe.AccountEventEncoder;
import com.wodian.protocol.sbe.PayEncoder;
import com.wodian.protocol.sbe.PaymentConfirmEncoder;
import com.wodian.protocol.sbe.PaymentTryEncoder;
import com.wodian.protocol.sbe.RedeemPointsEncoder;
import com.wodian.protocol.sbe.RefundEncoder;

/** Template ids of the commands a consumer of a world most often needs to tell apart. */
public final class RiskWorldTemplates
{
    public static final int PAY = PayEncoder.TEMPLATE_ID;
    public static final int TRY = PaymentTryEncoder.TEMPLATE_ID;
    public static final int CONFIRM = PaymentConfirmEncoder.TEMPLATE_ID;
    public static final int REFUND = RefundEncoder.TEMPLATE_ID;
    public static final int REDEEM_POINTS = RedeemPointsEncoder.TEMPLATE_ID;
    /** The account service's AccountEvent (docs/risk-threats.md section 10); not a decision. */
    public static final int ACCOUNT_EVENT = AccountEventEncoder.TEMPLATE_ID;

    private RiskWorldTemplates()
    {
    }
}
