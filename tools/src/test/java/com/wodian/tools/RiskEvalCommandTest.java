package com.wodian.tools;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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

    @Test
    void anEngineSettingIsSentBeforeTheWorldAndAnUnknownOneIsRefused()
    {
        final String[] world = {"risk-eval", "--world", "workload", "--seeds", "7", "--consumers", "2000"};
        final CliTest.Run plain = CliTest.wodian(world);
        final CliTest.Run set = CliTest.wodian(concat(world, "--engine-setting", "BALANCE_PROBE_LIMIT=1000"));
        assertEquals(0, plain.exitCode(), plain.out());
        assertEquals(0, set.exitCode(), set.out());
        assertTrue(set.out().contains(", engine settings [BALANCE_PROBE_LIMIT=1000]\n"), set.out());
        assertNotEquals(stateHashLine(plain.out()), stateHashLine(set.out()),
            "a setting away from its default is engine state: the run's state hash folds it");

        final CliTest.Run unknown = CliTest.wodian(concat(world, "--engine-setting", "NO_SUCH_SETTING=1"));
        assertEquals(WodianMain.EXIT_USAGE, unknown.exitCode(), unknown.out());
        final CliTest.Run notANumber = CliTest.wodian(concat(world, "--engine-setting", "BALANCE_PROBE_LIMIT=x"));
        assertEquals(WodianMain.EXIT_USAGE, notANumber.exitCode(), notANumber.out());
    }

    private static String[] concat(final String[] head, final String... tail)
    {
        final String[] all = java.util.Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, all, head.length, tail.length);
        return all;
    }

    private static String stateHashLine(final String out)
    {
        final int at = out.indexOf("state hash ");
        assertTrue(at >= 0, out);
        return out.substring(at, out.indexOf('\n', at));
    }
}
