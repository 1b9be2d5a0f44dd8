package com.wodian.perf.riskworld;

/**
 * Circular flow among allied merchants: one owner runs a cluster of alliance shops; the accounts they recruited
 * (home shop in the cluster) buy only at the other shops of the cluster, so every sale pays an alliance share to a
 * shop of the same owner, fills the cluster's pools and earns points; the shops withdraw and the money is topped up
 * into the accounts again. BLATANT: shell shops registered together, new accounts, large round amounts many times a
 * day, shops swept every round. CAREFUL: established shops of different trades in one district, aged accounts,
 * the shops' usual tickets, a few purchases a day, withdrawals at the usual time.
 */
final class CircularFlowCampaign extends Campaign
{
    private static final Trade[] CLUSTER_TRADES = {Trade.RESTAURANT, Trade.BEAUTY, Trade.APPAREL, Trade.SUPERMARKET,
        Trade.CAFE_TEA};

    private final Merchant[] cluster;

    CircularFlowCampaign(final WorldState world, final CampaignPlanner planner, final Rng rng, final Label label,
        final int firstDay, final int lastDay)
    {
        super(world, label, firstDay, lastDay);
        final int area = rng.weighted(Areas.WEIGHTS);
        cluster = new Merchant[world.parameters.getInt(WorldParameter.CLUSTER_MERCHANTS)];
        for (int i = 0; i < cluster.length; i++)
        {
            final Trade trade = CLUSTER_TRADES[rng.nextInt(CLUSTER_TRADES.length)];
            cluster[i] = careful() ? world.merchant(planner.complicitShop(rng, new Trade[] {trade}, area, false))
                : planner.shellShop(rng, label, trade, area, firstDay);
        }
        final int[] homes = new int[cluster.length];
        for (int i = 0; i < cluster.length; i++)
        {
            homes[i] = cluster[i].index;
        }
        final int agentAccounts = world.parameters.getInt(WorldParameter.AGENT_ACCOUNTS_PER_GROUP);
        if (careful())
        {
            registerAgedAccounts(rng, agentAccounts, homes);
        }
        else
        {
            final long fromMs = SimulatedClock.at(firstDay, rng.between(8 * 60, 10 * 60), rng);
            registerNewAccounts(rng, agentAccounts, fromMs, SimulatedClock.HOUR_MS, homes);
        }
    }

    @Override
    void planActiveDay(final int day, final EventPlan plan, final Rng rng)
    {
        final long rateMilli = world.parameters.get(WorldParameter.CAREFUL_PAYMENTS_PER_ACCOUNT_DAY_MILLI);
        for (final Account account : accounts)
        {
            final int payments = careful() ? rng.poisson(rateMilli / 1_000.0) : rng.between(6, 15);
            for (int p = 0; p < payments; p++)
            {
                final Merchant shop = otherThanHome(rng, account);
                final long atMs;
                final long amountFen;
                if (careful())
                {
                    atMs = shopTime(rng, day, shop);
                    final double ticketFen = world.ticketFen(rng, shop);
                    amountFen = WorldState.price(rng, shop.trade, ticketFen * (1.0 + rng.nextDouble()));
                }
                else
                {
                    atMs = Math.max(account.registeredAtMs + 10 * SimulatedClock.MINUTE_MS,
                        SimulatedClock.at(day, rng.between(10 * 60, 22 * 60), rng));
                    amountFen = roundAmountFen(rng, 5, 30);
                }
                plan.ensureFunds(rng, atMs, account, amountFen, label);
                plan.pay(atMs, shop, pickTill(rng, shop), account, amountFen, label);
            }
        }
        if (!careful())
        {
            // Shell shops are emptied every night so the money can go round again.
            for (final Merchant shop : cluster)
            {
                sweep(SimulatedClock.at(day, 22 * 60 + 10 + rng.nextInt(90), rng), shop, plan);
            }
        }
    }

    private Merchant otherThanHome(final Rng rng, final Account account)
    {
        for (int attempt = 0; attempt < 8; attempt++)
        {
            final Merchant shop = cluster[rng.nextInt(cluster.length)];
            if (shop.index != account.homeMerchant)
            {
                return shop;
            }
        }
        return cluster[0];
    }
}
