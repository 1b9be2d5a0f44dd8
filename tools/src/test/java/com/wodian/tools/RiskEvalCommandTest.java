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

    /**
     * {@code --second-model} loads a model into the SECOND slot beside {@code --model}: at a decline score nothing
     * reaches, the decisions are the active model's alone (the slot is loaded: only the state hash differs); at one
     * everything reaches, every legitimate payment is declined too (rule 14 is the OR of the two).
     */
    @Test
    void aSecondModelDeclinesBesideTheActiveOne(@org.junit.jupiter.api.io.TempDir final java.nio.file.Path dir)
        throws java.io.IOException
    {
        final java.nio.file.Path file = dir.resolve("model-v24.txt");
        try (java.io.InputStream in = RiskEvalCommandTest.class.getResourceAsStream(
            "/com/wodian/perf/riskmodel/model-v24.txt"))
        {
            java.nio.file.Files.copy(in, file);
        }
        final String[] world = {"risk-eval", "--world", "workload", "--seeds", "7", "--consumers", "2000", "--model",
            file.toString()};
        final CliTest.Run plain = CliTest.wodian(world);
        final CliTest.Run unreachable = CliTest.wodian(concat(world, "--second-model", file.toString(),
            "--second-decline-score", String.valueOf(Integer.MAX_VALUE)));
        final CliTest.Run everything = CliTest.wodian(concat(world, "--second-model", file.toString(),
            "--second-decline-score", String.valueOf(-2_000_000_000)));
        assertEquals(0, plain.exitCode(), plain.out());
        assertEquals(0, unreachable.exitCode(), unreachable.out());
        assertEquals(0, everything.exitCode(), everything.out());
        assertTrue(unreachable.out().contains(", second " + file + " (version 24, decline at 2147483647)\n"),
            unreachable.out());
        assertEquals(scorecard(plain.out()), scorecard(unreachable.out()),
            "nothing reached: the active model's decisions");
        assertNotEquals(stateHashLine(plain.out()), stateHashLine(unreachable.out()), "a loaded slot is engine state");
        assertTrue(!plain.out().contains("legitimate payments declined (FPR): 8925 of 8925") &&
            everything.out().contains("legitimate payments declined (FPR): 8925 of 8925 = 100.00%"), everything.out());
    }

    /** The run's lines between its header and its state hash. */
    private static String scorecard(final String out)
    {
        return out.substring(out.indexOf('\n') + 1, out.indexOf("state hash "));
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
