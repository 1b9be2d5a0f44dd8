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
 * features 80-87, which did not exist when v31 was trained. What docs/risk.md's model table says of each file: 240
 * trees trained for a group source (it never flags, and its first tree already reads a group feature), the decline
 * score set on development worlds (as v31's file carries -700, not the trainer's -1287), no tree on the strikes the
 * trainer leaves out, v68's event trees and v69's none, and each loads into the engine's active slot as it is.
 */
class WarmRetrainedModelsTest
{
    private static final int GROUP_FIRST = 53;
    private static final int GROUP_LAST = 56;
    private static final int EVENT_FIRST = 80;
    private static final int EVENT_LAST = 87;

    @Test
    void v68IsV31sRecipeOnTheWarmWorldWithTheAccountEvents() throws IOException
    {
        final TreeModel v68 = ModelFiles.resource("model-v68.txt");
        assertV31sRecipe(v68, 68, -300);
        assertEquals(71, treesReading(v68, GROUP_FIRST, GROUP_LAST), "trees testing a group feature");
        assertEquals(75, treesReading(v68, EVENT_FIRST, EVENT_LAST), "trees testing an account-event feature");
    }

    @Test
    void v69IsV31sRecipeOnTheWarmWorldWithV31sOwnFeatures() throws IOException
    {
        final TreeModel v69 = ModelFiles.resource("model-v69.txt");
        assertV31sRecipe(v69, 69, -700);
        assertEquals(68, treesReading(v69, GROUP_FIRST, GROUP_LAST), "trees testing a group feature");
        assertEquals(0, treesReading(v69, EVENT_FIRST, EVENT_LAST), "features 80-87 were left out");
    }

    private static void assertV31sRecipe(final TreeModel model, final long version, final int declineScore)
    {
        assertEquals(version, model.version);
        assertEquals(240, model.treeCount(), "--trees 240");
        assertEquals(declineScore, model.declineScore, "the score chosen on development worlds (risk-train's own "
            + "-1721 and -1563 declined 0.51% and 0.32% of the legitimate payments there)");
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
