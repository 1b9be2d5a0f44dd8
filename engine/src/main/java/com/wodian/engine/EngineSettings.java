package com.wodian.engine;

import com.wodian.engine.risk.RiskControl;
import com.wodian.engine.table.SnapshotReader;
import com.wodian.engine.table.SnapshotWriter;
import com.wodian.engine.table.StateHash;
import com.wodian.protocol.sbe.EngineSetting;
import com.wodian.protocol.sbe.ResultCode;

/**
 * Rules of the engine that an operator turns on with the journaled admin command SetEngineSetting (docs/operations.md,
 * "Engine settings"). Each changes decisions, so each is state: journaled, in the snapshot, in the state hash. Every
 * default is the behaviour from before the setting existed, and a state whose settings are all at their defaults
 * hashes as it did then, so an old journal replays with the same replies and the same state hashes.
 */
final class EngineSettings
{
    /** Any terminal of the payment's merchant may confirm, cancel or refund it (the default). */
    static final int BINDING_MERCHANT = 0;
    /** Confirm and Cancel only from the terminal that sent the Try. */
    static final int BINDING_TWO_PHASE = 1;
    /** Confirm, Cancel and Refund only from the terminal that sent the Try or Pay. */
    static final int BINDING_ALL = 2;

    /** The snapshot format whose settings end with REFUND_SHORTFALL_FROM_SETTLEMENT (absent from 14: at 0). */
    static final long FORMAT_WITH_REFUND_SHORTFALL = 15;
    /** The snapshot format whose settings then hold VOUCHER_EXPIRY_SATURATES and REFUND_REISSUES_VOUCHER. */
    static final long FORMAT_WITH_VOUCHER_SETTINGS = 16;
    /** The snapshot format whose settings then hold VOUCHER_LAYOUT_HASH. */
    static final long FORMAT_WITH_VOUCHER_LAYOUT_HASH = 17;
    /** The snapshot format whose settings then hold RISK_GROUP_SOURCE. */
    static final long FORMAT_WITH_RISK_GROUP_SOURCE = 18;
    /** The snapshot format whose settings then hold BALANCE_PROBE_LIMIT (and whose stream ends with its table). */
    static final long FORMAT_WITH_BALANCE_PROBE_LIMIT = 19;
    /** The snapshot format whose settings then hold HOME_SAME_SET_LIMIT (and whose stream then ends with its table). */
    static final long FORMAT_WITH_HOME_SAME_SET_LIMIT = 20;
    /** The largest HOME_SAME_SET_LIMIT: the count it is compared with saturates at 255. */
    static final long HOME_SAME_SET_LIMIT_MAX = 255;

    private final long keysMax;
    /** Keys one merchant may hold made within the key retention; 0: no quota (the default). */
    private long merchantKeysMax;
    private int paymentTerminalBinding = BINDING_MERCHANT;
    /** Whether a refund's pool or alliance shortfall is taken from the selling merchant's settlement (1) or refused. */
    private long refundShortfallFromSettlement;
    /** Whether a voucher expiry past Long.MAX_VALUE is Long.MAX_VALUE (1) or wraps (0; fuzz-review finding 3). */
    private long voucherExpirySaturates;
    /** Whether a full refund re-issues a voucher whose slot was reused (1) or books it to the pool (0). */
    private long refundReissuesVoucher;
    /** Whether the state hash sees the voucher book's layout (1) or only its rows' contents (0; det-review C3). */
    private long voucherLayoutHash;
    /** Which model slot's individual score fills the risk model's group features (0 active, 1 challenger). */
    private long riskGroupSource;
    /** Told of RISK_GROUP_SOURCE whenever it changes (set or snapshot load): risk reads it on every scored payment. */
    private final RiskControl risk;
    /** Probes of a consumer's balance one merchant may make in a window; 0: off (security review A2). */
    private long balanceProbeLimit;
    /** Told of BALANCE_PROBE_LIMIT whenever it changes (set or snapshot load): it counts only while on. */
    private final BalanceProbeGuard probes;
    /** Other accounts of a dormant payer's home shop with its set of shops at which it is refused; 0: off. */
    private long homeSameSetLimit;

    EngineSettings(final long keysMax, final RiskControl risk, final BalanceProbeGuard probes)
    {
        this.keysMax = keysMax;
        this.risk = risk;
        this.probes = probes;
    }

    long merchantKeysMax()
    {
        return merchantKeysMax;
    }

    /** Whether Confirm and Cancel must come from the Try's terminal. */
    boolean bindsTwoPhase()
    {
        return paymentTerminalBinding >= BINDING_TWO_PHASE;
    }

    /** Whether a Refund must come from the payment's terminal. */
    boolean bindsRefund()
    {
        return paymentTerminalBinding == BINDING_ALL;
    }

    /**
     * Whether a refund whose pool part (or alliance share) is no longer in the pool (or the home merchant's alliance
     * earnings) takes the shortfall from the selling merchant's settlement instead of being refused.
     */
    boolean refundShortfallFromSettlement()
    {
        return refundShortfallFromSettlement == 1;
    }

    /** Whether a voucher whose validity reaches past Long.MAX_VALUE expires at Long.MAX_VALUE instead of wrapping. */
    boolean voucherExpirySaturates()
    {
        return voucherExpirySaturates == 1;
    }

    /**
     * Whether a payment keeps its voucher's expiry, so that the refund that completes it issues a voucher of the same
     * value and expiry when the old voucher's slot was reused.
     */
    boolean refundReissuesVoucher()
    {
        return refundReissuesVoucher == 1;
    }

    /**
     * Whether the state hash folds which voucher slot holds which voucher and the ended ring's order
     * ({@link VoucherBook#hashWithLayout}); changes no decision, only what replicas and replays compare.
     */
    boolean voucherLayoutHashed()
    {
        return voucherLayoutHash == 1;
    }

    /** {@code nowMs + validityMs}, at most Long.MAX_VALUE when {@link #voucherExpirySaturates()} (validity >= 0). */
    long voucherExpiryMs(final long nowMs, final long validityMs)
    {
        return voucherExpirySaturates == 1 && validityMs > Long.MAX_VALUE - nowMs ? Long.MAX_VALUE :
            nowMs + validityMs;
    }

    /** Validates and applies one SetEngineSetting; nothing changes unless the answer is OK. */
    ResultCode set(final short settingRaw, final long value)
    {
        if (settingRaw == EngineSetting.MERCHANT_KEYS_MAX.value() && value >= 0 && value <= keysMax)
        {
            merchantKeysMax = value;
            return ResultCode.OK;
        }
        if (settingRaw == EngineSetting.PAYMENT_TERMINAL_BINDING.value() && value >= BINDING_MERCHANT &&
            value <= BINDING_ALL)
        {
            paymentTerminalBinding = (int)value;
            return ResultCode.OK;
        }
        if (settingRaw == EngineSetting.REFUND_SHORTFALL_FROM_SETTLEMENT.value() && (value == 0 || value == 1))
        {
            refundShortfallFromSettlement = value;
            return ResultCode.OK;
        }
        if (settingRaw == EngineSetting.VOUCHER_EXPIRY_SATURATES.value() && (value == 0 || value == 1))
        {
            voucherExpirySaturates = value;
            return ResultCode.OK;
        }
        if (settingRaw == EngineSetting.REFUND_REISSUES_VOUCHER.value() && (value == 0 || value == 1))
        {
            refundReissuesVoucher = value;
            return ResultCode.OK;
        }
        if (settingRaw == EngineSetting.VOUCHER_LAYOUT_HASH.value() && isBit(value))
        {
            voucherLayoutHash = value;
            return ResultCode.OK;
        }
        if (settingRaw == EngineSetting.RISK_GROUP_SOURCE.value() && isBit(value))
        {
            riskGroupSource = value;
            risk.groupSourceChallenger(value == 1);
            return ResultCode.OK;
        }
        if (settingRaw == EngineSetting.BALANCE_PROBE_LIMIT.value() && value >= 0 &&
            value <= BalanceProbeGuard.LIMIT_MAX)
        {
            balanceProbeLimit = value;
            probes.limit(value);
            return ResultCode.OK;
        }
        if (settingRaw == EngineSetting.HOME_SAME_SET_LIMIT.value() && value >= 0 && value <= HOME_SAME_SET_LIMIT_MAX)
        {
            homeSameSetLimit = value;
            risk.homeSameSetLimit(value);
            return ResultCode.OK;
        }
        return ResultCode.SETTING_INVALID;
    }

    private boolean atDefaults()
    {
        return merchantKeysMax == 0 && paymentTerminalBinding == BINDING_MERCHANT;
    }

    /**
     * Folds the settings into {@code hash}; at their defaults the hash is left as it was before settings existed, and
     * a setting added later is folded only when it is off its default, so states of older journals hash as they did.
     */
    long hash(final long hash)
    {
        final long first = atDefaults() ? hash :
            StateHash.fold(StateHash.fold(hash, merchantKeysMax), paymentTerminalBinding);
        final long second = refundShortfallFromSettlement == 0 ? first :
            StateHash.fold(first, refundShortfallFromSettlement);
        // Tagged with their setting ids: either one on alone hashes apart from the other.
        final long third = voucherExpirySaturates == 0 ? second :
            StateHash.fold(second, (long)EngineSetting.VOUCHER_EXPIRY_SATURATES.value() << 32 | voucherExpirySaturates);
        final long fourth = refundReissuesVoucher == 0 ? third :
            StateHash.fold(third, (long)EngineSetting.REFUND_REISSUES_VOUCHER.value() << 32 | refundReissuesVoucher);
        final long fifth = voucherLayoutHash == 0 ? fourth :
            StateHash.fold(fourth, (long)EngineSetting.VOUCHER_LAYOUT_HASH.value() << 32 | voucherLayoutHash);
        final long sixth = riskGroupSource == 0 ? fifth :
            StateHash.fold(fifth, (long)EngineSetting.RISK_GROUP_SOURCE.value() << 32 | riskGroupSource);
        final long seventh = balanceProbeLimit == 0 ? sixth :
            StateHash.fold(sixth, (long)EngineSetting.BALANCE_PROBE_LIMIT.value() << 32 | balanceProbeLimit);
        return homeSameSetLimit == 0 ? seventh :
            StateHash.fold(seventh, (long)EngineSetting.HOME_SAME_SET_LIMIT.value() << 32 | homeSameSetLimit);
    }

    /** In the current snapshot format ({@link Engine#SNAPSHOT_FORMAT_VERSION}), the only one written. */
    void writeTo(final SnapshotWriter writer)
    {
        writer.writeLong(merchantKeysMax);
        writer.writeLong(paymentTerminalBinding);
        writer.writeLong(refundShortfallFromSettlement);
        writer.writeLong(voucherExpirySaturates);
        writer.writeLong(refundReissuesVoucher);
        writer.writeLong(voucherLayoutHash);
        writer.writeLong(riskGroupSource);
        writer.writeLong(balanceProbeLimit);
        writer.writeLong(homeSameSetLimit);
    }

    /** A setting a format lacks is at its default there. */
    void readFrom(final SnapshotReader reader, final long format)
    {
        final long keys = reader.readLong();
        final long binding = reader.readLong();
        final long shortfall = format >= FORMAT_WITH_REFUND_SHORTFALL ? reader.readLong() : 0;
        final long saturates = format >= FORMAT_WITH_VOUCHER_SETTINGS ? reader.readLong() : 0;
        final long reissues = format >= FORMAT_WITH_VOUCHER_SETTINGS ? reader.readLong() : 0;
        final long layout = format >= FORMAT_WITH_VOUCHER_LAYOUT_HASH ? reader.readLong() : 0;
        final long groupSource = format >= FORMAT_WITH_RISK_GROUP_SOURCE ? reader.readLong() : 0;
        final long probeLimit = format >= FORMAT_WITH_BALANCE_PROBE_LIMIT ? reader.readLong() : 0;
        final long sameSetLimit = format >= FORMAT_WITH_HOME_SAME_SET_LIMIT ? reader.readLong() : 0;
        if (keys < 0 || keys > keysMax || binding < BINDING_MERCHANT || binding > BINDING_ALL || !isBit(shortfall) ||
            !isBit(saturates) || !isBit(reissues) || !isBit(layout) || !isBit(groupSource) ||
            probeLimit < 0 || probeLimit > BalanceProbeGuard.LIMIT_MAX || sameSetLimit < 0 ||
            sameSetLimit > HOME_SAME_SET_LIMIT_MAX)
        {
            throw new IllegalStateException("snapshot engine settings out of range: merchant keys " + keys +
                ", terminal binding " + binding + ", refund shortfall " + shortfall + ", voucher expiry saturates " +
                saturates + ", refund reissues voucher " + reissues + ", voucher layout hash " + layout +
                ", risk group source " + groupSource + ", balance probe limit " + probeLimit +
                ", home same set limit " + sameSetLimit);
        }
        merchantKeysMax = keys;
        paymentTerminalBinding = (int)binding;
        refundShortfallFromSettlement = shortfall;
        voucherExpirySaturates = saturates;
        refundReissuesVoucher = reissues;
        voucherLayoutHash = layout;
        riskGroupSource = groupSource;
        risk.groupSourceChallenger(groupSource == 1);
        balanceProbeLimit = probeLimit;
        probes.limit(probeLimit);
        homeSameSetLimit = sameSetLimit;
        risk.homeSameSetLimitRestored(sameSetLimit);
    }

    private static boolean isBit(final long value)
    {
        return value == 0 || value == 1;
    }
}
