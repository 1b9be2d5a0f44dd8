package com.wodian.perf.riskworld;

import java.util.ArrayList;
import java.util.List;

/**
 * Everything a world is made of: merchants, terminals, accounts and the abuse campaigns, with the look-ups the
 * behaviours need (shops by trade and area, malls). Built once per seed by {@link WorldBuilder}; the generator's
 * running models (wallets, points, pools) live in the merchants and accounts.
 */
final class WorldState
{
    final WorldParameters parameters;
    final long seed;
    final List<Merchant> merchants = new ArrayList<>();
    final List<Account> accounts = new ArrayList<>();
    final List<Campaign> campaigns = new ArrayList<>();
    final List<GrandOpening> openings = new ArrayList<>();
    /** Terminal index → merchant index; terminal ids are assigned with the merchant ids. */
    int[] terminalMerchant = new int[0];
    long[] terminalId = new long[0];
    /** Shops by trade ordinal and area index: merchant indexes. */
    final int[][][] shopsByTradeArea = new int[Trade.values().length][Areas.count()][];
    /** Running sums of the shops' popularity, parallel to shopsByTradeArea. */
    final long[][][] shopWeightsByTradeArea = new long[Trade.values().length][Areas.count()][];
    /** Malls: merchant indexes per mall. */
    final List<int[]> malls = new ArrayList<>();
    /** Households: account indexes per family. */
    final List<int[]> families = new ArrayList<>();

    WorldState(final WorldParameters parameters)
    {
        this.parameters = parameters;
        this.seed = parameters.seed();
    }

    /**
     * Ends a planned day for every party, merchants first (the order both planners always had): each voucher pool
     * and each account's points start the next day where this one ended, and the day's top-ups are forgotten.
     */
    void closeDay()
    {
        for (final Merchant merchant : merchants)
        {
            merchant.closeDay();
        }
        for (final Account account : accounts)
        {
            account.closeDay();
        }
    }

    Merchant merchant(final int index)
    {
        return merchants.get(index);
    }

    Account account(final int index)
    {
        return accounts.get(index);
    }

    int[] shops(final Trade trade, final int area)
    {
        return shopsByTradeArea[trade.ordinal()][area];
    }

    /** A shop of the trade in the area, by popularity, open at the given time; -1 when the area has none. */
    int pickShop(final Rng rng, final Trade trade, final int area, final long openAtMs)
    {
        final int[] shops = shops(trade, area);
        if (shops.length == 0)
        {
            return -1;
        }
        final long[] cumulative = shopWeightsByTradeArea[trade.ordinal()][area];
        // Shops opening later in the week are rare: draw by popularity and retry the few that are not open yet.
        for (int attempt = 0; attempt < 8; attempt++)
        {
            final long pick = rng.between(0L, cumulative[cumulative.length - 1] - 1);
            int index = java.util.Arrays.binarySearch(cumulative, pick + 1);
            index = index >= 0 ? index : -index - 1;
            while (index > 0 && cumulative[index - 1] == cumulative[index])
            {
                index--;
            }
            final Merchant merchant = merchants.get(shops[index]);
            if (merchant.registeredAtMs <= openAtMs)
            {
                return merchant.index;
            }
        }
        return -1;
    }

    /** An ordinary ticket at this shop: log-normal around the shop's median, priced the way the trade prices. */
    long ticketFen(final Rng rng, final Merchant merchant)
    {
        final double raw = rng.logNormal(merchant.medianTicketFen, merchant.trade.ticketSigma());
        return price(rng, merchant.trade, raw);
    }

    static long price(final Rng rng, final Trade trade, final double rawFen)
    {
        final long fen = Math.max(100, Math.min(50_000_000L, (long)rawFen));
        switch (trade)
        {
            case CONVENIENCE, SUPERMARKET, CAFE_TEA:
                return Math.max(100, fen / 10 * 10);
            case RESTAURANT:
                return Math.max(100, fen / 100 * 100);
            default:
                // Shop prices end in 8 or 9 yuan more often than not.
                final long yuan = Math.max(1, fen / 100);
                if (yuan >= 20 && rng.nextInt(3) != 0)
                {
                    return (yuan / 10 * 10 + (rng.nextInt(2) == 0 ? 8 : 9)) * 100;
                }
                return yuan * 100;
        }
    }

    Account newAccount(final long registeredAtMs, final int homeMerchant, final int homeArea)
    {
        final Account account = new Account(accounts.size(), registeredAtMs, homeMerchant, homeArea);
        accounts.add(account);
        return account;
    }
}
