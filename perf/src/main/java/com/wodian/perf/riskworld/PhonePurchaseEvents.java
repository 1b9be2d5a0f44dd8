package com.wodian.perf.riskworld;

import java.util.ArrayList;
import java.util.List;

/**
 * Account events that follow a day's payments (docs/risk-threats.md section 10.5): a consumer who buys a phone at
 * an electronics shop (a legitimate {@code BIG_TICKET} Pay) binds it to the account the same day, at the counter on
 * the shop's Wi-Fi or later at home, sometimes moving the number too.
 *
 * <p>How many: the world's weekly rate of such phones per established consumer, spread evenly over the days and, on
 * each day, over that day's phone-shop payments. Not a fixed share of the payments: the world draws big-ticket
 * purchases above everyday life on purpose (a look-alike's density), and a fixed share would give more new phones
 * than the replacement cycle allows (docs/risk-threats.md section 10.1, "New devices, counted once").
 *
 * <p>Derived from the day's planned commands before any of them is emitted, with draws from a stream of its own per
 * payment ({@link Rng#of} with a purpose no other part uses), never touching the running models: every other
 * command of the world keeps its bytes and order. Every event is after its payment and on the same day.
 */
final class PhonePurchaseEvents
{
    private static final int PURPOSE_PHONE_PURCHASE = 1_003;
    private static final Label BIG_TICKET = Label.legitimate(LookAlike.BIG_TICKET);

    private final WorldState world;
    private final WorldParameters parameters;
    private long order;

    PhonePurchaseEvents(final WorldState world)
    {
        this.world = world;
        this.parameters = world.parameters;
    }

    /** The events the day's phone purchases lead to, in input-time order (ties in planning order). */
    List<WorldEvent> derive(final int day, final List<WorldEvent> dayCommands)
    {
        final List<WorldEvent> events = new ArrayList<>();
        long purchases = 0;
        for (final WorldEvent payment : dayCommands)
        {
            purchases += isPhoneShopPurchase(payment) ? 1 : 0;
        }
        if (purchases == 0)
        {
            return events;
        }
        // The day's seventh of the week's phones, over the day's purchases: consumers x rate / 10,000 / 7 phones,
        // divided by the purchases, in bps of a purchase.
        final long setUpBps = Math.min(10_000, parameters.get(WorldParameter.CONSUMERS)
            * parameters.get(WorldParameter.PHONE_PURCHASE_SET_UP_WEEKLY_BPS) / (SimulatedClock.DAYS * purchases));
        for (final WorldEvent payment : dayCommands)
        {
            if (isPhoneShopPurchase(payment))
            {
                deriveFrom(day, payment, setUpBps, events);
            }
        }
        events.sort(WorldEvent::compare);
        return events;
    }

    static boolean isPhoneShopPurchase(final WorldEvent event, final WorldState world)
    {
        return event.type == CommandType.PAY && event.actor == Actor.LEGITIMATE
            && event.lookAlike == LookAlike.BIG_TICKET && event.merchant >= 0
            && world.merchant(event.merchant).trade == Trade.ELECTRONICS;
    }

    private boolean isPhoneShopPurchase(final WorldEvent event)
    {
        return isPhoneShopPurchase(event, world);
    }

    private void deriveFrom(final int day, final WorldEvent payment, final long setUpBps,
        final List<WorldEvent> events)
    {
        final Rng rng = Rng.of(world.seed, PURPOSE_PHONE_PURCHASE, Rng.mix(payment.account) ^ payment.timeMs);
        final boolean phone = rng.chanceBps(setUpBps);
        final boolean inShop = rng.chanceBps(parameters.get(WorldParameter.PHONE_PURCHASE_IN_SHOP_BPS));
        final boolean numberMoves = rng.chanceBps(parameters.get(WorldParameter.PHONE_PURCHASE_NUMBER_MOVE_BPS));
        final long shopBindMs =
            payment.timeMs + rng.between(5 * SimulatedClock.MINUTE_MS, 45 * SimulatedClock.MINUTE_MS);
        final long shopLoginLeadMs = rng.between(0L, 3 * SimulatedClock.MINUTE_MS);
        final long homeFromMs = payment.timeMs + SimulatedClock.HOUR_MS;
        final long lastMs = SimulatedClock.dayStartMs(day + 1) - 31 * SimulatedClock.MINUTE_MS;
        final long homeBindMs = homeFromMs <= lastMs ? rng.between(homeFromMs, lastMs) : -1;
        final long numberLagMs = rng.between(2 * SimulatedClock.MINUTE_MS, 30 * SimulatedClock.MINUTE_MS);
        if (!phone)
        {
            return;
        }
        final Account account = world.account(payment.account);
        final long bindMs;
        if (inShop || homeBindMs < 0)
        {
            bindMs = shopBindMs;
            add(events, bindMs - shopLoginLeadMs, account, AccountEventType.NEW_NETWORK_LOGIN);
        }
        else
        {
            bindMs = homeBindMs;
        }
        add(events, bindMs, account, AccountEventType.DEVICE_BOUND);
        if (numberMoves)
        {
            add(events, bindMs + numberLagMs, account, AccountEventType.PHONE_REBOUND);
        }
    }

    private void add(final List<WorldEvent> events, final long timeMs, final Account account,
        final AccountEventType kind)
    {
        events.add(WorldEvent.accountEvent(timeMs, order++, account.index, kind, BIG_TICKET));
    }
}
