package com.wodian.perf.riskmodel;

import com.wodian.protocol.sbe.MerchantTrade;

/** An acquirer's MCC to our MerchantTrade category. */
public final class MerchantTrades
{
    private MerchantTrades()
    {
    }

    public static MerchantTrade ofMcc(final int mcc)
    {
        return switch (mcc)
        {
            case 5411, 5422, 5441, 5451, 5462 -> MerchantTrade.GROCERY;
            case 5499 -> MerchantTrade.CONVENIENCE;
            case 5814 -> MerchantTrade.CAFE;
            case 5812, 5813 -> MerchantTrade.RESTAURANT;
            case 5611, 5621, 5631, 5641, 5651, 5661, 5691, 5699 -> MerchantTrade.FASHION;
            case 5732, 5734, 5045, 5946 -> MerchantTrade.ELECTRONICS;
            case 5912, 8099 -> MerchantTrade.PHARMACY;
            case 5541, 5542 -> MerchantTrade.FUEL;
            case 5944 -> MerchantTrade.JEWELRY;
            case 7832, 7922, 7991, 7996, 7999 -> MerchantTrade.ENTERTAINMENT;
            case 7230, 7210, 7298, 7299, 8043 -> MerchantTrade.SERVICES;
            case 4111, 4511, 4722, 7011 -> MerchantTrade.TRAVEL;
            default -> MerchantTrade.OTHER;
        };
    }
}
