package com.wodian.perf.riskmodel;

import com.wodian.engine.Engine;
import com.wodian.engine.risk.RiskModel;
import com.wodian.protocol.sbe.RiskModelSlot;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * v68 and v69 (fifty-seventh session): v31's recipe (docs/risk.md "The shipped configuration and the recommended one")
 * trained again on the warm world, v68 on every feature the trainer offers today, v69 without the account-event
 * features 80-87, which did not exist when v31 was trained. v70 and v71 (fifty-eighth session): v24's recipe (v20's:
 * two passes, per-trade offsets, an exit marker) trained again on the warm world, and v68's recipe behind it as the
 * group source; kept for comparison, neither in service (behind v70 in the shadow slot the active models decline far
 * too many honest payments: history "Fifty-eighth session"). What docs/risk.md's model table says of each file: the
 * trees, the decline and flag scores, no tree on the strikes the trainer leaves out, the event and group trees, and
 * each loads into its engine slot as it is.
 */
class WarmRetrainedModelsTest
{
    private static final int GROUP_FIRST = 53;
    private static final int GROUP_LAST = 56;
    private static final int EVENT_FIRST = 80;
    private static final int EVENT_LAST = 87;
    private static final int EXIT_AFTER_TREES = 24;
    private static final int PER_TRADE_OFFSETS = 15;
    private static final String CHOSEN_ON_DEVELOPMENT = "the score chosen on development worlds (risk-train's own "
        + "-1721 and -1563 declined 0.51% and 0.32% of the legitimate payments there)";

    @Test
    void v68IsV31sRecipeOnTheWarmWorldWithTheAccountEvents() throws IOException
    {
        final TreeModel v68 = ModelFiles.resource("model-v68.txt");
        assertV31sRecipe(v68, 68, -300, CHOSEN_ON_DEVELOPMENT);
        assertEquals(71, treesReading(v68, GROUP_FIRST, GROUP_LAST), "trees testing a group feature");
        assertEquals(75, treesReading(v68, EVENT_FIRST, EVENT_LAST), "trees testing an account-event feature");
    }

    @Test
    void v69IsV31sRecipeOnTheWarmWorldWithV31sOwnFeatures() throws IOException
    {
        final TreeModel v69 = ModelFiles.resource("model-v69.txt");
        assertV31sRecipe(v69, 69, -700, CHOSEN_ON_DEVELOPMENT);
        assertEquals(68, treesReading(v69, GROUP_FIRST, GROUP_LAST), "trees testing a group feature");
        assertEquals(0, treesReading(v69, EVENT_FIRST, EVENT_LAST), "features 80-87 were left out");
    }

    @Test
    void v71IsV68sRecipeBehindV70() throws IOException
    {
        final TreeModel v71 = ModelFiles.resource("model-v71.txt");
        assertV31sRecipe(v71, 71, -1176, "risk-train's own score: no score met the development rule (v70 behind it)");
        assertEquals(84, treesReading(v71, GROUP_FIRST, GROUP_LAST), "trees testing a group feature");
        assertEquals(47, treesReading(v71, EVENT_FIRST, EVENT_LAST), "trees testing an account-event feature");
    }

    @Test
    void v70IsV24sRecipeOnTheWarmWorld() throws IOException
    {
        final TreeModel v24 = ModelFiles.resource("model-v24.txt");
        final TreeModel v70 = ModelFiles.resource("model-v70.txt");
        assertEquals(70, v70.version);
        assertEquals(v24.treeCount(), v70.treeCount(), "v20's recipe: 120 + 119 trees, the exit and group markers, "
            + "15 per-trade offsets");
        assertEquals(v24.individualTrees(), v70.individualTrees(), "120 first-pass trees and the exit marker");
        assertEquals(TreeModel.EXIT_MARKER, v70.features[EXIT_AFTER_TREES * 3], "--exit-trees 24, as v24");
        assertEquals(TreeModel.EXIT_MARKER, v24.features[EXIT_AFTER_TREES * 3]);
        assertEquals(-3482, v70.flagScore, "the first pass's flag score: what counts as suspicious for 53-56");
        assertEquals(-1269, v70.declineScore, "risk-train's per-trade tuning; the CHALLENGER slot enforces nothing");
        final int trade = Arrays.asList(Engine.riskFeatureNames()).indexOf("TRADE");
        for (int tree = v70.treeCount() - PER_TRADE_OFFSETS; tree < v70.treeCount(); tree++)
        {
            assertEquals(trade, v70.features[tree * 3], "--per-trade: the last trees are trade offsets");
        }
        final int strikes = Arrays.asList(Engine.riskFeatureNames()).indexOf("CONSUMER_STRIKES_24H");
        assertEquals(0, treesReading(v70, strikes, strikes), "the trainer leaves the strikes out");
        final RiskModel loaded = ModelFiles.loaded(RiskModelSlot.CHALLENGER, v70, v70.version);
        assertEquals(70, loaded.version());
        assertEquals(v70.treeCount(), loaded.treeCount());
        assertEquals(-3482, loaded.flagScore());
    }

    private static void assertV31sRecipe(final TreeModel model, final long version, final int declineScore,
        final String declineScoreReason)
    {
        assertEquals(version, model.version);
        assertEquals(240, model.treeCount(), "--trees 240");
        assertEquals(declineScore, model.declineScore, declineScoreReason);
        assertEquals(Integer.MAX_VALUE, model.flagScore, "trained for a group source: it never flags");
        assertEquals(0, model.individualTrees(), "no individual stage: its first tree reads a group feature");
        final int strikes = Arrays.asList(Engine.riskFeatureNames()).indexOf("CONSUMER_STRIKES_24H");
        assertEquals(0, treesReading(model, strikes, strikes), "the trainer leaves the strikes out");
        final RiskModel loaded = ModelFiles.loaded(RiskModelSlot.ACTIVE, model, model.version);
        assertEquals(version, loaded.version());
        assertEquals(model.treeCount(), loaded.treeCount());
        assertEquals(declineScore, loaded.declineScore());
    }

    /** Trees with at least one node testing a feature in [first, last]. */
    private static int treesReading(final TreeModel model, final int first, final int last)
    {
        int trees = 0;
        for (int tree = 0; tree < model.treeCount(); tree++)
        {
            boolean reads = false;
            for (int node = tree * 3; node < tree * 3 + 3; node++)
            {
                reads |= model.features[node] >= first && model.features[node] <= last;
            }
            trees += reads ? 1 : 0;
        }
        return trees;
    }
}
