package com.wodian.perf.riskworld;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Honest account events that cluster in one place at one time (docs/risk-threats.md section 10.6): an office moves
 * or gets a new line, and one weekday morning its staff's phones log in from a network never seen for them, then
 * they pay for lunch at the district's restaurants ({@code LUNCH_RUSH}). Many accounts, one district, one morning.
 *
 * <p>Which offices and days are drawn once per world; who is on the office's staff is drawn per account and day from
 * that day's planned lunch-time payments, before any of the day's commands is emitted. Every draw comes from streams
 * of their own ({@link Rng#of}, purposes no other part uses) and nothing touches the running models, so every other
 * command keeps its bytes and order.
 */
final class OfficeNetworkEvents
{
    private static final int PURPOSE_OFFICES = 1_004;
    private static final int PURPOSE_STAFF = 1_005;
    private static final Label LUNCH_RUSH = Label.legitimate(LookAlike.LUNCH_RUSH);
    /** Staff reach the office between 08:30 and 10:30. */
    private static final long ARRIVAL_FROM_MS = 8 * SimulatedClock.HOUR_MS + 30 * SimulatedClock.MINUTE_MS;
    private static final long ARRIVAL_TO_MS = 10 * SimulatedClock.HOUR_MS + 30 * SimulatedClock.MINUTE_MS;

    /** One office's change: the district its staff work in and the weekday their phones first meet the network. */
    record Change(int workArea, int day)
    {
    }

    private final WorldState world;
    private final List<Change> changes;
    private long order;

    OfficeNetworkEvents(final WorldState world)
    {
        this.world = world;
        this.changes = changes(world);
    }

    /** The week's office changes: districts weighted by where people work, weekdays only. */
    static List<Change> changes(final WorldState world)
    {
        final Rng rng = Rng.of(world.seed, PURPOSE_OFFICES, 0);
        final int count = world.parameters.getInt(WorldParameter.OFFICE_NETWORK_CHANGES);
        final List<Change> changes = new ArrayList<>(count);
        for (int c = 0; c < count; c++)
        {
            final Account worker = world.accounts.get(rng.nextInt(world.accounts.size()));
            int day = rng.between(0, SimulatedClock.DAYS - 1);
            while (SimulatedClock.weekend(day))
            {
                day = rng.between(0, SimulatedClock.DAYS - 1);
            }
            changes.add(new Change(worker.workArea, day));
        }
        return changes;
    }

    static boolean isLunchPayment(final WorldEvent event)
    {
        return (event.type == CommandType.PAY || event.type == CommandType.TRY) && event.actor == Actor.LEGITIMATE
            && event.lookAlike == LookAlike.LUNCH_RUSH;
    }

    /** The log-ins of the day's office changes, in input-time order (ties in planning order). */
    List<WorldEvent> derive(final int day, final List<WorldEvent> dayCommands)
    {
        final List<WorldEvent> events = new ArrayList<>();
        final long staffBps = world.parameters.get(WorldParameter.OFFICE_NETWORK_STAFF_BPS);
        for (int c = 0; c < changes.size(); c++)
        {
            final Change change = changes.get(c);
            if (change.day != day)
            {
                continue;
            }
            final Set<Integer> seen = new HashSet<>();
            for (final WorldEvent payment : dayCommands)
            {
                final Account payer = isLunchPayment(payment) ? world.account(payment.account) : null;
                if (payer == null || payer.workArea != change.workArea || !seen.add(payer.index))
                {
                    continue;
                }
                final Rng rng = Rng.of(world.seed, PURPOSE_STAFF, (long)c << 32 | payer.index);
                final boolean staff = rng.chanceBps(staffBps);
                final long atMs = SimulatedClock.dayStartMs(day) + rng.between(ARRIVAL_FROM_MS, ARRIVAL_TO_MS);
                if (staff && atMs >= payer.registeredAtMs + SimulatedClock.HOUR_MS && atMs < payment.timeMs)
                {
                    add(events, atMs, payer);
                }
            }
        }
        events.sort(WorldEvent::compare);
        return events;
    }

    private void add(final List<WorldEvent> events, final long timeMs, final Account account)
    {
        events.add(WorldEvent.accountEvent(
            timeMs, order++, account.index, AccountEventType.NEW_NETWORK_LOGIN, LUNCH_RUSH));
    }
}
