package com.wodian.perf.riskworld;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The week's account events as planned (docs/risk-threats.md section 10), checked against the world they were
 * planned for: honest rates follow the knobs each seed drew, every event is labelled as its planner meant, rings'
 * events come before they may spend. Only the worlds are built (no commands generated): a second or two each.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AccountEventPlannerTest
{
    private static final long[][] SEEDS = {{11, 0}, {12, 0}, {11, 1}, {21, 1}};

    @Test
    void honestEventsFollowTheWeeklyRatesEachSeedDrew()
    {
        for (final long[] seedAndRange : SEEDS)
        {
            final WorldState world = build(seedAndRange);
            final List<WorldEvent> events = AccountEventPlanner.week(world);
            final Map<AccountEventType, Long> seen = new EnumMap<>(AccountEventType.class);
            long established = 0;
            long travellers = 0;
            long tripLogins = 0;
            long tripPhones = 0;
            for (final Account account : world.accounts)
            {
                if (!account.actor.isAbuse() && account.registeredAtMs + SimulatedClock.HOUR_MS
                    <= SimulatedClock.WEEK_START_MS)
                {
                    established++;
                    travellers += account.travelDay >= 0 ? 1 : 0;
                }
            }
            for (final WorldEvent event : events)
            {
                final Account account = world.account(event.account);
                if (event.actor != Actor.LEGITIMATE || account.registeredAtMs + SimulatedClock.HOUR_MS
                    > SimulatedClock.WEEK_START_MS)
                {
                    continue;
                }
                if (event.lookAlike == LookAlike.TRAVELLER)
                {
                    tripLogins += event.accountEvent == AccountEventType.NEW_NETWORK_LOGIN ? 1 : 0;
                    tripPhones += event.accountEvent == AccountEventType.DEVICE_BOUND ? 1 : 0;
                    continue;
                }
                assertEquals(LookAlike.NONE, event.lookAlike);
                seen.merge(event.accountEvent, 1L, Long::sum);
            }
            final String world11 = "seed " + seedAndRange[0] + " " + world.parameters.range() + ": ";
            final long numberChanges = seen.getOrDefault(AccountEventType.PHONE_REBOUND, 0L);
            final long followUpBps = world.parameters.get(WorldParameter.HONEST_PHONE_REBOUND_FOLLOW_UP_BPS);
            for (final AccountEventType kind : AccountEventType.values())
            {
                final long weeklyBps = world.parameters.get(AccountEventPlanner.honestRate(kind));
                double expected = established * weeklyBps / 10_000.0;
                if (kind == AccountEventType.CREDENTIAL_RESET || kind == AccountEventType.DEVICE_BOUND)
                {
                    expected += numberChanges * followUpBps / 10_000.0;
                }
                assertNear(world11 + kind, expected, seen.getOrDefault(kind, 0L));
            }
            assertNear(world11 + "trip log-ins", travellers
                * world.parameters.get(WorldParameter.TRAVELLER_NEW_NETWORK_BPS) / 10_000.0, tripLogins);
            assertNear(world11 + "new phones before a trip", travellers
                * world.parameters.get(WorldParameter.TRAVELLER_NEW_DEVICE_BPS) / 10_000.0, tripPhones);
        }
    }

    @Test
    void honestEventsHappenInTheWeekInWakingHoursAfterSignUpAndNeverOnAnAgentsAccount()
    {
        for (final long[] seedAndRange : SEEDS)
        {
            final WorldState world = build(seedAndRange);
            long honest = 0;
            long awake = 0;
            for (final WorldEvent event : AccountEventPlanner.week(world))
            {
                final Account account = world.account(event.account);
                assertTrue(event.timeMs >= account.registeredAtMs + SimulatedClock.HOUR_MS, "before sign-up");
                if (event.actor != Actor.LEGITIMATE)
                {
                    continue;
                }
                assertTrue(!account.actor.isAbuse(), "an honest event on an agent's account");
                assertEquals(0, event.groupId);
                if (event.lookAlike == LookAlike.NONE)
                {
                    honest++;
                    assertTrue(event.timeMs >= SimulatedClock.WEEK_START_MS
                        && event.timeMs < SimulatedClock.dayStartMs(SimulatedClock.DAYS), "outside the week");
                    final long hour = (event.timeMs - SimulatedClock.WEEK_START_MS) % SimulatedClock.DAY_MS
                        / SimulatedClock.HOUR_MS;
                    awake += hour >= 7 ? 1 : 0;
                }
            }
            assertTrue(honest > 200, "only " + honest + " honest events");
            assertTrue(awake > honest * 8 / 10, awake + " of " + honest + " honest events between 07:00 and 24:00");
        }
    }

    @Test
    void ringEventsCarryTheRingsLabelAndComeBeforeItMaySpend()
    {
        for (final long[] seedAndRange : SEEDS)
        {
            final WorldState world = build(seedAndRange);
            final Map<Integer, TakeoverCampaign> rings = new HashMap<>();
            for (final Campaign campaign : world.campaigns)
            {
                if (campaign instanceof TakeoverCampaign ring)
                {
                    rings.put(ring.label.groupId(), ring);
                }
            }
            final long blatantLeadMs = world.parameters.get(WorldParameter.TAKEOVER_BLATANT_LEAD_MINUTES)
                * SimulatedClock.MINUTE_MS;
            final long carefulLeadMs = world.parameters.get(WorldParameter.TAKEOVER_CAREFUL_LEAD_HOURS)
                * SimulatedClock.HOUR_MS;
            final Map<Integer, Long> lastEventMsByAccount = new HashMap<>();
            final Map<Variant, Long> eventsByVariant = new EnumMap<>(Variant.class);
            for (final WorldEvent event : AccountEventPlanner.week(world))
            {
                if (event.actor != Actor.ACCOUNT_TAKEOVER)
                {
                    continue;
                }
                final TakeoverCampaign ring = rings.get(event.groupId);
                assertNotNull(ring, "a takeover event of group " + event.groupId + ", which is no ring");
                assertEquals(ring.label.variant(), event.variant);
                assertEquals(LookAlike.NONE, event.lookAlike);
                assertTrue(ring.accounts.contains(world.account(event.account)), "not one of the ring's victims");
                lastEventMsByAccount.merge(event.account, event.timeMs, Math::max);
                eventsByVariant.merge(event.variant, 1L, Long::sum);
            }
            long victims = 0;
            for (final TakeoverCampaign ring : rings.values())
            {
                for (int v = 0; v < ring.accounts.size(); v++)
                {
                    victims++;
                    final Long lastMs = lastEventMsByAccount.get(ring.accounts.get(v).index);
                    if (lastMs == null)
                    {
                        continue;
                    }
                    final long leadMs = ring.earliestSpendMs(v) - lastMs;
                    if (ring.careful())
                    {
                        assertTrue(leadMs >= SimulatedClock.HOUR_MS && leadMs <= carefulLeadMs,
                            "careful lead " + leadMs + " ms");
                    }
                    else
                    {
                        assertTrue(leadMs >= SimulatedClock.MINUTE_MS && leadMs <= blatantLeadMs,
                            "blatant lead " + leadMs + " ms");
                    }
                }
            }
            final long silentBps = world.parameters.get(WorldParameter.TAKEOVER_SILENT_BPS);
            final long silent = victims - lastEventMsByAccount.size();
            assertNear("silent takeovers", victims * silentBps / 10_000.0, silent);
            assertTrue(eventsByVariant.getOrDefault(Variant.BLATANT, 0L) > 0
                && eventsByVariant.getOrDefault(Variant.CAREFUL, 0L) > 0, "events of both variants: "
                + eventsByVariant);
        }
    }

    @Test
    void handoversAreTheGroupsOwnAgedAccountsBeforeTheGroupStarts()
    {
        long handovers = 0;
        for (final long[] seedAndRange : SEEDS)
        {
            final WorldState world = build(seedAndRange);
            final Map<Integer, Campaign> campaigns = new HashMap<>();
            world.campaigns.forEach(campaign -> campaigns.put(campaign.label.groupId(), campaign));
            for (final WorldEvent event : AccountEventPlanner.week(world))
            {
                if (!event.actor.isAbuse() || event.actor == Actor.ACCOUNT_TAKEOVER)
                {
                    continue;
                }
                final Campaign campaign = campaigns.get(event.groupId);
                final Account account = world.account(event.account);
                assertEquals(campaign.label.actor(), event.actor);
                assertEquals(campaign.label.variant(), event.variant);
                assertEquals(event.groupId, account.groupId, "the group's own account");
                // Only careful agents use bought or dormant accounts; a blatant group's accounts are new, even
                // when registered the evening before a Monday start.
                assertEquals(Variant.CAREFUL, event.variant, "a blatant group's new account handed over");
                assertTrue(account.registeredAtMs < SimulatedClock.WEEK_START_MS - 7 * SimulatedClock.DAY_MS,
                    "an aged account");
                assertTrue(event.accountEvent == AccountEventType.PHONE_REBOUND
                    || event.accountEvent == AccountEventType.DEVICE_BOUND, "" + event.accountEvent);
                assertTrue(event.timeMs < SimulatedClock.dayStartMs(campaign.firstDay), "before the group starts");
                handovers++;
            }
        }
        assertTrue(handovers > 0, "no hand-over in four worlds");
    }

    @Test
    void samePlanForTheSameSeed()
    {
        final List<WorldEvent> first = AccountEventPlanner.plan(build(SEEDS[0]));
        final List<WorldEvent> second = AccountEventPlanner.plan(build(SEEDS[0]));
        assertEquals(first.size(), second.size());
        for (int i = 0; i < first.size(); i++)
        {
            assertEquals(first.get(i).timeMs, second.get(i).timeMs);
            assertEquals(first.get(i).account, second.get(i).account);
            assertEquals(first.get(i).accountEvent, second.get(i).accountEvent);
            assertEquals(first.get(i).groupId, second.get(i).groupId);
        }
    }

    private static WorldState build(final long[] seedAndRange)
    {
        return WorldBuilder.build(WorldParameters.draw(seedAndRange[0], ParameterRange.values()[(int)seedAndRange[1]]));
    }

    /** A count from independent chances: within four standard deviations (and two) of what the rate gives. */
    private static void assertNear(final String what, final double expected, final long seen)
    {
        final double tolerance = 4 * Math.sqrt(Math.max(1, expected)) + 2;
        assertTrue(Math.abs(seen - expected) <= tolerance, what + ": " + seen + " seen, " + expected + " expected");
    }
}
