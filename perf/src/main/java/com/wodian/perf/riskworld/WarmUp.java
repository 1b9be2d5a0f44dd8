package com.wodian.perf.riskworld;

import java.util.Arrays;
import java.util.List;

/**
 * The weeks of payments before the world's week (docs/risk-threats.md section 10.9): a server has months of its
 * consumers' and merchants' payments behind it, so its profiles are warm on any Monday; a world whose first payment
 * is on Monday makes every consumer's first payment of the week its first ever. For {@link WorldParameter#WARM_UP_DAYS}
 * days before Monday every established legitimate consumer (takeover victims and points sellers included: their own
 * honest life) shops as it does in the week, from its sign-up on: the same habits (shops, rates, tickets, households,
 * look-alike sessions), the same planner ({@link LegitimateShopping}), and the shops take their settlement out each
 * night. A bought aged account that an agent takes over (its hand-over, section 10.2) lives its seller's ordinary
 * life until the hand-over, with habits drawn for the seller; the agents' fresh accounts and their own dormant ones
 * have no warm-up.
 *
 * <p>What it leaves out: redemptions (a quick-redeem session is drawn as the session the roll gives next; a
 * redemption takes a voucher id the week's commands count on), trips (the week's trip day is a day of the week),
 * grand openings and abuse, and any command that would fall on or after Monday (a refund of a late purchase, the
 * rare Confirm after midnight). Every command is labelled LEGITIMATE and {@link LabelledCommands#warmUp()}.
 *
 * <p>Its own streams ({@link Rng#of} with purposes no other part uses), its own copy of every party with an empty
 * money model, and its own ids (payment, refund and reference ids from {@link #ID_BASE}): so the week's commands,
 * its account events and the history's, are byte for byte what they were without it. {@link WorldCursor} merges its
 * commands in by time: one goes first only when strictly earlier than the next of the others.
 */
final class WarmUp
{
    private static final int PURPOSE_SESSIONS = 1_010;
    private static final int PURPOSE_WITHDRAWALS = 1_011;
    private static final int PURPOSE_SELLERS = 1_012;
    private static final int PURPOSE_FUNDS = 1_013;
    private static final int PURPOSE_WAKERS = 1_014;
    /** A dormant waker is at least this old when the warm-up starts. */
    static final long WAKER_AGE_MS = 30 * SimulatedClock.DAY_MS;
    /** The warm-up's payment, refund and reference ids count from here (the week's from 0). */
    static final long ID_BASE = 1L << 40;
    private static final long NO_HANDOVER = Long.MIN_VALUE;

    private final WorldState warm;
    private final LegitimateShopping shopping;
    private final EventPlan plan = new EventPlan();
    private final WorldEventEncoder encoder;
    private int plannedDay;
    private List<WorldEvent> ready = List.of();
    private int readyIndex;

    /** The warm-up of a freshly built world whose account events (the hand-overs among them) are planned. */
    WarmUp(final WorldState world, final List<WorldEvent> accountEvents)
    {
        this.plannedDay = -world.parameters.getInt(WorldParameter.WARM_UP_DAYS) - 1;
        chooseDormantWakers(world, SimulatedClock.dayStartMs(plannedDay + 1));
        this.warm = copy(world, handovers(world, accountEvents));
        this.shopping = new LegitimateShopping(warm, PURPOSE_SESSIONS, PURPOSE_WITHDRAWALS, false);
        this.encoder = new WorldEventEncoder(world, ID_BASE);
        fund(SimulatedClock.dayStartMs(plannedDay + 1));
    }

    /**
     * Each consumer's wallet before its first warm-up day, as the week's set-up funds it before Monday: a top-up of
     * its usual size an hour to three days before the warm-up starts, or minutes after a sign-up inside it. Without
     * it every consumer's first payment would follow a top-up by minutes, which is what a cash-out looks like.
     */
    private void fund(final long warmStartMs)
    {
        for (final Account account : warm.accounts)
        {
            if (!account.shopsOrdinarily || account.registeredAtMs >= SimulatedClock.WEEK_START_MS
                || account.shopsUntilMs <= warmStartMs)
            {
                continue;
            }
            if (account.legacyPoints > 0 && SetupPhase.migratedAtMs(warm.parameters, account) < account.shopsUntilMs)
            {
                // Only a seller's copy has them (warmUpCopy leaves them out): the week's set-up migrates the rest.
                plan.adjustPoints(SetupPhase.migratedAtMs(warm.parameters, account), account, account.legacyPoints,
                    Label.LEGITIMATE);
            }
            final Rng rng = Rng.of(warm.seed, PURPOSE_FUNDS, account.index);
            final long atMs = Math.max(account.registeredAtMs + rng.between(30_000L, 20 * SimulatedClock.MINUTE_MS),
                warmStartMs - rng.between(SimulatedClock.HOUR_MS, 3 * SimulatedClock.DAY_MS));
            if (atMs < account.shopsUntilMs)
            {
                account.initialTopUpAtMs = atMs;
                plan.topUp(atMs, account, account.walletTargetFen, Label.LEGITIMATE);
            }
        }
    }

    /** The first day of the warm-up (negative: days before Monday). */
    static int firstDay(final WorldParameters parameters)
    {
        return -parameters.getInt(WorldParameter.WARM_UP_DAYS);
    }

    /** The next warm-up command (planning days as they are reached), or null after the last. */
    WorldEvent peek()
    {
        while (readyIndex >= ready.size())
        {
            if (plannedDay >= -1)
            {
                return null;
            }
            planDay(++plannedDay);
        }
        return ready.get(readyIndex);
    }

    /** Moves past the command {@link #peek()} gave. */
    void take()
    {
        ready.set(readyIndex++, null);
    }

    int encode(final WorldEvent event, final org.agrona.MutableDirectBuffer buffer, final int offset)
    {
        return encoder.encode(event, buffer, offset);
    }

    /** The warm-up's copy of an account (its habits, and until when it shops), for tests. */
    Account account(final int index)
    {
        return warm.account(index);
    }

    private void planDay(final int day)
    {
        shopping.planDay(day, plan);
        warm.closeDay();
        ready = plan.takeBefore(SimulatedClock.dayStartMs(day + 1));
        readyIndex = 0;
        if (day == -1)
        {
            // Nothing of the warm-up on or after Monday: late refunds and Confirms are left out.
            plan.takeBefore(Long.MAX_VALUE);
        }
    }

    /**
     * Marks the dormant wakers ({@link LookAlike#DORMANT_WAKER}): each established honest consumer (not a takeover
     * victim or a points seller, no look-alike of its own) aged at least {@link #WAKER_AGE_MS} when the warm-up
     * starts, with the knob's chance, from a stream of its own. Their week is as planned; only the warm-up skips them.
     */
    private static void chooseDormantWakers(final WorldState world, final long warmStartMs)
    {
        final boolean[] inCampaign = new boolean[world.accounts.size()];
        for (final Campaign campaign : world.campaigns)
        {
            for (final Account account : campaign.accounts)
            {
                inCampaign[account.index] = true;
            }
        }
        final long wakerBps = world.parameters.get(WorldParameter.DORMANT_WAKER_BPS);
        for (final Account account : world.accounts)
        {
            if (account.shopsOrdinarily && account.actor == Actor.LEGITIMATE && account.lookAlike == LookAlike.NONE
                && !inCampaign[account.index] && account.registeredAtMs <= warmStartMs - WAKER_AGE_MS)
            {
                account.dormantBeforeWeek = Rng.of(world.seed, PURPOSE_WAKERS, account.index).chanceBps(wakerBps);
            }
        }
    }

    /** Each aged abuse account's hand-over (its agent's number change), or NO_HANDOVER; by account index. */
    private static long[] handovers(final WorldState world, final List<WorldEvent> accountEvents)
    {
        final long[] atMs = new long[world.accounts.size()];
        Arrays.fill(atMs, NO_HANDOVER);
        for (final WorldEvent event : accountEvents)
        {
            final Account account = world.account(event.account);
            if (account.aged && event.actor.isAbuse() && event.accountEvent == AccountEventType.PHONE_REBOUND
                && (atMs[account.index] == NO_HANDOVER || event.timeMs < atMs[account.index]))
            {
                atMs[account.index] = event.timeMs;
            }
        }
        return atMs;
    }

    /** Every party again, with empty money models: the warm-up plans on these, never on the week's. */
    private static WorldState copy(final WorldState world, final long[] handoverAtMs)
    {
        final WorldState warm = new WorldState(world.parameters);
        for (final Merchant merchant : world.merchants)
        {
            warm.merchants.add(merchant.warmUpCopy());
        }
        final ConsumerHabits habits = new ConsumerHabits(world);
        for (final Account account : world.accounts)
        {
            // A dormant waker pays nothing before the week, in its household's sessions neither.
            warm.accounts.add(handoverAtMs[account.index] != NO_HANDOVER
                ? seller(habits, world, account, handoverAtMs[account.index])
                : account.warmUpCopy(account.dormantBeforeWeek ? Long.MIN_VALUE : SimulatedClock.WEEK_START_MS));
        }
        warm.terminalMerchant = world.terminalMerchant;
        warm.terminalId = world.terminalId;
        for (int t = 0; t < world.shopsByTradeArea.length; t++)
        {
            for (int a = 0; a < world.shopsByTradeArea[t].length; a++)
            {
                warm.shopsByTradeArea[t][a] = world.shopsByTradeArea[t][a];
                warm.shopWeightsByTradeArea[t][a] = world.shopWeightsByTradeArea[t][a];
            }
        }
        warm.malls.addAll(world.malls);
        warm.families.addAll(world.families);
        return warm;
    }

    /**
     * A bought account before its sale: its seller's ordinary life, with habits drawn for the seller as for any
     * established consumer (home shop and district are the account's), until the hand-over.
     */
    private static Account seller(final ConsumerHabits habits, final WorldState world, final Account account,
        final long handoverAtMs)
    {
        final Account seller = new Account(account.index, account.registeredAtMs, account.homeMerchant,
            account.homeArea);
        habits.settle(Rng.of(world.seed, PURPOSE_SELLERS, account.index), seller);
        final Account copy = seller.warmUpCopy(handoverAtMs);
        // The seller's old balance, migrated at the platform's start like every established consumer's (fund()).
        copy.legacyPoints = seller.legacyPoints;
        return copy;
    }
}
