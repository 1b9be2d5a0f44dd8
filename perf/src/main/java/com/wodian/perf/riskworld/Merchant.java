package com.wodian.perf.riskworld;

/**
 * A merchant of the world: fixed facts (trade, area, rules, tills) and the generator's running model of its pool
 * and settlement balance, used to keep planned redemptions and withdrawals within what the engine would allow.
 */
final class Merchant
{
    final int index;
    final Trade trade;
    final int area;
    /** The mall the shop is in, or -1. */
    int mall = -1;
    final long registeredAtMs;
    final long medianTicketFen;
    /** Relative popularity among shops of its trade and area. */
    final int popularity;
    boolean allianceMember;
    boolean openAllHours;
    int pointsPerYuan;
    int poolRateBps;
    int allianceShareBps;
    int platformFeeBps;
    long voucherPointsCost;
    long voucherValueFen;
    int firstTerminal;
    int terminalCount;
    long id;
    /** Who runs the shop: LEGITIMATE, or the abuse group that set up a shell company. */
    Label owner = Label.LEGITIMATE;

    long poolFenModel;
    long settlementFenModel;
    /** Pool value already promised to vouchers planned today (pool at day start minus this is what is left). */
    long poolReservedTodayFen;
    long poolAtDayStartFen;

    Merchant(final int index, final Trade trade, final int area, final long registeredAtMs, final long medianTicketFen,
        final int popularity)
    {
        this.index = index;
        this.trade = trade;
        this.area = area;
        this.registeredAtMs = registeredAtMs;
        this.medianTicketFen = medianTicketFen;
        this.popularity = popularity;
    }

    /** The same shop for the weeks before the week ({@link WarmUp}): the same facts, its own empty pool model. */
    Merchant warmUpCopy()
    {
        final Merchant copy = new Merchant(index, trade, area, registeredAtMs, medianTicketFen, popularity);
        copy.mall = mall;
        copy.allianceMember = allianceMember;
        copy.openAllHours = openAllHours;
        copy.pointsPerYuan = pointsPerYuan;
        copy.poolRateBps = poolRateBps;
        copy.allianceShareBps = allianceShareBps;
        copy.platformFeeBps = platformFeeBps;
        copy.voucherPointsCost = voucherPointsCost;
        copy.voucherValueFen = voucherValueFen;
        copy.firstTerminal = firstTerminal;
        copy.terminalCount = terminalCount;
        copy.id = id;
        copy.owner = owner;
        return copy;
    }

    boolean hasVoucherRule()
    {
        return voucherPointsCost > 0;
    }

    /** Points a cash payment earns under this merchant's rule. */
    long pointsFor(final long cashFen)
    {
        return cashFen * pointsPerYuan / 100;
    }

    /** Books a sale into the model: the pool and settlement grow as the engine's would. */
    void bookSale(final long amountFen)
    {
        poolFenModel += amountFen * poolRateBps / 10_000;
        settlementFenModel += amountFen * (10_000 - poolRateBps - allianceShareBps - platformFeeBps) / 10_000;
    }

    /**
     * Whether the pool can fund one more voucher today; reserves it if so. Counting today's sales is only right when
     * the redemption comes after them (a behaviour that plans its own sales and redemptions in time order);
     * otherwise the pool at the day's start is what is surely there.
     */
    boolean reserveVoucher(final boolean countTodaysSales)
    {
        final long poolFen = countTodaysSales ? poolFenModel : Math.min(poolFenModel, poolAtDayStartFen);
        if (!hasVoucherRule() || poolFen - poolReservedTodayFen < voucherValueFen + 2_000)
        {
            return false;
        }
        poolReservedTodayFen += voucherValueFen;
        return true;
    }

    void closeDay()
    {
        poolFenModel -= poolReservedTodayFen;
        poolReservedTodayFen = 0;
        poolAtDayStartFen = poolFenModel;
    }

    int terminal(final Rng rng)
    {
        // The first till takes most sales, as in a real shop.
        if (terminalCount == 1 || rng.nextInt(3) != 0)
        {
            return firstTerminal;
        }
        return firstTerminal + rng.nextInt(terminalCount);
    }
}
