package com.wodian.perf.riskworld;

/** The shopping sessions one legitimate consumer can have on one day (see {@link LegitimateShopping}). */
final class LegitimateSession
{
    private final WorldState world;
    private final EventPlan plan;
    private final Rng rng;
    private final int day;
    private final Account account;
    private final long earliestMs;

    LegitimateSession(final WorldState world, final EventPlan plan, final Rng rng, final int day,
        final Account account)
    {
        this.world = world;
        this.plan = plan;
        this.rng = rng;
        this.day = day;
        this.account = account;
        this.earliestMs = Math.max(account.registeredAtMs, account.initialTopUpAtMs) + SimulatedClock.MINUTE_MS;
    }

    void ordinary(final Trade trade)
    {
        final int area = rng.nextInt(4) == 0 ? account.workArea : account.homeArea;
        final int shop = regularOrNearby(trade, area);
        if (shop < 0)
        {
            return;
        }
        final Merchant merchant = world.merchant(shop);
        LookAlike lookAlike = LookAlike.NONE;
        int minute = trade.sampleMinute(rng);
        if (merchant.openAllHours && rng.chanceBps(800))
        {
            minute = rng.between(0, 5 * 60);
            lookAlike = LookAlike.NIGHT_OWL;
        }
        buy(SimulatedClock.at(day, minute, rng), merchant, world.ticketFen(rng, merchant), lookAlike);
    }

    void lunchNearWork(final Trade trade)
    {
        final int shop = rng.chanceBps(5_000) ? regularOrNearby(trade, account.workArea)
            : world.pickShop(rng, trade, account.workArea, SimulatedClock.dayStartMs(day));
        if (shop >= 0)
        {
            final Merchant merchant = world.merchant(shop);
            final long atMs = SimulatedClock.at(day, rng.between(11 * 60 + 40, 13 * 60 + 10), rng);
            buy(atMs, merchant, world.ticketFen(rng, merchant) * 2 / 3 / 100 * 100 + 100, LookAlike.LUNCH_RUSH);
        }
    }

    void bigTicket()
    {
        final int pick = rng.nextInt(10);
        final Trade trade = pick < 5 ? Trade.ELECTRONICS : pick < 8 ? Trade.APPAREL : Trade.BEAUTY;
        final int area = rng.nextInt(3) == 0 ? Areas.sameCity(rng, account.homeArea) : account.homeArea;
        final int shop = world.pickShop(rng, trade, area, SimulatedClock.dayStartMs(day));
        if (shop < 0)
        {
            return;
        }
        final Merchant merchant = world.merchant(shop);
        final double median = trade == Trade.ELECTRONICS ? 550_000 : trade == Trade.APPAREL ? 220_000 : 300_000;
        final long amountFen = WorldState.price(rng, trade, rng.logNormal(median, 0.5));
        buy(shopTime(merchant), merchant, amountFen, LookAlike.BIG_TICKET);
    }

    void mallTrip()
    {
        final int[] mall = nearbyMall();
        if (mall == null)
        {
            return;
        }
        long atMs = SimulatedClock.at(day, rng.between(10 * 60 + 30, 19 * 60), rng);
        final int stops = rng.between(3, 6);
        for (int s = 0; s < stops; s++)
        {
            final Merchant merchant = world.merchant(mall[rng.nextInt(mall.length)]);
            if (merchant.registeredAtMs < atMs)
            {
                buy(atMs, merchant, world.ticketFen(rng, merchant), LookAlike.MALL_TRIP);
            }
            atMs += rng.between(4L, 35L) * SimulatedClock.MINUTE_MS + rng.nextInt(60_000);
        }
    }

    void familyInARow(final int[] members)
    {
        final Trade trade = rng.nextInt(2) == 0 ? Trade.RESTAURANT : Trade.SUPERMARKET;
        final int shop = regularOrNearby(trade, account.homeArea);
        if (shop < 0)
        {
            return;
        }
        final Merchant merchant = world.merchant(shop);
        final int till = merchant.terminal(rng);
        final long ticketFen = world.ticketFen(rng, merchant);
        long atMs = shopTime(merchant);
        for (final int member : members)
        {
            final Account payer = world.account(member);
            if (payer.registeredAtMs + SimulatedClock.HOUR_MS < atMs)
            {
                final long shareFen = WorldState.price(rng, merchant.trade, ticketFen * (0.4 + 0.4 * rng.nextDouble()));
                payAt(atMs, merchant, till, payer, shareFen, LookAlike.FAMILY_IN_A_ROW);
                atMs += rng.between(10_000L, 120_000L);
            }
        }
    }

    void bulkBuyer()
    {
        final Trade trade = rng.nextInt(2) == 0 ? Trade.CONVENIENCE : Trade.CAFE_TEA;
        final int shop = regularOrNearby(trade, account.workArea);
        if (shop < 0)
        {
            return;
        }
        final Merchant merchant = world.merchant(shop);
        final int till = merchant.terminal(rng);
        long atMs = SimulatedClock.at(day, rng.between(9 * 60 + 30, 16 * 60), rng);
        final int payments = rng.between(3, 8);
        for (int p = 0; p < payments; p++)
        {
            final long amountFen = WorldState.price(rng, trade, merchant.medianTicketFen * rng.between(2, 6));
            payAt(atMs, merchant, till, account, amountFen, LookAlike.BULK_BUYER);
            atMs += rng.between(40_000L, 6 * SimulatedClock.MINUTE_MS);
        }
    }

    /** Redeems at a regular shop and spends the voucher there at once; false when no shop's rule allows it. */
    boolean quickRedeem()
    {
        for (final int[] shops : account.regulars)
        {
            for (final int shop : shops)
            {
                final Merchant merchant = world.merchant(shop);
                if (merchant.hasVoucherRule() && account.spendablePoints() >= merchant.voucherPointsCost)
                {
                    final long atMs = Math.max(earliestMs, shopTime(merchant));
                    final Label label = Label.legitimate(LookAlike.QUICK_REDEEMER);
                    final int voucher = plan.redeem(atMs, account, merchant, label);
                    if (voucher < 0)
                    {
                        return false;
                    }
                    final long amountFen = Math.max(world.ticketFen(rng, merchant), merchant.voucherValueFen + 100);
                    final long payAtMs = atMs + rng.between(30_000L, 10 * SimulatedClock.MINUTE_MS);
                    plan.ensureFunds(rng, payAtMs, account, amountFen - merchant.voucherValueFen, label);
                    plan.payWithVoucher(payAtMs, merchant, merchant.terminal(rng), account, amountFen, voucher, label);
                    return true;
                }
            }
        }
        return false;
    }

    void travel(final int purchases)
    {
        final Trade[] trades = {Trade.RESTAURANT, Trade.CAFE_TEA, Trade.CONVENIENCE, Trade.APPAREL};
        for (int p = 0; p < purchases; p++)
        {
            final Trade trade = trades[rng.nextInt(trades.length)];
            final int shop = world.pickShop(rng, trade, account.travelArea, SimulatedClock.dayStartMs(day));
            if (shop >= 0)
            {
                final Merchant merchant = world.merchant(shop);
                buy(shopTime(merchant), merchant, world.ticketFen(rng, merchant), LookAlike.TRAVELLER);
            }
        }
    }

    void salonVisit()
    {
        final int[] salons = account.regulars[Trade.BEAUTY.ordinal()];
        final Merchant merchant = world.merchant(salons[0]);
        final long amountFen = WorldState.price(rng, Trade.BEAUTY, rng.logNormal(merchant.medianTicketFen * 3.0, 0.5));
        buy(shopTime(merchant), merchant, amountFen, LookAlike.SALON_REGULAR);
    }

    private void buy(final long atMs, final Merchant merchant, final long amountFen, final LookAlike lookAlike)
    {
        payAt(atMs, merchant, merchant.terminal(rng), account, amountFen, lookAlike);
    }

    private void payAt(final long atMs, final Merchant merchant, final int till, final Account payer,
        final long amountFen, final LookAlike lookAlike)
    {
        final long payerEarliestMs = Math.max(payer.registeredAtMs, payer.initialTopUpAtMs) + SimulatedClock.MINUTE_MS;
        if (atMs < Math.max(earliestMs, payerEarliestMs) || atMs >= payer.shopsUntilMs
            || merchant.registeredAtMs + SimulatedClock.HOUR_MS > atMs)
        {
            return;
        }
        final Label label = Label.legitimate(lookAlike);
        plan.ensureFunds(rng, atMs, payer, amountFen, label);
        final int payment;
        if (merchant.trade == Trade.RESTAURANT && rng.chanceBps(3_000))
        {
            payment = plan.tryAndConfirm(rng, atMs, merchant, till, payer, amountFen, label);
        }
        else
        {
            payment = plan.pay(atMs, merchant, till, payer, amountFen, label);
        }
        final long returnBps = merchant.trade.refundBps() * world.parameters.get(WorldParameter.RETURN_RATE_PERCENT)
            / 100;
        if (rng.chanceBps(returnBps))
        {
            final long refundFen = rng.chanceBps(7_000) ? amountFen : amountFen * rng.between(20, 80) / 100;
            final long refundAtMs = atMs + rng.between(SimulatedClock.HOUR_MS, 3 * SimulatedClock.DAY_MS);
            plan.refund(refundAtMs, merchant, till, payer, payment, refundFen, Label.legitimate(LookAlike.RETURNS));
        }
    }

    private int regularOrNearby(final Trade trade, final int area)
    {
        final int[] regulars = account.regulars[trade.ordinal()];
        if (regulars.length > 0 && rng.chanceBps(8_000))
        {
            return regulars[rng.nextInt(regulars.length)];
        }
        return world.pickShop(rng, trade, area, SimulatedClock.dayStartMs(day));
    }

    private int[] nearbyMall()
    {
        for (int attempt = 0; attempt < 8; attempt++)
        {
            final int[] mall = world.malls.get(rng.nextInt(world.malls.size()));
            final int area = world.merchant(mall[0]).area;
            if (area == account.homeArea || area == account.workArea || attempt > 5)
            {
                return mall;
            }
        }
        return null;
    }

    private long shopTime(final Merchant merchant)
    {
        return SimulatedClock.at(day, merchant.trade.sampleMinute(rng), rng);
    }
}
