package com.wodian.perf.riskworld;

/**
 * Points brushing: an agent runs many accounts through shops that play along, paying again and again to farm
 * points (and the home shop's alliance share), redeems the points for vouchers funded by the shops' pools, and gets
 * the money back off the platform. BLATANT: new accounts registered in a burst, one shell shop and one till, round
 * amounts in bursts of dozens per hour, vouchers redeemed and spent at once. CAREFUL: aged accounts, two to four
 * established shops and all their tills, the shops' usual tickets at their usual hours, a few payments per account
 * and day, redemptions hours later.
 */
final class BrushingCampaign extends Campaign
{
    private static final Trade[] SHOP_TRADES = {Trade.CONVENIENCE, Trade.CAFE_TEA, Trade.RESTAURANT, Trade.SUPERMARKET};

    private final Merchant[] shops;
    private final long roundAmountFen;

    BrushingCampaign(final WorldState world, final CampaignPlanner planner, final Rng rng, final Label label,
        final int firstDay, final int lastDay)
    {
        super(world, label, firstDay, lastDay);
        final int area = rng.weighted(Areas.WEIGHTS);
        final int agentAccounts = world.parameters.getInt(WorldParameter.AGENT_ACCOUNTS_PER_GROUP);
        if (careful())
        {
            shops = new Merchant[rng.between(2, 4)];
            for (int i = 0; i < shops.length; i++)
            {
                shops[i] = world.merchant(planner.complicitShop(rng, SHOP_TRADES, area, false));
            }
            registerAgedAccounts(rng, agentAccounts, homesOf(shops));
        }
        else
        {
            shops = new Merchant[] {planner.shellShop(rng, label, SHOP_TRADES[rng.nextInt(SHOP_TRADES.length)], area,
                firstDay)};
            final long fromMs = SimulatedClock.at(firstDay, rng.between(7 * 60, 9 * 60), rng);
            registerNewAccounts(rng, agentAccounts, fromMs, 2 * SimulatedClock.HOUR_MS, homesOf(shops));
        }
        roundAmountFen = roundAmountFen(rng, 1, 5);
    }

    private static int[] homesOf(final Merchant[] shops)
    {
        final int[] homes = new int[shops.length];
        for (int i = 0; i < shops.length; i++)
        {
            homes[i] = shops[i].index;
        }
        return homes;
    }

    @Override
    void planActiveDay(final int day, final EventPlan plan, final Rng rng)
    {
        for (final Account account : accounts)
        {
            if (careful())
            {
                planCarefulDay(day, plan, rng, account);
            }
            else
            {
                planBurst(day, plan, rng, account);
            }
        }
    }

    private void planBurst(final int day, final EventPlan plan, final Rng rng, final Account account)
    {
        final Merchant shop = shops[0];
        final int perHour = world.parameters.getInt(WorldParameter.BLATANT_PAYMENTS_PER_ACCOUNT_HOUR);
        final long burstMs = rng.between(30L, 120L) * SimulatedClock.MINUTE_MS;
        final int payments = (int)Math.max(3, perHour * burstMs / SimulatedClock.HOUR_MS);
        long atMs = Math.max(account.registeredAtMs + 5 * SimulatedClock.MINUTE_MS,
            SimulatedClock.at(day, rng.between(9 * 60, 21 * 60), rng));
        for (int p = 0; p < payments; p++)
        {
            final long amountFen = rng.nextInt(4) == 0 ? roundAmountFen * 2 : roundAmountFen;
            plan.ensureFunds(rng, atMs, account, amountFen, label);
            plan.pay(atMs, shop, shop.firstTerminal, account, amountFen, label);
            atMs += burstMs / payments / 2 + rng.between(0L, burstMs / payments);
        }
        for (int v = 0; v < 5; v++)
        {
            atMs += rng.between(10_000L, 90_000L);
            final int voucher = plan.redeemFresh(atMs, account, shop, label);
            if (voucher < 0)
            {
                break;
            }
            plan.payWithVoucher(atMs + rng.between(10_000L, 60_000L), shop, shop.firstTerminal, account,
                shop.voucherValueFen, voucher, label);
        }
        sweep(atMs + rng.between(60_000L, 20 * SimulatedClock.MINUTE_MS), shop, plan);
    }

    private void planCarefulDay(final int day, final EventPlan plan, final Rng rng, final Account account)
    {
        final long rateMilli = world.parameters.get(WorldParameter.CAREFUL_PAYMENTS_PER_ACCOUNT_DAY_MILLI);
        final int payments = rng.poisson(rateMilli / 1_000.0);
        long lastMs = 0;
        Merchant lastShop = shops[0];
        for (int p = 0; p < payments; p++)
        {
            final Merchant shop = shops[rng.nextInt(shops.length)];
            final long atMs = shopTime(rng, day, shop);
            final long amountFen = world.ticketFen(rng, shop);
            plan.ensureFunds(rng, atMs, account, amountFen, label);
            plan.pay(atMs, shop, pickTill(rng, shop), account, amountFen, label);
            if (atMs > lastMs)
            {
                lastMs = atMs;
                lastShop = shop;
            }
        }
        if (lastMs > 0 && account.spendablePoints() >= lastShop.voucherPointsCost)
        {
            final long delayMs = world.parameters.get(WorldParameter.CAREFUL_REDEEM_DELAY_MINUTES)
                * SimulatedClock.MINUTE_MS;
            final long redeemAtMs = lastMs + delayMs / 2 + rng.between(0L, delayMs);
            final int voucher = plan.redeem(redeemAtMs, account, lastShop, label);
            if (voucher >= 0)
            {
                final long spendAtMs = redeemAtMs + rng.between(SimulatedClock.HOUR_MS, 6 * SimulatedClock.HOUR_MS);
                final long amountFen = Math.max(world.ticketFen(rng, lastShop), lastShop.voucherValueFen + 500);
                plan.ensureFunds(rng, spendAtMs, account, amountFen - lastShop.voucherValueFen, label);
                plan.payWithVoucher(spendAtMs, lastShop, pickTill(rng, lastShop), account, amountFen, voucher, label);
            }
        }
    }
}
