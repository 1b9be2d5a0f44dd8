package com.wodian.perf.riskworld;

import java.util.ArrayList;
import java.util.List;

/**
 * Gives established consumers their habits: who recruited them, where they work, how often they shop, which shops
 * they return to, their households, trips and wallets; and adds the consumers who sign up during the week.
 */
final class ConsumerHabits
{
    private static final int WEEKLY_NEWCOMERS_PER_10K = 140;

    private final WorldState world;
    private final WorldParameters parameters;

    ConsumerHabits(final WorldState world)
    {
        this.world = world;
        this.parameters = world.parameters;
    }

    /** The alliance shop that brought the consumer in: a shop of the home area that existed at registration. */
    int recruiter(final Rng rng, final int homeArea, final long registeredAtMs)
    {
        for (int attempt = 0; attempt < 32; attempt++)
        {
            final Trade trade = Trade.values()[rng.weighted(Trade.merchantShares())];
            final int shop = world.pickShop(rng, trade, homeArea, registeredAtMs);
            if (shop >= 0 && world.merchant(shop).allianceMember)
            {
                return shop;
            }
        }
        for (final Merchant merchant : world.merchants)
        {
            if (merchant.allianceMember && merchant.registeredAtMs <= registeredAtMs)
            {
                return merchant.index;
            }
        }
        return 0;
    }

    void settle(final Rng rng, final Account account)
    {
        account.shopsOrdinarily = true;
        account.workArea = rng.chanceBps(5_500) ? Areas.sameCity(rng, account.homeArea) : account.homeArea;
        final double mean = parameters.get(WorldParameter.SESSIONS_PER_CONSUMER_DAY_MILLI);
        account.activityMilli = (int)Math.min(8_000, rng.logNormal(mean * 0.85, 0.6));
        account.regulars = new int[Trade.values().length][];
        for (final Trade trade : Trade.values())
        {
            account.regulars[trade.ordinal()] = regularShops(rng, account, trade);
        }
        account.salonRegular = account.regulars[Trade.BEAUTY.ordinal()].length > 0 && rng.chanceBps(300);
        if (rng.chanceBps(parameters.get(WorldParameter.TRAVELLER_CONSUMER_BPS)))
        {
            account.travelDay = rng.nextInt(SimulatedClock.DAYS);
            account.travelArea = Areas.otherCity(rng, account.homeArea);
        }
        account.walletTargetFen = Math.max(5_000, (long)rng.logNormal(60_000, 0.7) / 100 * 100);
        fund(rng, account);
        if (rng.chanceBps(6_000))
        {
            account.legacyPoints = Math.max(1, (long)rng.logNormal(600, 1.0));
        }
    }

    private static void fund(final Rng rng, final Account account)
    {
        account.initialTopUpFen = account.walletTargetFen;
        account.initialTopUpAtMs = Math.max(account.registeredAtMs + 1_000,
            SimulatedClock.WEEK_START_MS - rng.between(SimulatedClock.HOUR_MS, 3 * SimulatedClock.DAY_MS));
    }

    private int[] regularShops(final Rng rng, final Account account, final Trade trade)
    {
        final int count = trade == Trade.ELECTRONICS ? rng.between(0, 1) : rng.between(1, 3);
        final int[] shops = new int[count];
        int found = 0;
        for (int i = 0; i < count; i++)
        {
            final int area = rng.nextInt(3) == 0 ? account.workArea : account.homeArea;
            final int shop = world.pickShop(rng, trade, area, account.registeredAtMs);
            if (shop >= 0)
            {
                shops[found++] = shop;
            }
        }
        return java.util.Arrays.copyOf(shops, found);
    }

    /** Households of two to four people living in the same area. */
    void formHouseholds(final Rng rng)
    {
        final List<List<Integer>> byArea = new ArrayList<>();
        for (int area = 0; area < Areas.count(); area++)
        {
            byArea.add(new ArrayList<>());
        }
        for (final Account account : world.accounts)
        {
            if (rng.chanceBps(3_500))
            {
                byArea.get(account.homeArea).add(account.index);
            }
        }
        for (final List<Integer> pool : byArea)
        {
            int next = 0;
            while (next + 1 < pool.size())
            {
                final int size = Math.min(pool.size() - next, rng.between(2, 4));
                final int[] members = new int[size];
                for (int i = 0; i < size; i++)
                {
                    members[i] = pool.get(next + i);
                    world.account(members[i]).family = world.families.size();
                }
                world.families.add(members);
                next += size;
            }
        }
    }

    /** Ordinary sign-ups during the week: registered at a shop, welcome points, then ordinary shopping. */
    void organicNewcomers(final Rng rng)
    {
        final long count = parameters.get(WorldParameter.CONSUMERS) * WEEKLY_NEWCOMERS_PER_10K / 10_000;
        for (int i = 0; i < count; i++)
        {
            final int day = rng.nextInt(SimulatedClock.DAYS);
            final int homeArea = rng.weighted(Areas.WEIGHTS);
            final long registeredAtMs = SimulatedClock.at(day, rng.between(9 * 60, 21 * 60), rng);
            final Account account = world.newAccount(registeredAtMs, recruiter(rng, homeArea, registeredAtMs),
                homeArea);
            account.welcomeBonus = true;
            settle(rng, account);
            account.legacyPoints = 0;
            account.initialTopUpAtMs = registeredAtMs + rng.between(30_000L, 20 * SimulatedClock.MINUTE_MS);
        }
    }
}
