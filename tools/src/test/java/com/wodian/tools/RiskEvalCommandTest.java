package com.wodian.tools;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code wodian risk-eval}: the same seed gives the same decisions and the same engine state hash (determinism under
 * replay of the same inputs), shadow mode declines nothing, and every abuse kind gets a row.
 */
class RiskEvalCommandTest
{
    @Test
    void sameSeedSameDecisionsAndShadowDeclinesNothing()
    {
        final CliTest.Run first = CliTest.wodian("risk-eval", "--seed", "7", "--consumers", "2000");
        final CliTest.Run again = CliTest.wodian("risk-eval", "--seed", "7", "--consumers", "2000");
        assertEquals(0, first.exitCode(), first.out());
        assertEquals(first.out(), again.out(), "a replay of the same inputs reaches the same decisions and state");
        for (final String kind : new String[]{"SPREE", "TAKEOVER_LARGE", "NEW_ACCOUNT_CASHOUT", "BRUSHING",
            "REFUND_CYCLING", "CIRCULAR_FLOW", "TERMINAL_ATTACK", "ALL"})
        {
            assertTrue(first.out().contains("\n" + kind + " "), kind + " row in\n" + first.out());
        }
        assertTrue(first.out().contains("abuse episodes intercepted"), first.out());

        final CliTest.Run shadow = CliTest.wodian("risk-eval", "--seed", "7", "--consumers", "2000", "--mode",
            "shadow");
        assertEquals(0, shadow.exitCode(), shadow.out());
        assertTrue(shadow.out().contains("declined by risk: 0\n"), shadow.out());
    }
}
