package com.wodian.tools.settlement;

/**
 * One line of a merchant's settlement file: one journaled command that moved that merchant's money, with the amounts
 * measured as changes of the merchant's statement across the command alone, after the input's housekeeping
 * (docs/settlement.md, "Files"). Signed: a refund has a negative amount and gives back (negative) fee, pool and
 * alliance share; {@code voucherLapsedFen} is voucher value that went back to the merchant's pool (positive); the
 * shortfalls are what a refund took from the settlement ({@code netFen}) in place of the pool part and the alliance
 * share (positive; engine setting REFUND_SHORTFALL_FROM_SETTLEMENT).
 */
public record SettlementRow(
    long merchantId,
    long sequence,
    long timestampMs,
    String kind,
    long terminalId,
    long paymentId,
    long refundId,
    long withdrawalId,
    long consumerId,
    long amountFen,
    long voucherFen,
    long voucherLapsedFen,
    long feeFen,
    long poolFen,
    long allianceOutFen,
    long allianceInFen,
    long pointsEarned,
    long netFen,
    long saleAmountFen,
    long refundedBeforeFen,
    long poolShortfallFen,
    long allianceShortfallFen)
{
    public static final String PAYMENT = "PAYMENT";
    public static final String COMPLETION = "COMPLETION";
    public static final String REFUND = "REFUND";
    public static final String REVERSAL = "REVERSAL";
    public static final String ALLIANCE_IN = "ALLIANCE_IN";
    public static final String WITHDRAWAL = "WITHDRAWAL";
    public static final String ALLIANCE_WITHDRAWAL = "ALLIANCE_WITHDRAWAL";

    public static final String CSV_HEADER = "time,sequence,kind,terminal_id,payment_id,refund_id,withdrawal_id," +
        "card_masked,amount_fen,voucher_fen,voucher_lapsed_fen,fee_fen,pool_fen,alliance_out_fen,alliance_in_fen," +
        "points,net_fen,sale_amount_fen,refunded_before_fen,pool_shortfall_fen,alliance_shortfall_fen";

    /** A row of a payout to the merchant (of its settlement balance, or of its alliance earnings). */
    public boolean isWithdrawal()
    {
        return kind.equals(WITHDRAWAL) || kind.equals(ALLIANCE_WITHDRAWAL);
    }
}
