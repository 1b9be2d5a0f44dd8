package com.wodian.perf.riskworld;

/**
 * Collusive transactions at one till: the clerk (or the owner) runs sales through accounts the group controls,
 * rented or bought from people who never shop there: fake "sales" that earn points and pool share for the accounts,
 * and real cash customers' baskets credited to the clerk's accounts. BLATANT: new accounts from all over town,
 * dozens of small payments each per day at the one till, far below the till's usual ticket, the accounts taking
 * turns within minutes, vouchers redeemed at once. CAREFUL: aged accounts, a few payments each per day shaped like
 * the till's real tickets, spread over the opening hours, redemptions later.
 */
final class CollusiveTerminalCampaign extends Campaign
{
    private static final Trade[] SHOP_TRADES = {Trade.SUPERMARKET, Trade.RESTAURANT, Trade.APPAREL, Trade.CAFE_TEA,
        Trade.CONVENIENCE};

    private final Merchant shop;
    private final int till;

    CollusiveTerminalCampaign(final WorldState world, final CampaignPlanner planner, final Rng rng, final Label label,
        final int firstDay, final int lastDay)
    {
        super(world, label, firstDay, lastDay);
        shop = world.merchant(planner.complicitShop(rng, SHOP_TRADES, rng.weighted(Areas.WEIGHTS), false));
        till = shop.firstTerminal + rng.nextInt(shop.terminalCount);
        final int count = world.parameters.getInt(WorldParameter.COLLUSIVE_ACCOUNTS_PER_TERMINAL);
        // Rented accounts come from all over town: their home shops are anywhere but here.
        final int[] homes = new int[4];
        for (int i = 0; i < homes.length; i++)
        {
            final Merchant home = world.merchant(rng.nextInt(world.merchants.size()));
            homes[i] = home.allianceMember && home.owner == Label.LEGITIMATE
                && home.registeredAtMs < SimulatedClock.WEEK_START_MS - 400 * SimulatedClock.DAY_MS
                ? home.index : shop.index;
        }
        if (careful())
        {
            registerAgedAccounts(rng, count, homes);
        }
        else
        {
            final long fromMs = firstDay == 0 ? SimulatedClock.WEEK_START_MS - SimulatedClock.DAY_MS
                : SimulatedClock.at(firstDay - 1, rng.between(18 * 60, 22 * 60), rng);
            registerNewAccounts(rng, count, fromMs, 2 * SimulatedClock.HOUR_MS, homes);
        }
    }

    @Override
    void planActiveDay(final int day, final EventPlan plan, final Rng rng)
    {
        if (careful())
        {
            planCarefulDay(day, plan, rng);
        }
        else
        {
            planBlatantDay(day, plan, rng);
        }
    }

    private void planBlatantDay(final int day, final EventPlan plan, final Rng rng)
    {
        final int perAccount = rng.between(20, 50);
        final long openMs = SimulatedClock.at(day, shop.trade.openMinute(), rng);
        final long spanMs = (shop.trade.closeMinute() - shop.trade.openMinute()) * SimulatedClock.MINUTE_MS;
        final int total = perAccount * accounts.size();
        for (int p = 0; p < total; p++)
        {
            // Round robin over the accounts: a run of different consumers at one till within minutes.
            final Account account = accounts.get(p % accounts.size());
            final long atMs = openMs + spanMs * p / total + rng.between(0L, 50_000L);
            final long amountFen = WorldState.price(rng, shop.trade,
                shop.medianTicketFen / (double)rng.between(5, 12));
            plan.ensureFunds(rng, atMs, account, amountFen, label);
            plan.pay(atMs, shop, till, account, amountFen, label);
        }
        final long redeemAtMs = openMs + spanMs + rng.between(0L, 20 * SimulatedClock.MINUTE_MS);
        for (final Account account : accounts)
        {
            final int voucher = plan.redeemFresh(redeemAtMs + rng.between(0L, 600_000L), account, shop, label);
            if (voucher >= 0)
            {
                plan.payWithVoucher(redeemAtMs + rng.between(600_000L, 900_000L), shop, till, account,
                    shop.voucherValueFen + rng.between(0, 5) * 100, voucher, label);
            }
        }
    }

    private void planCarefulDay(final int day, final EventPlan plan, final Rng rng)
    {
        final long rateMilli = world.parameters.get(WorldParameter.CAREFUL_PAYMENTS_PER_ACCOUNT_DAY_MILLI);
        for (final Account account : accounts)
        {
            final int payments = rng.poisson(rateMilli * 1.5 / 1_000.0);
            for (int p = 0; p < payments; p++)
            {
                final long atMs = shopTime(rng, day, shop);
                final long amountFen = WorldState.price(rng, shop.trade,
                    world.ticketFen(rng, shop) * (0.5 + 0.5 * rng.nextDouble()));
                plan.ensureFunds(rng, atMs, account, amountFen, label);
                plan.pay(atMs, shop, till, account, amountFen, label);
            }
            if (account.spendablePoints() >= shop.voucherPointsCost && rng.chanceBps(3_000))
            {
                final long redeemAtMs = shopTime(rng, day, shop);
                final int voucher = plan.redeem(redeemAtMs, account, shop, label);
                if (voucher >= 0)
                {
                    final long spendAtMs = redeemAtMs + rng.between(SimulatedClock.HOUR_MS, 8 * SimulatedClock.HOUR_MS);
                    final long amountFen = Math.max(world.ticketFen(rng, shop), shop.voucherValueFen + 500);
                    plan.ensureFunds(rng, spendAtMs, account, amountFen - shop.voucherValueFen, label);
                    plan.payWithVoucher(spendAtMs, shop, till, account, amountFen, voucher, label);
                }
            }
        }
    }
}
