package com.wodian.perf.riskworld;

import java.util.ArrayList;
import java.util.List;

/**
 * One abuse group's plan for the week: its accounts, the shops it uses, the days it is active, and what it does on
 * each of those days. Subclasses are the six kinds of docs/risk-threats.md; each has a BLATANT and a CAREFUL way of
 * doing the same thing. Every command a campaign plans carries the group's label.
 */
abstract class Campaign
{
    private static final int PURPOSE_DAYS = 100;

    final WorldState world;
    final Label label;
    final int firstDay;
    final int lastDay;
    final List<Account> accounts = new ArrayList<>();

    Campaign(final WorldState world, final Label label, final int firstDay, final int lastDay)
    {
        this.world = world;
        this.label = label;
        this.firstDay = firstDay;
        this.lastDay = lastDay;
    }

    final boolean careful()
    {
        return label.careful();
    }

    final void planDay(final int day, final EventPlan plan)
    {
        if (day < firstDay || day > lastDay)
        {
            return;
        }
        planActiveDay(day, plan, Rng.of(world.seed, PURPOSE_DAYS + label.groupId(), day));
    }

    abstract void planActiveDay(int day, EventPlan plan, Rng rng);

    /**
     * Accounts the group registers itself: BLATANT ones in a burst shortly before the first active day's work,
     * CAREFUL ones spread over the given hours. They get the platform's welcome points like every sign-up.
     */
    final void registerNewAccounts(final Rng rng, final int count, final long fromMs, final long spreadMs,
        final int[] homeMerchants)
    {
        for (int i = 0; i < count; i++)
        {
            final Merchant home = world.merchant(homeMerchants[rng.nextInt(homeMerchants.length)]);
            final long registeredAtMs = Math.max(home.registeredAtMs + SimulatedClock.HOUR_MS,
                fromMs + rng.between(0L, Math.max(1L, spreadMs)));
            final Account account = world.newAccount(registeredAtMs, home.index, home.area);
            account.welcomeBonus = true;
            account.walletTargetFen = 50_000;
            adopt(account);
        }
    }

    /** Aged accounts bought or kept dormant for months: registered long before the week, with a modest wallet. */
    final void registerAgedAccounts(final Rng rng, final int count, final int[] homeMerchants)
    {
        for (int i = 0; i < count; i++)
        {
            final Merchant home = world.merchant(homeMerchants[rng.nextInt(homeMerchants.length)]);
            final long registeredAtMs = Math.max(home.registeredAtMs + SimulatedClock.DAY_MS,
                SimulatedClock.WEEK_START_MS - rng.between(30L, 400L) * SimulatedClock.DAY_MS
                    - rng.between(0L, SimulatedClock.DAY_MS - 1));
            final Account account = world.newAccount(registeredAtMs, home.index, home.area);
            account.aged = true;
            account.walletTargetFen = Math.max(10_000, (long)rng.logNormal(50_000, 0.5) / 100 * 100);
            account.initialTopUpFen = account.walletTargetFen;
            account.initialTopUpAtMs = SimulatedClock.WEEK_START_MS - rng.between(SimulatedClock.HOUR_MS,
                3 * SimulatedClock.DAY_MS);
            adopt(account);
        }
    }

    private void adopt(final Account account)
    {
        account.actor = label.actor();
        account.variant = label.variant();
        account.groupId = label.groupId();
        accounts.add(account);
    }

    /** A time on the day within the shop's opening hours (any time for a 24-hour shop). */
    static long shopTime(final Rng rng, final int day, final Merchant merchant)
    {
        return SimulatedClock.at(day, merchant.trade.sampleMinute(rng), rng);
    }

    /** Round amounts an agent types in without thinking: whole hundreds of yuan. */
    static long roundAmountFen(final Rng rng, final long lowYuanHundreds, final long highYuanHundreds)
    {
        return rng.between(lowYuanHundreds, highYuanHundreds) * 10_000;
    }

    /** Withdraws what the complicit shop's model says it holds, as shell shops do after each round. */
    final void sweep(final long timeMs, final Merchant merchant, final EventPlan plan)
    {
        plan.withdraw(timeMs, merchant, merchant.settlementFenModel * 9 / 10, label);
    }

    int pickTill(final Rng rng, final Merchant merchant)
    {
        return merchant.terminal(rng);
    }
}
