package com.wodian.perf.riskmodel;

import com.wodian.engine.risk.RiskModel;
import com.wodian.protocol.sbe.RiskModelSlot;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.*;

/**
 * How an operator sets the challenger's shadow sample period ({@code wodian pos risk-model --shadow-sample P}, which
 * loads {@link TreeModel#withShadowSample}): the period written where the engine reads it (v24's exit marker: 256
 * trees, no room for a marker of its own; v31: a marker appended), through a model file and back, the offline
 * arithmetic unchanged, and 0 taking it out again.
 */
class ShadowSampleModelTest
{
    @TempDir
    Path dir;

    @Test
    void thePeriodReachesTheEngineAndChangesNoScore() throws IOException
    {
        final TreeModel v24 = ModelFiles.resource("model-v24.txt");
        final TreeModel v31 = ModelFiles.resource("model-v31.txt");
        assertEquals(0, sampleOf(v24), "the shipped file carries no period");
        final TreeModel v24Sampled = v24.withShadowSample(8);
        assertEquals(v24.treeCount(), v24Sampled.treeCount(), "in the exit marker");
        assertEquals(8, sampleOf(v24Sampled));
        final TreeModel v31Sampled = v31.withShadowSample(16);
        assertEquals(v31.treeCount() + 1, v31Sampled.treeCount(), "a marker of its own");
        assertEquals(16, sampleOf(v31Sampled));
        final Path file = dir.resolve("v31-sampled.txt");
        v31Sampled.write(file);
        assertEquals(16, sampleOf(TreeModel.read(file)), "through a model file");
        assertEquals(4, sampleOf(v31Sampled.withShadowSample(4)), "a new period replaces the old");
        assertEquals(0, sampleOf(v31Sampled.withShadowSample(0)), "0: every command again");
        assertEquals(v31.treeCount(), v31Sampled.withShadowSample(0).treeCount());
        assertEquals(0, sampleOf(v24Sampled.withShadowSample(0)));
        // rev R46: 0 on a file without a period loads the file's own trees, node for node, whatever its exit marker's
        // unused nodes hold (v24's hold feature 0, threshold 0; a trainer may write others).
        final int[] features = v24.features.clone();
        final long[] thresholds = v24.thresholds.clone();
        final int exitMarker = exitMarkerTree(v24);
        features[exitMarker * 3 + 1] = 7;
        thresholds[exitMarker * 3 + 1] = 11;
        features[exitMarker * 3 + 2] = 9;
        final TreeModel ownNodes = new TreeModel(v24.version, v24.declineScore, v24.flagScore, features, thresholds,
            v24.leaves);
        final TreeModel unsampled = ownNodes.withShadowSample(0);
        assertArrayEquals(ownNodes.features, unsampled.features, "--shadow-sample 0 leaves the file's trees as they are");
        assertArrayEquals(ownNodes.thresholds, unsampled.thresholds);
        assertArrayEquals(ownNodes.leaves, unsampled.leaves);

        final SplittableRandom random = new SplittableRandom(46);
        final long[] x = new long[com.wodian.engine.risk.RiskFeatures.COUNT];
        for (int sample = 0; sample < 2_000; sample++)
        {
            for (int feature = 0; feature < x.length; feature++)
            {
                x[feature] = random.nextInt(-2_000, 4_000);
            }
            assertEquals(v24.score(x), v24Sampled.score(x), "offline arithmetic, sample " + sample);
            assertEquals(v31.score(x), v31Sampled.score(x), "offline arithmetic, sample " + sample);
        }
        final TreeModel noRoom = new TreeModel(1, 0, 0, new int[RiskModel.TREES_MAX * 3],
            new long[RiskModel.TREES_MAX * 3], new int[RiskModel.TREES_MAX * 4]);
        assertThrows(IllegalArgumentException.class, () -> noRoom.withShadowSample(8));
    }

    private static int exitMarkerTree(final TreeModel model)
    {
        for (int tree = 0; tree < model.treeCount(); tree++)
        {
            if (model.features[tree * 3] == TreeModel.EXIT_MARKER)
            {
                return tree;
            }
        }
        throw new AssertionError("no exit marker");
    }

    /** The shadow sample period of {@code model} once loaded into the challenger slot as SetRiskModel would. */
    private static long sampleOf(final TreeModel model)
    {
        return ModelFiles.loaded(RiskModelSlot.CHALLENGER, model, 1).shadowSamplePeriod();
    }
}
