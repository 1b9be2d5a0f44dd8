package com.wodian.engine;

/**
 * Declared limits of the engine. Tables start small and grow with what they hold up to these ({@link Growth}), and
 * reaching a limit is a result code ({@code LIMIT_*}), never an exception. Defaults suit one server with a few GiB
 * of heap when full; tests use small values.
 */
public final class EngineConfig
{
    /** Hard ceiling for any single amount: keeps {@code amount * amount} products inside a long (proportions). */
    public static final long AMOUNT_FEN_CEILING = 1_000_000_000L;
    /**
     * The longest duration a limit may name (key retention, hold ttl, distribution voucher validity): 100 years of 365
     * days, so that an input time plus it never wraps past Long.MAX_VALUE. Long.MAX_VALUE meant as "for ever" made the
     * sum negative: a key retained "for ever" was forgotten at once and a retried Pay charged again (fuzz-review
     * finding 6).
     */
    public static final long DURATION_MS_MAX = 100L * 365 * 24 * 60 * 60 * 1000;

    public int consumersMax = 1_000_000;
    public int merchantsMax = 100_000;
    public int terminalsMax = 1_000_000;
    int holdsMax = 1_000_000;
    int keysMax = 2_000_000;
    long keyRetentionMs = 7L * 24 * 3600 * 1000;
    long amountFenMax = 100_000_000L;
    long walletFenMax = 1_000_000_000_000L;
    long ttlMsMax = 30L * 60 * 1000;
    int expiriesPerCommandMax = 64;
    int vouchersMax = 2_000_000;
    int consumptionPairsMax = 2_000_000;
    int pointsLedgerEntriesMax = 1 << 20;
    int distributionSliceEntries = 16;
    long distributionVoucherValidityMs = 30L * 24 * 3600 * 1000;
    public int riskPairsMax = 1 << 20;
    public int riskEventsMax = 1 << 16;
    public int riskOverridesMax = 4_096;
    boolean reserveTables;

    public EngineConfig consumersMax(final int value)
    {
        consumersMax = positive(value, "consumersMax");
        return this;
    }

    public EngineConfig merchantsMax(final int value)
    {
        merchantsMax = positive(value, "merchantsMax");
        return this;
    }

    public EngineConfig terminalsMax(final int value)
    {
        terminalsMax = positive(value, "terminalsMax");
        return this;
    }

    /** Live holds (Tries neither confirmed, cancelled nor expired). */
    public EngineConfig holdsMax(final int value)
    {
        holdsMax = positive(value, "holdsMax");
        return this;
    }

    /** Remembered idempotency keys: payments, refunds, top-ups and withdrawals together. */
    public EngineConfig keysMax(final int value)
    {
        keysMax = positive(value, "keysMax");
        return this;
    }

    /** A finished key is never forgotten sooner than this after it finished (input time). */
    public EngineConfig keyRetentionMs(final long value)
    {
        if (value < 0 || value > DURATION_MS_MAX)
        {
            throw new IllegalArgumentException("keyRetentionMs must be in 0.." + DURATION_MS_MAX + " (100 years): " +
                value);
        }
        keyRetentionMs = value;
        return this;
    }

    public EngineConfig amountFenMax(final long value)
    {
        if (value <= 0 || value > AMOUNT_FEN_CEILING)
        {
            throw new IllegalArgumentException("amountFenMax must be in 1.." + AMOUNT_FEN_CEILING + ": " + value);
        }
        amountFenMax = value;
        return this;
    }

    public EngineConfig walletFenMax(final long value)
    {
        if (value <= 0 || value > Long.MAX_VALUE / 4)
        {
            throw new IllegalArgumentException("walletFenMax out of range: " + value);
        }
        walletFenMax = value;
        return this;
    }

    public EngineConfig ttlMsMax(final long value)
    {
        if (value <= 0 || value > DURATION_MS_MAX)
        {
            throw new IllegalArgumentException("ttlMsMax must be in 1.." + DURATION_MS_MAX + " (100 years): " + value);
        }
        ttlMsMax = value;
        return this;
    }

    /** Bounds the expiry work done before one command; the rest is done before the following ones. */
    public EngineConfig expiriesPerCommandMax(final int value)
    {
        expiriesPerCommandMax = positive(value, "expiriesPerCommandMax");
        return this;
    }

    /** Live vouchers (issued or reserved). */
    public EngineConfig vouchersMax(final int value)
    {
        vouchersMax = positive(value, "vouchersMax");
        return this;
    }

    /** (consumer, merchant) pairs whose spend is tracked for pool distributions. */
    public EngineConfig consumptionPairsMax(final int value)
    {
        consumptionPairsMax = positive(value, "consumptionPairsMax");
        return this;
    }

    /** Points ledger entries kept in memory (all consumers together; rounded up to a power of two). */
    public EngineConfig pointsLedgerEntriesMax(final int value)
    {
        pointsLedgerEntriesMax = positive(value, "pointsLedgerEntriesMax");
        return this;
    }

    /** Consumption entries a running pool distribution visits before each input. */
    public EngineConfig distributionSliceEntries(final int value)
    {
        distributionSliceEntries = positive(value, "distributionSliceEntries");
        return this;
    }

    /** Validity of vouchers paid by a distribution when the merchant's voucher rule sets none. */
    public EngineConfig distributionVoucherValidityMs(final long value)
    {
        if (value <= 0 || value > DURATION_MS_MAX)
        {
            throw new IllegalArgumentException("distributionVoucherValidityMs must be in 1.." + DURATION_MS_MAX +
                " (100 years): " + value);
        }
        distributionVoucherValidityMs = value;
        return this;
    }

    /** Consumer–merchant pairs whose risk history is kept (a bounded cache: the least recent pair gives way). */
    public EngineConfig riskPairsMax(final int value)
    {
        riskPairsMax = positive(value, "riskPairsMax");
        return this;
    }

    /** Risk events kept for the risk-event query (rounded up to a power of two; the oldest is overwritten). */
    public EngineConfig riskEventsMax(final int value)
    {
        riskEventsMax = positive(value, "riskEventsMax");
        return this;
    }

    /** Per-merchant risk rule settings ((merchant, rule) pairs ever overridden). */
    public EngineConfig riskOverridesMax(final int value)
    {
        riskOverridesMax = positive(value, "riskOverridesMax");
        return this;
    }

    /**
     * Reserve every engine table at its limit when the engine is built, instead of starting small and growing with
     * use (the default). For latency-critical deployments and benchmarks: no growth (an allocation and a copy) ever
     * happens on the engine thread, at the price of the heap and start-up time of the limits (about 1.4 GiB and, on
     * memory never touched before, seconds at the default limits; start the JVM with {@code -XX:+AlwaysPreTouch} to
     * pay that before the engine is built). Behaviour, replies, snapshots and the state hash are the same either way.
     * The risk package's tables (small, or paged on first use) still grow with use.
     */
    public EngineConfig reserveTables(final boolean value)
    {
        reserveTables = value;
        return this;
    }

    public boolean reserveTables()
    {
        return reserveTables;
    }

    public int riskPairsMax()
    {
        return riskPairsMax;
    }

    public int riskEventsMax()
    {
        return riskEventsMax;
    }

    public int riskOverridesMax()
    {
        return riskOverridesMax;
    }

    public int vouchersMax()
    {
        return vouchersMax;
    }

    public int consumptionPairsMax()
    {
        return consumptionPairsMax;
    }

    public int pointsLedgerEntriesMax()
    {
        return pointsLedgerEntriesMax;
    }

    public int distributionSliceEntries()
    {
        return distributionSliceEntries;
    }

    public long distributionVoucherValidityMs()
    {
        return distributionVoucherValidityMs;
    }

    public int consumersMax()
    {
        return consumersMax;
    }

    public int merchantsMax()
    {
        return merchantsMax;
    }

    public int terminalsMax()
    {
        return terminalsMax;
    }

    public int holdsMax()
    {
        return holdsMax;
    }

    public int keysMax()
    {
        return keysMax;
    }

    public long keyRetentionMs()
    {
        return keyRetentionMs;
    }

    /** AMOUNT_OUT_OF_RANGE unless {@code amountFen} is in 1..{@link #amountFenMax()}. */
    com.wodian.protocol.sbe.ResultCode checkAmount(final long amountFen)
    {
        return amountFen <= 0 || amountFen > amountFenMax ? com.wodian.protocol.sbe.ResultCode.AMOUNT_OUT_OF_RANGE :
            com.wodian.protocol.sbe.ResultCode.OK;
    }

    public long amountFenMax()
    {
        return amountFenMax;
    }

    public long walletFenMax()
    {
        return walletFenMax;
    }

    public long ttlMsMax()
    {
        return ttlMsMax;
    }

    public int expiriesPerCommandMax()
    {
        return expiriesPerCommandMax;
    }

    /** Small limits for tests and examples. */
    public static EngineConfig small()
    {
        return new EngineConfig()
            .consumersMax(10_000)
            .merchantsMax(1_000)
            .terminalsMax(10_000)
            .holdsMax(10_000)
            .keysMax(100_000)
            .vouchersMax(100_000)
            .consumptionPairsMax(100_000)
            .pointsLedgerEntriesMax(1 << 16)
            .riskPairsMax(4_096)
            .riskEventsMax(1_024)
            .riskOverridesMax(256);
    }

    private static int positive(final int value, final String name)
    {
        if (value <= 0)
        {
            throw new IllegalArgumentException(name + " must be > 0: " + value);
        }
        return value;
    }

    @Override
    public String toString()
    {
        return "EngineConfig{consumersMax=" + consumersMax + ", merchantsMax=" + merchantsMax +
            ", terminalsMax=" + terminalsMax + ", holdsMax=" + holdsMax + ", keysMax=" + keysMax +
            ", keyRetentionMs=" + keyRetentionMs + ", amountFenMax=" + amountFenMax +
            ", walletFenMax=" + walletFenMax + ", ttlMsMax=" + ttlMsMax +
            ", expiriesPerCommandMax=" + expiriesPerCommandMax + ", vouchersMax=" + vouchersMax +
            ", consumptionPairsMax=" + consumptionPairsMax + ", pointsLedgerEntriesMax=" + pointsLedgerEntriesMax +
            ", distributionSliceEntries=" + distributionSliceEntries + ", riskPairsMax=" + riskPairsMax +
            ", riskEventsMax=" + riskEventsMax + ", riskOverridesMax=" + riskOverridesMax +
            ", reserveTables=" + reserveTables + '}';
    }
}
