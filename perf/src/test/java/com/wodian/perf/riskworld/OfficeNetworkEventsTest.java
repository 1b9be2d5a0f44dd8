package com.wodian.perf.riskworld;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static com.wodian.perf.riskworld.GeneratedWorlds.assertNear;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * An office's new network (docs/risk-threats.md section 10.6), checked on the generated stream of four worlds: the
 * share of the district's lunch-time payers who log in from a new network that morning follows the knob each seed
 * drew, every log-in is on a change's weekday morning before the payer's lunch, a seed gives the same log-ins.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class OfficeNetworkEventsTest
{
    private static final List<Generated> WORLDS = new ArrayList<>();

    /** A command as seen in the stream: its position, input time, planned time and account. */
    private record Seen(long position, long timestampMs, long timeMs, int account)
    {
    }

    private record Generated(WorldParameters parameters, List<OfficeNetworkEvents.Change> changes,
        Map<Integer, Integer> workAreas, List<Seen> lunches, List<Seen> logins)
    {
    }

    @BeforeAll
    static void generate()
    {
        WORLDS.addAll(GeneratedWorlds.generateAll(OfficeNetworkEventsTest::generate));
    }

    private static Generated generate(final long seed, final ParameterRange range)
    {
        final WorldState world = GeneratedWorlds.build(seed, range);
        final List<OfficeNetworkEvents.Change> changes = OfficeNetworkEvents.changes(world);
        final Map<Integer, Integer> workAreas = new HashMap<>();
        final List<Seen> lunches = new ArrayList<>();
        final List<Seen> logins = new ArrayList<>();
        GeneratedWorlds.read(world, (position, timestampMs, event) ->
        {
            if (OfficeNetworkEvents.isLunchPayment(event))
            {
                lunches.add(new Seen(position, timestampMs, event.timeMs, event.account));
                workAreas.put(event.account, world.account(event.account).workArea);
            }
            else if (event.type == CommandType.ACCOUNT_EVENT && event.lookAlike == LookAlike.LUNCH_RUSH)
            {
                assertEquals(Actor.LEGITIMATE, event.actor);
                assertEquals(0, event.groupId);
                assertEquals(AccountEventType.NEW_NETWORK_LOGIN, event.accountEvent);
                logins.add(new Seen(position, timestampMs, event.timeMs, event.account));
            }
        });
        return new Generated(world.parameters, changes, workAreas, lunches, logins);
    }

    @Test
    void aShareOfTheDistrictsLunchPayersLogInAsTheSeedDrew()
    {
        for (final Generated world : WORLDS)
        {
            final String name = GeneratedWorlds.name(world.parameters);
            assertEquals(world.parameters.get(WorldParameter.OFFICE_NETWORK_CHANGES), world.changes.size(), name);
            long payers = 0;
            for (final OfficeNetworkEvents.Change change : world.changes)
            {
                final Set<Integer> districtPayers = new HashSet<>();
                for (final Seen lunch : world.lunches)
                {
                    if (day(lunch) == change.day() && world.workAreas.get(lunch.account) == change.workArea())
                    {
                        districtPayers.add(lunch.account);
                    }
                }
                payers += districtPayers.size();
            }
            assertTrue(payers > 100, name + payers + " lunch payers on the changes' days");
            assertNear(name + "office log-ins", payers
                * world.parameters.get(WorldParameter.OFFICE_NETWORK_STAFF_BPS) / 10_000.0, world.logins.size());
        }
    }

    @Test
    void everyLogInIsOnAChangesMorningBeforeThePayersLunch()
    {
        for (final Generated world : WORLDS)
        {
            final String name = GeneratedWorlds.name(world.parameters);
            for (final Seen login : world.logins)
            {
                assertEquals(login.timeMs, login.timestampMs, name + login);
                final long minuteOfDay = Math.floorMod(login.timeMs - SimulatedClock.WEEK_START_MS,
                    SimulatedClock.DAY_MS) / SimulatedClock.MINUTE_MS;
                assertTrue(minuteOfDay >= 8 * 60 + 30 && minuteOfDay <= 10 * 60 + 30, name + "not a morning " + login);
                assertTrue(world.changes.stream().anyMatch(change -> change.day() == day(login)
                    && change.workArea() == world.workAreas.getOrDefault(login.account, -1)),
                    name + "not on a change's day and district: " + login);
                assertTrue(world.lunches.stream().anyMatch(lunch -> lunch.account == login.account
                    && day(lunch) == day(login) && lunch.position > login.position && lunch.timeMs > login.timeMs),
                    name + "no lunch after the log-in: " + login);
            }
        }
    }

    @Test
    void aSeedGivesTheSameLogIns()
    {
        final Generated again = GeneratedWorlds.generate(2, OfficeNetworkEventsTest::generate);
        assertTrue(again.logins.size() > 10, "log-ins: " + again.logins.size());
        assertEquals(WORLDS.get(2).logins, again.logins);
    }

    private static long day(final Seen seen)
    {
        return GeneratedWorlds.day(seen.timeMs);
    }
}
