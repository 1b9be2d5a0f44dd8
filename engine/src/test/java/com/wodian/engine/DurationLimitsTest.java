package com.wodian.engine;

import com.wodian.protocol.sbe.ResultCode;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Durations in the limits are at most 100 years (fuzz-review finding 6): Long.MAX_VALUE as "keep keys for ever" made
 * finishedAt + retention wrap, every finished key was forgettable at once, a full key table forgot instead of
 * answering LIMIT_KEYS and a retried Pay was charged twice. The longest allowed retention keeps keys as meant.
 */
class DurationLimitsTest
{
    @Test
    void durationsPastOneHundredYearsAreRefused()
    {
        assertEquals(3_153_600_000_000L, EngineConfig.DURATION_MS_MAX);
        final EngineConfig config = EngineConfig.small();
        assertThrows(IllegalArgumentException.class, () -> config.keyRetentionMs(Long.MAX_VALUE));
        assertThrows(IllegalArgumentException.class, () -> config.ttlMsMax(Long.MAX_VALUE));
        assertThrows(IllegalArgumentException.class, () -> config.distributionVoucherValidityMs(Long.MAX_VALUE));
        assertThrows(IllegalArgumentException.class, () -> config.keyRetentionMs(EngineConfig.DURATION_MS_MAX + 1));
        config.keyRetentionMs(EngineConfig.DURATION_MS_MAX).ttlMsMax(EngineConfig.DURATION_MS_MAX)
            .distributionVoucherValidityMs(EngineConfig.DURATION_MS_MAX);
    }

    @Test
    void theLongestRetentionKeepsEveryKeyAndARetriedPayIsNotChargedTwice()
    {
        final EngineDriver d = new EngineDriver(EngineConfig.small().keysMax(8)
            .keyRetentionMs(EngineConfig.DURATION_MS_MAX));
        d.merchant(1, 10, 500, 200, 100, true);
        d.terminal(11, 1);
        d.consumer(100, 1);
        d.topUp(100, 1, 1_000_000);
        int paid = 0;
        for (int paymentId = 1; paymentId <= 10; paymentId++)
        {
            d.advanceMs(1_000);
            if (d.pay(1, 11, paymentId, 100, 1_000) == ResultCode.OK)
            {
                paid++;
            }
        }
        assertEquals(ResultCode.LIMIT_KEYS, d.code(), "a full table refuses, it does not forget");
        final long wallet = d.wallet(100);
        assertEquals(ResultCode.OK, d.pay(1, 11, 1, 100, 1_000), "the retry is answered from its key");
        assertEquals(wallet, d.wallet(100), "and not charged again");
        assertEquals(1_000_000 - paid * 1_000L, wallet);
    }
}
