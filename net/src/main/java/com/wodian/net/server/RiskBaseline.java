package com.wodian.net.server;

import com.wodian.engine.risk.RiskRules;
import com.wodian.protocol.CommandEncoder;
import com.wodian.protocol.sbe.EngineSetting;
import com.wodian.protocol.sbe.RiskAction;
import com.wodian.protocol.sbe.RiskMode;
import org.agrona.MutableDirectBuffer;

/**
 * The recommended risk baseline that {@code wodian server} journals on a new data directory (security review
 * 2026-12-05 B4, docs/security.md "Risk baseline"): the engine's own defaults stay off (old journals replay as
 * before), but a new deployment starts with the rules that bound what one stolen terminal secret can do. Rules 1
 * (consumer velocity), 2 (terminal velocity), 4 (daily limit) and 12 (terminal failures) ENFORCE with their tuned
 * thresholds, {@code MERCHANT_KEYS_MAX} at a twentieth of the key table (operations.md, section 11),
 * Confirm/Cancel bound to the Try's terminal ({@code PAYMENT_TERMINAL_BINDING} 1), and at most 6 balance probes of a
 * consumer per merchant in 24 hours ({@code BALANCE_PROBE_LIMIT}, security review A2). Each is an ordinary admin
 * command, journaled like one.
 */
public final class RiskBaseline
{
    public static final String RECOMMENDED = "recommended";
    public static final String NONE = "none";
    /** The rules switched to ENFORCE, with their tuned thresholds and actions (docs/risk.md). */
    static final int[] ENFORCED_RULES = {
        RiskRules.CONSUMER_VELOCITY, RiskRules.TERMINAL_VELOCITY, RiskRules.DAILY_LIMIT, RiskRules.TERMINAL_FAILURES };
    /** One merchant may hold this share of the key table (keys made within the key retention). */
    static final long KEYS_MAX_SHARE_DIVISOR = 20;
    /** Confirm and Cancel from the Try's terminal only; refunds stay open to the merchant's service desk. */
    static final long TERMINAL_BINDING = 1;
    /**
     * Balance probes (a Try or Pay refused for funds, a Try not confirmed, a Refund) one merchant may make of a
     * consumer in 24 hours: a till's two or three retries of a refused payment and a cancelled Try or a refund leave
     * room; a binary search of a balance (20-30 probes) gets 6 answers a day.
     */
    static final long BALANCE_PROBE_LIMIT = 6;
    /** Commands in the baseline: one per rule, then the key quota, the binding and the probe limit. */
    static final int COMMAND_COUNT = ENFORCED_RULES.length + 3;

    private RiskBaseline()
    {
    }

    /** The per-merchant key quota for a key table of {@code keysMax} keys. */
    static long merchantKeysMax(final long keysMax)
    {
        return Math.max(1, keysMax / KEYS_MAX_SHARE_DIVISOR);
    }

    /** Encodes the baseline's command {@code index} (0 to {@link #COMMAND_COUNT} - 1); returns its length. */
    static int encode(final int index, final CommandEncoder encoder, final MutableDirectBuffer buffer,
        final long keysMax)
    {
        if (index < ENFORCED_RULES.length)
        {
            final int ruleId = ENFORCED_RULES[index];
            final long[] tuned = RiskRules.defaults(ruleId);
            return encoder.setRiskRule(buffer, 0, 0, ruleId, RiskMode.ENFORCE, RiskAction.get((short)tuned[0]),
                tuned[1], tuned[2], tuned[3]);
        }
        if (index == ENFORCED_RULES.length)
        {
            return encoder.setEngineSetting(buffer, 0, EngineSetting.MERCHANT_KEYS_MAX, merchantKeysMax(keysMax));
        }
        if (index == ENFORCED_RULES.length + 1)
        {
            return encoder.setEngineSetting(buffer, 0, EngineSetting.PAYMENT_TERMINAL_BINDING, TERMINAL_BINDING);
        }
        return encoder.setEngineSetting(buffer, 0, EngineSetting.BALANCE_PROBE_LIMIT, BALANCE_PROBE_LIMIT);
    }

    /** For the log: what the baseline sets. */
    static String describe(final long keysMax)
    {
        return "risk rules 1, 2, 4, 12 ENFORCE (tuned thresholds), MERCHANT_KEYS_MAX " + merchantKeysMax(keysMax) +
            ", PAYMENT_TERMINAL_BINDING " + TERMINAL_BINDING + ", BALANCE_PROBE_LIMIT " + BALANCE_PROBE_LIMIT;
    }
}
