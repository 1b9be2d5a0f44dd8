package com.wodian.engine;

import com.wodian.protocol.sbe.ResultCode;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Registration rules and every declared limit: reaching one is a result code and the engine keeps working.
 */
class RegistryAndLimitsTest
{
    @Test
    void registrationIsIdempotentAndRefusesChangedFields()
    {
        final EngineDriver d = new EngineDriver(EngineConfig.small());
        assertEquals(ResultCode.OK, d.merchant(1, 10, 500, 200, 100, true));
        assertEquals(ResultCode.OK, d.merchant(1, 10, 500, 200, 100, true));
        assertEquals(ResultCode.MERCHANT_EXISTS_WITH_DIFFERENT_FIELDS, d.merchant(1, 11, 500, 200, 100, true));
        assertEquals(ResultCode.MERCHANT_EXISTS_WITH_DIFFERENT_FIELDS, d.merchant(1, 10, 500, 200, 100, false));
        assertEquals(ResultCode.OK, d.terminal(11, 1));
        assertEquals(ResultCode.OK, d.terminal(11, 1));
        assertEquals(ResultCode.OK, d.merchant(2, 0, 0, 0, 0, false));
        assertEquals(ResultCode.TERMINAL_EXISTS_WITH_DIFFERENT_FIELDS, d.terminal(11, 2));
        assertEquals(ResultCode.UNKNOWN_MERCHANT, d.terminal(12, 3));
        assertEquals(ResultCode.OK, d.consumer(100, 1));
        assertEquals(ResultCode.OK, d.consumer(100, 1));
        assertEquals(ResultCode.CONSUMER_EXISTS_WITH_DIFFERENT_FIELDS, d.consumer(100, 2));
        assertEquals(ResultCode.UNKNOWN_HOME_MERCHANT, d.consumer(101, 3));
        assertEquals(ResultCode.INVALID_ID, d.consumer(0, 0));
        assertEquals(ResultCode.INVALID_ID, d.merchant(-1, 0, 0, 0, 0, false));
        assertEquals(2, d.engine.merchantCount());
        assertEquals(1, d.engine.consumerCount());
    }

    @Test
    void ratesAreChecked()
    {
        final EngineDriver d = new EngineDriver(EngineConfig.small());
        assertEquals(ResultCode.RATE_OUT_OF_RANGE, d.merchant(1, 101, 0, 0, 0, false));
        assertEquals(ResultCode.RATE_OUT_OF_RANGE, d.merchant(1, 1, -1, 0, 0, false));
        assertEquals(ResultCode.RATE_OUT_OF_RANGE, d.merchant(1, 1, 5_000, 3_000, 2_001, false));
        assertEquals(ResultCode.OK, d.merchant(1, 100, 5_000, 3_000, 2_000, false));
    }

    @Test
    void partyLimitsAreResultCodes()
    {
        final EngineDriver d = new EngineDriver(new EngineConfig().consumersMax(2).merchantsMax(1).terminalsMax(1)
            .holdsMax(4).keysMax(16));
        assertEquals(ResultCode.OK, d.merchant(1, 0, 0, 0, 0, false));
        assertEquals(ResultCode.LIMIT_MERCHANTS, d.merchant(2, 0, 0, 0, 0, false));
        assertEquals(ResultCode.OK, d.terminal(11, 1));
        assertEquals(ResultCode.LIMIT_TERMINALS, d.terminal(12, 1));
        assertEquals(ResultCode.OK, d.consumer(100, 0));
        assertEquals(ResultCode.OK, d.consumer(101, 0));
        assertEquals(ResultCode.LIMIT_CONSUMERS, d.consumer(102, 0));
        d.engine.verifyInvariants();
    }

    @Test
    void liveHoldsLimitIsAResultCodeAndFreesUpWhenHoldsEnd()
    {
        final EngineDriver d = new EngineDriver(new EngineConfig().consumersMax(8).merchantsMax(2).terminalsMax(2)
            .holdsMax(2).keysMax(64));
        d.merchant(1, 0, 0, 0, 0, false);
        d.terminal(11, 1);
        d.consumer(100, 0);
        d.topUp(100, 1, 10_000);
        assertEquals(ResultCode.OK, d.tryPay(1, 11, 1, 100, 10, 60_000));
        assertEquals(ResultCode.OK, d.tryPay(1, 11, 2, 100, 10, 60_000));
        assertEquals(ResultCode.LIMIT_HOLDS, d.tryPay(1, 11, 3, 100, 10, 60_000));
        assertEquals(ResultCode.OK, d.pay(1, 11, 4, 100, 10), "single-phase payments need no hold");
        assertEquals(ResultCode.OK, d.cancel(1, 11, 1));
        assertEquals(ResultCode.OK, d.tryPay(1, 11, 3, 100, 10, 60_000), "not recorded: the retry works");
        d.engine.verifyInvariants();
    }

    @Test
    void keysAreForgottenOldestFirstOnlyAfterRetentionAndNeverWhileLive()
    {
        final long retentionMs = 10_000;
        final EngineDriver d = new EngineDriver(new EngineConfig().consumersMax(8).merchantsMax(2).terminalsMax(2)
            .holdsMax(8).keysMax(4).keyRetentionMs(retentionMs));
        d.merchant(1, 0, 0, 0, 0, false);
        d.terminal(11, 1);
        d.consumer(100, 0);
        assertEquals(ResultCode.OK, d.topUp(100, 1, 10_000));          // key 1 (finished)
        assertEquals(ResultCode.OK, d.tryPay(1, 11, 1, 100, 10, 60_000)); // key 2 (live hold)
        assertEquals(ResultCode.OK, d.pay(1, 11, 2, 100, 10));            // key 3 (finished)
        assertEquals(ResultCode.OK, d.pay(1, 11, 3, 100, 10));            // key 4 (finished)
        assertEquals(ResultCode.LIMIT_KEYS, d.pay(1, 11, 4, 100, 10), "full and nothing old enough to forget");
        assertEquals(ResultCode.OK, d.pay(1, 11, 2, 100, 10), "recent keys still answer");

        d.advanceMs(retentionMs);
        assertEquals(ResultCode.OK, d.pay(1, 11, 4, 100, 10), "the top-up key, oldest, made room");
        assertEquals(ResultCode.OK, d.pay(1, 11, 5, 100, 10), "payment 2 made room");
        assertEquals(ResultCode.OK, d.pay(1, 11, 6, 100, 10), "payment 3 made room");
        assertEquals(ResultCode.LIMIT_KEYS, d.pay(1, 11, 7, 100, 10), "the live hold is never forgotten");
        assertEquals(ResultCode.OK, d.confirm(1, 11, 1));
        assertEquals(4, d.engine.rememberedKeyCount());
        assertEquals(ResultCode.LIMIT_KEYS, d.topUp(100, 1, 10_000), "all four keys finished too recently");
        d.advanceMs(retentionMs);
        assertEquals(ResultCode.OK, d.topUp(100, 1, 10_000), "the forgotten top-up reference applies again");
        d.engine.verifyInvariants();
    }

    @Test
    void keyTableSurvivesHeavyChurn()
    {
        final EngineDriver d = new EngineDriver(new EngineConfig().consumersMax(8).merchantsMax(2).terminalsMax(2)
            .holdsMax(8).keysMax(1_000).keyRetentionMs(0));
        d.merchant(1, 0, 0, 0, 0, false);
        d.terminal(11, 1);
        d.consumer(100, 0);
        assertEquals(ResultCode.OK, d.topUp(100, 1, 100_000_000L));
        for (int i = 1; i <= 50_000; i++)
        {
            d.advanceMs(1);
            assertEquals(ResultCode.OK, d.pay(1, 11, i, 100, 10));
            if (i > 500)
            {
                assertEquals(ResultCode.OK, d.pay(1, 11, i - 500, 100, 10), "recent keys are found after churn");
            }
        }
        assertEquals(1_000, d.engine.rememberedKeyCount());
        d.engine.verifyInvariants();
    }
}
