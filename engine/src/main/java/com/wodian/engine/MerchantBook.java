package com.wodian.engine;

import com.wodian.engine.table.RowBook;

/**
 * Merchants in registration order: balances, rules and statement counters in one row of longs each. A field is written
 * only through a named writer: the balances and totals with the ledger's key ({@link #add(Ledger.Key, int, int, long)},
 * {@link #set(Ledger.Key, int, int, long)}), a merchant's rules by the registry and rewards rules ({@link #setRates},
 * {@link #setDistributionMode}, {@link #setVoucherRule}, {@link #setDistributionEpoch}), its flags and key-quota count.
 */
public final class MerchantBook extends RowBook
{
    static final int STRIDE = 32;
    static final int SETTLEMENT_FEN = 1;
    static final int POOL_FEN = 2;
    static final int ALLIANCE_EARNINGS_FEN = 3;
    static final int POINTS_PER_YUAN = 4;
    static final int POOL_RATE_BPS = 5;
    static final int ALLIANCE_SHARE_BPS = 6;
    static final int PLATFORM_FEE_BPS = 7;
    static final int FLAGS = 8;
    static final int SALES_COUNT = 9;
    static final int SALES_FEN = 10;
    static final int REFUNDS_COUNT = 11;
    static final int REFUNDS_FEN = 12;
    static final int WITHDRAWN_FEN = 13;
    static final int HOLDS_LIVE_COUNT = 14;
    static final int HOLDS_LIVE_FEN = 15;
    static final int HOLDS_EXPIRED_COUNT = 16;
    static final int HOLDS_EXPIRED_FEN = 17;
    static final int HOLDS_CANCELLED_COUNT = 18;
    static final int FEES_FEN = 19;
    static final int DISTRIBUTION_MODE = 20;        // DistributionMode value
    static final int VOUCHER_POINTS_COST = 21;      // 0: no voucher rule
    static final int VOUCHER_VALUE_FEN = 22;
    static final int VOUCHER_VALIDITY_MS = 23;
    static final int VOUCHERS_OUTSTANDING_FEN = 24; // liability: issued or reserved, not yet redeemed or expired
    static final int VOUCHERS_ISSUED_COUNT = 25;
    static final int VOUCHERS_REDEEMED_FEN = 26;
    static final int VOUCHERS_EXPIRED_FEN = 27;
    static final int DISTRIBUTED_FEN = 28;
    static final int POOL_IN_DISTRIBUTION_FEN = 29;
    static final int CONSUMPTION_OPEN_FEN = 30;     // consumers' spend since the last distribution started
    static final int DISTRIBUTION_EPOCH = 31;       // number of distributions started

    static final long FLAG_BLOCKED = 1;
    static final long FLAG_ALLIANCE_MEMBER = 2;
    /**
     * The high half of FLAGS counts the merchant's keys under the key quota ({@link MerchantKeyQuota}): 0 while the
     * quota was never on, so rows, hash and snapshot are those of an engine without it. The row is in cache on every
     * payment already (the blocked flag), so the count costs no extra miss.
     */
    private static final int QUOTA_KEYS_SHIFT = 32;

    MerchantBook(final int capacity, final boolean reserve)
    {
        super(capacity, STRIDE, reserve);
    }

    int add(final long merchantId)
    {
        return addRow(merchantId);
    }

    /** Adds to a balance or a total of merchant {@code index}: the ledger's, with its key. */
    void add(final Ledger.Key key, final int index, final int field, final long delta)
    {
        Ledger.Key.check(key);
        add(index, field, delta);
    }

    /** Sets a balance or a total of merchant {@code index}: the ledger's, with its key. */
    void set(final Ledger.Key key, final int index, final int field, final long value)
    {
        Ledger.Key.check(key);
        set(index, field, value);
    }

    /** A merchant's rates (RegisterMerchant, SetMerchantRules: validated by the rules). */
    void setRates(final int index, final long pointsPerYuan, final long poolRateBps, final long allianceShareBps,
        final long platformFeeBps)
    {
        set(index, POINTS_PER_YUAN, pointsPerYuan);
        set(index, POOL_RATE_BPS, poolRateBps);
        set(index, ALLIANCE_SHARE_BPS, allianceShareBps);
        set(index, PLATFORM_FEE_BPS, platformFeeBps);
    }

    /** How the merchant's pool is distributed ({@code DistributionMode} value). */
    void setDistributionMode(final int index, final long distributionMode)
    {
        set(index, DISTRIBUTION_MODE, distributionMode);
    }

    /** The voucher the merchant issues for points (cost 0: none; the value is the rule's, not money held). */
    void setVoucherRule(final int index, final long pointsCost, final long valueFen, final long validityMs)
    {
        set(index, VOUCHER_POINTS_COST, pointsCost);
        set(index, VOUCHER_VALUE_FEN, valueFen);
        set(index, VOUCHER_VALIDITY_MS, validityMs);
    }

    /** The number of distributions the merchant started (DistributePool). */
    void setDistributionEpoch(final int index, final long epoch)
    {
        set(index, DISTRIBUTION_EPOCH, epoch);
    }

    boolean hasFlag(final int index, final long flag)
    {
        return hasFlag(index, FLAGS, flag);
    }

    void setFlag(final int index, final long flag, final boolean on)
    {
        setFlag(index, FLAGS, flag, on);
    }

    /** Keys of this merchant counted against the key quota and not yet past the key retention. */
    long quotaKeys(final int index)
    {
        return get(index, FLAGS) >>> QUOTA_KEYS_SHIFT;
    }

    void addQuotaKeys(final int index, final long delta)
    {
        add(index, FLAGS, delta << QUOTA_KEYS_SHIFT);
    }
}
