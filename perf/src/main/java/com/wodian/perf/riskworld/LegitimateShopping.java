package com.wodian.perf.riskworld;

/**
 * A day of ordinary consumers: single purchases at regular shops, lunch near the office, and the look-alikes the
 * threat model names (big tickets, mall trips, households paying in a row, office bulk buyers, travellers, quick
 * redeemers, returns, salon regulars, night owls). Every command is labelled LEGITIMATE with its look-alike. The
 * week's days and the warm-up's days before it ({@link WarmUp}) are planned by one instance each, with streams of
 * their own.
 */
final class LegitimateShopping
{
    private static final int PURPOSE_SESSIONS = 10;
    private static final int PURPOSE_WITHDRAWALS = 11;

    private final WorldState world;
    private final WorldParameters parameters;
    private final int[] visitWeights;
    private final int purposeSessions;
    private final int purposeWithdrawals;
    private final boolean redemptions;

    /** The week's shopping. */
    LegitimateShopping(final WorldState world)
    {
        this(world, PURPOSE_SESSIONS, PURPOSE_WITHDRAWALS, true);
    }

    /**
     * Shopping drawn from the given purposes' streams; without redemptions a quick-redeem session is drawn as the
     * session the roll gives next (the warm-up: see {@link WarmUp} for why it redeems nothing).
     */
    LegitimateShopping(final WorldState world, final int purposeSessions, final int purposeWithdrawals,
        final boolean redemptions)
    {
        this.purposeSessions = purposeSessions;
        this.purposeWithdrawals = purposeWithdrawals;
        this.redemptions = redemptions;
        this.world = world;
        this.parameters = world.parameters;
        this.visitWeights = new int[Trade.values().length];
        for (final Trade trade : Trade.values())
        {
            visitWeights[trade.ordinal()] = trade.visitWeight();
        }
    }

    void planDay(final int day, final EventPlan plan)
    {
        final long dayStartMs = SimulatedClock.dayStartMs(day);
        final long dayEndMs = SimulatedClock.dayStartMs(day + 1);
        for (final Account account : world.accounts)
        {
            if (account.shopsOrdinarily && account.registeredAtMs < dayEndMs && account.shopsUntilMs > dayStartMs)
            {
                final Rng rng = Rng.of(world.seed, purposeSessions, (long)day * 10_000_019L + account.index);
                planAccountDay(rng, day, account, plan);
            }
        }
        planWithdrawals(day, plan);
    }

    private void planAccountDay(final Rng rng, final int day, final Account account, final EventPlan plan)
    {
        final LegitimateSession session = new LegitimateSession(world, plan, rng, day, account);
        if (account.travelDay >= 0 && (day == account.travelDay || day == account.travelDay + 1))
        {
            session.travel(rng.between(2, 4));
            return;
        }
        final double weekendFactor = SimulatedClock.weekend(day) ? 1.25 : 1.0;
        final int sessions = rng.poisson(account.activityMilli * weekendFactor / 1_000.0);
        for (int s = 0; s < sessions; s++)
        {
            planSession(rng, day, account, session);
        }
        if (account.salonRegular && rng.chanceBps(3_000))
        {
            session.salonVisit();
        }
    }

    private void planSession(final Rng rng, final int day, final Account account, final LegitimateSession session)
    {
        final boolean weekday = !SimulatedClock.weekend(day);
        final int roll = rng.nextInt(10_000);
        int threshold = parameters.getInt(WorldParameter.BIG_TICKET_SESSION_BPS);
        if (roll < threshold)
        {
            session.bigTicket();
            return;
        }
        threshold += parameters.getInt(WorldParameter.MALL_TRIP_SESSION_BPS) * (weekday ? 1 : 2);
        if (roll < threshold)
        {
            session.mallTrip();
            return;
        }
        threshold += parameters.getInt(WorldParameter.FAMILY_SESSION_BPS);
        if (roll < threshold && account.family >= 0)
        {
            session.familyInARow(world.families.get(account.family));
            return;
        }
        threshold += parameters.getInt(WorldParameter.BULK_BUYER_SESSION_BPS);
        if (roll < threshold && weekday)
        {
            session.bulkBuyer();
            return;
        }
        threshold += parameters.getInt(WorldParameter.QUICK_REDEEM_SESSION_BPS);
        if (roll < threshold && redemptions && session.quickRedeem())
        {
            return;
        }
        final Trade trade = Trade.values()[rng.weighted(visitWeights)];
        if (weekday && account.workArea != account.homeArea && (trade == Trade.RESTAURANT
            || trade == Trade.CAFE_TEA) && rng.chanceBps(6_000))
        {
            session.lunchNearWork(trade);
            return;
        }
        session.ordinary(trade);
    }

    /** Shops take their settlement out once a day after closing, as most small merchants do. */
    private void planWithdrawals(final int day, final EventPlan plan)
    {
        final Rng rng = Rng.of(world.seed, purposeWithdrawals, day);
        for (final Merchant merchant : world.merchants)
        {
            if (merchant.owner.actor().isAbuse() || merchant.registeredAtMs >= SimulatedClock.dayStartMs(day + 1))
            {
                continue;
            }
            if (merchant.settlementFenModel > 10_000 && rng.chanceBps(7_000))
            {
                final long atMs = SimulatedClock.at(day, rng.between(21 * 60 + 30, 23 * 60 + 50), rng);
                plan.withdraw(atMs, merchant, merchant.settlementFenModel / 100 * 60, Label.LEGITIMATE);
            }
        }
    }
}
