package com.wodian.tools;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@code wodian risk-train} then {@code wodian risk-eval --model}: the model file is written, loaded through
 * SetRiskModel and enforced; the same inputs give the same scorecard and state hash; the scorecard has a row per
 * abuse kind, precision, FPR per trade and groups stopped.
 */
class RiskTrainCommandTest
{
    @TempDir
    Path dir;

    /** Holds {@link #model12}, which two tests start from: trained once per class, not once per test (rev R20). */
    @TempDir
    static Path sharedDir;

    /** A one-pass 12-tree model on the 1,000-consumer workload: the group source and the early exit's model. */
    private static Path model12;

    @BeforeAll
    static void trainTheSharedModel()
    {
        model12 = sharedDir.resolve("model12.txt");
        final CliTest.Run train = CliTest.wodian("risk-train", "--world", "workload", "--consumers", "1000",
            "--train-seeds", "1", "--tune-seeds", "2", "--trees", "12", "--out", model12.toString());
        assertEquals(0, train.exitCode(), train.out());
    }

    @Test
    void trainedModelIsLoadedEnforcedAndDeterministic() throws Exception
    {
        final Path model = dir.resolve("model.txt");
        final CliTest.Run train = CliTest.wodian("risk-train", "--world", "workload", "--consumers", "1000",
            "--train-seeds", "1", "--tune-seeds", "2", "--trees", "20", "--out", model.toString());
        assertEquals(0, train.exitCode(), train.out());
        assertTrue(Files.readString(model).startsWith("wodian-risk-model 1\n"), Files.readString(model));

        final String[] eval = {"risk-eval", "--world", "workload", "--consumers", "1000", "--seeds", "3", "--model",
            model.toString()};
        final CliTest.Run first = CliTest.wodian(eval);
        final CliTest.Run again = CliTest.wodian(eval);
        assertEquals(0, first.exitCode(), first.out());
        assertEquals(first.out(), again.out(), "same inputs, same model: same decisions and state hash");
        for (final String row : new String[]{"\nSPREE ", "\nALL ", "\nprecision:", "FPR per trade:",
            "abuse groups stopped", "decline at "})
        {
            assertTrue(first.out().contains(row), row + " in\n" + first.out());
        }
    }

    /**
     * Per-trade decline scores and the second pass: the model has the first model's trees, a marker, more trees. Its
     * evaluation loads it a second time as the challenger that fills the group features (RISK_GROUP_SOURCE).
     */
    @Test
    void twoPassPerTradeModel() throws Exception
    {
        final Path model = dir.resolve("model2.txt");
        final CliTest.Run train = CliTest.wodian("risk-train", "--world", "workload", "--consumers", "1000",
            "--train-seeds", "1", "--tune-seeds", "2", "--trees", "12", "--two-pass", "--first-trees", "6",
            "--per-trade", "--careful-weight", "2", "--out", model.toString());
        assertEquals(0, train.exitCode(), train.out());
        assertTrue(train.out().contains("second pass"), train.out());
        final String[] lines = Files.readString(model).split("\n");
        final long trees = java.util.Arrays.stream(lines).filter(line -> line.startsWith("tree ")).count();
        assertTrue(trees >= 12 && trees <= 12 + 15, "first 6, marker, 5 more, per-trade offsets: " + trees);
        assertTrue(lines[4 + 6].startsWith("tree 53 "), "the marker tree after the first model's: " + lines[4 + 6]);
        final CliTest.Run eval = CliTest.wodian("risk-eval", "--world", "workload", "--consumers", "1000",
            "--seeds", "3", "--model", model.toString(), "--group-source", model.toString());
        assertEquals(0, eval.exitCode(), eval.out());
        assertTrue(eval.out().contains("group source " + model), eval.out());
    }

    /**
     * A model trained for RISK_GROUP_SOURCE 1: the worlds run with the source enforced, every tree may read the group
     * features it fills, and the model never flags; evaluated with the source as the challenger. The source is the
     * class's shared model and the worlds are one day long (the other tests' are three), so this costs one short
     * training and one evaluation; without {@code --group-source} the written model flags, which the flag score line
     * catches.
     */
    @Test
    void modelTrainedForAGroupSource() throws Exception
    {
        final Path model = dir.resolve("for-source.txt");
        final CliTest.Run train = CliTest.wodian("risk-train", "--world", "workload", "--consumers", "1000",
            "--days", "1", "--train-seeds", "1", "--tune-seeds", "2", "--trees", "12", "--group-source",
            model12.toString(), "--version", "7", "--out", model.toString());
        assertEquals(0, train.exitCode(), train.out());
        assertTrue(train.out().contains("group source " + model12), train.out());
        final String[] lines = Files.readString(model).split("\n");
        assertEquals("flagScore " + Integer.MAX_VALUE, lines[3]);
        assertEquals(12, java.util.Arrays.stream(lines).filter(line -> line.startsWith("tree ")).count());
        // The worlds ran with the source enforced: only then are the group features (53-56, filled from the active
        // model's scores) other than 0, so only then can a tree split on one (7 of these 12 do; 0 when the source is
        // parsed but not enforced, which the lines above do not notice).
        assertTrue(java.util.Arrays.stream(lines).filter(line -> line.startsWith("tree ")).anyMatch(
            RiskTrainCommandTest::splitsOnAGroupFeature), String.join("\n", lines));
        final CliTest.Run eval = CliTest.wodian("risk-eval", "--world", "workload", "--consumers", "1000",
            "--days", "1", "--seeds", "3", "--model", model.toString(), "--group-source", model12.toString());
        assertEquals(0, eval.exitCode(), eval.out());
        assertTrue(eval.out().contains("version 7"), eval.out());
        assertEquals(2, CliTest.wodian("risk-train", "--world", "workload", "--train-seeds", "1", "--tune-seeds",
            "2", "--group-source", model12.toString(), "--two-pass", "--out", model.toString()).exitCode());
    }

    /** {@code --class-weight KIND:VARIANT=W}: by name or kind number, 1 where not named; a bad spec is a usage error. */
    @Test
    void classWeightSpecs()
    {
        final double[] weights = RiskTrainCommand.classWeights(java.util.List.of("CIRCULAR_FLOW:CAREFUL=4",
            "1:CAREFUL=2.5"));
        assertEquals(4.0, weights[2 * 4 + 2], 0.0, "CIRCULAR_FLOW is kind 2, CAREFUL variant 2");
        assertEquals(2.5, weights[4 + 2], 0.0);
        assertEquals(1.0, weights[2 * 4 + 1], 0.0, "blatant circular flow not named");
        for (final String bad : new String[]{"CIRCULAR_FLOW=4", "CIRCULAR_FLOW:CAREFUL=0", "NO_SUCH:CAREFUL=2",
            "CIRCULAR_FLOW:CAREFUL="})
        {
            assertThrows(IllegalArgumentException.class, () -> RiskTrainCommand.classWeights(java.util.List.of(bad)),
                bad);
        }
        assertEquals(2, CliTest.wodian("risk-train", "--world", "workload", "--train-seeds", "1", "--tune-seeds",
            "2", "--class-weight", "CIRCULAR_FLOW:CAREFUL=-1", "--out", dir.resolve("x.txt").toString()).exitCode());
        assertEquals(2, CliTest.wodian("risk-train", "--world", "workload", "--train-seeds", "1", "--tune-seeds",
            "2", "--class-weight", "CIRCULAR_FLOW:CAREFUL=2", "--two-pass", "--out", dir.resolve("x.txt").toString())
            .exitCode());
    }

    /** {@code --warm-up-rows N --warm-up-weight W}: in --help; a negative N or a weight of 0 is a usage error. */
    @Test
    void warmUpRowOptions()
    {
        final CliTest.Run help = CliTest.wodian("risk-train", "--help");
        assertTrue(help.out().contains("--warm-up-rows") && help.out().contains("--warm-up-weight"), help.out());
        assertEquals(2, CliTest.wodian("risk-train", "--world", "workload", "--train-seeds", "1", "--tune-seeds",
            "2", "--warm-up-rows", "-1", "--out", dir.resolve("x.txt").toString()).exitCode());
        assertEquals(2, CliTest.wodian("risk-train", "--world", "workload", "--train-seeds", "1", "--tune-seeds",
            "2", "--warm-up-rows", "20", "--warm-up-weight", "0", "--out", dir.resolve("x.txt").toString())
            .exitCode());
        assertFalse(Files.exists(dir.resolve("x.txt")), "nothing trained, nothing written");
    }

    /** A model file's {@code tree f0 t0 f1 t1 f2 t2 l0 l1 l2 l3} line whose nodes test a group feature (53-56). */
    private static boolean splitsOnAGroupFeature(final String treeLine)
    {
        final String[] fields = treeLine.split(" ");
        for (int node = 0; node < 3; node++)
        {
            final int feature = Integer.parseInt(fields[1 + 2 * node]);
            if (feature >= com.wodian.engine.risk.RiskFeatures.MERCHANT_SUSPICIOUS_SHARE &&
                feature <= com.wodian.engine.risk.RiskFeatures.TERMINAL_SUSPICIOUS_SHARE)
            {
                return true;
            }
        }
        return false;
    }

    /** An early exit added to a trained model: the marker tree where asked, the version given, still loadable. */
    @Test
    void earlyExitIsAddedToAModel() throws Exception
    {
        final Path model = model12;
        final Path withExit = dir.resolve("exit.txt");
        final CliTest.Run exit = CliTest.wodian("risk-train", "--world", "workload", "--consumers", "1000",
            "--train-seeds", "1", "--tune-seeds", "2", "--model", model.toString(), "--exit-trees", "4",
            "--exit-margin", "0", "--version", "9", "--out", withExit.toString());
        assertEquals(0, exit.exitCode(), exit.out());
        assertTrue(exit.out().contains("early exit after 4 trees"), exit.out());
        final String[] lines = Files.readString(withExit).split("\n");
        assertEquals("version 9", lines[1]);
        assertEquals(13, java.util.Arrays.stream(lines).filter(line -> line.startsWith("tree ")).count());
        assertTrue(lines[4 + 4].startsWith("tree 255 "), "the exit marker after 4 trees: " + lines[4 + 4]);
        final CliTest.Run eval = CliTest.wodian("risk-eval", "--world", "workload", "--consumers", "1000",
            "--seeds", "3", "--model", withExit.toString());
        assertEquals(0, eval.exitCode(), eval.out());
        assertTrue(eval.out().contains("version 9"), eval.out());
    }
}
