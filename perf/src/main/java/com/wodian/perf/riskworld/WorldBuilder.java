package com.wodian.perf.riskworld;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Builds the fixed part of a world from its parameters: merchants with trades, areas, malls, rules and tills; the
 * established consumers with homes, workplaces, households and regular shops; the grand openings; and the abuse
 * campaigns. Wire ids are assigned last, in registration order, so that an id says only when a party registered.
 */
final class WorldBuilder
{
    static final int MERCHANTS = 500;
    static final long MERCHANT_ID_BASE = 10_000;
    static final long TERMINAL_ID_BASE = 100_000;
    static final long CONSUMER_ID_BASE = 1_000_000;
    private static final int PURPOSE_MERCHANTS = 2;
    private static final int PURPOSE_ACCOUNTS = 3;
    private static final int PURPOSE_MALLS = 4;

    private final WorldParameters parameters;
    private final WorldState world;

    private WorldBuilder(final WorldParameters parameters)
    {
        this.parameters = parameters;
        this.world = new WorldState(parameters);
    }

    static WorldState build(final WorldParameters parameters)
    {
        final WorldBuilder builder = new WorldBuilder(parameters);
        final CampaignPlanner planner = new CampaignPlanner(builder.world);
        final int newMerchants = parameters.getInt(WorldParameter.GRAND_OPENINGS) + planner.shellMerchantsNeeded();
        builder.buildMerchants(MERCHANTS - newMerchants);
        builder.buildMalls();
        builder.buildAccounts();
        GrandOpening.plan(builder.world);
        planner.plan();
        builder.indexShops();
        builder.assignIds();
        return builder.world;
    }

    private void buildMerchants(final int count)
    {
        final Rng rng = Rng.of(world.seed, PURPOSE_MERCHANTS, 0);
        for (int i = 0; i < count; i++)
        {
            final Trade trade = Trade.values()[rng.weighted(Trade.merchantShares())];
            final int area = rng.weighted(Areas.WEIGHTS);
            final long registeredAtMs = SimulatedClock.WEEK_START_MS
                - rng.between(30L, 1_500L) * SimulatedClock.DAY_MS - rng.between(0L, SimulatedClock.DAY_MS - 1);
            addMerchant(rng, trade, area, registeredAtMs);
        }
    }

    /** Creates a merchant with rules and tills; used for established shops, grand openings and shell companies. */
    static Merchant addMerchant(final WorldState world, final Rng rng, final Trade trade, final int area,
        final long registeredAtMs)
    {
        final long medianFen = (long)rng.logNormal(trade.medianTicketFen(), 0.3);
        final int popularity = (int)Math.max(1, Math.min(40, StrictMath.round(rng.logNormal(6, 0.7))));
        final Merchant merchant = new Merchant(world.merchants.size(), trade, area, registeredAtMs, medianFen,
            popularity);
        merchant.allianceMember = rng.chanceBps(8_500);
        merchant.openAllHours = trade == Trade.CONVENIENCE && rng.chanceBps(2_500);
        merchant.pointsPerYuan = rng.chanceBps(7_000) ? 1 : rng.between(2, 5);
        merchant.poolRateBps = rng.between(200, 600);
        merchant.allianceShareBps = merchant.allianceMember ? rng.between(50, 300) : 0;
        merchant.platformFeeBps = rng.between(0, 60);
        if (merchant.allianceMember)
        {
            final boolean promotion = rng.chanceBps(1_800);
            merchant.voucherPointsCost = promotion ? rng.between(3, 4) * 100L : rng.between(8, 20) * 100L;
            if (promotion)
            {
                // A shop running a points promotion puts more of each sale into the pool that funds it.
                merchant.poolRateBps = rng.between(800, 1_500);
            }
            merchant.voucherValueFen = merchant.voucherPointsCost * rng.between(2, 5) / merchant.pointsPerYuan;
            merchant.voucherValueFen = Math.max(500, merchant.voucherValueFen / 100 * 100);
        }
        final int tills = rng.between(trade.terminalsLow(), trade.terminalsHigh());
        merchant.firstTerminal = world.terminalMerchant.length;
        merchant.terminalCount = tills;
        world.terminalMerchant = java.util.Arrays.copyOf(world.terminalMerchant, merchant.firstTerminal + tills);
        for (int t = 0; t < tills; t++)
        {
            world.terminalMerchant[merchant.firstTerminal + t] = merchant.index;
        }
        world.merchants.add(merchant);
        return merchant;
    }

    private void addMerchant(final Rng rng, final Trade trade, final int area, final long registeredAtMs)
    {
        addMerchant(world, rng, trade, area, registeredAtMs);
    }

    private void buildMalls()
    {
        final Rng rng = Rng.of(world.seed, PURPOSE_MALLS, 0);
        for (int area = 0; area < Areas.count(); area++)
        {
            final int mallCount = rng.between(1, 2);
            final List<List<Integer>> members = new ArrayList<>();
            for (int m = 0; m < mallCount; m++)
            {
                members.add(new ArrayList<>());
            }
            for (final Merchant merchant : world.merchants)
            {
                if (merchant.area == area && merchant.trade != Trade.CONVENIENCE && rng.chanceBps(4_500))
                {
                    final int mall = rng.nextInt(mallCount);
                    members.get(mall).add(merchant.index);
                }
            }
            for (final List<Integer> mall : members)
            {
                if (mall.size() >= 3)
                {
                    final int mallIndex = world.malls.size();
                    world.malls.add(mall.stream().mapToInt(Integer::intValue).toArray());
                    mall.forEach(index -> world.merchant(index).mall = mallIndex);
                }
            }
        }
    }

    private void buildAccounts()
    {
        indexShops();
        final int consumers = parameters.getInt(WorldParameter.CONSUMERS);
        final Rng rng = Rng.of(world.seed, PURPOSE_ACCOUNTS, 0);
        final ConsumerHabits habits = new ConsumerHabits(world);
        for (int i = 0; i < consumers; i++)
        {
            final int homeArea = rng.weighted(Areas.WEIGHTS);
            final long registeredAtMs = SimulatedClock.WEEK_START_MS
                - rng.between(1L, 720L) * SimulatedClock.DAY_MS - rng.between(0L, SimulatedClock.DAY_MS - 1);
            final Account account = world.newAccount(registeredAtMs, habits.recruiter(rng, homeArea,
                registeredAtMs), homeArea);
            habits.settle(rng, account);
        }
        habits.formHouseholds(rng);
        habits.organicNewcomers(rng);
    }

    /** Refreshes the look-up of shops by trade and area (after merchants were added). */
    void indexShops()
    {
        for (final Trade trade : Trade.values())
        {
            for (int area = 0; area < Areas.count(); area++)
            {
                final int t = trade.ordinal();
                final int a = area;
                final int[] shops = world.merchants.stream()
                    .filter(m -> m.trade.ordinal() == t && m.area == a && m.owner == Label.LEGITIMATE)
                    .mapToInt(m -> m.index)
                    .toArray();
                final long[] cumulative = new long[shops.length];
                long sum = 0;
                for (int i = 0; i < shops.length; i++)
                {
                    sum += world.merchant(shops[i]).popularity;
                    cumulative[i] = sum;
                }
                world.shopsByTradeArea[t][a] = shops;
                world.shopWeightsByTradeArea[t][a] = cumulative;
            }
        }
    }

    private void assignIds()
    {
        final List<Merchant> byRegistration = new ArrayList<>(world.merchants);
        byRegistration.sort(Comparator.comparingLong((Merchant m) -> m.registeredAtMs).thenComparingInt(m -> m.index));
        final int[] order = new int[world.terminalMerchant.length];
        int next = 0;
        for (int rank = 0; rank < byRegistration.size(); rank++)
        {
            final Merchant merchant = byRegistration.get(rank);
            merchant.id = MERCHANT_ID_BASE + rank + 1;
            for (int t = 0; t < merchant.terminalCount; t++)
            {
                order[merchant.firstTerminal + t] = next++;
            }
        }
        world.terminalId = new long[order.length];
        for (int t = 0; t < order.length; t++)
        {
            world.terminalId[t] = TERMINAL_ID_BASE + order[t] + 1;
        }
        final List<Account> accounts = new ArrayList<>(world.accounts);
        accounts.sort(Comparator.comparingLong((Account a) -> a.registeredAtMs).thenComparingInt(a -> a.index));
        for (int rank = 0; rank < accounts.size(); rank++)
        {
            accounts.get(rank).id = CONSUMER_ID_BASE + rank + 1;
        }
    }
}
