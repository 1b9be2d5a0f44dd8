package com.wodian.engine;

import com.wodian.protocol.sbe.EngineSetting;
import com.wodian.protocol.sbe.ResultCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

/**
 * The per-merchant key quota (engine setting MERCHANT_KEYS_MAX, security review item 1): one merchant's terminals
 * cannot fill the shared key table, keys just below the quota are taken and the one just above is refused with
 * LIMIT_MERCHANT_KEYS (not recorded), keys count until they have been finished for the key retention, and the
 * default (off) is today's behaviour.
 */
class KeyQuotaTest
{
    private static final long M1 = 1;
    private static final long M2 = 2;
    private static final long T11 = 11;
    private static final long T21 = 21;
    private static final long C1 = 1001;
    private static final long RETENTION_MS = 60_000;
    private static final int KEYS_MAX = 64;

    private EngineDriver d;

    @BeforeEach
    void setUp()
    {
        d = new EngineDriver(EngineConfig.small().keysMax(KEYS_MAX).keyRetentionMs(RETENTION_MS));
        assertEquals(ResultCode.OK, d.merchant(M1, 10, 500, 0, 100, false));
        assertEquals(ResultCode.OK, d.merchant(M2, 10, 500, 0, 100, false));
        assertEquals(ResultCode.OK, d.terminal(T11, M1));
        assertEquals(ResultCode.OK, d.terminal(T21, M2));
        assertEquals(ResultCode.OK, d.consumer(C1, 0));
        assertEquals(ResultCode.OK, d.topUp(C1, 1, 1_000_000));
    }

    @AfterEach
    void invariants()
    {
        d.engine.verifyInvariants();
    }

    /**
     * The attack of the review: one terminal makes empty rollbacks until the shared table is full. Without the quota
     * every merchant then gets LIMIT_KEYS; with it, only the attacking merchant is refused. Fails on the code before
     * the quota (there the other merchant gets LIMIT_KEYS).
     */
    @Test
    void oneTerminalCannotFillTheSharedKeyTable()
    {
        assertEquals(ResultCode.OK, d.setting(EngineSetting.MERCHANT_KEYS_MAX, KEYS_MAX / 4));
        ResultCode last = ResultCode.OK_EMPTY_ROLLBACK;
        int rollbacks = 0;
        for (long paymentId = 1; paymentId <= KEYS_MAX && last == ResultCode.OK_EMPTY_ROLLBACK; paymentId++)
        {
            last = d.cancel(M1, T11, paymentId);
            rollbacks += last == ResultCode.OK_EMPTY_ROLLBACK ? 1 : 0;
        }
        assertEquals(ResultCode.LIMIT_MERCHANT_KEYS, last);
        assertEquals(KEYS_MAX / 4, rollbacks);
        for (long paymentId = 1; paymentId <= KEYS_MAX / 4; paymentId++)
        {
            assertEquals(ResultCode.OK, d.pay(M2, T21, paymentId, C1, 100), "another merchant pays on");
        }
    }

    /** Control: with the setting at its default the same attack leaves every merchant with LIMIT_KEYS, as before. */
    @Test
    void withoutTheQuotaTheAttackFillsTheTableAsBefore()
    {
        for (long paymentId = 1; paymentId <= KEYS_MAX; paymentId++)
        {
            d.cancel(M1, T11, paymentId);
        }
        assertEquals(ResultCode.LIMIT_KEYS, d.pay(M2, T21, 1, C1, 100));
    }

    @Test
    void justBelowTheQuotaIsTakenJustAboveIsRefusedAndNotRecorded()
    {
        assertEquals(ResultCode.OK, d.setting(EngineSetting.MERCHANT_KEYS_MAX, 3));
        assertEquals(ResultCode.OK, d.pay(M1, T11, 1, C1, 100));
        assertEquals(ResultCode.INSUFFICIENT_FUNDS, d.pay(M1, T11, 2, C1, 99_000_000));   // a refusal counts
        assertEquals(ResultCode.OK, d.refund(M1, T11, 1, 1, 50));                           // 3rd: the quota
        assertEquals(ResultCode.LIMIT_MERCHANT_KEYS, d.pay(M1, T11, 3, C1, 100));
        assertEquals(ResultCode.LIMIT_MERCHANT_KEYS, d.tryPay(M1, T11, 3, C1, 100, 1_000));
        assertEquals(ResultCode.LIMIT_MERCHANT_KEYS, d.cancel(M1, T11, 4));
        assertEquals(ResultCode.LIMIT_MERCHANT_KEYS, d.refund(M1, T11, 1, 2, 10));
        // Keys already held are answered as before: a repeat is not a new key.
        assertEquals(ResultCode.OK, d.pay(M1, T11, 1, C1, 100));
        assertEquals(ResultCode.INSUFFICIENT_FUNDS, d.pay(M1, T11, 2, C1, 99_000_000));
        assertEquals(ResultCode.OK, d.refund(M1, T11, 1, 1, 50));
        // Not recorded: with room again the same key is decided afresh.
        assertEquals(ResultCode.OK, d.setting(EngineSetting.MERCHANT_KEYS_MAX, 4));
        assertEquals(ResultCode.OK, d.pay(M1, T11, 3, C1, 100));
        assertEquals(ResultCode.LIMIT_MERCHANT_KEYS, d.cancel(M1, T11, 4));
    }

    @Test
    void redemptionsCountToo()
    {
        assertEquals(ResultCode.OK, d.rules(M1, 10, 500, 0, 100, false,
            com.wodian.protocol.sbe.DistributionMode.VOUCHER, 1_000_000, 100, 60_000));
        assertEquals(ResultCode.OK, d.setting(EngineSetting.MERCHANT_KEYS_MAX, 1));
        assertEquals(ResultCode.INSUFFICIENT_POINTS, d.redeem(C1, M1, 1));
        assertEquals(ResultCode.LIMIT_MERCHANT_KEYS, d.redeem(C1, M1, 2));
        assertEquals(ResultCode.INSUFFICIENT_POINTS, d.redeem(C1, M1, 1), "the held key is answered as before");
    }

    /** A key counts until it has been finished for the key retention: just before it, still refused; at it, taken. */
    @Test
    void keysStopCountingWhenTheirRetentionHasPassed()
    {
        assertEquals(ResultCode.OK, d.setting(EngineSetting.MERCHANT_KEYS_MAX, 2));
        assertEquals(ResultCode.OK_EMPTY_ROLLBACK, d.cancel(M1, T11, 1));
        d.advanceMs(10);
        assertEquals(ResultCode.OK_EMPTY_ROLLBACK, d.cancel(M1, T11, 2));
        d.advanceMs(RETENTION_MS - 11);
        assertEquals(ResultCode.LIMIT_MERCHANT_KEYS, d.cancel(M1, T11, 3), "1 ms before the first key's retention");
        d.advanceMs(1);
        assertEquals(ResultCode.OK_EMPTY_ROLLBACK, d.cancel(M1, T11, 3), "the first key's retention has passed");
        assertEquals(ResultCode.LIMIT_MERCHANT_KEYS, d.cancel(M1, T11, 4), "the second still counts");
        assertEquals(ResultCode.TRY_AFTER_CANCEL, d.tryPay(M1, T11, 1, C1, 100, 1_000),
            "past the retention the key no longer counts, but it is still remembered");
    }

    /** A live hold's key counts while it lives and for the retention after it ends. */
    @Test
    void aLiveHoldCountsUntilItsRetentionAfterItEnds()
    {
        assertEquals(ResultCode.OK, d.setting(EngineSetting.MERCHANT_KEYS_MAX, 1));
        assertEquals(ResultCode.OK, d.tryPay(M1, T11, 1, C1, 100, 1_000));
        d.advanceMs(RETENTION_MS);
        assertEquals(ResultCode.LIMIT_MERCHANT_KEYS, d.pay(M1, T11, 2, C1, 100), "the hold expired only now");
        d.advanceMs(RETENTION_MS);
        assertEquals(ResultCode.OK, d.pay(M1, T11, 2, C1, 100));
    }

    /** Keys made while the quota was off never count: turning it on needs no pass over the table. */
    @Test
    void keysMadeBeforeTheQuotaDoNotCount()
    {
        for (long paymentId = 1; paymentId <= 5; paymentId++)
        {
            assertEquals(ResultCode.OK_EMPTY_ROLLBACK, d.cancel(M1, T11, paymentId));
        }
        assertEquals(ResultCode.OK, d.setting(EngineSetting.MERCHANT_KEYS_MAX, 1));
        assertEquals(ResultCode.OK_EMPTY_ROLLBACK, d.cancel(M1, T11, 6));
        assertEquals(ResultCode.LIMIT_MERCHANT_KEYS, d.cancel(M1, T11, 7));
        assertEquals(ResultCode.OK, d.setting(EngineSetting.MERCHANT_KEYS_MAX, 0));
        assertEquals(ResultCode.OK_EMPTY_ROLLBACK, d.cancel(M1, T11, 7), "off again: no quota");
    }

    /**
     * The cursor that releases keys starts behind the keys finished before the quota counted anything, so a key
     * counted now is released when its retention has passed, not after the cursor walked the older keys (4 an input).
     */
    @Test
    void keysFinishedBeforeTheQuotaDoNotDelayTheRelease()
    {
        for (long paymentId = 1; paymentId <= 40; paymentId++)
        {
            assertEquals(ResultCode.OK_EMPTY_ROLLBACK, d.cancel(M1, T11, paymentId));
        }
        d.advanceMs(RETENTION_MS / 2);
        assertEquals(ResultCode.OK, d.setting(EngineSetting.MERCHANT_KEYS_MAX, 1));
        assertEquals(ResultCode.OK_EMPTY_ROLLBACK, d.cancel(M1, T11, 41));
        d.advanceMs(RETENTION_MS);
        assertEquals(ResultCode.OK_EMPTY_ROLLBACK, d.cancel(M1, T11, 42), "released at its retention");
    }

    /** Counted keys forgotten by the full table (before the cursor passed them) are released too. */
    @Test
    void keysForgottenByTheFullTableAreReleased()
    {
        assertEquals(ResultCode.OK, d.setting(EngineSetting.MERCHANT_KEYS_MAX, KEYS_MAX));
        long paymentId = 1;
        while (d.cancel(M1, T11, paymentId) == ResultCode.OK_EMPTY_ROLLBACK)
        {
            paymentId++;
        }
        assertEquals(ResultCode.LIMIT_KEYS, d.code(), "the table is full before the quota of " + KEYS_MAX);
        d.advanceMs(RETENTION_MS);
        // Each new key forgets the oldest; the cursor passes at most a few per input, the forgetting does the rest.
        for (int i = 0; i < KEYS_MAX; i++)
        {
            assertEquals(ResultCode.OK, d.pay(M2, T21, 1_000 + i, C1, 100));
        }
    }

    @Test
    void settingsOutOfRangeAreRefusedAndChangeNothing()
    {
        final long before = d.engine.stateHashIgnoringSequence();
        assertEquals(ResultCode.SETTING_INVALID, d.setting(EngineSetting.MERCHANT_KEYS_MAX, KEYS_MAX + 1));
        assertEquals(ResultCode.SETTING_INVALID, d.setting(EngineSetting.MERCHANT_KEYS_MAX, -1));
        assertEquals(ResultCode.SETTING_INVALID, d.setting(EngineSetting.PAYMENT_TERMINAL_BINDING, 3));
        assertEquals(ResultCode.SETTING_INVALID, d.setting(EngineSetting.PAYMENT_TERMINAL_BINDING, -1));
        assertEquals(before, d.engine.stateHashIgnoringSequence());
        assertEquals(ResultCode.OK, d.setting(EngineSetting.MERCHANT_KEYS_MAX, KEYS_MAX));
        assertNotEquals(before, d.engine.stateHashIgnoringSequence(), "a setting is state");
        assertEquals(ResultCode.OK, d.setting(EngineSetting.MERCHANT_KEYS_MAX, 0));
        assertEquals(before, d.engine.stateHashIgnoringSequence(), "back at the default: the hash of before");
    }
}
