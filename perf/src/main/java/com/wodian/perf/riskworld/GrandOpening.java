package com.wodian.perf.riskworld;

/**
 * A legitimate look-alike of voucher farming: a new shop opens during the week and signs up dozens of new customers
 * on its opening day. Each gets the platform's welcome points, tops up, buys at the shop, and many redeem the
 * welcome points for the shop's voucher and spend it at once. Afterwards the recruits shop like everyone else.
 */
final class GrandOpening
{
    private static final int PURPOSE_BUILD = 20;
    private static final int PURPOSE_DAY = 21;
    private static final Trade[] OPENING_TRADES = {Trade.RESTAURANT, Trade.CAFE_TEA, Trade.BEAUTY, Trade.APPAREL,
        Trade.SUPERMARKET};

    private final WorldState world;
    private final Merchant shop;
    private final int day;
    private final int firstRecruit;
    private final int recruits;

    private GrandOpening(final WorldState world, final Merchant shop, final int day, final int firstRecruit,
        final int recruits)
    {
        this.world = world;
        this.shop = shop;
        this.day = day;
        this.firstRecruit = firstRecruit;
        this.recruits = recruits;
    }

    static void plan(final WorldState world)
    {
        final int openings = world.parameters.getInt(WorldParameter.GRAND_OPENINGS);
        final ConsumerHabits habits = new ConsumerHabits(world);
        for (int i = 0; i < openings; i++)
        {
            final Rng rng = Rng.of(world.seed, PURPOSE_BUILD, i);
            final int day = rng.between(0, SimulatedClock.DAYS - 2);
            final Trade trade = OPENING_TRADES[rng.nextInt(OPENING_TRADES.length)];
            final Merchant shop = WorldBuilder.addMerchant(world, rng, trade, rng.weighted(Areas.WEIGHTS),
                SimulatedClock.at(day, rng.between(6 * 60, 8 * 60), rng));
            shop.allianceMember = true;
            shop.allianceShareBps = Math.max(shop.allianceShareBps, 100);
            shop.voucherPointsCost = world.parameters.get(WorldParameter.WELCOME_POINTS) / 100 * 100;
            shop.voucherValueFen = Math.max(1_000, shop.medianTicketFen / 4 / 100 * 100);
            // The opening promotion puts a tenth of each sale into the pool that funds the welcome vouchers.
            shop.poolRateBps = 1_000;
            final int recruits = world.parameters.getInt(WorldParameter.GRAND_OPENING_RECRUITS);
            final int first = world.accounts.size();
            for (int r = 0; r < recruits; r++)
            {
                final long registeredAtMs = SimulatedClock.at(day, rng.between(10 * 60, 20 * 60), rng);
                final Account account = world.newAccount(registeredAtMs, shop.index, shop.area);
                account.welcomeBonus = true;
                account.lookAlike = LookAlike.GRAND_OPENING;
                habits.settle(rng, account);
                account.legacyPoints = 0;
                account.initialTopUpAtMs = registeredAtMs + rng.between(20_000L, 5 * SimulatedClock.MINUTE_MS);
                account.shopsOrdinarily = false;
            }
            world.openings.add(new GrandOpening(world, shop, day, first, recruits));
        }
    }

    void planDay(final int today, final EventPlan plan)
    {
        if (today == day + 1)
        {
            for (int r = 0; r < recruits; r++)
            {
                world.account(firstRecruit + r).shopsOrdinarily = true;
            }
        }
        if (today != day)
        {
            return;
        }
        final Rng rng = Rng.of(world.seed, PURPOSE_DAY, shop.index);
        final Label label = Label.legitimate(LookAlike.GRAND_OPENING);
        final long eveningMs = SimulatedClock.at(day, 20 * 60 + 45, rng);
        for (int r = 0; r < recruits; r++)
        {
            final Account account = world.account(firstRecruit + r);
            final long buyAtMs = account.initialTopUpAtMs + rng.between(SimulatedClock.MINUTE_MS,
                40 * SimulatedClock.MINUTE_MS);
            final long ticketFen = world.ticketFen(rng, shop);
            plan.ensureFunds(rng, buyAtMs, account, ticketFen, label);
            plan.pay(buyAtMs, shop, shop.terminal(rng), account, ticketFen, label);
        }
        // Those who stay for a second round spend the welcome voucher, once the day's sales have filled the pool.
        for (int r = 0; r < recruits; r++)
        {
            final Account account = world.account(firstRecruit + r);
            if (!rng.chanceBps(5_000))
            {
                continue;
            }
            final long redeemAtMs = eveningMs + rng.between(0L, 40 * SimulatedClock.MINUTE_MS);
            final int voucher = plan.redeemFresh(redeemAtMs, account, shop, label);
            if (voucher >= 0)
            {
                final long amountFen = Math.max(world.ticketFen(rng, shop), shop.voucherValueFen + 100);
                plan.ensureFunds(rng, redeemAtMs, account, amountFen - shop.voucherValueFen, label);
                plan.payWithVoucher(redeemAtMs + rng.between(20_000L, 180_000L), shop, shop.terminal(rng), account,
                    amountFen, voucher, label);
            }
        }
    }
}
