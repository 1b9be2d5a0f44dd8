package com.wodian.engine.risk;

import com.wodian.engine.table.Growth;
import com.wodian.engine.table.RowBook;
import com.wodian.engine.table.SnapshotReader;
import com.wodian.engine.table.SnapshotWriter;
import com.wodian.engine.table.StateHash;
import com.wodian.protocol.sbe.ResultCode;
import com.wodian.protocol.sbe.RiskAction;
import com.wodian.protocol.sbe.RiskMode;
import org.agrona.collections.Long2LongHashMap;

/**
 * Risk rule settings: one global setting per rule and a bounded table of per-merchant overrides. A setting is a mode
 * (off, shadow, enforce), an action (decline or flag) and up to three thresholds whose meaning depends on the rule
 * (docs/risk.md). All rules start OFF with the defaults below, which are the thresholds tuned on the labelled
 * workload (risk-eval); operators switch rules on with SetRiskRule.
 */
public final class RiskRules
{
    public static final int CONSUMER_VELOCITY = 1;
    public static final int TERMINAL_VELOCITY = 2;
    public static final int AMOUNT_ANOMALY = 3;
    public static final int DAILY_LIMIT = 4;
    public static final int NEW_CONSUMER_LARGE = 5;
    public static final int PAIR_BURST = 6;
    public static final int REFUND_CYCLE = 7;
    public static final int CIRCULAR_FLOW = 8;
    public static final int VOLUME_SPIKE = 9;
    public static final int DISTINCT_PARTIES = 10;
    public static final int REDEMPTION = 11;
    public static final int TERMINAL_FAILURES = 12;
    /** Not configurable: the existing blocks (SetBlocked), counted and logged with the risk rules. */
    public static final int BLOCKED_PARTY = 13;
    /** The active scoring model (SetRiskModel): a hit when its score reaches the model's decline score. */
    public static final int MODEL = 14;
    /** The challenger model: scored beside the active one, recorded as shadow hits whatever this rule's mode. */
    public static final int CHALLENGER = 15;
    /** Hand-written rules are 1..this. */
    public static final int HAND_RULES_MAX = 12;
    /** Highest configurable rule id; every id from 1 to it but {@link #BLOCKED_PARTY} is configurable. */
    static final int CONFIGURABLE_MAX = 15;

    public static boolean configurable(final int ruleId)
    {
        return ruleId >= 1 && ruleId <= CONFIGURABLE_MAX && ruleId != BLOCKED_PARTY;
    }

    /**
     * Rules about the consumer's own behaviour: their hits count as strikes against the consumer (REDEMPTION). Hits of
     * terminal and merchant rules do not: a consumer charged on an attacked terminal is a victim, not a suspect.
     */
    static boolean judgesConsumer(final int ruleId)
    {
        return ruleId != TERMINAL_VELOCITY && ruleId != TERMINAL_FAILURES && ruleId != VOLUME_SPIKE;
    }
    public static final int RULE_COUNT = 15;

    public static final int MODE = 0;
    public static final int ACTION = 1;
    public static final int THRESHOLD_1 = 2;
    public static final int THRESHOLD_2 = 3;
    public static final int THRESHOLD_3 = 4;
    static final int STRIDE = 5;

    static final long MODE_OFF = RiskMode.OFF.value();
    static final long MODE_SHADOW = RiskMode.SHADOW.value();
    static final long MODE_ENFORCE = RiskMode.ENFORCE.value();
    static final long ACTION_DECLINE = RiskAction.DECLINE.value();
    static final long ACTION_FLAG = RiskAction.FLAG.value();

    /** Defaults per rule id: action, threshold1..3 (see docs/risk.md for the meaning of each). */
    private static final long[][] DEFAULTS = {
        {},
        {ACTION_DECLINE, 3, 10, 0},                 // 1 velocity: attempts per 1 min, per 1 h
        {ACTION_DECLINE, 6, 0, 0},                  // 2 terminal velocity: attempts per 1 min
        {ACTION_DECLINE, 2000, 2, 200_000},         // 3 anomaly: deviation x100, min history, min amount fen
        {ACTION_DECLINE, 1_000_000, 0, 0},          // 4 daily limit: fen per 24 h
        {ACTION_DECLINE, 1, 150_000, 0},            // 5 new consumer: history below, amount fen above
        {ACTION_DECLINE, 1_000, 2, 0},              // 6 pair burst: small amount fen, small payments per 10 min
        {ACTION_DECLINE, 2, 0, 0},                  // 7 refund cycle: refunds on a pair per 24 h
        {ACTION_DECLINE, 7_000, 200_000, 0},        // 8 circular flow: own-recruit share bps, min own fen per 1 h
        {ACTION_FLAG, 600, 2_000_000, 0},           // 9 volume spike: x100 of hourly average, min fen per 1 h
        {ACTION_DECLINE, 4, 6, 0},                  // 10 distinct: merchants, terminals per ~1 h
        {ACTION_DECLINE, 1, 5_000, 4},              // 11 redemption: strikes, refund ratio bps, min payments
        {ACTION_DECLINE, 3, 0, 0},                  // 12 terminal failures: refusals per 1 min
        {ACTION_DECLINE, 0, 0, 0},                  // 13 blocked party (not configurable)
        {ACTION_DECLINE, 0, 0, 0},                  // 14 model: no thresholds (the model carries its scores)
        {ACTION_DECLINE, 0, 0, 0},                  // 15 challenger: always shadow
    };

    private static final ResultCode[] CODES = {
        ResultCode.OK,
        ResultCode.RISK_CONSUMER_VELOCITY,
        ResultCode.RISK_TERMINAL_VELOCITY,
        ResultCode.RISK_AMOUNT_ANOMALY,
        ResultCode.RISK_DAILY_LIMIT,
        ResultCode.RISK_NEW_CONSUMER_LARGE,
        ResultCode.RISK_PAIR_BURST,
        ResultCode.RISK_REFUND_CYCLE,
        ResultCode.RISK_CIRCULAR_FLOW,
        ResultCode.RISK_VOLUME_SPIKE,
        ResultCode.RISK_DISTINCT_PARTIES,
        ResultCode.RISK_REDEMPTION,
        ResultCode.RISK_TERMINAL_FAILURES,
        ResultCode.CONSUMER_BLOCKED,
        ResultCode.RISK_MODEL_SCORE,
        ResultCode.RISK_MODEL_SCORE,
    };

    private final long[] global = new long[(RULE_COUNT + 1) * STRIDE];
    /** Scratch of {@link #settingsFor} for a merchant with overrides. */
    private final long[] resolved = new long[(RULE_COUNT + 1) * STRIDE];
    private final long[] overrides;
    private final long[] overrideKeys;
    private final Long2LongHashMap overrideSlotByKey;
    private final int overridesMax;
    private int overrideCount;
    /** Rules not OFF globally: while 0 and a merchant has no overrides, risk costs one check per command. */
    private int globalActiveCount;
    /** Per merchant: bit {@code ruleId} set when the merchant has its own setting for that rule. */
    // Grows with the merchants registered (Growth).
    private int[] overrideMaskByMerchant;
    private final int merchantsMax;

    RiskRules(final int merchantsMax, final int overridesMax)
    {
        this.overridesMax = overridesMax;
        this.overrides = new long[overridesMax * STRIDE];
        this.overrideKeys = new long[overridesMax];
        this.overrideSlotByKey = new Long2LongHashMap(RowBook.tableSize(overridesMax), 0.65f, -1);
        this.merchantsMax = merchantsMax;
        this.overrideMaskByMerchant = new int[0];
        for (int rule = 1; rule <= CONFIGURABLE_MAX; rule++)
        {
            if (!configurable(rule))
            {
                continue;
            }
            final int base = rule * STRIDE;
            global[base + MODE] = MODE_OFF;
            global[base + ACTION] = DEFAULTS[rule][0];
            global[base + THRESHOLD_1] = DEFAULTS[rule][1];
            global[base + THRESHOLD_2] = DEFAULTS[rule][2];
            global[base + THRESHOLD_3] = DEFAULTS[rule][3];
        }
        global[BLOCKED_PARTY * STRIDE + MODE] = MODE_ENFORCE;
        global[BLOCKED_PARTY * STRIDE + ACTION] = ACTION_DECLINE;
    }

    /** The tuned default thresholds of a rule (index 0 is the action), for tools that switch rules on. */
    public static long[] defaults(final int ruleId)
    {
        return DEFAULTS[ruleId].clone();
    }

    static ResultCode code(final int ruleId)
    {
        return CODES[ruleId];
    }

    /** Makes room for the new merchant's override mask. */
    void merchantRegistered(final int merchantIndex)
    {
        overrideMaskByMerchant = Growth.ensure(overrideMaskByMerchant, merchantIndex + 1, merchantsMax, 0);
    }

    private static long overrideKey(final int merchantIndex, final int ruleId)
    {
        return ((long)merchantIndex << 8) | ruleId;
    }

    /** Settings array holding the setting in force for the merchant ({@link #base} gives the offset). */
    long[] table(final int merchantIndex, final int ruleId)
    {
        return merchantIndex >= 0 && (overrideMaskByMerchant[merchantIndex] & (1 << ruleId)) != 0 ? overrides : global;
    }

    int base(final int merchantIndex, final int ruleId)
    {
        if (merchantIndex >= 0 && (overrideMaskByMerchant[merchantIndex] & (1 << ruleId)) != 0)
        {
            return (int)overrideSlotByKey.get(overrideKey(merchantIndex, ruleId)) * STRIDE;
        }
        return ruleId * STRIDE;
    }

    public long get(final int merchantIndex, final int ruleId, final int field)
    {
        return table(merchantIndex, ruleId)[base(merchantIndex, ruleId) + field];
    }

    /**
     * The settings in force for the merchant, laid out like the global table ({@code ruleId * STRIDE + field}, see
     * {@link #at}): the global table itself when the merchant has no override of its own (the common case), else a
     * scratch copy with the merchant's overrides in, valid until the next call. A command resolves its merchant's
     * settings once instead of probing the override mask (and, for an override, the override map) for every mode and
     * threshold it reads: {@code settingsFor(m)[at(r, f)] == get(m, r, f)} for every rule and field.
     */
    long[] settingsFor(final int merchantIndex)
    {
        final int mask = merchantIndex >= 0 ? overrideMaskByMerchant[merchantIndex] : 0;
        if (mask == 0)
        {
            return global;
        }
        final long[] settings = resolved;
        System.arraycopy(global, 0, settings, 0, settings.length);
        for (int rule = 1; rule <= CONFIGURABLE_MAX; rule++)
        {
            if ((mask & (1 << rule)) != 0)
            {
                System.arraycopy(overrides, base(merchantIndex, rule), settings, rule * STRIDE, STRIDE);
            }
        }
        return settings;
    }

    /** Where a rule's field is in the arrays {@link #settingsFor} returns. */
    static int at(final int ruleId, final int field)
    {
        return ruleId * STRIDE + field;
    }

    public boolean hasOverride(final int merchantIndex, final int ruleId)
    {
        return merchantIndex >= 0 && (overrideMaskByMerchant[merchantIndex] & (1 << ruleId)) != 0;
    }

    /** True when no rule is evaluated for this merchant: the payment path then skips risk entirely. */
    boolean allOff(final int merchantIndex)
    {
        return globalActiveCount == 0 && overrideMaskByMerchant[merchantIndex] == 0;
    }

    private void countActive()
    {
        globalActiveCount = 0;
        for (int rule = 1; rule <= CONFIGURABLE_MAX; rule++)
        {
            if (configurable(rule) && global[rule * STRIDE + MODE] != MODE_OFF)
            {
                globalActiveCount++;
            }
        }
    }

    /**
     * Sets a rule globally (merchantIndex -1) or for one merchant; {@code INHERIT} drops the merchant's override.
     *
     * @return OK, or LIMIT_RISK_OVERRIDES when a new override does not fit.
     */
    public ResultCode set(final int merchantIndex, final int ruleId, final long mode, final long action, final long t1,
        final long t2, final long t3)
    {
        if (merchantIndex < 0)
        {
            write(global, ruleId * STRIDE, mode, action, t1, t2, t3);
            countActive();
            return ResultCode.OK;
        }
        final long key = overrideKey(merchantIndex, ruleId);
        if (mode == RiskMode.INHERIT.value())
        {
            overrideMaskByMerchant[merchantIndex] &= ~(1 << ruleId);
            return ResultCode.OK;
        }
        int slot = (int)overrideSlotByKey.get(key);
        if (slot < 0)
        {
            if (overrideCount == overridesMax)
            {
                return ResultCode.LIMIT_RISK_OVERRIDES;
            }
            slot = overrideCount++;
            overrideKeys[slot] = key;
            overrideSlotByKey.put(key, slot);
        }
        write(overrides, slot * STRIDE, mode, action, t1, t2, t3);
        overrideMaskByMerchant[merchantIndex] |= 1 << ruleId;
        return ResultCode.OK;
    }

    private static void write(final long[] table, final int base, final long mode, final long action, final long t1,
        final long t2, final long t3)
    {
        table[base + MODE] = mode;
        table[base + ACTION] = action;
        table[base + THRESHOLD_1] = t1;
        table[base + THRESHOLD_2] = t2;
        table[base + THRESHOLD_3] = t3;
    }

    void writeTo(final SnapshotWriter writer)
    {
        writer.writeLongs(global, global.length);
        writer.writeLong(overrideCount);
        writer.writeLongs(overrides, overrideCount * STRIDE);
        writer.writeLongs(overrideKeys, overrideCount);
        writer.writeLong(overrideMaskByMerchant.length);
        writer.writeInts(overrideMaskByMerchant, overrideMaskByMerchant.length);
    }

    void readFrom(final SnapshotReader reader)
    {
        reader.readLongs(global);
        final long count = reader.readLong();
        reader.readLongs(overrides);
        reader.readLongs(overrideKeys);
        if (count < 0 || count > overrideKeys.length)
        {
            throw new IllegalStateException("snapshot: " + count + " risk rule overrides, at most " +
                overrideKeys.length);
        }
        overrideCount = (int)count;
        final long masks = reader.readLong();
        if (masks < 0 || masks > merchantsMax)
        {
            throw new IllegalStateException(
                "snapshot: " + masks + " risk rule override masks, at most " + merchantsMax);
        }
        overrideMaskByMerchant = new int[(int)masks];
        reader.readInts(overrideMaskByMerchant);
        overrideSlotByKey.clear();
        for (int slot = 0; slot < overrideCount; slot++)
        {
            overrideSlotByKey.put(overrideKeys[slot], slot);
        }
        countActive();
    }

    long hash(final long seed)
    {
        long hash = StateHash.foldRows(seed, global, 1, global.length);
        hash = StateHash.foldRows(hash, overrides, overrideCount, STRIDE);
        hash = StateHash.foldRows(hash, overrideKeys, overrideCount, 1);
        for (int merchantIndex = 0; merchantIndex < overrideMaskByMerchant.length; merchantIndex++)
        {
            if (overrideMaskByMerchant[merchantIndex] != 0)
            {
                hash = StateHash.fold(StateHash.fold(hash, merchantIndex), overrideMaskByMerchant[merchantIndex]);
            }
        }
        return hash;
    }
}
