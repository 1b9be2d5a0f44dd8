package com.wodian.perf.riskworld;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

import java.util.ArrayList;
import java.util.List;

/**
 * Generates a world's commands lazily, one simulated day at a time: the registrations before the week, then each
 * day's plan (legitimate shopping, grand openings, abuse campaigns) sorted by input time; the warm-up's payments
 * before the week ({@link WarmUp}, planned a day at a time too) are merged in by time, one going first only when
 * strictly earlier than the next other command, so they change no other command's bytes, order or input time. Only
 * the pending day is held in memory (plus commands planned for later, such as refunds), so a week costs a few
 * megabytes.
 *
 * <p>The world's account events ({@link AccountEventPlanner}: the week's, a few thousand, and those of the history
 * before it, {@link AccountHistory}, up to about twenty thousand, which fall among the registrations) are planned up
 * front from streams of their own and merged in by time: an account event goes before the next other command only
 * when it is strictly earlier. Every other command therefore keeps its bytes, its order and its input time (the
 * running maximum of input times is unchanged by an earlier account event), whatever the account events are. Events
 * tied to a day's
 * own payments ({@link PhonePurchaseEvents}, {@link OfficeNetworkEvents}) are derived when the day is planned,
 * before any of its commands is emitted, and merged the same way.
 */
final class WorldCursor implements LabelledCommands
{
    private final WorldState world;
    private final EventPlan plan = new EventPlan();
    private final LegitimateShopping shopping;
    private final WorldEventEncoder encoder;
    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(256);
    private final List<WorldEvent> accountEvents;
    private int accountEventIndex;
    private final PhonePurchaseEvents phonePurchases;
    private final OfficeNetworkEvents officeNetworks;
    private final WarmUp warmUp;
    private boolean currentWarm;
    private List<WorldEvent> dayEvents = List.of();
    private int dayEventIndex;
    private List<WorldEvent> ready;
    private int readyIndex;
    private int plannedDay = -1;
    private WorldEvent current;
    private long timestampMs;
    private int length;

    /** Takes a freshly built world: generation changes its models, so a world serves one cursor. */
    WorldCursor(final WorldState world)
    {
        this.world = world;
        this.shopping = new LegitimateShopping(world);
        this.encoder = new WorldEventEncoder(world);
        this.accountEvents = AccountEventPlanner.plan(world);
        this.phonePurchases = new PhonePurchaseEvents(world);
        this.officeNetworks = new OfficeNetworkEvents(world);
        this.warmUp = new WarmUp(world, accountEvents);
        SetupPhase.plan(world, plan);
        for (final Account account : world.accounts)
        {
            // Welcome points of accounts registering during the week are theirs from the moment they register.
            account.closeDay();
        }
        this.ready = plan.takeBefore(SimulatedClock.WEEK_START_MS);
    }

    @Override
    public boolean next()
    {
        final WorldEvent planned = nextPlanned();
        final WorldEvent warm = warmUp.peek();
        final boolean warmFirst = warm != null && (planned == null || warm.timeMs < planned.timeMs);
        final WorldEvent other = warmFirst ? warm : planned;
        final WorldEvent weekEvent =
            accountEventIndex < accountEvents.size() ? accountEvents.get(accountEventIndex) : null;
        final WorldEvent dayEvent = dayEventIndex < dayEvents.size() ? dayEvents.get(dayEventIndex) : null;
        final boolean weekFirst = dayEvent == null || (weekEvent != null && weekEvent.timeMs <= dayEvent.timeMs);
        final WorldEvent accountEvent = weekFirst ? weekEvent : dayEvent;
        currentWarm = false;
        if (accountEvent != null && (other == null || accountEvent.timeMs < other.timeMs))
        {
            current = accountEvent;
            if (weekFirst)
            {
                accountEvents.set(accountEventIndex++, null);
            }
            else
            {
                dayEventIndex++;
            }
        }
        else if (warmFirst)
        {
            current = warm;
            currentWarm = true;
            warmUp.take();
        }
        else if (planned != null)
        {
            current = planned;
            ready.set(readyIndex++, null);
        }
        else
        {
            current = null;
            return false;
        }
        // A top-up planned minutes before a payment just after midnight may fall before the day began: never let
        // input time go backwards.
        timestampMs = Math.max(timestampMs, current.timeMs);
        length = currentWarm ? warmUp.encode(current, buffer, 0) : encoder.encode(current, buffer, 0);
        return true;
    }

    /** The next command of the day plans (planning days as they are reached), or null after the week's last. */
    private WorldEvent nextPlanned()
    {
        while (readyIndex >= ready.size())
        {
            if (plannedDay + 1 >= SimulatedClock.DAYS)
            {
                return null;
            }
            planDay(++plannedDay);
        }
        return ready.get(readyIndex);
    }

    private void planDay(final int day)
    {
        shopping.planDay(day, plan);
        for (final GrandOpening opening : world.openings)
        {
            opening.planDay(day, plan);
        }
        for (final Campaign campaign : world.campaigns)
        {
            campaign.planDay(day, plan);
        }
        world.closeDay();
        ready = plan.takeBefore(SimulatedClock.dayStartMs(day + 1));
        readyIndex = 0;
        // The day's derived events all fall inside the day (after a phone purchase, before a lunch), so the ones
        // still pending from the previous day are earlier: keep them first.
        final List<WorldEvent> derived = new ArrayList<>(phonePurchases.derive(day, ready));
        derived.addAll(officeNetworks.derive(day, ready));
        derived.sort(WorldEvent::compare);
        if (dayEventIndex < dayEvents.size())
        {
            final List<WorldEvent> pending = new ArrayList<>(dayEvents.subList(dayEventIndex, dayEvents.size()));
            pending.addAll(derived);
            dayEvents = pending;
        }
        else
        {
            dayEvents = derived;
        }
        dayEventIndex = 0;
    }

    /** The planned command the cursor is on (this package's tests look at what the wire does not carry). */
    WorldEvent event()
    {
        return current;
    }

    @Override
    public long timestampMs()
    {
        return timestampMs;
    }

    @Override
    public int templateId()
    {
        return buffer.getShort(2, java.nio.ByteOrder.LITTLE_ENDIAN) & 0xFFFF;
    }

    @Override
    public DirectBuffer buffer()
    {
        return buffer;
    }

    @Override
    public int offset()
    {
        return 0;
    }

    @Override
    public int length()
    {
        return length;
    }

    @Override
    public Actor actor()
    {
        return current.actor;
    }

    @Override
    public Variant variant()
    {
        return current.variant;
    }

    @Override
    public LookAlike lookAlike()
    {
        // A dormant waker's week (WarmUp): its commands without a look-alike of their own carry the waker's.
        if (current.lookAlike == LookAlike.NONE && !currentWarm && current.type != CommandType.ACCOUNT_EVENT
            && current.account >= 0 && current.timeMs >= SimulatedClock.WEEK_START_MS
            && current.actor == Actor.LEGITIMATE && world.account(current.account).dormantBeforeWeek)
        {
            return LookAlike.DORMANT_WAKER;
        }
        return current.lookAlike;
    }

    @Override
    public int groupId()
    {
        return current.groupId;
    }

    @Override
    public int voucherSlot()
    {
        return currentWarm ? 0 : encoder.lastVoucherSlot();
    }

    @Override
    public boolean warmUp()
    {
        return currentWarm;
    }
}
