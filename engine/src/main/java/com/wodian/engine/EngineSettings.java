package com.wodian.engine;

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

    private final long keysMax;
    /** Keys one merchant may hold made within the key retention; 0: no quota (the default). */
    private long merchantKeysMax;
    private int paymentTerminalBinding = BINDING_MERCHANT;
    /** Whether a refund's pool or alliance shortfall is taken from the selling merchant's settlement (1) or refused. */
    private long refundShortfallFromSettlement;

    EngineSettings(final long keysMax)
    {
        this.keysMax = keysMax;
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
        return refundShortfallFromSettlement == 0 ? first : StateHash.fold(first, refundShortfallFromSettlement);
    }

    /** Format 14 has no REFUND_SHORTFALL_FROM_SETTLEMENT: writing it is refused unless that is at its default. */
    void writeTo(final SnapshotWriter writer, final long format)
    {
        if (format < 15 && refundShortfallFromSettlement != 0)
        {
            throw new IllegalStateException("snapshot format " + format +
                " cannot hold REFUND_SHORTFALL_FROM_SETTLEMENT");
        }
        writer.writeLong(merchantKeysMax);
        writer.writeLong(paymentTerminalBinding);
        if (format >= 15)
        {
            writer.writeLong(refundShortfallFromSettlement);
        }
    }

    /** Format 14 has no REFUND_SHORTFALL_FROM_SETTLEMENT: it is at its default there. */
    void readFrom(final SnapshotReader reader, final long format)
    {
        final long keys = reader.readLong();
        final long binding = reader.readLong();
        final long shortfall = format >= 15 ? reader.readLong() : 0;
        if (keys < 0 || keys > keysMax || binding < BINDING_MERCHANT || binding > BINDING_ALL || shortfall < 0 ||
            shortfall > 1)
        {
            throw new IllegalStateException("snapshot engine settings out of range: merchant keys " + keys +
                ", terminal binding " + binding + ", refund shortfall " + shortfall);
        }
        merchantKeysMax = keys;
        paymentTerminalBinding = (int)binding;
        refundShortfallFromSettlement = shortfall;
    }
}
