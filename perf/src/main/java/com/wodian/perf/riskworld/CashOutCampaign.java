package com.wodian.perf.riskworld;

import java.util.List;

/**
 * Cash-out (套现): money or points turned into cash through a shop that plays along. A top-up from a credit card is
 * "spent" at the shop, which withdraws the settlement and hands cash back less a cut; points are redeemed for the
 * shop's voucher and the voucher "spent" on nothing. BLATANT: new accounts, a shell shop, round top-ups spent in
 * full within minutes, vouchers spent for exactly their value at once, the shop swept after every round. CAREFUL:
 * established consumers selling their points and card credit, an established shop, amounts shaped like the shop's
 * tickets and below the top-up, vouchers spent hours later with some cash on top.
 */
final class CashOutCampaign extends Campaign
{
    private static final Trade[] SHOP_TRADES = {Trade.APPAREL, Trade.ELECTRONICS, Trade.BEAUTY, Trade.SUPERMARKET};

    private final Merchant shop;

    CashOutCampaign(final WorldState world, final CampaignPlanner planner, final Rng rng, final Label label,
        final int firstDay, final int lastDay)
    {
        super(world, label, firstDay, lastDay);
        final int area = rng.weighted(Areas.WEIGHTS);
        final int count = Math.max(3, world.parameters.getInt(WorldParameter.AGENT_ACCOUNTS_PER_GROUP) / 2);
        if (careful())
        {
            shop = world.merchant(planner.complicitShop(rng, SHOP_TRADES, area, false));
            final List<Account> sellers = planner.established(rng, count, 0);
            accounts.addAll(sellers);
        }
        else
        {
            shop = planner.shellShop(rng, label, SHOP_TRADES[rng.nextInt(SHOP_TRADES.length)], area, firstDay);
            final long fromMs = SimulatedClock.at(firstDay, rng.between(8 * 60, 12 * 60), rng);
            registerNewAccounts(rng, count, fromMs, 3 * SimulatedClock.HOUR_MS, new int[] {shop.index});
        }
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
                planBlatantDay(day, plan, rng, account);
            }
        }
    }

    private void planBlatantDay(final int day, final EventPlan plan, final Rng rng, final Account account)
    {
        long atMs = Math.max(account.registeredAtMs + 5 * SimulatedClock.MINUTE_MS,
            SimulatedClock.at(day, rng.between(9 * 60, 22 * 60), rng));
        final int rounds = rng.between(1, 3);
        for (int r = 0; r < rounds; r++)
        {
            final long amountFen = roundAmountFen(rng, 20, 100);
            plan.topUp(atMs, account, amountFen, label);
            atMs += rng.between(30_000L, 5 * SimulatedClock.MINUTE_MS);
            plan.pay(atMs, shop, shop.firstTerminal, account, amountFen, label);
            atMs += rng.between(SimulatedClock.MINUTE_MS, 30 * SimulatedClock.MINUTE_MS);
        }
        final int voucher = plan.redeemFresh(atMs, account, shop, label);
        if (voucher >= 0)
        {
            plan.payWithVoucher(atMs + rng.between(5_000L, 60_000L), shop, shop.firstTerminal, account,
                shop.voucherValueFen, voucher, label);
        }
        sweep(atMs + rng.between(2L, 30L) * SimulatedClock.MINUTE_MS, shop, plan);
    }

    private void planCarefulDay(final int day, final EventPlan plan, final Rng rng, final Account account)
    {
        final long rateMilli = world.parameters.get(WorldParameter.CAREFUL_PAYMENTS_PER_ACCOUNT_DAY_MILLI);
        if (rng.nextInt(1_000) < rateMilli / 3)
        {
            final long topUpFen = (long)rng.logNormal(200_000, 0.5) / 100 * 100;
            final long topUpAtMs = SimulatedClock.at(day, rng.between(8 * 60, 14 * 60), rng);
            plan.topUp(topUpAtMs, account, topUpFen, label);
            final long spendAtMs = Math.max(topUpAtMs + SimulatedClock.HOUR_MS, shopTime(rng, day, shop));
            final long amountFen = WorldState.price(rng, shop.trade, topUpFen * (0.6 + 0.35 * rng.nextDouble()));
            plan.pay(spendAtMs, shop, pickTill(rng, shop), account, amountFen, label);
        }
        if (account.spendablePoints() >= shop.voucherPointsCost && rng.nextInt(1_000) < rateMilli / 2)
        {
            final long redeemAtMs = shopTime(rng, day, shop);
            final int voucher = plan.redeem(redeemAtMs, account, shop, label);
            if (voucher >= 0)
            {
                final long delayMs = world.parameters.get(WorldParameter.CAREFUL_REDEEM_DELAY_MINUTES)
                    * SimulatedClock.MINUTE_MS;
                final long spendAtMs = redeemAtMs + rng.between(delayMs / 4, delayMs);
                final long markupBps = world.parameters.get(WorldParameter.CASH_OUT_CAREFUL_MARKUP_BPS);
                final long amountFen = WorldState.price(rng, shop.trade,
                    shop.voucherValueFen * (10_000 + rng.between(markupBps / 2, markupBps)) / 10_000.0);
                plan.ensureFunds(rng, spendAtMs, account, amountFen - shop.voucherValueFen, label);
                plan.payWithVoucher(spendAtMs, shop, pickTill(rng, shop), account,
                    Math.max(amountFen, shop.voucherValueFen), voucher, label);
            }
        }
    }
}
