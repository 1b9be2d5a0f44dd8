package com.wodian.perf.riskworld;

import java.util.List;

/**
 * Account takeover: a ring gets the credentials of established consumers (phishing, SIM swap, leaked passwords) and
 * spends their wallets and points on goods it can resell, at shops where nobody knows the owner. The owners keep
 * shopping as usual; only the ring's commands are labelled. BLATANT: every victim drained the same night in a few
 * minutes, near-whole wallets in a few large payments at one fence in another city, points redeemed and spent at
 * once. CAREFUL: one victim at a time on different days, part of the wallet over hours in ordinary shopping hours,
 * amounts the shops usually see, fences in the victim's own city.
 */
final class TakeoverCampaign extends Campaign
{
    private static final Trade[] FENCE_TRADES = {Trade.ELECTRONICS, Trade.APPAREL, Trade.SUPERMARKET};

    private final Merchant[] fences;
    private final int[] takeoverDay;
    private final int blatantMinute;

    TakeoverCampaign(final WorldState world, final CampaignPlanner planner, final Rng rng, final Label label,
        final int firstDay, final int lastDay)
    {
        super(world, label, firstDay, lastDay);
        final List<Account> victims = planner.established(rng,
            world.parameters.getInt(WorldParameter.TAKEOVER_VICTIMS_PER_GROUP), 30_000);
        accounts.addAll(victims);
        final int victimArea = victims.isEmpty() ? 0 : victims.get(0).homeArea;
        final int fenceArea = careful() ? Areas.sameCity(rng, victimArea) : Areas.otherCity(rng, victimArea);
        fences = new Merchant[careful() ? rng.between(2, 3) : 1];
        for (int i = 0; i < fences.length; i++)
        {
            fences[i] = world.merchant(planner.complicitShop(rng, FENCE_TRADES, fenceArea, false));
        }
        takeoverDay = new int[accounts.size()];
        for (int v = 0; v < takeoverDay.length; v++)
        {
            takeoverDay[v] = careful() ? rng.between(firstDay, lastDay) : firstDay;
        }
        blatantMinute = rng.nextInt(2) == 0 ? rng.between(30, 4 * 60 + 30) : rng.between(10 * 60, 22 * 60);
    }

    /**
     * A time before which the ring surely does not spend from victim {@code victim} (an index into accounts), so
     * that the account events of the takeover ({@link AccountEventPlanner}) can be placed before its first payment
     * without knowing the day's draws: BLATANT, the night's start minute plus two minutes per victim drained before
     * this one (planDrain); CAREFUL, the earliest opening of the ring's fences on the victim's day
     * (planCarefulTakeover spends at shop times).
     */
    long earliestSpendMs(final int victim)
    {
        final long dayStartMs = SimulatedClock.dayStartMs(takeoverDay[victim]);
        if (!careful())
        {
            return dayStartMs + (blatantMinute + 2L * victim) * SimulatedClock.MINUTE_MS;
        }
        int openMinute = 24 * 60;
        for (final Merchant fence : fences)
        {
            openMinute = Math.min(openMinute, fence.trade.openMinute());
        }
        return dayStartMs + openMinute * SimulatedClock.MINUTE_MS;
    }

    @Override
    void planActiveDay(final int day, final EventPlan plan, final Rng rng)
    {
        for (int v = 0; v < accounts.size(); v++)
        {
            if (takeoverDay[v] == day)
            {
                if (careful())
                {
                    planCarefulTakeover(day, plan, rng, accounts.get(v));
                }
                else
                {
                    planDrain(day, plan, rng, accounts.get(v), v);
                }
            }
        }
    }

    private void planDrain(final int day, final EventPlan plan, final Rng rng, final Account victim, final int order)
    {
        final Merchant fence = fences[0];
        long atMs = SimulatedClock.at(day, blatantMinute, rng) + order * rng.between(2L, 8L) * SimulatedClock.MINUTE_MS;
        final long drainFen = victim.walletFenModel * 9 / 10;
        final int payments = rng.between(2, 5);
        for (int p = 0; p < payments && drainFen > 1_000; p++)
        {
            final long amountFen = Math.max(100, drainFen / payments / 100 * 100);
            plan.pay(atMs, fence, fence.firstTerminal, victim, amountFen, label);
            atMs += rng.between(40_000L, 5 * SimulatedClock.MINUTE_MS);
        }
        final int voucher = plan.redeem(atMs, victim, fence, label);
        if (voucher >= 0)
        {
            plan.payWithVoucher(atMs + rng.between(20_000L, 120_000L), fence, fence.firstTerminal, victim,
                fence.voucherValueFen, voucher, label);
        }
    }

    private void planCarefulTakeover(final int day, final EventPlan plan, final Rng rng, final Account victim)
    {
        final long spendBps = world.parameters.get(WorldParameter.TAKEOVER_CAREFUL_SPEND_BPS);
        long budgetFen = victim.walletFenModel * spendBps / 10_000;
        final int payments = rng.between(1, 3);
        for (int p = 0; p < payments && budgetFen > 2_000; p++)
        {
            final Merchant fence = fences[rng.nextInt(fences.length)];
            final long capFen = Math.min(budgetFen, fence.medianTicketFen * 3);
            final long amountFen = WorldState.price(rng, fence.trade, capFen * (0.5 + 0.5 * rng.nextDouble()));
            if (amountFen > victim.walletFenModel)
            {
                break;
            }
            plan.pay(shopTime(rng, day, fence), fence, pickTill(rng, fence), victim, amountFen, label);
            budgetFen -= amountFen;
        }
    }
}
