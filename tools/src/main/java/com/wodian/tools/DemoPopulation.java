package com.wodian.tools;

import com.wodian.protocol.CommandEncoder;
import com.wodian.protocol.sbe.DistributionMode;
import org.agrona.MutableDirectBuffer;

import java.util.SplittableRandom;

/**
 * Who takes part in the demo and the set-up commands that create them. Merchants {@code 1..merchantCount} (three in
 * four are alliance members; every merchant has non-zero points, pool, alliance and fee rates, and a voucher rule:
 * {@value #VOUCHER_POINTS_COST} points for a {@value #VOUCHER_VALUE_FEN} fen voucher valid 30 days; every fifth
 * merchant has its pool distributed as wallet rebates, the others as vouchers, the default); terminal {@code t}
 * of merchant {@code m} has id {@code m * 100 + t + 1}; consumers {@code 1_000_001..}, each with a home merchant
 * drawn among the alliance members (one in ten has none), each topped up once.
 */
final class DemoPopulation
{
    static final long CONSUMER_ID_BASE = 1_000_000;
    static final int POOL_RATE_BPS = 300;
    static final int ALLIANCE_SHARE_BPS = 150;
    static final int PLATFORM_FEE_BPS = 60;
    static final long VOUCHER_POINTS_COST = 100;
    static final long VOUCHER_VALUE_FEN = 500;
    static final long VOUCHER_VALIDITY_MS = 30L * 24 * 3600 * 1000;

    private final int merchantCount;
    private final int terminalsPerMerchant;
    private final int consumerCount;
    private final long topUpFen;
    private final long[] homeMerchantIds;

    DemoPopulation(
        final int merchantCount,
        final int terminalsPerMerchant,
        final int consumerCount,
        final long topUpFen,
        final long seed)
    {
        if (merchantCount < 4 || terminalsPerMerchant < 1 || terminalsPerMerchant > 99 || consumerCount < 1)
        {
            throw new IllegalArgumentException("need >= 4 merchants, 1..99 terminals each and >= 1 consumer");
        }
        this.merchantCount = merchantCount;
        this.terminalsPerMerchant = terminalsPerMerchant;
        this.consumerCount = consumerCount;
        this.topUpFen = topUpFen;
        this.homeMerchantIds = new long[consumerCount];
        final SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < consumerCount; i++)
        {
            long home = 0;
            if (random.nextInt(10) != 0)
            {
                do
                {
                    home = 1 + random.nextInt(merchantCount);
                }
                while (!isAllianceMember(home));
            }
            homeMerchantIds[i] = home;
        }
    }

    static boolean isAllianceMember(final long merchantId)
    {
        return merchantId % 4 != 0;
    }

    static int pointsPerYuan(final long merchantId)
    {
        return 1 + (int)(merchantId % 5);
    }

    /** Every fifth merchant opted in to cash-like wallet rebates; the others keep the default, vouchers. */
    static DistributionMode distributionMode(final long merchantId)
    {
        return merchantId % 5 == 0 ? DistributionMode.WALLET_REBATE : DistributionMode.VOUCHER;
    }

    int walletRebateMerchantCount()
    {
        int count = 0;
        for (long m = 1; m <= merchantCount; m++)
        {
            count += distributionMode(m) == DistributionMode.WALLET_REBATE ? 1 : 0;
        }
        return count;
    }

    int merchantCount()
    {
        return merchantCount;
    }

    int allianceMemberCount()
    {
        int count = 0;
        for (long m = 1; m <= merchantCount; m++)
        {
            count += isAllianceMember(m) ? 1 : 0;
        }
        return count;
    }

    int terminalCount()
    {
        return merchantCount * terminalsPerMerchant;
    }

    int consumerCount()
    {
        return consumerCount;
    }

    long topUpFen()
    {
        return topUpFen;
    }

    long merchantIdOfTerminal(final int terminalIndex)
    {
        return 1 + terminalIndex / terminalsPerMerchant;
    }

    long terminalId(final int terminalIndex)
    {
        return merchantIdOfTerminal(terminalIndex) * 100 + terminalIndex % terminalsPerMerchant + 1;
    }

    int terminalsPerMerchant()
    {
        return terminalsPerMerchant;
    }

    /** Index (in terminal order) of terminal {@code t} of a merchant. */
    int terminalIndex(final long merchantId, final int t)
    {
        return (int)(merchantId - 1) * terminalsPerMerchant + t;
    }

    long consumerId(final int consumerIndex)
    {
        return CONSUMER_ID_BASE + 1 + consumerIndex;
    }

    /** Number of set-up commands: merchants, their rules, terminals, consumers, top-ups. */
    int setupCommandCount()
    {
        return 2 * merchantCount + terminalCount() + 2 * consumerCount;
    }

    /** Encodes set-up command {@code index} (merchants first, then their rules, terminals, consumers, top-ups). */
    int encodeSetup(final int index, final CommandEncoder encoder, final MutableDirectBuffer buffer, final int offset)
    {
        int i = index;
        if (i < merchantCount)
        {
            final long merchantId = 1 + i;
            return encoder.registerMerchant(buffer, offset, merchantId, pointsPerYuan(merchantId), POOL_RATE_BPS,
                ALLIANCE_SHARE_BPS, PLATFORM_FEE_BPS, isAllianceMember(merchantId));
        }
        i -= merchantCount;
        if (i < merchantCount)
        {
            // Same rates and membership as registered; adds the voucher rule and the distribution mode.
            final long merchantId = 1 + i;
            return encoder.setMerchantRules(buffer, offset, merchantId, pointsPerYuan(merchantId), POOL_RATE_BPS,
                ALLIANCE_SHARE_BPS, PLATFORM_FEE_BPS, isAllianceMember(merchantId), distributionMode(merchantId),
                VOUCHER_POINTS_COST, VOUCHER_VALUE_FEN, VOUCHER_VALIDITY_MS);
        }
        i -= merchantCount;
        if (i < terminalCount())
        {
            return encoder.registerTerminal(buffer, offset, terminalId(i), merchantIdOfTerminal(i));
        }
        i -= terminalCount();
        if (i < consumerCount)
        {
            return encoder.registerConsumer(buffer, offset, consumerId(i), homeMerchantIds[i]);
        }
        i -= consumerCount;
        // The top-up reference is the consumer id: one top-up per consumer, and a re-run is a harmless repeat.
        return encoder.topUp(buffer, offset, consumerId(i), consumerId(i), topUpFen);
    }
}
