package com.wodian.tools.settlement;

/**
 * One line of {@code funds.csv}: a TopUp or Withdraw (of any source) of the day, money crossing the platform's edge
 * (the payment channel, the merchant's bank account), by the external reference the bank statement carries
 * (docs/settlement.md, "funds.csv"). {@code bookedFen} is what the engine booked (0 for a refusal); a repeat of a
 * booked command, which changes nothing, has no line.
 */
public record FundsRow(
    long sequence,
    long timestampMs,
    String kind,
    long consumerId,
    long merchantId,
    long referenceId,
    long amountFen,
    long bookedFen,
    String result)
{
    public static final String TOPUP = "TOPUP";
    public static final String WITHDRAWAL = "WITHDRAWAL";
    public static final String ALLIANCE_WITHDRAWAL = "ALLIANCE_WITHDRAWAL";
    /** A payout of the platform's fee income (Withdraw from PLATFORM_FEES; merchant 0). */
    public static final String PLATFORM_FEE_PAYOUT = "PLATFORM_FEE_PAYOUT";

    public static final String CSV_HEADER = "time,sequence,kind,card_masked,merchant_id,reference_id,amount_fen," +
        "booked_fen,result";
}
