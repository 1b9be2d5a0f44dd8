package com.wodian.perf.riskmodel;

import com.wodian.engine.Engine;
import com.wodian.engine.risk.RiskModel;
import com.wodian.protocol.sbe.RiskModelSlot;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * v72 and v73 (fifty-ninth session): v70's and v71's recipes trained again with {@code risk-train --warm-up-rows 20}
 * (every 20th risk decision of each training world's warm-up as a legitimate row: 350,648 of them), v72 the group
 * source, v73 behind it; kept for comparison, neither in service (behind v72 the active models still decline 0.3-1.2%
 * of the legitimate payments on the development worlds: history "Fifty-ninth session"). What docs/risk.md's model table
 * says of each file: the trees, the scores, the event, exact-shop and group trees, no tree on the strikes, and each
 * loads into its engine slot as it is.
 */
class WarmUpTrainedModelsTest
{
    private static final int GROUP_FIRST = 53;
    private static final int GROUP_LAST = 56;
    private static final int EVENT_FIRST = 80;
    private static final int EVENT_LAST = 87;
    private static final int EXACT_SHOP_FIRST = 88;
    private static final int EXACT_SHOP_LAST = 89;
    private static final int EXIT_AFTER_TREES = 24;
    private static final int PER_TRADE_OFFSETS = 15;

    @Test
    void v72IsV70sRecipeWithTheWarmUpRows() throws IOException
    {
        final TreeModel v70 = ModelFiles.resource("model-v70.txt");
        final TreeModel v72 = ModelFiles.resource("model-v72.txt");
        assertEquals(72, v72.version);
        assertEquals(v70.treeCount(), v72.treeCount(), "v20's recipe: 120 + 119 trees, the exit and group markers, "
            + "15 per-trade offsets");
        assertEquals(v70.individualTrees(), v72.individualTrees(), "120 first-pass trees and the exit marker");
        assertEquals(TreeModel.EXIT_MARKER, v72.features[EXIT_AFTER_TREES * 3], "--exit-trees 24");
        assertEquals(-4099, v72.flagScore, "the first pass's flag score: what counts as suspicious for 53-56");
        assertEquals(-1330, v72.declineScore, "risk-train's per-trade tuning; the CHALLENGER slot enforces nothing");
        final int trade = Arrays.asList(Engine.riskFeatureNames()).indexOf("TRADE");
        for (int tree = v72.treeCount() - PER_TRADE_OFFSETS; tree < v72.treeCount(); tree++)
        {
            assertEquals(trade, v72.features[tree * 3], "--per-trade: the last trees are trade offsets");
        }
        assertEquals(60, treesReading(v72, EVENT_FIRST, EVENT_LAST), "trees testing an account-event feature");
        assertEquals(6, treesReading(v72, EXACT_SHOP_FIRST, EXACT_SHOP_LAST), "trees testing feature 88 or 89: "
            + "a node of schema 16 only");
        assertNoStrikes(v72);
        final RiskModel loaded = ModelFiles.loaded(RiskModelSlot.CHALLENGER, v72, v72.version);
        assertEquals(72, loaded.version());
        assertEquals(v72.treeCount(), loaded.treeCount());
        assertEquals(-4099, loaded.flagScore());
    }

    @Test
    void v73IsV68sRecipeBehindV72WithTheWarmUpRows() throws IOException
    {
        final TreeModel v73 = ModelFiles.resource("model-v73.txt");
        assertEquals(73, v73.version);
        assertEquals(240, v73.treeCount(), "--trees 240");
        assertEquals(-1545, v73.declineScore, "risk-train's own score: no score met the development rule");
        assertEquals(Integer.MAX_VALUE, v73.flagScore, "trained for a group source: it never flags");
        assertEquals(0, v73.individualTrees(), "no individual stage: its first tree reads a group feature");
        assertEquals(83, treesReading(v73, GROUP_FIRST, GROUP_LAST), "trees testing a group feature");
        assertEquals(25, treesReading(v73, EVENT_FIRST, EVENT_LAST), "trees testing an account-event feature");
        assertEquals(2, treesReading(v73, EXACT_SHOP_FIRST, EXACT_SHOP_LAST), "trees testing feature 88 or 89");
        assertNoStrikes(v73);
        final RiskModel loaded = ModelFiles.loaded(RiskModelSlot.ACTIVE, v73, v73.version);
        assertEquals(73, loaded.version());
        assertEquals(v73.treeCount(), loaded.treeCount());
        assertEquals(-1545, loaded.declineScore());
    }

    private static void assertNoStrikes(final TreeModel model)
    {
        final int strikes = Arrays.asList(Engine.riskFeatureNames()).indexOf("CONSUMER_STRIKES_24H");
        assertEquals(0, treesReading(model, strikes, strikes), "the trainer leaves the strikes out");
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
