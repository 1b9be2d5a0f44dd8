package com.wodian.tools.settlement;

import com.wodian.engine.Engine;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Per merchant, the business day's roll of the three balances the engine holds for it, and the platform's roll of its
 * fee income (docs/settlement.md,
 * "balances.csv"): opening (the statement at the last entry before the day) + the day's movements = closing (the
 * statement at the day's last entry). The movements come from the rows and from the commands that move a pool without
 * a sale (points bought a voucher, a distribution started); the lapsed vouchers from the statement's counter. Every
 * merchant registered at the day's end has a line; a roll that does not close stops the run, so files that misbook
 * money are never written.
 */
public final class BalanceRoll
{
    /** One merchant's day: see docs/settlement.md for each column. */
    public record Line(long merchantId, long settlementOpeningFen, long salesNetFen, long withdrawnFen,
        long settlementClosingFen, long poolOpeningFen, long poolContributedFen, long vouchersLapsedFen,
        long pointVouchersFen, long distributionsFen, long poolClosingFen, long allianceOpeningFen,
        long allianceInFen, long allianceWithdrawnFen, long allianceClosingFen)
    {
    }

    /** The platform's fee income over the day: see docs/settlement.md, "platform.csv". */
    public record PlatformLine(long feesOpeningFen, long feesFen, long feesPaidOutFen, long feesClosingFen)
    {
    }

    static final String CSV_HEADER = "merchant_id,settlement_opening_fen,settlement_sales_fen," +
        "settlement_withdrawn_fen,settlement_closing_fen,pool_opening_fen,pool_contributed_fen," +
        "pool_vouchers_lapsed_fen,pool_point_vouchers_fen,pool_distributions_fen,pool_closing_fen," +
        "alliance_opening_fen,alliance_in_fen,alliance_withdrawn_fen,alliance_closing_fen";
    static final String PLATFORM_CSV_HEADER = "fees_opening_fen,fees_fen,fees_paid_out_fen,fees_closing_fen";

    /** settlement, pool, alliance earnings, vouchers expired (cumulative) by merchant id, at the day's start. */
    private final Map<Long, long[]> opening = new TreeMap<>();
    /** point vouchers, distributions started, by merchant id: pool movements that are not rows. */
    private final Map<Long, long[]> poolOut = new TreeMap<>();
    private final MerchantStatement statement = new MerchantStatement();
    private long platformFeesOpeningFen;
    private long platformFeesPaidOutFen;

    /** Reads every merchant's opening balances from the engine recovered to the last entry before the day. */
    void open(final Engine engine)
    {
        platformFeesOpeningFen = engine.platformFeesFen();
        for (int i = 0; i < engine.merchantCount(); i++)
        {
            final long merchantId = engine.merchantIdAt(i);
            statement.read(engine, merchantId);
            opening.put(merchantId, new long[] { statement.settlementFen, statement.poolFen,
                statement.allianceEarningsFen, statement.vouchersExpiredFen });
        }
    }

    /** Points bought a voucher funded by the merchant's pool. */
    void pointVoucher(final long merchantId, final long valueFen)
    {
        poolOut.computeIfAbsent(merchantId, (id) -> new long[2])[0] += valueFen;
    }

    /** A distribution started: what it pays left the merchant's pool. */
    void distribution(final long merchantId, final long amountFen)
    {
        poolOut.computeIfAbsent(merchantId, (id) -> new long[2])[1] += amountFen;
    }

    /** The platform's fee income was paid out (a Withdraw from PLATFORM_FEES). */
    void platformPayout(final long amountFen)
    {
        platformFeesPaidOutFen += amountFen;
    }

    /**
     * @param rows the day's rows: their fees are the platform's fee income of the day.
     * @throws IllegalStateException when the platform's roll does not close.
     */
    PlatformLine closePlatform(final Engine engine, final List<SettlementRow> rows)
    {
        long feesFen = 0;
        for (final SettlementRow row : rows)
        {
            feesFen += row.feeFen();
        }
        final PlatformLine line = new PlatformLine(platformFeesOpeningFen, feesFen, platformFeesPaidOutFen,
            engine.platformFeesFen());
        if (line.feesOpeningFen() + line.feesFen() - line.feesPaidOutFen() != line.feesClosingFen())
        {
            throw new IllegalStateException("the day's roll of the platform's fee income does not close: " + line +
                "; no files written");
        }
        return line;
    }

    /**
     * @param rows the day's rows.
     * @return one line per merchant registered at the day's end (the engine's state now), in id order.
     * @throws IllegalStateException when a merchant's roll does not close.
     */
    List<Line> close(final Engine engine, final List<SettlementRow> rows)
    {
        final Map<Long, long[]> fromRows = new TreeMap<>();
        for (final SettlementRow row : rows)
        {
            // sales net, withdrawn, pool contributed, alliance in, alliance withdrawn
            final long[] sums = fromRows.computeIfAbsent(row.merchantId(), (id) -> new long[5]);
            if (row.isWithdrawal())
            {
                sums[1] -= row.netFen();
                sums[4] -= row.allianceInFen();
            }
            else
            {
                sums[0] += row.netFen();
                sums[3] += row.allianceInFen();
            }
            sums[2] += row.poolFen();
        }
        final Map<Long, Line> lines = new TreeMap<>();
        for (int i = 0; i < engine.merchantCount(); i++)
        {
            final long merchantId = engine.merchantIdAt(i);
            statement.read(engine, merchantId);
            final long[] open = opening.getOrDefault(merchantId, new long[4]);
            final long[] sums = fromRows.getOrDefault(merchantId, new long[5]);
            final long[] out = poolOut.getOrDefault(merchantId, new long[2]);
            final Line line = new Line(merchantId, open[0], sums[0], sums[1], statement.settlementFen, open[1],
                sums[2], statement.vouchersExpiredFen - open[3], out[0], out[1], statement.poolFen, open[2],
                sums[3], sums[4], statement.allianceEarningsFen);
            requireCloses(line);
            lines.put(merchantId, line);
        }
        return List.copyOf(lines.values());
    }

    private static void requireCloses(final Line line)
    {
        final boolean settlement = line.settlementOpeningFen() + line.salesNetFen() - line.withdrawnFen() ==
            line.settlementClosingFen();
        final boolean pool = line.poolOpeningFen() + line.poolContributedFen() + line.vouchersLapsedFen() -
            line.pointVouchersFen() - line.distributionsFen() == line.poolClosingFen();
        final boolean alliance = line.allianceOpeningFen() + line.allianceInFen() - line.allianceWithdrawnFen() ==
            line.allianceClosingFen();
        if (!settlement || !pool || !alliance)
        {
            throw new IllegalStateException("the day's balance roll of merchant " + line.merchantId() +
                " does not close (" + (settlement ? pool ? "alliance earnings" : "pool" : "settlement") +
                "): " + line + "; no files written");
        }
    }
}
