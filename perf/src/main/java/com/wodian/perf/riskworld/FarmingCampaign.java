package com.wodian.perf.riskworld;

/**
 * Voucher farming (薅羊毛): a group registers accounts in bulk to collect the platform's welcome points, redeems them
 * for vouchers at shops running points promotions, and spends the vouchers with as little cash as the shop allows.
 * BLATANT: dozens of accounts registered within the hour at one shop, each redeeming minutes after sign-up and
 * spending the voucher for its value at the same till. CAREFUL: sign-ups spread over days and home shops, redemptions
 * hours later at several promotion shops, the vouchers spent on baskets the shops usually see.
 */
final class FarmingCampaign extends Campaign
{
    private final Merchant[] promotionShops;
    private final long[] redeemAtMs;

    FarmingCampaign(final WorldState world, final CampaignPlanner planner, final Rng rng, final Label label,
        final int firstDay, final int lastDay)
    {
        super(world, label, firstDay, lastDay);
        final int area = rng.weighted(Areas.WEIGHTS);
        promotionShops = new Merchant[careful() ? rng.between(2, 4) : 1];
        for (int i = 0; i < promotionShops.length; i++)
        {
            promotionShops[i] = world.merchant(planner.complicitShop(rng, new Trade[0], area, true));
        }
        final int count = world.parameters.getInt(WorldParameter.FARMING_ACCOUNTS_PER_GROUP);
        final long fromMs = SimulatedClock.at(firstDay, rng.between(9 * 60, 19 * 60), rng);
        if (careful())
        {
            final long spreadMs = world.parameters.get(WorldParameter.CAREFUL_REGISTRATION_SPREAD_HOURS)
                * SimulatedClock.HOUR_MS;
            final int[] homes = new int[promotionShops.length + 2];
            for (int i = 0; i < homes.length; i++)
            {
                homes[i] = i < promotionShops.length ? promotionShops[i].index
                    : planner.complicitShop(rng, new Trade[0], area, false);
            }
            registerNewAccounts(rng, count, fromMs, spreadMs, homes);
        }
        else
        {
            registerNewAccounts(rng, count, fromMs, rng.between(20L, 60L) * SimulatedClock.MINUTE_MS,
                new int[] {promotionShops[0].index});
        }
        redeemAtMs = new long[accounts.size()];
        final long delayMs =
            world.parameters.get(WorldParameter.CAREFUL_REDEEM_DELAY_MINUTES) * SimulatedClock.MINUTE_MS;
        for (int i = 0; i < redeemAtMs.length; i++)
        {
            final long waitMs = careful() ? rng.between(delayMs / 2, delayMs * 3 / 2)
                : rng.between(2L, 10L) * SimulatedClock.MINUTE_MS;
            redeemAtMs[i] = accounts.get(i).registeredAtMs + waitMs;
        }
    }

    @Override
    void planActiveDay(final int day, final EventPlan plan, final Rng rng)
    {
        final long dayStartMs = SimulatedClock.dayStartMs(day);
        for (int i = 0; i < accounts.size(); i++)
        {
            if (redeemAtMs[i] < dayStartMs || redeemAtMs[i] >= dayStartMs + SimulatedClock.DAY_MS)
            {
                continue;
            }
            final Account account = accounts.get(i);
            final Merchant shop = promotionShops[rng.nextInt(promotionShops.length)];
            final int voucher = plan.redeem(redeemAtMs[i], account, shop, label);
            if (voucher < 0)
            {
                continue;
            }
            final long spendAtMs;
            final long amountFen;
            if (careful())
            {
                spendAtMs = redeemAtMs[i] + rng.between(SimulatedClock.HOUR_MS, 6 * SimulatedClock.HOUR_MS);
                amountFen = Math.max(world.ticketFen(rng, shop), shop.voucherValueFen + 500);
            }
            else
            {
                spendAtMs = redeemAtMs[i] + rng.between(30_000L, 3 * SimulatedClock.MINUTE_MS);
                amountFen = shop.voucherValueFen + rng.between(0, 3) * 100;
            }
            plan.ensureFunds(rng, spendAtMs, account, amountFen - shop.voucherValueFen, label);
            plan.payWithVoucher(spendAtMs, shop, careful() ? pickTill(rng, shop) : shop.firstTerminal, account,
                amountFen, voucher, label);
        }
    }
}
