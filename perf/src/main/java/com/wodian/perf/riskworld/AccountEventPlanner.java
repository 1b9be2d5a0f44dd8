package com.wodian.perf.riskworld;

import java.util.ArrayList;
import java.util.List;

/**
 * Plans the world's account events (docs/risk-threats.md section 10): honest consumers' credential resets, new
 * devices, number changes and new-network log-ins at the world's weekly rates, travellers' trips, the takeover
 * rings' events before they spend, the hand-over of bought accounts to their agents (weeks to hours before the group
 * starts), and the honest events of the weeks before the week ({@link AccountHistory}, section 10.8).
 *
 * <p>Every draw comes from streams of its own ({@link Rng#of} with purposes no other part of the generator uses),
 * and the plan only reads the built world (accounts, campaigns), never the running models. So a seed's other
 * commands are the same with or without the account events, byte for byte and in the same order; {@link WorldCursor}
 * merges the two by time.
 */
final class AccountEventPlanner
{
    private static final int PURPOSE_HONEST = 1_000;
    private static final int PURPOSE_RING = 1_001;
    private static final int PURPOSE_HANDOVER = 1_002;
    private static final long WEEK_MS = SimulatedClock.DAYS * SimulatedClock.DAY_MS;
    private static final long WEEK_END_MS = SimulatedClock.dayStartMs(SimulatedClock.DAYS);
    /** Relative weight of each hour of the day for an honest event: people change phones and reset PINs awake. */
    private static final int[] HOUR_WEIGHTS =
        {3, 2, 1, 1, 1, 1, 2, 5, 8, 9, 10, 10, 11, 10, 9, 9, 9, 10, 11, 12, 13, 13, 11, 7};
    private static final AccountEventType[] HONEST_KINDS = AccountEventType.values();
    private static final AccountEventType[] FOLLOW_UPS =
        {AccountEventType.CREDENTIAL_RESET, AccountEventType.DEVICE_BOUND};

    private final WorldState world;
    private final WorldParameters parameters;
    private final List<WorldEvent> events = new ArrayList<>();

    private AccountEventPlanner(final WorldState world)
    {
        this.world = world;
        this.parameters = world.parameters;
    }

    /** The world's account events, its history's included, in input-time order (ties in planning order). */
    static List<WorldEvent> plan(final WorldState world)
    {
        final AccountEventPlanner planner = planWeek(world);
        planner.planHistory();
        planner.events.sort(WorldEvent::compare);
        return planner.events;
    }

    /** Only the week's own events (no history), in input-time order: what a test of the week reads. */
    static List<WorldEvent> week(final WorldState world)
    {
        final AccountEventPlanner planner = planWeek(world);
        planner.events.sort(WorldEvent::compare);
        return planner.events;
    }

    /** Only the history's events ({@link AccountHistory}), in input-time order: what a test of the history reads. */
    static List<WorldEvent> history(final WorldState world)
    {
        final AccountEventPlanner planner = new AccountEventPlanner(world);
        planner.planHistory();
        planner.events.sort(WorldEvent::compare);
        return planner.events;
    }

    /**
     * The week's own events: honest ones, trips, rings and hand-overs, planned first so that their planning order
     * (which breaks ties of equal times) is what it was before the history existed.
     */
    private static AccountEventPlanner planWeek(final WorldState world)
    {
        final AccountEventPlanner planner = new AccountEventPlanner(world);
        for (final Account account : world.accounts)
        {
            if (!account.actor.isAbuse())
            {
                planner.planHonest(account);
            }
        }
        for (final Campaign campaign : world.campaigns)
        {
            if (campaign instanceof TakeoverCampaign ring)
            {
                planner.planRing(ring);
            }
            else
            {
                planner.planHandovers(campaign);
            }
        }
        return planner;
    }

    /** Every established legitimate account's history before the week. */
    private void planHistory()
    {
        final AccountHistory history = new AccountHistory(world, this);
        for (final Account account : world.accounts)
        {
            if (!account.actor.isAbuse() && account.registeredAtMs + SimulatedClock.HOUR_MS
                < SimulatedClock.WEEK_START_MS)
            {
                history.plan(account);
            }
        }
    }

    private void planHonest(final Account account)
    {
        final Rng rng = Rng.of(world.seed, PURPOSE_HONEST, account.index);
        final long fromMs = Math.max(SimulatedClock.WEEK_START_MS, account.registeredAtMs + SimulatedClock.HOUR_MS);
        if (fromMs < WEEK_END_MS)
        {
            // A sign-up of the week can only change what it has had for part of the week.
            final long windowMs = WEEK_END_MS - fromMs;
            for (final AccountEventType kind : HONEST_KINDS)
            {
                final long weeklyBps = parameters.get(honestRate(kind));
                if (rng.chanceBps(weeklyBps * windowMs / WEEK_MS))
                {
                    final long atMs = wakingTime(rng, fromMs);
                    add(atMs, account, kind, Label.LEGITIMATE);
                    if (kind == AccountEventType.PHONE_REBOUND)
                    {
                        planNumberChangeFollowUps(rng, account, atMs);
                    }
                }
            }
        }
        if (account.travelDay >= 0)
        {
            planTrip(rng, account);
        }
    }

    /**
     * A new number often comes with a new phone and an SMS reset: exactly what a SIM swap looks like. A follow-up
     * that would fall after Sunday midnight is not in the week.
     */
    void planNumberChangeFollowUps(final Rng rng, final Account account, final long changedAtMs)
    {
        final long followUpBps = parameters.get(WorldParameter.HONEST_PHONE_REBOUND_FOLLOW_UP_BPS);
        for (final AccountEventType kind : FOLLOW_UPS)
        {
            final boolean follows = rng.chanceBps(followUpBps);
            final long atMs = changedAtMs + rng.between(2 * SimulatedClock.MINUTE_MS, 2 * SimulatedClock.HOUR_MS);
            if (follows && atMs < WEEK_END_MS)
            {
                add(atMs, account, kind, Label.LEGITIMATE);
            }
        }
    }

    /** A trip: sometimes a new phone in the three days before, often a log-in from the hotel's or carrier's network. */
    private void planTrip(final Rng rng, final Account account)
    {
        final Label trip = Label.legitimate(LookAlike.TRAVELLER);
        final long earliestMs = account.registeredAtMs + SimulatedClock.HOUR_MS;
        if (rng.chanceBps(parameters.get(WorldParameter.TRAVELLER_NEW_DEVICE_BPS)))
        {
            final long beforeMs =
                SimulatedClock.dayStartMs(account.travelDay - rng.between(1, 3)) + wakingMinuteMs(rng);
            add(Math.max(earliestMs, beforeMs), account, AccountEventType.DEVICE_BOUND, trip);
        }
        if (rng.chanceBps(parameters.get(WorldParameter.TRAVELLER_NEW_NETWORK_BPS)))
        {
            final long arrivalMs = SimulatedClock.dayStartMs(account.travelDay)
                + rng.between(6 * SimulatedClock.HOUR_MS, 11 * SimulatedClock.HOUR_MS);
            add(Math.max(earliestMs, arrivalMs), account, AccountEventType.NEW_NETWORK_LOGIN, trip);
        }
    }

    /**
     * A ring's events on each victim, the last one a lead before the ring may first spend: minutes for a BLATANT
     * ring, hours to days for a CAREFUL one. A silent takeover (hijacked session, stolen unlocked phone, a proxy in
     * the victim's city) leaves none.
     */
    private void planRing(final TakeoverCampaign ring)
    {
        final Rng rng = Rng.of(world.seed, PURPOSE_RING, ring.label.groupId());
        final boolean careful = ring.careful();
        final long silentBps = parameters.get(WorldParameter.TAKEOVER_SILENT_BPS);
        final long simSwapBps = parameters.get(WorldParameter.TAKEOVER_SIM_SWAP_BPS);
        for (int v = 0; v < ring.accounts.size(); v++)
        {
            final Account victim = ring.accounts.get(v);
            final boolean silent = rng.chanceBps(silentBps);
            final List<AccountEventType> chain = new ArrayList<>(3);
            if (rng.chanceBps(simSwapBps))
            {
                // The number moves to the ring's SIM; the SMS code then resets the password and binds its phone.
                chain.add(AccountEventType.PHONE_REBOUND);
                if (!careful || rng.chanceBps(5_000))
                {
                    chain.add(AccountEventType.CREDENTIAL_RESET);
                }
                chain.add(AccountEventType.DEVICE_BOUND);
            }
            else
            {
                // Phished or leaked credentials: a log-in from the ring's network; careful rings rarely reset, as a
                // reset locks the owner out and makes them call.
                chain.add(AccountEventType.NEW_NETWORK_LOGIN);
                if (rng.chanceBps(careful ? 4_000 : 6_000))
                {
                    chain.add(AccountEventType.DEVICE_BOUND);
                }
                if (rng.chanceBps(careful ? 1_000 : 5_000))
                {
                    chain.add(AccountEventType.CREDENTIAL_RESET);
                }
            }
            final long leadMs = careful
                ? rng.between(SimulatedClock.HOUR_MS,
                    parameters.get(WorldParameter.TAKEOVER_CAREFUL_LEAD_HOURS) * SimulatedClock.HOUR_MS)
                : rng.between(SimulatedClock.MINUTE_MS,
                    parameters.get(WorldParameter.TAKEOVER_BLATANT_LEAD_MINUTES) * SimulatedClock.MINUTE_MS);
            final long[] gapsMs = new long[chain.size()];
            for (int i = 1; i < gapsMs.length; i++)
            {
                gapsMs[i] = rng.between(SimulatedClock.MINUTE_MS, (careful ? 30 : 10) * SimulatedClock.MINUTE_MS);
            }
            if (!silent)
            {
                planChain(victim, chain, gapsMs, ring.earliestSpendMs(v) - leadMs, ring.label);
            }
        }
    }

    /**
     * Bought accounts move to the agent's SIM and phone before the group first uses them: when the agent bought them
     * (a seller could take an account back through its number otherwise), a lead before the group's first day drawn
     * evenly from one hour to the world's longest lead (the stock's turnover, section 10.2), never before the account
     * was registered. Which accounts are handed over is the draw of the week-only generator (the same stream), so a
     * world hands over the same accounts as before and only the times moved.
     */
    private void planHandovers(final Campaign campaign)
    {
        final long handoverBps = parameters.get(WorldParameter.AGED_ACCOUNT_HANDOVER_BPS);
        final long leadDaysMax = parameters.get(WorldParameter.HANDOVER_LEAD_DAYS_MAX);
        for (final Account account : campaign.accounts)
        {
            // Only the group's own bought or dormant accounts: not a cash-out's points sellers, not the accounts a
            // group registers for its work (those registered the evening before a Monday start included).
            if (account.groupId != campaign.label.groupId() || !account.aged)
            {
                continue;
            }
            final Rng rng = Rng.of(world.seed, PURPOSE_HANDOVER, account.index);
            if (!rng.chanceBps(handoverBps))
            {
                continue;
            }
            final long firstDayMs = SimulatedClock.dayStartMs(campaign.firstDay);
            final long leadMaxMs = Math.max(SimulatedClock.HOUR_MS, Math.min(leadDaysMax * SimulatedClock.DAY_MS,
                firstDayMs - account.registeredAtMs - SimulatedClock.HOUR_MS));
            final long reboundMs = firstDayMs - rng.between(SimulatedClock.HOUR_MS, leadMaxMs);
            add(reboundMs, account, AccountEventType.PHONE_REBOUND, campaign.label);
            add(reboundMs + rng.between(2 * SimulatedClock.MINUTE_MS, 20 * SimulatedClock.MINUTE_MS), account,
                AccountEventType.DEVICE_BOUND, campaign.label);
        }
    }

    /** Events in chain order, the last at lastMs, each earlier one its gap before the next; never before sign-up. */
    private void planChain(final Account account, final List<AccountEventType> chain, final long[] gapsMs,
        final long lastMs, final Label label)
    {
        final long[] atMs = new long[chain.size()];
        atMs[atMs.length - 1] = lastMs;
        for (int i = atMs.length - 2; i >= 0; i--)
        {
            atMs[i] = atMs[i + 1] - gapsMs[i + 1];
        }
        // Victims are established accounts (registered a day or more before the week): a shift here stays far
        // before any spending.
        final long shiftMs = Math.max(0, account.registeredAtMs + SimulatedClock.HOUR_MS - atMs[0]);
        for (int i = 0; i < atMs.length; i++)
        {
            add(atMs[i] + shiftMs, account, chain.get(i), label);
        }
    }

    /** A waking-hours time on a day of the week from fromMs on (that day included). */
    private static long wakingTime(final Rng rng, final long fromMs)
    {
        final int firstDay = (int)((fromMs - SimulatedClock.WEEK_START_MS) / SimulatedClock.DAY_MS);
        final int day = rng.between(firstDay, SimulatedClock.DAYS - 1);
        final long atMs = SimulatedClock.dayStartMs(day) + wakingMinuteMs(rng);
        return atMs >= fromMs ? atMs : Math.min(WEEK_END_MS - 1, fromMs + rng.between(0L, SimulatedClock.HOUR_MS));
    }

    /**
     * A waking-hours time on a day from startMs to endMs (a day drawn evenly, then the hour by its weight); a time that
     * falls outside (the first or last day cut by the bounds) is moved to within an hour after startMs.
     */
    static long wakingTimeBetween(final Rng rng, final long startMs, final long endMs)
    {
        final long firstDay = Math.floorDiv(startMs - SimulatedClock.WEEK_START_MS, SimulatedClock.DAY_MS);
        final long lastDay = Math.floorDiv(endMs - 1 - SimulatedClock.WEEK_START_MS, SimulatedClock.DAY_MS);
        final long atMs = SimulatedClock.WEEK_START_MS + rng.between(firstDay, lastDay) * SimulatedClock.DAY_MS
            + wakingMinuteMs(rng);
        return atMs >= startMs && atMs < endMs ? atMs
            : startMs + rng.between(0L, Math.min(SimulatedClock.HOUR_MS, endMs - startMs) - 1);
    }

    private static long wakingMinuteMs(final Rng rng)
    {
        return rng.weighted(HOUR_WEIGHTS) * SimulatedClock.HOUR_MS + rng.between(0L, SimulatedClock.HOUR_MS - 1);
    }

    static WorldParameter honestRate(final AccountEventType kind)
    {
        return switch (kind)
        {
            case CREDENTIAL_RESET -> WorldParameter.HONEST_CREDENTIAL_RESET_WEEKLY_BPS;
            case DEVICE_BOUND -> WorldParameter.HONEST_DEVICE_BOUND_WEEKLY_BPS;
            case PHONE_REBOUND -> WorldParameter.HONEST_PHONE_REBOUND_WEEKLY_BPS;
            case NEW_NETWORK_LOGIN -> WorldParameter.HONEST_NEW_NETWORK_LOGIN_WEEKLY_BPS;
        };
    }

    void add(final long timeMs, final Account account, final AccountEventType kind, final Label label)
    {
        events.add(WorldEvent.accountEvent(timeMs, events.size(), account.index, kind, label));
    }
}
