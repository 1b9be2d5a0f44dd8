package com.wodian.perf.riskworld;

/**
 * What the acquirer knows about a merchant at registration: its trade (with the MCC), its district code, alliance
 * membership, its terminals and when it registered. Abuse groups are not visible here; they are in the command labels.
 */
public record MerchantInfo(
    long merchantId,
    Trade trade,
    int areaCode,
    boolean allianceMember,
    long[] terminalIds,
    long registeredAtMs)
{
    public int mcc()
    {
        return trade.mcc();
    }

    /** The schema's trade category, as sent in RegisterMerchant. */
    public com.wodian.protocol.sbe.MerchantTrade wireTrade()
    {
        return WorldEventEncoder.wireTrade(trade);
    }
}
