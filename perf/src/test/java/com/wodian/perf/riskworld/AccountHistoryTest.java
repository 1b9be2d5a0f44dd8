package com.wodian.perf.riskworld;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The weeks before the week (docs/risk-threats.md sections 10.2 and 10.8): honest account events over the world's
 * history at the week's rates, and bought accounts handed over at leads of hours to weeks. Only the worlds are built
 * (no commands generated); the stream as a whole, with the history merged in, is {@link RiskWorldTest}'s (the engine
 * accepts it, the other commands keep their bytes).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AccountHistoryTest
{
    /** The longest honest follow-up after an event: a reset or a new device up to two hours after a number change. */
    private static final long FOLLOW_UP_MAX_MS = 2 * SimulatedClock.HOUR_MS;

    @Test
    void historyEventsAreHonestAfterSignUpAndInsideTheHistory()
    {
        for (final long[] seedAndRange : GeneratedWorlds.SEEDS)
        {
            final WorldState world = build(seedAndRange);
            final String name = GeneratedWorlds.name(world.parameters);
            final long startMs = AccountHistory.startMs(world.parameters);
            final List<WorldEvent> history = AccountEventPlanner.history(world);
            long beforeLastThirtyDays = 0;
            for (final WorldEvent event : history)
            {
                final Account account = world.account(event.account);
                assertEquals(Actor.LEGITIMATE, event.actor, name + "a history event's label");
                assertEquals(LookAlike.NONE, event.lookAlike, name + "a history event's tag");
                assertFalse(account.actor.isAbuse(), name + "a history event on an agent's account");
                assertTrue(event.timeMs >= account.registeredAtMs + SimulatedClock.HOUR_MS, name + "before sign-up");
                assertTrue(event.timeMs >= startMs, name + "before the history began");
                assertTrue(event.timeMs < SimulatedClock.WEEK_START_MS + FOLLOW_UP_MAX_MS,
                    name + "a history event in the week: " + (event.timeMs - SimulatedClock.WEEK_START_MS) + " ms");
                beforeLastThirtyDays +=
                    event.timeMs < SimulatedClock.WEEK_START_MS - 30 * SimulatedClock.DAY_MS ? 1 : 0;
            }
            assertTrue(history.size() > 1_000, name + "only " + history.size() + " history events");
            // Histories of 36-64 days: some events lie beyond a 30-day memory of the week's first day.
            assertTrue(beforeLastThirtyDays > 0, name + "no history event more than 30 days before the week");
        }
    }

    /**
     * Counts scale with each account's window: over the history, each kind's events number the world's weekly rate
     * times the account-weeks the established legitimate accounts live through it (from the history's start or their
     * sign-up), plus what the week's other honest sources add to that kind at their own weekly rates (number-change
     * follow-ups, trips, phones bought at a shop).
     */
    @Test
    void eachKindFollowsTheWeeklyRatesOverTheAccountWeeksOfTheHistory()
    {
        for (final long[] seedAndRange : GeneratedWorlds.SEEDS)
        {
            final WorldState world = build(seedAndRange);
            final WorldParameters p = world.parameters;
            final long startMs = AccountHistory.startMs(p);
            double accountWeeks = 0;
            for (final Account account : world.accounts)
            {
                final long fromMs = Math.max(startMs, account.registeredAtMs + SimulatedClock.HOUR_MS);
                if (!account.actor.isAbuse() && fromMs < SimulatedClock.WEEK_START_MS)
                {
                    accountWeeks += (SimulatedClock.WEEK_START_MS - fromMs) / (double)AccountHistory.WEEK_MS;
                }
            }
            final Map<AccountEventType, Long> seen = new EnumMap<>(AccountEventType.class);
            for (final WorldEvent event : AccountEventPlanner.history(world))
            {
                seen.merge(event.accountEvent, 1L, Long::sum);
            }
            final double w = accountWeeks / 10_000.0;
            final double numberChanges = w * p.get(WorldParameter.HONEST_PHONE_REBOUND_WEEKLY_BPS);
            final double followUps = numberChanges * p.get(WorldParameter.HONEST_PHONE_REBOUND_FOLLOW_UP_BPS) / 1e4;
            final double trips = w * p.get(WorldParameter.TRAVELLER_CONSUMER_BPS);
            final double phones = w * p.get(WorldParameter.PHONE_PURCHASE_SET_UP_WEEKLY_BPS);
            final Map<AccountEventType, Double> expected = new EnumMap<>(AccountEventType.class);
            expected.put(AccountEventType.CREDENTIAL_RESET,
                w * p.get(WorldParameter.HONEST_CREDENTIAL_RESET_WEEKLY_BPS) + followUps);
            expected.put(AccountEventType.DEVICE_BOUND, w * p.get(WorldParameter.HONEST_DEVICE_BOUND_WEEKLY_BPS)
                + followUps + trips * p.get(WorldParameter.TRAVELLER_NEW_DEVICE_BPS) / 1e4 + phones);
            expected.put(AccountEventType.PHONE_REBOUND,
                numberChanges + phones * p.get(WorldParameter.PHONE_PURCHASE_NUMBER_MOVE_BPS) / 1e4);
            expected.put(AccountEventType.NEW_NETWORK_LOGIN,
                w * p.get(WorldParameter.HONEST_NEW_NETWORK_LOGIN_WEEKLY_BPS)
                    + trips * p.get(WorldParameter.TRAVELLER_NEW_NETWORK_BPS) / 1e4
                    + phones * p.get(WorldParameter.PHONE_PURCHASE_IN_SHOP_BPS) / 1e4);
            final String name = GeneratedWorlds.name(p) + String.format("%.0f account-weeks, ", accountWeeks);
            for (final AccountEventType kind : AccountEventType.values())
            {
                GeneratedWorlds.assertNear(name + kind, expected.get(kind), seen.getOrDefault(kind, 0L));
            }
        }
    }

    /**
     * A bought account's hand-over (its number moved, then its phone bound) comes a lead before its group's first day
     * drawn evenly from one hour to the world's longest lead, never before the account's sign-up (a lead cut there
     * is drawn evenly up to the sign-up) nor before the history.
     */
    @Test
    void handoversComeAtLeadsDrawnEvenlyUpToTheWorldsLongest()
    {
        double leadShares = 0;
        long uncut = 0;
        long handovers = 0;
        for (final long[] seedAndRange : GeneratedWorlds.SEEDS)
        {
            final WorldState world = build(seedAndRange);
            final String name = GeneratedWorlds.name(world.parameters);
            final long leadMaxMs = world.parameters.get(WorldParameter.HANDOVER_LEAD_DAYS_MAX) * SimulatedClock.DAY_MS;
            final Map<Integer, Campaign> campaigns = new HashMap<>();
            world.campaigns.forEach(campaign -> campaigns.put(campaign.label.groupId(), campaign));
            for (final WorldEvent event : AccountEventPlanner.week(world))
            {
                if (!event.actor.isAbuse() || event.actor == Actor.ACCOUNT_TAKEOVER
                    || event.accountEvent != AccountEventType.PHONE_REBOUND)
                {
                    continue;
                }
                handovers++;
                final Account account = world.account(event.account);
                final long firstDayMs = SimulatedClock.dayStartMs(campaigns.get(event.groupId).firstDay);
                final long leadMs = firstDayMs - event.timeMs;
                assertTrue(leadMs >= SimulatedClock.HOUR_MS && leadMs <= leadMaxMs, name + "lead " + leadMs + " ms");
                assertTrue(event.timeMs >= account.registeredAtMs + SimulatedClock.HOUR_MS, name + "before sign-up");
                assertTrue(event.timeMs >= AccountHistory.startMs(world.parameters), name + "before the history");
                if (firstDayMs - account.registeredAtMs - SimulatedClock.HOUR_MS >= leadMaxMs)
                {
                    uncut++;
                    leadShares += (leadMs - SimulatedClock.HOUR_MS) / (double)(leadMaxMs - SimulatedClock.HOUR_MS);
                }
            }
        }
        assertTrue(uncut > 50, "only " + uncut + " hand-overs of " + handovers + " with their lead uncut");
        // Evenly drawn shares of the longest lead: a mean of 1/2 with a standard deviation of sqrt(1 / 12 / n).
        final double mean = leadShares / uncut;
        assertTrue(Math.abs(mean - 0.5) <= 4 * Math.sqrt(1.0 / 12 / uncut),
            "the leads' mean share of the longest " + mean + " over " + uncut + " hand-overs");
    }

    /** Every hand-over lead fits in the history, in both ranges and at every knob's end: none falls before it. */
    @Test
    void theHistoryIsLongerThanEveryLeadAndThanAThirtyDayMemory()
    {
        for (final ParameterRange range : ParameterRange.values())
        {
            assertTrue(WorldParameter.HISTORY_DAYS.low(range) >= WorldParameter.HANDOVER_LEAD_DAYS_MAX.high(range),
                range + ": a history shorter than the longest lead");
            assertTrue(WorldParameter.HISTORY_DAYS.low(range) >= 30, range + ": a history shorter than 30 days");
        }
    }

    private static WorldState build(final long[] seedAndRange)
    {
        return GeneratedWorlds.build(seedAndRange[0], ParameterRange.values()[(int)seedAndRange[1]]);
    }
}
