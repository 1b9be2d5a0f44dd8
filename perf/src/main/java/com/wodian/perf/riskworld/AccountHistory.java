package com.wodian.perf.riskworld;

/**
 * The honest account events of the weeks before the world's week (docs/risk-threats.md section 10.8): a detector
 * that remembers an event for 30 days meets, on the week's first day, what happened to each account in the 30 days
 * before, so a world whose honest consumers change numbers and phones only inside the week understates how often it
 * sees them. Every established legitimate account lives through a history of {@link WorldParameter#HISTORY_DAYS}
 * days before the week (from its sign-up if later), at the same weekly rates as in the week: credential resets, new
 * devices, number changes (with their follow-ups), new-network log-ins, trips (a log-in on arrival, sometimes a new
 * phone before) and phones bought at a shop and set up that day (sometimes with a log-in from the shop's network or
 * a moved number).
 *
 * <p>There are no payments in the history, only these events; they carry no look-alike tag, as there is nothing of
 * the week's traffic around them to tag. The draws come from a stream of their own per account ({@link Rng#of} with
 * a purpose no other part uses), so the week's commands, its account events included, are what they were without the
 * history.
 */
final class AccountHistory
{
    private static final int PURPOSE_HISTORY = 1_006;
    static final long WEEK_MS = SimulatedClock.DAYS * SimulatedClock.DAY_MS;
    private static final Label HONEST = Label.LEGITIMATE;
    private static final AccountEventType[] KINDS = AccountEventType.values();

    private final WorldState world;
    private final WorldParameters parameters;
    private final AccountEventPlanner planner;

    AccountHistory(final WorldState world, final AccountEventPlanner planner)
    {
        this.world = world;
        this.parameters = world.parameters;
        this.planner = planner;
    }

    /** When the world's history begins: its knob's days before the week's Monday. */
    static long startMs(final WorldParameters parameters)
    {
        return SimulatedClock.WEEK_START_MS - parameters.get(WorldParameter.HISTORY_DAYS) * SimulatedClock.DAY_MS;
    }

    /**
     * An established legitimate account's history, one week-long slice at a time back from the week's Monday (the
     * oldest slice shorter when the history or the account begins within it): each kind at most once a slice, with
     * its weekly chance scaled by the slice's length, as the week draws it.
     */
    void plan(final Account account)
    {
        final long fromMs = Math.max(startMs(parameters), account.registeredAtMs + SimulatedClock.HOUR_MS);
        final Rng rng = Rng.of(world.seed, PURPOSE_HISTORY, account.index);
        for (long endMs = SimulatedClock.WEEK_START_MS; endMs > fromMs; endMs -= WEEK_MS)
        {
            final long startMs = Math.max(fromMs, endMs - WEEK_MS);
            planSlice(rng, account, startMs, endMs);
        }
    }

    private void planSlice(final Rng rng, final Account account, final long startMs, final long endMs)
    {
        final long windowMs = endMs - startMs;
        for (final AccountEventType kind : KINDS)
        {
            if (chance(rng, parameters.get(AccountEventPlanner.honestRate(kind)), windowMs))
            {
                final long atMs = AccountEventPlanner.wakingTimeBetween(rng, startMs, endMs);
                planner.add(atMs, account, kind, HONEST);
                if (kind == AccountEventType.PHONE_REBOUND)
                {
                    planner.planNumberChangeFollowUps(rng, account, atMs);
                }
            }
        }
        if (chance(rng, parameters.get(WorldParameter.TRAVELLER_CONSUMER_BPS), windowMs))
        {
            planTrip(rng, account, startMs, endMs);
        }
        if (chance(rng, parameters.get(WorldParameter.PHONE_PURCHASE_SET_UP_WEEKLY_BPS), windowMs))
        {
            planPhonePurchase(rng, account, startMs, endMs);
        }
    }

    /** As in the week (section 10.1): a new phone in the three days before, a log-in from the trip's network. */
    private void planTrip(final Rng rng, final Account account, final long startMs, final long endMs)
    {
        final long arrivalMs = AccountEventPlanner.wakingTimeBetween(rng, startMs, endMs);
        if (rng.chanceBps(parameters.get(WorldParameter.TRAVELLER_NEW_DEVICE_BPS)))
        {
            final long beforeMs = arrivalMs - rng.between(SimulatedClock.DAY_MS, 3 * SimulatedClock.DAY_MS);
            planner.add(Math.max(startMs, beforeMs), account, AccountEventType.DEVICE_BOUND, HONEST);
        }
        if (rng.chanceBps(parameters.get(WorldParameter.TRAVELLER_NEW_NETWORK_BPS)))
        {
            planner.add(arrivalMs, account, AccountEventType.NEW_NETWORK_LOGIN, HONEST);
        }
    }

    /**
     * As in the week (section 10.5), without the payment: the phone bound at the counter minutes after a log-in from
     * the shop's network, or at home; sometimes the number moved minutes after the binding.
     */
    private void planPhonePurchase(final Rng rng, final Account account, final long startMs, final long endMs)
    {
        long boundAtMs = AccountEventPlanner.wakingTimeBetween(rng, startMs, endMs);
        if (rng.chanceBps(parameters.get(WorldParameter.PHONE_PURCHASE_IN_SHOP_BPS)))
        {
            planner.add(boundAtMs, account, AccountEventType.NEW_NETWORK_LOGIN, HONEST);
            boundAtMs += rng.between(0L, 3 * SimulatedClock.MINUTE_MS);
        }
        planner.add(boundAtMs, account, AccountEventType.DEVICE_BOUND, HONEST);
        if (rng.chanceBps(parameters.get(WorldParameter.PHONE_PURCHASE_NUMBER_MOVE_BPS)))
        {
            planner.add(boundAtMs + rng.between(2 * SimulatedClock.MINUTE_MS, 30 * SimulatedClock.MINUTE_MS), account,
                AccountEventType.PHONE_REBOUND, HONEST);
        }
    }

    /** True with probability weeklyBps / 10,000 x windowMs / one week, exactly (no rounding of the scaled rate). */
    static boolean chance(final Rng rng, final long weeklyBps, final long windowMs)
    {
        return (rng.nextLong() >>> 1) % (10_000L * WEEK_MS) < weeklyBps * windowMs;
    }
}
