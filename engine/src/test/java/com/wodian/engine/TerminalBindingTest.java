package com.wodian.engine;

import com.wodian.protocol.sbe.EngineSetting;
import com.wodian.protocol.sbe.PaymentState;
import com.wodian.protocol.sbe.ResultCode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Confirm, Cancel and Refund bound to the payment's terminal (engine setting PAYMENT_TERMINAL_BINDING, security
 * review item 13). Default 0: any terminal of the merchant, as before; 1: Confirm and Cancel only from the Try's
 * terminal; 2: Refund too. A refusal is TERMINAL_NOT_OF_PAYMENT, not recorded, and tells nothing about the payment.
 */
class TerminalBindingTest
{
    private static final long M1 = 1;
    private static final long M2 = 2;
    private static final long T11 = 11;
    private static final long T12 = 12;
    private static final long T21 = 21;
    private static final long C1 = 1001;

    private EngineDriver d;

    @BeforeEach
    void setUp()
    {
        d = new EngineDriver(EngineConfig.small());
        assertEquals(ResultCode.OK, d.merchant(M1, 10, 500, 0, 100, false));
        assertEquals(ResultCode.OK, d.merchant(M2, 10, 500, 0, 100, false));
        assertEquals(ResultCode.OK, d.terminal(T11, M1));
        assertEquals(ResultCode.OK, d.terminal(T12, M1));
        assertEquals(ResultCode.OK, d.terminal(T21, M2));
        assertEquals(ResultCode.OK, d.consumer(C1, 0));
        assertEquals(ResultCode.OK, d.topUp(C1, 1, 1_000_000));
    }

    @AfterEach
    void invariants()
    {
        d.engine.verifyInvariants();
    }

    @Test
    void byDefaultAnyTerminalOfTheMerchantMayFinishThePayment()
    {
        assertEquals(ResultCode.OK, d.tryPay(M1, T11, 1, C1, 1_000, 60_000));
        assertEquals(ResultCode.OK, d.confirm(M1, T12, 1));
        assertEquals(ResultCode.OK, d.refund(M1, T12, 1, 1, 100));
        assertEquals(ResultCode.TERMINAL_NOT_OF_MERCHANT, d.confirm(M1, T21, 1), "another merchant's: as before");
    }

    /** Fails on the code before the setting: there T12 confirms T11's hold. */
    @Test
    void boundConfirmAndCancelComeOnlyFromTheTrysTerminal()
    {
        assertEquals(ResultCode.OK, d.setting(EngineSetting.PAYMENT_TERMINAL_BINDING, 1));
        assertEquals(ResultCode.OK, d.tryPay(M1, T11, 1, C1, 1_000, 60_000));
        assertEquals(ResultCode.TERMINAL_NOT_OF_PAYMENT, d.confirm(M1, T12, 1));
        assertEquals(ResultCode.TERMINAL_NOT_OF_PAYMENT, d.cancel(M1, T12, 1));
        assertEquals(PaymentState.HELD, d.status(M1, 1).state(), "the refusals changed nothing");
        assertEquals(ResultCode.OK, d.confirm(M1, T11, 1));
        assertEquals(ResultCode.TERMINAL_NOT_OF_PAYMENT, d.confirm(M1, T12, 1), "a repeat from elsewhere too");
        assertEquals(ResultCode.OK, d.refund(M1, T12, 1, 1, 100), "binding 1 leaves refunds to the merchant");
        // A Pay: the other terminal is refused before it could learn that the payment was single-phase.
        assertEquals(ResultCode.OK, d.pay(M1, T11, 2, C1, 500));
        assertEquals(ResultCode.TERMINAL_NOT_OF_PAYMENT, d.cancel(M1, T12, 2));
        assertEquals(ResultCode.NOT_TWO_PHASE, d.cancel(M1, T11, 2));
        // Never tried: the Cancel is an empty rollback, recorded with its terminal and bound to it.
        assertEquals(ResultCode.OK_EMPTY_ROLLBACK, d.cancel(M1, T12, 3));
        assertEquals(ResultCode.TERMINAL_NOT_OF_PAYMENT, d.cancel(M1, T11, 3));
        assertEquals(ResultCode.OK_EMPTY_ROLLBACK, d.cancel(M1, T12, 3));
    }

    @Test
    void boundRefundsComeOnlyFromThePaymentsTerminal()
    {
        assertEquals(ResultCode.OK, d.pay(M1, T11, 1, C1, 1_000));
        assertEquals(ResultCode.OK, d.refund(M1, T11, 1, 1, 100));
        assertEquals(ResultCode.OK, d.setting(EngineSetting.PAYMENT_TERMINAL_BINDING, 2));
        assertEquals(ResultCode.TERMINAL_NOT_OF_PAYMENT, d.refund(M1, T12, 1, 2, 100));
        assertEquals(ResultCode.TERMINAL_NOT_OF_PAYMENT, d.refund(M1, T12, 1, 1, 100),
            "a repeat of a refund from another terminal learns nothing either");
        assertEquals(ResultCode.OK, d.refund(M1, T11, 1, 1, 100), "the first refund's repeat");
        assertEquals(ResultCode.OK, d.refund(M1, T11, 1, 2, 100), "not recorded: the key is free for the terminal");
        assertEquals(ResultCode.PAYMENT_NOT_FOUND, d.refund(M1, T12, 99, 3, 100), "no payment: as before");
        assertEquals(200, d.status(M1, 1).refundedFen());
    }

    @Test
    void backToZeroRestoresTheMerchantWideRule()
    {
        assertEquals(ResultCode.OK, d.setting(EngineSetting.PAYMENT_TERMINAL_BINDING, 2));
        assertEquals(ResultCode.OK, d.tryPay(M1, T11, 1, C1, 1_000, 60_000));
        assertEquals(ResultCode.TERMINAL_NOT_OF_PAYMENT, d.confirm(M1, T12, 1));
        assertEquals(ResultCode.OK, d.setting(EngineSetting.PAYMENT_TERMINAL_BINDING, 0));
        assertEquals(ResultCode.OK, d.confirm(M1, T12, 1));
    }
}
