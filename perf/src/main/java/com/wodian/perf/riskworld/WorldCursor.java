package com.wodian.perf.riskworld;

import org.agrona.DirectBuffer;
import org.agrona.ExpandableArrayBuffer;

import java.util.List;

/**
 * Generates a world's commands lazily, one simulated day at a time: the registrations before the week, then each
 * day's plan (legitimate shopping, grand openings, abuse campaigns) sorted by input time. Only the pending day is
 * held in memory (plus commands planned for later, such as refunds), so a week costs a few megabytes.
 */
final class WorldCursor implements LabelledCommands
{
    private final WorldState world;
    private final EventPlan plan = new EventPlan();
    private final LegitimateShopping shopping;
    private final WorldEventEncoder encoder;
    private final ExpandableArrayBuffer buffer = new ExpandableArrayBuffer(256);
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
        while (readyIndex >= ready.size())
        {
            if (plannedDay + 1 >= SimulatedClock.DAYS)
            {
                current = null;
                return false;
            }
            planDay(++plannedDay);
        }
        current = ready.get(readyIndex);
        ready.set(readyIndex++, null);
        // A top-up planned minutes before a payment just after midnight may fall before the day began: never let
        // input time go backwards.
        timestampMs = Math.max(timestampMs, current.timeMs);
        length = encoder.encode(current, buffer, 0);
        return true;
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
        for (final Merchant merchant : world.merchants)
        {
            merchant.closeDay();
        }
        for (final Account account : world.accounts)
        {
            account.closeDay();
        }
        ready = plan.takeBefore(SimulatedClock.dayStartMs(day + 1));
        readyIndex = 0;
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
        return encoder.lastVoucherSlot();
    }
}
