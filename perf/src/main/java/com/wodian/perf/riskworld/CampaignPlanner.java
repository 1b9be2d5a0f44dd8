package com.wodian.perf.riskworld;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Decides the week's abuse groups (kind and variant of each; every one of the twelve combinations at least once),
 * creates their campaigns, and hands out the parties they use: established shops that turn complicit, shell shops
 * registered for the purpose, and victims for account takeover. A shop or victim serves one group only.
 */
final class CampaignPlanner
{
    private static final int PURPOSE_PLAN = 30;
    private static final int PURPOSE_GROUP = 31;
    private static final int COMBINATIONS = 12;

    private final WorldState world;
    private final Actor[] kinds;
    private final Variant[] variants;
    private final Set<Integer> usedMerchants = new HashSet<>();
    private final Set<Integer> usedAccounts = new HashSet<>();

    CampaignPlanner(final WorldState world)
    {
        this.world = world;
        final int groups = world.parameters.getInt(WorldParameter.ABUSE_GROUPS);
        final long carefulBps = world.parameters.get(WorldParameter.CAREFUL_GROUP_SHARE_BPS);
        final Rng rng = Rng.of(world.seed, PURPOSE_PLAN, 0);
        kinds = new Actor[groups];
        variants = new Variant[groups];
        final Actor[] abuseKinds = Actor.abuseKinds();
        for (int g = 0; g < groups; g++)
        {
            if (g < COMBINATIONS)
            {
                kinds[g] = abuseKinds[g / 2];
                variants[g] = g % 2 == 0 ? Variant.BLATANT : Variant.CAREFUL;
            }
            else
            {
                kinds[g] = abuseKinds[rng.nextInt(abuseKinds.length)];
                variants[g] = rng.chanceBps(carefulBps) ? Variant.CAREFUL : Variant.BLATANT;
            }
        }
    }

    /** Shell shops the blatant groups will register (counted before the established shops are built). */
    int shellMerchantsNeeded()
    {
        int shells = 0;
        for (int g = 0; g < kinds.length; g++)
        {
            if (variants[g] == Variant.BLATANT)
            {
                switch (kinds[g])
                {
                    case CIRCULAR_FLOW -> shells += world.parameters.getInt(WorldParameter.CLUSTER_MERCHANTS);
                    case POINTS_BRUSHING, CASH_OUT -> shells += 1;
                    default -> { }
                }
            }
        }
        return shells;
    }

    void plan()
    {
        for (int g = 0; g < kinds.length; g++)
        {
            final int groupId = g + 1;
            final Label label = Label.abuse(kinds[g], variants[g], groupId);
            final Rng rng = Rng.of(world.seed, PURPOSE_GROUP, groupId);
            final int firstDay = variants[g] == Variant.BLATANT ? rng.between(0, 6) : rng.between(0, 2);
            final int lastDay = variants[g] == Variant.BLATANT ? Math.min(6, firstDay + rng.between(0, 1)) : 6;
            world.campaigns.add(create(rng, label, firstDay, lastDay));
        }
    }

    private Campaign create(final Rng rng, final Label label, final int firstDay, final int lastDay)
    {
        return switch (label.actor())
        {
            case POINTS_BRUSHING -> new BrushingCampaign(world, this, rng, label, firstDay, lastDay);
            case CIRCULAR_FLOW -> new CircularFlowCampaign(world, this, rng, label, firstDay, lastDay);
            case CASH_OUT -> new CashOutCampaign(world, this, rng, label, firstDay, lastDay);
            case COLLUSIVE_TERMINAL -> new CollusiveTerminalCampaign(world, this, rng, label, firstDay, lastDay);
            case ACCOUNT_TAKEOVER -> new TakeoverCampaign(world, this, rng, label, firstDay, lastDay);
            case VOUCHER_FARMING -> new FarmingCampaign(world, this, rng, label, Math.max(2, firstDay), 6);
            default -> throw new IllegalStateException("not an abuse kind: " + label.actor());
        };
    }

    /**
     * An established alliance shop with a voucher rule that turns complicit: of one of the trades (any when
     * empty), in the area (any when negative), not used by another group.
     */
    int complicitShop(final Rng rng, final Trade[] trades, final int area, final boolean promotionOnly)
    {
        final List<Integer> candidates = new ArrayList<>();
        for (final Merchant merchant : world.merchants)
        {
            final boolean tradeFits = trades.length == 0 || List.of(trades).contains(merchant.trade);
            if (tradeFits && (area < 0 || merchant.area == area) && merchant.allianceMember
                && merchant.hasVoucherRule() && merchant.owner == Label.LEGITIMATE
                && merchant.registeredAtMs < SimulatedClock.WEEK_START_MS && !usedMerchants.contains(merchant.index)
                && (!promotionOnly || merchant.voucherPointsCost <= 400))
            {
                candidates.add(merchant.index);
            }
        }
        if (candidates.isEmpty())
        {
            return area >= 0 ? complicitShop(rng, trades, -1, promotionOnly)
                : complicitShop(rng, new Trade[0], -1, false);
        }
        // Busier shops hide fake sales better and have pools worth taking.
        candidates.sort((a, b) -> Integer.compare(world.merchant(b).popularity, world.merchant(a).popularity));
        final int chosen = candidates.get(rng.nextInt(Math.max(1, candidates.size() / 3)));
        usedMerchants.add(chosen);
        return chosen;
    }

    /** A shell shop registered by the group the evening before it starts (or the week before day 0). */
    Merchant shellShop(final Rng rng, final Label label, final Trade trade, final int area, final int firstDay)
    {
        final long registeredAtMs = firstDay == 0
            ? SimulatedClock.WEEK_START_MS - rng.between(1L, 3L) * SimulatedClock.DAY_MS
            : SimulatedClock.at(firstDay - 1, rng.between(17 * 60, 21 * 60), rng);
        final Merchant shell = WorldBuilder.addMerchant(world, rng, trade, area, registeredAtMs);
        shell.owner = label;
        shell.allianceMember = true;
        shell.allianceShareBps = Math.max(shell.allianceShareBps, 100);
        shell.voucherPointsCost = 400;
        shell.voucherValueFen = 2_000;
        usedMerchants.add(shell.index);
        return shell;
    }

    /** Established legitimate consumers who become victims or recruits of a group; -1 entries when none is left. */
    List<Account> established(final Rng rng, final int count, final long walletAtLeastFen)
    {
        final List<Account> chosen = new ArrayList<>();
        final int pool = world.parameters.getInt(WorldParameter.CONSUMERS);
        for (int attempt = 0; attempt < count * 50 && chosen.size() < count; attempt++)
        {
            final Account account = world.account(rng.nextInt(pool));
            if (account.actor == Actor.LEGITIMATE && account.lookAlike == LookAlike.NONE
                && account.initialTopUpFen >= walletAtLeastFen && usedAccounts.add(account.index))
            {
                chosen.add(account);
            }
        }
        return chosen;
    }
}
