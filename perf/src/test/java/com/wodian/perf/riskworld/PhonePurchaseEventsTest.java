package com.wodian.perf.riskworld;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static com.wodian.perf.riskworld.GeneratedWorlds.assertNear;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A phone bought at an electronics shop and bound the same day (docs/risk-threats.md section 10.5), checked on the
 * generated stream of four worlds against the phone-shop payments each emitted: the rates follow the knobs each seed
 * drew, every event comes after its purchase on the same day, a seed gives the same events.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class PhonePurchaseEventsTest
{
    private static final long MINUTE_MS = SimulatedClock.MINUTE_MS;
    private static final List<Generated> WORLDS = new ArrayList<>();

    /** A command as seen in the stream: its position, input time, account and (for an account event) kind. */
    private record Seen(long position, long timestampMs, long timeMs, int account, AccountEventType kind)
    {
    }

    /**
     * One generated world: its knobs, its phone-shop purchases and their events, and every honest
     * {@code DEVICE_BOUND} on an established consumer's account (weekly rate, number changes, trips, phone shops).
     */
    private record Generated(WorldParameters parameters, List<Seen> purchases, List<Seen> events,
        long establishedConsumers, long honestBindings)
    {
    }

    @BeforeAll
    static void generate()
    {
        WORLDS.addAll(GeneratedWorlds.generateAll(PhonePurchaseEventsTest::generate));
    }

    private static Generated generate(final long seed, final ParameterRange range)
    {
        final WorldState world = GeneratedWorlds.build(seed, range);
        final List<Seen> purchases = new ArrayList<>();
        final List<Seen> events = new ArrayList<>();
        final long[] honestBindings = new long[1];
        GeneratedWorlds.read(world, (position, timestampMs, event) ->
        {
            // The week's new devices: the history before it (AccountHistory) has its own test of its rates.
            if (event.type == CommandType.ACCOUNT_EVENT && event.accountEvent == AccountEventType.DEVICE_BOUND
                && event.actor == Actor.LEGITIMATE && established(world.account(event.account))
                && event.timeMs >= SimulatedClock.WEEK_START_MS)
            {
                honestBindings[0]++;
            }
            if (PhonePurchaseEvents.isPhoneShopPurchase(event, world))
            {
                purchases.add(new Seen(position, timestampMs, event.timeMs, event.account, null));
            }
            else if (event.type == CommandType.ACCOUNT_EVENT && event.lookAlike == LookAlike.BIG_TICKET)
            {
                assertEquals(Actor.LEGITIMATE, event.actor);
                assertEquals(0, event.groupId);
                events.add(new Seen(position, timestampMs, event.timeMs, event.account, event.accountEvent));
            }
        });
        final long establishedConsumers =
            world.accounts.stream().filter(account -> established(account) && !account.actor.isAbuse()).count();
        return new Generated(world.parameters, purchases, events, establishedConsumers, honestBindings[0]);
    }

    private static boolean established(final Account account)
    {
        return account.registeredAtMs + SimulatedClock.HOUR_MS <= SimulatedClock.WEEK_START_MS;
    }

    /**
     * A phone bought at a shop and set up that day is one of the new phones of 10.1's weekly rate, counted once
     * (docs/risk-threats.md section 10.1, "New devices, counted once"): in every world, TRAINING and HELD_OUT, all
     * honest new devices together (weekly rate, number changes, trips, phone shops) stay inside 10.1's 0.4-2.2 % of
     * consumers a week, whatever the number of phone-shop payments the world draws.
     */
    @Test
    void honestNewDevicesInAllStayInsideTheThreatModelsRange()
    {
        for (final Generated world : WORLDS)
        {
            final double weeklyPercent = 100.0 * world.honestBindings / world.establishedConsumers;
            assertTrue(weeklyPercent >= 0.4 && weeklyPercent <= 2.2, GeneratedWorlds.name(world.parameters)
                + "honest new devices " + weeklyPercent + " % of " + world.establishedConsumers
                + " established consumers a week, outside 0.4-2.2 %");
        }
    }

    @Test
    void phonesAreBoundAtTheRatesEachSeedDrew()
    {
        for (final Generated world : WORLDS)
        {
            final String name = GeneratedWorlds.name(world.parameters);
            final Map<AccountEventType, Long> seen = new HashMap<>();
            for (final Seen event : world.events)
            {
                seen.merge(event.kind, 1L, Long::sum);
            }
            final long bound = seen.getOrDefault(AccountEventType.DEVICE_BOUND, 0L);
            assertTrue(world.purchases.size() > 100, name + world.purchases.size() + " phone-shop purchases");
            // The week's phones are the weekly rate of the established consumers, whatever the number of purchases
            // (each day's chance is rounded down to a whole bps: at most one phone in 10,000 purchases less).
            assertNear(name + "phones bound", world.parameters.get(WorldParameter.CONSUMERS)
                * world.parameters.get(WorldParameter.PHONE_PURCHASE_SET_UP_WEEKLY_BPS) / 10_000.0, bound);
            assertNear(name + "set up in the shop", bound
                * world.parameters.get(WorldParameter.PHONE_PURCHASE_IN_SHOP_BPS) / 10_000.0,
                seen.getOrDefault(AccountEventType.NEW_NETWORK_LOGIN, 0L));
            assertNear(name + "numbers moved", bound
                * world.parameters.get(WorldParameter.PHONE_PURCHASE_NUMBER_MOVE_BPS) / 10_000.0,
                seen.getOrDefault(AccountEventType.PHONE_REBOUND, 0L));
            assertEquals(0L, seen.getOrDefault(AccountEventType.CREDENTIAL_RESET, 0L), name + "no reset");
        }
    }

    @Test
    void everyEventFollowsItsPurchaseOnTheSameDay()
    {
        for (final Generated world : WORLDS)
        {
            final String name = GeneratedWorlds.name(world.parameters);
            final Map<Integer, List<Seen>> purchasesByAccount = new HashMap<>();
            final Map<Integer, List<Seen>> bindingsByAccount = new HashMap<>();
            for (final Seen purchase : world.purchases)
            {
                purchasesByAccount.computeIfAbsent(purchase.account, a -> new ArrayList<>()).add(purchase);
            }
            for (final Seen event : world.events)
            {
                // Input time is the planned time: the merge never holds an event back behind a later command.
                assertEquals(event.timeMs, event.timestampMs, name + event);
                if (event.kind == AccountEventType.DEVICE_BOUND)
                {
                    bindingsByAccount.computeIfAbsent(event.account, a -> new ArrayList<>()).add(event);
                }
            }
            for (final Seen event : world.events)
            {
                final List<Seen> purchases = purchasesByAccount.getOrDefault(event.account, List.of());
                switch (event.kind)
                {
                    case DEVICE_BOUND -> assertTrue(purchases.stream().anyMatch(p -> sameDay(p, event)
                        && event.position > p.position && event.timeMs - p.timeMs >= 5 * MINUTE_MS),
                        name + "a binding without a phone bought 5 minutes or more before it that day: " + event);
                    case NEW_NETWORK_LOGIN -> assertTrue(purchases.stream().anyMatch(p -> sameDay(p, event)
                        && event.position > p.position && event.timeMs - p.timeMs >= 2 * MINUTE_MS
                        && event.timeMs - p.timeMs <= 45 * MINUTE_MS)
                        && bindingsByAccount.getOrDefault(event.account, List.of()).stream().anyMatch(b ->
                            b.timeMs >= event.timeMs && b.timeMs - event.timeMs <= 3 * MINUTE_MS),
                        name + "a shop log-in not 2-45 minutes after the purchase, 0-3 before the binding: " + event);
                    case PHONE_REBOUND -> assertTrue(bindingsByAccount.getOrDefault(event.account, List.of())
                        .stream().anyMatch(b -> sameDay(b, event) && event.timeMs - b.timeMs >= 2 * MINUTE_MS
                            && event.timeMs - b.timeMs <= 30 * MINUTE_MS),
                        name + "a number move not 2-30 minutes after a binding the same day: " + event);
                    default -> throw new AssertionError(name + event);
                }
            }
        }
    }

    @Test
    void aSeedGivesTheSameEvents()
    {
        final Generated again = GeneratedWorlds.generate(0, PhonePurchaseEventsTest::generate);
        assertTrue(again.events.size() > 50, "events: " + again.events.size());
        assertEquals(WORLDS.get(0).events, again.events);
    }

    private static boolean sameDay(final Seen a, final Seen b)
    {
        return GeneratedWorlds.day(a.timeMs) == GeneratedWorlds.day(b.timeMs);
    }
}
